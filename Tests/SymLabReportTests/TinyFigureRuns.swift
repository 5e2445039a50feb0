import Foundation
import SymLabExperiments
import SymLabReport

extension PaperFigure {
    /// Runs `specs` (YAML texts, the figure's experiments at toy sizes) in process into a fresh
    /// store and builds the figure from it: how the figure tests check a summary against real runs.
    func buildFromTinySpecs(_ specs: [String]) throws -> (figure: Figure, lines: [String]) {
        let dir = NSTemporaryDirectory() + "symlab-\(name)-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ResultsStore(path: dir + "/results.sqlite")
        let parsed = try specs.enumerated().map { try ExperimentSpec.parse(yaml: $1, file: "spec \($0)") }
        _ = try SweepRunner.run(parsed, store: store, workers: .inProcess, log: { _ in })
        let (figure, summary) = try build(store)
        return (figure, summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }
}
