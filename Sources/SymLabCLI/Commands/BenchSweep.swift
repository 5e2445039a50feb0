import ArgumentParser
import SymLabBench
import SymLabExperiments

extension SymLab.Bench {
    /// `symlab bench sweep`: many short trainings through the real sweep runner, 1 vs N workers.
    struct Sweep: ParsableCommand {
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

        func run() throws {
            do {
                try SweepBenchmark(runs: runs, trainingSteps: trainingSteps, nTrain: nTrain, workers: workers, keep: keep)
                    .run(sweep: { spec, store, workers in try SweepRunner.run(spec, store: store, workers: .processes(workers, launcher: .symlab()), log: { _ in }) }) { print($0) }
            } catch let e as SpecError { throw CommandFailure("\(e)") } catch let e as BenchmarkFailure { throw CommandFailure(e.description) }
        }
    }
}
