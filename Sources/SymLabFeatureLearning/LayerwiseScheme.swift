import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics

/// The three-layer layer-wise scheme of Nichani–Damian–Lee (2023) and Wang–Nichani–Lee (2024)
/// for hierarchical targets h = g∘p (research note §2, §3, §6B):
/// - stage 1 (the inner feature): the first layer V stays random; the scalar bottleneck
///   u·σ₁(Vx) is trained to convergence with weight decay, i.e. ridge regression of y on the m₁
///   random features σ₁(v·x) = (v·x)^k, v uniform on the sphere, using the first `split` of the
///   training split. Its prediction φ(x) is the learned feature (≈ E[g′(p)]·p for p close to
///   Gaussian, the degree-≤k projection of h). When m₁ ≥ D = C(d+k−1, k) (the default) the ridge
///   is solved exactly in the span of the features (``StageOneRoute/span``), so d = 96 fits;
/// - stage 2 (the outer link): on the remaining training samples, ridge on `width` random ReLU
///   features relu(a·z + b) of the standardised feature z. With `biases=data` (the default)
///   a = ±1 and the kink −b/a sits at the feature of a random stage-2 sample, so the kinks follow
///   the feature's distribution; with `biases=uniform`, a ~ N(0, 1) and b ~ U(−3, 3) (research
///   note §6B.3). For h = g(p) with p skewed and heavy-tailed at small d and a cubic g, the test
///   MSE is dominated by the tails, where uniform kinks in ±3 standard deviations are sparse:
///   a few nearly unregularised kinks out there made single runs' losses jump (0.3 → 1.0–1.5,
///   once 8.8, on `hierarchical-k2`'s grid); data kinks remove those jumps.
/// Both ridges are tuned on the validation split. Reports the test loss and |corr(φ, p)| on the
/// test split (for hierarchical and single-index targets).
public struct LayerwiseScheme: TrainingScheme {
    public static let schemeName = "layerwise"
    public static let summary = "three-layer layer-wise (Nichani et al.; Wang et al.): ridge on random (v·x)^k features learns p, then random ReLU features of it"
    public static let optionDocs = [
        OptionDoc("power", "2", "k: σ₁(z) = z^k, the degree of the inner feature p"),
        OptionDoc("features", "0", "m₁ random features in stage 1 (0: d(d+1) for k = 2, 2d for k = 1, d³/3 for k = 3)"),
        OptionDoc("width", "500", "random ReLU features of the learned feature in stage 2"),
        OptionDoc("split", "0.5", "fraction of the training split used by stage 1"),
        OptionDoc("clip", "0", "stage-1 labels clipped at this many standard deviations (0: off): a robust estimate of p's direction when h = g(p) is heavy-tailed"),
        OptionDoc("biases", "data", "stage-2 ReLU kinks: data (slopes ±1, kinks at the features of random stage-2 samples) or uniform (a ~ N(0,1), b ~ U(−3,3))"),
    ]
    public let power: Int, features: Int, width: Int, split: Double
    /// Stage-1 labels are clipped to ±clip·sd(y) when > 0. For h = g(p) with a cubic g the part of
    /// y outside degree ≤ k is heavy-tailed (more so at small d, where p itself is far from
    /// Gaussian) and acts as heavy-tailed label noise on the stage-1 ridge; a clipped label
    /// T(y) is still an odd increasing function of p, whose degree-≤k projection is ∝ p, so the
    /// learned direction is the same while the noise is bounded (the label transformations of
    /// single-index estimation). Stage 2 always fits the raw labels.
    public let clip: Double
    /// True: stage-2 kinks at the learned feature of random stage-2 samples; false: b ~ U(−3, 3).
    public let dataBiases: Bool

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        power = try o.int("power", default: 2, range: 1...4)
        features = try o.int("features", default: 0, range: 0...100_000)
        width = try o.int("width", default: 500, range: 1...100_000)
        split = try o.double("split", default: 0.5, in: Interval(0, 1, lowerOpen: true, upperOpen: true))
        clip = try o.double("clip", default: 0, in: Interval(0, 1000))
        dataBiases = try o.choice("biases", default: "data", among: ["data", "uniform"]) == "data"
        try o.finish()
    }

    public func featureCount(d: Int) -> Int {
        if features > 0 { return features }
        switch power {
        case 1: return 2 * d
        case 2: return d * (d + 1)
        default: return Swift.max(d * d * d / 3, 1)
        }
    }

    /// The m₁ × d first layer and the stage-2 weights; the larger of stage 1 and stage 2 (ridge
    /// on `width` features of the other samples, validation and test). Stage 1 by the features
    /// route: the m₁ features of its samples and validation, then those of the largest other set,
    /// to predict the learned feature; by the span route: a few D × D matrices and row blocks.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let d = run.vectorDimension else { return .failsAtStart }
        let n = run.nTrain, nv = run.nValidation, nt = run.nTest
        let n1 = Int((Double(n) * split).rounded()), n2 = Swift.max(n - n1, 0)
        let m1 = featureCount(d: d)
        let stage1: Int
        switch stageOneRoute(d: d) {
        case .features:
            stage1 = saturatingSum([SchemeMemory.ridgeHead(width: m1, rows: [n1, nv]), saturatingProduct([Swift.max(n2, nv, nt), m1])])
        case .span:
            // L, the gram, Lᵀ·gram, its eigenvectors and syevd's workspace, the Cholesky copy
            // (D × D each); q(x) and Z blocks; the predictions.
            let span = PowerFeatureSpan.dimension(d: d, power: power)
            stage1 = saturatingSum([saturatingProduct([span, span, 7]), saturatingProduct([Swift.min(Swift.max(1, (1 << 22) / Swift.max(span, 1)), Swift.max(n1, nv, nt)), span, 4]),
                                    saturatingProduct([Swift.max(n2, nv, nt), 2])])
        }
        let stage2 = SchemeMemory.ridgeHead(width: width, rows: [n2, nv, nt])
        return SchemeMemory(networkNumbers: saturatingSum([saturatingProduct([m1, d]), saturatingProduct([width, 2])]),
                            workingNumbers: Swift.max(stage1, stage2))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        let x = try c.matrix(c.train, scheme: name)
        let n = x.shape[0], d = x.shape[1]
        let n1 = Int((Double(n) * split).rounded())
        guard n1 >= 1, n - n1 >= 1 else {
            throw SchemeError.failed(scheme: name, reason: "n_train = \(n) with split \(split) leaves a stage without samples")
        }
        let y = c.train.labels
        let x1 = x.rows(0..<n1).copy(), y1 = y.rows(0..<n1).copy()
        let x2 = x.rows(n1..<n).copy(), y2 = y.rows(n1..<n).copy()
        let xv = try c.matrix(c.validation, scheme: name), xt = try c.matrix(c.test, scheme: name)

        // Stage 1: random features (v·x)^k, v uniform on the sphere.
        var rng = c.rng.substream(.initialisation)
        let m1 = featureCount(d: d)
        var v: Tensor<Double> = rng.normal([m1, d])
        v = v / v.map(.square).sum(axes: [1], keepDims: true).map(.sqrt)
        let bounds = clipBounds(y1)
        let stage1 = try fitStageOne(x1, clipped(y1, bounds), validation: xv, clipped(c.validation.labels, bounds), directions: v)
        func feature(_ xs: Tensor<Double>) -> Tensor<Double> { stage1.predict(xs) }

        // Stage 2: random ReLU features of the standardised learned feature.
        let f2 = feature(x2)
        let mean = f2.mean().scalar
        let sd = populationVariance(f2).squareRoot()
        guard sd > 0, sd.isFinite else {
            throw SchemeError.failed(scheme: name, reason: "the learned feature is constant on the stage-2 samples (stage 1 learned nothing)")
        }
        let (a, b) = stage2Weights(standardisedFeature: (f2 - mean) / sd, rng: &rng)
        func outer(_ f: Tensor<Double>) -> Tensor<Double> {
            (Tensor.matmul(((f - mean) / sd).reshaped([-1, 1]), a) + b).map(.relu)
        }
        let fv = feature(xv), ft = feature(xt)
        let stage2 = try FeatureRidge(features: outer(f2), labels: y2, validationFeatures: outer(fv), validationLabels: c.validation.labels)
        let pred = stage2.predict(outer(ft))

        var metrics: [String: Double] = [
            SchemeMetric.testLossNormalized: Diagnostics.normalizedLoss(predictions: pred, labels: c.test.cleanLabels),
            SchemeMetric.testMSE: meanSquaredError(pred, c.test.cleanLabels),
            SchemeMetric.testLabelVariance: populationVariance(c.test.cleanLabels),
            SchemeMetric.ridge: stage2.ridge,
            "stage1_ridge": stage1.ridge.ridge,
            "stage1_features": Double(m1),
        ]
        // The feature alone, as a predictor of h: the loss of a learner that captures only the
        // degree-≤k part (the kernel plateau 1 − E[g′(p)]²/E[g(p)²] for h = g∘p); fitted to
        // clipped labels it is on another scale, so it is only reported without clipping.
        if clip == 0 { metrics["stage1_test_loss_normalized"] = Diagnostics.normalizedLoss(predictions: ft, labels: c.test.cleanLabels) }
        if let p = hiddenFeature(c.target, xt) {
            metrics[SchemeMetric.featureCorrelation] = Swift.abs(Diagnostics.correlation(ft, p))
        }
        if let h = c.target as? HierarchicalTarget {
            // Exact properties of the drawn target, for the figure: the loss of the best
            // degree-≤2 predictor (the finite-d plateau) and how far p is from Gaussian.
            if let l = h.degreeTwoLoss { metrics["degree2_plateau"] = l }
            if let k = h.featureExcessKurtosis { metrics["feature_excess_kurtosis"] = k }
        }
        return SchemeResult(metrics: metrics)
    }

    /// How stage 1 solves its ridge. Both give the same predictor up to rounding (the
    /// `PowerFeatureSpan` argument; `LayerwiseStageOneTests` checks 1e-8):
    /// - features: the n × m₁ matrix Φ of (v·x)^k and the m₁ × m₁ ΦᵀΦ, as the scheme always did;
    /// - span: the ridge on Z = q(x)·L, the D = C(d+k−1, k) weighted monomials q times the
    ///   Cholesky factor of CᵀC = q(v)ᵀq(v), with the normal equations accumulated in row blocks
    ///   (no n × m₁ or n × D matrix is held; the peak is a few D × D matrices).
    public enum StageOneRoute: String, Sendable, CaseIterable { case features, span }

    /// The span route whenever the m₁ features span all degree-k monomials' space (m₁ ≥ D; the
    /// default m₁ = d(d+1) is 2D at k = 2, d³/3 ≥ D at k = 3 for d ≥ 4): it is then cheaper and
    /// exact. Below that, the m₁ × m₁ system is the smaller one.
    public func stageOneRoute(d: Int) -> StageOneRoute {
        featureCount(d: d) >= PowerFeatureSpan.dimension(d: d, power: power) ? .span : .features
    }

    /// The learned feature φ(x): the stage-1 ridge and how its features are formed from x.
    public struct StageOne: Sendable {
        public let route: StageOneRoute
        /// The ridge on (v·x)^k (features route) or on q(x) (span route, pulled back from Z = q(x)·L).
        public let ridge: FeatureRidge
        let directions: Tensor<Double>, power: Int, span: PowerFeatureSpan?

        /// φ(x) for the rows of x; by the span route in row blocks (q(x) is never held whole).
        public func predict(_ xs: Tensor<Double>) -> Tensor<Double> {
            guard let span else { return ridge.predict(LayerwiseScheme.powerFeatures(xs, directions: directions, power: power)) }
            var out = [Double]()
            out.reserveCapacity(xs.shape[0])
            for r in span.blocks(xs.shape[0]) { out += ridge.predict(span.features(xs.rows(r))).scalars }
            return Tensor(out)
        }
    }

    /// (x·v_j)^k for the rows of x and the directions v [m₁, d]: the stage-1 features.
    public static func powerFeatures(_ xs: Tensor<Double>, directions v: Tensor<Double>, power: Int) -> Tensor<Double> {
        let act: UnaryOp = power == 1 ? .affine(scale: 1, shift: 0) : power == 2 ? .square : .power(Double(power))
        return Tensor.matmul(xs, v, transposeB: true).map(act)
    }

    /// Stage 1: the ridge of y on (v·x)^k, tuned on the validation set, by `route` (default:
    /// ``stageOneRoute(d:)``).
    public func fitStageOne(_ x: Tensor<Double>, _ y: Tensor<Double>, validation xv: Tensor<Double>, _ yv: Tensor<Double>,
                            directions v: Tensor<Double>, route: StageOneRoute? = nil) throws -> StageOne {
        let d = x.shape[1]
        switch route ?? stageOneRoute(d: d) {
        case .features:
            func inner(_ xs: Tensor<Double>) -> Tensor<Double> { Self.powerFeatures(xs, directions: v, power: power) }
            let ridge = try FeatureRidge(features: inner(x), labels: y, validationFeatures: inner(xv), validationLabels: yv)
            return StageOne(route: .features, ridge: ridge, directions: v, power: power, span: nil)
        case .span:
            let span = PowerFeatureSpan(d: d, power: power)
            // Φ = Q·Cᵀ and CᵀC = L·Lᵀ, so Z = Q·L has ZZᵀ = ΦΦᵀ (and Z_c = Q_c·L): the same ridge.
            let l = try Linalg.cholesky(span.gram(of: v))
            let q = try FeatureRidge.NormalEquations.accumulate(count: x.shape[0], labels: y, blockRows: span.blockRows) {
                span.features(x.rows($0))
            }
            let z = FeatureRidge.NormalEquations(gram: Tensor.matmul(Tensor.matmul(l, q.gram, transposeA: true), l),   // Lᵀ·Q_cᵀQ_c·L
                                                 moment: Tensor.matvec(l, q.moment, transpose: true),
                                                 featureMean: Tensor.matvec(l, q.featureMean, transpose: true),
                                                 labelMean: q.labelMean, count: q.count)
            let ridge = try FeatureRidge(normalEquations: z, validationBlocks: { body in
                for r in span.blocks(xv.shape[0]) { try body(Tensor.matmul(span.features(xv.rows(r)), l), yv.rows(r)) }
            })
            return StageOne(route: .span, ridge: ridge.pulledBack(through: l, featureMean: q.featureMean), directions: v, power: power, span: span)
        }
    }

    /// mean ± clip·sd of the stage-1 labels (nil when clipping is off).
    public func clipBounds(_ y: Tensor<Double>) -> ClosedRange<Double>? {
        guard clip > 0 else { return nil }
        let m = y.mean().scalar, s = populationVariance(y).squareRoot()
        return (m - clip * s)...(m + clip * s)
    }

    /// Stage-1 labels: y clipped to `bounds`, or y itself.
    public func clipped(_ y: Tensor<Double>, _ bounds: ClosedRange<Double>?) -> Tensor<Double> {
        guard let r = bounds else { return y }
        return Tensor(y.scalars.map { Swift.min(Swift.max($0, r.lowerBound), r.upperBound) }).reshaped(y.shape)
    }

    /// The stage-2 input weights a [1, width] and biases b [width] for a standardised feature z
    /// (the stage-2 samples'): relu(a_j z + b_j) has its kink at −b_j/a_j.
    public func stage2Weights(standardisedFeature z: Tensor<Double>, rng: inout RandomStream) -> (a: Tensor<Double>, b: Tensor<Double>) {
        guard dataBiases else {
            let a: Tensor<Double> = rng.normal([1, width])
            return (a, rng.uniform([width], -3, 3))
        }
        let zs = z.scalars
        precondition(!zs.isEmpty, "LayerwiseScheme.stage2Weights: no stage-2 samples")
        var a = [Double](), b = [Double]()
        a.reserveCapacity(width); b.reserveCapacity(width)
        for _ in 0..<width {
            let s = rng.rademacher(), kink = zs[rng.int(below: zs.count)]
            a.append(s); b.append(-s * kink)
        }
        return (Tensor(a).reshaped([1, width]), Tensor(b))
    }
}

/// The hidden feature p(x) of a hierarchical target, or u·x of a single-index target.
public func hiddenFeature(_ target: any Target, _ x: Tensor<Double>) -> Tensor<Double>? {
    if let h = target as? HierarchicalTarget { return h.feature(x) }
    if let t = target as? IndexTarget, t.projection.shape[0] == 1, t.spike == nil {
        return Tensor.matvec(x, t.projection.reshaped([t.d]))
    }
    return nil
}
