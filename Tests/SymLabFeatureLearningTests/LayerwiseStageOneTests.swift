import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics
import Testing

/// The layer-wise scheme's stage 1 by the span of its features (PowerFeatureSpan, normal
/// equations in row blocks) against the n × m₁ feature matrix it replaces: the same predictor.
@Suite struct LayerwiseStageOneTests {
    @Test func weightedMonomialsFactorThePowerFeatures() {
        var rng = RandomStream(seed: 1)
        for (d, k) in [(5, 1), (5, 2), (4, 3), (3, 4)] {
            let span = PowerFeatureSpan(d: d, power: k)
            #expect(span.dimension == PowerFeatureSpan.dimension(d: d, power: k))
            let x: Tensor<Double> = rng.normal([7, d]), v: Tensor<Double> = rng.normal([6, d])
            let direct = LayerwiseScheme.powerFeatures(x, directions: v, power: k)
            let factored = Tensor.matmul(span.features(x), span.features(v), transposeB: true)
            let err = zip(direct.scalars, factored.scalars).map { abs($0 - $1) }.max()!
            #expect(err <= 1e-12 * direct.scalars.map(abs).max()!, "d = \(d), k = \(k): \(err)")
        }
        #expect(PowerFeatureSpan.dimension(d: 96, power: 2) == 4656)
        #expect(PowerFeatureSpan.dimension(d: 10, power: 3) == 220)
    }

    /// The brief's check: predictions equal to 1e-8 relative and the same ridge chosen, on a
    /// hierarchical target (k = 2, d = 8, 10) and a degree-3 Hermite one (k = 3, d = 6).
    @Test(arguments: [(8, 2, 600), (10, 2, 900), (6, 3, 700)])
    func spanRouteEqualsTheFeatureMatrix(d: Int, k: Int, n: Int) throws {
        let options = k == 2 ? ["d": "\(d)"] : ["d": "\(d)", "feature": "hermite", "k": "3", "q": "1"]
        let c = SchemeContext.make(try FunctionClassRegistry.make("hierarchical", options: options), nTrain: n, nValidation: 300, nTest: 400, seed: 2,
                                   rng: RandomStream(seed: 2, stream: 99))
        let scheme = try LayerwiseScheme(options: ["power": "\(k)"])
        #expect(scheme.stageOneRoute(d: d) == .span)
        let x = try c.matrix(c.train, scheme: "test"), xv = try c.matrix(c.validation, scheme: "test"), xt = try c.matrix(c.test, scheme: "test")
        var rng = RandomStream(seed: 3)
        var v: Tensor<Double> = rng.normal([scheme.featureCount(d: d), d])
        v = v / v.map(.square).sum(axes: [1], keepDims: true).map(.sqrt)
        let old = try scheme.fitStageOne(x, c.train.labels, validation: xv, c.validation.labels, directions: v, route: .features)
        let new = try scheme.fitStageOne(x, c.train.labels, validation: xv, c.validation.labels, directions: v, route: .span)
        #expect(new.route == .span && old.route == .features)
        #expect(new.ridge.ridge == old.ridge.ridge)
        let a = old.predict(xt).scalars, b = new.predict(xt).scalars
        let diff = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot(), norm = a.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(diff <= 1e-8 * norm, "d = \(d), k = \(k): relative difference \(diff / norm)")
        // The validation MSEs the ridge was chosen on agree as well.
        for (p, q) in zip(old.ridge.validationMSEs, new.ridge.validationMSEs) { #expect(abs(p - q) <= 1e-8 * p) }
    }

    /// Fewer features than monomials: the m₁ × m₁ system is the smaller one and is kept.
    @Test func fewFeaturesKeepTheFeatureMatrix() throws {
        #expect(try LayerwiseScheme(options: ["features": "30"]).stageOneRoute(d: 8) == .features)   // D = 36
        #expect(try LayerwiseScheme(options: [:]).stageOneRoute(d: 96) == .span)
    }
}
