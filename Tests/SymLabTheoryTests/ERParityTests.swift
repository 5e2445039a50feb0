import SymLabFunctionClasses
import SymLabNumerics
import SymLabTheory
import Testing

@Suite struct ERParityTests {
    /// n = 3 by hand: the empty graph and the 3 one-edge graphs have an odd number of degree-0
    /// nodes; the 3 paths and the triangle an odd number of degree-2 nodes; c[1] ∈ {0, 2} always.
    @Test func threeNodesByHand() throws {
        let s = try ERParityBits.exact(nodes: 3)
        #expect(s.bias == [0, 1, 0])
        #expect(s.pairMoments[0][2] == -1)   // exactly one of c[0], c[2] is odd
        let q = try ERParityBits.exact(nodes: 3, p: 0.3)
        let fewEdges = 0.7 * 0.7 * 0.7 + 3 * 0.3 * 0.7 * 0.7
        #expect(abs(q.bias[0] - (1 - 2 * fewEdges)) < 1e-15)
        #expect(try ERParityBits.exact(nodes: 2).bias == [1, 1])
    }

    /// The Gray-code walk against a direct enumeration that rebuilds every graph's degrees.
    @Test func grayCodeMatchesDirectEnumeration() {
        for (n, p) in [(4, 0.5), (5, 0.5), (5, 0.3)] {
            let edges = n * (n - 1) / 2
            var direct = [Double](repeating: 0, count: 1 << n)
            var pairs: [(Int, Int)] = []
            for i in 0..<n { for j in (i + 1)..<n { pairs.append((i, j)) } }
            for g in 0..<(1 << edges) {
                var degree = [Int](repeating: 0, count: n)
                var weight = 1.0
                for (e, (i, j)) in pairs.enumerated() {
                    if g >> e & 1 == 1 { degree[i] += 1; degree[j] += 1; weight *= p } else { weight *= 1 - p }
                }
                var counts = [Int](repeating: 0, count: n)
                for d in degree { counts[d] += 1 }
                let mask = (0..<n).reduce(0) { $0 | (counts[$1] & 1) << $1 }
                direct[mask] += weight
            }
            let walked = ERParityBits.exactParityDistribution(nodes: n, p: p)
            for m in 0..<(1 << n) { #expect(abs(walked[m] - direct[m]) < 1e-14, "n = \(n), p = \(p), mask \(m)") }
        }
    }

    /// Identities every graph satisfies: Σ_δ c[δ] = n, so Π_δ b_δ = (−1)^n; the handshake lemma
    /// (Σ_δ δ·c[δ] even), so Π_{δ odd} b_δ = 1; and complementing a G(n, ½) graph maps degree δ to
    /// n−1−δ, so E[b_δ] = E[b_{n−1−δ}] exactly.
    @Test func exactIdentities() throws {
        for n in 2...7 {
            let dist = ERParityBits.exactParityDistribution(nodes: n, p: 0.5)
            let oddDegrees = (0..<n).filter { $0 % 2 == 1 }.reduce(0) { $0 | 1 << $1 }
            #expect(dist.reduce(0, +) == 1)
            #expect(dist.enumerated().reduce(0.0) { $0 + $1.element * ($1.offset.nonzeroBitCount % 2 == 0 ? 1 : -1) } == (n % 2 == 0 ? 1 : -1))
            #expect(dist.enumerated().reduce(0.0) { $0 + $1.element * (($1.offset & oddDegrees).nonzeroBitCount % 2 == 0 ? 1 : -1) } == 1)
            let s = try ERParityBits.exact(nodes: n)
            for δ in 0..<n { #expect(s.bias[δ] == s.bias[n - 1 - δ], "n = \(n), δ = \(δ)") }
            for δ in 0..<n { #expect(s.pairMoments[δ][δ] == 1) }
        }
        // p ↔ 1 − p with δ ↔ n − 1 − δ.
        let a = try ERParityBits.exact(nodes: 6, p: 0.3), b = try ERParityBits.exact(nodes: 6, p: 0.7)
        for δ in 0..<6 { #expect(abs(a.bias[δ] - b.bias[5 - δ]) < 1e-13) }
    }

    /// The Walsh spectrum over the central bits: order-1 entries are the biases, order-2 entries the
    /// pair moments, and an order-3 entry checked against the distribution directly.
    @Test func centralSpectrumAgreesWithMoments() throws {
        let s = try ERParityBits.exact(nodes: 7, window: 1.5)
        let c = s.centralDegrees
        #expect(c == ErdosRenyi.centralDegrees(nodes: 7, p: 0.5, window: 1.5))
        #expect(c.count >= 3)
        #expect(s.centralParityMoments[0] == 1)
        for (i, δ) in c.enumerated() { #expect(abs(s.centralParityMoments[1 << i] - s.bias[δ]) < 1e-14) }
        #expect(abs(s.centralParityMoments[0b11] - s.pairMoments[c[0]][c[1]]) < 1e-14)
        let dist = ERParityBits.exactParityDistribution(nodes: 7, p: 0.5)
        let t = 1 << c[0] | 1 << c[1] | 1 << c[2]
        let direct = dist.enumerated().reduce(0.0) { $0 + $1.element * (($1.offset & t).nonzeroBitCount % 2 == 0 ? 1 : -1) }
        #expect(abs(s.centralParityMoments[0b111] - direct) < 1e-14)
    }

    /// Monte Carlo intervals (99.9%) cover the exact values; the same seed gives the same numbers.
    @Test func monteCarloCoversExact() throws {
        for n in [6, 7] {
            let exact = try ERParityBits.exact(nodes: n)
            var rng = RandomStream(seed: 3)
            let mc = try ERParityBits.monteCarlo(nodes: n, samples: 20_000, rng: &rng)
            let z = Correlations.normalQuantile(0.9995)
            for δ in 0..<n {
                #expect(abs(mc.bias[δ] - exact.bias[δ]) <= mc.halfWidth(mc.bias[δ], z: z), "n = \(n), δ = \(δ)")
                for ε in 0..<n {
                    #expect(abs(mc.pairMoments[δ][ε] - exact.pairMoments[δ][ε]) <= mc.halfWidth(mc.pairMoments[δ][ε], z: z) + 1e-12)
                }
            }
            var again = RandomStream(seed: 3)
            #expect(try ERParityBits.monteCarlo(nodes: n, samples: 20_000, rng: &again).bias == mc.bias)
        }
        // compute() picks the method by n and uses substream n, whatever else is on the grid.
        #expect(try ERParityBits.compute(nodes: 6, samples: 100, seed: 0).method == .exact)
        let a = try ERParityBits.compute(nodes: 10, samples: 500, seed: 9)
        #expect(a.method == .monteCarlo && a.samples == 500)
        #expect(try ERParityBits.compute(nodes: 10, samples: 500, seed: 9).pairMoments == a.pairMoments)
    }

    /// The premise of Kiani et al. Theorem 3 on a small grid: the bits that are near-unbiased
    /// (|E b_δ| < 0.05) sit near the mean degree, the tails are strongly biased, the near-unbiased
    /// bits are nearly uncorrelated, and their number grows with n.
    @Test func nearUnbiasedBitsGrowWithN() throws {
        var counts: [Int] = []
        for n in [8, 16, 32] {
            let s = try ERParityBits.compute(nodes: n, samples: 6000, seed: 1)
            let near = s.nearUnbiased(threshold: 0.05)
            counts.append(near.count)
            for δ in near { #expect(abs(Double(δ) - s.meanDegree) <= 2 * s.degreeStandardDeviation, "n = \(n): δ = \(δ) is not near the mean") }
            for δ in 0..<n where abs(Double(δ) - s.meanDegree) > 3 * s.degreeStandardDeviation {
                #expect(s.bias[δ] > 0.5, "n = \(n): tail degree \(δ) has bias \(s.bias[δ])")
            }
            if let pair = s.maxPairMoment(among: near, confidence: 0.95) { #expect(pair.value < 0.1, "n = \(n)") }
        }
        #expect(counts[0] >= 1)
        #expect(counts[0] < counts[1] && counts[1] < counts[2], "near-unbiased counts \(counts) for n = 8, 16, 32")
    }

    @Test func badInputIsRefused() {
        #expect(throws: TheoryError.self) { try ERParityBits.exact(nodes: 9) }
        #expect(throws: TheoryError.self) { try ERParityBits.exact(nodes: 1) }
        #expect(throws: TheoryError.self) { try ERParityBits.exact(nodes: 5, p: 1.5) }
        #expect(throws: TheoryError.self) { try ERParityBits.compute(nodes: 12, samples: 1, seed: 0) }
        #expect(throws: TheoryError.self) { try ERParityBits.compute(nodes: 12, samples: 100, seed: 0, exactMaxNodes: 9) }
    }
}
