import ArgumentParser
import SymLabCLI
import SymLabFunctionClasses
import SymLabModels
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

    /// A negative number is an option's value, not a missing one (issue 28, item 11): the error
    /// is about the value's range, naming the option.
    @Test func negativeNumbersAreValuesNotMissingOnes() throws {
        for (args, expected) in [(["theory", "bounds", "--class", "er-parity", "--sizes", "8", "--tau", "-0.5"], "--tau must be in (0, 1], got -0.5"),
                                 (["theory", "correlations", "--n", "-3"], "--n must be ≥ 1, got -3"),
                                 (["data", "describe", "parity", "--samples", "-3"], "--samples must be positive, got -3")] {
            do {
                var command = try SymLab.parseAsRoot(args)
                try command.run()
                Issue.record("expected an error for \(args)")
            } catch {
                let message = SymLab.message(for: error)
                #expect(message.contains(expected), "\(args): \(message)")
            }
        }
    }

    /// Help is short; the class catalogue is behind `symlab data list` (issue 28, item 11), and
    /// `kernel fit` takes `--option` like `data` does (item 8).
    @Test func helpIsShortAndTheCatalogueIsBehindDataList() throws {
        for help in [SymLab.Data.helpMessage(), SymLab.Data.Describe.helpMessage(), SymLab.Data.Export.helpMessage()] {
            #expect(help.split(separator: "\n").count <= 40, "\(help)")
            #expect(help.contains("symlab data list"))
        }
        let one = try SymLab.parseAsRoot(["data", "list", "er-parity"])
        #expect(one is SymLab.Data.List)
        #expect(throws: (any Error).self) { var c = try SymLab.parseAsRoot(["data", "list", "erparity"]); try c.run() }
        #expect(FunctionClassRegistry.helpText(for: "er-parity").contains("n=16"))
        #expect(!FunctionClassRegistry.helpText(for: "er-parity").contains("sparse-parity"))
        #expect(SymLab.Model.helpMessage().split(separator: "\n").count <= 40)
        #expect(try SymLab.parseAsRoot(["model", "list", "gnn"]) is SymLab.Model.List)
        #expect(ModelRegistry.helpText(for: "gnn").contains("width=") && !ModelRegistry.helpText(for: "gnn").contains("cnn-minimal"))
        _ = try SymLab.parseAsRoot(["kernel", "fit", "sparse-parity", "--option", "n=8", "--kernel", "rbf", "--n-train", "20", "--n-test", "20"])
    }
}
