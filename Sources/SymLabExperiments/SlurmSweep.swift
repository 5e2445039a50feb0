import Foundation
import SymLabTraining

/// How a sweep's array jobs ask Slurm for resources. Kept with each submission, so that a retry
/// asks for the same unless told otherwise.
public struct SlurmOptions: Codable, Sendable, Equatable {
    public var partition: String?
    /// Time limit per array task, in Slurm's format ("30", "2:00:00", "1-12").
    public var time: String?
    /// CPUs per array task; the task's BLAS runs with this many threads.
    public var cpusPerTask: Int
    /// Memory per array task ("4G"); nil leaves the cluster's default.
    public var mem: String?
    /// At most this many array tasks at once (`%N`); nil: no limit of ours.
    public var arrayParallelism: Int?
    /// Runs (point × seed) per array task: many short runs in one allocation spare the scheduler.
    public var pointsPerTask: Int
    /// The account to charge (many clusters refuse a job without one), the quality of service,
    /// node features (`--constraint`, e.g. `intel&avx2`) and generic resources (`--gres`, e.g.
    /// `gpu:1`); nil leaves the cluster's default. Optional in the stored submission, so records
    /// written before these existed still read.
    public var account: String?
    public var qos: String?
    public var constraint: String?
    public var gres: String?
    /// Free `#SBATCH` lines (what follows `#SBATCH `, e.g. `--mail-type=END`) and shell lines run
    /// before the worker starts (e.g. `module load openblas`): the cluster's own needs, which no
    /// flag of ours can foresee. They come from the submitter's command line, not from a spec.
    public var sbatchLines: [String]?
    public var setup: [String]?

    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int = 1, mem: String? = nil,
                arrayParallelism: Int? = nil, pointsPerTask: Int = 1, account: String? = nil, qos: String? = nil,
                constraint: String? = nil, gres: String? = nil, sbatchLines: [String]? = nil, setup: [String]? = nil) {
        self.partition = partition; self.time = time; self.cpusPerTask = cpusPerTask; self.mem = mem
        self.arrayParallelism = arrayParallelism; self.pointsPerTask = pointsPerTask
        self.account = account; self.qos = qos; self.constraint = constraint; self.gres = gres
        self.sbatchLines = sbatchLines; self.setup = setup
    }

    /// Values go into `#SBATCH` lines, so they must be single plain words; free lines must be
    /// single lines (a line break would start a line of its own in the script).
    public func validate() throws {
        guard (1...4096).contains(cpusPerTask) else { throw SlurmError("--cpus-per-task must be in 1…4096, got \(cpusPerTask)") }
        guard pointsPerTask >= 1 else { throw SlurmError("--points-per-task must be at least 1, got \(pointsPerTask)") }
        if let n = arrayParallelism, n < 1 { throw SlurmError("--array-parallelism must be at least 1, got \(n)") }
        for (flag, value, extra) in [("--partition", partition, ""), ("--time", time, ""), ("--mem", mem, ""), ("--account", account, ""),
                                     ("--qos", qos, ""), ("--gres", gres, ""), ("--constraint", constraint, "&|[]*!()")] {
            guard let value else { continue }
            let allowed = ":-_.,+" + extra
            guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || allowed.contains($0)) }) else {
                throw SlurmError("\(flag) '\(UntrustedText.forTerminal(value))' has characters Slurm does not use there (letters, digits and \(allowed.map(String.init).joined(separator: " ")) only)")
            }
        }
        for (flag, lines) in [("--sbatch-line", sbatchLines ?? []), ("--setup", setup ?? [])] {
            for line in lines where line.isEmpty || line.unicodeScalars.contains(where: UntrustedText.isControl) {
                throw SlurmError("\(flag) '\(UntrustedText.forTerminal(line))' must be one non-empty line (no line breaks or control characters)")
            }
        }
    }
}

/// One run of a Slurm sweep's plan: everything a task needs to run it, with no spec file.
public struct PlanEntry: Codable, Sendable, Equatable {
    public var id: String
    public var experiment: String
    public var pointID: String
    public var pointIndex: Int
    public var seed: Int
    /// The run's resolved config, as canonical JSON (as stored in the results database).
    public var config: String

    public init(_ run: PlannedRun) {
        id = run.id; experiment = run.experiment; pointID = run.pointID; pointIndex = run.pointIndex
        seed = run.seed; config = run.config.tree.canonicalJSON
    }

    public func plannedRun() throws -> PlannedRun {
        let config = try RunConfig(tree: SpecValue.fromJSON(self.config), file: "sweep plan, run \(id)")
        return PlannedRun(id: id, experiment: experiment, pointID: pointID, pointIndex: pointIndex, seed: seed, config: config)
    }
}

/// `sweep.json`: the sweep's runs with their stable ids, in plan order.
public struct SweepPlan: Codable, Sendable {
    public var version = 1
    public var name: String
    public var runs: [PlanEntry]
}

/// One `sweep submit` or `sweep retry`: its runs cut into array tasks, and the Slurm jobs that
/// carry them (several when the array is larger than MaxArraySize).
public struct Submission: Codable, Sendable {
    public struct ArrayJob: Codable, Sendable, Equatable {
        public var jobID: String
        /// This job's array index i is the submission's task `offset + i`.
        public var offset: Int
        public var count: Int
        public init(jobID: String, offset: Int, count: Int) { self.jobID = jobID; self.offset = offset; self.count = count }
    }
    public var index: Int
    public var createdAt: String
    public var options: SlurmOptions
    /// Task t runs these run ids, in order.
    public var tasks: [[String]]
    public var jobs: [ArrayJob]
}

/// What `sweep status` says about one run of the plan.
public enum SweepRunState: String, Sendable, CaseIterable {
    /// Finished in a shard or in the merged database.
    case done, diverged, failed
    /// Its array task is running / waiting in Slurm's queue.
    case running, queued
    /// Stopped by SIGTERM/SIGUSR1 (preemption, time limit): `retry --missing` runs it again.
    case interrupted
    /// Never run, or its task ended without finishing it (killed, node lost, never submitted).
    case missing
}

/// A shard (or the merged database) that `sweep status`, `merge` or `retry` could not use: it is
/// named and skipped, and the rest of the sweep is reported or merged without it.
public struct DamagedShard: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// What is wrong with it (``StoreError/reason``).
    public var reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path) (\(reason))" }

    /// The one line that ends a command which skipped `damaged`: how many files were used, which
    /// were not and why, and what to do.
    public static func summary(_ damaged: [DamagedShard], used: Int, verb: String) -> String {
        "\(verb) \(used) shard(s); skipped \(damaged.count) damaged: \(damaged.map(\.description).joined(separator: "; ")). "
            + "Skipped files were not modified and nothing was read from them; their runs count as missing (`symlab sweep retry --dir DIR --missing` runs them again)."
    }
}

/// What `sweep merge` did: the runs merged, the shard files read, and the ones skipped.
public struct SweepMergeResult: Sendable, Equatable {
    public var counts: MergeCounts
    public var shardsMerged: Int
    public var skipped: [DamagedShard]
}

public struct SweepStatusReport: Sendable {
    public var name: String
    public var order: [String]
    public var states: [String: SweepRunState]
    public var messages: [String: String]
    public var submissions: Int
    /// Array tasks Slurm still holds (pending or running).
    public var activeTasks: Int
    /// Set when `squeue` could not be asked: running/queued/missing are then guesses.
    public var note: String?
    /// Files that could not be read (damaged, from a newer symlab, …): their runs are not counted.
    public var damaged: [DamagedShard] = []
    /// Shards that were read (those that exist and are sound).
    public var shardsRead = 0

    public var counts: [SweepRunState: Int] {
        var c: [SweepRunState: Int] = [:]
        for id in order { c[states[id]!, default: 0] += 1 }
        return c
    }

    public func ids(_ wanted: Set<SweepRunState>) -> [String] { order.filter { wanted.contains(states[$0]!) } }
}

/// A sweep run as Slurm job arrays, kept in one directory:
///
///     SWEEPDIR/sweep.json                     the plan: every run with its stable id and config
///     SWEEPDIR/results.sqlite                 the merged results (`sweep merge`)
///     SWEEPDIR/slurm/submission-K.sbatch      the batch script of submission K (read it, edit it)
///     SWEEPDIR/slurm/submission-K.json        its tasks (run ids) and Slurm job ids
///     SWEEPDIR/slurm/logs/                    the tasks' stdout/stderr
///     SWEEPDIR/shards/submission-K-task-T.sqlite   one SQLite file per array task
///
/// Each task writes only its own shard: SQLite must not be shared by concurrent writers on a
/// network filesystem. Runs are identified by their stable ids everywhere, so a shard can be
/// merged any number of times and a retry reruns a run with the same seed.
public final class SlurmSweep: @unchecked Sendable {
    public let directory: String
    public var planPath: String { directory + "/sweep.json" }
    public var databasePath: String { directory + "/results.sqlite" }
    public var slurmDirectory: String { directory + "/slurm" }
    public var shardsDirectory: String { directory + "/shards" }

    /// `directory` is made absolute: the batch scripts name it, and tasks start elsewhere.
    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
    }

    public func scriptPath(_ k: Int) -> String { slurmDirectory + "/submission-\(k).sbatch" }
    public func submissionPath(_ k: Int) -> String { slurmDirectory + "/submission-\(k).json" }
    public func shardPath(submission k: Int, task t: Int) -> String { shardsDirectory + "/submission-\(k)-task-\(t).sqlite" }

    // MARK: - The plan

    public func loadPlan() throws -> SweepPlan {
        guard let data = FileManager.default.contents(atPath: planPath) else {
            throw SlurmError("no Slurm sweep in \(directory) (no sweep.json): submit one with `symlab sweep submit SPEC --slurm --dir \(directory)`")
        }
        do { return try JSONDecoder().decode(SweepPlan.self, from: data) } catch {
            throw SlurmError("\(planPath) is not a sweep plan: \(error)")
        }
    }

    /// Writes the spec's runs into the plan (creating it), keeping runs already planned: runs are
    /// known by their stable ids, so submitting the same spec again adds nothing, and a spec
    /// with more seeds or points adds only the new runs. Returns the spec's run ids.
    @discardableResult
    public func addToPlan(_ spec: ExperimentSpec) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var plan: SweepPlan
        if FileManager.default.fileExists(atPath: planPath) {
            plan = try loadPlan()
            guard plan.name == spec.name else {
                throw SlurmError("\(directory) holds the sweep '\(plan.name)', not '\(spec.name)': use another --dir")
            }
        } else {
            plan = SweepPlan(name: spec.name, runs: [])
        }
        let known = Set(plan.runs.map(\.id))
        let runs = spec.runs
        let new = runs.filter { !known.contains($0.id) }
        if !new.isEmpty || !FileManager.default.fileExists(atPath: planPath) {
            plan.runs += new.map(PlanEntry.init)
            try Self.writeJSON(plan, to: planPath)
        }
        return runs.map(\.id)
    }

    // MARK: - Submissions

    public func submissions() throws -> [Submission] {
        guard FileManager.default.fileExists(atPath: slurmDirectory) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: slurmDirectory)
        let indices = names.compactMap { name -> Int? in
            guard name.hasPrefix("submission-"), name.hasSuffix(".json") else { return nil }
            return Int(name.dropFirst("submission-".count).dropLast(".json".count))
        }.sorted()
        return try indices.map(submission)
    }

    public func submission(_ k: Int) throws -> Submission {
        guard let data = FileManager.default.contents(atPath: submissionPath(k)) else {
            throw SlurmError("no submission \(k) in \(directory) (\(submissionPath(k)) is missing)")
        }
        do { return try JSONDecoder().decode(Submission.self, from: data) } catch {
            throw SlurmError("\(submissionPath(k)) is not a submission record: \(error)")
        }
    }

    /// Cuts `runIDs` into array tasks of `options.pointsPerTask` runs, writes the batch script and
    /// the submission record, and submits the array — split into several jobs of at most
    /// MaxArraySize tasks when larger (indices are capped, not counts, so each job starts at
    /// index 0 and the script adds its offset). With `arrayParallelism`, the split jobs are
    /// chained (`afterany`) so that the limit holds for the whole submission.
    ///
    /// The record is on disk before `sbatch` runs (a task may start at once); job ids are added
    /// as each `sbatch` succeeds, so a rejected second half leaves the first recorded and its
    /// own runs `missing`.
    public func submit(runIDs: [String], options: SlurmOptions, client: SlurmClient, launcher: WorkerLauncher) throws -> Submission {
        try options.validate()
        guard !runIDs.isEmpty else { throw SlurmError("nothing to submit") }
        // The paths go into the batch script's `#SBATCH` and comment lines: a line break there
        // would end the line and run the rest as a shell command.
        for (what, path) in [("the sweep directory", directory), ("the symlab executable", launcher.executable)]
        where path.unicodeScalars.contains(where: UntrustedText.isControl) {
            throw SlurmError("\(what) '\(UntrustedText.forTerminal(path))' holds control characters or line breaks; a Slurm batch script cannot name it safely")
        }
        let plan = try loadPlan()
        let known = Set(plan.runs.map(\.id))
        if let unknown = runIDs.first(where: { !known.contains($0) }) { throw SlurmError("run \(unknown) is not in the plan \(planPath)") }
        let maxArray = try client.maxArraySize()
        for d in [slurmDirectory, slurmDirectory + "/logs", shardsDirectory] {
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        }
        let k = try reserveSubmissionIndex()
        let tasks = stride(from: 0, to: runIDs.count, by: options.pointsPerTask).map {
            Array(runIDs[$0..<min($0 + options.pointsPerTask, runIDs.count)])
        }
        var sub = Submission(index: k, createdAt: ResultsStore.now(), options: options, tasks: tasks, jobs: [])
        try Self.writeJSON(sub, to: submissionPath(k))
        try batchScript(submission: k, name: plan.name, runs: runIDs.count, tasks: tasks.count, options: options, launcher: launcher)
            .write(toFile: scriptPath(k), atomically: true, encoding: .utf8)
        var previous: String? = nil
        for offset in stride(from: 0, to: tasks.count, by: maxArray) {
            let count = min(maxArray, tasks.count - offset)
            let job = try client.submitArray(script: scriptPath(k), tasks: count, parallelism: options.arrayParallelism, offset: offset,
                                             after: options.arrayParallelism == nil ? nil : previous)
            sub.jobs.append(.init(jobID: job, offset: offset, count: count))
            try Self.writeJSON(sub, to: submissionPath(k))
            previous = job
        }
        return sub
    }

    /// The batch script a submission of `runIDs` would use, written to SLURMDIR/dry-run.sbatch
    /// (no submission is recorded, no Slurm command runs): `sweep submit --dry-run`, to read the
    /// script — or submit it by hand — on a machine without a Slurm controller.
    public func dryRun(runIDs: [String], options: SlurmOptions, launcher: WorkerLauncher) throws -> (path: String, script: String, tasks: Int) {
        try options.validate()
        guard !runIDs.isEmpty else { throw SlurmError("nothing to submit") }
        let plan = try loadPlan()
        let tasks = (runIDs.count + options.pointsPerTask - 1) / options.pointsPerTask
        let k = (try submissions().map(\.index).max() ?? -1) + 1
        let script = batchScript(submission: k, name: plan.name, runs: runIDs.count, tasks: tasks, options: options, launcher: launcher)
        try FileManager.default.createDirectory(atPath: slurmDirectory, withIntermediateDirectories: true)
        let path = slurmDirectory + "/dry-run.sbatch"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, script, tasks)
    }

    /// Claims the next submission number by creating its record exclusively, so two submits at
    /// once cannot both take it.
    func reserveSubmissionIndex() throws -> Int {
        var k = (try submissions().map(\.index).max() ?? -1) + 1
        while true {
            let fd = open(submissionPath(k), O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if fd >= 0 { close(fd); return k }
            guard errno == EEXIST else { throw SlurmError("cannot create \(submissionPath(k)): \(String(cString: strerror(errno)))") }
            k += 1
        }
    }

    /// The batch script: resources as `#SBATCH` lines, the array and the task offset on the
    /// command line. `exec` makes the worker the batch shell itself, so `B:USR1` (sent 60 s
    /// before the time limit) and preemption's SIGTERM reach it directly. The worker's command
    /// line is the launcher's (the tool's own spelling); its task index and thread count are
    /// the shell's `offset + SLURM_ARRAY_TASK_ID` and `threads`.
    public func batchScript(submission k: Int, name: String, runs: Int, tasks: Int, options: SlurmOptions, launcher: WorkerLauncher) -> String {
        let worker = launcher.slurmTask(.literal(directory), .plain(String(k)), .expansion("$((offset + SLURM_ARRAY_TASK_ID))"), .expansion("$threads"))
        var lines = [
            "#!/bin/bash",
            "# SymmetryLab sweep '\(name)', submission \(k): \(runs) run(s) in \(tasks) array task(s).",
            "# Written by `symlab sweep submit|retry`, which ran: sbatch --array=0-\(tasks - 1)\(options.arrayParallelism.map { "%\($0)" } ?? "") \(scriptPath(k)) 0",
            "# (arrays larger than the cluster's MaxArraySize go as several jobs; the argument is the task offset).",
            "# Task T runs the runs listed in \(submissionPath(k)) and writes only its own shard,",
            "# \(shardsDirectory)/submission-\(k)-task-T.sqlite; `symlab sweep merge --dir \(directory)` collects them.",
            "#SBATCH --job-name=symlab-\(name)",
            "#SBATCH --output=\(slurmDirectory)/logs/submission-\(k)-%A_%a.out",
            "#SBATCH --cpus-per-task=\(options.cpusPerTask)",
        ]
        if let p = options.partition { lines.append("#SBATCH --partition=\(p)") }
        if let t = options.time { lines.append("#SBATCH --time=\(t)") }
        if let m = options.mem { lines.append("#SBATCH --mem=\(m)") }
        if let a = options.account { lines.append("#SBATCH --account=\(a)") }
        if let q = options.qos { lines.append("#SBATCH --qos=\(q)") }
        if let c = options.constraint { lines.append("#SBATCH --constraint=\(c)") }
        if let g = options.gres { lines.append("#SBATCH --gres=\(g)") }
        for l in options.sbatchLines ?? [] { lines.append("#SBATCH \(l)") }
        lines += [
            "# 60 s before the time limit, USR1 to the batch shell (= the worker, see exec): it finishes its",
            "# current write, records its run `interrupted`, and exits; `symlab sweep retry --missing` reruns it.",
            "#SBATCH --signal=B:USR1@60",
            "set -eu",
            "offset=\"${1:-0}\"",
            "threads=\"${SLURM_CPUS_PER_TASK:-1}\"",
            "export OPENBLAS_NUM_THREADS=\"$threads\"",
        ]
        if let setup = options.setup, !setup.isEmpty { lines += ["# Set-up lines given with --setup:"] + setup }
        lines += [
            "exec " + ([ShellWord.literal(launcher.executable)] + worker.submission).map(\.rendered).joined(separator: " ") + " \\",
            "    " + worker.task.map(\.rendered).joined(separator: " "),
            "",
        ]
        return lines.joined(separator: "\n")
    }

    // MARK: - A task

    /// The body of one array task (the worker of ``WorkerLauncher/slurmTask``): plans
    /// its chunk into its own shard and runs it through the same worker loop as a local sweep.
    /// Runs found `running` in the shard were left by an earlier attempt of this task and are run
    /// again; runs already finished in the shard are skipped. Returns whether a stop (SIGTERM,
    /// SIGUSR1) ended it early.
    public func runTask(submission k: Int, task t: Int, threads: Int, log: (String) -> Void) throws -> Bool {
        let sub = try submission(k)
        guard sub.tasks.indices.contains(t) else {
            throw SlurmError("task \(t) is out of range: submission \(k) has \(sub.tasks.count) task(s) (0…\(sub.tasks.count - 1))")
        }
        let ids = sub.tasks[t]
        let entries = Dictionary(uniqueKeysWithValues: try loadPlan().runs.map { ($0.id, $0) })
        let runs = try ids.map { id -> PlannedRun in
            guard let e = entries[id] else { throw SlurmError("run \(id) of submission \(k), task \(t) is not in \(planPath)") }
            return try e.plannedRun()
        }
        let store = try ResultsStore(path: shardPath(submission: k, task: t), shard: true)
        let stale = try store.interruptRunning(message: "its array task ended while running it")
        if !stale.isEmpty { log("resuming \(stale.count) run(s) left running by an earlier attempt of this task") }
        try store.enqueue(runs)
        log("submission \(k), task \(t): \(ids.count) run(s), BLAS at \(threads) thread(s), shard \(store.path)")
        StopRequest.installHandlers()
        return try SweepRunner.workLoop(store: store, ids: ids, experiments: nil, threads: threads, showProgress: false, log: log)
    }

    // MARK: - Status, merge, retry

    /// Every planned run's state, from the merged database, the shards and `squeue`. A finished
    /// result anywhere wins; otherwise a run whose task Slurm still holds is running or queued;
    /// otherwise a failure, an interruption, or nothing (missing) is reported.
    public func status(client: SlurmClient?) throws -> SweepStatusReport {
        let plan = try loadPlan()
        let subs = try submissions()
        var active: [String: Set<Int>]? = nil
        var note: String? = nil
        if let client {
            do { active = try client.activeTasks(jobIDs: subs.flatMap { $0.jobs.map(\.jobID) }) } catch {
                note = "Slurm was not asked (\(error)); running and missing are guessed from the shards alone"
            }
        } else {
            note = "Slurm was not asked; running and missing are guessed from the shards alone"
        }
        // (submission, task) pairs still held by Slurm.
        var activeTasks = Set<[Int]>()
        var taskOfRun: [String: [[Int]]] = [:]
        for s in subs {
            for (t, ids) in s.tasks.enumerated() { for id in ids { taskOfRun[id, default: []].append([s.index, t]) } }
            for job in s.jobs { for i in active?[job.jobID] ?? [] { activeTasks.insert([s.index, job.offset + i]) } }
        }
        var best: [String: ShardRow] = [:]
        var runningNow = Set<String>(), interrupted = Set<String>()
        var sources: [(path: String, task: [Int]?)] = [(databasePath, nil)]
        for s in subs { for t in s.tasks.indices { sources.append((shardPath(submission: s.index, task: t), [s.index, t])) } }
        var damaged: [DamagedShard] = [], shardsRead = 0
        for (path, task) in sources {
            // Each file on its own: a bad one is named and skipped, the others still count.
            let rows: [ShardRow]
            do { rows = try ResultsStore.shardRows(path: path) } catch let e as StoreError {
                damaged.append(DamagedShard(path: e.path, reason: e.reason))
                continue
            }
            if task != nil && FileManager.default.fileExists(atPath: path) { shardsRead += 1 }
            for row in rows {
                if row.status.isFinished {
                    if ResultsStore.mergeRank(best[row.id]?.status.rawValue) < ResultsStore.mergeRank(row.status.rawValue) { best[row.id] = row }
                } else if row.status == .running {
                    // A running row in the shard of a task Slurm no longer holds was left by a killed task.
                    if active == nil || task.map(activeTasks.contains) == true { runningNow.insert(row.id) }
                } else if row.status == .interrupted {
                    interrupted.insert(row.id)
                }
            }
        }
        var states: [String: SweepRunState] = [:], messages: [String: String] = [:]
        for entry in plan.runs {
            let id = entry.id
            let isActive = active == nil ? runningNow.contains(id) : (taskOfRun[id] ?? []).contains(where: activeTasks.contains)
            let state: SweepRunState
            switch best[id]?.status {
            case .done?: state = .done
            case .diverged?: state = .diverged
            default:
                if isActive { state = runningNow.contains(id) ? .running : .queued }
                else if best[id]?.status == .failed { state = .failed }
                else if interrupted.contains(id) { state = .interrupted }
                else { state = .missing }
            }
            states[id] = state
            if let m = best[id]?.message { messages[id] = m }
        }
        return SweepStatusReport(name: plan.name, order: plan.runs.map(\.id), states: states, messages: messages,
                                 submissions: subs.count, activeTasks: activeTasks.count, note: note, damaged: damaged, shardsRead: shardsRead)
    }

    /// Merges every shard into `results.sqlite` (see ``ResultsStore/merge(shard:)``): idempotent,
    /// each run kept once. Shards are taken in submission and task order. A shard that cannot be
    /// used (damaged, truncated, from a newer symlab) is skipped and listed, and the shards after it
    /// are still merged; a failure of `results.sqlite` itself (a full disk) stops the merge.
    public func merge() throws -> SweepMergeResult {
        _ = try loadPlan()
        let store = try ResultsStore(path: databasePath)
        var result = SweepMergeResult(counts: MergeCounts(), shardsMerged: 0, skipped: [])
        for s in try submissions() {
            for t in s.tasks.indices {
                let path = shardPath(submission: s.index, task: t)
                do {
                    result.counts = result.counts + (try store.merge(shard: path))
                    if FileManager.default.fileExists(atPath: path) { result.shardsMerged += 1 }
                } catch let e as StoreError where e.path == path {
                    result.skipped.append(DamagedShard(path: path, reason: e.reason))
                }
            }
        }
        return result
    }

    // MARK: - Files

    static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
