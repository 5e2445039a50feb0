import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// Inputs and labels of one split. Labels are [N].
public struct LabelledSet<S: TensorScalar>: Sendable {
    public let inputs: Inputs<S>
    public let labels: Tensor<S>
    public init(inputs: Inputs<S>, labels: Tensor<S>) {
        precondition(labels.rank == 1 && labels.shape[0] == inputs.count,
                     "LabelledSet: \(inputs.count) inputs need labels of shape [\(inputs.count)], got \(labels.shape)")
        self.inputs = inputs; self.labels = labels
    }
    public init(_ d: Dataset<S>) { self.init(inputs: d.inputs, labels: d.labels) }

    public var count: Int { inputs.count }

    /// The samples at `indices` (a minibatch).
    public func samples(at indices: [Int]) -> LabelledSet {
        LabelledSet(inputs: inputs.samples(at: indices), labels: labels.gatherRows(indices))
    }

    /// Population variance of the labels: the MSE of the best constant predictor, the natural
    /// reference line for "learned nothing".
    public var labelVariance: Double {
        let y = labels.scalars.map(Double.init)
        guard !y.isEmpty else { return 0 }
        let mean = y.reduce(0, +) / Double(y.count)
        return y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(y.count)
    }

    /// Population variance of the input coordinates, averaged over coordinates: the MSE of
    /// reconstructing every input by the mean input (what an autoencoder that learned nothing
    /// but the mean achieves).
    public var inputVariance: Double {
        let n = count
        guard n > 0 else { return 0 }
        let v = inputs.dense.scalars.map(Double.init), d = v.count / n
        var total = 0.0
        for j in 0..<d {
            var mean = 0.0
            for i in 0..<n { mean += v[i * d + j] }
            mean /= Double(n)
            for i in 0..<n { total += (v[i * d + j] - mean) * (v[i * d + j] - mean) }
        }
        return total / Double(n * d)
    }
}

/// Train, validation and test splits.
public struct TrainingData<S: TensorScalar>: Sendable {
    public let train: LabelledSet<S>
    public let validation: LabelledSet<S>
    public let test: LabelledSet<S>
    public init(train: LabelledSet<S>, validation: LabelledSet<S>, test: LabelledSet<S>) {
        self.train = train; self.validation = validation; self.test = test
    }
    public init(_ s: DatasetSplits<S>) {
        self.init(train: LabelledSet(s.train), validation: LabelledSet(s.validation), test: LabelledSet(s.test))
    }
}

extension Inputs {
    /// The samples at `indices`, in that order.
    public func samples(at indices: [Int]) -> Inputs {
        switch self {
        case .dense(let x): return .dense(x.gatherRows(indices))
        case .graphs(let g):
            return .graphs(GraphBatch(adjacency: g.adjacency.gatherRows(indices), features: g.features.gatherRows(indices)))
        }
    }
}
