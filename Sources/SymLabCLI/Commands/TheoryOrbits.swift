import ArgumentParser
import SymLabReport
import SymLabTheory

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
        @Option(parsing: .unconditional, help: "Largest n.") public var nMax: Int
        @Option(parsing: .unconditional, help: "Smallest n.") public var nMin: Int = 1
        @Option(parsing: .unconditional, help: "Brute-force cross-check when the group permutes at most this many coordinates (≤ 26).")
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
            try TheoryFiles.publish(lines: study.lines, csv: study.csv, csvFile: csv, out: out, stem: "orbits") { TheoryFigures.orbits(study) }
            if study.hasMismatch {
                print("error: brute force disagrees with the formulas (rows marked MISMATCH)")
                throw ExitCode.failure
            }
        }
    }
}
