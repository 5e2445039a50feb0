import ArgumentParser
import SymLabTheory

extension SymLab.Theory {
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
        @Option(parsing: .unconditional, help: "n: the dimension (parity) or the number of nodes (er-parity).") public var n: Int
        @Option(parsing: .unconditional, help: "|S|, the number of coordinates (or degree counts) in each parity.") public var order: Int = 3
        @Option(parsing: .unconditional, help: "Measure at most this many members of the family (2 or more).") public var functions: Int = 64
        @Option(help: "auto (exact where cheap, and Monte Carlo), exact, monte-carlo or both.") public var method: Method = .auto
        @Option(parsing: .unconditional, help: "Monte Carlo samples.") public var samples: Int = 20_000
        @Option(parsing: .unconditional, help: "Confidence level of the intervals, in (0, 1).") public var confidence: Double = 0.95
        @Option(parsing: .unconditional, help: "τ: the query tolerance for the bound m(τ² − γ)/2, in (0, 1].") public var tau: Double = 0.05
        @Option(parsing: .unconditional, help: "er-parity: the edge probability p.") public var p: Double = 0.5
        @Option(parsing: .unconditional, help: "er-parity: central degrees lie within this many standard deviations of the mean degree.") public var window: Double = 0.8
        @Option(parsing: .unconditional, help: "Seed for the drawn members and the Monte Carlo samples.") public var seed: UInt64 = 0
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
}
