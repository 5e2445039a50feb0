#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
import CSymLabKernels
#endif
import ArgumentParser
import Foundation
import SymLabAutodiff
import SymLabExperiments
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim
import SymLabTraining

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
            let interpreter = python ?? (FileManager.default.isExecutableFile(atPath: ".venv-bench/bin/python") ? ".venv-bench/bin/python" : "python3")
            if peers {
                for script in ["bench_torch.py", "bench_jax.py"] where !FileManager.default.fileExists(atPath: peersDir + "/" + script) {
                    throw CommandFailure("--peers: \(peersDir)/\(script) not found (run from the repository root or pass --peers-dir)")
                }
            }
            let bench = StepsBenchmark(models: try modelList, precisions: precisions, threads: threadCounts, steps: steps, warmup: warmup,
                                       rounds: rounds, peers: peers ? (python: interpreter, dir: peersDir) : nil, gemmSize: gemmSize,
                                       dataParallel: !noShards)
            let records = try bench.run()
            if let json {
                let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
                let parent = (json as NSString).deletingLastPathComponent
                do {
                    if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
                    try (lines.joined(separator: "\n") + "\n").write(toFile: json, atomically: true, encoding: .utf8) }
                catch { throw CommandFailure("cannot write --json \(json): \(error.localizedDescription)") }
                print("JSON lines: \(json)")
            }
        }
    }
}

// MARK: - The models

/// One benchmark network: how SymmetryLab builds it, its batch, and its FLOPs per step.
///
/// FLOPs count the matrix products only (elementwise work is free in this count, as in the
/// research note's floors): a product of an m×k by a k×n matrix is 2mkn forward, 2mkn for the
/// weight gradient and 2mkn for the input gradient, except that no input gradient is computed
/// for the data (the first layer). A graph aggregation A·H over B graphs of n nodes with F
/// features is 2Bn²F forward and the same backward unless H is the data. A circular convolution
/// is the im2col product [B·L, Cin·K]·[Cin·K, Cout].
struct StepModel: Sendable {
    enum Kind: Sendable { case mlp(inputs: Int, widths: [Int]), gnn(nodes: Int, widths: [Int], hidden: [Int]), cnn(length: Int, channels: [Int], kernel: Int, hidden: [Int]) }
    let name: String
    let about: String
    let kind: Kind
    let batch: Int
    /// The registry name and options, or nil when the registry cannot express the model (see ``make``).
    let registry: (name: String, options: [String: String])?

    static let all: [StepModel] = [
        StepModel(name: "mlp2", about: "MLP 64→512→1, batch 256", kind: .mlp(inputs: 64, widths: [512]), batch: 256,
                  registry: ("mlp", ["depth": "2", "width": "512"])),
        StepModel(name: "mlp3", about: "MLP 32→256→256→1, batch 512", kind: .mlp(inputs: 32, widths: [256, 256]), batch: 512,
                  registry: ("mlp", ["depth": "3", "width": "256"])),
        // The registry's GNN always has a hidden layer in its head; the issue's GNN reads out
        // linearly, which the GNN type itself supports (hidden: []).
        StepModel(name: "gnn", about: "GNN 256 graphs n=10, 2 layers width 64, sum pool, linear readout", kind: .gnn(nodes: 10, widths: [64, 64], hidden: []),
                  batch: 256, registry: nil),
        StepModel(name: "cnn", about: "cyclic CNN 256 × length 16, 32 channels kernel 16, mean pool, head 64",
                  kind: .cnn(length: 16, channels: [32], kernel: 16, hidden: [64]), batch: 256,
                  registry: ("cnn", ["depth": "1", "channels": "32", "kernel": "16", "hidden": "64", "pooling": "mean"])),
        StepModel(name: "gnn-hard", about: "hardness figures' GNN on 500 graphs n=16 (depth 2, width 32, hidden 32, mean pool)",
                  kind: .gnn(nodes: 16, widths: [32, 32], hidden: [32]), batch: 500,
                  registry: ("gnn", ["depth": "2", "width": "32", "hidden": "32", "pooling": "mean"])),
        StepModel(name: "cnn-hard", about: "hardness figures' CNN on 500 × length 16 (3 convs of 16 channels, kernel 3, hidden 32)",
                  kind: .cnn(length: 16, channels: [16, 16, 16], kernel: 3, hidden: [32]), batch: 500,
                  registry: ("cnn", ["depth": "3", "channels": "16", "kernel": "3", "hidden": "32"])),
    ]

    /// Analytic FLOPs of one step (see the type's comment) and the formula that gives them.
    var flops: (count: Double, formula: String) {
        let b = Double(batch)
        // m×k·k×n product: forward, weight gradient, and input gradient unless the input is data.
        func product(_ m: Double, _ k: Int, _ n: Int, data: Bool) -> Double { 2 * m * Double(k) * Double(n) * (data ? 2 : 3) }
        func head(_ d: Int, _ hidden: [Int]) -> Double {
            var total = 0.0, d = d
            for w in hidden + [1] { total += product(b, d, w, data: false); d = w }
            return total
        }
        switch kind {
        case let .mlp(inputs, widths):
            var total = 0.0, d = inputs
            for (i, w) in (widths + [1]).enumerated() { total += product(b, d, w, data: i == 0); d = w }
            return (total, "Σ_layers 2·B·in·out·3 (·2 for the first layer: no data gradient)")
        case let .gnn(n, widths, hidden):
            var total = 0.0, d = 1
            let nodes = b * Double(n)
            for (i, w) in widths.enumerated() {
                total += 2 * b * Double(n * n * d) * (i == 0 ? 1 : 2)        // A·H
                total += 2 * product(nodes, d, w, data: i == 0)              // H·W_root and (A·H)·W_nbr
                d = w
            }
            return (total + head(d, hidden), "Σ_layers [2·B·n²·F_in·(1|2) + 2·(2·B·n·F_in·F_out·(2|3))] + head")
        case let .cnn(length, channels, kernel, hidden):
            var total = 0.0, d = 1
            for (i, c) in channels.enumerated() { total += product(b * Double(length), d * kernel, c, data: i == 0); d = c }
            return (total + head(d, hidden), "Σ_convs 2·B·L·C_in·K·C_out·(2|3) + head")
        }
    }

    /// The model (initialised from seed 0), its fixed batch and targets.
    func make<S: TensorScalar>(_: S.Type) throws -> (model: any Model<S>, inputs: Inputs<S>, labels: Tensor<S>) {
        var rng = RandomStream(seed: 0)
        let inputs: Inputs<Double>
        switch kind {
        case let .mlp(d, _): inputs = .dense(rng.normal([batch, d]))
        case let .gnn(n, _, _):
            inputs = try FunctionClassRegistry.make("er-parity", options: ["n": "\(n)"]).splits(nTrain: batch, nVal: 0, nTest: 0, seed: 0).train.inputs
        case let .cnn(length, _, _, _):
            inputs = try FunctionClassRegistry.make("cyclic-pattern-parity", options: ["n": "\(length)"]).splits(nTrain: batch, nVal: 0, nTest: 0, seed: 0).train.inputs
        }
        let labels: Tensor<Double> = rng.normal([batch])
        let x: Inputs<S> = inputs.cast()
        let model: any Model<S>
        if let registry {
            model = try ModelRegistry.make(registry.name, options: registry.options, input: InputDescription(x), seed: 0, as: S.self)
        } else if case let .gnn(_, widths, hidden) = kind {
            var r = RandomStream(seed: 0)
            model = GNN<S>(featureSize: 1, configuration: .init(widths: widths, hidden: hidden, pooling: .sum), rng: &r)
        } else {
            fatalError("StepModel \(name): no registry entry and no direct construction")
        }
        return (model, x, labels.cast())
    }
}

// MARK: - The benchmark

/// Times SymmetryLab's training step of each model and, optionally, the peers' in the same run.
struct StepsBenchmark {
    let models: [StepModel]
    let precisions: [String]
    let threads: [Int]
    let steps: Int, warmup: Int
    /// Interleaved rounds per thread count; each side keeps its lowest round median.
    let rounds: Int
    let peers: (python: String, dir: String)?
    let gemmSize: Int
    /// Whether steps with several threads split the batch into shards, as the trainer does
    /// (``BatchGradient``); off: every product is threaded instead.
    var dataParallel = true

    /// A measurement, keyed like the peers' JSON lines.
    typealias Record = [String: Any]

    func run() throws -> [Record] {
        print("symlab bench steps — \(BLAS.info); \(warmup) warm-up + \(steps) timed steps; times in µs per step"
              + (rounds > 1 ? "; \(rounds) interleaved rounds (ours, torch, JAX), each side's lowest round median shown" : ""))
        print("one step = forward, MSE, backward, Adam (lr 1e-3) over the flat parameter store, as the trainer runs it"
              + (dataParallel ? "; with T > 1 threads the batch is split into T shards run concurrently (BatchGradient)" : "; every product threaded, no batch shards (--no-shards)"))
        print("")
        var params: [String: Int] = [:]
        for m in models { params[m.name] = try m.make(Double.self).model.parameters.count }
        print("\(padRight("model", 9)) \(pad("params", 7)) \(pad("MFLOP", 7))  definition")
        for m in models {
            print("\(padRight(m.name, 9)) \(pad("\(params[m.name]!)", 7)) \(pad(fmt(m.flops.count / 1e6, 1), 7))  \(m.about)")
        }
        print("FLOPs (matrix products only): " + Set(models.map { m -> String in
            switch m.kind { case .mlp: "mlp " + m.flops.formula; case .gnn: "gnn " + m.flops.formula; case .cnn: "cnn " + m.flops.formula }
        }).sorted().joined(separator: "; "))

        var records: [Record] = []
        var rows: [Row] = []
        if let peak = fmaPeak() {
            print("FMA peak of one core (12 independent AVX2 FMA chains, no memory traffic): f32 \(fmt(peak.f32 / 1e9, 1)) GFLOP/s, f64 \(fmt(peak.f64 / 1e9, 1)) GFLOP/s")
            records.append(["library": "fma-peak", "threads": 1, "f32_gflops": peak.f32 / 1e9, "f64_gflops": peak.f64 / 1e9])
        }
        for t in threads {
            BLAS.setThreads(t)
            let load = ForeignLoad()
            let gemm = (f32: gemmRate(Float.self), f64: gemmRate(Double.self))
            print("")
            print("\(t) thread\(t == 1 ? "" : "s"): GEMM \(gemmSize)³ through cblas in this run: f32 \(fmt(gemm.f32 / 1e9, 1)) GFLOP/s, f64 \(fmt(gemm.f64 / 1e9, 1)) GFLOP/s")
            records.append(["library": "gemm", "threads": t, "n": gemmSize, "f32_gflops": gemm.f32 / 1e9, "f64_gflops": gemm.f64 / 1e9])
            var ours: [String: TimingSummary] = [:], blas: [String: Double] = [:]
            var peer: [String: [String: [String: Any]]] = [:]
            for round in 1...rounds {
                for m in models {
                    for p in precisions {
                        let key = m.name + "/" + p
                        let (s, share) = p == "f32" ? try measure(m, Float.self) : try measure(m, Double.self)
                        if ours[key].map({ s.median < $0.median }) ?? true { ours[key] = s; blas[key] = share }
                        records.append(["library": "symlab", "model": m.name, "precision": p, "threads": t, "shards": dataParallel ? BatchGradient<Double>.shardCount(batch: m.batch, threads: t) : 1, "params": params[m.name]!,
                                        "batch": m.batch, "steps": steps, "warmup": warmup, "round": round,
                                        "median_us": s.median * 1e6, "p10_us": s.p10 * 1e6, "p90_us": s.p90 * 1e6, "blas_share": share])
                    }
                }
                if let peers {
                    for lib in ["torch", "jax"] {
                        let lines = runPeer(lib, python: peers.python, dir: peers.dir, threads: t)
                        for l in lines {
                            var l = l
                            l["round"] = round
                            records.append(l)
                            guard let m = l["model"] as? String, let p = l["precision"] as? String else { continue }
                            // Keep the lowest successful median; an error only where no round succeeded.
                            let old = peer[lib]?[m + "/" + p]
                            let better: Bool
                            if let new = l["median_us"] as? Double { better = (old?["median_us"] as? Double).map { new < $0 } ?? true }
                            else { better = old == nil }
                            if better { peer[lib, default: [:]][m + "/" + p] = l }
                        }
                    }
                }
            }
            printHeader(peers: peers != nil)
            for m in models {
                for p in precisions {
                    let row = Row(model: m, precision: p, threads: t, ours: ours[m.name + "/" + p]!, blasShare: blas[m.name + "/" + p]!,
                                  torch: peer["torch"]?[m.name + "/" + p], jax: peer["jax"]?[m.name + "/" + p],
                                  gemmRate: p == "f32" ? gemm.f32 : gemm.f64, params: params[m.name]!)
                    print(row.line(peers: peers != nil))
                    rows.append(row)
                }
            }
            print(load.report)
            records.append(["library": "machine", "threads": t, "foreign_load_cores": load.cores ?? -1])
        }
        printVerdicts(rows)
        return records
    }

    /// The real training-step path: the model's forward on a tape, MSE, backward, Adam over the store.
    /// After the timed steps, up to 50 more run with ``BLASTimer`` on (kept out of the median,
    /// whose steps it would slow): the share of a step inside the tensor layer's BLAS calls.
    func measure<S: TensorScalar>(_ m: StepModel, _: S.Type) throws -> (TimingSummary, blasShare: Double) {
        let (model, x, y) = try m.make(S.self)
        let optimizer = Optimizer<S>(.adam, learningRate: 1e-3)
        let gradient = BatchGradient(model: model)
        defer { gradient.reset() }
        let shardCount = dataParallel ? BatchGradient<S>.shardCount(batch: m.batch) : 1
        let shards = LabelledSet(inputs: x, labels: y).shards(shardCount)
        let step = {
            _ = gradient(shards)
            optimizer.step(model.parameters)
        }
        let samples = timeEach(warmup: warmup, count: steps, step)
        BLASTimer.start()
        let accounted = timeEach(warmup: 0, count: Swift.min(steps, 50), step)
        let inside = BLASTimer.stop().seconds
        // Shards run concurrently, each inside BLAS for part of the step: share per shard thread.
        return (TimingSummary(samples), inside / (accounted.reduce(0, +) * Double(shardCount)))
    }

    /// FLOP/s of one core's vector FMA units at full occupancy (`CSymLabKernels/FMAPeak.c`): the
    /// ceiling above the GEMM rate, against which a product kernel's own efficiency is judged. The
    /// best of 5 samples of ≈ 3.5 ms each; nil without AVX2+FMA (the probe has no baseline build).
    func fmaPeak() -> (f32: Double, f64: Double)? {
        guard symlab_cpu_has_avx2_fma() != 0 else { return nil }
        func rate(lanes: Double, _ probe: (Int) -> Double) -> Double {
            let iterations = 2_000_000
            var best = Double.infinity, sink = 0.0
            for _ in 0..<5 {
                let t0 = Clock.nanoseconds()
                sink += probe(iterations)
                best = Swift.min(best, Double(Clock.nanoseconds() - t0) * 1e-9)
            }
            precondition(sink.isFinite, "FMA probe: non-finite sum")
            return Double(iterations) * 12 * lanes * 2 / best
        }
        return (rate(lanes: 8) { Double(symlab_fma_peak_avx2_float($0)) }, rate(lanes: 4) { symlab_fma_peak_avx2_double($0) })
    }

    /// FLOP/s of a direct gemmSize³ cblas product at the current thread count.
    func gemmRate<S: TensorScalar>(_: S.Type) -> Double {
        let rate: Double
        if S.self == Float.self {
            rate = GemmBenchmark.measure(Float.self, n: gemmSize, sampleSeconds: 0.05) { n, a, b, c in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, c, Int32(n))
            }.1
        } else {
            rate = GemmBenchmark.measure(Double.self, n: gemmSize, sampleSeconds: 0.05) { n, a, b, c in
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, c, Int32(n))
            }.1
        }
        return rate * 1e9
    }

    /// Runs one peer script for every model and precision at `threads`; its JSON lines (or one
    /// error line per model and precision when the script itself fails).
    func runPeer(_ lib: String, python: String, dir: String, threads: Int) -> [Record] {
        let failed = { (why: String) -> [Record] in
            models.flatMap { m in precisions.map { ["library": lib, "model": m.name, "precision": $0, "threads": threads, "error": why] as Record } }
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, dir + "/bench_\(lib).py", "--models", models.map(\.name).joined(separator: ","),
                       "--precision", precisions.joined(separator: ","), "--threads", "\(threads)",
                       "--steps", "\(steps)", "--warmup", "\(warmup)"]
        var env = ProcessInfo.processInfo.environment
        for key in ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"] { env[key] = "\(threads)" }
        p.environment = env
        // stderr goes to a file: a chatty peer must not block on a full pipe while we read stdout.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("symlab-bench-\(lib)-\(getpid()).stderr").path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle(forWritingAtPath: errPath)
        do { try p.run() } catch { return failed("cannot start \(python): \(error.localizedDescription)") }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        let lines: [Record] = String(decoding: outData, as: UTF8.self).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? Record
        }
        if lines.isEmpty || p.terminationStatus != 0 {
            let tail = String(decoding: errData, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " | ")
            if lines.isEmpty { return failed("\(lib) peer exited with status \(p.terminationStatus): \(tail)") }
        }
        return lines
    }

    // MARK: Output

    struct Row {
        let model: StepModel, precision: String, threads: Int
        let ours: TimingSummary
        let blasShare: Double
        let torch: [String: Any]?, jax: [String: Any]?
        let gemmRate: Double
        let params: Int

        func median(_ r: [String: Any]?) -> Double? { (r?["median_us"] as? Double).map { $0 * 1e-6 } }
        var floor: Double { model.flops.count / gemmRate }
        var efficiency: Double { floor / ours.median }
        /// The faster peer's median, if any peer has one.
        var bestPeer: Double? { [median(torch), median(jax)].compactMap { $0 }.min() }

        func peerCell(_ r: [String: Any]?) -> String {
            guard let r else { return pad("—", 16) }
            if let e = r["error"] as? String { return pad("error", 16) + (e.isEmpty ? "" : "") }
            guard let t = median(r) else { return pad("?", 16) }
            let mismatch = (r["params"] as? Int).map { $0 != params } ?? false
            return pad(fmt(t * 1e6, 0), 8) + " " + pad(fmt(t / ours.median, 2) + "×", 7) + (mismatch ? "!" : "")
        }

        func line(peers: Bool) -> String {
            let o = "\(pad(fmt(ours.median * 1e6, 0), 8)) [\(fmt(ours.p10 * 1e6, 0))–\(fmt(ours.p90 * 1e6, 0))]"
            var s = "\(padRight(model.name, 9)) \(precision) \(pad("\(threads)", 3)) | \(padRight(o, 24))"
            if peers { s += " | " + peerCell(torch) + " | " + peerCell(jax) }
            s += " | \(pad(fmt(floor * 1e6, 0), 8)) \(pad(fmt(efficiency * 100, 0), 5))% | \(pad(fmt(blasShare * 100, 0), 4))%"
            return s
        }
    }

    func printHeader(peers: Bool) {
        var h = "\(padRight("model", 9)) prec thr | \(padRight("   ours median [p10–p90]", 24))"
        if peers { h += " | \(pad("torch", 8)) \(pad("ratio", 7)) | \(pad("jax", 8)) \(pad("ratio", 7))" }
        h += " | \(pad("floor", 8)) \(pad("eff.", 6)) | BLAS"
        print(h)
    }

    func printVerdicts(_ rows: [Row]) {
        print("")
        print("ratio = peer median / ours (> 1: SymmetryLab faster); floor = FLOPs / GEMM rate of this run; eff. = floor / ours; BLAS = share of our step inside gemm/gemv calls (the rest: framework; with shards, per shard thread); ! = peer parameter count differs")
        let errors = rows.flatMap { r in [("torch", r.torch), ("jax", r.jax)].compactMap { lib, rec in
            (rec?["error"] as? String).map { "\(lib) \(r.model.name) \(r.precision) \(r.threads)T: \($0)" } } }
        for e in Set(errors).sorted().prefix(6) { print("peer error: \(e)") }
        // The issue's table names four networks; the hardness figures' two are timed alongside.
        for (label, names) in [("the four reference networks (mlp2, mlp3, gnn, cnn)", ["mlp2", "mlp3", "gnn", "cnn"]),
                               ("the hardness figures' networks (gnn-hard, cnn-hard)", ["gnn-hard", "cnn-hard"])] {
            let compared = rows.filter { $0.bestPeer != nil && names.contains($0.model.name) }
            guard !compared.isEmpty else { continue }
            let slower = compared.filter { $0.ours.median > $0.bestPeer! }
            print("ours ≤ faster peer on \(label): \(compared.count - slower.count)/\(compared.count)" + (slower.isEmpty ? "" : "; slower on " + slower.map {
                "\($0.model.name) \($0.precision) \($0.threads)T (\(fmt($0.bestPeer! / $0.ours.median, 2))×)" }.joined(separator: ", ")))
        }
        // The issue's stretch target on the GNN, the CNN and the 2-layer (one hidden layer) MLP.
        let targeted = rows.filter { ["gnn", "cnn", "mlp2"].contains($0.model.name) && $0.median($0.torch) != nil && $0.median($0.jax) != nil }
        if !targeted.isEmpty {
            let missed = targeted.filter { $0.median($0.torch)! < 2 * $0.ours.median || $0.median($0.jax)! < 1.2 * $0.ours.median }
            print("≥ 2× torch and ≥ 1.2× JAX on gnn, cnn, mlp2: \(targeted.count - missed.count)/\(targeted.count)" + (missed.isEmpty ? "" : "; not: " + missed.map {
                "\($0.model.name) \($0.precision) \($0.threads)T (torch \(fmt($0.median($0.torch)! / $0.ours.median, 2))×, jax \(fmt($0.median($0.jax)! / $0.ours.median, 2))×)" }.joined(separator: ", ")))
        }
        let f32 = rows.filter { $0.precision == "f32" }
        if !f32.isEmpty {
            let far = f32.filter { $0.ours.median > 2 * $0.floor }
            print("f32 within 2× of the FLOP floor: \(f32.count - far.count)/\(f32.count)" + (far.isEmpty ? "" : "; not: " + far.map {
                "\($0.model.name) \($0.threads)T (\(fmt($0.ours.median / $0.floor, 1))×)" }.joined(separator: ", ")))
        }
    }
}

private func padRight(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// CPU time other processes used during a measurement, in cores: (busy time of the whole
/// machine from /proc/stat − this process's and its reaped children's CPU time) / wall time.
/// On a shared machine this says whether a benchmark's numbers can be trusted (nil off Linux).
struct ForeignLoad {
    private let busy: Double?, own: Double, wall: Double

    init() { busy = Self.machineBusySeconds(); own = Self.ownSeconds(); wall = Clock.seconds() }

    /// Foreign cores since `init`.
    var cores: Double? {
        guard let b0 = busy, let b1 = Self.machineBusySeconds() else { return nil }
        let dt = Clock.seconds() - wall
        guard dt > 0 else { return nil }
        return Swift.max(0, (b1 - b0) - (Self.ownSeconds() - own)) / dt
    }

    /// "foreign load 0.02 cores" with a warning above 0.1 cores.
    var report: String {
        guard let c = cores else { return "foreign load: unknown (no /proc/stat)" }
        return "foreign load during these measurements: \(fmt(c, 2)) cores" + (c > 0.1 ? " — the machine was busy; numbers are not trustworthy" : "")
    }

    static func machineBusySeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard f.count >= 8 else { return nil }
        // user nice system idle iowait irq softirq steal: everything but idle and iowait.
        return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func ownSeconds() -> Double {
        var total = 0.0
        for who in [RUSAGE_SELF, RUSAGE_CHILDREN] {
            var u = rusage()
            #if os(Linux)
            getrusage(__rusage_who_t(who.rawValue), &u)
            #else
            getrusage(who, &u)
            #endif
            total += Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) * 1e-6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) * 1e-6
        }
        return total
    }
}
