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
            abstract: "List, show and export recorded runs.",
            subcommands: [List.self, Show.self, Diff.self, Export.self, Merge.self])
    }
}

extension SymLab.Runs {
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

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "One line per run: id, experiment, seed, status, steps, the swept values, test MSE and test error.",
            discussion: "The swept values are the config keys that differ between an experiment's points, one column each.")
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }
        @OptionGroup var database: DatabaseChoice
        @Option(help: "Only this experiment.") var experiment: String?
        @Option(help: "Only this status.") var status: RunStatus?
        @Option(help: "table, csv or json.") var format: Format = .table
        @Option(help: "Sort by this column (e.g. test_error, seed, data.n_train); numbers sort as numbers.") var sort: String?
        func run() throws {
            let store = try ResultsStore(path: try database.path(), readOnly: true)
            let runs = try store.runs(experiment: experiment, status: status)
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
                row["test_error"] = (m["test_mse_normalized"] ?? m[SchemeMetric.testLossNormalized]).map { NumberFormat.significantAsPrintf($0, 4) } ?? ""
                rows.append(row)
            }
            let columns = ["id", "experiment", "seed", "status", "steps"] + swept.sorted() + ["test_mse", "test_error"]
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
    }

    /// `symlab runs diff A B`: how two runs differ — config keys, environment and final metrics.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "diff", abstract: "The config keys, environment and final metrics in which two runs differ.")
        @OptionGroup var database: DatabaseChoice
        @Argument(help: "Run id.") var a: String
        @Argument(help: "Run id.") var b: String
        func run() throws {
            let path = try database.path()
            let store = try ResultsStore(path: path, readOnly: true)
            guard let ra = try store.run(id: a) else { throw CommandFailure("no run '\(UntrustedText.forTerminal(a))' in \(path)") }
            guard let rb = try store.run(id: b) else { throw CommandFailure("no run '\(UntrustedText.forTerminal(b))' in \(path)") }
            func leaves(_ r: RunRecord) -> [String: String] {
                var out = SweepProgress.keyValues(ofConfig: r.configJSON)
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
            guard let r = try store.run(id: id) else { throw CommandFailure("no run '\(UntrustedText.forTerminal(id))' in \(db)") }
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
            let metrics = try store.metrics(runID: id)
            for k in metrics.keys.sorted() { print("  \(k) = \(metrics[k]!)") }
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
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Write runs, curves and metrics as CSV files (for pandas & co).")
        @Option(help: "Results database.") var db: String
        @Option(name: .customLong("csv"), help: "Output directory for runs.csv, curves.csv and metrics.csv.") var directory: String
        @Option(help: "Only this experiment.") var experiment: String?
        func run() throws {
            let store = try ResultsStore(path: db, readOnly: true)
            let files = try CSVExporter.export(store: store, experiment: experiment, to: directory)
            for f in files { print("wrote \(f)") }
        }
    }
}

extension RunStatus: ExpressibleByArgument {}
