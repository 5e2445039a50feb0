import SymLabFunctionClasses
import SymLabNumerics

/// `symlab theory correlations`: the correlation matrix E[f_i f_j] of a function family —
/// parities χ_S on {−1,+1}^n, or H_ER,n's degree-count parities g_S on G(n, p) — exactly and/or
/// by Monte Carlo, its largest off-diagonal γ, and the (C)SQ query bound m(τ² − γ)/2 it implies.
public struct CorrelationStudy {
    public enum Family: String, CaseIterable, Sendable { case parity, erParity = "er-parity" }
    public enum Method: String, CaseIterable, Sendable { case auto, exact, monteCarlo = "monte-carlo", both }

    public struct Settings: Sendable {
        public var family: Family, n: Int, order: Int, functions: Int, method: Method
        public var samples: Int, confidence: Double, tau: Double, p: Double, window: Double, seed: UInt64
        public init(family: Family, n: Int, order: Int, functions: Int, method: Method, samples: Int, confidence: Double,
                    tau: Double, p: Double, window: Double, seed: UInt64) {
            self.family = family; self.n = n; self.order = order; self.functions = functions; self.method = method
            self.samples = samples; self.confidence = confidence; self.tau = tau; self.p = p; self.window = window; self.seed = seed
        }
    }

    /// `auto` enumerates {−1,+1}^n exactly up to this n (2^n·m evaluations stay instant).
    public static let autoExactHypercube = 16
    /// `auto` enumerates every graph exactly up to this many nodes.
    public static let autoExactGraphNodes = 7

    public let settings: Settings
    /// The members measured (index sets S), sorted.
    public let subsets: [[Int]]
    public let exact: CorrelationMatrix?
    public let monteCarlo: MonteCarloCorrelations?
    /// The report, line by line, as `symlab theory correlations` prints it.
    public let lines: [String]

    public init(_ s: Settings) throws {
        settings = s
        // The family's index set: coordinates, or the central degrees of G(n, p).
        let ground: [Int]
        if s.family == .parity {
            ground = Array(0..<s.n)
        } else {
            ground = ErdosRenyi.centralDegrees(nodes: s.n, p: s.p, window: s.window)
            guard !ground.isEmpty else {
                throw TheoryError.invalidArgument("no degree of G(\(s.n), \(s.p)) lies within --window \(s.window) standard deviations of the mean")
            }
        }
        guard s.order <= ground.count else {
            throw TheoryError.invalidArgument("--order \(s.order) exceeds the \(ground.count) \(s.family == .parity ? "coordinates" : "central degrees \(ground)")")
        }
        typealias F = NumberFormat
        let total = NumberTheory.binomial(ground.count, s.order)
        let totalInt = Int(exactly: total)   // nil: more members than Int counts
        var rng = RandomStream(seed: s.seed)
        let subsets = Self.drawSubsets(of: ground, size: s.order, count: s.functions, total: totalInt, rng: &rng)
        self.subsets = subsets
        // Converted one by one: casting the array [@Sendable (…) -> Double] as a whole traps at run time.
        let fs = subsets.map { set -> ([Double]) -> Double in Correlations.parity(set) }
        let m = subsets.count
        let useExact: Bool, useMC: Bool
        switch s.method {
        case .auto: useExact = s.n <= (s.family == .parity ? Self.autoExactHypercube : Self.autoExactGraphNodes); useMC = true
        case .exact: useExact = true; useMC = false
        case .monteCarlo: useExact = false; useMC = true
        case .both: useExact = true; useMC = true
        }
        var out: [String] = []
        if s.family == .parity {
            out.append("family: parities χ_S(x) = Π_{i∈S} x_i with |S| = \(s.order), x uniform on {−1,+1}^\(s.n): C(\(s.n), \(s.order)) = \(total) functions")
        } else {
            out.append("family: H_ER,n functions g_S(A) = Π_{δ∈S} (−1)^{c_A[δ]} on G(\(s.n), \(s.p)), S ⊆ central degrees \(ground) with |S| = \(s.order): C(\(ground.count), \(s.order)) = \(total) functions (sign bit fixed)")
        }
        out.append(totalInt == m ? "measuring all \(m)" : "measuring \(m), drawn with seed \(s.seed)")

        var exact: CorrelationMatrix?
        if useExact {
            if s.family == .parity {
                exact = try Correlations.exactOnHypercube(n: s.n, fs)
            } else {
                let dist = ERParityBits.exactParityDistribution(nodes: s.n, p: s.p)
                let support = dist.indices.filter { dist[$0] > 0 }
                exact = try Correlations.exact(fs, support: support.map { mask in (0..<s.n).map { mask >> $0 & 1 == 1 ? -1.0 : 1.0 } },
                                               probabilities: support.map { dist[$0] })
            }
            let c = exact!
            let d = Self.offDiagonal(c.correlations)
            out.append("")
            out.append("exact (\(s.family == .parity ? "all 2^\(s.n) points" : "all 2^\(s.n * (s.n - 1) / 2) graphs")):")
            out.append("  diagonal E[f_i²] in [\(F.scientific(d.diagonalMin)), \(F.scientific(d.diagonalMax))]")
            out.append("  off-diagonal (\(m * (m - 1) / 2) pairs): mean \(F.scientific(d.mean)), mean |·| \(F.scientific(d.meanAbs))")
            if let best = c.maxOffDiagonal {
                out.append("  γ = max |E[f_i f_j]| = \(F.scientific(best.value))"
                           + (best.value == 0 ? " (every pair exactly orthogonal)" : " at S = \(subsets[best.i]), S' = \(subsets[best.j])"))
            }
        }
        var mc: MonteCarloCorrelations?
        if useMC {
            var sampler = RandomStream(seed: s.seed).substream(.monteCarloSamples)
            if s.family == .parity {
                let n = s.n
                mc = try Correlations.monteCarlo(fs, samples: s.samples, confidence: s.confidence, rng: &sampler) { r in
                    (0..<n).map { _ in r.rademacher() }
                }
            } else {
                let (n, p) = (s.n, s.p)
                mc = try Correlations.monteCarlo(fs, samples: s.samples, confidence: s.confidence, rng: &sampler) { r in
                    Self.parityBits(n: n, p: p, rng: &r)
                }
            }
            let c = mc!
            let d = Self.offDiagonal(c.estimate.innerProducts)
            var covered = 0, exactCovered = 0
            for i in 0..<m { for j in (i + 1)..<m {
                if c.interval(i, j).contains(0) { covered += 1 }
                if let e = exact, c.interval(i, j).contains(e.innerProducts[i][j]) { exactCovered += 1 }
            } }
            let pairs = m * (m - 1) / 2
            let pct = { (k: Int) in F.fixed(100 * Double(k) / Double(max(pairs, 1)), 1) + "%" }
            out.append("")
            out.append("Monte Carlo (\(s.samples) samples, seed \(s.seed), \(F.fixed(100 * s.confidence, 1))% intervals per entry):")
            out.append("  diagonal E[f_i²] in [\(F.scientific(d.diagonalMin)), \(F.scientific(d.diagonalMax))]")
            out.append("  off-diagonal (\(pairs) pairs): mean \(F.scientific(d.mean)), mean |·| \(F.scientific(d.meanAbs))")
            if let best = c.estimate.maxOffDiagonal {
                let iv = c.interval(best.i, best.j)
                out.append("  largest |estimate|: \(F.scientific(c.estimate.innerProducts[best.i][best.j])) at S = \(subsets[best.i]), S' = \(subsets[best.j]), interval [\(F.scientific(iv.lowerBound)), \(F.scientific(iv.upperBound))]")
            }
            out.append("  intervals containing 0: \(covered) of \(pairs) (\(pct(covered)); \(F.fixed(100 * s.confidence, 1))% expected if every correlation is 0)")
            if exact != nil { out.append("  intervals containing the exact value: \(exactCovered) of \(pairs) (\(pct(exactCovered)))") }
            out.append("  γ ≤ \(F.scientific(c.gammaUpperBound)) (upper bound simultaneous over all pairs, \(F.fixed(100 * s.confidence, 1))%, Bonferroni)")
        }
        self.exact = exact
        self.monteCarlo = mc

        out.append("")
        let gamma: Double, gammaSource: String
        if let e = exact { gamma = e.gamma; gammaSource = "exact γ" } else { gamma = min(1, mc!.gammaUpperBound); gammaSource = "γ's Monte Carlo upper bound" }
        let measured = try QueryBounds.csqLowerBound(functionCount: Double(m), gamma: gamma, tolerance: s.tau)
        out.append("query lower bound m(τ² − γ)/2 with τ = \(s.tau) (τ² = \(F.scientific(s.tau * s.tau))), \(gammaSource) = \(F.scientific(gamma)):")
        out.append("  the \(m) measured functions: " + Self.describe(measured))
        if s.family == .parity, totalInt.map({ m < $0 }) ?? true, gamma == 0 {
            // Distinct parities are orthogonal (a theorem, not a measurement), so γ = 0 holds for the whole family.
            let whole = try QueryBounds.csqLowerBound(functionCount: Double(total), gamma: 0, tolerance: s.tau)
            out.append("  the whole family (distinct parities are exactly orthogonal, so γ = 0 for every pair): " + Self.describe(whole))
        }
        lines = out
    }

    /// The correlation matrix as CSV (rows and columns named by S): the exact one if computed,
    /// else the Monte Carlo estimate.
    public var matrixCSV: String {
        let c = exact ?? monteCarlo!.estimate
        var text = "," + subsets.map { "\"\($0.map(String.init).joined(separator: " "))\"" }.joined(separator: ",") + "\n"
        for i in subsets.indices {
            text += "\"\(subsets[i].map(String.init).joined(separator: " "))\"," + c.correlations[i].map { "\($0)" }.joined(separator: ",") + "\n"
        }
        return text
    }

    static func describe(_ b: QueryLowerBound) -> String {
        b.isVacuous ? "vacuous (τ² ≤ γ)" : "≥ \(NumberFormat.scientific(b.queries)) queries (log2 = \(NumberFormat.fixed(b.log2Queries, 2)))"
    }

    /// b_δ = (−1)^{c_A[δ]} of one graph A ~ G(n, p), from H_ER,n's own sampler.
    static func parityBits(n: Int, p: Double, rng: inout RandomStream) -> [Double] {
        let histogram = ErdosRenyi.degreeHistograms(ErdosRenyi.sample(count: 1, nodes: n, p: p, rng: &rng))[0]
        return histogram.map { $0 & 1 == 1 ? -1 : 1 }
    }

    /// All subsets when the family has at most `count` members, else `count` distinct ones drawn
    /// uniformly (rejection on duplicates), each sorted; the list is sorted so output is stable.
    static func drawSubsets(of ground: [Int], size k: Int, count: Int, total: Int?, rng: inout RandomStream) -> [[Int]] {
        if let total, total <= count {
            var all: [[Int]] = []
            func extend(_ start: Int, _ current: [Int]) {
                if current.count == k { all.append(current); return }
                for i in start..<ground.count where ground.count - i >= k - current.count { extend(i + 1, current + [ground[i]]) }
            }
            extend(0, [])
            return all
        }
        var seen = Set<[Int]>(), picked: [[Int]] = []
        while picked.count < count {
            let s = rng.permutation(ground.count).prefix(k).map { ground[$0] }.sorted()
            if seen.insert(s).inserted { picked.append(s) }
        }
        return picked.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func offDiagonal(_ c: [[Double]]) -> (mean: Double, meanAbs: Double, diagonalMin: Double, diagonalMax: Double) {
        let m = c.count
        var sum = 0.0, sumAbs = 0.0
        for i in 0..<m { for j in (i + 1)..<m { sum += c[i][j]; sumAbs += abs(c[i][j]) } }
        let pairs = Double(max(1, m * (m - 1) / 2))
        let diagonal = (0..<m).map { c[$0][$0] }
        return (sum / pairs, sumAbs / pairs, diagonal.min() ?? 0, diagonal.max() ?? 0)
    }
}
