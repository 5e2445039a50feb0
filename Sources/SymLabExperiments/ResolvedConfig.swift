import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import SymLabTraining

// The fully resolved config of a run: the spec's tree with every default made explicit, so that
// a row of the results database says what ran even after a default changes, and a DataFrame of
// runs has a value (not NaN) for every parameter. The run id still hashes the tree as written
// (``RunConfig/tree``): adding a default to the code must not re-run old experiments.

extension RunConfig {
    /// The tree as written, with every key the run reads filled in where the spec left it out,
    /// from the value the run applies: the spec sections' defaults from the parsed
    /// ``OptimizerConfig``/``TrainingSetup``/``RunConfig`` (read once by the spec reader), a
    /// function class's options from its ``FunctionClass/parameters`` (its option reader's resolved
    /// values), a model's from ``ModelRegistry/resolve(_:options:input:)``, a scheme's from its
    /// declared ``OptionDoc`` defaults. What the user wrote is kept as written.
    ///
    /// Keys whose default means "off" and that have no value saying so are left out when absent:
    /// `training.stop_train_mse`, `training.checkpoint_every`, `optimizer.lr_log_uniform_factor` and options documented
    /// without a default (e.g. `widths` of mlp, `coefficients` of single-index).
    ///
    /// Throws what building the class or model throws (the preflight reports those first).
    public func resolvedTree() throws -> SpecValue {
        let cls = try FunctionClassRegistry.make(dataClass, options: dataOptions)
        let classKeys = Set(try FunctionClassRegistry.type(named: dataClass).optionDocs.map(\.key))
        // Derived values a class also lists among its parameters (a link's formula, a count of
        // orbits) are not options: only declared options go in, so the tree stays a runnable spec.
        let dataDefaults = cls.parameters.filter { classKeys.contains($0.key) }
        var defaults: [String: SpecValue] = [
            "precision": .string(precision.rawValue),
            "threads": .int(threads),
            "data": .map([
                "class": .string(dataClass),
                "options": .map(dataDefaults.mapValues(SpecValue.init(optionValue:))),
                "n_train": .int(nTrain), "n_val": .int(nValidation), "n_test": .int(nTest),
            ]),
        ]
        switch kind {
        case .training(let setup):
            let input = InputDescription(Preflight.oneSample(cls))
            let model = try ModelRegistry.resolve(setup.modelName, options: setup.modelOptions, input: input).options
            defaults["model"] = .map(["name": .string(setup.modelName), "options": .map(model.mapValues(SpecValue.init(optionValue:)))])
            defaults["optimizer"] = setup.optimizer.resolvedTree
            defaults["training"] = setup.training.resolvedTree.merging(.map(["save_weights": .bool(setup.saveWeights)]))
        case .scheme(let scheme):
            let type = try SchemeRegistry.type(named: scheme.name)
            var options: [String: SpecValue] = [:]
            // A documented default is the one the scheme applies (its own option reader reads it);
            // "model.KEY"-style rows document a family of keys, not one key.
            for doc in type.optionDocs where !doc.defaultValue.isEmpty && !doc.key.contains("KEY") {
                options[doc.key] = SpecValue(optionValue: doc.defaultValue)
            }
            defaults["scheme"] = .map(["name": .string(scheme.name), "options": .map(options)])
        }
        return SpecValue.map(defaults).merging(tree)
    }
}

extension OptimizerConfig {
    /// Every key of the `optimizer:` section with the value a run applies.
    var resolvedTree: SpecValue {
        var m: [String: SpecValue] = [
            "name": .string(name.rawValue), "lr": .double(learningRate), "weight_decay": .double(weightDecay),
            "momentum": .double(momentum), "schedule": .string(schedule.rawValue), "warmup_steps": .int(warmupSteps),
            "step_every": .int(stepEvery), "step_factor": .double(stepFactor),
        ]
        if let f = learningRateLogUniformFactor { m["lr_log_uniform_factor"] = .list([.double(f.lowerBound), .double(f.upperBound)]) }
        return .map(m)
    }
}

extension TrainingConfig {
    /// Every key of the `training:` section with the value a run applies, in the spec's words
    /// (`batch_size: 0` is full batch, `patience: 0` no early stopping, as the spec reads them).
    var resolvedTree: SpecValue {
        var m: [String: SpecValue] = [
            "steps": .int(steps), "batch_size": .int(batchSize ?? 0), "eval_every": .int(evalEvery),
            "patience": .int(earlyStoppingPatience ?? 0), "loss": .string(loss.rawValue),
        ]
        if let s = stopTrainMSE { m["stop_train_mse"] = .double(s) }
        if zeroOneError { m["zero_one_error"] = .bool(true) }
        if let s = stopTrainError { m["stop_train_error"] = .double(s) }
        if let c = checkpointEvery { m["checkpoint_every"] = .int(c) }
        return .map(m)
    }
}

extension SpecValue {
    /// An option value (options are `key=value` text) as the YAML scalar it reads as: an integer,
    /// a finite number, true/false, else text — so that a resolved default has the type a user
    /// writing it in a spec would have given it (and a DataFrame column one dtype).
    init(optionValue s: String) {
        if let i = Int(s) { self = .int(i) }
        else if let d = Double(s), d.isFinite, let c = s.first, c.isNumber || "+-.".contains(c) { self = .double(d) }
        else if s == "true" { self = .bool(true) }
        else if s == "false" { self = .bool(false) }
        else { self = .string(s) }
    }
}
