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

    @Test func noExponentWhenTauIsNeverReached() {
        let obs = [8.0, 16].flatMap { d in [10.0, 100].map { SampleComplexity.Observation(d: d, n: $0, seed: 0, loss: 0.9) } }
        #expect(SampleComplexity.fitExponent(obs, tau: 0.5) == nil)
        #expect(SampleComplexity.median([3, .nan, 1]) == 3)
    }
}
