import ArgumentParser
import SymLabAutodiff
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim

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
            BLAS.setThreads(threads)
            print("symlab bench models — BLAS threads: \(BLAS.threads); \(BLAS.info)")
            print("one step = forward, MSE, backward, Adam (lr 1e-3); \(steps) timed steps after \(warmup) warm-up; median")
            try ModelsBenchmark(steps: steps, warmup: warmup, only: only).run()
        }
    }
}

/// Times training steps of registry models on fixed batches drawn from the papers' classes.
struct ModelsBenchmark {
    let steps: Int, warmup: Int, only: String?

    struct Case {
        let label: String, model: String, options: [String: String]
        let inputs: Inputs<Double>, labels: Tensor<Double>
    }

    func cases() throws -> [Case] {
        let er: Dataset<Double> = try FunctionClassRegistry.make("er-parity", options: ["n": "16"]).splits(nTrain: 256, nVal: 0, nTest: 0, seed: 0).train
        let cyc: Dataset<Double> = try FunctionClassRegistry.make("cyclic-pattern-parity", options: ["n": "16"]).splits(nTrain: 256, nVal: 0, nTest: 0, seed: 0).train
        var rng = RandomStream(seed: 0)
        let x: Tensor<Double> = rng.normal([512, 32]), y: Tensor<Double> = rng.normal([512])
        return [
            Case(label: "gnn-minimal, 256 graphs n=16", model: "gnn-minimal", options: [:], inputs: er.inputs, labels: er.labels),
            Case(label: "gnn, 256 graphs n=16", model: "gnn", options: [:], inputs: er.inputs, labels: er.labels),
            Case(label: "cnn-minimal, 256 × length 16", model: "cnn-minimal", options: [:], inputs: cyc.inputs, labels: cyc.labels),
            Case(label: "cnn, 256 × length 16", model: "cnn", options: [:], inputs: cyc.inputs, labels: cyc.labels),
            Case(label: "mlp 32→256→256→1, batch 512", model: "mlp", options: ["depth": "3", "width": "256"], inputs: .dense(x), labels: y),
        ].filter { c in only.map { c.model.contains($0) } ?? true }
    }

    func run() throws {
        print("\(padRight("model", 30)) \(pad("params", 9)) | \(pad("f64 µs", 9)) \(pad("steps/s", 8)) | \(pad("f32 µs", 9)) \(pad("steps/s", 8))")
        for c in try cases() {
            let (params, d) = try measure(c, Double.self)
            let (_, f) = try measure(c, Float.self)
            print("\(padRight(c.label, 30)) \(pad("\(params)", 9)) | \(pad(fmt(d * 1e6, 0), 9)) \(pad(fmt(1 / d, 0), 8)) | \(pad(fmt(f * 1e6, 0), 9)) \(pad(fmt(1 / f, 0), 8))")
        }
        print("model names as in `symlab model describe`; options: registry defaults (see `symlab model --help`)")
    }

    /// (parameter count, median seconds per step).
    func measure<S: TensorScalar>(_ c: Case, _: S.Type) throws -> (Int, Double) {
        let x: Inputs<S> = c.inputs.cast(), y: Tensor<S> = c.labels.cast()
        let model = try ModelRegistry.make(c.model, options: c.options, input: InputDescription(x), seed: 0, as: S.self)
        let optimizer = Optimizer<S>(.adam, learningRate: 1e-3)
        let tape = Tape<S>()
        let samples = timeEach(warmup: warmup, count: steps) {
            tape.reset()
            model.parameters.zeroGradients()
            tape.backward(Variable.mse(model.forward(x, on: tape), y))
            optimizer.step(model.parameters)
        }
        return (model.parameters.count, TimingSummary(samples).median)
    }
}

private func padRight(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}
