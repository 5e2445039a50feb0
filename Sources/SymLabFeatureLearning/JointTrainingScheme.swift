import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim
import SymLabTraining

/// The alternative to layer-wise training: every layer of an MLP trained jointly with Adam on the
/// square loss (Wang–Nichani–Lee's own experiment trains its three-layer network this way, with
/// μP), through the project's trainer: full batch or minibatches, curves every `eval_every`
/// steps, the divergence guard. `parameterization=mean-field` is μP for the readout.
///
/// `model=bottleneck` trains Wang–Nichani–Lee's network instead (``BottleneckNetwork``: widths
/// m₁, m₂, a scalar bottleneck g and a skip connection) and records how well the learned g
/// correlates with the target's hidden feature p on the test points (``SchemeMetric/featureCorrelation``),
/// the quantity their Figure 2 plots beside the test loss.
public struct JointTrainingScheme: TrainingScheme {
    public static let schemeName = "joint-adam"
    public static let summary = "all layers of an MLP or of Wang–Nichani–Lee's bottleneck network trained jointly by Adam (μP = mean-field parameterization by default), via the trainer"
    public static let optionDocs = [
        OptionDoc("model", "mlp", "mlp, or bottleneck (Wang–Nichani–Lee's net: widths = m₁,m₂; records the bottleneck's correlation with p)"),
        OptionDoc("widths", "256,256", "hidden widths (two for a three-layer network)"),
        OptionDoc("activation", "relu", "hidden activation"),
        OptionDoc("parameterization", "mean-field", "standard, ntk or mean-field (μP readout)"),
        OptionDoc("lr", "0.001", "Adam learning rate"),
        OptionDoc("steps", "2000", "optimizer steps"),
        OptionDoc("batch_size", "0", "minibatch size (0: full batch)"),
        OptionDoc("eval_every", "100", "steps between curve points"),
    ]
    public let model: String, widths: String, activation: String, parameterization: String
    public let lr: Double, steps: Int, batchSize: Int, evalEvery: Int

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        model = try o.choice("model", default: "mlp", among: ["mlp", BottleneckArchitecture.modelName])
        widths = o.string("widths") ?? "256,256"
        activation = try o.choice("activation", default: "relu", among: Activation.allCases.map(\.rawValue))
        parameterization = try o.choice("parameterization", default: "mean-field", among: Parameterization.allCases.map(\.rawValue))
        lr = try o.double("lr", default: 1e-3, in: .positive)
        steps = try o.int("steps", default: 2000, range: 1...10_000_000)
        batchSize = try o.int("batch_size", default: 0, range: 0...10_000_000)
        evalEvery = try o.int("eval_every", default: 100, range: 1...10_000_000)
        try o.finish()
        // The model registry checks the widths list when the scheme runs; check it here too, so a
        // spec with a bad list stops before any run.
        let parts = widths.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.count <= 7, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw o.fail("widths", allowed: "a comma-separated list of 1...7 positive integers", got: widths)
        }
        if model == BottleneckArchitecture.modelName && parts.count != 2 {
            throw o.fail("widths", allowed: "two positive integers m₁,m₂ for model=bottleneck", got: widths)
        }
    }

    /// Training its MLP through the trainer, sized as a model run of the same network
    /// (``TrainingMemory``).
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        // The options the run builds its model with: a model that cannot be sized for these
        // inputs cannot be built either, and the run fails at its start.
        guard let size = try? ModelRegistry.architecture(model, options: modelOptions, input: run.input).size else { return .failsAtStart }
        let m = TrainingMemory(size, config: trainingConfig(threads: run.threads), nTrain: run.nTrain, nValidation: run.nValidation, nTest: run.nTest)
        return SchemeMemory(networkNumbers: m.parameterNumbers, workingNumbers: m.activationNumbers)
    }

    /// The model's options.
    var modelOptions: [String: String] {
        guard model == BottleneckArchitecture.modelName else { return ["widths": widths, "activation": activation, "parameterization": parameterization] }
        let m = widths.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return ["width1": m[0], "width2": m[1], "activation": activation, "parameterization": parameterization]
    }

    /// The trainer's settings, with the run's thread count (which shards each step's batch, as for a model run).
    func trainingConfig(threads: Int) -> TrainingConfig {
        TrainingConfig(steps: steps, batchSize: batchSize == 0 ? nil : batchSize, evalEvery: evalEvery, threads: threads)
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        var rng = c.rng.substream(.initialisation)
        let model = try ModelRegistry.make(self.model, options: modelOptions, input: InputDescription(c.train.inputs), rng: &rng, as: Double.self)
        let optimizer = Optimizer<Double>(.adam, learningRate: lr)
        // The run's thread count (set as BLAS's by the executor); it is recorded with the run.
        let config = trainingConfig(threads: BLAS.threads)
        let trainer = Trainer(model: model, optimizer: optimizer, config: config, batchOrder: c.rng.substream(.batchOrder))
        // The test split is scored against the noise-free labels (excess loss), as in the other schemes.
        let data = TrainingData(train: LabelledSet(c.train), validation: LabelledSet(c.validation),
                                test: LabelledSet(inputs: c.test.inputs, labels: c.test.cleanLabels))
        let result = trainer.train(data, observer: c.observer)
        var metrics = result.metrics
        metrics[SchemeMetric.testLossNormalized] = result.metrics["test_mse_normalized"]
        metrics[SchemeMetric.testLabelVariance] = result.metrics["label_variance"]
        metrics["parameters"] = Double(model.parameters.count)
        if let net = model as? BottleneckNetwork<Double>, let p = hiddenFeature(c.target, try c.matrix(c.test, scheme: Self.schemeName)) {
            metrics[SchemeMetric.featureCorrelation] = Swift.abs(Diagnostics.correlation(net.learnedFeature(c.test.inputs), p))
        }
        return SchemeResult(metrics: metrics, status: result.status, message: result.message)
    }
}
