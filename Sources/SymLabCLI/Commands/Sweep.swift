import ArgumentParser
import Foundation
import SymLabExperiments
import SymLabReport
import SymLabTraining

/// Where results go unless `--db` says otherwise.
func defaultDatabase(for experiment: String) -> String { "results/\(experiment)/results.sqlite" }


/// The exit status of the commands that run a local sweep (`run`, `sweep run`, `sweep retry`
/// without `--dir`/`--slurm`), so that scripts and schedulers can tell these cases apart:
/// - 0: every run of the spec has ended `done` or `diverged` (a diverged run is a result of the
///   experiment — that learning rate blows up — not a failure of the tool; rerunning it with the
///   same seed diverges again);
/// - 3: the sweep ran to its end, but at least one run is `failed` (an error while running it,
///   e.g. a bad option or a full disk); `sweep retry --failed` runs those again;
/// - 75 (EX_TEMPFAIL, as a Slurm task stopped on request): stopped by SIGINT, SIGTERM or SIGUSR1
///   before the end; the running runs are recorded `interrupted` and the same command resumes;
/// - 1: symlab could not do its job (bad spec, unreadable database, …), as every command.
enum SweepExitStatus {
    static let runsFailed: Int32 = 3
    static let stoppedOnRequest: Int32 = SweepRunner.stoppedExitStatus

    /// For the commands' help.
    static let help = """
        Exit status: 0 when every run ended done or diverged (a diverged run is a result); \
        3 when the sweep ran to its end but some run failed (`symlab sweep retry SPEC --failed` reruns them); \
        75 when stopped by SIGINT/SIGTERM/SIGUSR1 (running runs are recorded interrupted; the same command resumes); \
        1 on any other error.
        """

    /// Prints the sweep's counts on stdout and, when the exit status is not 0, one line on stderr
    /// that says why; then exits with the status above.
    static func finish(_ name: String, _ summary: SweepRunner.Summary, db: String) throws {
        print("\(name): \(summary) — results in \(db)")
        try check(name, summary, db: db)
    }

    /// When the sweep did not end with every run done or diverged: one line on stderr that says
    /// why, then the exit status above (nothing when it did).
    static func check(_ name: String, _ summary: SweepRunner.Summary, db: String) throws {
        // A signal that came once every run had ended stopped nothing.
        let left = (summary.counts[.interrupted] ?? 0) + (summary.counts[.queued] ?? 0) + (summary.counts[.running] ?? 0)
        if let signal = summary.stoppedBySignal, left > 0 {
            writeToStandardError("symlab: stopped by \(StopRequest.name(of: signal)) before the end: \(left) run(s) left to do; the same command resumes (exit status \(stoppedOnRequest))\n")
            throw ExitCode(stoppedOnRequest)
        }
        if let failed = summary.counts[.failed], failed > 0 {
            writeToStandardError("symlab: \(failed) run(s) of \(name) failed: `symlab runs list --db \(db) --status failed` shows why, `symlab sweep retry SPEC --failed` reruns them (exit status \(runsFailed))\n")
            throw ExitCode(runsFailed)
        }
    }
}

extension SymLab {
    /// `symlab sweep …`: local sweeps (worker processes on this machine) and Slurm job arrays.
    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run, resume and retry sweeps on this machine or as Slurm job arrays.",
            subcommands: [Run.self, Submit.self, Status.self, Merge.self, Retry.self, Worker.self])
    }
}

func loadSpec(_ path: String, _ overrides: [String]) throws -> ExperimentSpec {
    do {
        let spec = try ExperimentSpec.load(path: path, overrides: overrides)
        printNotes(spec.notes)
        try Preflight.check(spec)   // impossible sizes and bad options stop here, before any work
        return spec
    } catch let e as SpecError { throw CommandFailure("\(e)") }
}

extension SymLab.Sweep {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a spec's sweep with N worker processes; resumable after any kill.",
            discussion: "Each worker is a `symlab sweep worker` process; they stop with this command, even when it is killed with SIGKILL. Running the same command again resumes the sweep: runs already ended are kept, interrupted ones run again.\n\n" + SweepExitStatus.help)
        @Argument(help: "The experiment spec (YAML file, multi-document file or directory).") var spec: String
        @Argument(help: "Overrides key.path=value (or NAME:key.path=value).") var overrides: [String] = []
        @Option(help: "Results database (default: results/<name>/results.sqlite; for several specs results/<file or directory name>/results.sqlite).") var db: String?
        @Option(help: "Worker processes (default: number of cores).") var workers = ProcessInfo.processInfo.activeProcessorCount
        @Flag(help: "Print the expanded points, run count, memory estimate and config of each, and run nothing.") var dryRun = false

        func validate() throws {
            guard workers >= 1 && workers <= 256 else { throw ValidationError("--workers must be in 1…256, got \(workers)") }
        }

        func run() throws {
            let specs = try loadSpecs(spec, overrides)
            if dryRun { return try printDryRun(specs) }
            let store = try ResultsStore(path: db ?? defaultDatabase(for: specs, at: spec))
            let summary = try SweepRunner.run(specs, store: store, workers: .processes(workers, launcher: .symlab()))
            try SweepExitStatus.finish(specs.map(\.name).joined(separator: ", "), summary, db: store.path)
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Run failed (and/or diverged, interrupted) runs of a spec again, with the same seeds.",
            discussion: "A Slurm sweep (--dir SWEEPDIR, or --slurm with the spec): resubmits only its failed (--failed) and/or missing or interrupted (--missing) runs.\n\nA local sweep: " + SweepExitStatus.help)
        @Argument(help: "The experiment spec (YAML); optional with --dir.") var spec: String?
        @Argument(help: "Overrides key.path=value.") var overrides: [String] = []
        @Option(help: "Results database (default: results/<name>/results.sqlite).") var db: String?
        @Option(help: "Worker processes.") var workers = ProcessInfo.processInfo.activeProcessorCount
        @Flag(help: "Retry failed runs.") var failed = false
        @Flag(help: "Retry diverged runs.") var diverged = false
        @Flag(help: "Slurm sweep: resubmit runs that are missing or interrupted.") var missing = false
        @Flag(help: "A Slurm sweep (in results/<name> unless --dir).") var slurm = false
        @Option(help: "The Slurm sweep directory.") var dir: String?
        @OptionGroup var resources: SlurmArguments

        func validate() throws {
            if spec == nil && dir == nil { throw ValidationError("give the spec, or --dir for a Slurm sweep") }
            if slurm || dir != nil {
                guard failed || missing else { throw ValidationError("a Slurm retry needs --failed and/or --missing") }
                guard !diverged else { throw ValidationError("--diverged is for local sweeps: a diverged run is a result, rerunning it with the same seed diverges again") }
            } else if missing {
                throw ValidationError("--missing is for Slurm sweeps (--dir or --slurm); `symlab sweep run` resumes a local sweep")
            }
        }

        func run() throws {
            if slurm || dir != nil {
                let d = try dir ?? SymLab.Sweep.defaultSweepDirectory(loadSpec(spec!, overrides).name)
                try SlurmSweepCommands.retry(dir: d, failed: failed, missing: missing, resources: resources)
                return
            }
            let s = try loadSpec(spec!, overrides)
            let store = try ResultsStore(path: db ?? defaultDatabase(for: s.name))
            var statuses: [RunStatus] = []
            if failed || !diverged { statuses.append(.failed) }
            if diverged { statuses.append(.diverged) }
            let n = try store.requeue(statuses: statuses, experiment: s.name)
            print("requeued \(n) run(s)")
            let summary = try SweepRunner.run(s, store: store, workers: .processes(workers, launcher: .symlab()))
            try SweepExitStatus.finish(s.name, summary, db: store.path)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Counts of runs by status (a Slurm sweep: done/running/failed/missing from its shards and squeue).")
        @Option(help: "Results database.") var db: String?
        @Option(help: "A Slurm sweep's directory.") var dir: String?
        @Option(help: "Only this experiment.") var experiment: String?
        func validate() throws {
            guard (db == nil) != (dir == nil) else { throw ValidationError("give either --db (a local sweep) or --dir (a Slurm sweep)") }
        }
        func run() throws {
            if let dir { return try SlurmSweepCommands.printStatus(dir: dir) }
            let store = try ResultsStore(path: db!, readOnly: true)
            let counts = try store.statusCounts(experiment: experiment)
            for s in RunStatus.allCases { print("\(s.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(counts[s] ?? 0)") }
        }
    }

    /// One worker process: of `sweep run` (claims runs from the shared database until none is
    /// left), or one Slurm array task (its chunk of the sweep, into its own shard). Both go
    /// through the same worker loop (`SweepRunner.workLoop`).
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "worker", abstract: "(internal) one worker of `sweep run`, or one Slurm array task.",
                                                        shouldDisplay: false)
        @Option(help: "Results database (a local sweep).") var db: String?
        @Option(help: "Experiments to work on (repeatable; default: all).") var experiment: [String] = []
        @Option(help: "A Slurm sweep's directory.") var dir: String?
        @Option(parsing: .unconditional, help: "The Slurm submission.") var submission: Int?
        @Option(parsing: .unconditional, help: "The array task (within the submission).") var task: Int?
        @Option(help: "BLAS threads (default 1).") var threads = 1
        @Option(help: ArgumentHelp("A local sweep: the pid of the `sweep run` that started this worker; it stops at once if that is not its parent.",
                                   visibility: .hidden)) var parent: Int32?

        func validate() throws {
            guard (1...4096).contains(threads) else { throw ValidationError("--threads must be in 1…4096, got \(threads)") }
            if dir != nil {
                guard submission != nil, task != nil, db == nil else { throw ValidationError("a Slurm task needs --dir, --submission and --task (and no --db)") }
            } else if db == nil {
                throw ValidationError("give --db (a local sweep) or --dir --submission --task (a Slurm array task)")
            } else if parent == nil {
                // Without it a worker cannot tell its parent from the process that adopted it.
                throw ValidationError("a local worker needs --parent PID, the `sweep run` process that started it")
            }
        }

        func run() throws {
            StopRequest.installHandlers()
            let log: (String) -> Void = { writeToStandardError($0 + "\n") }
            if let dir, let submission, let task {
                let stopped = try slurmCommand {
                    try SlurmSweep(directory: dir).runTask(submission: submission, task: task, threads: threads, log: log)
                }
                // Stopped by SIGTERM/SIGUSR1: its run is recorded `interrupted`; a non-zero exit
                // shows Slurm (and sacct) that the task did not complete.
                if stopped { log("stopped on request; the running run is recorded interrupted"); throw ExitCode(SweepRunner.stoppedExitStatus) }
                return
            }
            // A parent `sweep run` killed outright (SIGKILL) cannot forward a stop. One already
            // gone: stop before opening the store or claiming anything. One that dies later:
            // stop as on SIGTERM. Either way no orphan runs on beside the resumed sweep.
            guard ParentProcess.tie(to: parent!) else {
                log("symlab sweep worker: its sweep (pid \(parent!)) is gone before it started; stopping without claiming a run")
                throw ExitCode(SweepRunner.stoppedExitStatus)
            }
            let store = try ResultsStore(path: db!)
            let stopped = try SweepRunner.workLoop(store: store, experiments: experiment.isEmpty ? nil : experiment, threads: threads,
                                                   showProgress: false, log: log)
            if stopped { throw ExitCode(SweepRunner.stoppedExitStatus) }
        }
    }
}
