import ArgumentParser
import SymLabBench

extension SymLab.Bench {
    /// `symlab bench models`: one training step of each student of the papers.
    struct Models: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One training step (forward, MSE, backward, Adam) of the GNNs, CNNs and a 3-layer MLP, Float and Double.",
            discussion: """
                (i) gnn-minimal and gnn (registry defaults) on 256 G(16, 1/2) graphs of er-parity; \
                (ii) cnn-minimal and cnn on 256 ±1 vectors of length 16 of cyclic-pattern-parity; \
                (iii) an MLP 32 → 256 → 256 → 1 on 512 Gaussian vectors. Median microseconds per step \
                and steps per second over the timed steps, after warm-up.
                """)

        @Option(help: "BLAS threads.") var threads = 1
        @Option(help: "Timed steps per model and precision (after warm-up).") var steps = 50
        @Option(help: "Untimed warm-up steps.") var warmup = 5
        @Option(help: "Only the models whose name contains this string.") var only: String?

        func validate() throws {
            guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
            guard steps >= 1, warmup >= 0 else { throw ValidationError("--steps must be ≥ 1 and --warmup ≥ 0") }
        }

        func run() throws {
            try ModelsBenchmark(threads: threads, steps: steps, warmup: warmup, only: only).run { print($0) }
        }
    }
}
