import Foundation
import SymLabAutodiff
import SymLabNumerics
import SymLabOptim
import Testing

/// Each rule for two steps from p₀ = (1, −2) with gradients g₁ = (0.5, 0.1), g₂ = (−0.2, 0.3) and
/// η = 0.1, against values worked out by hand (written as the arithmetic, so it can be read).
@Suite struct OptimizerTests {
    let p0 = [1.0, -2.0], g1 = [0.5, 0.1], g2 = [-0.2, 0.3]

    func twoSteps(_ rule: OptimizerRule, weightDecay: Double = 0) -> ([Double], [Double]) {
        let store = ParameterStore<Double>()
        let id = store.add("p", Tensor(p0))
        let opt = Optimizer<Double>(rule, learningRate: 0.1, weightDecay: weightDecay)
        var after: [[Double]] = []
        for g in [g1, g2] {
            store.zeroGradients()
            store.gradient(id).withSharedMutablePointer { p in for i in 0..<2 { p[i] = g[i] } }
            opt.step(store)
            after.append(store.value(id).scalars)
        }
        return (after[0], after[1])
    }

    func expectClose(_ a: [Double], _ b: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        for (x, y) in zip(a, b) {
            #expect(Swift.abs(x - y) <= 1e-12 * Swift.max(1, Swift.abs(y)), "\(a) vs \(b)", sourceLocation: sourceLocation)
        }
    }

    @Test func sgd() {
        let (p1, p2) = twoSteps(.sgd)
        expectClose(p1, [0.95, -2.01])
        expectClose(p2, [0.97, -2.04])
    }

    @Test func sgdWithWeightDecay() {
        let (p1, _) = twoSteps(.sgd, weightDecay: 0.5)
        expectClose(p1, [1 - 0.1 * (0.5 + 0.5 * 1), -2 - 0.1 * (0.1 + 0.5 * -2)])   // (0.9, −1.91)
    }

    @Test func momentum() {
        let (p1, p2) = twoSteps(.momentum(0.9, nesterov: false))
        expectClose(p1, [0.95, -2.01])               // b₁ = g₁
        expectClose(p2, [0.925, -2.049])             // b₂ = 0.9·b₁ + g₂ = (0.25, 0.39)
    }

    @Test func nesterov() {
        let (p1, p2) = twoSteps(.momentum(0.9, nesterov: true))
        expectClose(p1, [0.905, -2.019])             // p₀ − η(g₁ + 0.9·g₁)
        expectClose(p2, [0.9025, -2.0841])           // p₁ − η(g₂ + 0.9·(0.25, 0.39))
    }

    @Test func adam() {
        let (p1, p2) = twoSteps(.adam)
        // Step 1: m̂ = g, v̂ = g², so the step is η·g/(|g| + ε).
        expectClose(p1, [1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 - 0.1 * 0.1 / (0.1 + 1e-8)])
        // Step 2: m = 0.9·0.1g₁ + 0.1g₂, v = 0.999·0.001g₁² + 0.001g₂², bias corrections 1 − 0.9², 1 − 0.999².
        let m: [Double] = [0.9 * 0.05 + 0.1 * -0.2, 0.9 * 0.01 + 0.1 * 0.3]
        let v: [Double] = [0.999 * 0.00025 + 0.001 * 0.04, 0.999 * 0.00001 + 0.001 * 0.09]
        let correction2: Double = 1 - 0.999 * 0.999
        let step: [Double] = (0..<2).map { (i: Int) -> Double in
            let mHat: Double = m[i] / 0.19
            let vHat: Double = v[i] / correction2
            return 0.1 * mHat / (vHat.squareRoot() + 1e-8)
        }
        expectClose(p2, [p1[0] - step[0], p1[1] - step[1]])
    }

    /// Adam and AdamW over a buffer of 1,003 elements (vector blocks and a scalar tail) for three
    /// steps, bit for bit against the scalar definition written out here in the same order of
    /// operations — the update runs as a vectorized kernel (`CSymLabKernels/Adam.c`), which must
    /// not change a bit.
    @Test func adamKernelMatchesTheScalarDefinitionBitForBit() {
        func check<S: TensorScalar>(_: S.Type, decoupled: Bool) {
            let n = 1003, (lr, wd, beta1, beta2, eps) = (0.01, decoupled ? 0.1 : 0.05, 0.9, 0.999, 1e-8)
            var rng = RandomStream(seed: 91)
            let p0: [S] = (0..<n).map { _ in S(rng.normal()) }
            let grads: [[S]] = (0..<3).map { _ in (0..<n).map { _ in S(rng.normal()) } }
            let store = ParameterStore<S>()
            let id = store.add("p", Tensor(shape: [n], scalars: p0))
            let opt = Optimizer<S>(decoupled ? .adamW : .adam, learningRate: lr, weightDecay: wd)
            var p = p0, m = [S](repeating: 0, count: n), v = [S](repeating: 0, count: n)
            for (t, g) in grads.enumerated() {
                store.zeroGradients()
                store.gradient(id).withSharedMutablePointer { q in for i in 0..<n { q[i] = g[i] } }
                opt.step(store)
                let b1 = S(beta1), b2 = S(beta2), e = S(eps), eta = S(lr), w = S(wd)
                let c1 = S(1 / (1 - Double.pow(beta1, t + 1))), c2 = S(1 / (1 - Double.pow(beta2, t + 1)))
                let shrink = decoupled ? 1 - eta * w : 1, l2 = decoupled ? 0 : w
                for i in 0..<n {
                    let gi = g[i] + l2 * p[i]
                    m[i] = b1 * m[i] + (1 - b1) * gi
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                    p[i] = shrink * p[i] - eta * (m[i] * c1) / ((v[i] * c2).squareRoot() + e)
                }
                #expect(store.value(id).scalars == p, "\(S.self) \(decoupled ? "AdamW" : "Adam") step \(t + 1)")
            }
        }
        for decoupled in [false, true] { check(Double.self, decoupled: decoupled); check(Float.self, decoupled: decoupled) }
    }

    @Test func adamW() {
        let (p1, _) = twoSteps(.adamW, weightDecay: 0.1)
        // Decoupled: p ← (1 − ηλ)p − η·g/(|g| + ε), λ = 0.1.
        expectClose(p1, [0.99 * 1 - 0.1 * 0.5 / (0.5 + 1e-8), 0.99 * -2 - 0.1 * 0.1 / (0.1 + 1e-8)])
    }

    @Test func rmsprop() {
        let (p1, p2) = twoSteps(.rmsprop)
        // v₁ = 0.01·g₁² = (0.0025, 0.0001): the step is η·g/|0.1g| = η·10·sign(g).
        expectClose(p1, [1 - 0.1 * 0.5 / (0.05 + 1e-8), -2 - 0.1 * 0.1 / (0.01 + 1e-8)])
        let v2: [Double] = [0.99 * 0.0025 + 0.01 * 0.04, 0.99 * 0.0001 + 0.01 * 0.09]
        expectClose(p2, [p1[0] + 0.1 * 0.2 / (v2[0].squareRoot() + 1e-8), p1[1] - 0.1 * 0.3 / (v2[1].squareRoot() + 1e-8)])
    }

    @Test func adagrad() {
        let (p1, p2) = twoSteps(.adagrad)
        expectClose(p1, [1 - 0.1 * 0.5 / (0.5 + 1e-10), -2 - 0.1 * 0.1 / (0.1 + 1e-10)])
        expectClose(p2, [p1[0] + 0.1 * 0.2 / (0.29.squareRoot() + 1e-10), p1[1] - 0.1 * 0.3 / (0.1.squareRoot() + 1e-10)])
    }

    @Test func groupsFreezeAndScale() {
        let store = ParameterStore<Double>()
        let a = store.add("a", Tensor([1, 1]), group: "first")
        let b = store.add("b", Tensor([1, 1]), group: "second")
        let c = store.add("c", Tensor([1]), group: "first")
        #expect(store.ranges(ofGroup: "first") == [0..<2, 4..<5])
        store.flatGradients.withSharedMutablePointer { p in for i in 0..<5 { p[i] = 1 } }
        let opt = Optimizer<Double>(.sgd, learningRate: 0.1)
        opt.freeze("first")
        opt.setLearningRateScale(0.5, for: "second")
        opt.step(store)
        #expect(store.value(a).scalars == [1, 1] && store.value(c).scalars == [1])
        #expect(store.value(b).scalars == [0.95, 0.95])
        opt.unfreeze("first")
        opt.step(store)
        #expect(store.value(a).scalars == [0.9, 0.9] && store.value(c).scalars == [0.9])
        #expect(opt.groupSteps == ["first": 1, "second": 2])
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant.factor(at: 1000) == 1)
        #expect(LearningRateSchedule.step(every: 10, factor: 0.5).factor(at: 9) == 1)
        #expect(LearningRateSchedule.step(every: 10, factor: 0.5).factor(at: 25) == 0.25)
        let cos = LearningRateSchedule.cosine(totalSteps: 100, minFactor: 0.1)
        #expect(cos.factor(at: 0) == 1)
        #expect(Swift.abs(cos.factor(at: 50) - 0.55) < 1e-15)
        #expect(Swift.abs(cos.factor(at: 100) - 0.1) < 1e-15 && Swift.abs(cos.factor(at: 500) - 0.1) < 1e-15)
        let warm = LearningRateSchedule.warmup(steps: 4, then: .step(every: 2, factor: 0.1))
        #expect([0, 1, 2, 3, 4, 5, 6].map { warm.factor(at: $0) }.map { ($0 * 1e6).rounded() / 1e6 } == [0.25, 0.5, 0.75, 1, 1, 1, 0.1])
    }

    @Test func scheduleScalesTheStep() {
        let store = ParameterStore<Double>()
        let id = store.add("p", Tensor([0]))
        let opt = Optimizer<Double>(.sgd, learningRate: 1, schedule: .step(every: 1, factor: 0.5))
        for _ in 0..<3 {
            store.flatGradients.withSharedMutablePointer { $0[0] = 1 }
            opt.step(store)
        }
        #expect(store.value(id).scalars == [-(1 + 0.5 + 0.25)])
    }
}

/// The schedules of the streaming-SGD figure (Wu et al. 2022).
@Suite struct DecayScheduleTests {
    @Test func polynomialDecay() {
        let s = LearningRateSchedule.polynomial(power: 0.5)
        #expect(s.factor(at: 0) == 1)
        #expect(abs(s.factor(at: 3) - 0.5) < 1e-15)
    }

    /// Constant for N/2 steps, then halved every ⌈N/(2 log₂ N)⌉ steps: N = 1024 gives phases of
    /// 52 steps and ends near 1/N.
    @Test func tailGeometricDecay() {
        let n = 1024
        #expect(LearningRateSchedule.tailGeometricPhase(totalSteps: n) == 52)
        let s = LearningRateSchedule.tailGeometric(totalSteps: n)
        #expect(s.factor(at: 511) == 1)
        #expect(s.factor(at: 512) == 0.5)
        #expect(s.factor(at: 563) == 0.5)
        #expect(s.factor(at: 564) == 0.25)
        #expect(s.factor(at: n - 1) == Foundation.pow(0.5, Double(1 + 511 / 52)))
    }
}
