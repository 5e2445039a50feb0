import Foundation
import SymLabExperiments
import SymLabTestSupport
import SymLabTraining
import Testing

/// Results databases as strangers share them (issue 24, rows 7, 8, 9, 11, 16), through the
/// `symlab` executable: a damaged file, one from a newer symlab, a renamed column, a truncated
/// Slurm shard, a typo in `--db`, `/dev/null` and a directory. Each is refused or skipped with a
/// message naming the file, with a failing exit status, and is left byte for byte as it was.
@Suite(.serialized) struct DamagedStoreTests {
    /// A results database written by `symlab run` (2 runs with a curve point per step, so that the
    /// curves span many pages), closed, with no `-wal` beside it.
    static func recorded() throws -> (dir: String, spec: String, db: String) {
        let dir = SweepResumeTests.tempDir()
        let spec = try FaultTests.write(SweepResumeTests.spec, in: dir), db = dir + "/results.sqlite"
        let r = try FaultTests.symlab(["run", spec, "seeds=0..1", "training.steps=1000", "training.eval_every=1", "--db", db])
        try #require(r.status == 0, "symlab run failed: \(r.stderr)")
        try StoreTampering.settle(db)
        return (dir, spec, db)
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Runs `symlab args`, expecting exit status 1 (a clear error, not a crash) and a message
    /// that names `path` and has every fragment.
    static func expectRefusal(_ args: [String], naming path: String, _ fragments: [String]) throws {
        let r = try FaultTests.symlab(args)
        #expect(r.status == 1, "symlab \(args.joined(separator: " ")) exited \(r.status): \(r.stderr)")
        for f in [path] + fragments { #expect(r.stderr.contains(f), "symlab \(args.joined(separator: " ")): message lacks \"\(f)\": \(r.stderr)") }
    }

    /// Row 7: `sweep run` into a file with 64 flipped bytes in its curve pages stops before
    /// writing; a reader that reaches those pages names the file.
    @Test func aDamagedDatabaseIsNotWrittenInto() throws {
        let (dir, spec, db) = try Self.recorded()
        try StoreTampering.flipBytes(inPagesOf: "curves", of: db)
        let before = try Self.bytes(db)
        try Self.expectRefusal(["sweep", "run", spec, "seeds=0..3", "--db", db, "--workers", "1"], naming: db,
                               ["damaged", "quick_check", "Nothing was written", "untouched"])
        #expect(try Self.bytes(db) == before, "the damaged file was written into")
        #expect(StoreTampering.sidecars(of: db).isEmpty, "left beside it: \(StoreTampering.sidecars(of: db))")
        try Self.expectRefusal(["runs", "export", "--db", db, "--csv", dir + "/csv"], naming: db, ["not a sound SQLite database"])
        #expect(try Self.bytes(db) == before)
    }

    /// Row 8: a newer symlab's migration, or a renamed column, is refused by writers and readers
    /// alike before anything is written; no command stops on a fatal error.
    @Test func aNewerOrForeignSchemaIsRefusedWithoutACrash() throws {
        let (dir, spec, db) = try Self.recorded()
        let newer = dir + "/newer.sqlite", renamed = dir + "/renamed.sqlite"
        try FileManager.default.copyItem(atPath: db, toPath: newer)
        try FileManager.default.copyItem(atPath: db, toPath: renamed)
        try StoreTampering.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v2-curves-by-epoch')", on: newer)
        try StoreTampering.execute("ALTER TABLE runs RENAME COLUMN attempts TO attempt_count", on: renamed)
        for (path, fragments) in [(newer, ["written by a newer symlab: migrations v2-curves-by-epoch; this build knows v1"]),
                                  (renamed, ["table 'runs' has no column 'attempts'"])] {
            let before = try Self.bytes(path)
            try Self.expectRefusal(["sweep", "run", spec, "seeds=0..3", "--db", path, "--workers", "1"], naming: path, fragments + ["untouched"])
            try Self.expectRefusal(["runs", "list", "--db", path], naming: path, fragments)
            try Self.expectRefusal(["report", path, "--out", dir + "/report"], naming: path, fragments)
            #expect(try Self.bytes(path) == before, "\(path) was modified")
        }
    }

    /// Row 9: one truncated shard among good ones. `sweep merge` merges the others (the shard
    /// after it too); merge, status and retry name it and exit non-zero.
    @Test func aTruncatedShardIsSkippedAndNamed() throws {
        let sweep = SlurmSweep(directory: SweepResumeTests.tempDir() + "/sweep")
        let spec = try ExperimentSpec.parse(yaml: SweepResumeTests.spec, file: "spec.yaml", overrides: ["seeds=0..2"])
        let ids = try sweep.addToPlan(spec)
        // Submitted to a stand-in for Slurm: only the files are needed.
        let slurm = SlurmClient { args in
            args[0] == "scontrol" ? .init(status: 0, stdout: "MaxArraySize            = 1001\n", stderr: "")
                : .init(status: 0, stdout: "4242\n", stderr: "")
        }
        _ = try sweep.submit(runIDs: ids, options: SlurmOptions(), client: slurm, launcher: .symlab(executable: SweepResumeTests.executable))
        for (t, run) in spec.runs.enumerated() {
            let shard = try ResultsStore(path: sweep.shardPath(submission: 0, task: t), shard: true)
            try shard.enqueue([run])
            let claimed = try #require(try shard.claimNext(environment: RunEnvironment.current(blasThreads: 1)))
            try shard.appendCurves(runID: claimed.id, (0..<3000).map { CurvePoint(step: $0, split: "train", metric: "mse", value: Double($0)) },
                                   stepsCompleted: 3000)
            try shard.finish(runID: claimed.id, status: .done, message: nil, metrics: ["test_mse": 1], stepsCompleted: 3000, divergedStep: nil, lastFiniteLoss: 1)
        }
        let bad = sweep.shardPath(submission: 0, task: 1)
        try StoreTampering.truncate(bad, to: 0.5)
        let badBytes = try Self.bytes(bad)

        try Self.expectRefusal(["sweep", "merge", "--dir", sweep.directory], naming: bad, ["merged 2 shard(s); skipped 1 damaged: \(bad) ("])
        let merged = try ResultsStore(path: sweep.databasePath, readOnly: true).runs().map(\.id)
        #expect(merged.sorted() == [ids[0], ids[2]].sorted(), "the shards around the bad one were not merged")
        try Self.expectRefusal(["sweep", "status", "--dir", sweep.directory], naming: bad, ["skipped 1 damaged"])
        // Its run merged before the damage: nothing is missing, and retry still names the shard.
        let main = try ResultsStore(path: sweep.databasePath)
        try main.enqueue([spec.runs[1]])
        let claimed = try #require(try main.claimNext(among: [ids[1]], environment: RunEnvironment.current(blasThreads: 1)))
        try main.finish(runID: claimed.id, status: .done, message: nil, metrics: [:], stepsCompleted: 1, divergedStep: nil, lastFiniteLoss: 1)
        try Self.expectRefusal(["sweep", "retry", "--dir", sweep.directory, "--missing"], naming: bad, ["skipped 1 damaged"])
        #expect(try Self.bytes(bad) == badBytes)
    }

    /// Row 11: reader commands refuse a path that does not exist and create nothing; they open
    /// the file read-only, so a shard (rollback journal) is left byte for byte as it was (a
    /// read-write open would switch it to WAL).
    @Test func readersCreateNothingAndOpenReadOnly() throws {
        let dir = SweepResumeTests.tempDir()
        let typo = dir + "/results/gird/results.sqlite"
        for args in [["runs", "list", "--db", typo], ["runs", "show", "--db", typo, "some-run"], ["runs", "export", "--db", typo, "--csv", dir + "/csv"],
                     ["sweep", "status", "--db", typo], ["report", typo, "--out", dir + "/report"]] {
            try Self.expectRefusal(args, naming: typo, ["does not exist", "nothing was created"])
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/results"))

        let shardPath = dir + "/shard.sqlite"
        do {
            let shard = try ResultsStore(path: shardPath, shard: true)
            try shard.enqueue(try ExperimentSpec.parse(yaml: SweepResumeTests.spec, file: "spec.yaml").runs)
        }
        let before = try Self.bytes(shardPath)
        for args in [["runs", "list", "--db", shardPath], ["sweep", "status", "--db", shardPath]] {
            let r = try FaultTests.symlab(args)
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(try Self.bytes(shardPath) == before, "a reader modified the file")
        #expect(StoreTampering.sidecars(of: shardPath).isEmpty)
    }

    /// Row 16: `--db` must be a regular file or not exist yet; `/dev/null` and a directory are
    /// refused by writers and readers, and SQLite creates no `/dev/null-journal`.
    @Test func dbMustBeARegularFile() throws {
        let dir = SweepResumeTests.tempDir()
        let spec = try FaultTests.write(SweepResumeTests.spec.replacingOccurrences(of: "steps: 4000", with: "steps: 10"), in: dir)
        let journalBefore = FileManager.default.fileExists(atPath: "/dev/null-journal")
        for (db, what) in [("/dev/null", "is a character device"), (dir, "is a directory")] {
            for args in [["sweep", "run", spec, "--db", db, "--workers", "1"], ["run", spec, "--db", db], ["runs", "list", "--db", db]] {
                try Self.expectRefusal(args, naming: db, [what, "expected a results database file"])
            }
        }
        #expect(FileManager.default.fileExists(atPath: "/dev/null-journal") == journalBefore)
    }
}
