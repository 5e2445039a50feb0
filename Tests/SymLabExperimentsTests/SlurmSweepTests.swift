import Foundation
import SymLabExperiments
import SymLabTestSupport
import SymLabTraining
import Testing

/// Slurm sweeps without a cluster: a fake `SlurmClient` records what would be submitted and
/// answers `squeue`; shards are written with the results store directly. The real cluster is
/// exercised by `SymLabCLITests/SlurmIntegrationTests`.
@Suite struct SlurmSweepTests {
    static func tempDir() -> String {
        NSTemporaryDirectory() + "symlab-slurm-\(UUID().uuidString)"
    }

    static func spec(seeds: String = "0..4") throws -> ExperimentSpec {
        try ExperimentSpec.parse(yaml: SpecTests.base, file: "demo.yaml", overrides: ["seeds=\(seeds)"])
    }

    /// A launcher whose Slurm task has `symlab`'s command line (the CLI's tests check that its
    /// own launcher gives these lines and that `symlab` parses them); these tests start no local worker.
    static func launcher(executable: String) -> WorkerLauncher {
        WorkerLauncher(executable: executable, localWorker: { _, _, _ in [] }, slurmTask: { directory, submission, task, threads in
            ([.plain("sweep"), .plain("worker"), .plain("--dir"), directory, .plain("--submission"), submission],
             [.plain("--task"), task, .plain("--threads"), threads])
        })
    }

    static let launcher = launcher(executable: "/opt/symlab")

    /// A stand-in for Slurm: MaxArraySize, the sbatch calls it received, the squeue answer.
    final class FakeSlurm: @unchecked Sendable {
        var maxArraySize = 1001
        var calls: [[String]] = []
        var nextJob = 100
        var squeue = ""
        var sbatchFails = false
        let lock = NSLock()

        var client: SlurmClient {
            SlurmClient { args in
                self.lock.lock(); defer { self.lock.unlock() }
                self.calls.append(args)
                switch args[0] {
                case "scontrol": return .init(status: 0, stdout: "AccountingStorageType   = accounting_storage/none\nMaxArraySize            = \(self.maxArraySize)\nMaxJobCount = 10000\n", stderr: "")
                case "sbatch":
                    if self.sbatchFails { return .init(status: 1, stdout: "", stderr: "sbatch: error: Batch job submission failed: Invalid partition name specified") }
                    self.nextJob += 1
                    return .init(status: 0, stdout: "\(self.nextJob)\n", stderr: "")
                case "squeue": return .init(status: 0, stdout: self.squeue, stderr: "")
                default: return .init(status: 127, stdout: "", stderr: "not found")
                }
            }
        }
    }

    @Test func squeueOutputIsReadAsTasksPerJob() {
        let parsed = SlurmClient.parseSqueue("12_3|RUNNING\n12_[5-7%2]|PENDING\n13|RUNNING\n14_[1,4-5]|PENDING\n\n")
        #expect(parsed == ["12": [3, 5, 6, 7], "13": [0], "14": [1, 4, 5]])
    }

    @Test func arraysLargerThanMaxArraySizeAreSplitWithOffsetsAndChained() throws {
        let sweep = SlurmSweep(directory: Self.tempDir())
        let ids = try sweep.addToPlan(try Self.spec(seeds: "0..9"))
        #expect(ids.count == 10)
        let slurm = FakeSlurm()
        slurm.maxArraySize = 3
        let sub = try sweep.submit(runIDs: ids, options: SlurmOptions(cpusPerTask: 2, arrayParallelism: 2, pointsPerTask: 2),
                                   client: slurm.client, launcher: Self.launcher)
        // 10 runs, 2 per task → 5 tasks → jobs of 3 and 2 tasks (indices below MaxArraySize).
        #expect(sub.tasks.count == 5 && sub.tasks.flatMap { $0 } == ids)
        #expect(sub.jobs == [.init(jobID: "101", offset: 0, count: 3), .init(jobID: "102", offset: 3, count: 2)])
        let sbatch = slurm.calls.filter { $0[0] == "sbatch" }
        #expect(sbatch.count == 2)
        #expect(sbatch[0].contains("--array=0-2%2") && sbatch[0].last == "0" && !sbatch[0].contains { $0.hasPrefix("--dependency") })
        #expect(sbatch[1].contains("--array=0-1%2") && sbatch[1].last == "3" && sbatch[1].contains("--dependency=afterany:101"))
        // The record on disk is the one returned, job ids included.
        let back = try sweep.submission(0)
        #expect(back.jobs == sub.jobs && back.tasks == sub.tasks && back.options.cpusPerTask == 2)
        let script = try String(contentsOfFile: sweep.scriptPath(0), encoding: .utf8)
        for line in ["#SBATCH --cpus-per-task=2", "#SBATCH --signal=B:USR1@60", "exec '/opt/symlab' sweep worker --dir '\(sweep.directory)' --submission 0",
                     "--task \"$((offset + SLURM_ARRAY_TASK_ID))\" --threads \"$threads\"", "export OPENBLAS_NUM_THREADS=\"$threads\""] {
            #expect(script.contains(line), "script lacks: \(line)")
        }
        #expect(!script.contains("--partition") && !script.contains("--mem"))
        // A second submission gets the next number.
        #expect(try sweep.submit(runIDs: [ids[0]], options: SlurmOptions(), client: slurm.client, launcher: Self.launcher).index == 1)
    }

    @Test func rejectedSubmissionsAndBadOptionsSayWhy() throws {
        let sweep = SlurmSweep(directory: Self.tempDir())
        let ids = try sweep.addToPlan(try Self.spec())
        let slurm = FakeSlurm()
        slurm.sbatchFails = true
        do {
            _ = try sweep.submit(runIDs: ids, options: SlurmOptions(partition: "nope"), client: slurm.client, launcher: Self.launcher)
            Issue.record("a rejected sbatch must throw")
        } catch let e as SlurmError {
            #expect(e.description.contains("Invalid partition name"))
        }
        for bad in [SlurmOptions(time: "1:00\n#SBATCH --x"), SlurmOptions(partition: "a b"), SlurmOptions(cpusPerTask: 0),
                    SlurmOptions(pointsPerTask: 0), SlurmOptions(arrayParallelism: 0)] {
            #expect(throws: SlurmError.self) { try bad.validate() }
        }
        #expect(throws: SlurmError.self) { try SlurmSweep(directory: Self.tempDir()).loadPlan() }
        // A path with a line break cannot go into the batch script's comment and #SBATCH lines.
        let broken = SlurmSweep(directory: Self.tempDir() + "/x\ntouch pwned #")
        let brokenIDs = try broken.addToPlan(try Self.spec())
        #expect(throws: SlurmError.self) { try broken.submit(runIDs: brokenIDs, options: SlurmOptions(), client: FakeSlurm().client, launcher: Self.launcher) }
        #expect(throws: SlurmError.self) { try sweep.submit(runIDs: ids, options: SlurmOptions(), client: FakeSlurm().client, launcher: Self.launcher(executable: "/opt/sym\rlab")) }
        // The plan belongs to one sweep.
        let other = try ExperimentSpec.parse(yaml: SpecTests.base, file: "demo.yaml", overrides: ["name=other"])
        #expect(throws: SlurmError.self) { try sweep.addToPlan(other) }
    }

    @Test func planGrowsByNewRunsOnly() throws {
        let sweep = SlurmSweep(directory: Self.tempDir())
        let first = try sweep.addToPlan(try Self.spec(seeds: "0..1"))
        let again = try sweep.addToPlan(try Self.spec(seeds: "0..1"))
        #expect(first == again)
        _ = try sweep.addToPlan(try Self.spec(seeds: "0..3"))
        let plan = try sweep.loadPlan()
        #expect(plan.runs.count == 4 && Array(plan.runs.prefix(2).map(\.id)) == first)
        #expect(try plan.runs[3].plannedRun() == (try Self.spec(seeds: "0..3")).runs[3])
    }

    /// Writes `status` for `run` into a shard as a worker would (claim, curves, finish).
    static func record(_ run: PlannedRun, _ status: RunStatus, in store: ResultsStore, value: Double) throws {
        try store.enqueue([run])
        let claimed = try #require(try store.claimNext(among: [run.id], environment: RunEnvironment.current(blasThreads: 1)))
        try store.appendCurves(runID: claimed.id, [CurvePoint(step: 0, split: "train", metric: "mse", value: value),
                                                   CurvePoint(step: 5, split: "test", metric: "mse", value: .nan)], stepsCompleted: 5)
        guard status != .running else { return }
        try store.finish(runID: claimed.id, status: status, message: status == .failed ? "boom" : nil,
                         metrics: ["test_mse": value, "odd": .infinity], stepsCompleted: 5, divergedStep: nil, lastFiniteLoss: value)
    }

    /// Every row of every table, as text (bit patterns for doubles), to compare databases.
    static func dump(_ store: ResultsStore) throws -> [String] {
        var out: [String] = []
        for r in try store.runs() {
            out.append("\(r.id) \(r.status) \(r.attempts) \(r.endedAt ?? "-") \(r.lastFiniteLoss?.bitPattern ?? 0)")
            out += try store.curves(runID: r.id).map { "\(r.id) \($0.step) \($0.split) \($0.metric) \($0.value.bitPattern)" }
            out += try store.metrics(runID: r.id).sorted { $0.key < $1.key }.map { "\(r.id) \($0.key) \($0.value.bitPattern)" }
        }
        return out
    }

    @Test func mergingIsIdempotentKeepsEachRunOnceAndUpgradesFailures() throws {
        let dir = Self.tempDir()
        let runs = try Self.spec(seeds: "0..3").runs
        let a = try ResultsStore(path: dir + "/a.sqlite", shard: true)
        let b = try ResultsStore(path: dir + "/b.sqlite", shard: true)
        try Self.record(runs[0], .done, in: a, value: 0.5)
        try Self.record(runs[1], .failed, in: a, value: 0.6)
        try Self.record(runs[2], .running, in: a, value: 0.7)      // killed mid-run: not a result
        try Self.record(runs[0], .done, in: b, value: 0.9)         // done twice: the first merged stays
        try Self.record(runs[1], .done, in: b, value: 0.1)         // the retry that fixed the failure
        try Self.record(runs[3], .diverged, in: b, value: 0.2)
        let main = try ResultsStore(path: dir + "/results.sqlite")
        #expect(try main.merge(shard: a.path) == MergeCounts(added: 2))
        #expect(try main.run(id: runs[1].id)?.status == .failed)
        #expect(try main.merge(shard: b.path) == MergeCounts(added: 1, replaced: 1, unchanged: 1))
        let once = try Self.dump(main)
        #expect(try main.merge(shard: a.path) == MergeCounts(unchanged: 2))
        #expect(try main.merge(shard: b.path) == MergeCounts(unchanged: 3))
        #expect(try Self.dump(main) == once)
        #expect(try main.merge(shard: dir + "/absent.sqlite") == MergeCounts())

        let merged = try main.runs()
        #expect(merged.map(\.id).sorted() == [runs[0].id, runs[1].id, runs[3].id].sorted())
        #expect(try main.metrics(runID: runs[0].id)["test_mse"] == 0.5)
        #expect(try main.metrics(runID: runs[1].id)["test_mse"] == 0.1 && main.run(id: runs[1].id)?.status == .done)
        // Copied as they were: NaN curve values and infinite metrics (stored as NULL) included.
        #expect(try main.curves(runID: runs[1].id).map(\.value.isNaN) == [false, true])
        #expect(try main.curves(runID: runs[1].id).count == 2)
        #expect(try main.metrics(runID: runs[3].id)["odd"]!.isNaN)
        #expect(try main.run(id: runs[3].id) == (try b.run(id: runs[3].id)))
    }

    @Test func statusCombinesShardsMergedResultsAndTheQueue() throws {
        let sweep = SlurmSweep(directory: Self.tempDir())
        let ids = try sweep.addToPlan(try Self.spec(seeds: "0..6"))
        let plan = try sweep.loadPlan().runs.map { try $0.plannedRun() }
        let slurm = FakeSlurm()
        // Task t of submission 0 holds run t; task 6 was never picked up by Slurm's queue.
        let sub = try sweep.submit(runIDs: ids, options: SlurmOptions(), client: slurm.client, launcher: Self.launcher)
        let job = sub.jobs[0].jobID
        func shard(_ t: Int) throws -> ResultsStore { try ResultsStore(path: sweep.shardPath(submission: 0, task: t), shard: true) }
        try Self.record(plan[0], .done, in: try shard(0), value: 1)
        try Self.record(plan[1], .failed, in: try shard(1), value: 1)
        try Self.record(plan[2], .running, in: try shard(2), value: 1)        // its task is running
        try Self.record(plan[3], .running, in: try shard(3), value: 1)        // its task was killed
        let s4 = try shard(4)
        try Self.record(plan[4], .running, in: s4, value: 1)
        try s4.interruptRunning(message: "stopped")                          // preempted
        try Self.record(plan[5], .diverged, in: try shard(5), value: 1)
        slurm.squeue = "\(job)_2|RUNNING\n\(job)_6|PENDING\n"
        let report = try sweep.status(client: slurm.client)
        #expect(report.ids([.done]) == [ids[0]] && report.ids([.failed]) == [ids[1]] && report.ids([.running]) == [ids[2]])
        #expect(report.ids([.missing]) == [ids[3]] && report.ids([.interrupted]) == [ids[4]] && report.ids([.diverged]) == [ids[5]])
        #expect(report.ids([.queued]) == [ids[6]] && report.activeTasks == 2 && report.note == nil)
        #expect(report.messages[ids[1]] == "boom")

        // The failed run resubmitted: queued while its new task waits, done once that task is.
        let retry = try sweep.submit(runIDs: [ids[1]], options: SlurmOptions(), client: slurm.client, launcher: Self.launcher)
        slurm.squeue = "\(retry.jobs[0].jobID)_0|PENDING\n"
        #expect(try sweep.status(client: slurm.client).states[ids[1]] == .queued)
        try Self.record(plan[1], .done, in: try ResultsStore(path: sweep.shardPath(submission: 1, task: 0), shard: true), value: 2)
        slurm.squeue = ""
        let after = try sweep.status(client: slurm.client)
        #expect(after.states[ids[1]] == .done && after.states[ids[2]] == .missing && after.states[ids[6]] == .missing)
        // Shards in submission and task order: run 1 failed first, then replaced by its retry.
        let first = try sweep.merge()
        #expect(first.counts == MergeCounts(added: 3, replaced: 1) && first.shardsMerged == 7 && first.skipped.isEmpty)
        #expect(try sweep.merge().counts == MergeCounts(unchanged: 4))
        // Results merged into results.sqlite count as done even without their shards.
        try FileManager.default.removeItem(atPath: sweep.shardPath(submission: 0, task: 0))
        #expect(try sweep.status(client: slurm.client).states[ids[0]] == .done)
        // Without squeue, running rows are taken at their word.
        let blind = try sweep.status(client: nil)
        #expect(blind.note != nil && blind.states[ids[2]] == .running)
    }

    /// Row 9 of issue 24: one truncated shard among good ones. Merge and status check each shard
    /// on its own: the bad one is named with its reason and skipped, the shards after it are still
    /// merged and counted, and the skipped shard is left as it was.
    @Test func aTruncatedShardIsNamedAndSkippedAndTheOthersAreMerged() throws {
        let sweep = SlurmSweep(directory: Self.tempDir())
        let ids = try sweep.addToPlan(try Self.spec(seeds: "0..2"))
        let plan = try sweep.loadPlan().runs.map { try $0.plannedRun() }
        let slurm = FakeSlurm()
        _ = try sweep.submit(runIDs: ids, options: SlurmOptions(), client: slurm.client, launcher: Self.launcher)
        for t in 0..<3 {
            // Enough curve points that the shard spans many pages, so that cutting it loses some.
            let shard = try ResultsStore(path: sweep.shardPath(submission: 0, task: t), shard: true)
            try shard.enqueue([plan[t]])
            let run = try #require(try shard.claimNext(environment: RunEnvironment.current(blasThreads: 1)))
            try shard.appendCurves(runID: run.id, (0..<3000).map { CurvePoint(step: $0, split: "train", metric: "mse", value: Double($0)) }, stepsCompleted: 3000)
            try shard.finish(runID: run.id, status: .done, message: nil, metrics: ["test_mse": 1], stepsCompleted: 3000, divergedStep: nil, lastFiniteLoss: 1)
        }
        let bad = sweep.shardPath(submission: 0, task: 1)
        try StoreTampering.truncate(bad, to: 0.5)
        let badBytes = try Data(contentsOf: URL(fileURLWithPath: bad))

        let status = try sweep.status(client: slurm.client)
        #expect(status.damaged.map(\.path) == [bad] && status.shardsRead == 2)
        #expect(status.states[ids[0]] == .done && status.states[ids[2]] == .done && status.states[ids[1]] == .missing)

        let merged = try sweep.merge()
        #expect(merged.counts == MergeCounts(added: 2) && merged.shardsMerged == 2)
        #expect(merged.skipped.map(\.path) == [bad])
        #expect(merged.skipped.first.map { !$0.reason.isEmpty && !$0.reason.contains(bad) } == true)
        let summary = DamagedShard.summary(merged.skipped, used: merged.shardsMerged, verb: "merged")
        #expect(summary.contains("merged 2 shard(s); skipped 1 damaged: \(bad) ("), "\(summary)")
        #expect(try ResultsStore(path: sweep.databasePath, readOnly: true).runs().map(\.id).sorted() == [ids[0], ids[2]].sorted())
        #expect(try Data(contentsOf: URL(fileURLWithPath: bad)) == badBytes)
    }
}
