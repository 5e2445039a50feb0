import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// A batch of graphs prepared for message passing: node features stacked as rows
/// [totalNodes, f], a directed edge list with global node indices (messages flow source →
/// target), the graph of every node (for pooling), and — when every graph has the same n nodes
/// — the dense adjacency [B, n, n] for aggregation by batched matrix products.
///
/// Graphs of different sizes are supported through the edge-list path (``init(nodeCounts:edges:features:)``);
/// a ``GraphBatch`` of the function classes gives both layouts.
public final class GraphStructure<S: TensorScalar> {
    public let nodeCounts: [Int]
    public let totalNodes: Int
    public let sources: [Int]
    public let targets: [Int]
    /// nodeGraph[v] = the graph node v belongs to.
    public let nodeGraph: [Int]
    /// [totalNodes, f].
    public let features: Tensor<S>
    /// [B, n, n], symmetric, when all graphs have n nodes (nil for mixed sizes).
    public let adjacency: Tensor<S>?

    public var graphCount: Int { nodeCounts.count }
    /// n when every graph has n nodes and the dense adjacency is available.
    public var uniformNodeCount: Int? { adjacency?.shape[1] }
    public var featureSize: Int { features.shape[1] }

    /// Both layouts of a ``GraphBatch`` (equal node counts, symmetric adjacency).
    public init(_ batch: GraphBatch<S>) {
        let b = batch.count, n = batch.nodesPerGraph
        nodeCounts = batch.nodeCounts
        totalNodes = b * n
        sources = batch.sources
        targets = batch.targets
        nodeGraph = (0..<(b * n)).map { $0 / Swift.max(n, 1) }
        features = batch.features.reshaped([b * n, batch.features.shape[2]])
        adjacency = batch.adjacency
    }

    /// Graphs of any sizes: `edges[g]` lists graph g's directed edges (source, target) with node
    /// indices local to the graph (list both directions for an undirected edge), `features`
    /// stacks every graph's node features, [Σ nodeCounts, f].
    public init(nodeCounts: [Int], edges: [[(source: Int, target: Int)]], features: Tensor<S>) {
        precondition(edges.count == nodeCounts.count, "GraphStructure: \(edges.count) edge lists for \(nodeCounts.count) graphs")
        precondition(nodeCounts.allSatisfy { $0 >= 1 }, "GraphStructure: every graph needs at least one node, got \(nodeCounts)")
        let total = nodeCounts.reduce(0, +)
        precondition(features.rank == 2 && features.shape[0] == total,
                     "GraphStructure: features must be [\(total), f] for node counts \(nodeCounts), got \(features.shape)")
        var src: [Int] = [], dst: [Int] = [], owner: [Int] = []
        var start = 0
        for (g, n) in nodeCounts.enumerated() {
            for (s, t) in edges[g] {
                precondition(s >= 0 && s < n && t >= 0 && t < n, "GraphStructure: edge (\(s), \(t)) out of range for graph \(g) with \(n) nodes")
                src.append(start + s); dst.append(start + t)
            }
            owner += [Int](repeating: g, count: n)
            start += n
        }
        self.nodeCounts = nodeCounts
        self.totalNodes = total
        self.sources = src
        self.targets = dst
        self.nodeGraph = owner
        self.features = features
        self.adjacency = nil
    }

    /// [totalNodes, 1]: 1/in-degree (0 for isolated nodes), for mean aggregation on edge lists.
    public lazy var inverseInDegree: Tensor<S> = {
        var deg = [Double](repeating: 0, count: totalNodes)
        for t in targets { deg[t] += 1 }
        return Tensor(shape: [totalNodes, 1], scalars: deg.map { S($0 == 0 ? 0 : 1 / $0) })
    }()

    /// D⁻¹A (rows of isolated nodes stay 0), for mean aggregation by batched products.
    public lazy var meanAdjacency: Tensor<S>? = adjacency.map { a in
        let b = a.shape[0], n = a.shape[1]
        let rowSums = a.sum(axes: [2], keepDims: true)                                   // [B, n, 1]
        let inv = Tensor<S>(shape: [b, n, 1], scalars: rowSums.scalars.map { $0 == 0 ? 0 : 1 / $0 })
        return a * inv
    }

    /// [B, 1]: 1/nodes of each graph, for mean pooling.
    lazy var inverseNodeCounts: Tensor<S> = Tensor(shape: [graphCount, 1], scalars: nodeCounts.map { S(1) / S($0) })
}

/// How messages from neighbours are combined at a node.
public enum Aggregation: String, Sendable, CaseIterable, CustomStringConvertible {
    case sum, mean, max
    public var description: String { rawValue }
}

/// Which layout computes the aggregation.
public enum Propagation: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Batched products with the dense adjacency when every graph has the same size and the
    /// aggregation is a sum or mean (fast for the small graphs of the papers), edge lists otherwise.
    case auto
    /// Batched products A·H, [B, n, n]·[B, n, F]; falls back to edge lists where impossible
    /// (max aggregation, graphs of different sizes).
    case dense
    /// Gather along edges, then scatter-add (or segment max) at the targets: O(E·F).
    case edges
    public var description: String { rawValue }
}

/// Aggregation of node features h [totalNodes, F] over each node's in-neighbours.
public func aggregate<S>(_ h: Variable<S>, over g: GraphStructure<S>, _ aggregation: Aggregation,
                         propagation: Propagation = .auto) -> Variable<S> {
    guard h.shape.count == 2, h.shape[0] == g.totalNodes else {
        tensorFailure("aggregate", "node features \(h.shape) need shape [\(g.totalNodes), F]")
    }
    let f = h.shape[1]
    // (An empty batch takes the edge path: batched products over zero graphs trap in the numerics layer.)
    if propagation != .edges, aggregation != .max, g.graphCount > 0, let n = g.uniformNodeCount {
        let a = aggregation == .sum ? g.adjacency! : g.meanAdjacency!
        let b = g.graphCount
        return Variable.batchedMatmul(h.tape.constant(a), h.reshaped([b, n, f])).reshaped([b * n, f])
    }
    let messages = h.gatherRows(g.sources)
    switch aggregation {
    case .sum: return messages.scatterAddRows(g.targets, segments: g.totalNodes)
    case .mean: return messages.scatterAddRows(g.targets, segments: g.totalNodes) * h.tape.constant(g.inverseInDegree)
    case .max: return messages.segmentMax(g.targets, count: g.totalNodes)
    }
}

/// A message-passing (graph convolution) layer, after Morris et al.'s GraphConv:
///
///     h′ᵢ = c·( hᵢ·W_root + □_{j→i} hⱼ · W_nbr ) + b,        □ ∈ {Σ, mean, max}
///
/// W_root, W_nbr are [in, out] (W_root optional), b is [out] or absent, and c is the
/// parameterization multiplier for the fan-in (in per weight matrix, ×2 with the root term: the
/// layer is one linear map of [hᵢ, □hⱼ]). Equivariant to node relabelling. For sum and mean,
/// which are linear, the cheaper order is used (aggregate the narrower of h and h·W_nbr);
/// max aggregates the raw features first, as in PyG.
public struct MessagePassing<S: TensorScalar> {
    public let name: String
    public let inputSize: Int
    public let outputSize: Int
    public let aggregation: Aggregation
    public let propagation: Propagation
    public let neighborWeight: ParameterID
    public let rootWeight: ParameterID?
    public let bias: ParameterID?
    public let multiplier: Double

    public init(_ name: String, group: String, inputSize: Int, outputSize: Int, aggregation: Aggregation,
                propagation: Propagation = .auto, rootWeight: Bool, bias: Bool, scheme: InitScheme,
                store: ParameterStore<S>, rng: inout RandomStream) {
        precondition(inputSize >= 1 && outputSize >= 1, "MessagePassing \(name): sizes must be ≥ 1, got \(inputSize) → \(outputSize)")
        let fan = inputSize * (rootWeight ? 2 : 1)
        self.name = name
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.aggregation = aggregation
        self.propagation = propagation
        self.neighborWeight = store.add(name + ".neighbor-weight", scheme.weight([inputSize, outputSize], fanIn: fan, rng: &rng), group: group)
        self.rootWeight = rootWeight ? store.add(name + ".root-weight", scheme.weight([inputSize, outputSize], fanIn: fan, rng: &rng), group: group) : nil
        self.bias = bias ? store.add(name + ".bias", Tensor(shape: [outputSize]), group: group) : nil
        self.multiplier = scheme.parameterization.multiplier(fanIn: fan, isOutput: false)
    }

    /// A second layer whose parameters start as a copy of `other`'s: the second half of a
    /// symmetric pair (see ``InitScheme/symmetric``).
    public init(twinOf other: MessagePassing, name: String, group: String, store: ParameterStore<S>) {
        self.name = name
        self.inputSize = other.inputSize
        self.outputSize = other.outputSize
        self.aggregation = other.aggregation
        self.propagation = other.propagation
        self.neighborWeight = store.add(name + ".neighbor-weight", store.value(other.neighborWeight).copy(), group: group)
        self.rootWeight = other.rootWeight.map { store.add(name + ".root-weight", store.value($0).copy(), group: group) }
        self.bias = other.bias.map { store.add(name + ".bias", store.value($0).copy(), group: group) }
        self.multiplier = other.multiplier
    }

    /// [W_nbr, W_root?, b?].
    public var parameterIDs: [ParameterID] { [neighborWeight] + [rootWeight, bias].compactMap { $0 } }
    public var parameterCount: Int { inputSize * outputSize * (rootWeight == nil ? 1 : 2) + (bias == nil ? 0 : outputSize) }

    /// σ(h′) for h [totalNodes, in] → [totalNodes, out], parameters in ``parameterIDs`` order.
    /// When the aggregation comes first (sum/mean with in ≤ out, or max), the root term, the
    /// neighbour term, the bias and σ are one fused tape node (two gemms into one output).
    public func apply(_ h: Variable<S>, graph g: GraphStructure<S>, parameters p: [Variable<S>],
                      activation: Activation = .identity) -> Variable<S> {
        let c = S(multiplier)
        let wn = p[0]
        let wr = rootWeight == nil ? nil : p[1]
        let b = bias == nil ? nil : p[p.count - 1]
        let aggregateFirst = aggregation == .max || inputSize <= outputSize
        if aggregateFirst {
            let a = aggregate(h, over: g, aggregation, propagation: propagation)
            let terms = wr.map { [(h, $0), (a, wn)] } ?? [(a, wn)]
            return Variable.dense(terms, bias: b, scale: c, activation: activation.pointwise)
        }
        // Narrowing layer: aggregate h·W_nbr (fewer columns), then add the root term and bias.
        var z = aggregate(Variable.scaledAffine(h, wn, nil, scale: c), over: g, aggregation, propagation: propagation)
        if let wr { z = z + Variable.scaledAffine(h, wr, b, scale: c) } else if let b { z = z + b }
        return activation.apply(z)
    }

    public func callAsFunction(_ h: Variable<S>, graph: GraphStructure<S>, _ bind: Binding<S>,
                               activation: Activation = .identity) -> Variable<S> {
        apply(h, graph: graph, parameters: bind(parameterIDs), activation: activation)
    }

    var kind: String {
        "graph conv \(inputSize)→\(outputSize) \(aggregation)\(rootWeight == nil ? "" : "+root")\(multiplier == 1 ? "" : ", c=\(shortNumber(multiplier))")"
    }
}

/// Global pooling over the nodes of each graph or the positions of each sequence.
public enum Pooling: String, Sendable, CaseIterable, CustomStringConvertible {
    case sum, mean
    public var description: String { rawValue }

    /// Node features [totalNodes, F] → [B, F]: invariant to node relabelling.
    public func pool<S>(nodes h: Variable<S>, of g: GraphStructure<S>) -> Variable<S> {
        let f = h.shape[1]
        if let n = g.uniformNodeCount {
            let x = h.reshaped([g.graphCount, n, f])
            return self == .sum ? x.sum(axes: [1]) : x.mean(axes: [1])
        }
        let s = h.scatterAddRows(g.nodeGraph, segments: g.graphCount)
        return self == .sum ? s : s * h.tape.constant(g.inverseNodeCounts)
    }

    /// Feature maps [B, C, L] → [B, C]: invariant to cyclic shifts of the positions.
    public func pool<S>(positions x: Variable<S>) -> Variable<S> {
        self == .sum ? x.sum(axes: [2]) : x.mean(axes: [2])
    }
}
