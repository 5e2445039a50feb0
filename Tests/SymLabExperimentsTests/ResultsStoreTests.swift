import Foundation
import SymLabExperiments
import SymLabTraining
import Testing

@Suite struct ResultsStoreTests {
    func tempPath() -> String {
        NSTemporaryDirectory() + "symlab-store-\(UUID().uuidString)/results.sqlite"
    }

    func plannedRuns() throws -> [PlannedRun] {
        try ExperimentSpec.parse(yaml: SpecTests.base, file: "demo.yaml", overrides: ["seeds=0..2"]).runs
    }

    /// A file that is not a database is refused with an error naming it, and left byte for byte as it was.
    @Test func aFileThatIsNotADatabaseIsNamedAndLeftAlone() throws {
        let path = tempPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let junk = Data(String(repeating: "not a database, a user's notes\n", count: 200).utf8)
        try junk.write(to: URL(fileURLWithPath: path))
        do {
            _ = try ResultsStore(path: path)
            Issue.record("opening a text file as a results database succeeded")
        } catch let error as StoreError {
            #expect(error.description.contains(path) && error.description.contains("not a sound SQLite database"), "\(error)")
            #expect(!error.isDiskFull)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == junk)
    }

    @Test func roundTrip() throws {
        let store = try ResultsStore(path: tempPath())
        let runs = try plannedRuns()
        #expect(try store.enqueue(runs) == 3)
        #expect(try store.enqueue(runs) == 0)        // idempotent
        let env = RunEnvironment.current(blasThreads: 1)
        let claimed = try #require(try store.claimNext(environment: env))
        #expect(claimed.status == .running && claimed.seed == 0 && claimed.attempts == 1)
        #expect(claimed.host == env.host && claimed.blasThreads == 1 && claimed.rng == env.rng)
        let points = [CurvePoint(step: 0, split: "train", metric: "mse", value: 1.5),
                      CurvePoint(step: 10, split: "test", metric: "mse", value: 0.25)]
        try store.appendCurves(runID: claimed.id, points, stepsCompleted: 10)
        try store.finish(runID: claimed.id, status: .done, message: nil, metrics: ["test_mse": 0.25, "bad": .nan],
                         stepsCompleted: 10, divergedStep: nil, lastFiniteLoss: 0.3)
        let back = try #require(try store.run(id: claimed.id))
        #expect(back.status == .done && back.stepsCompleted == 10 && back.lastFiniteLoss == 0.3)
        #expect(try store.curves(runID: claimed.id) == points)
        let m = try store.metrics(runID: claimed.id)
        #expect(m["test_mse"] == 0.25 && m["bad"]!.isNaN)
        #expect(try RunConfig(tree: SpecValue.fromJSON(back.configJSON), file: "db") == runs[0].config)
        #expect(try store.statusCounts() == [.done: 1, .queued: 2])
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func staleRunsAreRecoveredAndRetriesKeepTheSeed() throws {
        let store = try ResultsStore(path: tempPath())
        try store.enqueue(try plannedRuns())
        var env = RunEnvironment.current(blasThreads: 1)
        env.pid = 999_999_999 % 4_000_000 + 3_000_000   // a pid that does not exist
        let r = try #require(try store.claimNext(environment: env))
        try store.appendCurves(runID: r.id, [CurvePoint(step: 0, split: "train", metric: "mse", value: 1)], stepsCompleted: 0)
        #expect(try store.recoverStaleRuns() == [r.id])
        #expect(try store.run(id: r.id)?.status == .interrupted)
        #expect(try store.curves(runID: r.id).isEmpty)
        let again = try #require(try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)))
        #expect(again.id == r.id && again.seed == r.seed && again.attempts == 2)
        try store.finish(runID: again.id, status: .failed, message: "boom", metrics: [:], stepsCompleted: nil, divergedStep: nil, lastFiniteLoss: nil)
        #expect(try store.requeue(statuses: [.failed]) == 1)
        #expect(try store.run(id: r.id)?.status == .queued)
    }
}
