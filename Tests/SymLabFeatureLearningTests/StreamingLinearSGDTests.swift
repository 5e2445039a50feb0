import Foundation
import SymLabFunctionClasses
import SymLabNumerics
import SymLabOptim
import Testing
import SymLabFeatureLearning

/// One-pass SGD on a linear model (Wu et al. 2022): what it must recover, its exact risk, the
/// schedules' effect on the last iterate, and the evaluated bound.
@Suite struct StreamingLinearSGDTests {
    func context(_ options: [String: String], n: Int, seed: UInt64 = 0) throws -> SchemeContext {
        SchemeContext.make(try FunctionClassRegistry.make("power-law-linear", options: options), nTrain: n, nValidation: 1, nTest: 2000, seed: seed,
                           rng: RandomStream(seed: seed, stream: 99))
    }

    /// Without label noise the last iterate converges to w*: the excess risk falls by orders of magnitude.
    @Test func noiselessSGDRecoversTheTeacher() throws {
        let c = try context(["d": "6", "a": "1", "b": "0"], n: 3000)
        let r = try StreamingLinearSGDScheme(options: ["schedule": "constant"]).run(c)
        let initial = try #require(r.metrics["initial_risk"]), final = try #require(r.metrics["excess_risk"])
        #expect(initial > 1)
        #expect(final < 1e-6 * initial)
        // The curve is recorded from step 0 to the last step.
        #expect(r.curves.first?.step == 0 && r.curves.last?.step == 3000)
    }

    /// The exact risk (w − w*)ᵀH(w − w*) equals the test MSE minus the noise variance (Monte Carlo).
    @Test func exactRiskMatchesTheTestError() throws {
        let c = try context(["d": "20", "noise": "0.5"], n: 1)
        let t = try #require(c.target as? LinearGaussianTarget)
        var rng = RandomStream(seed: 5)
        let w: Tensor<Double> = rng.normal([20], std: 0.7)
        let x = try c.matrix(c.test, scheme: "test")
        let residual = Tensor.matvec(x, w) - c.test.cleanLabels
        let mse = Tensor.dot(residual, residual) / Double(x.shape[0])
        let exact = t.excessRisk(w)
        #expect(abs(mse - exact) < 5 * exact * (2 / 2000.0).squareRoot())
    }

    /// With label noise a constant step leaves a variance floor; the tail-geometric decay removes
    /// most of it (Wu et al.), and the polynomial decay sits in between or above.
    @Test func tailGeometricDecayBeatsAConstantStepUnderNoise() throws {
        let c = try context(["d": "40", "a": "1.5", "noise": "1"], n: 4096, seed: 1)
        func risk(_ schedule: String) throws -> Double {
            try #require(try StreamingLinearSGDScheme(options: ["schedule": schedule, "lr_scale": "0.5"]).run(c).metrics["excess_risk"])
        }
        let constant = try risk("constant"), tail = try risk("tail-geometric")
        #expect(tail < constant / 3)
    }

    /// The bound, evaluated by hand on a two-dimensional problem.
    @Test func boundByHand() {
        // N = 16: phase K = ⌈16 / (2·4)⌉ = 2; η₀ = 0.25, 1/(η₀K) = 2: λ = (4, 1) gives k* = 1.
        let b = LastIterateBound(eigenvalues: [4, 1], teacher: [1, 2], noiseVariance: 0.25, eta0: 0.25, steps: 16)
        #expect(b.kStar == 1 && b.effectiveSteps == 2)
        // v = ((1 − 1)^8·1, (0.75)^8·2)
        let v2 = Foundation.pow(0.75, 8.0) * 2
        #expect(abs(b.bias - (0 + 1 * v2 * v2)) < 1e-15)
        #expect(abs(b.variance - 0.25 * (1.0 / 2 + 0.0625 * 2 * 1)) < 1e-15)
    }

    @Test func theClassRefusesOtherTargets() throws {
        let c = SchemeContext.make(try FunctionClassRegistry.make("single-index", options: ["d": "4"]), nTrain: 10, nValidation: 1, nTest: 1, seed: 0,
                                   rng: RandomStream(seed: 0))
        #expect(throws: SchemeError.self) { try StreamingLinearSGDScheme(options: [:]).run(c) }
    }
}
