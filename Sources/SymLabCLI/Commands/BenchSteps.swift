import ArgumentParser
import Foundation
import SymLabBench

extension SymLab.Bench {
    /// `symlab bench steps`: the papers' networks, one training step, against PyTorch and JAX.
    struct Steps: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One training step (forward, MSE, backward, Adam) of the benchmark networks, optionally next to PyTorch and JAX in the same run.",
            discussion: """
                Models (the same definitions are in bench/peers/models.py): \
                \(StepModel.all.map(\.name).joined(separator: ", ")). Each is timed step by step \
                after a warm-up, as median and p10/p90, for every precision and thread count. \
                With --peers, bench/peers/bench_torch.py and bench_jax.py run as subprocesses \
                with OMP/MKL/OpenBLAS threads set to the same count, and each line shows the \
                ratio peer time / SymmetryLab time (> 1: SymmetryLab is faster). The FLOP floor \
                is the model's FLOPs per step (counted analytically, formulas printed) divided \
                by the GEMM rate measured in the same run; efficiency = floor / median. \
                With --rounds R, each thread count runs R rounds of (ours, torch, JAX) one after the \
                other, and every side is reported by its lowest round median: on a shared host, load from \
                elsewhere only ever slows a round down, and interleaving gives each side the same chances \
                of a quiet round. Every round's measurements go to --json. `make bench` installs the peers \
                into .venv-bench and runs this with --peers.
                """)

        @Flag(help: "Also run the PyTorch and JAX peer scripts in this invocation.") var peers = false
        @Option(help: "Comma-separated models (default: all).") var models = StepModel.all.map(\.name).joined(separator: ",")
        @Option(help: "Comma-separated precisions: f32, f64.") var precision = "f32,f64"
        @Option(help: "Comma-separated thread counts.") var threads = "1,2"
        @Option(help: "Timed steps per model, precision and thread count.") var steps = 300
        @Option(help: "Untimed warm-up steps.") var warmup = 50
        @Option(help: "Interleaved rounds of (ours, torch, JAX) per thread count; each side is reported by its lowest round median.") var rounds = 1
        @Option(help: "Python interpreter for the peers (default: .venv-bench/bin/python if present, else python3).") var python: String?
        @Option(help: "Directory of bench_torch.py and bench_jax.py.") var peersDir = "bench/peers"
        @Option(help: "Also write every measurement as a JSON line to this file.") var json: String?
        @Option(help: "Size n of the n×n GEMM whose rate sets the FLOP floor.") var gemmSize = 1024
        @Flag(help: "With several threads, thread each product (BLAS and kernel threads) instead of splitting the batch into one shard per thread as the trainer does.") var noShards = false

        var modelList: [StepModel] {
            get throws {
                try models.split(separator: ",").map { name in
                    guard let m = StepModel.all.first(where: { $0.name == name }) else {
                        throw ValidationError("unknown model '\(name)' in --models; the models are \(StepModel.all.map(\.name).joined(separator: ", "))")
                    }
                    return m
                }
            }
        }
        var precisions: [String] { precision.split(separator: ",").map(String.init) }
        var threadCounts: [Int] { threads.split(separator: ",").compactMap { Int($0) } }

        func validate() throws {
            guard !(try modelList).isEmpty else { throw ValidationError("--models is empty") }
            guard !precisions.isEmpty, precisions.allSatisfy({ $0 == "f32" || $0 == "f64" }) else {
                throw ValidationError("--precision must list f32 and/or f64, got '\(precision)'")
            }
            let t = threads.split(separator: ",")
            guard !t.isEmpty, threadCounts.count == t.count, threadCounts.allSatisfy({ $0 >= 1 && $0 <= 256 }) else {
                throw ValidationError("--threads must be a comma-separated list of integers in 1…256, got '\(threads)'")
            }
            guard steps >= 10 else { throw ValidationError("--steps must be ≥ 10, got \(steps)") }
            guard warmup >= 0 else { throw ValidationError("--warmup must be ≥ 0, got \(warmup)") }
            guard rounds >= 1 && rounds <= 100 else { throw ValidationError("--rounds must be in 1…100, got \(rounds)") }
            guard gemmSize >= 16 else { throw ValidationError("--gemm-size must be ≥ 16, got \(gemmSize)") }
        }

        func run() throws {
            let scripts = PeerScripts(python: python, directory: peersDir)
            if peers, let missing = scripts.missingScripts.first {
                throw CommandFailure("--peers: \(missing) not found (run from the repository root or pass --peers-dir)")
            }
            let bench = StepsBenchmark(models: try modelList, precisions: precisions, threads: threadCounts, steps: steps, warmup: warmup,
                                       rounds: rounds, peers: peers ? scripts : nil, gemmSize: gemmSize, dataParallel: !noShards)
            let records = try bench.run { print($0) }
            if let json {
                let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
                let parent = (json as NSString).deletingLastPathComponent
                do {
                    if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
                    try (lines.joined(separator: "\n") + "\n").write(toFile: json, atomically: true, encoding: .utf8) }
                catch { throw CommandFailure("cannot write --json \(json): \((FileErrorText.describe(error, withPath: false) ?? "\(error)"))") }
                print("JSON lines: \(json)")
            }
        }
    }
}
