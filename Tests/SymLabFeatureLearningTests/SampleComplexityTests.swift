import Foundation
import SymLabFeatureLearning
import SymLabNumerics
import Testing

@Suite struct SampleComplexityTests {
    @Test func thresholdInterpolatesOnLogN() {
        // Loss 0.8 at n = 100, 0.2 at n = 400: τ = 0.5 is halfway, at n = 200 on the log scale.
        let t = SampleComplexity.threshold(n: [400, 100, 1600], loss: [0.2, 0.8, 0.1], tau: 0.5)
        #expect(abs(t! - 200) < 1e-9)
        #expect(SampleComplexity.threshold(n: [1, 2], loss: [0.9, 0.8], tau: 0.5) == nil)
        #expect(SampleComplexity.threshold(n: [10, 20], loss: [0.1, 0.05], tau: 0.5) == 10)
        #expect(SampleComplexity.threshold(n: [10, 20], loss: [.nan, 0.05], tau: 0.5) == 20)
    }

    /// Losses L = 1/(1 + n/(c·d^α)) with per-seed noise: the fit must recover α, and its
    /// bootstrap interval must contain it.
    @Test(arguments: [2.0, 1.0, 3.0])
    func fitRecoversAPlantedExponent(alpha: Double) throws {
        var rng = RandomStream(seed: 11)
        var obs: [SampleComplexity.Observation] = []
        for d in [8.0, 16, 24, 32, 48] {
            for k in 0..<24 {
                let n = 2 * pow(d, alpha) * pow(2, Double(k) / 3)
                for seed in 0..<5 {
                    let loss = 1 / (1 + n / (10 * pow(d, alpha))) * exp(0.1 * rng.normal())
                    obs.append(.init(d: d, n: n, seed: seed, loss: loss))
                }
            }
        }
        let fit = try #require(SampleComplexity.fitExponent(obs, tau: 0.2, resamples: 300, seed: 1))
        #expect(abs(fit.exponent - alpha) < 0.1)
        #expect(fit.lower <= alpha && alpha <= fit.upper && fit.upper - fit.lower < 0.5)
        #expect(fit.usableResamples == 300)
        // Seeded: the same interval again.
        let again = try #require(SampleComplexity.fitExponent(obs, tau: 0.2, resamples: 300, seed: 1))
        #expect(again.lower == fit.lower && again.upper == fit.upper)
    }

    @Test func nonIncreasingPoolsAdjacentViolators() {
        #expect(SampleComplexity.nonIncreasing([0.9, 0.5, 0.7, 0.3]) == [0.9, 0.6, 0.6, 0.3])
        #expect(SampleComplexity.nonIncreasing([0.2, 0.4, 0.6]).allSatisfy { abs($0 - 0.4) < 1e-15 })
        #expect(SampleComplexity.nonIncreasing([1, 0.5, 0.25]) == [1, 0.5, 0.25])
        let withNaN = SampleComplexity.nonIncreasing([0.8, .nan, 0.4, 0.6])
        #expect(withNaN[0] == 0.8 && withNaN[1].isNaN && withNaN[2] == 0.5 && withNaN[3] == 0.5)
    }

    @Test func monotoneThresholdIgnoresAOneGridPointDip() {
        // The median loss dips to 0.18 at n = 200 and comes back to 0.3: the first crossing of
        // τ = 0.2 is n = 200, the non-increasing fit pools 0.18 and 0.3 (0.24) and crosses later.
        let obs = zip([100.0, 200, 400, 800], [0.5, 0.18, 0.3, 0.1]).map { SampleComplexity.Observation(d: 8, n: $0, seed: 0, loss: $1) }
        let raw = SampleComplexity.thresholds(obs, tau: 0.2)[0].nStar!
        let mono = SampleComplexity.thresholds(obs, tau: 0.2, monotone: true)[0].nStar!
        #expect(raw < 200 && raw > 100)
        // Between n = 400 (0.24) and 800 (0.1) on log n: 400·2^(0.04/0.14).
        #expect(abs(mono - 400 * pow(2, 0.04 / 0.14)) < 1e-9)
    }

    /// The least width to interpolate (munteanu-coupled-init) is the same search over another
    /// variable, read on the grid: the first grid point reaching τ, per seed and on the median.
    @Test func gridThresholdsPerSeedAreTheFirstGridPointReachingTau() {
        // Final train MSE against width 4…64 at n = 32 for three seeds; τ = 1e-3.
        let widths: [Double] = [4, 8, 16, 32, 64]
        let curves: [[Double]] = [[0.5, 0.1, 2e-3, 5e-4, 1e-4], [0.4, 9e-4, 1e-4, 1e-4, 1e-5], [0.6, 0.3, 0.05, 0.01, 8e-4]]
        let obs = curves.enumerated().flatMap { seed, c in zip(widths, c).map { SampleComplexity.Observation(d: 32, n: $0, seed: seed, loss: $1) } }
        let perSeed = SampleComplexity.perSeedThresholds(obs, tau: 1e-3, interpolate: false)
        #expect(perSeed.map(\.seed) == [0, 1, 2] && perSeed.allSatisfy { $0.d == 32 })
        #expect(perSeed.map(\.nStar) == [32, 8, 64])
        // The median curve (0.5, 0.1, 2e-3, 5e-4, 1e-4) first reaches τ at 32 = the median of 32, 8, 64.
        #expect(SampleComplexity.thresholds(obs, tau: 1e-3, interpolate: false)[0].nStar == 32)
        // Interpolated on log width, the same curve crosses strictly between 16 and 32.
        let between = SampleComplexity.thresholds(obs, tau: 1e-3)[0].nStar!
        #expect(between > 16 && between < 32)
        // A criterion of exactly zero (no training error): τ = 0, reached only by 0.
        let errors = zip(widths, [0.3, 0.1, 0, 0.02, 0]).map { SampleComplexity.Observation(d: 64, n: $0, seed: 0, loss: $1) }
        #expect(SampleComplexity.perSeedThresholds(errors, tau: 0, interpolate: false).map(\.nStar) == [16])
        #expect(SampleComplexity.perSeedThresholds(errors.filter { $0.loss > 0 }, tau: 0, interpolate: false).map(\.nStar) == [nil])
        // The slope of log m* against log n on grid values: m* = 2n exactly gives 1.
        let lines = [16.0, 32, 64].flatMap { n in widths.map { w in SampleComplexity.Observation(d: n, n: w * 4, seed: 0, loss: w * 4 >= 2 * n ? 0 : 1) } }
        let fit = SampleComplexity.fitExponent(lines, tau: 0, resamples: 10, interpolate: false)!
        #expect(abs(fit.exponent - 1) < 1e-12 && fit.thresholds.map(\.nStar) == [32, 64, 128])
    }

    @Test func noExponentWhenTauIsNeverReached() {
        let obs = [8.0, 16].flatMap { d in [10.0, 100].map { SampleComplexity.Observation(d: d, n: $0, seed: 0, loss: 0.9) } }
        #expect(SampleComplexity.fitExponent(obs, tau: 0.5) == nil)
        #expect(SampleComplexity.median([3, .nan, 1]) == 3)
    }

    /// Exact power-law data are predicted exactly by the polynomial law on held-out sizes, exact
    /// exponential data by the exponential one; each wins on its own data, and the fit recovers
    /// the exponent or rate. Constant n* ties; fewer than three sizes give no comparison.
    @Test func growthLawsAreJudgedOnHeldOutSizes() throws {
        let sizes: [Double] = [6, 8, 12, 20, 32]
        let power = try #require(SampleComplexity.compareGrowth(sizes: sizes, nStar: sizes.map { 3 * pow($0, 2.5) }))
        #expect(abs(power.polynomial.alpha - 2.5) < 1e-9 && power.polynomialLeaveOneOut < 1e-9 && power.better == .polynomial)
        #expect(abs(power.polynomialPredictsLargest - 3 * pow(32, 2.5)) < 1e-6 * pow(32, 2.5))
        let exponential = try #require(SampleComplexity.compareGrowth(sizes: sizes, nStar: sizes.map { 2 * exp(0.4 * $0) }))
        #expect(abs(exponential.exponential.beta - 0.4) < 1e-9 && exponential.exponentialLeaveOneOut < 1e-9 && exponential.better == .exponential)
        #expect(exponential.exponentialPredictsLargest > exponential.polynomialPredictsLargest)
        #expect(SampleComplexity.compareGrowth(sizes: sizes, nStar: sizes.map { _ in 512 })?.better == nil)
        #expect(SampleComplexity.compareGrowth(sizes: [6, 8], nStar: [64, 512]) == nil)
        #expect(SampleComplexity.compareGrowth(sizes: [6, 8, 8], nStar: [64, 512, 512]) == nil)
    }
}
