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
                lower bound m(τ² − γ)/2, from given numbers or for a hard class over a range of sizes. \
                summary: every hard class's bound at the sizes the paper figures use.
                """,
            subcommands: [Orbits.self, Correlations.self, ERParity.self, Bounds.self, Summary.self])

        public init() {}
    }
}

/// Where the theory commands' tables and plots go: errors name the option and the path.
enum TheoryFiles {
    /// Prints a study's table, writes its CSV to `csvFile` (--csv) and, with `out` (--out), the table
    /// and CSV as STEM.txt and STEM.csv there with the plot drawn beside them (when there is one).
    static func publish(lines: [String], csv: String, csvFile: String?, out: String?, stem: String, figure: (() -> Figure)? = nil) throws {
        for line in lines { print(line) }
        if let csvFile {
            try write(csv, to: csvFile, option: "--csv")
            print("wrote \(csvFile)")
        }
        guard let out else { return }
        try makeDirectory(out)
        try write(lines.joined(separator: "\n") + "\n", to: out + "/\(stem).txt", option: "--out")
        try write(csv, to: out + "/\(stem).csv", option: "--out")
        if let figure { try draw(figure(), in: out) } else { print("wrote \(out)/\(stem).txt and \(stem).csv") }
    }

    static func makeDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw CommandFailure("could not create --out \(path): \((FileErrorText.describe(error, withPath: false) ?? "\(error)"))")
        }
    }

    static func write(_ text: String, to path: String, option: String) throws {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw CommandFailure("could not write \(option) \(path): \((FileErrorText.describe(error, withPath: false) ?? "\(error)"))")
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
