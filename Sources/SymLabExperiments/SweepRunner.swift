import Foundation
import SymLabNumerics
import SymLabTraining

/// Runs a spec's sweep on this machine: every (point, seed) is a row in the results store; rows
/// already done are skipped, so a sweep killed at any moment (even with SIGKILL) resumes where it
/// stopped. With several workers, each is a separate worker process (started by the tool's
/// ``WorkerLauncher``) with BLAS at 1 thread, claiming runs from the store one at a time.
public enum SweepRunner {
    /// Who runs a sweep's runs.
    public enum Workers: Sendable {
        /// This process, one run after another, each with its own `threads:`.
        case inProcess
        /// `count` worker processes started by `launcher`, BLAS at 1 thread each; one (or one
        /// run to do) runs in this process instead.
        case processes(Int, launcher: WorkerLauncher)

        /// How many runs go at once.
        public var count: Int {
            switch self {
            case .inProcess: 1
            case .processes(let n, _): n
            }
        }
    }

    public struct Summary: Sendable, CustomStringConvertible {
        public var counts: [RunStatus: Int]
        public var recovered: [String]
        /// The signal (SIGINT, SIGTERM, SIGUSR1) that stopped the sweep before its end, if one did.
        public var stoppedBySignal: Int32?
        public var description: String {
            RunStatus.allCases.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ")
        }
    }

    /// Plans the spec's runs (idempotently), recovers runs left `running` by dead processes, and
    /// executes every run that is not finished.
    public static func run(_ spec: ExperimentSpec, store: ResultsStore, workers: Workers,
                           showProgress: Bool = false, log: (String) -> Void = { writeToStandardError($0 + "\n") }) throws -> Summary {
        try run([spec], store: store, workers: workers, showProgress: showProgress, log: log)
    }

    /// Several specs in one pool of workers (a figure's experiments): no core idles while
    /// another spec still has runs waiting.
    public static func run(_ specs: [ExperimentSpec], store: ResultsStore, workers: Workers,
                           showProgress: Bool = false, log: (String) -> Void = { writeToStandardError($0 + "\n") }) throws -> Summary {
        let names = specs.map(\.name)
        for spec in specs { try store.enqueue(spec.runs) }
        let recovered = try store.recoverStaleRuns()
        if !recovered.isEmpty { log("resuming \(recovered.count) interrupted run(s)") }
        var pending = 0
        for spec in specs {
            let todo = try store.runs(experiment: spec.name).filter { !$0.status.isFinished }.count
            pending += todo
            log("\(spec.name): \(spec.runs.count) run(s) planned, \(todo) to do")
        }
        StopRequest.installHandlers()
        let spawned: Bool
        if case .processes(let n, let launcher) = workers, n > 1, pending > 1 {
            log("\(min(n, pending)) worker process(es), BLAS at 1 thread each")
            try spawnWorkers(min(n, pending), store: store, experiments: names, launcher: launcher, log: log)
            spawned = true
        } else {
            try workLoop(store: store, experiments: names, threads: nil, showProgress: showProgress, log: log)
            spawned = false
        }
        // A worker that died (killed, crashed) leaves its run `running`, and workers of an
        // earlier, killed sweep may still hold runs: finish them here.
        try finishRunsHeldElsewhere(store: store, experiments: names, threads: spawned ? 1 : nil, log: log)
        var counts: [RunStatus: Int] = [:]
        for name in names { counts.merge(try store.statusCounts(experiment: name), uniquingKeysWith: +) }
        return Summary(counts: counts, recovered: recovered, stoppedBySignal: StopRequest.requested != 0 ? StopRequest.requested : nil)
    }

    /// The worker loop behind every way of running a sweep: in process (one worker), in each
    /// worker process of a local sweep (a shared store), and in each Slurm array task (its own
    /// shard). Claims and executes runs (of `ids` and/or `experiments`, when
    /// given) until none is left or a stop is requested; returns whether it stopped on request.
    ///
    /// `threads`: BLAS threads for every run (a local worker: 1; a Slurm task: its CPU count);
    /// nil leaves each run's own `threads:` setting.
    ///
    /// Fault injection, for testing retries: a run whose id or point id is listed in the
    /// environment variable `SYMLAB_FAIL_RUNS` (comma-separated) is recorded `failed` without
    /// being run. A retry submitted without the variable runs it normally.
    @discardableResult
    public static func workLoop(store: ResultsStore, ids: [String]? = nil, experiments: [String]?, threads: Int?,
                                showProgress: Bool, log: (String) -> Void) throws -> Bool {
        let failOnPurpose = Set((ProcessInfo.processInfo.environment[failRunsVariable] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        var pointConfigs: [String: [String]] = [:]   // per experiment: its points' configs, read once
        while StopRequest.requested == 0 {
            let env = RunEnvironment.current(blasThreads: threads ?? 1)
            guard let run = try store.claimNext(among: ids, experiments: experiments, environment: env) else { break }
            FaultPoint.afterClaim.reached()
            let t0 = Date()
            let status: RunStatus
            if failOnPurpose.contains(run.id) || failOnPurpose.contains(run.pointID) {
                status = .failed
                FaultPoint.beforeFinish.reached()
                try store.finish(runID: run.id, status: .failed,
                                 message: "failed on purpose: \(failRunsVariable) names this run (fault injection for testing retries)",
                                 metrics: [:], stepsCompleted: 0, divergedStep: nil, lastFiniteLoss: nil)
            } else {
                status = RunExecutor.execute(run, store: store, showProgress: showProgress, blasThreads: threads)
            }
            if pointConfigs[run.experiment] == nil {
                var seen = Set<String>()
                pointConfigs[run.experiment] = try store.runs(experiment: run.experiment).compactMap { seen.insert($0.pointID).inserted ? $0.configJSON : nil }
            }
            let line = SweepProgress.runLine(run, status: status, seconds: Date().timeIntervalSince(t0),
                                             swept: SweepProgress.sweptValues(of: run.configJSON, among: pointConfigs[run.experiment]!),
                                             metrics: try store.metrics(runID: run.id), counts: try store.statusCounts(experiments: experiments ?? [run.experiment]))
            log(SweepProgress.emit(line))
        }
        return StopRequest.requested != 0
    }

    /// A sweep returns only when every run of its experiments has ended (or a stop was
    /// requested). Runs still held by other live processes of this machine (the workers of a
    /// sweep killed a moment ago, which stop within a fraction of a second once they see their
    /// parent gone, or another sweep on the same file) are waited for; whatever they leave
    /// unfinished is then run here.
    static func finishRunsHeldElsewhere(store: ResultsStore, experiments: [String], threads: Int?, log: (String) -> Void) throws {
        var announced = Set<Int>()
        while StopRequest.requested == 0 {
            let held = try store.runsHeldByOtherProcesses(experiments: experiments)
            if held.isEmpty {
                try store.recoverStaleRuns()
                let unfinished = try experiments.reduce(0) { n, e in
                    n + (try store.runs(experiment: e).filter { $0.status == .queued || $0.status == .interrupted }.count)
                }
                guard unfinished > 0 else { return }
                log("\(unfinished) run(s) left unfinished by other processes; running them here")
                try workLoop(store: store, experiments: experiments, threads: threads, showProgress: false, log: log)
                continue
            }
            let pids = Set(held.map(\.pid))
            if !pids.isSubset(of: announced) {
                log("waiting for \(held.count) run(s) held by live process(es) \(pids.sorted().map(String.init).joined(separator: ", "))")
                announced.formUnion(pids)
            }
            usleep(200_000)
        }
    }

    /// The exit status of a worker, Slurm task or sweep stopped on request (SIGTERM, SIGINT,
    /// SIGUSR1) before its end: 75, EX_TEMPFAIL — nothing is wrong, running the same command again
    /// resumes the work.
    public static let stoppedExitStatus: Int32 = 75

    /// See ``workLoop(store:ids:experiments:threads:showProgress:log:)``.
    public static let failRunsVariable = "SYMLAB_FAIL_RUNS"

    /// Starts `n` worker processes with `launcher` and waits for them. Each is given this
    /// process's pid as its parent: a worker whose parent is already gone when it starts (this
    /// process SIGKILLed right after spawning it) stops before claiming anything, and on Linux the kernel
    /// sends it SIGTERM when this process dies later — so no worker runs on as an orphan. Call
    /// it from a thread that outlives the workers (Linux sends that signal when the spawning
    /// *thread* ends): the CLI's sweep commands call it from their main thread.
    static func spawnWorkers(_ n: Int, store: ResultsStore, experiments: [String], launcher: WorkerLauncher, log: (String) -> Void) throws {
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        var children: [Process] = []
        for _ in 0..<n {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: launcher.executable)
            p.arguments = launcher.localWorker(store.path, experiments, getpid())
            p.environment = env
            try p.run()
            children.append(p)
        }
        // Forward a stop request to the workers; they finish their current write and exit. On a
        // terminal, redraw the live status line about once a second (the workers' run lines
        // clear it before they print).
        var forwarded = false
        let start = Date(), live = SweepProgress.isTerminal
        let finishedBefore = live ? try store.statusCounts(experiments: experiments).finished : 0
        var lastDrawn = Date.distantPast
        while children.contains(where: \.isRunning) {
            if StopRequest.requested != 0 && !forwarded {
                for c in children where c.isRunning { kill(c.processIdentifier, SIGTERM) }
                forwarded = true
            }
            if live, Date().timeIntervalSince(lastDrawn) >= 1, let c = try? store.statusCounts(experiments: experiments) {
                writeToStandardError("\r\u{1B}[K" + SweepProgress.statusLine(c, elapsed: Date().timeIntervalSince(start), finishedSinceStart: c.finished - finishedBefore))
                lastDrawn = Date()
            }
            usleep(100_000)
        }
        if live { writeToStandardError("\r\u{1B}[K") }
        // A worker stopped on request exits with `stoppedExitStatus`: expected once a stop was forwarded.
        for c in children where c.terminationStatus != 0 && !(forwarded && c.terminationStatus == stoppedExitStatus) {
            log("worker \(c.processIdentifier) exited with status \(c.terminationStatus)")
        }
    }
}
