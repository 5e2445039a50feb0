import SymLabTheory
import Testing

/// The orbit numbers beside a measured samples-to-learn, and the spread of their ratio.
@Suite struct OrbitSampleComplexityStudyTests {
    @Test func ratiosUseTheExactOrbitNumbers() throws {
        // A stand-in measurement: twice the orbit count (C_n on {±1}^n: 14, 20, 36 necklaces at n = 6, 7, 8).
        let orbits = [6: 14, 7: 20, 8: 36]
        let study = try OrbitSampleComplexityStudy(family: .cyclic, sizes: [6, 7, 8]) { 2 * orbits[$0]! }
        #expect(study.rows.map(\.orbits) == [14, 20, 36])
        #expect(study.rows.map(\.perOrbit) == [2, 2, 2])
        #expect(study.spreadPerOrbit == 1)
        // 1/‖p_O‖² ≤ #orbits (Cauchy–Schwarz), with equality only for equal orbits.
        for r in study.rows { #expect(r.effectiveOrbits! < r.orbits && r.effectiveOrbits! > r.orbits / 3) }
        // S_n: orbits are the weights, Σ C(n,k)² = C(2n, n): at n = 2, 1/‖p_O‖² = 16/6.
        let sym = try OrbitSampleComplexityStudy(family: .symmetric, sizes: [2]) { _ in nil }
        #expect(sym.rows[0].orbits == 3 && abs(sym.rows[0].effectiveOrbits! - 16.0 / 6) < 1e-12)
        #expect(sym.rows[0].perOrbit == nil && sym.spreadPerOrbit == nil)
        #expect(study.lines.count == 5 && study.lines.last!.contains("spread"))
    }
}
