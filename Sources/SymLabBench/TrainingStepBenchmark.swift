import SymLabAutodiff
import SymLabNumerics
import SymLabOptim

/// One full training step (forward, MSE, backward, Adam) of a 2-layer ReLU MLP on a fixed batch,
/// timed step by step, with the time inside BLAS accounted separately: the rest is framework
/// overhead (tape, elementwise kernels, allocation, the optimizer).
struct TrainingStepBenchmark {
    let inputDim: Int, width: Int, batch: Int, steps: Int
    /// "f64" and/or "f32", in order.
    var precisions = ["f64", "f32"]

    func run(output: (String) -> Void) {
        output("Training step: MLP \(inputDim) → \(width) → 1, ReLU, batch \(batch), MSE, Adam (lr 1e-3); \(steps) timed steps after 50 warm-up")
        output("precision | median µs   p10 µs   p90 µs  steps/s | BLAS µs/step  outside BLAS | CPU µs/step  outside BLAS (CPU)")
        for p in precisions { output(p == "f32" ? measure(Float.self) : measure(Double.self)) }
        output("(outside BLAS = (step time − time inside gemm/gemv) / step time; target < 25%. The CPU columns repeat the")
        output(" measurement in this thread's CPU time (1 BLAS thread only), which other processes on the machine do not inflate.)")
    }

    func measure<S: TensorScalar>(_: S.Type) -> String {
        var rng = RandomStream(seed: 0)
        let store = ParameterStore<S>()
        let w1 = store.add("w1", rng.normal([inputDim, width], std: 1 / Double(inputDim).squareRoot()))
        let b1 = store.add("b1", Tensor(shape: [width]))
        let w2 = store.add("w2", rng.normal([width, 1], std: 1 / Double(width).squareRoot()))
        let b2 = store.add("b2", Tensor(shape: [1]))
        let x: Tensor<S> = rng.normal([batch, inputDim])
        let y: Tensor<S> = rng.normal([batch, 1])
        let optimizer = Optimizer<S>(.adam, learningRate: 1e-3)
        let tape = Tape<S>()
        let step = {
            tape.reset()
            store.zeroGradients()
            // The models' layer: one fused node per dense layer (bias, product, activation).
            let h = Variable.dense([(tape.constant(x), store.bind(w1, on: tape))], bias: store.bind(b1, on: tape), activation: .relu)
            let out = Variable.dense([(h, store.bind(w2, on: tape))], bias: store.bind(b2, on: tape))
            tape.backward(Variable.mse(out, y))
            optimizer.step(store)
        }
        for _ in 0..<50 { step() }
        BLASTimer.start()
        let samples = timeEach(warmup: 0, count: steps, step)
        let (blasSeconds, _) = BLASTimer.stop()
        let t = TimingSummary(samples)
        let total = samples.reduce(0, +)
        let blasPerStep = blasSeconds / Double(steps)
        let outside = 1 - blasSeconds / total
        var line = "\(NumberFormat.rightAligned(S.precisionName, 9)) | \(NumberFormat.rounded(t.median * 1e6, 0, width: 9)) \(NumberFormat.rounded(t.p10 * 1e6, 0, width: 8)) \(NumberFormat.rounded(t.p90 * 1e6, 0, width: 8)) \(NumberFormat.rounded(1 / t.median, 0, width: 8)) | \(NumberFormat.rounded(blasPerStep * 1e6, 0, width: 12)) \(NumberFormat.rounded(outside * 100, 1, width: 12))%"
        if BLAS.threads == 1 {
            BLASTimer.start(threadCPUTime: true)
            let c0 = Clock.threadCPUNanoseconds()
            for _ in 0..<steps { step() }
            let cpu = Double(Clock.threadCPUNanoseconds() - c0) * 1e-9
            let (blasCPU, _) = BLASTimer.stop()
            line += " | \(NumberFormat.rounded(cpu / Double(steps) * 1e6, 0, width: 11)) \(NumberFormat.rounded((1 - blasCPU / cpu) * 100, 1, width: 17))%"
        }
        return line
    }
}
