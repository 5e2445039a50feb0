import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics

/// The kernel baselines on a scheme's data: kernel ridge regression (RBF or Laplace with the
/// median-heuristic bandwidth, closed-form ReLU NNGP/NTK) or ridge on random ReLU features, the
/// ridge tuned on the validation split. Same seed → the same data as the network schemes.
public struct KernelBaselineScheme: TrainingScheme {
    public static let schemeName = "kernel"
    public static let summary = "kernel ridge regression (rbf, laplace, relu-nngp, relu-ntk) or random-features ridge, ridge tuned on validation"
    public static let optionDocs = [
        OptionDoc("kernel", "rbf", "rbf, laplace, relu-nngp, relu-ntk or random-features"),
        OptionDoc("depth", "2", "layers of the ReLU kernels (2 or 3)"),
        OptionDoc("features", "1000", "number of random features"),
        OptionDoc("bias_variance", "0", "σ_b² of the ReLU kernels and random features"),
    ]
    public let kernel: String, depth: Int, features: Int, biasVariance: Double

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        kernel = try o.choice("kernel", default: "rbf", among: KernelBaseline.allCases.map(\.rawValue))
        depth = try o.int("depth", default: 2, range: 2...3)
        features = try o.int("features", default: 1000, range: 1...1_000_000)
        biasVariance = try o.double("bias_variance", default: 0, in: .nonNegative)
        try o.finish()
    }

    /// The kernel matrices (or random features) of the fit, as `symlab kernel fit` sizes them
    /// (``KernelBaseline/workingNumbers(nTrain:nValidation:nTest:features:)``); no network.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        let rf = KernelBaseline(rawValue: kernel)! == .randomFeatures
        if rf && run.vectorDimension == nil { return .failsAtStart }
        return SchemeMemory(networkNumbers: 0, workingNumbers: KernelBaseline.workingNumbers(
            nTrain: run.nTrain, nValidation: run.nValidation, nTest: run.nTest, features: rf ? features : nil))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let baseline = KernelBaseline(rawValue: kernel)!
        var settings = KernelBaseline.Settings(depth: depth, biasVariance: biasVariance, features: features)
        if baseline == .randomFeatures {
            _ = try c.matrix(c.train, scheme: Self.schemeName)   // vector inputs only, said in the scheme's words
            var seedRNG = c.rng.substream(.initialisation)
            settings.featureSeed = seedRNG.next()
        }
        let report = try baseline.fit(train: c.train, validation: c.validation, test: c.test, settings: settings)
        return SchemeResult(metrics: [
            SchemeMetric.testLossNormalized: report.normalizedTestMSE,
            SchemeMetric.testMSE: report.testMSE,
            SchemeMetric.trainMSE: report.trainMSE,
            SchemeMetric.validationMSE: report.validationMSE,
            SchemeMetric.testLabelVariance: populationVariance(c.test.labels),
            SchemeMetric.ridge: report.ridge,
        ])
    }
}
