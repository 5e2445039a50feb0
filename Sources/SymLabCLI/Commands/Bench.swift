import ArgumentParser
import SymLabBench

extension SymLab {
    /// `symlab bench …`: benchmarks print ratios measured side by side in one run. Each
    /// subcommand reads its options and runs one benchmark of SymLabBench, which prints through
    /// this module's `print`.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Benchmarks, measured side by side in one run.",
            subcommands: [Core.self, Models.self, Steps.self, Sweep.self, StageOne.self])
    }
}

extension SymLab.Bench {
    /// `symlab bench core`: GEMM and one MLP training step with its framework overhead.
    struct Core: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GEMM through the tensor API vs direct OpenBLAS, and one MLP training step with its framework overhead.",
            discussion: """
                GEMM: n×n×n products, n = 64…1024, Float and Double, the tensor API (Tensor.matmul, \
                which allocates its result) against cblas_?gemm on preallocated buffers, interleaved \
                sample by sample. Training step: a 2-layer ReLU MLP d → width → 1 on a fixed batch \
                (forward, MSE, backward, Adam), with the share of the step spent outside BLAS.
                """)

        @Option(help: "BLAS threads.") var threads = 1
        @Option(help: "GEMM sizes (comma-separated).") var sizes = "64,128,256,512,1024"
        @Option(help: "Seconds per GEMM sample (≥ 0.01).") var sampleSeconds = 0.03
        @Option(help: "Timed training steps (after warm-up).") var steps = 300
        @Option(help: "MLP input dimension.") var inputDim = 64
        @Option(help: "MLP hidden width.") var width = 512
        @Option(help: "Batch size.") var batch = 256
        @Flag(help: "Skip the GEMM part.") var skipGemm = false
        @Option(help: "Training-step precisions (comma-separated: f64, f32), e.g. f32 alone to profile it.") var precision = "f64,f32"

        func validate() throws {
            guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
            guard steps >= 10 else { throw ValidationError("--steps must be ≥ 10, got \(steps)") }
            guard sampleSeconds >= 0.01 else { throw ValidationError("--sample-seconds must be ≥ 0.01") }
            guard inputDim >= 1, width >= 1, batch >= 1 else { throw ValidationError("--input-dim, --width and --batch must be ≥ 1") }
            guard !parsedPrecisions.isEmpty else { throw ValidationError("--precision must list f64 and/or f32, got '\(precision)'") }
            guard parsedSizes != nil else { throw ValidationError("--sizes must be a comma-separated list of positive integers, got '\(sizes)'") }
        }

        var parsedPrecisions: [String] {
            let parts = precision.split(separator: ",").map { $0.trimmingCharacters(in: " ") }
            return parts.allSatisfy({ $0 == "f64" || $0 == "f32" }) ? parts : []
        }

        var parsedSizes: [Int]? {
            let parts = sizes.split(separator: ",").map { Int($0.trimmingCharacters(in: " ")) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
            return parts.map { $0! }
        }

        func run() throws {
            CoreBenchmark(threads: threads, gemm: skipGemm ? nil : (parsedSizes!, sampleSeconds), inputDim: inputDim, width: width, batch: batch,
                          steps: steps, precisions: parsedPrecisions).run { print($0) }
        }
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
