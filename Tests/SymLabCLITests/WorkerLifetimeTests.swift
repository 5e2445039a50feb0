import Foundation
import SymLabExperiments
import Testing

/// A `sweep worker` lives only as long as the `sweep run` that started it: one whose parent is
/// gone stops before it touches the database, and workers whose parent is SIGKILLed stop too,
/// instead of running the sweep on their own beside a resumed one (issue 24, row 4).
@Suite(.serialized) struct WorkerLifetimeTests {
    /// A database with the 8 queued runs of `SweepResumeTests.spec`, and the spec's path.
    static func queuedSweep() throws -> (spec: String, db: String, store: ResultsStore) {
        let dir = SweepResumeTests.tempDir()
        let spec = dir + "/spec.yaml", db = dir + "/results.sqlite"
        try SweepResumeTests.spec.write(toFile: spec, atomically: true, encoding: .utf8)
        let store = try ResultsStore(path: db)
        try store.enqueue(try ExperimentSpec.load(path: spec).runs)
        return (spec, db, store)
    }

    /// The race of row 4 made deterministic: the worker is told a parent that is not its parent
    /// (a process that has exited, as a SIGKILLed `sweep run` has; or pid 1, which adopts
    /// orphans). It must exit with the stopped status and claim nothing.
    @Test func aWorkerWhoseParentIsGoneStopsBeforeClaimingAnything() throws {
        let (_, db, store) = try Self.queuedSweep()
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        for notTheParent in [exited.processIdentifier, 1] {
            let r = try FaultTests.symlab(["sweep", "worker", "--db", db, "--parent", "\(notTheParent)"])
            #expect(r.status == SweepRunner.stoppedExitStatus, "parent \(notTheParent): exit \(r.status): \(r.stderr)")
            #expect(r.stderr.contains("(pid \(notTheParent)) is gone before it started"), "\(r.stderr)")
            let runs = try store.runs(experiment: "resume-test")
            #expect(runs.count == 8 && runs.allSatisfy { $0.status == .queued && $0.attempts == 0 }, "a run was claimed: \(runs)")
        }
        // A local worker without --parent cannot tell an adoptive parent from its own: refused.
        let noParent = try FaultTests.symlab(["sweep", "worker", "--db", db])
        #expect(noParent.status != 0 && noParent.stderr.contains("--parent"), "\(noParent.stderr)")
        #expect(try store.runs(experiment: "resume-test").allSatisfy { $0.attempts == 0 })
    }

    /// `sweep run` SIGKILLed as soon as its first worker process exists. The workers are frozen
    /// (SIGSTOP) from the moment they are seen until their parent is dead, so whatever start-up
    /// step each had reached, its parent died before its next one. Then each may complete at most
    /// the claim it was inside; none may go on to claim the rest of the sweep, and all must exit.
    @Test(.timeLimit(.minutes(2))) func workersStopWhenTheirParentIsKilledRightAfterSpawningThem() throws {
        let (spec, db, store) = try Self.queuedSweep()
        let parent = try SweepResumeTests.symlab(["sweep", "run", spec, "--db", db, "--workers", "2"], wait: false)
        let pid = parent.processIdentifier
        while ProcFS.children(of: pid).isEmpty && parent.isRunning { usleep(500) }
        kill(pid, SIGSTOP)   // it spawns no further worker
        let workers = ProcFS.children(of: pid)
        for w in workers { kill(w, SIGSTOP) }
        try #require(!workers.isEmpty, "the sweep ended before a worker was seen")
        kill(pid, SIGKILL)
        parent.waitUntilExit()
        let attemptsAtKill = Dictionary(uniqueKeysWithValues: try store.runs(experiment: "resume-test").map { ($0.id, $0.attempts) })

        let orphans = ProcFS.waitUntilGone(workers)   // sends them SIGCONT
        #expect(orphans.isEmpty, "worker(s) \(orphans) still running 60 s after their parent was killed")
        let after = try store.runs(experiment: "resume-test")
        let claimsAfterKill = after.reduce(0) { $0 + $1.attempts - (attemptsAtKill[$1.id] ?? 0) }
        #expect(claimsAfterKill <= workers.count, "\(claimsAfterKill) run(s) claimed by \(workers.count) orphaned worker(s)")
        #expect(!after.contains { $0.status == .running && $0.pid.map { runHolderIsAlive(pid: $0, startedAt: nil) } == true })

        // The next sweep finds nothing held and completes every run once.
        let resume = try FaultTests.symlab(["sweep", "run", spec, "--db", db, "--workers", "2"])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(try store.runs(experiment: "resume-test").allSatisfy { $0.status == .done })
        #expect(try store.integrityCheck() == "ok")
    }
}
