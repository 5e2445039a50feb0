import SymLabFunctionClasses
import SymLabFeatureLearning
import SymLabOptim
import SymLabTraining

/// The `scheme:` section of a spec: a training scheme of the feature-learning side
/// (``SchemeRegistry``) that replaces model, optimizer and training.
public struct SchemeConfig: Sendable, Equatable {
    public var name: String
    public var options: [String: String]
}

/// The optimizer section of a spec.
public struct OptimizerConfig: Sendable, Equatable {
    public static let names = ["sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"]
    public static let schedules = ["constant", "cosine", "step", "warmup-cosine"]

    public var name: String
    public var learningRate: Double
    public var weightDecay: Double
    public var momentum: Double
    /// Multiplies the learning rate by a factor drawn log-uniformly from this range with the run's
    /// own seed (Kiani et al. Figure 4: default × [0.1, 10]).
    public var learningRateLogUniformFactor: ClosedRange<Double>?
    public var schedule: String
    public var warmupSteps: Int
    public var stepEvery: Int
    public var stepFactor: Double

    /// The rule, with PyTorch defaults for the moment parameters.
    public var rule: OptimizerRule {
        switch name {
        case "sgd": .sgd
        case "momentum": .momentum(momentum, nesterov: false)
        case "nesterov": .momentum(momentum, nesterov: true)
        case "adam": .adam
        case "adamw": .adamW
        case "rmsprop": .rmsprop
        default: .adagrad
        }
    }

    public func learningRateSchedule(totalSteps: Int) -> LearningRateSchedule {
        switch schedule {
        case "cosine": .cosine(totalSteps: totalSteps, minFactor: 0)
        case "step": .step(every: stepEvery, factor: stepFactor)
        case "warmup-cosine": .warmup(steps: warmupSteps, then: .cosine(totalSteps: Swift.max(totalSteps - warmupSteps, 1), minFactor: 0))
        default: .constant
        }
    }
}

/// One fully resolved experiment point (a spec with its sweep axes applied; seeds apart).
public struct RunConfig: Sendable, Equatable {
    public var experiment: String
    public var dataClass: String
    public var dataOptions: [String: String]
    public var nTrain: Int, nValidation: Int, nTest: Int
    public var modelName: String
    public var modelOptions: [String: String]
    public var optimizer: OptimizerConfig
    public var training: TrainingConfig
    /// A feature-learning scheme; when set, model, optimizer and training are absent (and the
    /// three fields above hold unused defaults).
    public var scheme: SchemeConfig?
    /// "f64" (default) or "f32".
    public var precision: String
    /// BLAS threads for this run.
    public var threads: Int
    /// The resolved tree, stored as JSON with the run.
    public var tree: SpecValue

    /// Characters of an experiment name.
    public static let maxNameLength = 100

    public static let topLevelKeys = ["name", "description", "data", "model", "optimizer", "training", "precision", "threads", "seeds", "sweep", "scheme"]

    /// Reads and checks a point's tree (seeds and sweep are handled by ``ExperimentSpec``).
    public init(tree: SpecValue, file: String) throws {
        let top = try SpecReader(tree, file: file, path: "")
        try top.allowOnly(Self.topLevelKeys)
        self.tree = tree.removing("seeds").removing("sweep")
        experiment = try top.string("name")
        // The name becomes a directory (results/NAME/) and file names: "..", ".hidden" or a
        // name longer than a file name may be would write outside the results directory or hide.
        guard !experiment.isEmpty, experiment.count <= Self.maxNameLength, !experiment.hasPrefix("."),
              experiment.allSatisfy({ ($0.isLetter || $0.isNumber || "-_.".contains($0)) && !$0.unicodeScalars.contains(where: UntrustedText.isControl) }) else {
            throw top.fail("name", "expected a name of letters, digits, '-', '_' or '.' that does not start with '.', at most \(Self.maxNameLength) characters, got '\(experiment)'")
        }
        _ = try top.string("description", default: "")
        precision = try top.choice("precision", ["f64", "f32"], default: "f64")
        threads = try top.int("threads", default: 1, range: 1...256)

        let data = try top.child("data")
        try data.allowOnly(["class", "options", "n_train", "n_val", "n_test"])
        dataClass = try data.string("class")
        dataOptions = try data.options("options")
        nTrain = try data.int("n_train", range: 1...100_000_000)
        nValidation = try data.int("n_val", default: 0, range: 0...100_000_000)
        nTest = try data.int("n_test", range: 1...100_000_000)

        if top.map["scheme"] != nil {
            let sc = try top.child("scheme")
            try sc.allowOnly(["name", "options"])
            for k in ["model", "optimizer", "training"] where top.map[k] != nil {
                throw top.fail(k, "a spec with a scheme: section has no \(k): section (the scheme's options set its network and training)")
            }
            guard precision == "f64" else { throw top.fail("precision", "schemes run in f64 only, got '\(precision)'") }
            let config = SchemeConfig(name: try sc.string("name"), options: try sc.options("options"))
            do { _ = try SchemeRegistry.make(config.name, options: config.options) }
            catch let e as SchemeError { throw sc.fail("name", e.description) }
            catch let e as FunctionClassError { throw sc.fail("options", e.description) }
            scheme = config
            modelName = ""
            modelOptions = [:]
            optimizer = OptimizerConfig(name: "sgd", learningRate: 0, weightDecay: 0, momentum: 0, learningRateLogUniformFactor: nil,
                                        schedule: "constant", warmupSteps: 0, stepEvery: 1, stepFactor: 1)
            training = TrainingConfig(steps: 1)
            return
        }
        scheme = nil

        let model = try top.child("model")
        try model.allowOnly(["name", "options"])
        modelName = try model.string("name")
        modelOptions = try model.options("options")

        let opt = try top.child("optimizer")
        try opt.allowOnly(["name", "lr", "weight_decay", "momentum", "lr_log_uniform_factor", "schedule", "warmup_steps", "step_every", "step_factor"])
        var factor: ClosedRange<Double>? = nil
        if let f = opt.map["lr_log_uniform_factor"] {
            guard case .list(let l) = f, l.count == 2, let lo = l[0].number, let hi = l[1].number, lo > 0, hi >= lo else {
                throw opt.fail("lr_log_uniform_factor", "expected [low, high] with 0 < low ≤ high, got \(f)")
            }
            factor = lo...hi
        }
        optimizer = OptimizerConfig(
            name: try opt.choice("name", OptimizerConfig.names, default: "adam"),
            learningRate: try opt.double("lr", default: 1e-3, range: 0...1e6),
            weightDecay: try opt.double("weight_decay", default: 0, range: 0...1e6),
            momentum: try opt.double("momentum", default: 0.9, range: 0...1),
            learningRateLogUniformFactor: factor,
            schedule: try opt.choice("schedule", OptimizerConfig.schedules, default: "constant"),
            warmupSteps: try opt.int("warmup_steps", default: 0, range: 0...100_000_000),
            stepEvery: try opt.int("step_every", default: 1000, range: 1...100_000_000),
            stepFactor: try opt.double("step_factor", default: 0.1, range: 0...1))

        let tr = try top.child("training")
        try tr.allowOnly(["steps", "batch_size", "eval_every", "patience", "loss"])
        let batch = try tr.int("batch_size", default: 0, range: 0...100_000_000)
        let patience = try tr.int("patience", default: 0, range: 0...1_000_000)
        training = TrainingConfig(
            steps: try tr.int("steps", range: 1...100_000_000),
            batchSize: batch == 0 ? nil : batch,
            evalEvery: try tr.int("eval_every", default: 50, range: 1...100_000_000),
            earlyStoppingPatience: patience == 0 ? nil : patience,
            loss: LossKind(rawValue: try tr.choice("loss", LossKind.allCases.map(\.rawValue), default: "mse"))!)
    }
}

extension SpecValue {
    var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}
