import BigInt
import SymLabTheory
import Testing

@Suite struct OrbitNormTests {
    /// The divisor/Möbius formulas (C_n, D_n) and C(2n, n) (S_n) agree with brute-force orbit sizes.
    @Test func formulasMatchBruteForce() throws {
        for family in [GroupAction.Family.cyclic, .dihedral, .symmetric] {
            for n in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 16, 18] {
                let action = try GroupAction.family(family, n: n)
                #expect(action.hasOrbitNormFormula)
                let brute = try action.enumerateOrbits()
                #expect(try action.sumOfSquaredOrbitSizes() == brute.sumOfSquaredSizes, "\(family) n = \(n)")
                #expect(try action.orbitNormSquared() == brute.orbitNormSquared)
            }
        }
    }

    /// S_n: orbits are Hamming-weight classes of sizes C(n, k), so Σ_k C(n, k)² = C(2n, n).
    @Test func symmetricGroupClosedForm() throws {
        for n in [1, 5, 40, 300] {
            let sum = (0...n).reduce(BigUInt(0)) { $0 + NumberTheory.binomial(n, $1).power(2) }
            #expect(try GroupAction.symmetric(n).sumOfSquaredOrbitSizes() == sum)
        }
        // ‖p_O‖² ≈ 1/√(πn).
        let p = try GroupAction.symmetric(1000).orbitNormSquared().doubleValue
        #expect(abs(p * (Double.pi * 1000).squareRoot() - 1) < 1e-3)
    }

    /// Values from the research note's table (§2, "Quantities a program can compute").
    @Test func researchNoteTable() throws {
        let cyclic: [(Int, UInt64, Double, Double)] = [
            (8, 36, 0.1736, 5.05), (12, 352, 0.0538, 8.43), (16, 4116, 0.0156, 12.00),
            (24, 699252, 1.196e-3, 19.42), (32, 134219796, 8.63e-5, 27.00), (64, 0, 1.86e-9, 58.00),
        ]
        for (n, orbits, norm, bits) in cyclic {
            let a = try GroupAction.cyclic(n)
            if orbits > 0 { #expect(try a.orbitCount() == BigUInt(orbits)) }
            let norm2 = try a.orbitNormSquared()
            #expect(abs(norm2.doubleValue.squareRoot() / norm - 1) < 5e-3, "C_\(n)")
            #expect(abs(try a.log2InverseOrbitNormSquared() - bits) < 5e-3, "C_\(n)")
        }
        for (n, norm) in [(8, 0.2045), (12, 0.0713), (16, 0.0216)] {
            #expect(abs(try GroupAction.dihedral(n).orbitNormSquared().doubleValue.squareRoot() / norm - 1) < 5e-3, "D_\(n)")
        }
        #expect(abs(try GroupAction.symmetric(8).orbitNormSquared().doubleValue.squareRoot() - 0.443) < 5e-4)
        for (n, norm) in [(3, 0.559), (4, 0.368), (5, 0.213), (6, 0.104)] {
            #expect(abs(try GroupAction.graphs(n).orbitNormSquared().doubleValue.squareRoot() / norm - 1) < 5e-3, "graphs n = \(n)")
        }
        // Graphs on 3 vertices: orbits by edge count, sizes 1, 3, 3, 1.
        let g3 = try GroupAction.graphs(3).enumerateOrbits()
        #expect(g3.sizeDistribution == [.init(size: 1, orbits: 2), .init(size: 3, orbits: 2)])
        #expect(g3.orbitNormSquared == ExactFraction(20, 64))
    }

    @Test func summaryRowsCrossCheck() throws {
        for family in [GroupAction.Family.cyclic, .dihedral, .symmetric, .graphs] {
            for n in 1...6 {
                let row = try OrbitSummary(try GroupAction.family(family, n: n))
                #expect(row.bruteForceAgrees == true, "\(family) n = \(n)")
                #expect(row.log2InverseOrbitNormSquared != nil)
            }
        }
        let big = try OrbitSummary(try GroupAction.graphs(12))
        #expect(big.bruteForce == nil && big.orbitNormSquared == nil && big.bruteForceAgrees == nil)
        #expect(big.orbitCount == graphsA000088[11])
    }
}

@Suite struct LargeNTests {
    /// C_200 without overflow: n·N(n) = Σ_{d|n} φ(d) 2^{n/d} exactly, and N(n) ≈ 2^n/n.
    @Test func necklacesAt200() throws {
        let n = 200
        let count = try GroupAction.cyclic(n).orbitCount()
        let burnside = NumberTheory.divisors(n).reduce(BigUInt(0)) { $0 + BigUInt(NumberTheory.totient($1)) << (n / $1) }
        #expect(count * BigUInt(n) == burnside)
        // Everything beyond the identity's 2^n is at most 2^100 + (tiny): 0 < n·N − 2^n < 2^101.
        let excess = count * BigUInt(n) - (BigUInt(1) << n)
        #expect(excess > 0 && excess < BigUInt(1) << 101)
        #expect(abs(NumberTheory.log2(count) - (Double(n) - NumberTheory.log2(BigUInt(n)))) < 1e-12)
        // log2(1/‖p_O‖²) ≈ n − log2 n.
        #expect(abs(try GroupAction.cyclic(n).log2InverseOrbitNormSquared() - (200 - 7.643856189774724)) < 1e-9)
    }

    /// Prime n = 997: only the identity and the 996 full rotations, N = (2^997 − 2)/997 + 2 (Fermat).
    @Test func necklacesAtPrime() throws {
        let n = 997
        let expected = ((BigUInt(1) << n) - 2) / BigUInt(n) + 2
        #expect(((BigUInt(1) << n) - 2) % BigUInt(n) == 0)
        #expect(try GroupAction.cyclic(n).orbitCount() == expected)
        #expect(try GroupAction.dihedral(n).orbitCount() == (expected + (BigUInt(1) << 499)) / 2)
    }

    /// Graphs on 30 vertices: ≈ 2^{C(30,2)}/30! (Pólya), relative correction ~ n²/2^n.
    @Test func graphsAt30() throws {
        let count = try GroupAction.graphs(30).orbitCount()
        let ratio = ExactFraction(count * NumberTheory.factorial(30), BigUInt(1) << 435).doubleValue
        #expect(ratio > 1 && ratio < 1 + 1e-5)
    }

    @Test func exactFractionConversions() {
        let tiny = ExactFraction(3, BigUInt(1) << 2000)
        #expect(tiny.doubleValue == 0)
        #expect(abs(tiny.log2Value - (NumberTheory.log2(3) - 2000)) < 1e-9)
        let third = ExactFraction(BigUInt(1) << 1500, (BigUInt(1) << 1500) * 3)
        #expect(third == ExactFraction(1, 3))
        #expect(third.doubleValue == 1.0 / 3)
        #expect(ExactFraction(BigUInt(10).power(400), BigUInt(10).power(399)).doubleValue == 10)
    }

    /// d − log2|G| ≤ log2(1/‖p_O‖²) ≤ log2(#orbits) wherever ‖p_O‖ is known exactly, and the graph
    /// bounds close in as n grows (almost every graph is asymmetric).
    @Test func orbitNormBoundsBracketTheExactValue() throws {
        for family in [GroupAction.Family.cyclic, .dihedral, .symmetric, .graphs] {
            for n in 1...(family == .graphs ? 6 : 14) {
                let row = try OrbitSummary(try GroupAction.family(family, n: n), bruteForceMaxDegree: 16)
                let exact = try #require(row.log2InverseOrbitNormSquared, "\(family) n = \(n)")
                let b = row.log2InverseOrbitNormSquaredBounds
                #expect(b.lower <= exact + 1e-12 && exact <= b.upper + 1e-12, "\(family) n = \(n): \(b.lower) ≤ \(exact) ≤ \(b.upper)")
            }
        }
        // S_n on {±1}^n: exactly n + 1 orbits but ‖p_O‖² ≈ 1/√(πn), far below the upper bound.
        let s = try OrbitSummary(try GroupAction.symmetric(12)).log2InverseOrbitNormSquaredBounds
        #expect(s.lower == 0 && abs(s.upper - 3.700439718141092) < 1e-12)
        let g20 = try OrbitSummary(try GroupAction.graphs(20), bruteForceMaxDegree: 0).log2InverseOrbitNormSquaredBounds
        let g40 = try OrbitSummary(try GroupAction.graphs(40), bruteForceMaxDegree: 0).log2InverseOrbitNormSquaredBounds
        #expect(g20.upper - g20.lower < 1e-2 && g40.upper - g40.lower < g20.upper - g20.lower)
    }
}
