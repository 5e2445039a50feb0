import Foundation
import Testing

/// `runs list` with the swept values as columns, formats and sort, `runs diff`, and the database
/// taken from a spec (issue 28, item 10).
@Suite struct RunsCommandTests {
    @Test func listShowsSweptValuesSortsAndWritesCSVAndJSONAndDiffNamesTheDifferences() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sparseParityMLPSpec("runs-cmd", train: 32, val: 8, test: 32, width: 8, steps: 4, evalEvery: 2, seeds: "[0, 1]", sweepWidths: [4, 8])
            .write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        #expect(try HostileInputTests.run(["run", "spec.yaml"], in: dir).status == 0)
        // The database the spec's run wrote, found from the spec.
        let csv = try HostileInputTests.run(["runs", "list", "--spec", "spec.yaml", "--format", "csv", "--sort", "model.options.width"], in: dir)
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "id,experiment,seed,status,steps,model.options.width,test_mse,test_mse_normalized", "\(csv.stdout)")
        #expect(lines.count == 5 && lines.dropFirst().map { $0.split(separator: ",")[5] } == ["4", "4", "8", "8"], "\(csv.stdout)")
        let json = try HostileInputTests.run(["runs", "list", "--spec", "spec.yaml", "--format", "json"], in: dir)
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]]
        #expect(rows?.count == 4 && rows?.allSatisfy { $0["status"] == "done" && $0["test_mse_normalized"]?.isEmpty == false && $0["test_error"] == nil } == true, "\(json.stdout)")
        let bad = try HostileInputTests.run(["runs", "list", "--spec", "spec.yaml", "--sort", "test_mse_normalised"], in: dir)
        #expect(bad.status != 0 && bad.stderr.contains("did you mean 'test_mse_normalized'"), "\(bad.stderr)")
        // Two runs of different points and seeds: exactly those keys differ.
        let ids = (rows ?? []).sorted { ($0["model.options.width"]!, $0["seed"]!) < ($1["model.options.width"]!, $1["seed"]!) }.map { $0["id"]! }
        let diff = try HostileInputTests.run(["runs", "diff", "--spec", "spec.yaml", ids[0], ids[3]], in: dir)
        #expect(diff.status == 0, "\(diff.stderr)")
        let differing = diff.stdout.split(separator: "\n").dropFirst().filter { !$0.hasPrefix("metric.") && !$0.hasPrefix("(") }.map { $0.split(separator: " ")[0] }
        #expect(differing == ["model.options.width", "seed"], "\(diff.stdout)")
        #expect(diff.stdout.contains("metric.test_mse "))
    }
}
