import Foundation
import SymLabExperiments
import SymLabTestSupport
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

    // MARK: - Files that must not be written into

    /// A closed database (no `-wal`) with one finished run of `points` curve points.
    func databaseWithCurves(points: Int = 20_000) throws -> String {
        let path = tempPath()
        do {
            let store = try ResultsStore(path: path)
            try store.enqueue(try plannedRuns())
            let run = try #require(try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)))
            try store.appendCurves(runID: run.id, (0..<points).map { CurvePoint(step: $0, split: "train", metric: "mse", value: 1 / Double($0 + 1)) },
                                   stepsCompleted: points)
            try store.finish(runID: run.id, status: .done, message: nil, metrics: ["test_mse": 0.5], stepsCompleted: points, divergedStep: nil, lastFiniteLoss: 0.5)
        }
        try StoreTampering.settle(path)
        return path
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Opening `path` for writing must fail with a StoreError whose message has `fragments`;
    /// the file must be left byte for byte as it was, with nothing beside it.
    func expectRefusedForWriting(_ path: String, _ fragments: [String]) throws {
        let before = try bytes(path)
        do {
            _ = try ResultsStore(path: path)
            Issue.record("\(path) was opened for writing")
        } catch let e as StoreError {
            for f in fragments + [path, "untouched"] { #expect(e.description.contains(f), "message lacks \"\(f)\": \(e)") }
        }
        #expect(try bytes(path) == before, "the refused file was modified")
        #expect(StoreTampering.sidecars(of: path).isEmpty, "left beside it: \(StoreTampering.sidecars(of: path))")
    }

    /// Row 7 of issue 24: 64 flipped bytes in the curves' pages. The store refuses to write
    /// (quick_check), leaves the file as it was, and a reader's error names the file.
    @Test func aDamagedDatabaseIsRefusedBeforeAnyWrite() throws {
        let path = try databaseWithCurves()
        try StoreTampering.flipBytes(inPagesOf: "curves", of: path)
        try expectRefusedForWriting(path, ["damaged", "quick_check"])
        // Readers open it (the damage is in the curves), and reading the damaged pages is a
        // StoreError naming the file, not a raw SQLite error.
        let reader = try ResultsStore(path: path, readOnly: true)
        let run = try #require(try reader.runs().first)
        do {
            _ = try reader.curves(runID: run.id)
            Issue.record("reading damaged curve pages succeeded")
        } catch let e as StoreError {
            #expect(e.description.contains(path) && e.description.contains("not a sound SQLite database"), "\(e)")
        }
    }

    /// Row 8: a database migrated by a newer symlab is refused, for writing and for reading.
    @Test func aDatabaseOfANewerSymlabIsRefused() throws {
        let path = try databaseWithCurves(points: 10)
        try StoreTampering.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v2-curves-by-epoch')", on: path)
        try expectRefusedForWriting(path, ["written by a newer symlab", "v2-curves-by-epoch", "this build knows v1"])
        #expect(throws: StoreError.self) { try ResultsStore(path: path, readOnly: true) }
    }

    /// Row 8: a renamed column is named at opening; a value of the wrong type is named when read.
    /// Neither stops the process (GRDB's row subscript would).
    @Test func aRenamedColumnOrAWrongValueIsAClearError() throws {
        let renamed = try databaseWithCurves(points: 10)
        try StoreTampering.execute("ALTER TABLE runs RENAME COLUMN attempts TO attempt_count", on: renamed)
        try expectRefusedForWriting(renamed, ["table 'runs' has no column 'attempts'"])
        do { _ = try ResultsStore(path: renamed, readOnly: true); Issue.record("a renamed column was accepted for reading") } catch let e as StoreError {
            #expect(e.description.contains("'attempts'") && e.description.contains(renamed), "\(e)")
        }

        let wrong = try databaseWithCurves(points: 10)
        try StoreTampering.execute("UPDATE runs SET seed = 'seven' WHERE seed = 1", on: wrong)
        try StoreTampering.execute("UPDATE curves SET step = 'late'", on: wrong)
        let store = try ResultsStore(path: wrong, readOnly: true)
        do { _ = try store.runs(); Issue.record("a text seed was read as a number") } catch let e as StoreError {
            #expect(e.description.contains("table 'runs', column 'seed'") && e.description.contains("seven") && e.description.contains(wrong), "\(e)")
        }
        let done = try #require(try store.run(id: try plannedRuns()[0].id))
        do { _ = try store.curves(runID: done.id); Issue.record("a text step was read as a number") } catch let e as StoreError {
            #expect(e.description.contains("table 'curves', column 'step'") && e.description.contains("late"), "\(e)")
        }
    }

    /// Rows 11 and 16: readers refuse a path that does not exist and create nothing; a path that
    /// is not a regular file is refused for reading and writing, before SQLite opens it.
    @Test(.timeLimit(.minutes(5))) func pathsThatAreNotResultsFilesAreRefused() throws {
        let dir = (tempPath() as NSString).deletingLastPathComponent
        let typo = dir + "/gird/results.sqlite"
        do { _ = try ResultsStore(path: typo, readOnly: true); Issue.record("a missing database was opened for reading") } catch let e as StoreError {
            #expect(e.description.contains(typo) && e.description.contains("does not exist"), "\(e)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/gird"))

        try FileManager.default.createDirectory(atPath: dir + "/a-directory", withIntermediateDirectories: true)
        #expect(mkfifo(dir + "/fifo", 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/a-directory")
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: dir + "/nothing/here.sqlite")
        let journalBefore = FileManager.default.fileExists(atPath: "/dev/null-journal")
        let cases = [("/dev/null", "a character device"), (dir + "/a-directory", "a directory"), (dir + "/fifo", "a FIFO"),
                     (dir + "/link", "a directory"), (dir + "/dangling", "a symbolic link to nothing")]
        for (path, what) in cases {
            for readOnly in [false, true] {
                do { _ = try ResultsStore(path: path, readOnly: readOnly); Issue.record("\(path) was opened") } catch let e as StoreError {
                    #expect(e.description.contains(path) && e.description.contains(what) && e.description.contains("expected a results database file"), "\(e)")
                }
            }
        }
        #expect(FileManager.default.fileExists(atPath: "/dev/null-journal") == journalBefore)
        #expect(!FileManager.default.fileExists(atPath: dir + "/nothing"))
    }
}
