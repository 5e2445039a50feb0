import ArgumentParser
import Foundation
import SymLabTheory

/// `symlab theory …`: the quantities the hardness theorems are stated in, computed exactly.
public struct TheoryCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "theory",
        abstract: "Exact orbit counts, ‖p_O‖ and (C)SQ query lower bounds.",
        discussion: """
            orbits: Burnside counts of the orbits of C_n, D_n, S_n and S_n-on-edges on {−1,+1}^d, \
            with ‖p_O‖ and a brute-force cross-check for small d. bounds: the statistical-dimension \
            lower bound m(τ² − γ)/2.
            """,
        // The lead adds `correlations` and `er-parity` (and plots) here.
        subcommands: [Orbits.self, Bounds.self])

    public init() {}
}

extension TheoryCommand {
    /// The named families the table covers (user groups need generators: use the library).
    public enum GroupChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
        case cyclic, dihedral, symmetric, graphs

        var family: GroupAction.Family {
            switch self {
            case .cyclic: return .cyclic
            case .dihedral: return .dihedral
            case .symmetric: return .symmetric
            case .graphs: return .graphs
            }
        }
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

        @Option(help: "The group: cyclic (C_n), dihedral (D_n), symmetric (S_n), graphs (S_n on graph edges).")
        public var group: GroupChoice
        @Option(help: "Largest n.") public var nMax: Int
        @Option(help: "Smallest n.") public var nMin: Int = 1
        @Option(help: "Brute-force cross-check when the group permutes at most this many coordinates (≤ 26).")
        public var bruteForceMaxBits: Int = 21
        @Option(help: "Also write the table as CSV to this file (exact integers and fractions).")
        public var csv: String?

        public init() {}

        public func validate() throws {
            guard nMin >= 1 else { throw ValidationError("--n-min must be ≥ 1, got \(nMin)") }
            guard nMax >= nMin else { throw ValidationError("--n-max must be ≥ --n-min (\(nMin)), got \(nMax)") }
            guard (0...26).contains(bruteForceMaxBits) else {
                throw ValidationError("--brute-force-max-bits must be in 0...26 (2^26 points), got \(bruteForceMaxBits)")
            }
            let limit = group == .graphs ? GroupAction.maxPartitionN : 20_000
            guard nMax <= limit else {
                throw ValidationError(group == .graphs
                    ? "graphs are counted over the partitions of n; --n-max ≤ \(limit) is supported, got \(nMax)"
                    : "--n-max ≤ \(limit) is supported for \(group.rawValue), got \(nMax)")
            }
        }

        public func run() throws {
            let rows = try (nMin...nMax).map { n in
                try OrbitSummary(try GroupAction.family(group.family, n: n), bruteForceMaxDegree: bruteForceMaxBits)
            }
            print(TheoryTable.orbitsHeader(group))
            for row in rows { print(TheoryTable.orbitsLine(row)) }
            if let csv {
                let text = TheoryTable.orbitsCSV(group, rows)
                do { try text.write(toFile: csv, atomically: true, encoding: .utf8) } catch {
                    throw TheoryCommandError("could not write --csv \(csv): \(error.localizedDescription)")
                }
                print("wrote \(csv)")
            }
            if rows.contains(where: { $0.bruteForceAgrees == false }) {
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
            print("m = \(m), γ = \(gamma), τ = \(tau), τ² − γ = \(String(format: "%.4g", tau * tau - gamma))")
            if b.isVacuous {
                print("bound: vacuous (τ² = \(String(format: "%.4g", tau * tau)) ≤ γ = \(gamma)); the argument needs τ² > γ")
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
        let bits = r.log2InverseOrbitNormSquared.map { fixed($0, 4) } ?? "—"
        return cell("\(r.n)", 5) + cell("\(r.pointCount)", 7) + cell(abbreviated(r.order), 24)
            + cell(abbreviated(r.orbitCount), 26) + cell(norm, 12) + cell(bits, 16) + "  " + brute
    }

    static func orbitsCSV(_ group: TheoryCommand.GroupChoice, _ rows: [OrbitSummary]) -> String {
        var text = "group,n,points,order,orbits,norm_p_O,log2_inv_norm_sq,norm_sq_exact,brute_force_orbits,brute_force_agrees\n"
        for r in rows {
            let fields: [String] = [
                group.rawValue, "\(r.n)", "\(r.pointCount)", "\(r.order)", "\(r.orbitCount)",
                r.orbitNormSquared.map { "\($0.doubleValue.squareRoot())" } ?? "",
                r.log2InverseOrbitNormSquared.map { "\($0)" } ?? "",
                r.orbitNormSquared?.description ?? "",
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

    private static func cell(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : String(repeating: " ", count: width - s.count) + s + " "
    }
}
