#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
import CSymLabKernels
#endif
import SymLabNumerics
import SymLabOptim
import SymLabTraining

/// `symlab bench steps`: times SymmetryLab's training step of each model and, optionally, the
/// peers' in the same run, against a FLOP floor from the GEMM rate measured in that run.
public struct StepsBenchmark {
    public let models: [StepModel]
    /// "f32" and/or "f64", in order.
    public let precisions: [String]
    /// BLAS thread counts, each set for the whole process in turn.
    public let threads: [Int]
    public let steps: Int, warmup: Int
    /// Interleaved rounds per thread count; each side keeps its lowest round median.
    public let rounds: Int
    /// nil: SymmetryLab alone.
    public let peers: PeerScripts?
    /// n of the n×n GEMM whose rate sets the FLOP floor.
    public let gemmSize: Int
    /// Whether steps with several threads split the batch into shards, as the trainer does
    /// (``BatchGradient``); off: every product is threaded instead.
    public let dataParallel: Bool

    public init(models: [StepModel], precisions: [String], threads: [Int], steps: Int, warmup: Int, rounds: Int, peers: PeerScripts?,
                gemmSize: Int, dataParallel: Bool) {
        self.models = models; self.precisions = precisions; self.threads = threads; self.steps = steps; self.warmup = warmup
        self.rounds = rounds; self.peers = peers; self.gemmSize = gemmSize; self.dataParallel = dataParallel
    }

    /// A measurement, keyed like the peers' JSON lines.
    public typealias Record = [String: Any]

    /// Measures, hands each line of the tables to `output` as soon as it is measured, and returns
    /// every measurement of every round.
    public func run(output: (String) -> Void) throws -> [Record] {
        output("symlab bench steps — \(BLAS.info); \(warmup) warm-up + \(steps) timed steps; times in µs per step"
              + (rounds > 1 ? "; \(rounds) interleaved rounds (ours, torch, JAX), each side's lowest round median shown" : ""))
        output("one step = forward, MSE, backward, Adam (lr 1e-3) over the flat parameter store, as the trainer runs it"
              + (dataParallel ? "; with T > 1 threads the batch is split into T shards run concurrently (BatchGradient)" : "; every product threaded, no batch shards (--no-shards)"))
        output("")
        var params: [String: Int] = [:]
        for m in models { params[m.name] = try m.make(Double.self).model.parameters.count }
        output("\(NumberFormat.leftAligned("model", 9)) \(NumberFormat.rightAligned("params", 7)) \(NumberFormat.rightAligned("MFLOP", 7))  definition")
        for m in models {
            output("\(NumberFormat.leftAligned(m.name, 9)) \(NumberFormat.rightAligned("\(params[m.name]!)", 7)) \(NumberFormat.rounded(m.flops.count / 1e6, 1, width: 7))  \(m.about)")
        }
        output("FLOPs (matrix products only): " + Set(models.map { m -> String in
            switch m.kind { case .mlp: "mlp " + m.flops.formula; case .gnn: "gnn " + m.flops.formula; case .cnn: "cnn " + m.flops.formula }
        }).sorted().joined(separator: "; "))

        var records: [Record] = []
        var rows: [Row] = []
        if let peak = fmaPeak() {
            output("FMA peak of one core (12 independent AVX2 FMA chains, no memory traffic): f32 \(NumberFormat.rounded(peak.f32 / 1e9, 1)) GFLOP/s, f64 \(NumberFormat.rounded(peak.f64 / 1e9, 1)) GFLOP/s")
            records.append(["library": "fma-peak", "threads": 1, "f32_gflops": peak.f32 / 1e9, "f64_gflops": peak.f64 / 1e9])
        }
        for t in threads {
            BLAS.setThreads(t)
            let load = ForeignLoad()
            let gemm = (f32: gemmRate(Float.self), f64: gemmRate(Double.self))
            output("")
            output("\(t) thread\(t == 1 ? "" : "s"): GEMM \(gemmSize)³ through cblas in this run: f32 \(NumberFormat.rounded(gemm.f32 / 1e9, 1)) GFLOP/s, f64 \(NumberFormat.rounded(gemm.f64 / 1e9, 1)) GFLOP/s")
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
                    for lib in PeerScripts.libraries {
                        let lines = peers.run(lib, models: models, precisions: precisions, threads: t, steps: steps, warmup: warmup)
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
            output(StepsBenchmark.header(peers: peers != nil))
            for m in models {
                for p in precisions {
                    let row = Row(model: m, precision: p, threads: t, ours: ours[m.name + "/" + p]!, blasShare: blas[m.name + "/" + p]!,
                                  torch: peer["torch"]?[m.name + "/" + p], jax: peer["jax"]?[m.name + "/" + p],
                                  gemmRate: p == "f32" ? gemm.f32 : gemm.f64, params: params[m.name]!)
                    output(row.line(peers: peers != nil))
                    rows.append(row)
                }
            }
            output(load.report)
            records.append(["library": "machine", "threads": t, "foreign_load_cores": load.cores ?? -1])
        }
        verdicts(rows).forEach(output)
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
}
