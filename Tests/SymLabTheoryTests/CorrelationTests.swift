import SymLabNumerics
import SymLabTheory
import Testing

@Suite struct CorrelationTests {
    /// Distinct parities are orthonormal under the uniform distribution: the identity, exactly.
    @Test func paritiesGiveTheIdentity() throws {
        let n = 5
        let subsets: [[Int]] = (0..<(1 << n)).map { mask in (0..<n).filter { mask >> $0 & 1 == 1 } }
        let c = try Correlations.exactOnHypercube(n: n, subsets.map { Correlations.parity($0) })
        for i in 0..<c.count { for j in 0..<c.count { #expect(c.correlations[i][j] == (i == j ? 1 : 0)) } }
        #expect(c.innerProducts == c.correlations)
        #expect(c.gamma == 0)
        let bound = try c.queryLowerBound(tolerance: 0.1)
        #expect(abs(bound.queries - 32 * 0.01 / 2) < 1e-15)
    }

    /// Majority against its inputs: E[x_0 · maj(x_0, x_1, x_2)] = 1/2; a finite weighted support too.
    @Test func exactValuesByHand() throws {
        let maj3: ([Double]) -> Double = { x in x[0] + x[1] + x[2] > 0 ? 1 : -1 }
        let c = try Correlations.exactOnHypercube(n: 3, [Correlations.parity([0]), maj3, Correlations.parity([0, 1, 2])])
        #expect(c.innerProducts[0][1] == 0.5)
        #expect(c.innerProducts[1][2] == -0.5)  // maj3 = (x0 + x1 + x2 − x0x1x2)/2
        #expect(c.innerProducts[0][2] == 0)
        #expect(c.gamma == 0.5)
        #expect(c.maxOffDiagonal?.i == 0 && c.maxOffDiagonal?.j == 1)
        // Real-valued functions are normalised: f = 2x, g = x + y with x, y fair ±1 bits.
        let w = try Correlations.exact([{ (p: (Double, Double)) in 2 * p.0 }, { p in p.0 + p.1 }],
                                       support: [(1, 1), (1, -1), (-1, 1), (-1, -1)], probabilities: [0.25, 0.25, 0.25, 0.25])
        #expect(w.innerProducts[0][1] == 2)
        #expect(abs(w.correlations[0][1] - 1 / 2.0.squareRoot()) < 1e-15)
        #expect(throws: TheoryError.self) { try Correlations.exact([{ (x: Int) in Double(x) }], support: [1, 2], probabilities: [0.2, 0.2]) }
        #expect(throws: TheoryError.self) { try Correlations.exactOnHypercube(n: 0, [Correlations.parity([])]) }
    }

    /// Monte Carlo intervals cover the exact values, and the simultaneous γ bound is above the exact γ.
    @Test func monteCarloCoversExact() throws {
        let n = 6
        let functions: [([Double]) -> Double] = [
            Correlations.parity([0]),
            { x in x[0] + x[1] + x[2] > 0 ? 1 : -1 },
            { x in x.reduce(0, +) >= 0 ? 1 : -1 },
            Correlations.parity([0, 1]),
            { x in 0.5 * x[0] + x[3] * x[4] },
        ]
        let exact = try Correlations.exactOnHypercube(n: n, functions)
        var rng = RandomStream(seed: 7)
        let mc = try Correlations.monteCarlo(functions, samples: 40_000, confidence: 0.999, rng: &rng) { r in
            (0..<n).map { _ in r.rademacher() }
        }
        for i in 0..<functions.count { for j in 0..<functions.count {
            #expect(mc.interval(i, j).contains(exact.innerProducts[i][j]), "entry (\(i), \(j))")
            #expect(mc.halfWidths[i][j] < 0.03)
        } }
        var exactMax = 0.0
        for i in 0..<functions.count { for j in (i + 1)..<functions.count { exactMax = max(exactMax, abs(exact.innerProducts[i][j])) } }
        #expect(mc.gammaUpperBound >= exactMax)
        #expect(mc.gammaUpperBound < exactMax + 0.05)
        // Same seed, same estimate.
        var rng2 = RandomStream(seed: 7)
        let again = try Correlations.monteCarlo(functions, samples: 40_000, confidence: 0.999, rng: &rng2) { r in
            (0..<n).map { _ in r.rademacher() }
        }
        #expect(again.estimate.innerProducts == mc.estimate.innerProducts)
    }

    @Test func normalQuantile() {
        #expect(abs(Correlations.normalQuantile(0.975) - 1.959963984540054) < 1e-8)
        #expect(abs(Correlations.normalQuantile(0.5)) < 1e-12)
        #expect(abs(Correlations.normalQuantile(1e-6) + 4.753424308822899) < 1e-7)
    }

    @Test func queryBound() throws {
        // 2^20 parities (γ = 0) at τ = 0.01: 2^20 · 10⁻⁴ / 2.
        let b = try QueryBounds.csqLowerBound(functionCount: 1_048_576, gamma: 0, tolerance: 0.01)
        #expect(abs(b.queries - 52.4288) < 1e-9)
        #expect(!b.isVacuous)
        let v = try QueryBounds.csqLowerBound(functionCount: 100, gamma: 0.05, tolerance: 0.2)
        #expect(v.isVacuous && v.queries == 0)
        #expect(throws: TheoryError.self) { try QueryBounds.csqLowerBound(functionCount: 10, gamma: 0, tolerance: 0) }
        #expect(throws: TheoryError.self) { try QueryBounds.csqLowerBound(functionCount: 10, gamma: 1.5, tolerance: 0.1) }
    }

    /// τ² = γ in decimals is 5·10⁻¹⁹ apart in Double: the bound is vacuous, not 2·10¹¹ queries
    /// at m = 10³⁰. A margin clearly above rounding still counts.
    @Test func queryBoundIsVacuousWhenTheMarginIsRounding() throws {
        for (tau, gamma) in [(0.05, 0.0025), (0.1, 0.01), (0.3, 0.09), (0.7, 0.49)] {
            let b = try QueryBounds.csqLowerBound(functionCount: 1e30, gamma: gamma, tolerance: tau)
            #expect(b.isVacuous && b.queries == 0, "τ = \(tau), γ = \(gamma): \(b)")
        }
        let tight = try QueryBounds.csqLowerBound(functionCount: 1e30, gamma: 0.0025, tolerance: 0.05 * (1 + 1e-9))
        #expect(!tight.isVacuous && abs(tight.queries / (1e30 * 0.0025 * 2e-9 / 2) - 1) < 1e-6)
    }
}
