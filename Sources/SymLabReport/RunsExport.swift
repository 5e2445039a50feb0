import Foundation
import SymLabCore
import SymLabExperiments
import SymLabNumerics

/// `symlab runs export`: the runs of a results database as two tables for pandas & co.
///
/// - `runs`: one row per run — its fields (status, seed, environment, tags, note, the config as
///   written as JSON) and then every key of its resolved config as a column by dotted path
///   (`optimizer.weight_decay`, `model.options.init_scale`) and every final metric as
///   `metric.NAME`. A run without a key (another model's option) has an empty cell there.
/// - `curves`: every logged evaluation in long format (run_id, step, split, metric, value).
///
/// As `runs.csv`/`curves.csv` (plus `metrics.csv`, run_id/name/value, as before), `.jsonl` (one
/// JSON object a line, numbers as numbers, missing as null) or `.npz` (one array per column:
/// float64 for numeric columns with NaN for missing, int64 where every cell is an integer,
/// booleans as int64 0/1, text as a unicode array with "" for missing).
public enum RunsExport {
    public enum Format: String, Sendable, CaseIterable { case csv, jsonl, npz }

    /// A table: column names in order and one row of values per run (missing: absent or .null).
    public struct Table: Sendable {
        public var columns: [String]
        public var rows: [[String: SpecValue]]
    }

    /// The fields of a run before its parameters and metrics, in this order.
    static let runColumns = ["id", "experiment", "point_id", "point_index", "seed", "status", "message", "tags", "note",
                             "created_at", "started_at", "ended_at", "host", "git_commit", "git_dirty", "swift_version", "blas", "blas_threads",
                             "precision", "rng", "steps_completed", "diverged_step", "last_finite_loss", "attempts", "config"]

    /// The runs table of `runs`.
    public static func runsTable(_ runs: [RunRecord], store: ResultsStore) throws -> Table {
        var rows: [[String: SpecValue]] = [], parameters = Set<String>(), metricNames = Set<String>()
        for r in runs {
            func text(_ s: String?) -> SpecValue { s.map(SpecValue.string) ?? .null }
            func int(_ i: Int?) -> SpecValue { i.map(SpecValue.int) ?? .null }
            var row: [String: SpecValue] = [
                "id": .string(r.id), "experiment": .string(r.experiment), "point_id": .string(r.pointID), "point_index": .int(r.pointIndex),
                "seed": .int(r.seed), "status": .string(r.status.rawValue), "message": text(r.message),
                "tags": .string(r.tags.joined(separator: ",")), "note": text(r.note), "created_at": .string(r.createdAt),
                "started_at": text(r.startedAt), "ended_at": text(r.endedAt), "host": text(r.host), "git_commit": text(r.gitCommit),
                "git_dirty": r.gitDirty.map(SpecValue.bool) ?? .null, "swift_version": text(r.swiftVersion), "blas": text(r.blas),
                "blas_threads": int(r.blasThreads), "precision": text(r.precision), "rng": text(r.rng), "steps_completed": int(r.stepsCompleted),
                "diverged_step": int(r.divergedStep), "last_finite_loss": r.lastFiniteLoss.map(number) ?? .null, "attempts": .int(r.attempts),
                "config": .string(r.configJSON),
            ]
            let tree: SpecValue
            do { tree = try SpecValue.fromJSON(r.effectiveConfigJSON) } catch {
                // A shared file's config that is not JSON: named, as the store names bad values.
                throw StoreError(path: store.path, .badValue(table: "runs", column: r.resolvedConfigJSON == nil ? "config" : "resolved_config",
                                                             detail: "text that is not a JSON config for run \(r.id)"))
            }
            for (k, v) in tree.leaves() { row[k] = v; parameters.insert(k) }
            for (k, v) in try store.metrics(runID: r.id) { row["metric." + k] = number(v); metricNames.insert("metric." + k) }
            rows.append(row)
        }
        // A parameter named like a run field would overwrite it: none is (fields have no dots,
        // every parameter sits in a section), but the columns keep the field.
        let params = parameters.subtracting(runColumns).sorted()
        return Table(columns: runColumns + params + metricNames.sorted(), rows: rows)
    }

    /// The curves table of `runs` (long format, logged order).
    public static func curvesTable(_ runs: [RunRecord], store: ResultsStore) throws -> Table {
        var rows: [[String: SpecValue]] = []
        for r in runs {
            for p in try store.curves(runID: r.id) {
                rows.append(["run_id": .string(r.id), "step": .int(p.step), "split": .string(p.split), "metric": .string(p.metric), "value": number(p.value)])
            }
        }
        return Table(columns: ["run_id", "step", "split", "metric", "value"], rows: rows)
    }

    /// Writes the tables of `runs` into `directory` (created if missing); returns the paths written.
    public static func write(_ runs: [RunRecord], store: ResultsStore, format: Format, to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var tables = [("runs", try runsTable(runs, store: store)), ("curves", try curvesTable(runs, store: store))]
        if format == .csv {
            // The long metrics table of earlier exports, kept for readers of it.
            var m = Table(columns: ["run_id", "name", "value"], rows: [])
            for r in runs {
                let metrics = try store.metrics(runID: r.id)
                for k in metrics.keys.sorted() { m.rows.append(["run_id": .string(r.id), "name": .string(k), "value": number(metrics[k]!)]) }
            }
            tables.append(("metrics", m))
        }
        var paths: [String] = []
        for (name, table) in tables {
            let path = directory + "/" + name + "." + format.rawValue
            switch format {
            case .csv: try csv(table).write(toFile: path, atomically: true, encoding: .utf8)
            case .jsonl: try jsonl(table).write(toFile: path, atomically: true, encoding: .utf8)
            case .npz: try npz(table).write(to: path)
            }
            paths.append(path)
        }
        return paths
    }

    // MARK: - Formats

    /// RFC 4180 CSV; text cells pass ``CSVExporter/field(_:)`` (quoting, formula neutralising).
    public static func csv(_ t: Table) -> String {
        var out = t.columns.map(CSVExporter.field).joined(separator: ",") + "\n"
        for row in t.rows { out += t.columns.map { CSVExporter.field(cellText(row[$0])) }.joined(separator: ",") + "\n" }
        return out
    }

    /// One JSON object a line, keys in column order, missing cells null.
    public static func jsonl(_ t: Table) -> String {
        t.rows.map { row in
            "{" + t.columns.map { jsonQuote($0) + ":" + (row[$0] ?? .null).canonicalJSON }.joined(separator: ",") + "}\n"
        }.joined()
    }

    /// One array per column, named by the column.
    public static func npz(_ t: Table) -> NPZWriter {
        var w = NPZWriter()
        for c in t.columns {
            let cells = t.rows.map { $0[c] ?? .null }
            let present = cells.filter { $0 != .null }
            func isInt(_ v: SpecValue) -> Bool { if case .int = v { true } else if case .bool = v { true } else { false } }
            if !cells.isEmpty && present.count == cells.count && present.allSatisfy(isInt) {
                w.add(c, .int64(cells.map { if case .int(let i) = $0 { i } else if case .bool(let b) = $0 { b ? 1 : 0 } else { 0 } }, shape: [cells.count]))
            } else if !present.isEmpty && present.allSatisfy({ $0.numericValue != nil }) {
                w.add(c, .float64(cells.map { $0.numericValue ?? .nan }, shape: [cells.count]))
            } else {
                w.add(c, .strings(cells.map { $0 == .null ? "" : cellText($0) }))
            }
        }
        return w
    }

    // MARK: - Cells

    static func number(_ v: Double) -> SpecValue { v.isFinite ? .double(v) : .null }

    /// A cell as text (CSV, npz text columns): numbers shortest round-trip, lists comma-joined.
    static func cellText(_ v: SpecValue?) -> String {
        switch v {
        case nil, .null?: ""
        case .double(let d)?: NumberFormat.shortest(d)
        case .map?: v!.canonicalJSON
        case let v?: v.optionText
        }
    }

}
