import ArgumentParser
import Foundation
import SymLabFunctionClasses
import SymLabNumerics
import SymLabReport
import SymLabTheory

/// `symlab theory …`: the quantities the hardness theorems are stated in, computed exactly.
public struct TheoryCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "theory",
        abstract: "Exact orbit counts, ‖p_O‖, pairwise correlations, degree-parity statistics and (C)SQ query lower bounds.",
        discussion: """
            orbits: Burnside counts of the orbits of C_n, D_n, S_n and S_n-on-edges on {−1,+1}^d, \
            with ‖p_O‖ and a brute-force cross-check for small d. correlations: the correlation matrix \
            of a function family, its γ and the implied query bound. er-parity: bias and correlations \
            of the degree-count parity bits of G(n, p) behind H_ER,n. bounds: the statistical-dimension \
            lower bound m(τ² − γ)/2.
            """,
        subcommands: [Orbits.self, CorrelationsCommand.self, ERParityCommand.self, Bounds.self])

    public init() {}
}

extension TheoryCommand {
    /// The named families the table covers (user groups need generators: use the library).
    public enum GroupChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
        case cyclic, dihedral, symmetric, graphs, all

        var family: GroupAction.Family {
            switch self {
            case .cyclic: return .cyclic
            case .dihedral: return .dihedral
            case .symmetric: return .symmetric
            case .graphs: return .graphs
            case .all: preconditionFailure("`all` stands for several families")
            }
        }

        /// The families a choice stands for.
        var members: [GroupChoice] { self == .all ? [.cyclic, .dihedral, .symmetric, .graphs] : [self] }
    }

    /// `symlab theory orbits`: one row per n.
    public struct Orbits: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Orbit counts, |G| and log2(1/‖p_O‖²) per n, cross-checked by brute force for small n.",
            discussion: """
                Orbits of the group acting on {−1,+1}^d by permuting coordinates (d = n, or n(n−1)/2 \
                edges for graphs). Counts are exact (Burnside with arbitrary-precision integers). \
                ‖p_O‖² = Σ_k (|O_k|/2^d)² comes from a formula for cyclic, dihedral and symmetric and \
                from brute force for graphs (n ≤ 7 by default, 2^21 points). The brute-force column enumerates all \
                2^d points when d ≤ --brute-force-max-bits and must agree with the formulas; a \
                disagreement exits with status 1.
                """)

        @Option(help: "The group: cyclic (C_n), dihedral (D_n), symmetric (S_n), graphs (S_n on graph edges), or all four.")
        public var group: GroupChoice
        @Option(help: "Largest n.") public var nMax: Int
        @Option(help: "Smallest n.") public var nMin: Int = 1
        @Option(help: "Brute-force cross-check when the group permutes at most this many coordinates (≤ 26).")
        public var bruteForceMaxBits: Int = 21
        @Option(help: "Also write the table as CSV to this file (exact integers and fractions).")
        public var csv: String?
        @Option(help: "Write the table (orbits.txt, orbits.csv) and the plot of log2(1/‖p_O‖²) vs n (orbits.png, .svg, .gp) to this directory.")
        public var out: String?

        public init() {}

        public func validate() throws {
            guard nMin >= 1 else { throw ValidationError("--n-min must be ≥ 1, got \(nMin)") }
            guard nMax >= nMin else { throw ValidationError("--n-max must be ≥ --n-min (\(nMin)), got \(nMax)") }
            guard (0...26).contains(bruteForceMaxBits) else {
                throw ValidationError("--brute-force-max-bits must be in 0...26 (2^26 points), got \(bruteForceMaxBits)")
            }
            let limit = group.members.contains(.graphs) ? GroupAction.maxPartitionN : 20_000
            guard nMax <= limit else {
                throw ValidationError(group.members.contains(.graphs)
                    ? "graphs are counted over the partitions of n; --n-max ≤ \(limit) is supported, got \(nMax)"
                    : "--n-max ≤ \(limit) is supported for \(group.rawValue), got \(nMax)")
            }
        }

        public func run() throws {
            var tables: [(TheoryCommand.GroupChoice, [OrbitSummary])] = []
            var text: [String] = []
            for member in group.members {
                let rows = try (nMin...nMax).map { n in
                    try OrbitSummary(try GroupAction.family(member.family, n: n), bruteForceMaxDegree: bruteForceMaxBits)
                }
                tables.append((member, rows))
                if !text.isEmpty { text.append("") }
                text.append(TheoryTable.orbitsHeader(member))
                text += rows.map(TheoryTable.orbitsLine)
            }
            if tables.contains(where: { $0.1.contains { $0.log2InverseOrbitNormSquared == nil } }) {
                text.append("log2(1/‖p_O‖²) in [a, b]: ‖p_O‖ unknown here (no formula, 2^d too many points to enumerate); "
                        + "a = d − log2|G| (orbits have ≤ |G| points), b = log2(#orbits) (Cauchy–Schwarz)")
            }
            for line in text { print(line) }
            let csvText = tables.enumerated().map { k, t in
                let table = TheoryTable.orbitsCSV(t.0, t.1)
                return k == 0 ? table : String(table.drop(while: { $0 != "\n" }).dropFirst())
            }.joined()
            if let csv {
                try TheoryFiles.write(csvText, to: csv, option: "--csv")
                print("wrote \(csv)")
            }
            if let out {
                try TheoryFiles.makeDirectory(out)
                try TheoryFiles.write(text.joined(separator: "\n") + "\n", to: out + "/orbits.txt", option: "--out")
                try TheoryFiles.write(csvText, to: out + "/orbits.csv", option: "--out")
                try TheoryFiles.draw(TheoryPlots.orbits(tables), in: out)
            }
            if tables.contains(where: { $0.1.contains { $0.bruteForceAgrees == false } }) {
                print("error: brute force disagrees with the formulas (rows marked MISMATCH)")
                throw ExitCode.failure
            }
        }
    }

    /// `symlab theory bounds`: m(τ² − γ)/2.
    public struct Bounds: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "The (C)SQ lower bound m(τ² − γ)/2 on the number of queries of tolerance τ.",
            discussion: """
                For m functions of unit norm with pairwise |correlation| ≤ γ, each query of tolerance τ \
                can rule out fewer than 2/(τ² − γ) of them (answer 0 to every query), so identifying \
                the target needs at least m(τ² − γ)/2 queries. Vacuous when τ² ≤ γ.
                """)

        @Option(help: "γ: the largest off-diagonal |correlation| of the family, in [0, 1].") public var gamma: Double
        @Option(help: "τ: the query tolerance, in (0, 1].") public var tau: Double
        @Option(help: "m: the number of functions in the family (e.g. 1e30).") public var m: Double

        public init() {}

        public func validate() throws {
            do { _ = try QueryBounds.csqLowerBound(functionCount: m, gamma: gamma, tolerance: tau) } catch let e as TheoryError {
                throw ValidationError(e.description)
            }
        }

        public func run() throws {
            let b = try QueryBounds.csqLowerBound(functionCount: m, gamma: gamma, tolerance: tau)
            print("m = \(m), γ = \(gamma), τ = \(tau), τ² − γ = \(String(format: "%.4g", QueryBounds.margin(tau: tau, gamma: gamma)))")
            if b.isVacuous {
                print("bound: vacuous (τ² = \(String(format: "%.4g", tau * tau)) ≤ γ = \(gamma), up to rounding); the argument needs τ² > γ")
            } else {
                print("bound: at least \(TheoryTable.scientific(b.queries)) queries of tolerance \(tau) (log2 = \(TheoryTable.fixed(b.log2Queries, 2)))")
            }
        }
    }
}

/// A failure at run time (not a usage mistake): printed without the usage line, exit status 1.
struct TheoryCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Table and CSV formatting for the theory commands (names kept private to this file's type).
enum TheoryTable {
    static func orbitsHeader(_ group: TheoryCommand.GroupChoice) -> String {
        let name = ["cyclic": "C_n", "dihedral": "D_n", "symmetric": "S_n", "graphs": "S_n on the edges of K_n"][group.rawValue]!
        return "\(name) acting on {−1,+1}^d\n"
            + cell("n", 5) + cell("d", 7) + cell("|G|", 24) + cell("orbits", 26) + cell("‖p_O‖", 12)
            + cell("log2(1/‖p_O‖²)", 16) + "  brute force"
    }

    static func orbitsLine(_ r: OrbitSummary) -> String {
        let brute: String
        switch (r.bruteForce, r.bruteForceAgrees) {
        case (let b?, true?):
            let sizes = b.sizeDistribution.count
            return line(r, "ok (\(b.orbitCount) orbits, \(sizes) distinct size\(sizes == 1 ? "" : "s"))")
        case (_?, _): brute = "MISMATCH"
        default: brute = "—"
        }
        return line(r, brute)
    }

    private static func line(_ r: OrbitSummary, _ brute: String) -> String {
        // ‖p_O‖ below Double's range (C_n with n ≳ 2000) is shown as a power of two.
        let norm = r.orbitNormSquared.map { p in
            p.doubleValue > 0 ? scientific(p.doubleValue.squareRoot()) : "2^" + fixed(p.log2Value / 2, 1)
        } ?? "—"
        let bounds = r.log2InverseOrbitNormSquaredBounds
        let bits = r.log2InverseOrbitNormSquared.map { fixed($0, 4) } ?? "[\(fixed(bounds.lower, 1)), \(fixed(bounds.upper, 1))]"
        return cell("\(r.n)", 5) + cell("\(r.pointCount)", 7) + cell(abbreviated(r.order), 24)
            + cell(abbreviated(r.orbitCount), 26) + cell(norm, 12) + cell(bits, 16) + "  " + brute
    }

    static func orbitsCSV(_ group: TheoryCommand.GroupChoice, _ rows: [OrbitSummary]) -> String {
        var text = "group,n,points,order,orbits,norm_p_O,log2_inv_norm_sq,norm_sq_exact,log2_inv_norm_sq_lower,log2_inv_norm_sq_upper,brute_force_orbits,brute_force_agrees\n"
        for r in rows {
            let fields: [String] = [
                group.rawValue, "\(r.n)", "\(r.pointCount)", "\(r.order)", "\(r.orbitCount)",
                r.orbitNormSquared.map { "\($0.doubleValue.squareRoot())" } ?? "",
                r.log2InverseOrbitNormSquared.map { "\($0)" } ?? "",
                r.orbitNormSquared?.description ?? "",
                "\(r.log2InverseOrbitNormSquaredBounds.lower)", "\(r.log2InverseOrbitNormSquaredBounds.upper)",
                r.bruteForce.map { "\($0.orbitCount)" } ?? "",
                r.bruteForceAgrees.map { "\($0)" } ?? "",
            ]
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    /// All digits up to 22, else d.dddde+k, so huge |G| and counts keep the columns aligned.
    static func abbreviated(_ x: some CustomStringConvertible) -> String {
        let digits = x.description
        guard digits.count > 22 else { return digits }
        let d = Array(digits)
        return "\(d[0]).\(String(d[1...4]))e+\(d.count - 1)"
    }

    static func scientific(_ x: Double) -> String {
        if x == 0 || (abs(x) >= 1e-3 && abs(x) < 1e6) { return fixed(x, abs(x) >= 100 ? 1 : 4) }
        return String(format: "%.3e", x)
    }

    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        return String(format: "%.\(digits)f", x)
    }

    /// Right-aligned cells of the given widths (0: left as is).
    static func cells(_ values: [String], _ widths: [Int]) -> String {
        zip(values, widths).map { $1 == 0 ? $0 : cell($0, $1) }.joined()
    }

    private static func cell(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : String(repeating: " ", count: width - s.count) + s + " "
    }
}

// MARK: - correlations

extension TheoryCommand {
    /// `symlab theory correlations`: the correlation matrix of a function family, its γ and the bound.
    public struct CorrelationsCommand: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "correlations",
            abstract: "Pairwise correlations E[f_i f_j] of a function family, its largest off-diagonal γ and the implied (C)SQ bound.",
            discussion: """
                parity: χ_S(x) = Π_{i∈S} x_i for the subsets S of size --order of {0…n−1}, x uniform on \
                {−1,+1}^n. er-parity: the H_ER,n functions g_S(A) = Π_{δ∈S} (−1)^{c_A[δ]} for the \
                --order-subsets S of the central degrees of G(n, p) (one sign bit: g_{S,1} = −g_{S,0}). \
                When the family has more than --functions members, that many distinct ones are drawn \
                with --seed. Exact means enumerating the input distribution (parity: n ≤ 16 by default; \
                er-parity: all graphs, n ≤ 7); Monte Carlo gives per-entry normal intervals and a \
                Bonferroni bound on γ simultaneous over all pairs. The bound m(τ² − γ)/2 uses the exact γ \
                when there is one, else the Monte Carlo upper bound (so it is vacuous unless τ² exceeds \
                the sampling noise, ~1/√samples).
                """)

        public enum Family: String, ExpressibleByArgument, CaseIterable, Sendable { case parity, erParity = "er-parity" }
        public enum Method: String, ExpressibleByArgument, CaseIterable, Sendable { case auto, exact, monteCarlo = "monte-carlo", both }

        @Option(help: "The family: parity or er-parity.") public var family: Family = .parity
        @Option(help: "n: the dimension (parity) or the number of nodes (er-parity).") public var n: Int
        @Option(help: "|S|, the number of coordinates (or degree counts) in each parity.") public var order: Int = 3
        @Option(help: "Measure at most this many members of the family (2 or more).") public var functions: Int = 64
        @Option(help: "auto (exact where cheap, and Monte Carlo), exact, monte-carlo or both.") public var method: Method = .auto
        @Option(help: "Monte Carlo samples.") public var samples: Int = 20_000
        @Option(help: "Confidence level of the intervals, in (0, 1).") public var confidence: Double = 0.95
        @Option(help: "τ: the query tolerance for the bound m(τ² − γ)/2, in (0, 1].") public var tau: Double = 0.05
        @Option(help: "er-parity: the edge probability p.") public var p: Double = 0.5
        @Option(help: "er-parity: central degrees lie within this many standard deviations of the mean degree.") public var window: Double = 0.8
        @Option(help: "Seed for the drawn members and the Monte Carlo samples.") public var seed: UInt64 = 0
        @Option(help: "Write the correlation matrix (exact if computed, else the estimate) as CSV to this file.") public var matrix: String?

        /// Enumerating {−1,+1}^n costs 2^n·m evaluations; 2^16 keeps `auto` instant.
        static let autoExactHypercube = 16

        public init() {}

        public func validate() throws {
            guard n >= (family == .parity ? 1 : 2) else { throw ValidationError("--n must be ≥ \(family == .parity ? 1 : 2), got \(n)") }
            guard n <= (family == .parity ? 4096 : 128) else {
                throw ValidationError("--n must be ≤ \(family == .parity ? 4096 : 128) for \(family.rawValue), got \(n)")
            }
            guard order >= 1 else { throw ValidationError("--order must be ≥ 1, got \(order)") }
            guard functions >= 2 else { throw ValidationError("--functions must be ≥ 2 (correlations are between pairs), got \(functions)") }
            guard functions <= 2000 else { throw ValidationError("--functions ≤ 2000 is supported (an m×m matrix), got \(functions)") }
            guard samples >= 2 else { throw ValidationError("--samples must be ≥ 2, got \(samples)") }
            guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be in (0, 1), got \(confidence)") }
            guard tau > 0, tau <= 1 else { throw ValidationError("--tau must be in (0, 1], got \(tau)") }
            guard p >= 0, p <= 1 else { throw ValidationError("--p must be in [0, 1], got \(p)") }
            guard window > 0, window.isFinite else { throw ValidationError("--window must be positive, got \(window)") }
            if method == .exact || method == .both {
                let limit = family == .parity ? SymLabTheory.Correlations.maxExactHypercubeDimension : ERParityBits.maxExactNodes
                guard n <= limit else {
                    throw ValidationError("exact \(family.rawValue) correlations enumerate the inputs; --n ≤ \(limit) is supported, got \(n) (use --method monte-carlo)")
                }
            }
        }

        public func run() throws {
            // The family's index set: coordinates, or the central degrees of G(n, p).
            let ground: [Int]
            if family == .parity {
                ground = Array(0..<n)
            } else {
                ground = ErdosRenyiCentral.degrees(n: n, p: p, window: window)
                guard !ground.isEmpty else { throw TheoryCommandError("no degree of G(\(n), \(p)) lies within --window \(window) standard deviations of the mean") }
            }
            guard order <= ground.count else {
                throw TheoryCommandError("--order \(order) exceeds the \(ground.count) \(family == .parity ? "coordinates" : "central degrees \(ground)")")
            }
            let total = NumberTheory.binomial(ground.count, order)
            let totalInt = Int(exactly: total)   // nil: more members than Int counts
            var rng = RandomStream(seed: seed)
            let subsets = Self.drawSubsets(of: ground, size: order, count: functions, total: totalInt, rng: &rng)
            // Converted one by one: casting the array [@Sendable (…) -> Double] as a whole traps at run time.
            let fs = subsets.map { s -> ([Double]) -> Double in SymLabTheory.Correlations.parity(s) }
            let m = subsets.count
            let useExact: Bool, useMC: Bool
            switch method {
            case .auto: useExact = n <= (family == .parity ? Self.autoExactHypercube : 7); useMC = true
            case .exact: useExact = true; useMC = false
            case .monteCarlo: useExact = false; useMC = true
            case .both: useExact = true; useMC = true
            }
            if family == .parity {
                print("family: parities χ_S(x) = Π_{i∈S} x_i with |S| = \(order), x uniform on {−1,+1}^\(n): C(\(n), \(order)) = \(total) functions")
            } else {
                print("family: H_ER,n functions g_S(A) = Π_{δ∈S} (−1)^{c_A[δ]} on G(\(n), \(p)), S ⊆ central degrees \(ground) with |S| = \(order): C(\(ground.count), \(order)) = \(total) functions (sign bit fixed)")
            }
            print(totalInt == m ? "measuring all \(m)" : "measuring \(m), drawn with seed \(seed)")

            var exact: CorrelationMatrix?
            if useExact {
                if family == .parity {
                    exact = try SymLabTheory.Correlations.exactOnHypercube(n: n, fs)
                } else {
                    let dist = ERParityBits.exactParityDistribution(nodes: n, p: p)
                    let support = dist.indices.filter { dist[$0] > 0 }
                    exact = try SymLabTheory.Correlations.exact(fs, support: support.map { mask in (0..<n).map { mask >> $0 & 1 == 1 ? -1.0 : 1.0 } },
                                                                probabilities: support.map { dist[$0] })
                }
                let c = exact!
                let s = Self.offDiagonal(c.correlations)
                print("")
                print("exact (\(family == .parity ? "all 2^\(n) points" : "all 2^\(n * (n - 1) / 2) graphs")):")
                print("  diagonal E[f_i²] in [\(TheoryTable.scientific(s.diagonalMin)), \(TheoryTable.scientific(s.diagonalMax))]")
                print("  off-diagonal (\(m * (m - 1) / 2) pairs): mean \(TheoryTable.scientific(s.mean)), mean |·| \(TheoryTable.scientific(s.meanAbs))")
                if let best = c.maxOffDiagonal {
                    print("  γ = max |E[f_i f_j]| = \(TheoryTable.scientific(best.value))"
                          + (best.value == 0 ? " (every pair exactly orthogonal)" : " at S = \(subsets[best.i]), S' = \(subsets[best.j])"))
                }
            }
            var mc: MonteCarloCorrelations?
            if useMC {
                var sampler = RandomStream(seed: seed).substream(1)
                if family == .parity {
                    mc = try SymLabTheory.Correlations.monteCarlo(fs, samples: samples, confidence: confidence, rng: &sampler) { r in
                        (0..<n).map { _ in r.rademacher() }
                    }
                } else {
                    mc = try SymLabTheory.Correlations.monteCarlo(fs, samples: samples, confidence: confidence, rng: &sampler) { r in
                        ErdosRenyiCentral.parityBits(n: n, p: p, rng: &r)
                    }
                }
                let c = mc!
                let s = Self.offDiagonal(c.estimate.innerProducts)
                var covered = 0, exactCovered = 0
                for i in 0..<m { for j in (i + 1)..<m {
                    if c.interval(i, j).contains(0) { covered += 1 }
                    if let e = exact, c.interval(i, j).contains(e.innerProducts[i][j]) { exactCovered += 1 }
                } }
                let pairs = m * (m - 1) / 2
                let pct = { (k: Int) in TheoryTable.fixed(100 * Double(k) / Double(max(pairs, 1)), 1) + "%" }
                print("")
                print("Monte Carlo (\(samples) samples, seed \(seed), \(TheoryTable.fixed(100 * confidence, 1))% intervals per entry):")
                print("  diagonal E[f_i²] in [\(TheoryTable.scientific(s.diagonalMin)), \(TheoryTable.scientific(s.diagonalMax))]")
                print("  off-diagonal (\(pairs) pairs): mean \(TheoryTable.scientific(s.mean)), mean |·| \(TheoryTable.scientific(s.meanAbs))")
                if let best = c.estimate.maxOffDiagonal {
                    let iv = c.interval(best.i, best.j)
                    print("  largest |estimate|: \(TheoryTable.scientific(c.estimate.innerProducts[best.i][best.j])) at S = \(subsets[best.i]), S' = \(subsets[best.j]), interval [\(TheoryTable.scientific(iv.lowerBound)), \(TheoryTable.scientific(iv.upperBound))]")
                }
                print("  intervals containing 0: \(covered) of \(pairs) (\(pct(covered)); \(TheoryTable.fixed(100 * confidence, 1))% expected if every correlation is 0)")
                if exact != nil { print("  intervals containing the exact value: \(exactCovered) of \(pairs) (\(pct(exactCovered)))") }
                print("  γ ≤ \(TheoryTable.scientific(c.gammaUpperBound)) (upper bound simultaneous over all pairs, \(TheoryTable.fixed(100 * confidence, 1))%, Bonferroni)")
            }

            print("")
            let gamma: Double, gammaSource: String
            if let e = exact { gamma = e.gamma; gammaSource = "exact γ" } else { gamma = min(1, mc!.gammaUpperBound); gammaSource = "γ's Monte Carlo upper bound" }
            let measured = try QueryBounds.csqLowerBound(functionCount: Double(m), gamma: gamma, tolerance: tau)
            print("query lower bound m(τ² − γ)/2 with τ = \(tau) (τ² = \(TheoryTable.scientific(tau * tau))), \(gammaSource) = \(TheoryTable.scientific(gamma)):")
            print("  the \(m) measured functions: " + Self.describe(measured))
            if family == .parity, totalInt.map({ m < $0 }) ?? true, gamma == 0 {
                // Distinct parities are orthogonal (a theorem, not a measurement), so γ = 0 holds for the whole family.
                let whole = try QueryBounds.csqLowerBound(functionCount: Double(total), gamma: 0, tolerance: tau)
                print("  the whole family (distinct parities are exactly orthogonal, so γ = 0 for every pair): " + Self.describe(whole))
            }
            if let matrix {
                let c = exact ?? mc!.estimate
                var text = "," + subsets.map { "\"\($0.map(String.init).joined(separator: " "))\"" }.joined(separator: ",") + "\n"
                for i in 0..<m {
                    text += "\"\(subsets[i].map(String.init).joined(separator: " "))\"," + c.correlations[i].map { "\($0)" }.joined(separator: ",") + "\n"
                }
                try TheoryFiles.write(text, to: matrix, option: "--matrix")
                print("wrote \(matrix) (\(exact != nil ? "exact" : "Monte Carlo estimate"))")
            }
        }

        static func describe(_ b: QueryLowerBound) -> String {
            b.isVacuous ? "vacuous (τ² ≤ γ)" : "≥ \(TheoryTable.scientific(b.queries)) queries (log2 = \(TheoryTable.fixed(b.log2Queries, 2)))"
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
}

/// H_ER,n's graphs and central degrees, as the CLI needs them (the sampler is the class's own).
enum ErdosRenyiCentral {
    static func degrees(n: Int, p: Double, window: Double) -> [Int] {
        ErdosRenyi.centralDegrees(nodes: n, p: p, window: window)
    }

    /// b_δ = (−1)^{c_A[δ]} of one graph A ~ G(n, p).
    static func parityBits(n: Int, p: Double, rng: inout RandomStream) -> [Double] {
        let histogram = ErdosRenyi.degreeHistograms(ErdosRenyi.sample(count: 1, nodes: n, p: p, rng: &rng))[0]
        return histogram.map { $0 & 1 == 1 ? -1 : 1 }
    }
}

// MARK: - er-parity

extension TheoryCommand {
    /// `symlab theory er-parity`: the premise of Kiani et al. Theorem 3, measured on a grid of n.
    public struct ERParityCommand: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "er-parity",
            abstract: "Bias and pairwise correlations of the degree-count parity bits (−1)^{c_A[δ]} of G(n, p), vs n.",
            discussion: """
                For each n: E[b_δ] for every degree δ, the near-unbiased bits (|E b_δ| < --threshold), \
                the largest |E[b_δ b_ε]| among them, and E[χ_T] = E[Π_{δ∈T} b_δ] over subsets T of the \
                central degrees H_ER,n draws from. Exact (all 2^{n(n−1)/2} graphs) for n ≤ --exact-max-n; \
                Monte Carlo with --samples graphs from H_ER,n's own sampler (substream n of --seed) beyond, \
                since no cheap closed form for the bias is known (one node's degree is Binomial(n−1, p), \
                but the degrees are dependent and a count's parity is not a per-node quantity). The \
                "indep." column is (1 − 2 P(deg = δ))^n, the bias if degrees were independent: an \
                approximation, for comparison only.
                """)

        @Option(help: "Comma-separated node counts (each 2…128).") public var n: String = "6,8,12,16,24,32,48,64"
        @Option(help: "The edge probability p.") public var p: Double = 0.5
        @Option(help: "Graphs per n for Monte Carlo.") public var samples: Int = 20_000
        @Option(help: "A bit is near-unbiased when |E b_δ| < this.") public var threshold: Double = 0.05
        @Option(help: "Confidence level of the intervals, in (0, 1).") public var confidence: Double = 0.95
        @Option(help: "Central degrees (H_ER,n's S) lie within this many standard deviations of the mean degree.") public var window: Double = 0.8
        @Option(help: "Exact enumeration up to this n (≤ \(ERParityBits.maxExactNodes); 8 takes seconds).") public var exactMaxN: Int = 7
        @Option(help: "Seed of the Monte Carlo graphs.") public var seed: UInt64 = 0
        @Flag(help: "List every degree (default: those within 3 standard deviations of the mean).") public var allDegrees = false
        @Option(help: "Write the tables (er-parity.txt, er-parity-bits.csv, er-parity-summary.csv) and the plot (er-parity.png, .svg, .gp) to this directory.")
        public var out: String?

        public init() {}

        var grid: [Int] { n.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

        public func validate() throws {
            let parts = n.split(separator: ",", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { (2...128).contains($0) } ?? false }) else {
                throw ValidationError("--n must be a comma-separated list of node counts in 2…128, got '\(n)'")
            }
            guard p >= 0, p <= 1 else { throw ValidationError("--p must be in [0, 1], got \(p)") }
            guard samples >= 2 else { throw ValidationError("--samples must be ≥ 2, got \(samples)") }
            guard threshold > 0, threshold <= 1 else { throw ValidationError("--threshold must be in (0, 1], got \(threshold)") }
            guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be in (0, 1), got \(confidence)") }
            guard window > 0, window.isFinite else { throw ValidationError("--window must be positive, got \(window)") }
            guard (0...ERParityBits.maxExactNodes).contains(exactMaxN) else {
                throw ValidationError("--exact-max-n must be in 0…\(ERParityBits.maxExactNodes) (2^\(ERParityBits.maxExactNodes * (ERParityBits.maxExactNodes - 1) / 2) graphs), got \(exactMaxN)")
            }
        }

        public func run() throws {
            let stats = try grid.map { try ERParityBits.compute(nodes: $0, p: p, window: window, samples: samples, seed: seed, exactMaxNodes: exactMaxN) }
            let z = SymLabTheory.Correlations.normalQuantile(0.5 + confidence / 2)
            let level = TheoryTable.fixed(100 * confidence, 1) + "%"
            var text: [String] = []
            text.append("G(n, \(p)): degree-count parity bits b_δ = (−1)^{c_A[δ]}, c_A[δ] = #nodes of degree δ; near-unbiased: |E b_δ| < \(threshold)")
            var bitsCSV = "n,method,graphs,degree,offset,degree_probability,expected_count,bias,lower,upper,independent_nodes_bias,near_unbiased,central\n"
            for s in stats {
                let near = Set(s.nearUnbiased(threshold: threshold))
                text.append("")
                text.append("n = \(s.nodes): " + (s.method == .exact ? "exact (all 2^\(s.nodes * (s.nodes - 1) / 2) graphs)" : "Monte Carlo (\(s.samples) graphs, \(level) intervals)")
                            + ", mean degree \(TheoryTable.fixed(s.meanDegree, 2)), sd \(TheoryTable.fixed(s.degreeStandardDeviation, 2)), central degrees \(s.centralDegrees)")
                text.append(TheoryTable.cells(["δ", "δ−mean", "P(deg=δ)", "E c_δ", "E b_δ", "interval", "indep.", ""], [5, 8, 10, 8, 9, 19, 9, 0]))
                let q = s.degreeProbabilities, indep = s.independentNodesBias
                for δ in 0..<s.nodes {
                    let offset = Double(δ) - s.meanDegree
                    let hw = s.halfWidth(s.bias[δ], z: z)
                    let shown = allDegrees || abs(offset) <= 3 * s.degreeStandardDeviation
                    if shown {
                        let interval = s.method == .exact ? "exact" : "[\(TheoryTable.fixed(s.bias[δ] - hw, 4)), \(TheoryTable.fixed(s.bias[δ] + hw, 4))]"
                        text.append(TheoryTable.cells([
                            "\(δ)", TheoryTable.fixed(offset, 1), TheoryTable.scientific(q[δ]), TheoryTable.fixed(Double(s.nodes) * q[δ], 3),
                            TheoryTable.fixed(s.bias[δ], 4), interval, TheoryTable.fixed(indep[δ], 4),
                            (near.contains(δ) ? "near-unbiased" : "") + (s.centralDegrees.contains(δ) ? (near.contains(δ) ? ", " : "") + "central" : ""),
                        ], [5, 8, 10, 8, 9, 19, 9, 0]))
                    }
                    bitsCSV += "\(s.nodes),\(s.method.rawValue),\(s.samples),\(δ),\(offset),\(q[δ]),\(Double(s.nodes) * q[δ]),\(s.bias[δ]),\(s.bias[δ] - hw),\(s.bias[δ] + hw),\(indep[δ]),\(near.contains(δ)),\(s.centralDegrees.contains(δ))\n"
                }
            }
            text.append("")
            text.append("summary (γ-type quantities are max |E| over the named set; 'upper' bounds are \(level) simultaneous over it, Bonferroni; exact rows have no interval)")
            let widths = [5, 12, 7, 7, 9, 14, 10, 9, 18, 18]
            text.append(TheoryTable.cells(["n", "method", "graphs", "near", "near(CI)", "near degrees", "max|Ebb'|", "upper", "max|Eχ_T| |T|=2..4", "max|Eχ_T| all T"], widths))
            var summaryCSV = "n,method,graphs,near_unbiased,near_unbiased_ci,near_lo,near_hi,max_pair,max_pair_upper,central,max_parity_2_4,max_parity_2_4_upper,max_parity_all,max_parity_all_subset\n"
            var summaries: [(n: Int, near: Int, nearCI: Int, pair: Double?, pairUpper: Double?)] = []
            for s in stats {
                let near = s.nearUnbiased(threshold: threshold)
                let nearCI = s.confidentlyNearUnbiased(threshold: threshold, confidence: confidence)
                let pair = s.maxPairMoment(among: near, confidence: confidence)
                let low = s.maxCentralParityMoment(orders: 2...4, confidence: confidence)
                let all = s.maxCentralParityMoment(orders: 1...max(1, s.centralDegrees.count), confidence: confidence)
                let range = near.isEmpty ? "—" : "\(near.first!)…\(near.last!)"
                text.append(TheoryTable.cells([
                    "\(s.nodes)", s.method.rawValue, s.method == .exact ? "all" : "\(s.samples)", "\(near.count)", "\(nearCI.count)", range,
                    pair.map { TheoryTable.fixed($0.value, 4) } ?? "—", pair.map { TheoryTable.fixed($0.upperBound, 4) } ?? "—",
                    low.map { TheoryTable.fixed($0.value, 4) + (s.method == .exact ? "" : " (≤\(TheoryTable.fixed($0.upperBound, 3)))") } ?? "—",
                    all.map { TheoryTable.fixed($0.value, 3) + " \($0.subset)" } ?? "—",
                ], widths))
                summaries.append((s.nodes, near.count, nearCI.count, pair?.value, pair?.upperBound))
                summaryCSV += "\(s.nodes),\(s.method.rawValue),\(s.samples),\(near.count),\(nearCI.count),\(near.first.map(String.init) ?? ""),\(near.last.map(String.init) ?? ""),"
                    + "\(pair.map { "\($0.value)" } ?? ""),\(pair.map { "\($0.upperBound)" } ?? ""),\"\(s.centralDegrees.map(String.init).joined(separator: " "))\","
                    + "\(low.map { "\($0.value)" } ?? ""),\(low.map { "\($0.upperBound)" } ?? ""),\(all.map { "\($0.value)" } ?? ""),\"\(all.map { $0.subset.map(String.init).joined(separator: " ") } ?? "")\"\n"
            }
            text.append("The bits are not independent: every graph has Π_{δ odd} b_δ = 1 (handshake lemma) and Π_δ b_δ = (−1)^n. What the")
            text.append("hardness argument needs is that parities of few central bits are near 0 (the last two columns): E[g_S g_S'] = E[χ_{S△S'}].")
            for line in text { print(line) }
            if let out {
                try TheoryFiles.makeDirectory(out)
                try TheoryFiles.write(text.joined(separator: "\n") + "\n", to: out + "/er-parity.txt", option: "--out")
                try TheoryFiles.write(bitsCSV, to: out + "/er-parity-bits.csv", option: "--out")
                try TheoryFiles.write(summaryCSV, to: out + "/er-parity-summary.csv", option: "--out")
                try TheoryFiles.draw(TheoryPlots.erParity(stats, summaries: summaries, threshold: threshold, z: z, p: p, level: level), in: out)
            }
        }
    }
}

// MARK: - files and plots

enum TheoryFiles {
    static func makeDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw TheoryCommandError("could not create --out \(path): \(error.localizedDescription)")
        }
    }

    static func write(_ text: String, to path: String, option: String) throws {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw TheoryCommandError("could not write \(option) \(path): \(error.localizedDescription)")
        }
    }

    /// Renders with gnuplot; the tables are written before, so a missing gnuplot loses nothing.
    static func draw(_ figure: Figure, in directory: String) throws {
        do {
            let output = try Gnuplot.render(figure, in: directory)
            print("plot: \(output.png) (and .svg); data: \(output.csv); gnuplot script: \(output.script)")
        } catch {
            throw TheoryCommandError("could not draw the plot: \(error) (the tables are in \(directory))")
        }
    }
}

enum TheoryPlots {
    /// log2(1/‖p_O‖²) vs n: the "effective number of orbits" in bits (research note §2, Theorem 2).
    static func orbits(_ tables: [(TheoryCommand.GroupChoice, [OrbitSummary])]) -> Figure {
        var onCoordinates: [Series] = [], onGraphs: [Series] = []
        let names: [TheoryCommand.GroupChoice: String] = [.cyclic: "C_n", .dihedral: "D_n", .symmetric: "S_n", .graphs: "graphs"]
        for (k, (group, rows)) in tables.enumerated() {
            let known = rows.filter { $0.log2InverseOrbitNormSquared != nil }
            let exact = Series(title: "\(names[group]!) (exact)", x: known.map { Double($0.n) }, y: known.map { $0.log2InverseOrbitNormSquared! },
                               colour: k, withPoints: true)
            if group == .graphs {
                onGraphs.append(exact)
                onGraphs.append(Series(title: "graphs: lower bound d − log2 n!", x: rows.map { Double($0.n) },
                                       y: rows.map { $0.log2InverseOrbitNormSquaredBounds.lower }, dashed: true, colour: k + 1))
                onGraphs.append(Series(title: "graphs: upper bound log2(#orbits)", x: rows.map { Double($0.n) },
                                       y: rows.map { $0.log2InverseOrbitNormSquaredBounds.upper }, dashed: true, colour: k + 2))
            } else {
                onCoordinates.append(exact)
            }
        }
        var panels: [Panel] = []
        if !onCoordinates.isEmpty {
            panels.append(Panel(title: "C_n, D_n, S_n permuting n ±1 coordinates", xLabel: "n", yLabel: "log2(1/||p_O||^2)", series: onCoordinates))
        }
        if !onGraphs.isEmpty {
            panels.append(Panel(title: "S_n on the n(n-1)/2 edge bits (graphs)", xLabel: "n (vertices)", yLabel: "log2(1/||p_O||^2)", series: onGraphs))
        }
        return Figure(name: "orbits", title: "Effective number of orbits: log2(1/||p_O||^2) vs n", panels: panels)
    }

    /// Bias vs degree offset for each n, the near-unbiased count vs n, and the largest pair moment.
    static func erParity(_ stats: [ERParityBits], summaries: [(n: Int, near: Int, nearCI: Int, pair: Double?, pairUpper: Double?)],
                         threshold: Double, z: Double, p: Double, level: String) -> Figure {
        let biasSeries = stats.enumerated().map { k, s -> Series in
            let x = (0..<s.nodes).map { Double($0) - s.meanDegree }
            let hw = s.bias.map { s.halfWidth($0, z: z) }
            return Series(title: "n = \(s.nodes)" + (s.method == .exact ? " (exact)" : ""), x: x, y: s.bias,
                          lower: s.method == .exact ? nil : zip(s.bias, hw).map { $0 - $1 },
                          upper: s.method == .exact ? nil : zip(s.bias, hw).map { $0 + $1 }, colour: k, withPoints: true)
        }
        let biasPanel = Panel(title: "bias of b_d = (-1)^c_A[d] (\(level) bands)", xLabel: "degree d - (n-1)p", yLabel: "E b_d",
                              series: biasSeries, references: [ReferenceLine(title: "+/- \(threshold)", y: threshold), ReferenceLine(title: "", y: -threshold)])
        let ns = summaries.map { Double($0.n) }
        let countPanel = Panel(title: "near-unbiased bits (|bias| < \(threshold))", xLabel: "n", yLabel: "number of bits", series: [
            Series(title: "point estimate", x: ns, y: summaries.map { Double($0.near) }, colour: 0, withPoints: true),
            Series(title: "whole interval inside", x: ns, y: summaries.map { Double($0.nearCI) }, dashed: true, colour: 1, withPoints: true),
        ])
        let withPairs = summaries.filter { $0.pair != nil }
        let pairPanel = Panel(title: "largest |E b_d b_e| among near-unbiased bits", xLabel: "n", yLabel: "max |E b_d b_e|", series: [
            Series(title: "estimate (band: 0 to simultaneous \(level) upper bound)", x: withPairs.map { Double($0.n) }, y: withPairs.map { $0.pair! },
                   lower: withPairs.map { _ in 0 }, upper: withPairs.map { $0.pairUpper! }, colour: 2, withPoints: true),
        ])
        return Figure(name: "er-parity", title: "Degree-count parity bits of G(n, \(p)) (Kiani et al., Theorem 3)", panels: [biasPanel, countPanel, pairPanel])
    }
}
