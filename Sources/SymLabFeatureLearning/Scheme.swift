import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import SymLabTraining

/// A training scheme of the feature-learning papers (one large step, layer-wise, joint Adam, a
/// kernel baseline, online SGD, …): options in, a data set of one target in, named scalar
/// metrics and optional curves out. Schemes run in Double (the kernel baselines are Double-only).
///
/// Register a scheme by adding its type to ``SchemeRegistry`` (one line in `SchemeList.swift`); it
/// states its own memory (``memory(_:)``), which the preflight checks before any run. The options are
/// the same `key=value` strings as the function classes', read with ``OptionReader`` (class name
/// `"scheme NAME"`), so an unknown or out-of-range option is an error naming the scheme and key.
public protocol TrainingScheme: Sendable, RegistryMember {
    /// The registry name used in specs (`scheme: {name: ...}`).
    static var schemeName: String { get }
    /// Validates every option; must be cheap (specs are checked by building their schemes).
    init(options: [String: String]) throws
    func run(_ context: SchemeContext) throws -> SchemeResult
    /// What a run keeps in memory beyond its data set, estimated from the options and the run's
    /// sizes without building anything, for the memory preflight (as a model's ``ModelSize``).
    /// No default: a scheme that did not state it would pass the preflight at 0 bytes.
    func memory(_ run: SchemeRunSize) -> SchemeMemory
}

/// A scheme could not be built or run.
public enum SchemeError: Error, CustomStringConvertible, Equatable {
    case unknownScheme(name: String, known: [String])
    /// The data do not fit the scheme (graph inputs, a target without the structure a diagnostic needs, …).
    case unsupportedData(scheme: String, reason: String)
    /// A numerical step failed (a factorisation, an empty split).
    case failed(scheme: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownScheme(name, known): "unknown training scheme '\(name)'\(Suggestion.hint(for: name, among: known)); the schemes are \(known.joined(separator: ", "))"
        case let .unsupportedData(s, reason): "scheme \(s): \(reason)"
        case let .failed(s, reason): "scheme \(s): \(reason)"
        }
    }
}

/// Names of the metrics schemes report, so figures and sweeps read the same keys.
public enum SchemeMetric {
    /// Test MSE / Var(test labels): 1 is the constant predictor.
    public static let testLossNormalized = "test_loss_normalized"
    public static let testMSE = "test_mse"
    public static let trainMSE = "train_mse"
    public static let validationMSE = "validation_mse"
    public static let testLabelVariance = "test_label_variance"
    /// Fraction of test (training) samples with sign(f) ≠ label: the Trainer's names under
    /// `training.zero_one_error`, so a figure reads schemes and trained networks alike.
    public static let testError = "test_error"
    public static let trainError = "train_error"
    /// Mean over neurons of ‖P_U w‖/‖w‖ (first-layer rows against the target's relevant subspace).
    public static let alignment = "alignment"
    /// The same at initialisation, for comparison.
    public static let alignmentInit = "alignment_init"
    /// |corr(learned feature, p)| on the test set (hierarchical targets).
    public static let featureCorrelation = "feature_correlation"
    /// The chosen (relative) ridge of the head.
    public static let ridge = "ridge"
    /// Largest singular values of W₁ − W₀, and the ratio of the first two.
    public static func singularValue(_ i: Int) -> String { "singular_value_\(i)" }
    public static let singularRatio = "singular_ratio"
    /// |cos| between the top right-singular vector of W₁ − W₀ and the target direction (r = 1).
    public static let spikeAlignment = "spike_alignment"
}

/// What a scheme sees of one run: the function class, the drawn target, the spec's three splits,
/// fresh samples on demand, its own random stream and the run's observer.
///
/// Randomness: the target, the three splits and the fresh samples are ``SeededData``'s for the
/// run's seed, so every scheme and point with the same data config and seed sees the same data
/// (paired comparisons with the kernel baselines). ``rng`` differs between sweep points.
public struct SchemeContext {
    public let functionClass: any FunctionClass
    public let target: any Target
    public let train: Dataset<Double>
    public let validation: Dataset<Double>
    public let test: Dataset<Double>
    public let seed: UInt64
    /// Initialisation and other scheme randomness; take substreams of it.
    public let rng: RandomStream
    /// Curves as they are computed, and the stop request (SIGTERM / Slurm's USR1); may be nil.
    public let observer: (any TrainingObserver)?
    let data: SeededData

    /// The context of `data`'s three splits of `nTrain`, `nValidation` and `nTest` samples.
    public init(_ data: SeededData, nTrain: Int, nValidation: Int, nTest: Int, rng: RandomStream,
                observer: (any TrainingObserver)? = nil) {
        let splits: DatasetSplits<Double> = data.splits(nTrain: nTrain, nValidation: nValidation, nTest: nTest)
        functionClass = data.functionClass; target = data.target
        train = splits.train; validation = splits.validation; test = splits.test
        seed = data.seed; self.rng = rng; self.observer = observer
        self.data = data
    }

    /// The context of `FunctionClass.splits(nTrain:nVal:nTest:seed:)`'s data (same target, same sets).
    public static func make(_ functionClass: any FunctionClass, nTrain: Int, nValidation: Int, nTest: Int, seed: UInt64,
                            rng: RandomStream, observer: (any TrainingObserver)? = nil) -> SchemeContext {
        SchemeContext(SeededData(functionClass, seed: seed), nTrain: nTrain, nValidation: nValidation, nTest: nTest,
                      rng: rng, observer: observer)
    }

    /// `count` new samples of the run's target (label noise of the class included), from fresh
    /// data stream `stream`: stages that need fresh samples ask for distinct streams.
    public func freshSamples(_ count: Int, stream: UInt64) -> Dataset<Double> {
        data.freshSamples(count, stream: stream)
    }

    /// `count` new samples of another target of the same input distribution (transfer to g′).
    public func freshSamples(_ count: Int, of other: any Target, stream: UInt64) -> Dataset<Double> {
        data.freshSamples(count, of: other, stream: stream)
    }

    /// True when the run has been asked to stop (long loops check it and return `.interrupted`).
    public var shouldStop: Bool { observer?.shouldStop ?? false }

    /// The dense input matrix of a set, or a clear error for graph inputs.
    public func matrix(_ d: Dataset<Double>, scheme: String) throws -> Tensor<Double> {
        guard case .dense(let x) = d.inputs, x.rank == 2 else {
            throw SchemeError.unsupportedData(scheme: scheme, reason: "needs vector inputs [N, d]; class \(functionClass.name) gives other inputs")
        }
        return x
    }
}

/// The outcome of one scheme run.
public struct SchemeResult: Sendable {
    public var status: RunStatus
    public var message: String?
    public var metrics: [String: Double]
    /// Curves to store with the run (e.g. loss vs step for joint training); `step` may be any
    /// integer index the scheme documents.
    public var curves: [CurvePoint]

    public init(metrics: [String: Double], curves: [CurvePoint] = [], status: RunStatus = .done, message: String? = nil) {
        self.metrics = metrics; self.curves = curves; self.status = status; self.message = message
    }
}

/// Name → scheme, for specs (`scheme: {name: …, options: {…}}`) and the command line.
public enum SchemeRegistry {
    /// Every scheme. Add a new one to ``builtInSchemes`` or ``additionalSchemes`` (one line).
    public static let registry = TypeRegistry<any TrainingScheme.Type>(
        builtInSchemes + additionalSchemes, describe: { $0 }, unknown: { SchemeError.unknownScheme(name: $0, known: $1) })

    public static var types: [any TrainingScheme.Type] { registry.members }
    public static var names: [String] { registry.names }

    public static func type(named name: String) throws -> any TrainingScheme.Type {
        try registry.member(named: name)
    }

    /// Builds scheme `name` from its options (validated; unknown keys are errors).
    public static func make(_ name: String, options: [String: String] = [:]) throws -> any TrainingScheme {
        try type(named: name).init(options: options)
    }

    /// Every scheme with its summary and options, for `--help`.
    public static var helpText: String { registry.helpText }
}

extension TrainingScheme {
    public static var registryName: String { schemeName }
}
