import ArgumentParser
import Foundation
import SymLabNumerics
import SymLabReport
import SymLabTheory

extension SymLab {
    /// `symlab theory …`: the quantities the hardness theorems are stated in, computed exactly.
    /// Each subcommand reads its options and runs one study of SymLabTheory; the studies print
    /// and write what they computed, and SymLabReport draws it.
    public struct Theory: ParsableCommand {
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
            subcommands: [Orbits.self, Correlations.self, ERParity.self, Bounds.self])

        public init() {}
    }
}

extension SymLab.Theory {
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
            let study = try OrbitStudy(families: group.members.map(\.family), n: nMin...nMax, bruteForceMaxBits: bruteForceMaxBits)
            for line in study.lines { print(line) }
            if let csv {
                try TheoryFiles.write(study.csv, to: csv, option: "--csv")
                print("wrote \(csv)")
            }
            if let out {
                try TheoryFiles.makeDirectory(out)
                try TheoryFiles.write(study.lines.joined(separator: "\n") + "\n", to: out + "/orbits.txt", option: "--out")
                try TheoryFiles.write(study.csv, to: out + "/orbits.csv", option: "--out")
                try TheoryFiles.draw(TheoryFigures.orbits(study), in: out)
            }
            if study.hasMismatch {
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
                print("bound: at least \(NumberFormat.scientific(b.queries)) queries of tolerance \(tau) (log2 = \(NumberFormat.fixed(b.log2Queries, 2)))")
            }
        }
    }

    /// `symlab theory correlations`: the correlation matrix of a function family, its γ and the bound.
    public struct Correlations: ParsableCommand {
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

        public typealias Family = CorrelationStudy.Family
        public typealias Method = CorrelationStudy.Method

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
            let study: CorrelationStudy
            do {
                study = try CorrelationStudy(.init(family: family, n: n, order: order, functions: functions, method: method, samples: samples,
                                                   confidence: confidence, tau: tau, p: p, window: window, seed: seed))
            } catch let TheoryError.invalidArgument(message) { throw CommandFailure(message) }
            for line in study.lines { print(line) }
            if let matrix {
                try TheoryFiles.write(study.matrixCSV, to: matrix, option: "--matrix")
                print("wrote \(matrix) (\(study.exact != nil ? "exact" : "Monte Carlo estimate"))")
            }
        }
    }

    /// `symlab theory er-parity`: the premise of Kiani et al. Theorem 3, measured on a grid of n.
    public struct ERParity: ParsableCommand {
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
            let study = try ERParityStudy(.init(nodes: grid, p: p, samples: samples, threshold: threshold, confidence: confidence,
                                                window: window, exactMaxNodes: exactMaxN, seed: seed, allDegrees: allDegrees))
            for line in study.lines { print(line) }
            if let out {
                try TheoryFiles.makeDirectory(out)
                try TheoryFiles.write(study.lines.joined(separator: "\n") + "\n", to: out + "/er-parity.txt", option: "--out")
                try TheoryFiles.write(study.bitsCSV, to: out + "/er-parity-bits.csv", option: "--out")
                try TheoryFiles.write(study.summaryCSV, to: out + "/er-parity-summary.csv", option: "--out")
                try TheoryFiles.draw(TheoryFigures.erParity(study), in: out)
            }
        }
    }
}

/// Where the theory commands' tables and plots go: errors name the option and the path.
enum TheoryFiles {
    static func makeDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw CommandFailure("could not create --out \(path): \(error.localizedDescription)")
        }
    }

    static func write(_ text: String, to path: String, option: String) throws {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw CommandFailure("could not write \(option) \(path): \(error.localizedDescription)")
        }
    }

    /// Renders with gnuplot; the tables are written before, so a missing gnuplot loses nothing.
    static func draw(_ figure: Figure, in directory: String) throws {
        do {
            let output = try Gnuplot.render(figure, in: directory)
            print("plot: \(output.png) (and .svg); data: \(output.csv); gnuplot script: \(output.script)")
        } catch {
            throw CommandFailure("could not draw the plot: \(error) (the tables are in \(directory))")
        }
    }
}

extension CorrelationStudy.Family: ExpressibleByArgument {}
extension CorrelationStudy.Method: ExpressibleByArgument {}
