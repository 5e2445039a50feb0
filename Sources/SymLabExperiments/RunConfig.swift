import SymLabCore
import SymLabFunctionClasses
import SymLabFeatureLearning
import SymLabTraining

/// One fully resolved experiment point (a spec with its sweep axes applied; seeds apart): the
/// data, sizes and resources every run has, and what the run is (``RunKind``).
public struct RunConfig: Sendable, Equatable {
    public var experiment: String
    public var dataClass: String
    public var dataOptions: [String: String]
    public var nTrain: Int, nValidation: Int, nTest: Int
    public var precision: Precision
    /// BLAS threads for this run.
    public var threads: Int
    /// The resolved tree, stored as JSON with the run.
    public var tree: SpecValue
    /// A model trained by the trainer, or a feature-learning scheme.
    public var kind: RunKind
    /// Labels given to every run of the spec (`tags:`), stored beside the runs, not in the tree:
    /// tagging a spec neither changes its run ids nor re-runs anything.
    public var tags: [String]

    /// Characters of an experiment name.
    public static let maxNameLength = 100

    /// The keys of the `data:` section.
    public static let dataKeys = ["class", "options", "n_train", "n_val", "n_test"]

    public static let topLevelKeys = ["name", "description", "data", "model", "optimizer", "training", "precision", "threads", "seeds", "sweep", "scheme", "tags"]

    /// Reads and checks a point's tree (seeds and sweep are handled by ``ExperimentSpec``).
    public init(tree: SpecValue, file: String) throws {
        let top = try SpecReader(tree, file: file, path: "")
        try top.allowOnly(Self.topLevelKeys)
        self.tree = tree.removing("seeds").removing("sweep").removing("tags")
        experiment = try top.string("name")
        // The name becomes a directory (results/NAME/) and file names: "..", ".hidden" or a
        // name longer than a file name may be would write outside the results directory or hide.
        guard !experiment.isEmpty, experiment.count <= Self.maxNameLength, !experiment.hasPrefix("."),
              experiment.allSatisfy({ ($0.isLetter || $0.isNumber || "-_.".contains($0)) && !$0.unicodeScalars.contains(where: UntrustedText.isControl) }) else {
            throw top.fail("name", "expected a name of letters, digits, '-', '_' or '.' that does not start with '.', at most \(Self.maxNameLength) characters, got '\(experiment)'")
        }
        _ = try top.string("description", default: "")
        switch top.map["tags"] {
        case nil: tags = []
        case .list(let items)?:
            tags = try items.map { item in
                guard case .string(let t) = item, RunTag.isValid(t) else { throw top.fail("tags", "expected a list of tags, each \(RunTag.rule), got \(item)") }
                return t
            }
        case let v?: throw top.fail("tags", "expected a list of tags, e.g. [baseline, lr-scan], got \(v)")
        }
        precision = try top.choice("precision", default: Precision.f64)
        threads = try top.int("threads", default: 1, range: 1...256)

        let data = try top.child("data")
        try data.allowOnly(Self.dataKeys)
        dataClass = try data.string("class")
        dataOptions = try data.options("options")
        nTrain = try data.int("n_train", range: 1...100_000_000)
        nValidation = try data.int("n_val", default: 0, range: 0...100_000_000)
        nTest = try data.int("n_test", range: 1...100_000_000)

        if top.map["scheme"] != nil {
            let sc = try top.child("scheme")
            try sc.allowOnly(SchemeConfig.keys)
            for k in ["model", "optimizer", "training"] where top.map[k] != nil {
                throw top.fail(k, "a spec with a scheme: section has no \(k): section (the scheme's options set its network and training)")
            }
            guard precision == .f64 else { throw top.fail("precision", "schemes run in f64 only, got '\(precision.rawValue)'") }
            kind = .scheme(try SchemeConfig(reading: sc))
        } else {
            let setup = try TrainingSetup(reading: top)
            // Early stopping watches the validation loss; with no validation split that loss
            // never improves and every run would stop after `patience` evaluations, recorded done.
            if setup.training.earlyStoppingPatience != nil && nValidation == 0 {
                throw SpecError(file: file, keyPath: "training.patience",
                                message: "early stopping watches the validation loss, but data.n_val is 0: set data.n_val > 0, or drop patience")
            }
            kind = .training(setup)
        }
    }
}

/// What a run is. Each case holds only what that kind of run reads, so code downstream switches
/// on the kind instead of testing which fields are filled.
public enum RunKind: Sendable, Equatable {
    /// A registered model trained by the trainer (`model:`, `optimizer:`, `training:`).
    case training(TrainingSetup)
    /// A feature-learning scheme (`scheme:`), which sets its own network and training.
    case scheme(SchemeConfig)

    /// The training set-up of a training run, nil for a scheme run (for readers that look at one
    /// kind only, such as a figure reading its runs' steps).
    public var training: TrainingSetup? {
        if case .training(let t) = self { t } else { nil }
    }

    /// The scheme of a scheme run, nil for a training run (for readers such as a figure reading
    /// its runs' scheme options).
    public var scheme: SchemeConfig? {
        if case .scheme(let s) = self { s } else { nil }
    }
}

/// The floating-point type a training run computes in; the raw values are the spec's words
/// (also ``TensorScalar/precisionName``, recorded with every run).
public enum Precision: String, Sendable, CaseIterable {
    case f64, f32

    /// Bytes of one number.
    public var scalarBytes: Int {
        switch self {
        case .f64: 8
        case .f32: 4
        }
    }
}

/// The `model:`, `optimizer:` and `training:` sections of a training run.
public struct TrainingSetup: Sendable, Equatable {
    public var modelName: String
    public var modelOptions: [String: String]
    public var optimizer: OptimizerConfig
    public var training: TrainingConfig
    /// `training.save_weights`: write the trained parameters as an .npz beside the results database.
    public var saveWeights: Bool

    /// The keys of the `model:` and `training:` sections.
    public static let modelKeys = ["name", "options"]
    public static let trainingKeys = ["steps", "batch_size", "eval_every", "patience", "stop_train_mse", "zero_one_error", "stop_train_error", "loss", "checkpoint_every", "save_weights"]

    init(reading top: SpecReader) throws {
        let model = try top.child("model")
        try model.allowOnly(Self.modelKeys)
        modelName = try model.string("name")
        modelOptions = try model.options("options")

        optimizer = try OptimizerConfig(reading: top.child("optimizer"))

        let tr = try top.child("training")
        try tr.allowOnly(Self.trainingKeys)
        let batch = try tr.int("batch_size", default: 0, range: 0...100_000_000)
        let patience = try tr.int("patience", default: 0, range: 0...1_000_000)
        training = TrainingConfig(
            steps: try tr.int("steps", range: 1...100_000_000),
            batchSize: batch == 0 ? nil : batch,
            evalEvery: try tr.int("eval_every", default: 50, range: 1...100_000_000),
            earlyStoppingPatience: patience == 0 ? nil : patience,
            // Absent (no default written into the tree): a spec without the key keeps its run ids.
            stopTrainMSE: tr.map["stop_train_mse"] == nil ? nil : try tr.double("stop_train_mse", range: 0...1e300),
            // Both absent by default, as stop_train_mse: a spec without them keeps its run ids.
            zeroOneError: try tr.bool("zero_one_error", default: false),
            stopTrainError: tr.map["stop_train_error"] == nil ? nil : try tr.double("stop_train_error", range: 0...1),
            loss: try tr.choice("loss", default: LossKind.mse),
            // Absent (no default written into the tree): a spec without the key keeps its run ids.
            checkpointEvery: tr.map["checkpoint_every"] == nil ? nil : try tr.int("checkpoint_every", range: 1...100_000_000))
        saveWeights = try tr.bool("save_weights", default: false)
    }
}

/// The `scheme:` section of a spec: a training scheme of the feature-learning side
/// (``SchemeRegistry``) that replaces model, optimizer and training.
public struct SchemeConfig: Sendable, Equatable {
    public var name: String
    public var options: [String: String]

    /// The keys of the section.
    public static let keys = ["name", "options"]

    /// Reads the section (its keys already checked) and builds the scheme once, so that a bad
    /// name or option stops the spec here.
    init(reading sc: SpecReader) throws {
        name = try sc.string("name")
        options = try sc.options("options")
        do { _ = try SchemeRegistry.make(name, options: options) }
        catch let e as SchemeError { throw sc.fail("name", e.description) }
        catch let e as FunctionClassError { throw sc.fail("options", e.description) }
    }
}

extension SpecValue {
    var number: Double? { numericValue }
}

/// A run's tag (`tags:` in a spec, `symlab runs tag`): a short label to find runs by.
public enum RunTag {
    /// Characters of a tag.
    public static let maxLength = 64
    public static let rule = "1 to \(maxLength) characters, no comma, no white space and no control character"

    /// Tags are listed comma-separated and shown on one line, so neither may hide in one.
    public static func isValid(_ tag: String) -> Bool {
        !tag.isEmpty && tag.count <= maxLength
            && !tag.unicodeScalars.contains { $0 == "," || UntrustedText.isControl($0) || $0.properties.isWhitespace }
    }
}
