import SymLabFeatureLearning
import SymLabReport
import Testing

/// Issue 26's claim for `orbit-lookup`: its samples-to-learn on `symmetric-boolean` under C_n grows
/// with the number of orbits, the ratio staying within a factor of 3 over n = 6…14.
@Suite struct OrbitLookupScalingTests {
    @Test func samplesToLearnGrowsWithTheNumberOfOrbits() throws {
        let settings = SamplesToLearn.Settings(epsilon: 0.1, seeds: [0, 1, 2, 3, 4], nTest: 2000, start: 4)
        let result = try OrbitLookupScaling.measure(family: .cyclic, sizes: Array(6...14), settings: settings)
        let study = result.study
        for line in study.lines { print(line) }
        #expect(study.rows.allSatisfy { $0.samplesToLearn != nil })
        #expect(try #require(study.spreadPerOrbit) <= 3)
        #expect(try #require(study.spreadPerEffectiveOrbit) <= 3)
        // The orbit count itself grows about 2^n/n: 14 at n = 6, 1182 at n = 14.
        #expect(study.rows.first!.orbits == 14 && study.rows.last!.orbits == 1182)
        #expect(result.measurements.count == 9)
    }
}
