import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics

/// Ba, Erdogdu, Suzuki, Wang, Wu, Yang (NeurIPS 2022), one gradient step in the proportional
/// regime (research note §5): f(x) = (1/√N)·Σ_i a_i relu(w_i·x), W₀ with N(0, 1/d) entries,
/// a ~ N(0, 1/N), loss (1/2n)Σ(f − y)². One full-batch step on W only,
/// W₁ = W₀ + η√N·G with G = −∇_W L, on the training split; then ridge on relu(W₁x) fitted on
/// n_train *fresh* samples, the ridge tuned on the validation split.
///
/// η = `eta` (scaling=constant, "small": Gaussian-equivalent features, cannot beat the best
/// linear predictor) or `eta`·√N (scaling=sqrt-width, "large": can). The run also reports the
/// best linear predictor on the same data (ridge on x fitted on max(20d, 4096) fresh samples),
/// so the comparison is paired, and the spectrum of W₁ − W₀ (the rank-one spike).
public struct OneStepScheme: TrainingScheme {
    public static let schemeName = "ba-onestep"
    public static let summary = "Ba et al. 2022: one gradient step on W (η = Θ(1) or Θ(√N)), ridge head on fresh samples; best linear predictor beside it"
    public static let optionDocs = [
        OptionDoc("width", "512", "hidden neurons N"),
        OptionDoc("eta", "1", "step size (multiplied by √N when scaling=sqrt-width); 0 = random features"),
        OptionDoc("scaling", "constant", "constant (η) or sqrt-width (η·√N)"),
        OptionDoc("linear_baseline", "true", "also fit the best linear predictor on fresh samples"),
    ]
    public let width: Int, eta: Double, sqrtScaling: Bool, linearBaseline: Bool

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        width = try o.int("width", default: 512, range: 1...1_000_000)
        eta = try o.double("eta", default: 1, in: .nonNegative)
        sqrtScaling = try o.choice("scaling", default: "constant", among: ["constant", "sqrt-width"]) == "sqrt-width"
        linearBaseline = try o.bool("linear_baseline", default: true)
        try o.finish()
    }

    /// The step size actually used.
    public var stepSize: Double { sqrtScaling ? eta * Double(width).squareRoot() : eta }

    /// The stepped network; the larger of the step (n_train × width), the head (n_train fresh
    /// samples and the features of them, validation and test) and the linear baseline (its
    /// max(20d, 4096) fresh samples and a ridge on their d inputs).
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let d = run.vectorDimension else { return .failsAtStart }
        let n = run.nTrain, nv = run.nValidation, nt = run.nTest
        var working = Swift.max(SchemeMemory.firstLayerGradient(width: width, rows: n),
                                saturatingSum([run.sampleNumbers(n, dimension: d), SchemeMemory.ridgeHead(width: width, rows: [n, nv, nt])]))
        if linearBaseline {
            let l = Swift.max(saturatingProduct([20, d]), 4096)
            working = Swift.max(working, saturatingSum([run.sampleNumbers(l, dimension: d), SchemeMemory.ridgeHead(width: d, rows: [l, nv, nt])]))
        }
        return SchemeMemory(networkNumbers: SchemeMemory.steppedTwoLayerNetwork(width: width, dimension: d), workingNumbers: working)
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        let x = try c.matrix(c.train, scheme: name)
        let n = x.shape[0], d = x.shape[1], sqrtN = Double(width).squareRoot()
        var rng = c.rng.substream(.initialisation)
        var net = TwoLayerNetwork(weights: rng.normal([width, d], std: 1 / Double(d).squareRoot()), biases: .zeros([width]),
                                  readout: rng.normal([width], std: 1 / sqrtN), outputScale: 1 / sqrtN)
        let w0 = net.weights
        let u = Diagnostics.subspace(of: c.target)
        var metrics: [String: Double] = ["step_size": stepSize]
        if let u { metrics[SchemeMetric.alignmentInit] = Diagnostics.alignment(weights: w0, subspace: u) }
        if stepSize > 0 {
            let g = net.firstLayerGradient(x, labels: c.train.labels, lossFactor: 0.5)
            net.weights = w0 - g.scaled(by: stepSize * sqrtN)
            guard net.weights.scalars.allSatisfy(\.isFinite) else {
                return SchemeResult(metrics: metrics, status: .diverged, message: "the step produced non-finite weights (η = \(stepSize))")
            }
            metrics.merge(try Diagnostics.updateSpectrum(initial: w0, final: net.weights, subspace: u)) { $1 }
        }
        if let u { metrics[SchemeMetric.alignment] = Diagnostics.alignment(weights: net.weights, subspace: u) }

        let fresh = c.freshSamples(n, stream: 1)
        let xf = try c.matrix(fresh, scheme: name), xv = try c.matrix(c.validation, scheme: name), xt = try c.matrix(c.test, scheme: name)
        let head = try FeatureRidge(features: net.features(xf), labels: fresh.labels,
                                    validationFeatures: net.features(xv), validationLabels: c.validation.labels)
        let pred = head.predict(net.features(xt))
        metrics[SchemeMetric.testLossNormalized] = Diagnostics.normalizedLoss(predictions: pred, labels: c.test.labels)
        metrics[SchemeMetric.testMSE] = meanSquaredError(pred, c.test.labels)
        metrics[SchemeMetric.testLabelVariance] = populationVariance(c.test.labels)
        metrics[SchemeMetric.ridge] = head.ridge

        if linearBaseline {
            let lin = c.freshSamples(Swift.max(20 * d, 4096), stream: 2)
            let xl = try c.matrix(lin, scheme: name)
            let fit = try FeatureRidge(features: xl, labels: lin.labels, validationFeatures: xv, validationLabels: c.validation.labels)
            let lp = fit.predict(xt)
            metrics["linear_" + SchemeMetric.testLossNormalized] = Diagnostics.normalizedLoss(predictions: lp, labels: c.test.labels)
            metrics["linear_" + SchemeMetric.testMSE] = meanSquaredError(lp, c.test.labels)
        }
        return SchemeResult(metrics: metrics)
    }
}
