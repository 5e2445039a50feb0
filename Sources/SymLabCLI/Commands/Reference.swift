import ArgumentParser
import SymLabExperiments

extension SymLab {
    /// `symlab reference`: the spec reference, generated from the spec readers and the registries
    /// (docs/spec-reference.md is its output).
    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reference",
            abstract: "Print the spec reference (Markdown): every spec key with its default and range, and every class, model and scheme with its options.")

        func run() throws { Swift.print(SpecReference.markdown, terminator: "") }
    }
}
