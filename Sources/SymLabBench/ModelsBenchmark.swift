import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim

/// `symlab bench models`: times training steps of registry models (the papers' students) on
/// fixed batches drawn from the papers' classes, Float and Double.
public struct ModelsBenchmark {
    /// BLAS threads, set for the whole process.
    public let threads: Int
    public let steps: Int, warmup: Int
    /// Only the models whose registry name contains this string.
    public let only: String?

    public init(threads: Int, steps: Int, warmup: Int, only: String?) {
        self.threads = threads; self.steps = steps; self.warmup = warmup; self.only = only
    }

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

    /// Measures and hands each line of the table to `output` as soon as it is measured.
    public func run(output: (String) -> Void) throws {
        BLAS.setThreads(threads)
        output("symlab bench models — BLAS threads: \(BLAS.threads); \(BLAS.info)")
        output("one step = forward, MSE, backward, Adam (lr 1e-3); \(steps) timed steps after \(warmup) warm-up; median")
        output("\(NumberFormat.leftAligned("model", 30)) \(NumberFormat.rightAligned("params", 9)) | \(NumberFormat.rightAligned("f64 µs", 9)) \(NumberFormat.rightAligned("steps/s", 8)) | \(NumberFormat.rightAligned("f32 µs", 9)) \(NumberFormat.rightAligned("steps/s", 8))")
        for c in try cases() {
            let (params, d) = try measure(c, Double.self)
            let (_, f) = try measure(c, Float.self)
            output("\(NumberFormat.leftAligned(c.label, 30)) \(NumberFormat.rightAligned("\(params)", 9)) | \(NumberFormat.rounded(d * 1e6, 0, width: 9)) \(NumberFormat.rounded(1 / d, 0, width: 8)) | \(NumberFormat.rounded(f * 1e6, 0, width: 9)) \(NumberFormat.rounded(1 / f, 0, width: 8))")
        }
        output("model names as in `symlab model describe`; options: registry defaults (see `symlab model --help`)")
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
