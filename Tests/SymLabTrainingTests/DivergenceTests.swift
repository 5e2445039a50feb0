import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim
import SymLabTraining
import Testing

/// f(x) = x·w + b + √s with s = 0 at init: the loss is finite, but ∂√s/∂s = 1/(2√0) is not, so
/// the gradient is the first thing to stop being finite.
final class SqrtAtZeroModel: Model {
    typealias Scalar = Double
    let parameters = ParameterStore<Double>()
    let w: ParameterID, b: ParameterID, s: ParameterID
    init(d: Int) {
        w = parameters.add("w", Tensor(shape: [d, 1]), group: "layer1")
        b = parameters.add("b", Tensor(shape: [1]), group: "layer1")
        s = parameters.add("s", Tensor(shape: [1]), group: "layer1")
    }
    func forward(_ inputs: Inputs<Double>, on tape: Tape<Double>) -> Variable<Double> {
        let n = inputs.count
        let linear = Variable.affine(tape.constant(inputs.dense), parameters.bind(w, on: tape), parameters.bind(b, on: tape)).reshaped([n])
        return linear + parameters.bind(s, on: tape).sqrt()
    }
    var summary: ModelSummary { ModelSummary(name: "sqrt-at-zero", layers: []) }
}

/// The divergence guard looks at the loss, the gradient and the parameters: each of the three
/// alone ends the run `diverged` with the step and the last finite loss.
@Suite struct DivergenceTests {
    func data() -> TrainingData<Double> {
        var rng = RandomStream(seed: 11)
        func set(_ m: Int) -> LabelledSet<Double> {
            let x: Tensor<Double> = rng.normal([m, 4])
            return LabelledSet(inputs: .dense(x), labels: rng.normal([m]))
        }
        return TrainingData(train: set(32), validation: set(8), test: set(8))
    }

    func trainer(_ model: any Model<Double>, lr: Double) -> Trainer<Double> {
        Trainer(model: model, optimizer: Optimizer(.sgd, learningRate: lr), config: TrainingConfig(steps: 50, evalEvery: 10),
                batchOrder: RandomStream(seed: 1), showProgress: false)
    }

    @Test func aNonFiniteGradientWithAFiniteLossDiverges() throws {
        let result = trainer(SqrtAtZeroModel(d: 4), lr: 0.01).train(data())
        #expect(result.status == .diverged)
        #expect(result.divergedAtStep == 0 && result.stepsCompleted == 0)
        let last = try #require(result.lastFiniteLoss)
        #expect(last.isFinite && last > 0)
        #expect(result.message?.contains("gradient is not finite") == true)
    }

    @Test func parametersOverflowingInTheUpdateDiverge() throws {
        // Loss and gradient are finite at step 0; w − 1e308·g overflows to ±∞.
        let result = trainer(LinearModel(d: 4), lr: 1e308).train(data())
        #expect(result.status == .diverged)
        #expect(result.divergedAtStep == 1 && result.stepsCompleted == 1)
        #expect(result.lastFiniteLoss?.isFinite == true)
        #expect(result.message?.contains("diverged at step 1") == true, "\(result.message ?? "")")
    }

    @Test func nonFiniteInitialParametersDivergeAtStepZero() {
        let model = LinearModel(d: 4)
        model.parameters.setValue(model.b, Tensor([.nan]))
        let result = trainer(model, lr: 0.01).train(data())
        #expect(result.status == .diverged && result.divergedAtStep == 0 && result.lastFiniteLoss == nil)
        #expect(result.message?.contains("initial parameters are not finite") == true)
    }

    @Test func aNonFiniteLossDivergesWithTheLastFiniteOne() throws {
        // Labels with an infinity: the very first loss is infinite, so there is no finite loss yet.
        var d = data()
        var y = d.train.labels.copy()
        y[3] = .infinity
        d = TrainingData(train: LabelledSet(inputs: d.train.inputs, labels: y), validation: d.validation, test: d.test)
        let result = trainer(LinearModel(d: 4), lr: 0.01).train(d)
        #expect(result.status == .diverged && result.divergedAtStep == 0 && result.lastFiniteLoss == nil)
        #expect(result.message?.contains("loss is inf") == true)
    }
}
