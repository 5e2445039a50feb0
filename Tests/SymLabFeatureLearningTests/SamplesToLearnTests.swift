import SymLabFeatureLearning
import SymLabFunctionClasses
import Testing

/// The doubling-then-bisection search for the smallest training size that reaches ε.
@Suite struct SamplesToLearnTests {
    @Test func findsTheSmallestSizeWhoseMedianLossReachesEpsilon() throws {
        let settings = SamplesToLearn.Settings(epsilon: 0.1, seeds: [0, 1, 2], nTest: 1000, start: 2)
        let m = try SamplesToLearn.measure(try OrbitLookupScheme(options: [:]), on: try FunctionClassRegistry.make("symmetric-boolean", options: ["n": "8"]),
                                           size: 8, settings: settings)
        let n = try #require(m.samplesToLearn)
        let loss = Dictionary(uniqueKeysWithValues: m.medianLoss.map { ($0.n, $0.loss) })
        // n reaches ε and n − 1 was tried (bisection to one sample) and did not.
        #expect(try #require(loss[n]) <= 0.1 && (n == 2 || loss[n - 1]! > 0.1))
        // Doubling from 2 tried 2, 4, 8, … up to the first success.
        #expect(loss[2] != nil && loss[4] != nil && m.medianLoss.map(\.n) == m.medianLoss.map(\.n).sorted())
        #expect(m.observations.count == 3 * m.medianLoss.count && m.observations.allSatisfy { $0.d == 8 })
        // C_8 has 36 orbits: a few times that many samples.
        #expect(n > 36 && n < 36 * 6)
    }

    @Test func reportsNilWhenTheLimitIsNotEnough() throws {
        let settings = SamplesToLearn.Settings(epsilon: 0.01, seeds: [0], nTest: 500, start: 1, maxSamples: 20)
        let m = try SamplesToLearn.measure(try OrbitLookupScheme(options: [:]), on: try FunctionClassRegistry.make("symmetric-boolean", options: ["n": "12"]),
                                           settings: settings)
        #expect(m.samplesToLearn == nil && m.medianLoss.map(\.n) == [1, 2, 4, 8, 16])
    }

    @Test func gf2EliminationLearnsAParityFromAboutItsUnknownsCount() throws {
        // er-parity at n = 16: 4 central degrees and b, 5 unknowns.
        let settings = SamplesToLearn.Settings(epsilon: 0.01, seeds: [0, 1, 2, 3, 4], nTest: 500)
        let n = try #require(try SamplesToLearn.measure(try GF2EliminationScheme(options: [:]),
                                                        on: try FunctionClassRegistry.make("er-parity", options: ["n": "16"]), settings: settings).samplesToLearn)
        #expect(n >= 5 && n <= 32)
    }
}
