import ArgumentParser
import SymLabExperiments

extension SymLab {
    /// `symlab run SPEC [key=value ...]`
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run an experiment spec (every sweep point × every seed) and record it in the results database.",
            discussion: "Overrides: key.path=value, e.g. `symlab run spec.yaml model.options.width=512 seeds=0..4`; a mapping merges into the spec's (`model.options={depth: 1}` keeps the width), `key.path:=value` replaces it. Runs already done in the database are skipped.\n\n" + SweepExitStatus.help)

        @Argument(help: "The experiment spec (YAML).") var spec: String
        @Argument(help: "Overrides key.path=value.") var overrides: [String] = []
        @Option(help: "Results database (default: results/<name>/results.sqlite).") var db: String?
        @Option(help: "Worker processes (BLAS at 1 thread each).") var workers = 1

        func validate() throws {
            guard workers >= 1 && workers <= 256 else { throw ValidationError("--workers must be in 1…256, got \(workers)") }
        }

        func run() throws {
            let s = try loadSpec(spec, overrides)
            let store = try ResultsStore(path: db ?? defaultDatabase(for: s.name))
            let summary = try SweepRunner.run(s, store: store, workers: .processes(workers, launcher: .symlab()), showProgress: workers == 1 && SweepProgress.isTerminal)
            try SweepExitStatus.finish(s.name, summary, db: store.path)
        }
    }
}
