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
            print("m = \(m), γ = \(gamma), τ = \(tau), τ² − γ = \(NumberFormat.significantAsPrintf(QueryBounds.margin(tau: tau, gamma: gamma), 4))")
            if b.isVacuous {
                print("bound: vacuous (τ² = \(NumberFormat.significantAsPrintf(tau * tau, 4)) ≤ γ = \(gamma), up to rounding); the argument needs τ² > γ")
            } else {
                print("bound: at least \(NumberFormat.scientific(b.queries)) queries of tolerance \(tau) (log2 = \(NumberFormat.fixed(b.log2Queries, 2)))")
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
