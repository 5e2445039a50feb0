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
