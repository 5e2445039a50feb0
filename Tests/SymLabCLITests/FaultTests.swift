import Foundation
import SymLabExperiments
import SymLabNumerics
import SymLabTraining
import Testing

/// Faults from outside: the `symlab sweep run` process itself killed with SIGKILL again and
/// again, a disk that fills up under the results database, and sizes that cannot fit.
@Suite(.serialized) struct FaultTests {
    static let sweepSpec = sparseParityMLPSpec("fault-test", train: 200, val: 50, test: 100, width: 64, steps: 400, evalEvery: 50, seeds: "0..83")
    /// 9 evaluations per run (steps 0, 50, …, 400). The kills do not depend on how long a run
    /// takes (each is triggered by a worker paused mid-run), so the runs are short.
    static let sweepRuns = 84, sweepSteps = 400, evalEvery = 50
    static let evaluationsPerRun = sweepSteps / evalEvery + 1

    static func write(_ text: String, in dir: String, _ name: String = "spec.yaml") throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `symlab args` (with `environment` added to this process's), returning its exit status
    /// (the signal's number if a signal ended it) and standard error.
    static func symlab(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SweepResumeTests.executable)
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    /// Kills the parent `sweep run` with SIGKILL 20 times, each time in the middle of a run, and
    /// resumes each time; then lets it finish. Every run ends done exactly once: one evaluation per
    /// logged step and split, runs seen done before a kill never run again, every run caught
    /// mid-run by a kill ran again (its attempts rose), and the file passes `PRAGMA integrity_check`.
    ///
    /// When to kill is decided by observed state, never by the clock: each sweep's workers run
    /// with `SYMLAB_PAUSE_AT=after-curves:N` (N seeded, varying the moment) and stop themselves
    /// right after logging their N-th evaluation; once one is seen stopped (/proc) holding a run
    /// that the database shows `running` with steps logged, the parent is killed and the workers
    /// are let go, which must then stop on their own. So 20 of 20 kills land mid-run on any
    /// machine, and the sweep cannot run out: N < 3 runs' evaluations, so a worker finishes at
    /// most 2 runs before it pauses, at most 4 per sweep with 2 workers, at most 76 before the
    /// 20th; the 84 runs leave the 20th sweep at least 8, more than its 2 workers' 3 runs each
    /// need to reach their pause (checked before each start).
    @Test(.timeLimit(.minutes(4))) func sweepSurvivesTwentySIGKILLsOfItsParent() throws {
        let dir = SweepResumeTests.tempDir()
        let spec = try Self.write(Self.sweepSpec, in: dir), db = dir + "/results.sqlite"
        let store = try ResultsStore(path: db)
        var rng = RandomStream(seed: 2026, stream: 12)
        var doneBefore: [String: (endedAt: String?, attempts: Int)] = [:]
        var caughtMidRun: [(id: String, attempts: Int)] = []
        let runsBeforePauseAtMost = 2, workers = 2
        var runsFinishedBeforePauses = 0
        for round in 1...20 {
            let unfinished = try store.runs(experiment: "fault-test").filter { !$0.status.isFinished }.count
            try #require(round == 1 || unfinished >= workers * (runsBeforePauseAtMost + 1),
                         "before kill \(round) only \(unfinished) run(s) are left: the sweep could end before a worker pauses")
            // Pause after the j-th evaluation (2 ≤ j < last) of the worker's (r+1)-th run: mid-run, with steps logged.
            let r = Int(rng.uniform(0, Double(runsBeforePauseAtMost + 1)))
            let j = 2 + Int(rng.uniform(0, Double(Self.evaluationsPerRun - 2)))
            let pass = r * Self.evaluationsPerRun + j
            runsFinishedBeforePauses += r
            let parent = try SweepResumeTests.symlab(["sweep", "run", spec, "--db", db, "--workers", "\(workers)"], wait: false,
                                                     environment: [FaultPoint.pauseVariable: "after-curves:\(pass)"])
            let pid = parent.processIdentifier
            var caught: RunRecord?
            let guardDeadline = Date().addingTimeInterval(60)   // a failure guard, not a trigger
            while caught == nil && parent.isRunning && Date() < guardDeadline {
                for worker in ProcFS.children(of: pid) where ProcFS.isStopped(worker) {
                    caught = try store.runs(experiment: "fault-test", status: .running).first { $0.pid == Int(worker) }
                }
                if caught == nil { usleep(2_000) }
            }
            if caught == nil && parent.isRunning {
                for p in ProcFS.children(of: pid) + [pid] { Foundation.kill(p, SIGKILL) }
                parent.waitUntilExit()
            }
            let victim = try #require(caught, "sweep \(round) ended (or ran 60 s) before a worker was seen paused mid-run")
            #expect((victim.stepsCompleted ?? 0) > 0 && (victim.stepsCompleted ?? 0) < Self.sweepSteps, "kill \(round): \(victim)")
            Foundation.kill(pid, SIGSTOP)   // no worker starts or ends between listing the workers and the kill
            let workerPids = ProcFS.children(of: pid)
            Foundation.kill(pid, SIGKILL)
            parent.waitUntilExit()
            // The workers must stop on their own now that their parent is gone.
            let orphans = ProcFS.waitUntilGone(workerPids)
            try #require(orphans.isEmpty, "kill \(round): worker(s) \(orphans) still running 60 s after their parent was killed")
            caughtMidRun.append((victim.id, victim.attempts))
            for r in try store.runs(experiment: "fault-test") where r.status == .done && doneBefore[r.id] == nil {
                doneBefore[r.id] = (r.endedAt, r.attempts)
            }
        }
        #expect(caughtMidRun.count == 20, "only \(caughtMidRun.count) of 20 kills landed mid-run")
        let last = try Self.symlab(["sweep", "run", spec, "--db", db, "--workers", "2"])
        #expect(last.status == 0, "final resume failed: \(last.stderr)")

        #expect(try store.integrityCheck() == "ok")
        let runs = try store.runs(experiment: "fault-test")
        #expect(runs.count == Self.sweepRuns && runs.allSatisfy { $0.status == .done })
        for r in runs {
            let curve = try store.curves(runID: r.id).filter { $0.metric == "mse" }
            #expect(curve.count == 3 * Self.evaluationsPerRun, "run \(r.id) has \(curve.count) curve points")
            #expect(Set(curve.map { "\($0.step)-\($0.split)" }).count == curve.count)
            #expect(try store.metrics(runID: r.id)["test_mse"] != nil)
            if let before = doneBefore[r.id] {
                #expect(r.endedAt == before.endedAt && r.attempts == before.attempts, "run \(r.id) was done and ran again")
            }
        }
        // Each run caught mid-run was interrupted there and ran again.
        let byID = Dictionary(uniqueKeysWithValues: runs.map { ($0.id, $0) })
        for (id, attempts) in caughtMidRun {
            #expect((byID[id]?.attempts ?? 0) > attempts, "run \(id), caught mid-run at attempt \(attempts), did not run again")
        }
        // The sweep made progress between kills (a worker paused after finishing r runs had
        // finished them), so "done before a kill" was put to the test.
        #expect(doneBefore.count >= runsFinishedBeforePauses && runsFinishedBeforePauses > 0,
                "\(doneBefore.count) runs done before the last kill, expected at least \(runsFinishedBeforePauses)")
    }

    /// A sweep process crashed (SIGKILL) at each named point of a run — just claimed, after
    /// logging its 2nd evaluation, all curves logged but the end not recorded — leaves the run
    /// `running` with what it had logged, and the next `sweep run` reruns it from the start: one
    /// evaluation per step and split, attempts 2, the other run untouched.
    @Test func aSweepCrashedAtEachPointOfARunResumes() throws {
        for point in [FaultPoint.afterClaim, .afterCurves, .beforeFinish] {   // after-checkpoint: CheckpointResumeTests
            let dir = SweepResumeTests.tempDir()
            let spec = try Self.write(Self.sweepSpec.replacingOccurrences(of: "seeds: 0..83", with: "seeds: 0..1"), in: dir)
            let db = dir + "/results.sqlite"
            let crashAt = point == .afterCurves ? "after-curves:2" : point.rawValue
            let crashed = try Self.symlab(["sweep", "run", spec, "--db", db, "--workers", "1"], environment: [FaultPoint.crashVariable: crashAt])
            #expect(crashed.status == SIGKILL, "\(crashAt): exit \(crashed.status): \(crashed.stderr)")
            let store = try ResultsStore(path: db)
            let held = try #require(try store.runs(experiment: "fault-test", status: .running).first, "\(crashAt): no run left running")
            let logged = try store.curves(runID: held.id).filter { $0.metric == "mse" }.count / 3
            #expect(logged == [FaultPoint.afterClaim: 0, .afterCurves: 2, .beforeFinish: Self.evaluationsPerRun][point], "\(crashAt): \(logged) evaluations logged")

            let resumed = try Self.symlab(["sweep", "run", spec, "--db", db, "--workers", "1"])
            #expect(resumed.status == 0, "\(crashAt): \(resumed.stderr)")
            let runs = try store.runs(experiment: "fault-test")
            #expect(runs.count == 2 && runs.allSatisfy { $0.status == .done })
            #expect(try store.run(id: held.id)?.attempts == 2)
            for r in runs {
                let curve = try store.curves(runID: r.id).filter { $0.metric == "mse" }
                #expect(curve.count == 3 * Self.evaluationsPerRun && Set(curve.map { "\($0.step)-\($0.split)" }).count == curve.count)
            }
            #expect(try store.integrityCheck() == "ok")
        }
    }

    /// A results database on an 8 MiB tmpfs: the first sweep fits; then the disk is filled but for
    /// 96 KiB and a second sweep must stop with an error that says the disk is full. Once the
    /// filler is removed the file is readable and sound, the first sweep's runs are as they were,
    /// and the second sweep resumes to the end.
    @Test(.timeLimit(.minutes(2))) func aFullDiskStopsTheSweepAndKeepsTheDatabase() throws {
        guard getuid() == 0 else {
            print("FaultTests: skipping the full-disk test (mounting a tmpfs needs root)")
            return
        }
        let dir = SweepResumeTests.tempDir()
        let mountPoint = dir + "/small-disk"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint]
        try mount.run(); mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            print("FaultTests: skipping the full-disk test (mount -t tmpfs failed: no CAP_SYS_ADMIN in this container?)")
            return
        }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run(); umount.waitUntilExit()
        }
        let db = mountPoint + "/results.sqlite"
        let small = try Self.write(Self.sweepSpec.replacingOccurrences(of: "seeds: 0..83", with: "seeds: 0..1"), in: dir, "small.yaml")
        let first = try Self.symlab(["sweep", "run", small, "--db", db, "--workers", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try ResultsStore(path: db)
        let finished = try before.runs(experiment: "fault-test")
        let finishedMetrics = try finished.map { try before.metrics(runID: $0.id) }
        #expect(finished.count == 2 && finished.allSatisfy { $0.status == .done })

        // Fill what is left of the disk but a little, then run a sweep that logs a lot.
        let filler = mountPoint + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(count: 16 * 1024)
        while (try? h.write(contentsOf: chunk)) != nil {}
        try h.truncate(atOffset: (try h.offset()) - 96 * 1024)
        try h.close()
        // 1,500 steps (as before the kill test's runs were lengthened): with a point per step the
        // database must still fit the small file system once the filler is gone.
        let big = try Self.write(Self.sweepSpec.replacingOccurrences(of: "name: fault-test", with: "name: fault-fill")
            .replacingOccurrences(of: "steps: 400", with: "steps: 1500")
            .replacingOccurrences(of: "eval_every: 50", with: "eval_every: 1").replacingOccurrences(of: "seeds: 0..83", with: "seeds: 0..5"),
                                 in: dir, "big.yaml")
        let full = try Self.symlab(["sweep", "run", big, "--db", db, "--workers", "1"])
        #expect(full.status != 0)
        #expect(full.stderr.contains("disk is full") && full.stderr.contains(db) && full.stderr.contains("intact"), "stderr: \(full.stderr)")

        try FileManager.default.removeItem(atPath: filler)
        let after = try ResultsStore(path: db)
        #expect(try after.integrityCheck() == "ok")
        let again = try after.runs(experiment: "fault-test")
        #expect(again == finished)
        #expect(try again.map { try after.metrics(runID: $0.id) } == finishedMetrics)
        #expect(try after.runs(experiment: "fault-fill", status: .done).count < 6)

        let resumed = try Self.symlab(["sweep", "run", big, "--db", db, "--workers", "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try after.runs(experiment: "fault-fill").allSatisfy { $0.status == .done })
        #expect(try after.integrityCheck() == "ok")
    }

    // MARK: - Impossible sizes at the command line

    @Test func runAndSweepRefuseImpossibleSizesBeforeWork() throws {
        let dir = SweepResumeTests.tempDir()
        let huge = try Self.write(Self.sweepSpec.replacingOccurrences(of: "sparse-parity, options: {n: 8, k: 2}, n_train: 200",
                                                                       with: "single-index, options: {d: 65536}, n_train: 100000000"), in: dir)
        for command in [["run"], ["sweep", "run"]] {
            let r = try Self.symlab(command + [huge, "--db", dir + "/r.sqlite"])
            #expect(r.status != 0)
            #expect(r.stderr.contains("key 'data.n_train'") && r.stderr.contains("needs") && r.stderr.contains("is available"), "\(r.stderr)")
        }
        // Nothing was started: no database was created.
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
        let zeroWidth = try Self.write(Self.sweepSpec.replacingOccurrences(of: "width: 64", with: "width: 0"), in: dir, "w0.yaml")
        let r = try Self.symlab(["run", zeroWidth, "--db", dir + "/r.sqlite"])
        #expect(r.status != 0 && r.stderr.contains("key 'model.options.width'"), "\(r.stderr)")
    }

    @Test func kernelFitAndDataRefuseImpossibleSizesBeforeDrawing() throws {
        // 10⁸ samples would take minutes to draw: the refusal must come first.
        let kernel = try Self.symlab(["kernel", "fit", "sparse-parity", "--kernel", "relu-ntk", "--n-train", "100000000", "--n-test", "10"])
        #expect(kernel.status != 0)
        #expect(kernel.stderr.contains("kernel matrix") && kernel.stderr.contains("needs") && kernel.stderr.contains("is available"), "\(kernel.stderr)")
        let data = try Self.symlab(["data", "describe", "single-index", "--option", "d=65536", "--samples", "100000000"])
        #expect(data.status != 0)
        #expect(data.stderr.contains("100000000 samples") && data.stderr.contains("is available"), "\(data.stderr)")
        let zero = try Self.symlab(["data", "describe", "sparse-parity", "--samples", "0"])
        #expect(zero.status != 0 && zero.stderr.contains("--samples must be positive"))
    }
}
