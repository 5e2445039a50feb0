import SymLabModels
import SymLabNumerics

/// The sizes of one scheme run, known before it runs: what a scheme's memory estimate depends on.
public struct SchemeRunSize: Sendable, Equatable {
    public var nTrain: Int, nValidation: Int, nTest: Int
    /// One sample's inputs.
    public var input: InputDescription
    /// The run's BLAS threads (a trained model keeps a gradient buffer per extra thread).
    public var threads: Int

    public init(nTrain: Int, nValidation: Int, nTest: Int, input: InputDescription, threads: Int) {
        self.nTrain = nTrain; self.nValidation = nValidation; self.nTest = nTest; self.input = input; self.threads = threads
    }

    /// d of vector inputs [N, d]; nil for graphs (schemes that need vectors fail at their start).
    public var vectorDimension: Int? {
        if case .dense(let shape) = input, shape.count == 1 { shape[0] } else { nil }
    }

    /// Numbers of `count` samples of vector inputs (inputs, label, clean label): fresh samples a
    /// scheme draws beyond the splits.
    public func sampleNumbers(_ count: Int, dimension d: Int) -> Int { saturatingProduct([count, saturatingSum([d, 2])]) }
}

/// What a scheme run keeps in memory beyond its data set, in numbers (Doubles: schemes run in
/// f64). An estimate of the largest sets that are alive at once, not a measurement: a scheme
/// states the matrices its phases build (its network widths × the samples they see), and the
/// phase that keeps the most counts.
public struct SchemeMemory: Sendable, Equatable {
    /// The network or feature maps: every copy of the weights the scheme keeps (initial and
    /// stepped weights, a gradient, optimizer moments).
    public var networkNumbers: Int
    /// The largest working set at once: feature matrices over the splits, the ridge's normal
    /// equations, activations, fresh samples.
    public var workingNumbers: Int

    public init(networkNumbers: Int, workingNumbers: Int) {
        self.networkNumbers = networkNumbers; self.workingNumbers = workingNumbers
    }

    /// A run on inputs the scheme cannot take: it fails at its start (``SchemeContext/matrix(_:scheme:)``,
    /// the model registry), before it allocates anything.
    public static let failsAtStart = SchemeMemory(networkNumbers: 0, workingNumbers: 0)

    /// A ridge head (``FeatureRidge``) on `width` features of sets of `rows` samples: the feature
    /// matrix of every set it sees and the three width × width matrices of its normal equations
    /// (ΦᵀΦ, its eigenvectors, the regularised copy).
    public static func ridgeHead(width: Int, rows: [Int]) -> Int {
        saturatingSum([saturatingProduct([saturatingSum(rows), width]), saturatingProduct([width, width, 3])])
    }

    /// One full-batch first-layer gradient of a two-layer network of `width` neurons on `rows`
    /// samples (``TwoLayerNetwork/firstLayerGradient(_:labels:lossFactor:)``): the pre-activations
    /// and the masked residuals, [rows, width] each.
    public static func firstLayerGradient(width: Int, rows: Int) -> Int {
        saturatingProduct([rows, width, 2])
    }

    /// A two-layer network of `width` neurons on d inputs taking one gradient step: initial and
    /// stepped first layers and the gradient ([width, d] each), biases and readout.
    public static func steppedTwoLayerNetwork(width: Int, dimension d: Int) -> Int {
        saturatingSum([saturatingProduct([width, d, 3]), saturatingProduct([width, 2])])
    }
}
