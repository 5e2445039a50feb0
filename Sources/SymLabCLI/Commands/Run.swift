import ArgumentParser
import Foundation
import SymLabExperiments
import SymLabNumerics
import SymLabTraining

extension SymLab {
    /// `symlab run SPEC [key=value ...]`
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run experiment specs (every sweep point × every seed) and record them in the results database.",
            discussion: "SPEC is a spec file, a file of several YAML documents (as `symlab figure NAME --print-specs` writes) or a directory of .yaml files; they run in one pool of workers. Overrides: key.path=value, e.g. `symlab run spec.yaml model.options.width=512 seeds=0..4`; a mapping merges into the spec's (`model.options={depth: 1}` keeps the width), `key.path:=value` replaces it; `NAME:key.path=value` overrides only the spec named NAME. Runs already done in the database are skipped.\n\n" + SweepExitStatus.help)

        @Argument(help: "The experiment spec (YAML file, multi-document file or directory).") var spec: String
        @Argument(help: "Overrides key.path=value (or NAME:key.path=value).") var overrides: [String] = []
        @Option(help: "Results database (default: results/<name>/results.sqlite; for several specs results/<file or directory name>/results.sqlite).") var db: String?
        @Option(help: "Worker processes (BLAS at 1 thread each).") var workers = 1
        @Flag(help: "Print the expanded points, run count, memory estimate and config of each, and run nothing.") var dryRun = false

        func validate() throws {
            guard workers >= 1 && workers <= 256 else { throw ValidationError("--workers must be in 1…256, got \(workers)") }
        }

        func run() throws {
            let specs = try loadSpecs(spec, overrides)
            if dryRun { return try printDryRun(specs) }
            let store = try ResultsStore(path: db ?? defaultDatabase(for: specs, at: spec))
            let summary = try SweepRunner.run(specs, store: store, workers: .processes(workers, launcher: .symlab()), showProgress: workers == 1 && SweepProgress.isTerminal)
            try SweepExitStatus.finish(specs.map(\.name).joined(separator: ", "), summary, db: store.path)
        }
    }
}

/// The specs at `path` (a file, a multi-document file or a directory), each checked by the
/// preflight: impossible sizes and bad options stop here, before any work.
func loadSpecs(_ path: String, _ overrides: [String]) throws -> [ExperimentSpec] {
    do {
        let specs = try ExperimentSpec.loadAll(path: path, overrides: overrides)
        printNotes(specs.flatMap(\.notes))
        for s in specs { try Preflight.check(s) }
        return specs
    } catch let e as SpecError { throw CommandFailure("\(e)") }
}

/// One spec: results/<name>/; several: results/<the file's or directory's name>/.
func defaultDatabase(for specs: [ExperimentSpec], at path: String) -> String {
    if specs.count == 1 { return defaultDatabase(for: specs[0].name) }
    let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    return defaultDatabase(for: base.isEmpty ? "specs" : base)
}

/// `--dry-run`: what a sweep would run — per spec the points with their swept values, the run
/// count, each point's memory estimate (the preflight's), config as written and resolved config
/// (``RunConfig/resolvedTree()``, as the run will store it) — without running it.
func printDryRun(_ specs: [ExperimentSpec]) throws {
    let shown = 50
    var total = 0
    for s in specs {
        let estimates = try Preflight.check(s)
        let configs = s.points.map(\.tree.canonicalJSON)
        total += s.runs.count
        print("\(s.name) (\(s.file)): \(s.points.count) point(s) × \(s.seeds.count) seed(s) = \(s.runs.count) run(s); seeds \(s.seeds.map(String.init).joined(separator: ", "))")
        for (i, point) in s.points.enumerated().prefix(shown) {
            let swept = SweepProgress.sweptValues(of: configs[i], among: configs).sorted { $0.key < $1.key }.map { UntrustedText.forTerminal("\($0.key) = \($0.value)") }
            print("  point \(i)\(swept.isEmpty ? "" : ": " + swept.joined(separator: ", ")) — memory \(NumberFormat.bytes(estimates[i].totalBytes)) (\(estimates[i]))")
            print("    config \(point.tree.canonicalJSON)")
            // What the run will store as its resolved config: every default explicit.
            print(UntrustedText.forTerminal("    resolved \(try point.resolvedTree().canonicalJSON)"))
        }
        if s.points.count > shown { print("  … \(s.points.count - shown) more point(s)") }
    }
    print("dry run: \(total) run(s) in \(specs.count) spec(s); nothing was run")
}
