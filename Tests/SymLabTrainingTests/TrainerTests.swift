import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim
import SymLabTraining
import Testing

/// f(x) = x·w + b: enough to exercise the trainer's rules without the models module.
final class LinearModel: Model {
    typealias Scalar = Double
    let parameters = ParameterStore<Double>()
    let w: ParameterID, b: ParameterID
    init(d: Int) {
        w = parameters.add("w", Tensor(shape: [d, 1]), group: "layer1")
        b = parameters.add("b", Tensor(shape: [1]), group: "layer1")
    }
    func forward(_ inputs: Inputs<Double>, on tape: Tape<Double>) -> Variable<Double> {
        let n = inputs.count
        return Variable.affine(tape.constant(inputs.dense), parameters.bind(w, on: tape), parameters.bind(b, on: tape)).reshaped([n])
    }
    var summary: ModelSummary { ModelSummary(name: "linear", layers: []) }
}

final class Recorder: TrainingObserver {
    var points: [CurvePoint] = []
    var stopAfter: Int? = nil
    func record(_ p: [CurvePoint]) { points += p }
    var shouldStop: Bool { stopAfter.map { points.count >= $0 } ?? false }
}

@Suite struct TrainerTests {
    func linearData(seed: UInt64, n: Int = 64, d: Int = 4) -> TrainingData<Double> {
        var rng = RandomStream(seed: seed)
        let w: Tensor<Double> = rng.normal([d, 1])
        func set(_ m: Int) -> LabelledSet<Double> {
            let x: Tensor<Double> = rng.normal([m, d])
            return LabelledSet(inputs: .dense(x), labels: Tensor.matmul(x, w).reshaped([m]))
        }
        return TrainingData(train: set(n), validation: set(32), test: set(32))
    }

    @Test func gradientDescentFitsALinearTarget() {
        let model = LinearModel(d: 4)
        let trainer = Trainer(model: model, optimizer: Optimizer(.sgd, learningRate: 0.1),
                              config: TrainingConfig(steps: 300, evalEvery: 100), batchOrder: RandomStream(seed: 1), showProgress: false)
        let recorder = Recorder()
        let result = trainer.train(linearData(seed: 2), observer: recorder)
        #expect(result.status == .done && result.stepsCompleted == 300)
        #expect(result.metrics["test_mse"]! < 1e-10)
        #expect(recorder.points.filter { $0.metric == "mse" }.map(\.step) == [0, 0, 0, 100, 100, 100, 200, 200, 200, 300, 300, 300])
        #expect(recorder.points.contains { $0.metric == "grad_norm" })
    }

    @Test func minibatchSGDIsDeterministicPerSeed() {
        func run(_ seed: UInt64) -> [Double] {
            let model = LinearModel(d: 4)
            let trainer = Trainer(model: model, optimizer: Optimizer(.sgd, learningRate: 0.05),
                                  config: TrainingConfig(steps: 40, batchSize: 8, evalEvery: 10), batchOrder: RandomStream(seed: seed), showProgress: false)
            let recorder = Recorder()
            _ = trainer.train(linearData(seed: 3), observer: recorder)
            return recorder.points.map(\.value)
        }
        #expect(run(1) == run(1))
        #expect(run(1) != run(2))
    }

    @Test func divergenceGuardStopsWithStepAndLastFiniteLoss() {
        let model = LinearModel(d: 4)
        let trainer = Trainer(model: model, optimizer: Optimizer(.sgd, learningRate: 1e6),
                              config: TrainingConfig(steps: 500, evalEvery: 1000), batchOrder: RandomStream(seed: 1), showProgress: false)
        let result = trainer.train(linearData(seed: 4))
        #expect(result.status == .diverged)
        let step = try! #require(result.divergedAtStep)
        #expect(step > 0 && step < 500)
        #expect(result.lastFiniteLoss?.isFinite == true)
        #expect(result.message?.contains("diverged at step \(step)") == true)
    }

    @Test func earlyStoppingRestoresTheBestParameters() {
        // A learning rate that makes validation MSE rise after the first evaluation.
        let model = LinearModel(d: 4)
        let trainer = Trainer(model: model, optimizer: Optimizer(.sgd, learningRate: 1.2),
                              config: TrainingConfig(steps: 200, evalEvery: 1, earlyStoppingPatience: 3), batchOrder: RandomStream(seed: 1), showProgress: false)
        let recorder = Recorder()
        let result = trainer.train(linearData(seed: 5), observer: recorder)
        // lr = 1.2 is past the stability limit 2/λ_max ≈ 0.7 of this least-squares problem: the
        // iterates grow geometrically but stay finite for the 200 steps allowed.
        #expect(result.status == .done)
        #expect(result.stepsCompleted < 10)
        #expect(result.message?.contains("early stopping") == true)
        let best = recorder.points.filter { $0.split == "validation" }.map(\.value).min()!
        #expect(Swift.abs(result.metrics["validation_mse"]! - best) <= 1e-12 * Swift.max(1, best))
    }

    /// "Train MSE ≤ ε or the step budget": the run stops at the first evaluation whose train MSE is
    /// ≤ ε, says so, and records the rule and the step; with an ε it never reaches it runs its
    /// budget and says that instead; without the key nothing changes.
    @Test func stopRuleEndsAtTheFirstEvaluationWithTrainMSEBelowEpsilon() throws {
        func run(_ epsilon: Double?) -> (TrainingResult, [CurvePoint]) {
            let trainer = Trainer(model: LinearModel(d: 4), optimizer: Optimizer(.sgd, learningRate: 0.1),
                                  config: TrainingConfig(steps: 300, evalEvery: 10, stopTrainMSE: epsilon), batchOrder: RandomStream(seed: 1),
                                  showProgress: false)
            let recorder = Recorder()
            return (trainer.train(linearData(seed: 2), observer: recorder), recorder.points)
        }
        let (plain, plainCurve) = run(nil)
        let trainCurve = plainCurve.filter { $0.split == "train" && $0.metric == "mse" }
        // The first evaluation at or below ε = 1e-6 (the plain run goes on well past it).
        let first = try #require(trainCurve.first { $0.value <= 1e-6 })
        #expect(first.step > 0 && first.step < 300 && plain.metrics["stopped_by_train_mse"] == nil && plain.message == nil)

        let (stopped, curve) = run(1e-6)
        #expect(stopped.status == .done && stopped.stepsCompleted == first.step)
        #expect(stopped.metrics["stopped_by_train_mse"] == 1 && stopped.metrics["stop_step"] == Double(first.step))
        #expect(stopped.message?.hasPrefix("stopped at step \(first.step): train MSE") == true, "\(stopped.message ?? "")")
        #expect(stopped.metrics["train_mse"]! <= 1e-6)
        // Same run as the plain one up to the stop, bit for bit.
        #expect(curve == Array(plainCurve.prefix { $0.step <= first.step }))

        // ε never reached: the whole budget, recorded as such.
        let (budget, _) = run(1e-300)
        #expect(budget.status == .done && budget.stepsCompleted == 300)
        #expect(budget.metrics["stopped_by_train_mse"] == 0 && budget.metrics["stop_step"] == 300)
        #expect(budget.message?.contains("step budget reached") == true)
        #expect(budget.metrics["train_mse"] == plain.metrics["train_mse"])

        // Already below ε at step 0: no step is taken.
        let (atOnce, _) = run(1e6)
        #expect(atOnce.stepsCompleted == 0 && atOnce.metrics["stop_step"] == 0 && atOnce.metrics["stopped_by_train_mse"] == 1)
    }

    /// Linearly separable ±1 labels y = sign(x·w): the 0-1 error is the fraction with f·y ≤ 0,
    /// counted by hand from the model's predictions; f ≡ 0 at the start counts every sample wrong;
    /// logistic GD reaches zero training error and `stop_train_error: 0` stops at the first
    /// evaluation where the recorded train error is 0.
    @Test func zeroOneErrorCountsWrongSignsAndStopsAtZeroTrainingError() throws {
        var rng = RandomStream(seed: 9)
        let d = 3
        let w: Tensor<Double> = rng.normal([d, 1])
        let unit = w.scalars.map { $0 / w.norm }
        // Gaussian points pushed 0.1 away from the hyperplane x·w = 0 on their own side: a margin, so
        // that GD separates them within the budget.
        func set(_ m: Int) -> LabelledSet<Double> {
            var x = (rng.normal([m, d]) as Tensor<Double>).scalars
            var y = [Double](repeating: 0, count: m)
            for i in 0..<m {
                y[i] = zip(x[(i * d)..<(i * d + d)], unit).map(*).reduce(0, +) > 0 ? 1 : -1
                for j in 0..<d { x[i * d + j] += 0.1 * y[i] * unit[j] }
            }
            return LabelledSet(inputs: .dense(Tensor(shape: [m, d], scalars: x)), labels: Tensor(shape: [m], scalars: y))
        }
        let data = TrainingData(train: set(40), validation: set(0), test: set(200))
        func run(_ config: TrainingConfig) -> (Trainer<Double>, TrainingResult, [CurvePoint]) {
            let trainer = Trainer(model: LinearModel(d: d), optimizer: Optimizer(.sgd, learningRate: 0.5), config: config,
                                  batchOrder: RandomStream(seed: 1), showProgress: false)
            let recorder = Recorder()
            return (trainer, trainer.train(data, observer: recorder), recorder.points)
        }
        let (trainer, plain, curve) = run(TrainingConfig(steps: 400, evalEvery: 5, zeroOneError: true, loss: .logistic))
        let errors = curve.filter { $0.metric == "error" && $0.split == "train" }
        #expect(errors.first?.step == 0 && errors.first?.value == 1)   // f ≡ 0: no sign picked
        let pred = trainer.model.predict(data.test.inputs).scalars, y = data.test.labels.scalars
        let byHand = Double(zip(pred, y).filter { !($0 * $1 > 0) }.count) / Double(y.count)
        #expect(plain.metrics["test_error"] == byHand && byHand < 0.2)
        #expect(plain.metrics["validation_error"]!.isNaN)
        let first = try #require(errors.first { $0.value == 0 })
        #expect(first.step > 0 && first.step < 400)

        let (_, stopped, stoppedCurve) = run(TrainingConfig(steps: 400, evalEvery: 5, stopTrainError: 0, loss: .logistic))
        #expect(stopped.stepsCompleted == first.step && stopped.metrics["stopped_by_train_error"] == 1)
        #expect(stopped.metrics["train_error"] == 0 && stopped.metrics["stop_step"] == Double(first.step))
        #expect(stopped.message?.hasPrefix("stopped at step \(first.step): train 0-1 error") == true)
        // The same run as the plain one up to the stop (the empty validation split's NaNs left out).
        #expect(stoppedCurve.filter { $0.split != "validation" } == curve.prefix { $0.step <= first.step }.filter { $0.split != "validation" })
        // Off by default: no error curves and no error metrics.
        let (_, mseOnly, mseCurve) = run(TrainingConfig(steps: 10, evalEvery: 5, loss: .logistic))
        #expect(mseOnly.metrics["test_error"] == nil && !mseCurve.contains { $0.metric == "error" })
    }

    @Test func stopRequestEndsInterrupted() {
        let model = LinearModel(d: 4)
        let trainer = Trainer(model: model, optimizer: Optimizer(.sgd, learningRate: 0.01),
                              config: TrainingConfig(steps: 1000, evalEvery: 10), batchOrder: RandomStream(seed: 1), showProgress: false)
        let recorder = Recorder()
        recorder.stopAfter = 6   // two evaluations of 3 splits
        let result = trainer.train(linearData(seed: 6), observer: recorder)
        #expect(result.status == .interrupted && result.stepsCompleted == 10)
    }
}

/// `loss: reconstruction`: a network with a vector output is trained to give back its input,
/// and the metrics are per coordinate.
@Suite struct ReconstructionTests {
    /// The linear autoencoder x̂ = x·A·B with A [D, 1], B [1, D]: the best rank-1
    /// reconstruction misses (tr M − λ_max(M))/D per coordinate, M = XᵀX/N (no biases).
    final class LinearAutoencoder: Model {
        typealias Scalar = Double
        let parameters = ParameterStore<Double>()
        let a: ParameterID, b: ParameterID
        let d: Int
        init(d: Int, rng: inout RandomStream) {
            self.d = d
            a = parameters.add("a", rng.normal([d, 1]).scaled(by: 0.3), group: "encoder")
            b = parameters.add("b", rng.normal([1, d]).scaled(by: 0.3), group: "decoder")
        }
        var outputsPerSample: Int { d }
        func forward(_ inputs: Inputs<Double>, on tape: Tape<Double>) -> Variable<Double> {
            Variable.dense([(Variable.dense([(tape.constant(inputs.dense), parameters.bind(a, on: tape))], bias: nil), parameters.bind(b, on: tape))], bias: nil)
        }
        var summary: ModelSummary { ModelSummary(name: "linear autoencoder", layers: []) }
    }

    @Test func aLinearAutoencoderReachesTheBestRankOneReconstruction() {
        let d = 5, n = 400
        var rng = RandomStream(seed: 11)
        let scales: [Double] = [3, 1.5, 1, 1, 1]
        func set(_ m: Int) -> LabelledSet<Double> {
            let z: Tensor<Double> = rng.normal([m, d])
            let x = Tensor(shape: [m, d], scalars: z.scalars.enumerated().map { $0.element * scales[$0.offset % d] })
            return LabelledSet(inputs: .dense(x), labels: Tensor(shape: [m]))
        }
        let data = TrainingData(train: set(n), validation: set(50), test: set(50))
        let model = LinearAutoencoder(d: d, rng: &rng)
        let trainer = Trainer(model: model, optimizer: Optimizer(.adam, learningRate: 0.02),
                              config: TrainingConfig(steps: 1500, evalEvery: 500, loss: .reconstruction), batchOrder: RandomStream(seed: 1), showProgress: false)
        let result = trainer.train(data)
        // M = XᵀX/N of the training set and its top eigenvalue by power iteration.
        let x = data.train.inputs.dense
        let m = Tensor.matmul(x.transposed(), x).scaled(by: 1 / Double(n))
        var v = Tensor<Double>(shape: [d, 1], repeating: 1)
        for _ in 0..<500 { let w = Tensor.matmul(m, v); v = w.scaled(by: 1 / Tensor.dot(w, w).squareRoot()) }
        let top = Tensor.dot(v, Tensor.matmul(m, v))
        let trace = (0..<d).reduce(0.0) { $0 + m.scalars[$1 * d + $1] }
        let best = (trace - top) / Double(d)
        #expect(result.status == .done)
        #expect(abs(result.metrics["train_mse"]! - best) < 1e-3 * best, "train MSE \(result.metrics["train_mse"]!) vs the best rank-1 \(best)")
        // Normalised by the inputs' variance per coordinate (≈ (9 + 2.25 + 3)/5 = 2.85), not by the (zero) labels'.
        #expect(abs(trainer.targetVariance(data.test) - data.test.inputVariance) == 0 && data.test.inputVariance > 2 && data.test.inputVariance < 3.7)
        #expect(result.metrics["test_mse_normalized"]! < 0.5)
    }
}
