import Foundation
import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// The spiked-covariance, online-SGD and staircase schemes (issue 8, part B) on tiny problems.
@Suite struct SpikedOnlineStaircaseTests {
    func context(_ cls: String, _ options: [String: String], n: Int, val: Int = 500, test: Int = 1000, seed: UInt64 = 0) throws -> SchemeContext {
        SchemeContext.make(try FunctionClassRegistry.make(cls, options: options), nTrain: n, nValidation: val, nTest: test, seed: seed,
                           rng: RandomStream(seed: seed, stream: 99))
    }

    // MARK: Spiked covariance

    @Test func spikedSamplesHaveTheStatedCovarianceAndAStandardIndex() throws {
        // Σ = I + θμμᵀ with θ = d^β; z = ⟨x, μ⟩/√(1+θ) ~ N(0, 1).
        let c = try context("spiked-covariance", ["d": "12", "beta": "0.5"], n: 20000, val: 1, test: 1)
        let t = try #require(c.target as? IndexTarget)
        let theta = try #require(t.spike)
        #expect(abs(theta - pow(12, 0.5)) < 1e-12)
        let x = try c.matrix(c.train, scheme: "test")
        let mu = t.projection.reshaped([12])
        let (ratio, worst) = SpikedCovarianceClass.covarianceDeviation(x, mu: mu, theta: theta)
        #expect(abs(ratio - 1) < 0.05)
        #expect(worst < 6)
        let z = Tensor.matvec(x, mu).scaled(by: 1 / (1 + theta).squareRoot())
        #expect(abs(z.mean().scalar) < 0.03)
        #expect(abs(Tensor.dot(z, z) / 20000 - 1) < 0.05)
    }

    @Test func standardizedFeaturesGiveEveryUnitUnitSpreadOnItsSamples() throws {
        var rng = RandomStream(seed: 3)
        let x: Tensor<Double> = rng.normal([400, 5]).scaled(by: 7)
        var w: Tensor<Double> = rng.normal([6, 5])
        w.withUnsafeMutablePointer { p in for k in 0..<5 { p[5 * 5 + k] = 0 } }   // a dead (zero) unit
        let f = StandardizedReLUFeatures(weights: w, fittedOn: x, rng: &rng)
        let p = Tensor.matmul(x, w, transposeB: true) / f.scales
        let centred = p - p.mean(axes: [0])
        let sd = (centred * centred).mean(axes: [0]).scalars.map { $0.squareRoot() }
        for j in 0..<5 { #expect(abs(sd[j] - 1) < 1e-9) }
        #expect(f.scales.scalars[5] == 1)
        #expect(f(x).scalars.allSatisfy { $0 >= 0 && $0.isFinite })
    }

    @Test func spikedOneStepFindsTheSpikeAndBeatsRandomFeatures() throws {
        // Link (h1 + h3)/√2 (k = 1): the step aligns the neurons with μ at a moderate spike.
        let c = try context("spiked-covariance", ["d": "32", "beta": "0.5", "exponent": "1", "degree": "3"], n: 1024)
        let step = try SpikedOneStepScheme(options: ["width": "128"]).run(c).metrics
        let rf = try SpikedOneStepScheme(options: ["width": "128", "step": "false"]).run(c).metrics
        let a0 = try #require(step[SchemeMetric.alignmentInit]), a1 = try #require(step[SchemeMetric.alignment])
        #expect(a1 > 0.8 && a0 < 0.4)
        let ls = try #require(step[SchemeMetric.testLossNormalized]), lr = try #require(rf[SchemeMetric.testLossNormalized])
        #expect(ls < 0.2 && ls < 0.5 * lr)
    }

    @Test func spikedOneStepRejectsAnOddWidthAndNonVectorData() throws {
        #expect(throws: FunctionClassError.self) { try SpikedOneStepScheme(options: ["width": "7"]) }
        #expect(throws: FunctionClassError.self) { try SpikedOneStepScheme(options: ["head": "sideways"]) }
        let c = try context("er-parity", ["n": "6"], n: 20, val: 5, test: 5)
        #expect(throws: SchemeError.self) { try SpikedOneStepScheme(options: ["width": "10"]).run(c) }
    }

    // MARK: Online SGD

    @Test func onlineSGDReachesWeakRecoveryOnInformationExponentOne() throws {
        let c = try context("single-index", ["d": "32", "exponent": "1", "degree": "1"], n: 1, val: 0, test: 1)
        let r = try OnlineSGDScheme(options: [:]).run(c)
        #expect(r.status == .done)
        let steps = try #require(r.metrics["steps_to_recovery"])
        #expect(r.metrics["recovered"] == 1)
        #expect(r.metrics["final_overlap"]! >= 0.5 && r.metrics["initial_overlap"]! < 0.5)
        // k = 1 needs ≍ d samples: far fewer than the budget, far more than one.
        #expect(steps > 4 && steps < 40 * 32)
        // The recorded overlaps start at the initial one and end at recovery.
        #expect(r.curves.first?.step == 0 && r.curves.last?.value == r.metrics["final_overlap"])
        // Same seed, same point → the same run, bit for bit.
        let again = try OnlineSGDScheme(options: [:]).run(c)
        #expect(again.metrics == r.metrics)
    }

    @Test func onlineSGDNeedsMoreSamplesForAHigherInformationExponent() throws {
        // Median over 3 seeds at d = 32: k = 3 (≍ d²) takes far longer than k = 1 (≍ d).
        func median(_ k: Int) throws -> Double {
            let v = try (0..<3).map { s -> Double in
                let c = try context("single-index", ["d": "32", "exponent": "\(k)", "degree": "\(k)"], n: 1, val: 0, test: 1, seed: UInt64(s))
                return try #require(try OnlineSGDScheme(options: [:]).run(c).metrics["steps_to_recovery"])
            }.sorted()
            return v[1]
        }
        #expect(try median(3) > 5 * median(1))
    }

    @Test func onlineSGDWithoutSignalDoesNotRecover() throws {
        // A zero learning rate never moves w: the run ends at the budget, unrecovered (not NaN).
        let c = try context("single-index", ["d": "64", "exponent": "2", "degree": "2"], n: 1, val: 0, test: 1)
        let r = try OnlineSGDScheme(options: ["lr": "1e-300", "max_steps": "500"]).run(c)
        #expect(r.metrics["recovered"] == 0 && r.metrics["steps_to_recovery"] == nil && r.metrics["steps_run"] == 500)
        #expect(r.metrics.values.allSatisfy { $0.isFinite })
    }

    @Test func onlineSGDRejectsTargetsWithoutAHermiteSingleIndex() throws {
        let c = try context("multi-index", ["d": "8", "r": "2"], n: 1, val: 0, test: 1)
        #expect(throws: SchemeError.self) { try OnlineSGDScheme(options: [:]).run(c) }
        #expect(throws: FunctionClassError.self) { try OnlineSGDScheme(options: ["threshold": "1"]) }
    }

    @Test func defaultStepSizeFollowsTheInformationExponent() {
        #expect(OnlineSGD.defaultLearningRate(d: 100, k: 1, scale: 1) == 0.01)
        #expect(OnlineSGD.defaultLearningRate(d: 100, k: 2, scale: 1) == 0.01)
        #expect(abs(OnlineSGD.defaultLearningRate(d: 100, k: 3, scale: 1) - 1e-3) < 1e-15)
    }

    // MARK: Staircase

    @Test func meanFieldGradientsMatchCentralDifferences() {
        var rng = RandomStream(seed: 5)
        let net = MeanFieldNetwork(width: 6, inputDimension: 4, biasStd: 0.7, rng: &rng)
        let x: Tensor<Double> = rng.rademacher([5, 4]), y: Tensor<Double> = rng.normal([5])
        let g = net.gradients(x, labels: y)
        func loss(_ n: MeanFieldNetwork) -> Double {
            let r = n.predict(x) - y
            return 0.5 * Tensor.dot(r, r) / 5
        }
        #expect(abs(loss(net) - g.loss) < 1e-14)
        let h = 1e-6
        func check(_ analytic: Tensor<Double>, _ perturb: (inout MeanFieldNetwork, Int, Double) -> Void) {
            var worst = 0.0
            for i in 0..<analytic.count {
                var plus = net, minus = net
                perturb(&plus, i, h); perturb(&minus, i, -h)
                let numeric = (loss(plus) - loss(minus)) / (2 * h)
                worst = max(worst, abs(numeric - analytic.scalars[i]) / max(abs(numeric), abs(analytic.scalars[i]), 1e-8))
            }
            #expect(worst < 1e-5)
        }
        func bump(_ t: Tensor<Double>, _ i: Int, _ e: Double) -> Tensor<Double> {
            var s = t.scalars; s[i] += e
            return Tensor(shape: t.shape, scalars: s)
        }
        check(g.weights) { n, i, e in n.weights = bump(n.weights, i, e) }
        check(g.biases) { n, i, e in n.biases = bump(n.biases, i, e) }
        check(g.readout) { n, i, e in n.readout = bump(n.readout, i, e) }
    }

    @Test func staircaseIsLearnedOneMonomialAtATime() throws {
        let c = try context("staircase", ["d": "8", "kind": "staircase", "height": "3"], n: 1, val: 0, test: 2000)
        let r = try StaircaseSGDScheme(options: ["width": "128", "max_samples": "40000"]).run(c)
        #expect(r.status == .done)
        let m = r.metrics
        #expect(m["learned"] == 1 && m[SchemeMetric.testLossNormalized]! <= 0.1)
        let t1 = try #require(m["samples_to_monomial_1"]), t2 = try #require(m["samples_to_monomial_2"]), t3 = try #require(m["samples_to_monomial_3"])
        #expect(t1 < t2 && t2 < t3)
        #expect(m["leap"] == 1)
    }

    @Test func firstCrossingInterpolatesInLogSamples() {
        // Between (100, 0.5) and (1000, 0.0) the level 0.25 is crossed halfway in log: at √(100·1000).
        let s = StaircaseSGDScheme.firstCrossing(samples: [10, 100, 1000], values: [0.9, 0.5, 0.0], level: 0.25, decreasing: true)
        #expect(abs(s! - (100.0 * 1000).squareRoot()) < 1e-9)
        #expect(StaircaseSGDScheme.firstCrossing(samples: [10, 100], values: [0.1, 0.0], level: 0.2, decreasing: true) == 10)
        #expect(StaircaseSGDScheme.firstCrossing(samples: [10, 100], values: [0.9, 0.8], level: 0.2, decreasing: true) == nil)
        #expect(StaircaseSGDScheme.firstCrossing(samples: [10, 100], values: [0, 1], level: 0.5, decreasing: false)! > 10)
    }

    @Test func medianScalingRecoversAPowerLawAndSkipsUnreachedDimensions() throws {
        // counts = 3·d² × a seed-dependent factor; a d where most seeds never got there is not fitted.
        var counts: [Double: [Double]] = [:]
        for d in [8.0, 16, 32, 64] { counts[d] = [0.8, 1.0, 1.25].map { 3 * d * d * $0 } }
        counts[128] = [.infinity, .infinity, 1e9]
        let fit = try #require(MedianScaling.fit(counts, resamples: 200, seed: 1))
        #expect(abs(fit.exponent - 2) < 1e-9)
        #expect(fit.medians.count == 4)
        #expect(fit.lower <= 2 + 1e-9 && fit.upper >= 2 - 1e-9 && fit.upper - fit.lower < 0.5)
        #expect(MedianScaling.fit([8: [.infinity], 16: [4]]) == nil)
    }
}
