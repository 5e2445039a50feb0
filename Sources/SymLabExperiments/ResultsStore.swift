import Foundation
import GRDB
import SymLabTraining

/// A results database that cannot be used, named for the person who must act on it: which
/// file, what is wrong, what was expected, and that runs already recorded are intact (every write
/// is one transaction, so a failed write leaves the file as it was; a file refused at opening is
/// not written at all).
public struct StoreError: Error, CustomStringConvertible {
    public enum Problem: Sendable {
        /// SQLite failed while opening, reading or writing the file.
        case sqlite(DatabaseError)
        /// `PRAGMA quick_check` found damage (its first lines).
        case damaged([String])
        /// Migrations this build does not know: a newer symlab wrote the file.
        case newerVersion(unknownMigrations: [String])
        /// Tables or columns this build needs are missing, or the file is some other program's.
        case schema(String)
        /// A stored value this build cannot read as the type it needs.
        case badValue(table: String, column: String, detail: String)
        /// The path exists but is not a regular file (a directory, a device, a FIFO, …).
        case notAFile(String)
        /// A command that only reads was given a path that does not exist.
        case missing
        /// The directory for a new database could not be created.
        case cannotCreateDirectory(String)
    }

    public let path: String
    public let problem: Problem
    public init(path: String, _ problem: Problem) { self.path = path; self.problem = problem }
    public init(path: String, _ underlying: DatabaseError) { self.init(path: path, .sqlite(underlying)) }

    public var isDiskFull: Bool {
        if case .sqlite(let e) = problem { return e.resultCode == .SQLITE_FULL }
        return false
    }

    static let untouched = "It was not modified: results already saved in it are untouched."

    /// What is wrong and what was expected, without the path (for lists of skipped shards).
    public var reason: String {
        switch problem {
        case .sqlite(let e):
            let sqlite = "SQLite: \(e.message ?? "error \(e.resultCode.rawValue)")"
            switch e.resultCode {
            case .SQLITE_FULL: return "the disk is full (\(sqlite))"
            case .SQLITE_IOERR: return "a disk I/O error (\(sqlite)); is the disk full or the file system read-only?"
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return "cannot open or write the file or its directory (\(sqlite)); check its permissions and free space"
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "not a sound SQLite database (\(sqlite)); expected a results database written by symlab"
            default: return "\(e)"
            }
        case .damaged(let lines):
            return "the file is damaged: PRAGMA quick_check reports \"\(lines.joined(separator: "; "))\" where a sound database reports \"ok\""
        case .newerVersion(let unknown):
            return "written by a newer symlab: migrations \(unknown.joined(separator: ", ")); this build knows \(ResultsStore.migrator.migrations.joined(separator: ", ")) only"
        case .schema(let what): return what
        case .badValue(let table, let column, let detail):
            return "table '\(table)', column '\(column)' holds \(detail)"
        case .notAFile(let what):
            return "is \(what); expected a results database file (a regular file, or for a command that creates one a path that does not exist yet)"
        case .missing:
            return "does not exist (nothing was created); expected the path of a results database written by `symlab run`, `sweep run` or `figure`: is there a typo?"
        case .cannotCreateDirectory(let why): return "cannot create its directory (\(why))"
        }
    }

    public var description: String {
        let file = "results database \(path)"
        switch problem {
        case .sqlite(let e):
            switch e.resultCode {
            case .SQLITE_FULL:
                return "\(file): \(reason). Runs already recorded are intact; free some space and run the same command again to resume."
            case .SQLITE_IOERR:
                return "\(file): \(reason) Runs already recorded are intact; fix the storage and run the same command again to resume."
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return "\(file): \(reason). \(Self.untouched)"
            default:
                return "\(file): \(reason). Runs already recorded are intact."
            }
        case .damaged:
            return "\(file): \(reason). Nothing was written to it. \(Self.untouched) Restore it from a copy, save what is readable with `sqlite3 \(path) .recover`, or give another database."
        case .newerVersion:
            return "\(file) was \(reason). Nothing was written to it. \(Self.untouched) Open it with that newer symlab, or give another database."
        case .schema, .badValue:
            return "\(file): \(reason). \(Self.untouched)"
        case .notAFile, .missing:
            return "\(file) \(reason). Nothing was written."
        case .cannotCreateDirectory:
            return "\(file): \(reason). Nothing was written."
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
    /// The fully resolved config (``RunConfig/resolvedTree()``, canonical JSON); nil for a run
    /// enqueued by a symlab that did not record it (a database from before "v2-resolved-config").
    public var resolvedConfigJSON: String?
    /// The user's note (`symlab runs note`): untrusted text.
    public var note: String?
    /// The run's tags, sorted (`tags:` in its spec, `symlab runs tag`).
    public var tags: [String] = []

    /// The resolved config where recorded, else the config as written.
    public var effectiveConfigJSON: String { resolvedConfigJSON ?? configJSON }
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
    ///
    /// Results files are shared between people, so an existing file is checked before anything
    /// is written into it (see ``inspect(path:quickCheck:requireSchema:_:)``): a damaged file, one
    /// written by a newer symlab or one that lacks the columns this build uses is refused with a
    /// ``StoreError`` and left byte for byte as it was, instead of being migrated and written into.
    ///
    /// `readOnly: true` is for commands that only read (`runs`, `sweep status`, `report`): the path
    /// must exist (a typo is not created), and the file is opened read-only, so that reading needs
    /// no write access. A WAL file opened read-only still needs its `-shm` index: SQLite creates it
    /// (and an empty `-wal`) beside the file when the directory is writable, and leaves them for the
    /// next writer to remove; in a read-only directory without them the open fails with a
    /// ``StoreError`` that says so.
    ///
    /// `create: false` is for commands that write into a database they did not create (`runs tag`,
    /// `runs note`): a path that does not exist is refused instead of created.
    public init(path: String, shard: Bool = false, readOnly: Bool = false, create: Bool = true) throws {
        self.path = path
        let exists = try Self.isExistingFile(path)
        if !create && !exists { throw StoreError(path: path, .missing) }
        var config = Configuration()
        config.busyMode = .timeout(60)
        if readOnly {
            guard exists else { throw StoreError(path: path, .missing) }
            config.readonly = true
            pool = try Self.guarded(path) {
                let queue = try DatabaseQueue(path: path, configuration: config)
                try queue.read { try Self.vet($0, path: path, quickCheck: false, requireSchema: true) }
                return queue
            }
            return
        }
        if exists {
            try Self.inspect(path: path, quickCheck: true, requireSchema: false) { _ in }
        } else {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                    throw StoreError(path: path, .cannotCreateDirectory(error.localizedDescription))
                }
            }
        }
        pool = try Self.guarded(path) {
            let pool: any DatabaseWriter = shard ? try DatabaseQueue(path: path, configuration: config) : try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
            return pool
        }
    }

    /// Whether `path` is an existing regular file (a symlink to one counts); false when nothing is
    /// there. Anything else (a directory, `/dev/null`, a FIFO, a dangling symlink) is refused here,
    /// the one place every command's database path passes: SQLite would otherwise open a device or
    /// create `/dev/null-journal`.
    static func isExistingFile(_ path: String) throws -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return false }
            throw StoreError(path: path, .notAFile("not accessible (\(String(cString: strerror(errno))))"))
        }
        if st.st_mode & S_IFMT == S_IFLNK {
            guard stat(path, &st) == 0 else {
                throw StoreError(path: path, .notAFile("a symbolic link to nothing usable (\(String(cString: strerror(errno))))"))
            }
        }
        let what: String
        switch st.st_mode & S_IFMT {
        case S_IFREG: return true
        case S_IFDIR: what = "a directory"
        case S_IFCHR: what = "a character device"
        case S_IFBLK: what = "a block device"
        case S_IFIFO: what = "a FIFO (named pipe)"
        case S_IFSOCK: what = "a socket"
        default: what = "not a regular file"
        }
        throw StoreError(path: path, .notAFile(what))
    }

    /// Opens an existing file on a connection of its own that changes nothing (no journal mode,
    /// no migration), checks it with ``vet(_:path:quickCheck:requireSchema:)`` and runs `body`.
    /// The connection is read-write because a file left by a killed writer may hold a hot
    /// rollback journal, which only a read-write connection can roll back (read-only ones fail);
    /// closing it removes any `-wal`/`-shm` it created, so a refused file has nothing left beside it.
    static func inspect<T>(path: String, quickCheck: Bool, requireSchema: Bool, _ body: (Database) throws -> T) throws -> T {
        try guarded(path) {
            var config = Configuration()
            config.busyMode = .timeout(60)
            let queue = try DatabaseQueue(path: path, configuration: config)
            return try queue.read { db in
                try vet(db, path: path, quickCheck: quickCheck, requireSchema: requireSchema)
                return try body(db)
            }
        }
    }

    /// The checks that come before any write (and before any read, but for `quickCheck`, which
    /// reads the whole file): the file is sound (`PRAGMA quick_check`), was not written by a newer
    /// symlab (migrations this build does not know), and has every table and column this build
    /// reads and writes. A file with no tables is a new database (refused with `requireSchema`).
    static func vet(_ db: Database, path: String, quickCheck: Bool, requireSchema: Bool) throws {
        if quickCheck {
            // Damage SQLite meets while checking (a bad page header) is an error, not a report line.
            let report: [String]
            do { report = try String.fetchAll(db, sql: "PRAGMA quick_check(5)") } catch let e as DatabaseError
                where e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB {
                report = [e.message ?? "error \(e.resultCode.rawValue)"]
            }
            guard report == ["ok"] else { throw StoreError(path: path, .damaged(report)) }
        }
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if tables.isEmpty {
            guard !requireSchema else { throw StoreError(path: path, .schema("the file holds no tables: it is an empty database, not one written by symlab")) }
            return
        }
        guard tables.contains("grdb_migrations") else {
            throw StoreError(path: path, .schema("an SQLite database of some other program (tables \(tables.joined(separator: ", "))), not a symlab results database"))
        }
        let known = migrator.migrations
        let unknown = try migrator.appliedIdentifiers(db).subtracting(known).sorted()
        guard unknown.isEmpty else { throw StoreError(path: path, .newerVersion(unknownMigrations: unknown)) }
        guard let last = try migrator.appliedMigrations(db).last else {
            guard !requireSchema else { throw StoreError(path: path, .schema("no migration was applied: it holds no results tables yet")) }
            return
        }
        let expected = try expectedColumns(upTo: last)
        for (table, columns) in expected {
            guard tables.contains(table) else {
                throw StoreError(path: path, .schema("the table '\(table)' is missing (expected tables \(expected.map(\.table).joined(separator: ", ")))"))
            }
            let present = Set(try db.columns(in: table).map { $0.name.lowercased() })
            let missing = columns.filter { !present.contains($0.lowercased()) }
            guard missing.isEmpty else {
                throw StoreError(path: path, .schema("the table '\(table)' has no column \(missing.map { "'\($0)'" }.joined(separator: ", ")) (expected columns \(columns.joined(separator: ", "))); it was written by another program or version"))
            }
        }
    }

    /// The tables and columns that the migrations up to `migration` create, read from a database
    /// migrated in memory: the schema is written down once (in ``migrator``), and a file is
    /// compared with the migrations it has (later ones will be applied to it).
    static func expectedColumns(upTo migration: String) throws -> [(table: String, columns: [String])] {
        let memory = try DatabaseQueue()
        try migrator.migrate(memory, upTo: migration)
        return try memory.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY rowid")
                .map { ($0, try db.columns(in: $0).map(\.name)) }
        }
    }

    /// Runs `body`, turning SQLite's errors into a ``StoreError`` that names `path`.
    static func guarded<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError { throw StoreError(path: path, error) }
    }

    /// Every write goes through here, so a storage failure (full disk, I/O error, read-only
    /// file) reaches the user as a ``StoreError`` that names the file and says what is kept.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.guarded(path) { try pool.write(body) }
    }

    /// Every read goes through here, for the same reason: a damaged page or an unreadable file
    /// is a ``StoreError`` naming the file, not a raw "SQLite error 11".
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.guarded(path) { try pool.read(body) }
    }

    /// Column `column` of a row of `table`, as `T`, or a ``StoreError`` naming the file, table and
    /// column: GRDB's `row["column"]` stops the process on a NULL or a value of another type, and
    /// a shared file may hold either.
    static func value<T: DatabaseValueConvertible>(_ row: Row, _ column: String, of table: String, in path: String) throws -> T {
        do { return try row.decode(T.self, forColumn: column) } catch {
            let found = row[column] as DatabaseValue?
            let detail = found.map { $0.isNull ? "NULL" : String("\($0)".prefix(80)) } ?? "no such column"
            throw StoreError(path: path, .badValue(table: table, column: column, detail: "\(detail) where \(T.self) was expected"))
        }
    }

    func value<T: DatabaseValueConvertible>(_ row: Row, _ column: String, of table: String) throws -> T {
        try Self.value(row, column, of: table, in: path)
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
        // Each later migration adds what one feature needs and nothing else, so that branches
        // adding columns for different features merge without renumbering; a database opened
        // read-only is never migrated, and a reader checks for what a migration added.
        m.registerMigration("v2-resolved-config") { db in
            // The run's config with every default explicit (``RunConfig/resolvedTree()``); the
            // `config` column keeps the tree as written, which the run id hashes.
            try db.alter(table: "runs") { t in t.add(column: "resolved_config", .text) }
        }
        m.registerMigration("v2-run-annotations") { db in
            // A free-text note per run and any number of tags. The tags have no foreign key, so
            // that ``merge(shard:)`` can replace a run's row and keep the tags given to it.
            try db.alter(table: "runs") { t in t.add(column: "note", .text) }
            try db.create(table: "run_tags") { t in
                t.column("run_id", .text).notNull()
                t.column("tag", .text).notNull().indexed()
                t.primaryKey(["run_id", "tag"])
            }
        }
        m.registerMigration("v2-checkpoints") { db in
            // The last training checkpoint of a run in progress (``TrainingCheckpoint``, binary
            // property list), written in one transaction right after the evaluation it follows;
            // removed when the run ends. A run picked up again continues from it.
            try db.create(table: "checkpoints") { t in
                t.primaryKey("run_id", .text)
                t.column("step", .integer).notNull()
                t.column("state", .blob).notNull()
                t.column("saved_at", .text).notNull()
            }
        }
        return m
    }

    static func now() -> String { UTCTimestamp.now() }

    /// Removes what an unfinished attempt of run `id` logged after its last checkpoint (all of it
    /// without one): the next attempt continues from the checkpoint, or from step 0.
    static func discardUncheckpointedCurves(_ db: Database, runID id: String) throws {
        guard try db.tableExists("checkpoints") else {
            try db.execute(sql: "DELETE FROM curves WHERE run_id = ?", arguments: [id])
            return
        }
        try db.execute(sql: "DELETE FROM curves WHERE run_id = ? AND step > COALESCE((SELECT step FROM checkpoints WHERE run_id = ?), -1)",
                       arguments: [id, id])
    }

    // MARK: - Planning and claiming

    /// Adds runs as `queued` with their resolved config (``RunConfig/resolvedTree()``, once per
    /// point) and the spec's tags; runs already present (by id) are left as they are, but for
    /// the spec's tags, which are added, and a missing resolved config of a run still queued
    /// (enqueued by an older symlab), which is filled in.
    @discardableResult
    public func enqueue(_ runs: [PlannedRun]) throws -> Int {
        var resolved: [String: String] = [:]
        for r in runs where resolved[r.pointID] == nil { resolved[r.pointID] = try r.config.resolvedTree().canonicalJSON }
        return try write { db in
            var added = 0
            for r in runs {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO runs (id, experiment, point_id, point_index, seed, config, status, created_at, precision, resolved_config)
                    VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                    """, arguments: [r.id, r.experiment, r.pointID, r.pointIndex, r.seed, r.config.tree.canonicalJSON, Self.now(),
                                     r.config.precision.rawValue, resolved[r.pointID]])
                added += db.changesCount
                if db.changesCount == 0 {
                    try db.execute(sql: "UPDATE runs SET resolved_config = ? WHERE id = ? AND resolved_config IS NULL AND status = 'queued'",
                                   arguments: [resolved[r.pointID], r.id])
                }
                for tag in r.config.tags {
                    try db.execute(sql: "INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)", arguments: [r.id, tag])
                }
            }
            return added
        }
    }

    // MARK: - Tags and notes

    /// Adds tags to a run (each must pass ``RunTag/isValid(_:)``); false when there is no such run.
    public func addTags(_ tags: [String], runID: String) throws -> Bool {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [runID]) != nil else { return false }
            for tag in tags { try db.execute(sql: "INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)", arguments: [runID, tag]) }
            return true
        }
    }

    /// Removes tags from a run; false when there is no such run.
    public func removeTags(_ tags: [String], runID: String) throws -> Bool {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [runID]) != nil else { return false }
            for tag in tags { try db.execute(sql: "DELETE FROM run_tags WHERE run_id = ? AND tag = ?", arguments: [runID, tag]) }
            return true
        }
    }

    /// Sets (nil or empty: clears) a run's note; false when there is no such run.
    public func setNote(_ note: String?, runID: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE runs SET note = ? WHERE id = ?", arguments: [note?.isEmpty == false ? note : nil, runID])
            return db.changesCount > 0
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
            try Self.discardUncheckpointedCurves(db, runID: id)
            try db.execute(sql: "DELETE FROM metrics WHERE run_id = ?", arguments: [id])
            try db.execute(sql: """
                UPDATE runs SET status = 'running', message = NULL, started_at = ?, ended_at = NULL, host = ?, pid = ?,
                    git_commit = ?, git_dirty = ?, swift_version = ?, blas = ?, blas_threads = ?, rng = ?,
                    steps_completed = 0, diverged_step = NULL, last_finite_loss = NULL, attempts = attempts + 1
                WHERE id = ?
                """, arguments: [Self.now(), environment.host, environment.pid, environment.gitCommit, environment.gitDirty,
                                 environment.swiftVersion, environment.blas, environment.blasThreads, environment.rng, id])
            return try self.fetchRun(db, id: id)
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
                let pid: Int? = try value(row, "pid", of: "runs")
                let host: String? = try value(row, "host", of: "runs")
                // Only this machine's processes can be checked; others are left to their host.
                if host == RunEnvironment.hostName(), let pid, isAlive(pid, try value(row, "started_at", of: "runs")) { continue }
                if host != nil && host != RunEnvironment.hostName() { continue }
                stale.append(try value(row, "id", of: "runs"))
            }
            for id in stale {
                try Self.discardUncheckpointedCurves(db, runID: id)
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
                try Self.discardUncheckpointedCurves(db, runID: id)
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
            if try db.tableExists("checkpoints") { try db.execute(sql: "DELETE FROM checkpoints WHERE run_id = ?", arguments: [runID]) }
        }
    }

    /// Keeps `checkpoint` as run `runID`'s last one (replacing the one before), in one transaction.
    public func saveCheckpoint(runID: String, _ checkpoint: TrainingCheckpoint) throws {
        let state = try checkpoint.encoded()
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO checkpoints (run_id, step, state, saved_at) VALUES (?, ?, ?, ?)",
                           arguments: [runID, checkpoint.step, state, Self.now()])
        }
    }

    /// Run `runID`'s last checkpoint, if it has one (none in a database from before "v2-checkpoints").
    /// A checkpoint that cannot be decoded is an error naming the file: resuming from it silently
    /// from step 0 would hide a damaged file.
    public func checkpoint(runID: String) throws -> TrainingCheckpoint? {
        let data: Data? = try read { db in
            guard try db.tableExists("checkpoints") else { return nil }
            return try Data.fetchOne(db, sql: "SELECT state FROM checkpoints WHERE run_id = ?", arguments: [runID])
        }
        guard let data else { return nil }
        do { return try TrainingCheckpoint.decoded(data) } catch {
            throw StoreError(path: path, .badValue(table: "checkpoints", column: "state", detail: "run \(runID)'s checkpoint cannot be read (\(error))"))
        }
    }

    // MARK: - Reading

    func fetchRun(_ db: Database, id: String) throws -> RunRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else { return nil }
        var r = try record(row)
        r.tags = try tags(db)[id] ?? []
        return r
    }

    /// Every run's tags, sorted; empty for a database from before "v2-run-annotations".
    func tags(_ db: Database) throws -> [String: [String]] {
        guard try db.tableExists("run_tags") else { return [:] }
        var out: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT run_id, tag FROM run_tags ORDER BY run_id, tag") {
            out[try value(row, "run_id", of: "run_tags"), default: []].append(try value(row, "tag", of: "run_tags"))
        }
        return out
    }

    func record(_ row: Row) throws -> RunRecord {
        func v<T: DatabaseValueConvertible>(_ column: String) throws -> T { try value(row, column, of: "runs") }
        // Columns of later migrations: absent from an older file opened read-only.
        func later(_ column: String) throws -> String? { row.hasColumn(column) ? try v(column) : nil }
        var r = RunRecord(
            id: try v("id"), experiment: try v("experiment"), pointID: try v("point_id"), pointIndex: try v("point_index"),
            seed: try v("seed"), configJSON: try v("config"), status: RunStatus(rawValue: try v("status")) ?? .failed,
            message: try v("message"), createdAt: try v("created_at"), startedAt: try v("started_at"), endedAt: try v("ended_at"),
            host: try v("host"), pid: try v("pid"), gitCommit: try v("git_commit"), gitDirty: try v("git_dirty"),
            swiftVersion: try v("swift_version"), blas: try v("blas"), blasThreads: try v("blas_threads"),
            precision: try v("precision"), rng: try v("rng"), stepsCompleted: try v("steps_completed"),
            divergedStep: try v("diverged_step"), lastFiniteLoss: try v("last_finite_loss"), attempts: try v("attempts"))
        r.resolvedConfigJSON = try later("resolved_config")
        r.note = try later("note")
        return r
    }

    public func run(id: String) throws -> RunRecord? { try read { try self.fetchRun($0, id: id) } }

    public func runs(experiment: String? = nil, status: RunStatus? = nil) throws -> [RunRecord] {
        try read { db in
            var clauses: [String] = [], args: [DatabaseValueConvertible] = []
            if let experiment { clauses.append("experiment = ?"); args.append(experiment) }
            if let status { clauses.append("status = ?"); args.append(status.rawValue) }
            let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
            let tags = try self.tags(db)
            return try Row.fetchAll(db, sql: "SELECT * FROM runs\(whereSQL) ORDER BY experiment, point_index, seed",
                                    arguments: StatementArguments(args)).map { row in
                var r = try record(row)
                r.tags = tags[r.id] ?? []
                return r
            }
        }
    }

    public func curves(runID: String) throws -> [CurvePoint] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT step, split, metric, value FROM curves WHERE run_id = ? ORDER BY rowid", arguments: [runID]).map {
                CurvePoint(step: try value($0, "step", of: "curves"), split: try value($0, "split", of: "curves"),
                           metric: try value($0, "metric", of: "curves"), value: (try value($0, "value", of: "curves") as Double?) ?? .nan)
            }
        }
    }

    public func metrics(runID: String) throws -> [String: Double] {
        try read { db in
            var out: [String: Double] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM metrics WHERE run_id = ?", arguments: [runID]) {
                out[try value(row, "name", of: "metrics")] = (try value(row, "value", of: "metrics") as Double?) ?? .nan
            }
            return out
        }
    }

    /// Counts of runs by status.
    public func statusCounts(experiment: String? = nil) throws -> [RunStatus: Int] {
        try statusCounts(experiments: experiment.map { [$0] })
    }

    /// Counts of runs by status over several experiments (all when nil), counted by SQLite: a
    /// sweep asks after every run it finishes, so this must not read every row. A status text
    /// the code does not know counts as failed, as ``runs(experiment:status:)`` reads it.
    public func statusCounts(experiments: [String]?) throws -> [RunStatus: Int] {
        try read { db in
            var sql = "SELECT status, COUNT(*) AS n FROM runs", args: StatementArguments = []
            if let experiments {
                guard !experiments.isEmpty else { return [:] }
                sql += " WHERE experiment IN (" + experiments.map { _ in "?" }.joined(separator: ", ") + ")"
                args = StatementArguments(experiments)
            }
            var out: [RunStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: sql + " GROUP BY status", arguments: args) {
                let status = RunStatus(rawValue: try value(row, "status", of: "runs")) ?? .failed
                out[status, default: 0] += try value(row, "n", of: "runs") as Int
            }
            return out
        }
    }

    /// `PRAGMA integrity_check` → "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
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
    ///
    /// The shard is first checked on its own (``inspect(path:quickCheck:requireSchema:_:)``:
    /// sound, not from a newer symlab, the expected columns); a shard that fails is refused with a
    /// ``StoreError`` whose `path` is the shard's, before anything is copied, so that a caller can
    /// tell a bad shard (skip it) from a failure of this database (stop).
    public func merge(shard shardPath: String) throws -> MergeCounts {
        guard try Self.isExistingFile(shardPath) else { return MergeCounts() }
        let hasRuns = try Self.inspect(path: shardPath, quickCheck: true, requireSchema: false) { try $0.tableExists("runs") }
        guard hasRuns else { return MergeCounts() }
        return try Self.guarded(path) { try pool.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS shard", arguments: [shardPath])
            defer { try? db.execute(sql: "DETACH DATABASE shard") }
            // Columns both files have (a shard written by an older build may lack newer ones).
            let mainColumns = try db.columns(in: "runs", in: "main").map(\.name)
            let shardColumns = Set(try db.columns(in: "runs", in: "shard").map(\.name))
            let columns = mainColumns.filter(shardColumns.contains).map { "\"\($0)\"" }.joined(separator: ", ")
            let hasNote = mainColumns.contains("note")
            let shardTags = try db.tableExists("run_tags", in: "shard")
            var counts = MergeCounts()
            try db.inTransaction {
                let rows = try Row.fetchAll(db, sql: "SELECT id, status FROM shard.runs WHERE status IN ('done', 'diverged', 'failed') ORDER BY rowid")
                for row in rows {
                    let id: String = try Self.value(row, "id", of: "runs", in: shardPath)
                    let status: String = try Self.value(row, "status", of: "runs", in: shardPath)
                    let existing = try String.fetchOne(db, sql: "SELECT status FROM main.runs WHERE id = ?", arguments: [id])
                    var keptNote: String? = nil
                    if let existing {
                        guard Self.mergeRank(existing) < Self.mergeRank(status) else { counts.unchanged += 1; continue }
                        keptNote = hasNote ? try String.fetchOne(db, sql: "SELECT note FROM main.runs WHERE id = ?", arguments: [id]) : nil
                        try db.execute(sql: "DELETE FROM main.curves WHERE run_id = ?", arguments: [id])
                        try db.execute(sql: "DELETE FROM main.metrics WHERE run_id = ?", arguments: [id])
                        try db.execute(sql: "DELETE FROM main.runs WHERE id = ?", arguments: [id])
                        counts.replaced += 1
                    } else {
                        counts.added += 1
                    }
                    try db.execute(sql: "INSERT INTO main.runs (\(columns)) SELECT \(columns) FROM shard.runs WHERE id = ?", arguments: [id])
                    // A note or tags given to the run in this database stay with it.
                    if let keptNote { try db.execute(sql: "UPDATE main.runs SET note = COALESCE(note, ?) WHERE id = ?", arguments: [keptNote, id]) }
                    if shardTags {
                        try db.execute(sql: "INSERT OR IGNORE INTO main.run_tags (run_id, tag) SELECT run_id, tag FROM shard.run_tags WHERE run_id = ?", arguments: [id])
                    }
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
        } }
    }

    /// The runs of a shard (or any results file) with their status, read without creating or
    /// migrating anything: `sweep status` reads shards that their tasks may be writing. A file
    /// that does not exist, or whose task has not yet created its tables, has no rows. The file is
    /// checked first as for merging; a bad one is a ``StoreError`` naming it.
    public static func shardRows(path: String) throws -> [ShardRow] {
        guard try isExistingFile(path) else { return [] }
        return try inspect(path: path, quickCheck: true, requireSchema: false) { db in
            guard try db.tableExists("runs") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT id, status, message FROM runs ORDER BY rowid").map {
                ShardRow(id: try value($0, "id", of: "runs", in: path),
                         status: RunStatus(rawValue: try value($0, "status", of: "runs", in: path)) ?? .failed,
                         message: try value($0, "message", of: "runs", in: path))
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
