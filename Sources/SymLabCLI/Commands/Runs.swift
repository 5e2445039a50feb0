import ArgumentParser
import SymLabCore
import SymLabExperiments
import SymLabFeatureLearning
import SymLabNumerics
import SymLabReport
import SymLabTraining

extension SymLab {
    /// `symlab runs …`: what a results database holds, run by run.
    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, show, tag, annotate and export recorded runs.",
            subcommands: [List.self, Show.self, Diff.self, Tag.self, Note.self, Export.self, Merge.self])
    }
}

extension SymLab.Runs {
    /// A run id the database does not hold (the id as typed, escaped).
    static func noRun(_ id: String, in path: String) -> CommandFailure {
        CommandFailure("no run '\(UntrustedText.forTerminal(id))' in \(path)")
    }

    /// The results database a runs command reads: `--db`, else the one `symlab run SPEC` writes.
    struct DatabaseChoice: ParsableArguments {
        @Option(help: "Results database.") var db: String?
        @Option(help: "A spec (file, multi-document file or directory): its default database (results/<name>/results.sqlite).") var spec: String?
        func path() throws -> String {
            if let db { return db }
            guard let spec else { throw ValidationError("give --db DATABASE or --spec SPEC") }
            return defaultDatabase(for: try loadSpecs(spec, []), at: spec)
        }
    }

    /// Which runs a command reads: by experiment, status, tags and `--filter` conditions.
    struct RunSelection: ParsableArguments {
        @Option(help: "Only this experiment.") var experiment: String?
        @Option(help: "Only this status.") var status: RunStatus?
        @Option(help: "Only runs with this tag (repeat: every tag).") var tag: [String] = []
        @Option(help: ArgumentHelp("Only runs where KEY OP VALUE holds (repeat: all must hold), e.g. status=done, model=cnn, optimizer.lr<0.01, metric.test_mse<=0.1, tag=baseline.",
                                   discussion: "OP is one of = != < <= > >=. KEY is a run field (id, experiment, seed, status, steps, tag, note), a key of the resolved config, or metric.NAME; a short key means KEY.name, KEY.class or the one config key ending in .KEY (lr → optimizer.lr)."))
        var filter: [String] = []

        func select(_ store: ResultsStore) throws -> [RunRecord] {
            let filters = try filter.map { text -> RunFilter in
                guard let f = RunFilter(text) else { throw ValidationError("--filter \(text): expected KEY OP VALUE with OP one of = != < <= > >=, e.g. status=done") }
                return f
            }
            do {
                return try store.runs(experiment: experiment, status: status).filtered(filters, tags: tag) { try store.metrics(runID: $0.id) }
            } catch let e as FilterError { throw CommandFailure(UntrustedText.forTerminal(e.description)) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "One line per run: id, experiment, seed, status, steps, the swept values, test MSE and test error.",
            discussion: "The swept values are the config keys that differ between an experiment's points, one column each; tags and notes are columns when a run has them.")
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }
        @OptionGroup var database: DatabaseChoice
        @OptionGroup var selection: RunSelection
        @Option(help: "table, csv or json.") var format: Format = .table
        @Option(help: "Sort by this column (e.g. test_mse_normalized, seed, data.n_train); numbers sort as numbers.") var sort: String?
        func run() throws {
            let store = try ResultsStore(path: try database.path(), readOnly: true)
            let runs = try selection.select(store)
            let experiment = selection.experiment
            // Swept keys per experiment, from the points of all its runs.
            var configs: [String: [String]] = [:], seen = Set<String>()
            for r in try store.runs(experiment: experiment) where seen.insert(r.pointID).inserted { configs[r.experiment, default: []].append(r.configJSON) }
            var rows: [[String: String]] = []
            var swept = Set<String>()
            for r in runs {
                let values = SweepProgress.sweptValues(of: r.configJSON, among: configs[r.experiment] ?? [])
                swept.formUnion(values.keys)
                let m = try store.metrics(runID: r.id)
                var row = values
                row["id"] = r.id; row["experiment"] = r.experiment; row["seed"] = String(r.seed); row["status"] = r.status.rawValue
                row["steps"] = String(r.stepsCompleted ?? 0)
                row["test_mse"] = m["test_mse"].map { NumberFormat.significantAsPrintf($0, 4) } ?? ""
                row["test_mse_normalized"] = (m["test_mse_normalized"] ?? m[SchemeMetric.testLossNormalized]).map { NumberFormat.significantAsPrintf($0, 4) } ?? ""
                // The 0-1 error of classification runs (training.zero_one_error, patch-kmeans).
                row["test_error"] = m["test_error"].map { NumberFormat.significantAsPrintf($0, 4) } ?? ""
                row["tags"] = r.tags.joined(separator: ",")
                // A note is a line of the table: long or multi-line notes are for `runs show`.
                if let note = r.note { row["note"] = format == .table ? Self.short(UntrustedText.oneLine(note)) : note }
                rows.append(row)
            }
            let annotations = (runs.contains { !$0.tags.isEmpty } ? ["tags"] : []) + (runs.contains { $0.note != nil } ? ["note"] : [])
            let classification = rows.contains { !($0["test_error"] ?? "").isEmpty } ? ["test_error"] : []
            let columns = ["id", "experiment", "seed", "status", "steps"] + swept.sorted() + ["test_mse", "test_mse_normalized"] + classification + annotations
            if let sort {
                guard columns.contains(sort) else {
                    throw ValidationError("--sort \(sort): no such column\(Suggestion.hint(for: sort, among: columns)); the columns are \(columns.joined(separator: ", "))")
                }
                rows.sort { a, b in
                    let x = a[sort] ?? "", y = b[sort] ?? ""
                    if let p = Double(x), let q = Double(y) { return p < q }
                    return x < y
                }
            }
            switch format {
            case .table:
                // Text from a shared database reaches the terminal escaped.
                let cells = rows.map { r in columns.map { UntrustedText.forTerminal(r[$0] ?? "") } }
                let widths = columns.indices.map { i in max(columns[i].count, cells.map { $0[i].count }.max() ?? 0) }
                print(columns.indices.map { columns[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
                for c in cells { print(c.indices.map { c[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")) }
            case .csv:
                print(columns.map(CSVExporter.field).joined(separator: ","))
                for r in rows { print(columns.map { CSVExporter.field(r[$0] ?? "") }.joined(separator: ",")) }
            case .json:
                print("[" + rows.map { r in "{" + columns.map { "\(jsonQuote($0)): \(jsonQuote(r[$0] ?? ""))" }.joined(separator: ", ") + "}" }.joined(separator: ",\n ") + "]")
            }
        }

        /// At most 40 characters, an ellipsis marking a cut.
        static func short(_ s: String) -> String { s.count <= 40 ? s : String(s.prefix(39)) + "…" }
    }

    /// `symlab runs tag RUN TAG…`: labels to find runs by (`runs list --tag T`).
    struct Tag: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tag", abstract: "Add tags to a run (or remove them with --remove); a spec's `tags:` tags all its runs.")
        @OptionGroup var database: DatabaseChoice
        @Flag(help: "Remove these tags instead.") var remove = false
        @Argument(help: "Run id.") var id: String
        @Argument(help: "Tags (\(RunTag.rule)).") var tags: [String]
        func validate() throws {
            guard !tags.isEmpty else { throw ValidationError("give at least one tag") }
            for t in tags where !RunTag.isValid(t) { throw ValidationError("tag '\(UntrustedText.forTerminal(t))': expected \(RunTag.rule)") }
        }
        func run() throws {
            let path = try database.path()
            let store = try ResultsStore(path: path, create: false)
            let found = remove ? try store.removeTags(tags, runID: id) : try store.addTags(tags, runID: id)
            guard found else { throw SymLab.Runs.noRun(id, in: path) }
            let now = try store.run(id: id)?.tags ?? []
            print(UntrustedText.forTerminal("\(id): tags \(now.isEmpty ? "(none)" : now.joined(separator: ", "))"))
        }
    }

    /// `symlab runs note RUN "text"`: a free-text note kept with the run (empty text clears it).
    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "note", abstract: "Set the note of a run (\"\" clears it); `runs show` prints it, `runs list` shows its first line.")
        @OptionGroup var database: DatabaseChoice
        @Argument(help: "Run id.") var id: String
        @Argument(help: "The note.") var text: String
        func run() throws {
            let path = try database.path()
            let store = try ResultsStore(path: path, create: false)
            guard try store.setNote(text, runID: id) else { throw SymLab.Runs.noRun(id, in: path) }
            print(UntrustedText.forTerminal(text.isEmpty ? "\(id): note cleared" : "\(id): note set"))
        }
    }

    /// `symlab runs diff A B`: how two runs differ — config keys, environment and final metrics.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "diff", abstract: "The resolved config keys, environment and final metrics in which two runs differ.")
        @OptionGroup var database: DatabaseChoice
        @Argument(help: "Run id.") var a: String
        @Argument(help: "Run id.") var b: String
        func run() throws {
            let path = try database.path()
            let store = try ResultsStore(path: path, readOnly: true)
            guard let ra = try store.run(id: a) else { throw SymLab.Runs.noRun(a, in: path) }
            guard let rb = try store.run(id: b) else { throw SymLab.Runs.noRun(b, in: path) }
            func leaves(_ r: RunRecord) -> [String: String] {
                // The resolved configs: a default that changed between the two runs is a difference.
                var out = SweepProgress.keyValues(ofConfig: r.effectiveConfigJSON)
                out["seed"] = String(r.seed); out["status"] = r.status.rawValue
                for (k, v) in [("git", r.gitCommit), ("host", r.host), ("blas", r.blas), ("blas_threads", r.blasThreads.map(String.init)), ("precision", r.precision)] {
                    if let v { out["env." + k] = v }
                }
                return out
            }
            let la = leaves(ra), lb = leaves(rb)
            print("key  \(UntrustedText.forTerminal(a))  \(UntrustedText.forTerminal(b))")
            var same = 0
            for k in Set(la.keys).union(lb.keys).sorted() {
                if la[k] == lb[k] { same += 1; continue }
                print(UntrustedText.forTerminal("\(k)  \(la[k] ?? "–")  \(lb[k] ?? "–")"))
            }
            let ma = try store.metrics(runID: a), mb = try store.metrics(runID: b)
            for k in Set(ma.keys).union(mb.keys).sorted() {
                print(UntrustedText.forTerminal("metric.\(k)  \(ma[k].map { NumberFormat.significant($0, 6) } ?? "–")  \(mb[k].map { NumberFormat.significant($0, 6) } ?? "–")"))
            }
            print("(\(same) config and environment keys equal)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Everything recorded about one run.")
        @OptionGroup var database: DatabaseChoice
        @Argument(help: "Run id.") var id: String
        func run() throws {
            let db = try database.path()
            let store = try ResultsStore(path: db, readOnly: true)
            guard let r = try store.run(id: id) else { throw SymLab.Runs.noRun(id, in: db) }
            // Every text field comes from a database that may have been shared: escaped.
            print(UntrustedText.forTerminal("""
                run \(r.id)  experiment \(r.experiment)  point \(r.pointIndex)  seed \(r.seed)
                status \(r.status.rawValue)\(r.message.map { " — \($0)" } ?? "")
                steps \(r.stepsCompleted ?? 0)\(r.divergedStep.map { ", diverged at step \($0)" } ?? "")\(r.lastFiniteLoss.map { ", last finite loss \($0)" } ?? "")
                started \(r.startedAt ?? "-")  ended \(r.endedAt ?? "-")  attempts \(r.attempts)
                host \(r.host ?? "-")  git \(r.gitCommit ?? "-")\(r.gitDirty == true ? " (dirty)" : "")  swift \(r.swiftVersion ?? "-")
                BLAS \(r.blas ?? "-"), \(r.blasThreads.map(String.init) ?? "-") thread(s)  precision \(r.precision ?? "-")  rng \(r.rng ?? "-")
                config \(r.configJSON)
                """))
            if !r.tags.isEmpty { print(UntrustedText.forTerminal("tags \(r.tags.joined(separator: ", "))")) }
            if let note = r.note { print(UntrustedText.forTerminal("note \(note)")) }
            if let resolved = r.resolvedConfigJSON {
                print("resolved config (every default explicit):")
                let leaves = SweepProgress.keyValues(ofConfig: resolved)
                for k in leaves.keys.sorted() { print(UntrustedText.forTerminal("  \(k) = \(leaves[k]!)")) }
            } else {
                print("resolved config: not recorded (the run was enqueued by a symlab that stored only the config as written, above)")
            }
            let metrics = try store.metrics(runID: id)
            if !metrics.isEmpty { print("metrics:") }
            for k in metrics.keys.sorted() { print(UntrustedText.forTerminal("  \(k) = \(metrics[k]!)")) }
        }
    }

    /// `symlab runs merge --db DB SOURCE…`: one database from several (a figure's specs submitted
    /// to Slurm as one sweep each, each merged into its own sweep directory): a figure run with
    /// `--out` at DB's directory then finds every run done and only draws.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge", abstract: "Copy the runs of other results databases into one (each run kept once, a finished run over an unfinished one).")
        @Option(help: "The database to merge into (created if missing).") var db: String
        @Argument(help: "Results databases to merge from (e.g. each sweep's results.sqlite).") var sources: [String]
        func validate() throws { guard !sources.isEmpty else { throw ValidationError("give at least one database to merge from") } }
        func run() throws {
            let store = try ResultsStore(path: db)
            var total = MergeCounts()
            for source in sources {
                let counts = try store.merge(shard: source)
                print("\(source): \(counts)")
                total = total + counts
            }
            print("\(db): \(total)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Write the runs (one row per run, every resolved parameter and final metric a column) and their curves as CSV, JSON lines or npz.",
            discussion:
                "Writes DIR/runs.FORMAT and DIR/curves.FORMAT (and for csv DIR/metrics.csv). runs: the run's fields, tags, note, the config as written (JSON), then every key of the resolved config by its dotted path (optimizer.weight_decay) and metric.NAME. curves: run_id, step, split, metric, value. In CSV a text cell starting with = + - @ is prefixed with ' (no spreadsheet formulas); python/symlab's load_runs reads every format.")
        @OptionGroup var database: DatabaseChoice
        @OptionGroup var selection: RunSelection
        @Option(help: "csv, jsonl or npz.") var format: RunsExport.Format?
        @Option(help: "Output directory.") var out: String?
        @Option(name: .customLong("csv"), help: "Output directory, in CSV (the same as --format csv --out DIR).") var csvDirectory: String?
        func validate() throws {
            if csvDirectory != nil && (out != nil || (format != nil && format != .csv)) {
                throw ValidationError("--csv DIR is --format csv --out DIR: give one or the other")
            }
            guard csvDirectory != nil || out != nil else { throw ValidationError("give --out DIR (with --format csv|jsonl|npz)") }
        }
        func run() throws {
            let store = try ResultsStore(path: try database.path(), readOnly: true)
            let files = try RunsExport.write(try selection.select(store), store: store, format: csvDirectory != nil ? .csv : (format ?? .csv),
                                             to: csvDirectory ?? out!)
            for f in files { print("wrote \(f)") }
        }
    }
}

extension RunsExport.Format: ExpressibleByArgument {}
extension RunStatus: ExpressibleByArgument {}
