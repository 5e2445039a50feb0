import ArgumentParser
import SymLabCLI
import Testing

@Suite struct CommandLineTests {
    @Test func helpListsSubcommands() {
        let help = SymLab.helpMessage()
        #expect(help.contains("bench"))
        #expect(help.contains("SymmetryLab"))
    }

    @Test func versionIsReported() {
        #expect(SymLab.configuration.version.contains(SymLab.version))
    }

    @Test func badBenchArgumentsAreRejectedWithAMessage() {
        #expect(throws: (any Error).self) { try SymLab.parseAsRoot(["bench", "core", "--threads", "0"]) }
        do {
            _ = try SymLab.parseAsRoot(["bench", "core", "--sizes", "64,abc"])
            Issue.record("expected a validation error")
        } catch {
            #expect(SymLab.message(for: error).contains("--sizes"))
        }
    }
}
