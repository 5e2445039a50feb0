import Foundation
import SymLabExperiments
import Testing

/// `sweep run` tells scripts and schedulers how it ended (issue 24, row 13): 0 when every run
/// ended done or diverged, 3 when some run failed, 75 when stopped by a signal before the end —
/// each with one line on stderr saying why.
@Suite(.serialized) struct SweepExitStatusTests {
    static let spec = sparseParityMLPSpec("exit-test", train: 100, val: 20, test: 50, width: 16, steps: 200, evalEvery: 50, seeds: "0..3")

    @Test func aSweepWithAFailedRunExitsWithTheFailedRunsStatus() throws {
        let dir = SweepResumeTests.tempDir()
        let spec = try FaultTests.write(Self.spec, in: dir), db = dir + "/results.sqlite"
        let failing = try ExperimentSpec.load(path: spec).runs[1].id
        let failed = try FaultTests.symlab(["sweep", "run", spec, "--db", db, "--workers", "2"],
                                           environment: [SweepRunner.failRunsVariable: failing])
        #expect(failed.status == 3, "exit \(failed.status): \(failed.stderr)")
        #expect(failed.stderr.contains("1 run(s) of exit-test failed"), "\(failed.stderr)")
        // Still failed on a rerun (nothing to do, the failure stays): `run` says so too.
        let again = try FaultTests.symlab(["run", spec, "--db", db])
        #expect(again.status == 3, "exit \(again.status): \(again.stderr)")
        // Retried without the fault injection, every run is done: 0.
        let retried = try FaultTests.symlab(["sweep", "retry", spec, "--db", db, "--failed", "--workers", "1"])
        #expect(retried.status == 0, "exit \(retried.status): \(retried.stderr)")
        #expect(try ResultsStore(path: db).runs(experiment: "exit-test").allSatisfy { $0.status == .done })
    }

    /// SIGTERM sent once the database shows a run `running` with steps logged, held by a process
    /// that paused itself there (`SYMLAB_PAUSE_AT`), so the sweep cannot end in between. In
    /// process (1 worker) and with worker processes (2). Exit 75, that run recorded
    /// `interrupted`, nothing left `running`; the same command then completes the sweep with 0.
    @Test(.timeLimit(.minutes(2))) func aSweepStoppedBySIGTERMExitsWithTheInterruptedStatus() throws {
        for workers in [1, 2] {
            let dir = SweepResumeTests.tempDir()
            let spec = try FaultTests.write(Self.spec, in: dir), db = dir + "/results.sqlite", log = dir + "/stderr.txt"
            let store = try ResultsStore(path: db)
            let sweep = try SweepResumeTests.symlab(["sweep", "run", spec, "--db", db, "--workers", "\(workers)"], wait: false,
                                                    environment: [FaultPoint.pauseVariable: "after-curves:3"], stderr: log)
            let pid = sweep.processIdentifier
            var caught: RunRecord?
            let pauseGuard = Date().addingTimeInterval(60)   // a failure guard, not a trigger
            while caught == nil && sweep.isRunning && Date() < pauseGuard {
                for holder in [pid] + ProcFS.children(of: pid) where ProcFS.isStopped(holder) {
                    caught = try store.runs(experiment: "exit-test", status: .running).first { $0.pid == Int(holder) }
                }
                if caught == nil { usleep(2_000) }
            }
            if caught == nil && sweep.isRunning {
                for p in ProcFS.children(of: pid) + [pid] { kill(p, SIGKILL) }
                sweep.waitUntilExit()
            }
            let victim = try #require(caught, "workers \(workers): the sweep ended (or ran 60 s) before a run was seen running")
            #expect((victim.stepsCompleted ?? 0) == 100)
            kill(pid, SIGTERM)
            // The paused holder goes on once the stop has reached it (the parent forwards it to its
            // workers, all at once): it then stops its run at the next step, which cannot have
            // ended before. From then on any process that pauses is woken.
            let holder = pid_t(victim.pid!)
            var stopDelivered = false
            let guardDeadline = Date().addingTimeInterval(60)   // a failure guard, not a wait
            while sweep.isRunning {
                if Date() > guardDeadline {
                    Issue.record("workers \(workers): the sweep still runs 60 s after SIGTERM (the stop never reached it)")
                    for p in ProcFS.children(of: pid) + [pid] { kill(p, SIGKILL) }
                    sweep.waitUntilExit()
                    break
                }
                stopDelivered = stopDelivered || ProcFS.hasPending(SIGTERM, holder) || !ProcFS.isStopped(holder)
                if stopDelivered {
                    for p in [pid] + ProcFS.children(of: pid) where ProcFS.isStopped(p) { kill(p, SIGCONT) }
                }
                usleep(2_000)
            }
            let stderr = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(sweep.terminationReason == .exit && sweep.terminationStatus == SweepRunner.stoppedExitStatus,
                    "workers \(workers): exit \(sweep.terminationStatus): \(stderr)")
            #expect(stderr.contains("stopped by SIGTERM before the end"), "\(stderr)")
            #expect(try store.run(id: victim.id)?.status == .interrupted)
            #expect(try store.runs(experiment: "exit-test", status: .running).isEmpty)

            let resumed = try FaultTests.symlab(["sweep", "run", spec, "--db", db, "--workers", "\(workers)"])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(try store.runs(experiment: "exit-test").allSatisfy { $0.status == .done })
        }
    }
}
