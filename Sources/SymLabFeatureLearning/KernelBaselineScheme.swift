import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics

/// The kernel baselines on a scheme's data: kernel ridge regression (RBF or Laplace with the
/// median-heuristic bandwidth or a given one, closed-form ReLU NNGP/NTK) or ridge on random ReLU
/// features, the ridge tuned on the validation split — or, with `ridge`, fixed at
/// λ = ridge·n_train^(−ridge_exponent) (relative, ``KernelRidge``'s convention; the learning
/// curves at a prescribed ridge λ(P) of Tomasini et al. 2022 need it). Without `ridge` and
/// `bandwidth` the scheme does what it always did. Same seed → the same data as the network schemes.
public struct KernelBaselineScheme: TrainingScheme {
    public static let schemeName = "kernel"
    public static let summary = "kernel ridge regression (rbf, laplace, relu-nngp, relu-ntk) or random-features ridge, ridge tuned on validation or fixed (ridge, ridge_exponent)"
    public static let optionDocs = [
        OptionDoc("kernel", "rbf", "rbf, laplace, relu-nngp, relu-ntk or random-features"),
        OptionDoc("depth", "2", "layers of the ReLU kernels (2 or 3)"),
        OptionDoc("features", "1000", "number of random features"),
        OptionDoc("bias_variance", "0", "σ_b² of the ReLU kernels and random features"),
        OptionDoc("bandwidth", "", "σ of rbf and laplace (absent: the median pairwise distance of the training inputs)"),
        OptionDoc("ridge", "", "a fixed relative ridge c, λ = c·n_train^(−ridge_exponent) (absent: tuned on validation)"),
        OptionDoc("ridge_exponent", "", "e in λ = c·n_train^(−e) (absent: 0); only with ridge"),
    ]
    public let kernel: String, depth: Int, features: Int, biasVariance: Double
    /// nil: the median heuristic / the validation-tuned ridge.
    public let bandwidth: Double?, ridge: Double?
    public let ridgeExponent: Double

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        kernel = try o.choice("kernel", default: "rbf", among: KernelBaseline.allCases.map(\.rawValue))
        depth = try o.int("depth", default: 2, range: 2...3)
        features = try o.int("features", default: 1000, range: 1...1_000_000)
        biasVariance = try o.double("bias_variance", default: 0, in: .nonNegative)
        bandwidth = try o.doubles("bandwidth", in: .positive, count: 1...1)?.first
        ridge = try o.doubles("ridge", in: .positive, count: 1...1)?.first
        let exponent = try o.doubles("ridge_exponent", in: Interval(-10, 10), count: 1...1)?.first
        if exponent != nil && ridge == nil {
            throw o.fail("ridge_exponent", allowed: "only together with ridge (the tuned ridge has no exponent)", got: "\(exponent!)")
        }
        ridgeExponent = exponent ?? 0
        if ridge != nil && kernel == KernelBaseline.randomFeatures.rawValue {
            throw o.fail("ridge", allowed: "absent for random-features (their ridge is tuned on validation)", got: "\(ridge!)")
        }
        if bandwidth != nil && !["rbf", "laplace"].contains(kernel) {
            throw o.fail("bandwidth", allowed: "only for rbf and laplace", got: "\(bandwidth!)")
        }
        try o.finish()
    }

    /// The relative ridge of a run on `nTrain` samples, nil when it is tuned.
    public func fixedRidge(nTrain: Int) -> Double? {
        ridge.map { $0 * Foundation.pow(Double(nTrain), -ridgeExponent) }
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
        var settings = KernelBaseline.Settings(depth: depth, biasVariance: biasVariance, bandwidth: bandwidth, features: features,
                                               ridge: fixedRidge(nTrain: c.train.count))
        if baseline == .randomFeatures {
            _ = try c.matrix(c.train, scheme: Self.schemeName)   // vector inputs only, said in the scheme's words
            var seedRNG = c.rng.substream(.initialisation)
            settings.featureSeed = seedRNG.next()
        }
        let report = try baseline.fit(train: c.train, validation: c.validation, test: c.test, settings: settings)
        var metrics = [
            SchemeMetric.testLossNormalized: report.normalizedTestMSE,
            SchemeMetric.testMSE: report.testMSE,
            SchemeMetric.trainMSE: report.trainMSE,
            SchemeMetric.testLabelVariance: populationVariance(c.test.labels),
            SchemeMetric.ridge: report.ridge,
        ]
        // A fixed ridge needs no validation split; with none there is no validation MSE to record
        // (NaN would mark the run as diverged).
        if c.validation.count > 0 || ridge == nil { metrics[SchemeMetric.validationMSE] = report.validationMSE }
        return SchemeResult(metrics: metrics)
    }
}
