import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics

/// ReLU features of standardised first-layer projections, relu((w_j·x)/s_j + b_j), with s_j the
/// standard deviation of w_j·x over the samples the head is fitted on and b_j ~ N(0, 1).
///
/// Why standardise: on spiked inputs x ~ N(0, I + θμμᵀ) a neuron aligned with μ sees w·x of
/// size √(1+θ) ≈ d^{β/2}, so fixed N(0, 1) biases would sit at the origin of a hugely stretched
/// input and every unit would be nearly linear. Rescaling each unit by its own spread (the
/// weight normalisation Mousavi-Hosseini et al. 2023 found necessary under spiked covariance)
/// gives the head a rich basis of the one-dimensional index whatever β is.
public struct StandardizedReLUFeatures: Sendable {
    /// [m, d]
    public let weights: Tensor<Double>
    /// [m]: s_j (1 for a unit whose projection is constant, e.g. a zero row).
    public let scales: Tensor<Double>
    /// [m]
    public let biases: Tensor<Double>

    public init(weights: Tensor<Double>, fittedOn x: Tensor<Double>, rng: inout RandomStream) {
        let p = Tensor.matmul(x, weights, transposeB: true)                    // [n, m]
        let mean = p.mean(axes: [0])
        let centred = p - mean
        let variance = (centred * centred).mean(axes: [0])
        self.weights = weights
        scales = Tensor(variance.scalars.map { v in v > 0 && v.isFinite ? v.squareRoot() : 1 })
        biases = rng.normal([weights.shape[0]])
    }

    /// [n, m]
    public func callAsFunction(_ x: Tensor<Double>) -> Tensor<Double> {
        (Tensor.matmul(x, weights, transposeB: true) / scales + biases).map(.relu)
    }
}

/// The network of Ba, Erdogdu, Suzuki, Wang, Wu (NeurIPS 2023) on spiked-covariance data
/// (research note §4, §6E): a two-layer ReLU network from Damian et al.'s symmetric
/// initialisation (f ≡ 0) takes one full-batch gradient step on its first layer, normalised as in
/// Damian et al. (W ← −∇_W L/√(mean_j ‖∇_{w_j} L‖²)), with only the label *mean* removed: the
/// linear part is the signal for a link with information exponent 1, so it is kept. The head is
/// ridge on ``StandardizedReLUFeatures`` of the learned W, tuned on the validation split.
///
/// Samples: with `head=split` (default) the step uses the first half of the training split and
/// the head the second, so the network sees the same n samples as kernel ridge regression on the
/// same data; `head=fresh` fits the head on n fresh samples instead. `step=false` keeps the
/// random first layer: the same head on random features, the no-feature-learning baseline.
public struct SpikedOneStepScheme: TrainingScheme {
    public static let schemeName = "spiked-onestep"
    public static let summary = "Ba et al. 2023: one normalised gradient step from symmetric init (label mean removed), ridge on standardised ReLU features"
    public static let optionDocs = [
        OptionDoc("width", "512", "hidden neurons m (even)"),
        OptionDoc("step", "true", "take the gradient step (false: random features with the same head)"),
        OptionDoc("head", "split", "split (step on the first half of n_train, head on the second) or fresh (head on n_train fresh samples)"),
    ]
    public let width: Int, step: Bool, freshHead: Bool

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        width = try o.int("width", default: 512, range: 2...1_000_000)
        guard width % 2 == 0 else { throw o.fail("width", allowed: "an even integer (symmetric initialisation pairs neurons)", got: "\(width)") }
        step = try o.bool("step", default: true)
        freshHead = try o.choice("head", default: "split", among: ["split", "fresh"]) == "fresh"
        try o.finish()
    }

    /// The stepped network; the larger of the step (its samples × width) and the head (features
    /// of its samples, validation and test, with n_train fresh samples for `head=fresh`).
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let d = run.vectorDimension else { return .failsAtStart }
        let n = run.nTrain, rows = freshHead ? n : n / 2
        let head = saturatingSum([SchemeMemory.ridgeHead(width: width, rows: [rows, run.nValidation, run.nTest]),
                                  freshHead ? run.sampleNumbers(n, dimension: d) : 0])
        return SchemeMemory(networkNumbers: SchemeMemory.steppedTwoLayerNetwork(width: width, dimension: d),
                            workingNumbers: Swift.max(SchemeMemory.firstLayerGradient(width: width, rows: rows), head))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        let x = try c.matrix(c.train, scheme: name), y = c.train.labels
        let n = x.shape[0], d = x.shape[1]
        let stepRows = freshHead ? 0..<n : 0..<(n / 2)
        let (xh, yh): (Tensor<Double>, Tensor<Double>)
        if freshHead {
            let f = c.freshSamples(n, stream: 1)
            (xh, yh) = (try c.matrix(f, scheme: name), f.labels)
        } else {
            guard n >= 4 else { throw SchemeError.failed(scheme: name, reason: "head=split needs n_train ≥ 4, got \(n)") }
            (xh, yh) = (x.rows((n / 2)..<n), y.rows((n / 2)..<n))
        }
        var rng = c.rng.substream(.initialisation)
        var net = TwoLayerNetwork.symmetric(width: width, inputDimension: d, rng: &rng)
        let w0 = net.weights
        let u = Diagnostics.subspace(of: c.target)
        var metrics: [String: Double] = [:]
        if let u { metrics[SchemeMetric.alignmentInit] = Diagnostics.alignment(weights: w0, subspace: u) }
        if step {
            let xs = x.rows(stepRows), ys = y.rows(stepRows)
            let g = net.firstLayerGradient(xs, labels: ys - ys.mean().scalar)
            let meanSquaredNorm = Tensor.dot(g, g) / Double(width)
            guard meanSquaredNorm > 0, meanSquaredNorm.isFinite else {
                throw SchemeError.failed(scheme: name, reason: "the first-layer gradient is \(meanSquaredNorm == 0 ? "zero (no neuron active on any sample, or constant labels)" : "not finite")")
            }
            net.weights = g.scaled(by: -1 / meanSquaredNorm.squareRoot())
            metrics.merge(try Diagnostics.updateSpectrum(initial: w0, final: net.weights, subspace: u)) { $1 }
        }
        if let u { metrics[SchemeMetric.alignment] = Diagnostics.alignment(weights: net.weights, subspace: u) }

        var headRNG = c.rng.substream(.headFeatures)
        let features = StandardizedReLUFeatures(weights: net.weights, fittedOn: xh, rng: &headRNG)
        let xv = try c.matrix(c.validation, scheme: name), xt = try c.matrix(c.test, scheme: name)
        let head = try FeatureRidge(features: features(xh), labels: yh, validationFeatures: features(xv), validationLabels: c.validation.labels)
        let pred = head.predict(features(xt))
        metrics[SchemeMetric.testLossNormalized] = Diagnostics.normalizedLoss(predictions: pred, labels: c.test.labels)
        metrics[SchemeMetric.testMSE] = meanSquaredError(pred, c.test.labels)
        metrics[SchemeMetric.testLabelVariance] = populationVariance(c.test.labels)
        metrics[SchemeMetric.ridge] = head.ridge
        return SchemeResult(metrics: metrics)
    }
}
