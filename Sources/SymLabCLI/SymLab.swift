import ArgumentParser
import SymLabNumerics

/// The `symlab` command: configuration only; each subcommand is its own type.
public struct SymLab: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "symlab",
        abstract: "SymmetryLab: test learning-theory claims about (equivariant) neural networks trained by gradient descent.",
        discussion: """
            Build the function classes of the reference papers, train networks on them with real \
            gradient methods, measure learnability, and reproduce the papers' figures.
            """,
        version: "symlab \(version) (\(RandomStream.algorithm); BLAS: \(BLAS.info))",
        subcommands: [Figure.self, Report.self, Run.self, Sweep.self, Runs.self, Data.self, Model.self, Kernel.self, Theory.self, Reference.self, Bench.self, Fuzz.self])

    public init() {}
}
