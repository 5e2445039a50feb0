import Foundation
import GRDB
import SymLabTraining

/// A failure of the results database's storage, named for the person who must act on it: which
/// file, what went wrong, and that runs already recorded are intact (every write is one
/// transaction, so a failed write leaves the file as it was before it).
public struct StoreError: Error, CustomStringConvertible {
    public let path: String
    public let underlying: DatabaseError
    public init(path: String, _ underlying: DatabaseError) { self.path = path; self.underlying = underlying }

    public var isDiskFull: Bool { underlying.resultCode == .SQLITE_FULL }

    public var description: String {
        let sqlite = "SQLite: \(underlying.message ?? "error \(underlying.resultCode.rawValue)")"
        switch underlying.resultCode {
        case .SQLITE_FULL:
            return "results database \(path): the disk is full (\(sqlite)). Runs already recorded are intact; free some space and run the same command again to resume."
        case .SQLITE_IOERR:
            return "results database \(path): a disk I/O error (\(sqlite)); is the disk full or the file system read-only? Runs already recorded are intact; fix the storage and run the same command again to resume."
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return "results database \(path): cannot write the file or its directory (\(sqlite)); check its permissions and free space."
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "results database \(path): not a sound SQLite database (\(sqlite)); it was not modified."
        default:
            return "results database \(path): \(underlying)"
        }
    }
}

/// A run as recorded in the results database.
public struct RunRecord: Sendable, Equatable {
    public var id: String
    public var experiment: String
    public var pointID: String
    public var pointIndex: Int
    public var seed: Int
    public var configJSON: String
    public var status: RunStatus
    public var message: String?
    public var createdAt: String
    public var startedAt: String?
    public var endedAt: String?
    public var host: String?
    public var pid: Int?
    public var gitCommit: String?
    public var gitDirty: Bool?
    public var swiftVersion: String?
    public var blas: String?
    public var blasThreads: Int?
    public var precision: String?
    public var rng: String?
    public var stepsCompleted: Int?
    public var divergedStep: Int?
    public var lastFiniteLoss: Double?
    public var attempts: Int
}

/// The embedded SQLite results database (GRDB): one row per run with its full resolved config,
/// status and environment; a table of curves; a table of final metrics.
///
/// Every write is one transaction, so a process killed at any moment leaves every finished run
/// intact; a run that was `running` in a process that no longer exists is found by
/// ``recoverStaleRuns()`` and marked `interrupted` (its partial curves removed) so that it is
/// run again. WAL mode and immediate transactions let several worker processes on one machine
/// share the file.
public final class ResultsStore: @unchecked Sendable {
    public let path: String
    let pool: any DatabaseWriter

    /// `shard: true` opens the file with SQLite's rollback journal instead of WAL: a Slurm task's
    /// shard has one writer but is read from another host (`sweep status` on the login node), and
    /// WAL's shared-memory index does not work across hosts on a network filesystem.
    public init(path: String, shard: Bool = false) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(60)
        do {
            pool = shard ? try DatabaseQueue(path: path, configuration: config) : try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StoreError(path: path, error)
        }
    }

    /// Every write goes through here, so a storage failure (full disk, I/O error, read-only
    /// file) reaches the user as a ``StoreError`` that names the file and says what is kept.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch let error as DatabaseError { throw StoreError(path: path, error) }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "runs") { t in
                t.primaryKey("id", .text)
                t.column("experiment", .text).notNull().indexed()
                t.column("point_id", .text).notNull()
                t.column("point_index", .integer).notNull()
                t.column("seed", .integer).notNull()
                t.column("config", .text).notNull()
                t.column("status", .text).notNull().indexed()
                t.column("message", .text)
                t.column("created_at", .text).notNull()
                t.column("started_at", .text)
                t.column("ended_at", .text)
                t.column("host", .text)
                t.column("pid", .integer)
                t.column("git_commit", .text)
                t.column("git_dirty", .boolean)
                t.column("swift_version", .text)
                t.column("blas", .text)
                t.column("blas_threads", .integer)
                t.column("precision", .text)
                t.column("rng", .text)
                t.column("steps_completed", .integer)
                t.column("diverged_step", .integer)
                t.column("last_finite_loss", .double)
                t.column("attempts", .integer).notNull().defaults(to: 0)
            }
            try db.create(table: "curves") { t in
                t.column("run_id", .text).notNull().indexed().references("runs", onDelete: .cascade)
                t.column("step", .integer).notNull()
                t.column("split", .text).notNull()
                t.column("metric", .text).notNull()
                t.column("value", .double)
            }
            try db.create(table: "metrics") { t in
                t.column("run_id", .text).notNull().references("runs", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("value", .double)
                t.primaryKey(["run_id", "name"])
            }
        }
        return m
    }

    static func now() -> String { UTCTimestamp.now() }

    // MARK: - Planning and claiming

    /// Adds runs as `queued`; runs already present (by id) are left as they are.
    @discardableResult
    public func enqueue(_ runs: [PlannedRun]) throws -> Int {
        try write { db in
            var added = 0
            for r in runs {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO runs (id, experiment, point_id, point_index, seed, config, status, created_at, precision)
                    VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)
                    """, arguments: [r.id, r.experiment, r.pointID, r.pointIndex, r.seed, r.config.tree.canonicalJSON, Self.now(), r.config.precision])
                added += db.changesCount
            }
            return added
        }
    }

    /// Atomically takes the next `queued` or `interrupted` run (of `ids`, if given) for this process
    /// and marks it `running` with the environment; its old partial curves and metrics are removed.
    public func claimNext(among ids: [String]? = nil, experiments: [String]? = nil, environment: RunEnvironment) throws -> RunRecord? {
        try write { db in
            var sql = "SELECT id FROM runs WHERE status IN ('queued', 'interrupted')"
            var args: StatementArguments = []
            if let experiments {
                guard !experiments.isEmpty else { return nil }
                sql += " AND experiment IN (\(experiments.map { _ in "?" }.joined(separator: ",")))"
                args += StatementArguments(experiments)
            }
            if let ids {
                guard !ids.isEmpty else { return nil }
                sql += " AND id IN (\(ids.map { _ in "?" }.joined(separator: ",")))"
                args += StatementArguments(ids)
            }
            sql += " ORDER BY created_at, rowid LIMIT 1"
            guard let id = try String.fetchOne(db, sql: sql, arguments: args) else { return nil }
            try db.execute(sql: "DELETE FROM curves WHERE run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM metrics WHERE run_id = ?", arguments: [id])
            try db.execute(sql: """
                UPDATE runs SET status = 'running', message = NULL, started_at = ?, ended_at = NULL, host = ?, pid = ?,
                    git_commit = ?, git_dirty = ?, swift_version = ?, blas = ?, blas_threads = ?, rng = ?,
                    steps_completed = 0, diverged_step = NULL, last_finite_loss = NULL, attempts = attempts + 1
                WHERE id = ?
                """, arguments: [Self.now(), environment.host, environment.pid, environment.gitCommit, environment.gitDirty,
                                 environment.swiftVersion, environment.blas, environment.blasThreads, environment.rng, id])
            return try Self.fetchRun(db, id: id)
        }
    }

    /// Runs left `running` by processes that no longer exist (killed, crashed) become
    /// `interrupted`, so that the next sweep run picks them up. Returns their ids.
    @discardableResult
    public func recoverStaleRuns(isAlive: (_ pid: Int, _ startedAt: String?) -> Bool = runHolderIsAlive) throws -> [String] {
        try write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, pid, host, started_at FROM runs WHERE status = 'running'")
            var stale: [String] = []
            for row in rows {
                let pid: Int? = row["pid"]
                let host: String? = row["host"]
                // Only this machine's processes can be checked; others are left to their host.
                if host == RunEnvironment.hostName(), let pid, isAlive(pid, row["started_at"]) { continue }
                if host != nil && host != RunEnvironment.hostName() { continue }
                stale.append(row["id"])
            }
            for id in stale {
                try db.execute(sql: "DELETE FROM curves WHERE run_id = ?", arguments: [id])
                try db.execute(sql: "UPDATE runs SET status = 'interrupted', message = 'process ended while running', ended_at = ? WHERE id = ?",
                               arguments: [Self.now(), id])
            }
            return stale
        }
    }

    /// Runs of these experiments that a live process of this machine other than this one is
    /// running now (workers of a sweep killed a moment ago that have not yet noticed, or
    /// another sweep sharing the file), as (run id, pid).
    public func runsHeldByOtherProcesses(experiments: [String]) throws -> [(id: String, pid: Int)] {
        let me = Int(getpid()), host = RunEnvironment.hostName()
        return try runs().filter { r in
            r.status == .running && experiments.contains(r.experiment) && r.host == host
                && r.pid.map { $0 != me && runHolderIsAlive(pid: $0, startedAt: r.startedAt) } == true
        }.map { ($0.id, $0.pid!) }
    }

    /// Sets runs with one of `statuses` back to `queued` (retry with the same seed).
    @discardableResult
    public func requeue(statuses: [RunStatus], experiment: String? = nil) throws -> Int {
        try write { db in
            var sql = "UPDATE runs SET status = 'queued' WHERE status IN (\(statuses.map { "'\($0.rawValue)'" }.joined(separator: ",")))"
            var args: StatementArguments = []
            if let experiment { sql += " AND experiment = ?"; args = [experiment] }
            try db.execute(sql: sql, arguments: args)
            return db.changesCount
        }
    }

    /// Marks every `running` run `interrupted`, whatever its host. For a Slurm shard, which only
    /// its own array task writes: a run found running when the task starts was left by an earlier
    /// attempt of that task (killed, preempted, requeued onto another node).
    @discardableResult
    public func interruptRunning(message: String) throws -> [String] {
        try write { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM runs WHERE status = 'running' ORDER BY rowid")
            for id in ids {
                try db.execute(sql: "DELETE FROM curves WHERE run_id = ?", arguments: [id])
                try db.execute(sql: "UPDATE runs SET status = 'interrupted', message = ?, ended_at = ? WHERE id = ?",
                               arguments: [message, Self.now(), id])
            }
            return ids
        }
    }

    // MARK: - Recording

    public func appendCurves(runID: String, _ points: [CurvePoint], stepsCompleted: Int) throws {
        guard !points.isEmpty else { return }
        try write { db in
            for p in points {
                try db.execute(sql: "INSERT INTO curves (run_id, step, split, metric, value) VALUES (?, ?, ?, ?, ?)",
                               arguments: [runID, p.step, p.split, p.metric, p.value.isFinite ? p.value : nil])
            }
            try db.execute(sql: "UPDATE runs SET steps_completed = ? WHERE id = ?", arguments: [stepsCompleted, runID])
        }
    }

    /// Records how a run ended, with its final metrics, in one transaction.
    public func finish(runID: String, status: RunStatus, message: String?, metrics: [String: Double],
                       stepsCompleted: Int?, divergedStep: Int?, lastFiniteLoss: Double?) throws {
        try write { db in
            for (name, value) in metrics {
                try db.execute(sql: "INSERT OR REPLACE INTO metrics (run_id, name, value) VALUES (?, ?, ?)",
                               arguments: [runID, name, value.isFinite ? value : nil])
            }
            try db.execute(sql: """
                UPDATE runs SET status = ?, message = ?, ended_at = ?, steps_completed = COALESCE(?, steps_completed),
                    diverged_step = ?, last_finite_loss = ? WHERE id = ?
                """, arguments: [status.rawValue, message, Self.now(), stepsCompleted, divergedStep, lastFiniteLoss, runID])
        }
    }

    // MARK: - Reading

    static func fetchRun(_ db: Database, id: String) throws -> RunRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(record)
    }

    static func record(_ row: Row) -> RunRecord {
        RunRecord(
            id: row["id"], experiment: row["experiment"], pointID: row["point_id"], pointIndex: row["point_index"],
            seed: row["seed"], configJSON: row["config"], status: RunStatus(rawValue: row["status"]) ?? .failed,
            message: row["message"], createdAt: row["created_at"], startedAt: row["started_at"], endedAt: row["ended_at"],
            host: row["host"], pid: row["pid"], gitCommit: row["git_commit"], gitDirty: row["git_dirty"],
            swiftVersion: row["swift_version"], blas: row["blas"], blasThreads: row["blas_threads"],
            precision: row["precision"], rng: row["rng"], stepsCompleted: row["steps_completed"],
            divergedStep: row["diverged_step"], lastFiniteLoss: row["last_finite_loss"], attempts: row["attempts"])
    }

    public func run(id: String) throws -> RunRecord? { try pool.read { try Self.fetchRun($0, id: id) } }

    public func runs(experiment: String? = nil, status: RunStatus? = nil) throws -> [RunRecord] {
        try pool.read { db in
            var clauses: [String] = [], args: [DatabaseValueConvertible] = []
            if let experiment { clauses.append("experiment = ?"); args.append(experiment) }
            if let status { clauses.append("status = ?"); args.append(status.rawValue) }
            let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM runs\(whereSQL) ORDER BY experiment, point_index, seed",
                                    arguments: StatementArguments(args)).map(Self.record)
        }
    }

    public func curves(runID: String) throws -> [CurvePoint] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT step, split, metric, value FROM curves WHERE run_id = ? ORDER BY rowid", arguments: [runID]).map {
                CurvePoint(step: $0["step"], split: $0["split"], metric: $0["metric"], value: ($0["value"] as Double?) ?? .nan)
            }
        }
    }

    public func metrics(runID: String) throws -> [String: Double] {
        try pool.read { db in
            var out: [String: Double] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM metrics WHERE run_id = ?", arguments: [runID]) {
                out[row["name"]] = (row["value"] as Double?) ?? .nan
            }
            return out
        }
    }

    /// Counts of runs by status.
    public func statusCounts(experiment: String? = nil) throws -> [RunStatus: Int] {
        var out: [RunStatus: Int] = [:]
        for r in try runs(experiment: experiment) { out[r.status, default: 0] += 1 }
        return out
    }

    /// `PRAGMA integrity_check` → "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
    }
}

// MARK: - Shards (Slurm array tasks)

/// What ``ResultsStore/merge(shard:)`` did with a shard's finished runs.
public struct MergeCounts: Sendable, Equatable, CustomStringConvertible {
    /// Runs the database did not have.
    public var added = 0
    /// Runs the database had in a lower state (failed, or unfinished) and now has finished better.
    public var replaced = 0
    /// Runs the database already had as finished as the shard has them (merged before, or done in two shards).
    public var unchanged = 0
    public init(added: Int = 0, replaced: Int = 0, unchanged: Int = 0) {
        self.added = added; self.replaced = replaced; self.unchanged = unchanged
    }
    public static func + (a: MergeCounts, b: MergeCounts) -> MergeCounts {
        MergeCounts(added: a.added + b.added, replaced: a.replaced + b.replaced, unchanged: a.unchanged + b.unchanged)
    }
    public var description: String { "\(added) added, \(replaced) replaced, \(unchanged) unchanged" }
}

/// A run's row in a shard, as `sweep status` needs it.
public struct ShardRow: Sendable, Equatable {
    public var id: String
    public var status: RunStatus
    public var message: String?
}

extension ResultsStore {
    /// How far a run got, for merging: a finished result beats a failure beats anything unfinished.
    static func mergeRank(_ status: String?) -> Int {
        switch status {
        case "done", "diverged": 2
        case "failed": 1
        default: 0
        }
    }

    /// Copies the finished runs (done, diverged, failed) of a shard into this database, with their
    /// curves and metrics, byte for byte (an SQL copy between attached files, so no value passes
    /// through a conversion). A run is copied only when this database lacks it or holds it in a
    /// lower state (failed or unfinished), so merging is idempotent and a run finished in two
    /// shards is kept once: the first merged. One transaction per shard.
    public func merge(shard shardPath: String) throws -> MergeCounts {
        guard FileManager.default.fileExists(atPath: shardPath) else { return MergeCounts() }
        return try pool.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS shard", arguments: [shardPath])
            defer { try? db.execute(sql: "DETACH DATABASE shard") }
            let hasRuns = try Bool.fetchOne(db, sql: "SELECT COUNT(*) > 0 FROM shard.sqlite_master WHERE type = 'table' AND name = 'runs'") ?? false
            guard hasRuns else { return MergeCounts() }
            // Columns both files have (a shard written by an older build may lack newer ones).
            let mainColumns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(runs)").map { $0["name"] as String }
            let shardColumns = Set(try Row.fetchAll(db, sql: "PRAGMA shard.table_info(runs)").map { $0["name"] as String })
            let columns = mainColumns.filter(shardColumns.contains).map { "\"\($0)\"" }.joined(separator: ", ")
            var counts = MergeCounts()
            try db.inTransaction {
                let rows = try Row.fetchAll(db, sql: "SELECT id, status FROM shard.runs WHERE status IN ('done', 'diverged', 'failed') ORDER BY rowid")
                for row in rows {
                    let id: String = row["id"], status: String = row["status"]
                    let existing = try String.fetchOne(db, sql: "SELECT status FROM main.runs WHERE id = ?", arguments: [id])
                    if let existing {
                        guard Self.mergeRank(existing) < Self.mergeRank(status) else { counts.unchanged += 1; continue }
                        try db.execute(sql: "DELETE FROM main.curves WHERE run_id = ?", arguments: [id])
                        try db.execute(sql: "DELETE FROM main.metrics WHERE run_id = ?", arguments: [id])
                        try db.execute(sql: "DELETE FROM main.runs WHERE id = ?", arguments: [id])
                        counts.replaced += 1
                    } else {
                        counts.added += 1
                    }
                    try db.execute(sql: "INSERT INTO main.runs (\(columns)) SELECT \(columns) FROM shard.runs WHERE id = ?", arguments: [id])
                    try db.execute(sql: """
                        INSERT INTO main.curves (run_id, step, split, metric, value)
                        SELECT run_id, step, split, metric, value FROM shard.curves WHERE run_id = ? ORDER BY rowid
                        """, arguments: [id])
                    try db.execute(sql: "INSERT INTO main.metrics (run_id, name, value) SELECT run_id, name, value FROM shard.metrics WHERE run_id = ?",
                                   arguments: [id])
                }
                return .commit
            }
            return counts
        }
    }

    /// The runs of a shard (or any results file) with their status, read without creating or
    /// migrating anything: `sweep status` reads shards that their tasks may be writing. A file
    /// that does not exist, or whose task has not yet created its tables, has no rows.
    public static func shardRows(path: String) throws -> [ShardRow] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        var config = Configuration()
        config.busyMode = .timeout(60)
        let queue = try DatabaseQueue(path: path, configuration: config)
        return try queue.read { db in
            guard try db.tableExists("runs") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT id, status, message FROM runs ORDER BY rowid").map {
                ShardRow(id: $0["id"], status: RunStatus(rawValue: $0["status"]) ?? .failed, message: $0["message"])
            }
        }
    }
}

/// True when a process with this pid exists on this machine (a zombie, exited and not yet
/// reaped, counts as gone).
public func processIsAlive(_ pid: Int) -> Bool {
    guard kill(pid_t(pid), 0) == 0 || errno == EPERM else { return false }
    #if os(Linux)
    if let stat = procStatFields(pid), stat.first == "Z" { return false }
    #endif
    return true
}

/// True when the process that claimed a run (its pid, at `startedAt`) may still be running it:
/// the pid is alive and, where /proc tells, that process started before the run did. A pid
/// reused by a later process does not hold the run, or a sweep would wait on (or never recover)
/// a run whose process is long gone.
public func runHolderIsAlive(pid: Int, startedAt: String?) -> Bool {
    guard processIsAlive(pid) else { return false }
    #if os(Linux)
    if let startedAt, let claimed = UTCTimestamp.secondsSince1970(startedAt),
       let fields = procStatFields(pid), fields.count > 19, let ticks = Double(fields[19]),
       let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
       let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
       let boot = Double(line.split(separator: " ")[1]) {
        let started = boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
        if started > Double(claimed) + 2 { return false }
    }
    #endif
    return true
}

#if os(Linux)
/// The fields of /proc/<pid>/stat after the command name: [0] is the state, [19] the start time
/// in clock ticks after boot.
func procStatFields(_ pid: Int) -> [Substring]? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    return stat[stat.index(after: close)...].split(separator: " ")
}
#endif
