import Foundation
import SymLabExperiments
import SymLabNumerics

/// `symlab bench sweep`: many short trainings through the real sweep runner, on 1 worker and on
/// N worker processes, into fresh results databases; the wall times and the speed-up.
public struct SweepBenchmark {
    /// Trainings in the sweep (seeds 0..runs-1).
    public let runs: Int
    /// Training steps and training graphs of each run.
    public let trainingSteps: Int, nTrain: Int
    /// Worker processes of the parallel sweep.
    public let workers: Int
    /// Where the two databases are kept; nil: a temporary directory, removed at the end.
    public let keep: String?

    public init(runs: Int, trainingSteps: Int, nTrain: Int, workers: Int, keep: String?) {
        self.runs = runs; self.trainingSteps = trainingSteps; self.nTrain = nTrain; self.workers = workers; self.keep = keep
    }

    /// The hardness figures' GNN on er-parity graphs, full-batch Adam, BLAS at 1 thread.
    var yaml: String {
        """
        name: bench-sweep
        data: {class: er-parity, options: {n: 16}, n_train: \(nTrain), n_val: 50, n_test: 100}
        model: {name: gnn, options: {depth: 2, width: 32, hidden: 32, pooling: mean}}
        optimizer: {name: adam, lr: 0.001}
        training: {steps: \(trainingSteps), eval_every: \(trainingSteps)}
        precision: f64
        threads: 1
        seeds: 0..\(runs - 1)
        """
    }

    /// Runs the sweep with 1 worker, then with `workers`, each through `sweep(spec, store, workers)`
    /// (the caller's sweep runner, which knows how to start its worker processes), and hands each
    /// line to `output` as soon as it is measured. Throws ``BenchmarkFailure`` when a sweep does
    /// not finish every run.
    public func run(sweep: (ExperimentSpec, ResultsStore, Int) throws -> SweepRunner.Summary, output: (String) -> Void) throws {
        let spec = try ExperimentSpec.parse(yaml: yaml, file: "bench-sweep")
        let fm = FileManager.default
        let dir = keep ?? fm.temporaryDirectory.appendingPathComponent("symlab-bench-sweep-\(getpid())").path
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if keep == nil { try? fm.removeItem(atPath: dir) } }
        output("symlab bench sweep — \(runs) trainings (gnn depth 2 width 32 on er-parity n=16, \(nTrain) graphs, \(trainingSteps) Adam steps, f64, BLAS 1 thread)")
        var times: [Int: Double] = [:]
        for w in [1, workers] {
            let path = dir + "/sweep-\(w)-workers.sqlite"
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
            let store = try ResultsStore(path: path)
            let load = ForeignLoad()
            let t0 = Clock.seconds()
            // Worker processes log every run to the stderr they inherit: silence it for the
            // run (a failure still shows, as runs not done, below).
            let savedStderr = dup(2), devNull = open("/dev/null", O_WRONLY)
            if devNull >= 0 { dup2(devNull, 2); close(devNull) }
            let result = Result { try sweep(spec, store, w) }
            if savedStderr >= 0 { dup2(savedStderr, 2); close(savedStderr) }
            let summary = try result.get()
            let t = Clock.seconds() - t0
            let done = summary.counts[.done] ?? 0
            guard done == runs else { throw BenchmarkFailure("the \(w)-worker sweep finished \(done) of \(runs) runs: \(summary) (database \(path))") }
            times[w] = t
            output("\(NumberFormat.rightAligned("\(w)", 3)) worker\(w == 1 ? " " : "s"): \(NumberFormat.rounded(t, 2, width: 7)) s  (\(NumberFormat.rounded(Double(runs) / t, 2)) runs/s; \(load.report))")
        }
        let speedup = times[1]! / times[workers]!
        output("speed-up \(workers) workers / 1: \(NumberFormat.rounded(speedup, 2))× (target ≥ 1.8× on 2 idle cores)")
        if keep != nil { output("databases kept in \(dir)") }
    }
}
