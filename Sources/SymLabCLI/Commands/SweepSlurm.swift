import ArgumentParser
import Foundation
import SymLabExperiments
import SymLabTraining

/// The resources of a Slurm submission. Unset values fall back to the previous submission's
/// (on retry) or to 1 CPU and 1 run per task.
struct SlurmArguments: ParsableArguments {
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Time limit per array task, in Slurm's format (e.g. 2:00:00).") var time: String?
    @Option(parsing: .unconditional, help: "CPUs per array task; BLAS runs with this many threads (default 1).") var cpusPerTask: Int?
    @Option(help: "Memory per array task (e.g. 4G; default: the cluster's).") var mem: String?
    @Option(parsing: .unconditional, help: "At most N array tasks at once (sbatch --array=…%N).") var arrayParallelism: Int?
    @Option(parsing: .unconditional, help: "Runs (point × seed) per array task (default 1).") var pointsPerTask: Int?
    @Option(help: "Account to charge (sbatch --account).") var account: String?
    @Option(help: "Quality of service (sbatch --qos).") var qos: String?
    @Option(help: "Node features (sbatch --constraint, e.g. 'intel&avx2').") var constraint: String?
    @Option(help: "Generic resources (sbatch --gres, e.g. gpu:1).") var gres: String?
    @Option(help: ArgumentHelp("A free #SBATCH line, e.g. --sbatch-line=--mail-type=END (repeatable).", valueName: "line")) var sbatchLine: [String] = []
    @Option(help: ArgumentHelp("A shell line run before the worker starts, e.g. --setup 'module load openblas' (repeatable).", valueName: "line")) var setup: [String] = []

    func resolved(over base: SlurmOptions) throws -> SlurmOptions {
        var o = base
        if let partition { o.partition = partition }
        if let time { o.time = time }
        if let cpusPerTask { o.cpusPerTask = cpusPerTask }
        if let mem { o.mem = mem }
        if let arrayParallelism { o.arrayParallelism = arrayParallelism }
        if let pointsPerTask { o.pointsPerTask = pointsPerTask }
        if let account { o.account = account }
        if let qos { o.qos = qos }
        if let constraint { o.constraint = constraint }
        if let gres { o.gres = gres }
        if !sbatchLine.isEmpty { o.sbatchLines = sbatchLine }
        if !setup.isEmpty { o.setup = setup }
        do { try o.validate() } catch let e as SlurmError { throw ValidationError(e.description) }
        return o
    }
}

/// Turns Slurm errors into one clear line and a failing exit status.
func slurmCommand<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as SlurmError { throw CommandFailure(e.description) }
}

/// Submits `ids` and says what went where.
func submitToSlurm(_ sweep: SlurmSweep, ids: [String], options: SlurmOptions) throws {
    let sub = try sweep.submit(runIDs: ids, options: options, client: .system, launcher: .symlab())
    print("submitted \(ids.count) run(s) as \(sub.tasks.count) array task(s) in \(sub.jobs.count) job(s): \(sub.jobs.map(\.jobID).joined(separator: ", "))")
    print("script \(sweep.scriptPath(sub.index)); shards in \(sweep.shardsDirectory)")
    print("then: symlab sweep status --dir \(sweep.directory) ; symlab sweep merge --dir \(sweep.directory)")
}

extension SymLab.Sweep {
    static func defaultSweepDirectory(_ name: String) -> String { "results/\(name)" }

    /// `symlab sweep submit SPEC --slurm`
    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Submit a spec's sweep to Slurm as a job array; each task writes its own SQLite shard.",
            discussion: """
                Writes the sweep's runs with their stable ids (SWEEPDIR/sweep.json) and a batch script \
                (SWEEPDIR/slurm/submission-K.sbatch), and submits it with sbatch --array. Submitting the \
                same spec again submits only runs that are neither finished nor queued/running. Then: \
                `sweep status --dir`, `sweep merge --dir`, `sweep retry --dir --failed|--missing`.
                """)
        @Argument(help: "The experiment spec (YAML).") var spec: String
        @Argument(help: "Overrides key.path=value.") var overrides: [String] = []
        @Flag(help: "Accepted for older scripts; submit always means Slurm (the local runner is `symlab sweep run`).") var slurm = false
        @Flag(help: "Write the batch script (SWEEPDIR/slurm/dry-run.sbatch) and print it with the run count, without calling Slurm.") var dryRun = false
        @Option(help: "The sweep directory (default: results/<name>).") var dir: String?
        @OptionGroup var resources: SlurmArguments

        func run() throws {
            let s = try loadSpec(spec, overrides)
            let options = try resources.resolved(over: SlurmOptions())
            try slurmCommand {
                let sweep = SlurmSweep(directory: dir ?? SymLab.Sweep.defaultSweepDirectory(s.name))
                let ids = try sweep.addToPlan(s)
                if dryRun {
                    let d = try sweep.dryRun(runIDs: ids, options: options, launcher: .symlab())
                    print("dry run: \(s.points.count) point(s) × \(s.seeds.count) seed(s) = \(ids.count) run(s) in \(d.tasks) array task(s); nothing submitted")
                    print("batch script \(d.path):")
                    print(d.script)
                    return
                }
                let report = try sweep.status(client: .system)
                SlurmSweepCommands.warn(report.damaged)
                let todo = ids.filter { [.missing, .interrupted].contains(report.states[$0]!) }
                guard !todo.isEmpty else {
                    let c = report.counts
                    print("nothing to submit: \(c[.done] ?? 0) done, \(c[.diverged] ?? 0) diverged, \(c[.failed] ?? 0) failed (sweep retry --failed), \((c[.running] ?? 0) + (c[.queued] ?? 0)) queued or running")
                    return
                }
                try submitToSlurm(sweep, ids: todo, options: options)
            }
        }
    }

    /// `symlab sweep merge --dir SWEEPDIR`
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Merge a Slurm sweep's shards into SWEEPDIR/results.sqlite (idempotent; each run kept once).")
        @Option(help: "The sweep directory.") var dir: String

        func run() throws {
            try slurmCommand {
                let sweep = SlurmSweep(directory: dir)
                let result = try sweep.merge()
                print("merged: \(result.counts) — results in \(sweep.databasePath)")
                try SlurmSweepCommands.failIfDamaged(result.skipped, used: result.shardsMerged, verb: "merged")
            }
        }
    }
}

/// `sweep status --dir` and `sweep retry --dir` (the Slurm halves of those commands).
enum SlurmSweepCommands {
    static func printStatus(dir: String) throws {
        try slurmCommand {
            let sweep = SlurmSweep(directory: dir)
            let report = try sweep.status(client: .system)
            print("\(report.name): \(report.order.count) run(s), \(report.submissions) submission(s), \(report.activeTasks) array task(s) queued or running")
            let counts = report.counts
            for s in SweepRunState.allCases { print("\(s.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(counts[s] ?? 0)") }
            for id in report.ids([.failed]).prefix(20) { print("failed  \(id): \(report.messages[id] ?? "")") }
            if let note = report.note { print("note: \(note)") }
            try failIfDamaged(report.damaged, used: report.shardsRead, verb: "read")
        }
    }

    /// Names shards skipped while planning a submission: their runs are submitted again.
    static func warn(_ damaged: [DamagedShard]) {
        for d in damaged { writeToStandardError("symlab: skipped a damaged shard, its runs count as missing: \(d)\n") }
    }

    /// Ends a command that skipped damaged shards with a non-zero exit and one line naming them,
    /// after it has done its work with the others.
    static func failIfDamaged(_ damaged: [DamagedShard], used: Int, verb: String) throws {
        guard !damaged.isEmpty else { return }
        throw CommandFailure(DamagedShard.summary(damaged, used: used, verb: verb))
    }

    static func retry(dir: String, failed: Bool, missing: Bool, resources: SlurmArguments) throws {
        try slurmCommand {
            let sweep = SlurmSweep(directory: dir)
            let report = try sweep.status(client: .system)
            var wanted: Set<SweepRunState> = []
            if failed { wanted.insert(.failed) }
            if missing { wanted.formUnion([.missing, .interrupted]) }
            let ids = report.ids(wanted)
            if ids.isEmpty {
                print("nothing to retry")
            } else {
                warn(report.damaged)   // before sbatch, which may fail
                let base = try sweep.submissions().last?.options ?? SlurmOptions()
                try submitToSlurm(sweep, ids: ids, options: try resources.resolved(over: base))
            }
            try failIfDamaged(report.damaged, used: report.shardsRead, verb: "read")
        }
    }
}
