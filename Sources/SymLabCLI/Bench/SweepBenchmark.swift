import ArgumentParser
import Foundation
import SymLabExperiments
import SymLabNumerics

extension SymLab.Bench {
    /// `symlab bench sweep`: many short trainings through the real sweep runner, 1 vs N workers.
    struct SweepThroughput: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sweep",
            abstract: "Sweep throughput: the same short trainings on 1 worker and on N worker processes, through the real SweepRunner.",
            discussion: """
                One spec with --runs seeds of the hardness figures' GNN (depth 2, width 32, hidden 32, \
                mean pooling) on er-parity graphs G(16, 1/2), full-batch Adam, BLAS at 1 thread, is run \
                into a fresh results database twice: with 1 worker (in this process, as `symlab sweep \
                run --workers 1` does) and with --workers `symlab sweep worker` processes. Prints both \
                wall times and the speed-up (target ≥ 1.8× on 2 cores).
                """)

        @Option(help: "Trainings in the sweep (seeds 0..runs-1).") var runs = 40
        @Option(help: "Training steps of each run.") var trainingSteps = 100
        @Option(help: "Training graphs of each run.") var nTrain = 200
        @Option(help: "Worker processes of the parallel sweep.") var workers = 2
        @Option(help: "Keep the two results databases in this directory (default: a temporary directory, removed).") var keep: String?

        func validate() throws {
            guard runs >= 2 else { throw ValidationError("--runs must be ≥ 2, got \(runs)") }
            guard trainingSteps >= 1 else { throw ValidationError("--training-steps must be ≥ 1, got \(trainingSteps)") }
            guard nTrain >= 2 else { throw ValidationError("--n-train must be ≥ 2, got \(nTrain)") }
            guard workers >= 2 && workers <= 256 else { throw ValidationError("--workers must be in 2…256, got \(workers)") }
        }

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

        func run() throws {
            let spec: ExperimentSpec
            do { spec = try ExperimentSpec.parse(yaml: yaml, file: "bench-sweep") } catch let e as SpecError { throw CommandFailure("\(e)") }
            let fm = FileManager.default
            let dir = keep ?? fm.temporaryDirectory.appendingPathComponent("symlab-bench-sweep-\(getpid())").path
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { if keep == nil { try? fm.removeItem(atPath: dir) } }
            print("symlab bench sweep — \(runs) trainings (gnn depth 2 width 32 on er-parity n=16, \(nTrain) graphs, \(trainingSteps) Adam steps, f64, BLAS 1 thread)")
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
                let result = Result { try SweepRunner.run(spec, store: store, workers: .processes(w, launcher: .symlab()), log: { _ in }) }
                if savedStderr >= 0 { dup2(savedStderr, 2); close(savedStderr) }
                let summary = try result.get()
                let t = Clock.seconds() - t0
                let done = summary.counts[.done] ?? 0
                guard done == runs else { throw CommandFailure("the \(w)-worker sweep finished \(done) of \(runs) runs: \(summary) (database \(path))") }
                times[w] = t
                print("\(pad("\(w)", 3)) worker\(w == 1 ? " " : "s"): \(pad(fmt(t, 2), 7)) s  (\(fmt(Double(runs) / t, 2)) runs/s; \(load.report))")
            }
            let speedup = times[1]! / times[workers]!
            print("speed-up \(workers) workers / 1: \(fmt(speedup, 2))× (target ≥ 1.8× on 2 idle cores)")
            if keep != nil { print("databases kept in \(dir)") }
        }
    }
}
