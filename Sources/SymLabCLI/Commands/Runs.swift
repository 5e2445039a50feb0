import ArgumentParser
import SymLabExperiments
import SymLabNumerics
import SymLabReport
import SymLabTraining

extension SymLab {
    /// `symlab runs …`: what a results database holds, run by run.
    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, show and export recorded runs.",
            subcommands: [List.self, Show.self, Export.self, Merge.self])
    }
}

extension SymLab.Runs {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "One line per run.")
        @Option(help: "Results database.") var db: String
        @Option(help: "Only this experiment.") var experiment: String?
        @Option(help: "Only this status.") var status: RunStatus?
        func run() throws {
            let store = try ResultsStore(path: db, readOnly: true)
            print("id                    experiment                point seed status       steps  test_mse")
            for r in try store.runs(experiment: experiment, status: status) {
                let m = try store.metrics(runID: r.id)["test_mse"].map { NumberFormat.significantAsPrintf($0, 4) } ?? "-"
                print("\(r.id.padding(toLength: 21, withPad: " ", startingAt: 0)) \(r.experiment.padding(toLength: 25, withPad: " ", startingAt: 0)) \(String(r.pointIndex).padding(toLength: 5, withPad: " ", startingAt: 0)) \(String(r.seed).padding(toLength: 4, withPad: " ", startingAt: 0)) \(r.status.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(r.stepsCompleted ?? 0).padding(toLength: 6, withPad: " ", startingAt: 0)) \(m)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Everything recorded about one run.")
        @Option(help: "Results database.") var db: String
        @Argument(help: "Run id.") var id: String
        func run() throws {
            let store = try ResultsStore(path: db, readOnly: true)
            guard let r = try store.run(id: id) else { throw CommandFailure("no run '\(id)' in \(db)") }
            print("""
                run \(r.id)  experiment \(r.experiment)  point \(r.pointIndex)  seed \(r.seed)
                status \(r.status.rawValue)\(r.message.map { " — \($0)" } ?? "")
                steps \(r.stepsCompleted ?? 0)\(r.divergedStep.map { ", diverged at step \($0)" } ?? "")\(r.lastFiniteLoss.map { ", last finite loss \($0)" } ?? "")
                started \(r.startedAt ?? "-")  ended \(r.endedAt ?? "-")  attempts \(r.attempts)
                host \(r.host ?? "-")  git \(r.gitCommit ?? "-")\(r.gitDirty == true ? " (dirty)" : "")  swift \(r.swiftVersion ?? "-")
                BLAS \(r.blas ?? "-"), \(r.blasThreads.map(String.init) ?? "-") thread(s)  precision \(r.precision ?? "-")  rng \(r.rng ?? "-")
                config \(r.configJSON)
                """)
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
