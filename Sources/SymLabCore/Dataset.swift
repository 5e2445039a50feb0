import SymLabNumerics

/// A batch of simple undirected graphs, kept in the two layouts a graph network wants: dense
/// adjacency (for A·X products) and a directed edge list with both directions of every edge
/// (for message passing by gather/scatter).
///
/// Every graph of a batch has the same number of nodes (the classes here draw from G(n, p));
/// `nodeCounts` is still per graph so that the layout is the usual one of graph libraries.
/// Node indices in `sources`/`targets` are global: node i of graph b is `b·n + i`.
public struct GraphBatch<S: TensorScalar>: Sendable, Equatable {
    /// Nodes of each graph.
    public let nodeCounts: [Int]
    /// [B, n, n], symmetric, 0/1, zero diagonal.
    public let adjacency: Tensor<S>
    /// Directed edges (both directions of each undirected edge), sorted by graph, then source, then target.
    public let sources: [Int]
    public let targets: [Int]
    /// Directed edges of each graph (twice its number of undirected edges).
    public let edgeCounts: [Int]
    /// [B, n, f] node features: all ones (f = 1) for the classes whose inputs are the graph alone.
    public let features: Tensor<S>

    public var count: Int { nodeCounts.count }
    public var nodesPerGraph: Int { adjacency.shape[1] }

    /// Builds the edge list from the adjacency. `adjacency` is [B, n, n]; `features` [B, n, f].
    public init(adjacency: Tensor<S>, features: Tensor<S>) {
        precondition(adjacency.rank == 3 && adjacency.shape[1] == adjacency.shape[2],
                     "GraphBatch: adjacency must be [B, n, n], got \(adjacency.shape)")
        precondition(features.rank == 3 && Array(features.shape.prefix(2)) == Array(adjacency.shape.prefix(2)),
                     "GraphBatch: features must be [B, n, f] with B, n of the adjacency \(adjacency.shape), got \(features.shape)")
        let b = adjacency.shape[0], n = adjacency.shape[1]
        var src: [Int] = [], dst: [Int] = [], counts = [Int](repeating: 0, count: b)
        adjacency.withUnsafePointer { a in
            for g in 0..<b {
                for i in 0..<n {
                    for j in 0..<n where a[(g * n + i) * n + j] != 0 {
                        src.append(g * n + i); dst.append(g * n + j); counts[g] += 1
                    }
                }
            }
        }
        self.nodeCounts = [Int](repeating: n, count: b)
        self.adjacency = adjacency
        self.sources = src
        self.targets = dst
        self.edgeCounts = counts
        self.features = features
    }

    /// Graphs with constant node features 1.
    public init(adjacency: Tensor<S>) {
        self.init(adjacency: adjacency, features: .ones([adjacency.shape[0], adjacency.shape[1], 1]))
    }

    /// The edges of graph `g` with node indices local to that graph.
    public func edges(ofGraph g: Int) -> [(source: Int, target: Int)] {
        let start = edgeCounts[..<g].reduce(0, +), n = nodesPerGraph
        return (start..<(start + edgeCounts[g])).map { (sources[$0] - g * n, targets[$0] - g * n) }
    }

    /// Graph `g` relabelled by `perm`: node i becomes node perm[i] (A′[π i, π j] = A[i, j],
    /// X′[π i] = X[i]). A graph class's target must not see the difference.
    public func relabelled(by perms: [Permutation]) -> GraphBatch {
        precondition(perms.count == count && perms.allSatisfy { $0.degree == nodesPerGraph },
                     "GraphBatch.relabelled: need \(count) permutations of degree \(nodesPerGraph)")
        let b = count, n = nodesPerGraph, f = features.shape[2]
        let a2 = Tensor<S>(uninitializedShape: adjacency.shape), x2 = Tensor<S>(uninitializedShape: features.shape)
        adjacency.withUnsafePointer { a in features.withUnsafePointer { x in
            a2.withSharedMutablePointer { a2 in x2.withSharedMutablePointer { x2 in
                for g in 0..<b {
                    let p = perms[g].images
                    for i in 0..<n {
                        for j in 0..<n { a2[(g * n + p[i]) * n + p[j]] = a[(g * n + i) * n + j] }
                        for c in 0..<f { x2[(g * n + p[i]) * f + c] = x[(g * n + i) * f + c] }
                    }
                }
            } }
        } }
        return GraphBatch(adjacency: a2, features: x2)
    }

    public func cast<T: TensorScalar>(to: T.Type = T.self) -> GraphBatch<T> {
        GraphBatch<T>(adjacency: adjacency.cast(), features: features.cast())
    }

    /// Graphs `range` (copies).
    public func graphs(_ range: Range<Int>) -> GraphBatch {
        GraphBatch(adjacency: adjacency.rows(range).copy(), features: features.rows(range).copy())
    }
}

/// The inputs of a data set: a dense tensor whose leading axis indexes samples ([N, d] for
/// vectors, [N, n, d] for the Gaussian CNN class), or a batch of graphs.
public enum Inputs<S: TensorScalar>: Sendable, Equatable {
    case dense(Tensor<S>)
    case graphs(GraphBatch<S>)

    public var count: Int {
        switch self {
        case .dense(let x): x.shape[0]
        case .graphs(let g): g.count
        }
    }

    /// The dense tensor, or a stop for graph inputs.
    public var dense: Tensor<S> {
        guard case .dense(let x) = self else { preconditionFailure("Inputs.dense: these inputs are graphs") }
        return x
    }

    public var graphs: GraphBatch<S> {
        guard case .graphs(let g) = self else { preconditionFailure("Inputs.graphs: these inputs are dense") }
        return g
    }

    public func cast<T: TensorScalar>(to: T.Type = T.self) -> Inputs<T> {
        switch self {
        case .dense(let x): .dense(x.cast())
        case .graphs(let g): .graphs(g.cast())
        }
    }

    /// Samples `range` (copies).
    public func samples(_ range: Range<Int>) -> Inputs {
        switch self {
        case .dense(let x): .dense(x.rows(range).copy())
        case .graphs(let g): .graphs(g.graphs(range))
        }
    }
}

/// Mean and variance of labels.
public struct LabelMoments: Sendable, Equatable, CustomStringConvertible {
    public var mean: Double
    public var variance: Double
    public init(mean: Double, variance: Double) { self.mean = mean; self.variance = variance }

    /// Empirical moments (variance with 1/N: these are population-size samples).
    public init(of values: [Double]) {
        let n = Double(Swift.max(values.count, 1))
        let m = values.reduce(0, +) / n
        self.mean = m
        self.variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
    }

    public var description: String { "mean \(NumberFormat.shortest(mean)), variance \(NumberFormat.shortest(variance))" }
}

/// A sample of (input, label) pairs of one function class, with what produced it.
public struct Dataset<S: TensorScalar>: Sendable, Equatable {
    public let className: String
    /// Every parameter that produced the data: the class options (defaults included) and the
    /// drawn target (e.g. the subset S), for recording with results.
    public let parameters: [String: String]
    public let inputs: Inputs<S>
    /// [N]: the labels, label noise included.
    public let labels: Tensor<S>
    /// [N]: the target's values without noise (the Bayes predictor; its MSE is the noise variance).
    public let cleanLabels: Tensor<S>
    /// Moments of the noise-free labels under the input distribution, where the class
    /// documents them exactly (nil otherwise). Noisy labels add the noise variance.
    public let documentedMoments: LabelMoments?

    public init(className: String, parameters: [String: String], inputs: Inputs<S>, labels: Tensor<S>,
                cleanLabels: Tensor<S>, documentedMoments: LabelMoments?) {
        precondition(labels.shape == [inputs.count] && cleanLabels.shape == labels.shape,
                     "Dataset: labels \(labels.shape) and clean labels \(cleanLabels.shape) must be [\(inputs.count)]")
        self.className = className
        self.parameters = parameters
        self.inputs = inputs
        self.labels = labels
        self.cleanLabels = cleanLabels
        self.documentedMoments = documentedMoments
    }

    public var count: Int { inputs.count }

    /// Empirical mean and variance of the (noisy) labels.
    public var labelMoments: LabelMoments { LabelMoments(of: labels.scalars.map { Double($0) }) }

    public func cast<T: TensorScalar>(to: T.Type = T.self) -> Dataset<T> {
        Dataset<T>(className: className, parameters: parameters, inputs: inputs.cast(), labels: labels.cast(),
                   cleanLabels: cleanLabels.cast(), documentedMoments: documentedMoments)
    }
}

/// Train, validation and test sets of one target function.
public struct DatasetSplits<S: TensorScalar>: Sendable, Equatable {
    public let train: Dataset<S>
    public let validation: Dataset<S>
    public let test: Dataset<S>

    public init(train: Dataset<S>, validation: Dataset<S>, test: Dataset<S>) {
        self.train = train; self.validation = validation; self.test = test
    }
}
