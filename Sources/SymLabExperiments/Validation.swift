import Foundation
import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabKernels
import SymLabModels
import SymLabNumerics
import SymLabTraining

/// The checks made before any work starts: every point of a spec can be built (its class and
/// model options are valid for its data) and fits in memory. A run that cannot fit is refused
/// with the size it needs and the memory available, instead of being killed hours later (or
/// swapping the machine to a halt).
///
/// Sizes are estimates, not measurements: the data set's size is exact (one sample is drawn and
/// measured), and so is the model's parameter count; its activations are estimated by the model
/// itself (``RegisteredModel/size``, tested against what a forward pass records), and a scheme's
/// networks and feature matrices by the scheme (``TrainingScheme/memory(_:)``).
public enum Preflight {
    /// What one point is expected to need.
    public struct Estimate: Sendable, Equatable, CustomStringConvertible {
        public var dataBytes: Int
        public var modelBytes: Int
        public var activationBytes: Int
        public var totalBytes: Int { saturatingSum([dataBytes, modelBytes, activationBytes]) }
        public var description: String {
            "data \(NumberFormat.bytes(dataBytes)), parameters and optimizer state \(NumberFormat.bytes(modelBytes)), activations \(NumberFormat.bytes(activationBytes))"
        }
    }

    /// Checks every point of `spec`; throws a ``SpecError`` naming the key and the sizes.
    /// Points that share data and model settings are checked once.
    @discardableResult
    public static func check(_ spec: ExperimentSpec, budget: MemoryBudget = .system) throws -> [Estimate] {
        var seen: [String: Estimate] = [:]
        var out: [Estimate] = []
        for (i, point) in spec.points.enumerated() {
            let key = point.tree.removing("name").removing("description").canonicalJSON
            if let e = seen[key] { out.append(e); continue }
            do {
                let e = try check(point, file: spec.file, budget: budget)
                seen[key] = e
                out.append(e)
            } catch let e as SpecError where spec.points.count > 1 {
                throw SpecError(file: e.file, keyPath: e.keyPath, message: e.message + " (in sweep point \(i))")
            }
        }
        return out
    }

    /// Checks one point: class and model options, then memory (of a model run's training, or of
    /// a scheme run's networks as the scheme states them).
    public static func check(_ config: RunConfig, file: String, budget: MemoryBudget) throws -> Estimate {
        let cls: any FunctionClass
        do { cls = try FunctionClassRegistry.make(config.dataClass, options: config.dataOptions) }
        catch let e as FunctionClassError {
            let key = e.parameter.map { "data.options.\($0)" } ?? (isUnknownOption(e) ? "data.options" : "data.class")
            throw SpecError(file: file, keyPath: key, message: e.description)
        }
        // One sample of one target: its size per sample, and what the model will see.
        let one = oneSample(cls)
        let perSample = saturatingSum([inputElements(one), 2])   // inputs, label, clean label
        let samples = saturatingSum([config.nTrain, config.nValidation, config.nTest])
        // Generated in Double; f32 keeps a cast copy beside it while the splits are built.
        let dataBytes = saturatingProduct([samples, perSample, 8 + (config.precision == .f32 ? 4 : 0)])
        try budget.require(dataBytes, what: "the data set (\(samples) samples × \(perSample) numbers)", key: "data.n_train", file: file)

        let data = Estimate(dataBytes: dataBytes, modelBytes: 0, activationBytes: 0)
        switch config.kind {
        case .training(let setup):
            return try checkTraining(setup, config: config, data: data, input: InputDescription(one), file: file, budget: budget)
        case .scheme(let scheme):
            return try checkScheme(scheme, config: config, data: data, input: InputDescription(one), file: file, budget: budget)
        }
    }

    /// The model's options, read and checked by the model for these inputs (a bad depth or name
    /// is named as such), and its size: nothing is built.
    static func checkTraining(_ setup: TrainingSetup, config: RunConfig, data: Estimate, input: InputDescription, file: String,
                              budget: MemoryBudget) throws -> Estimate {
        let size: ModelSize, outputs: Int
        do {
            let architecture = try ModelRegistry.architecture(setup.modelName, options: setup.modelOptions, input: input)
            size = architecture.size; outputs = architecture.outputsPerSample
        } catch let e as ModelError {
            let key: String
            switch e {
            case .unknownModel, .incompatibleInput: key = "model.name"
            default: key = e.option.map { "model.options.\($0)" } ?? "model.options"
            }
            throw SpecError(file: file, keyPath: key, message: e.description)
        } catch let e as FunctionClassError {
            throw SpecError(file: file, keyPath: "model.options", message: e.description)
        }
        try checkLoss(setup, outputs: outputs, file: file)
        var training = setup.training
        training.threads = config.threads
        let memory = TrainingMemory(size, config: training, nTrain: config.nTrain, nValidation: config.nValidation, nTest: config.nTest)
        var estimate = data
        estimate.modelBytes = saturatingProduct([memory.parameterNumbers, config.precision.scalarBytes])
        estimate.activationBytes = saturatingProduct([memory.activationNumbers, config.precision.scalarBytes])
        try budget.require(estimate.totalBytes, what: "training \(setup.modelName) (\(estimate); about \(size.parameters) parameters)",
                           key: "model.options", file: file)
        return estimate
    }

    /// The loss must fit the model's output: `reconstruction` takes a vector output as wide as
    /// the input (and has no labels to count sign errors on), `mse` and `logistic` one number per
    /// sample. Caught here, before any run, rather than as a shape failure inside the first step.
    static func checkLoss(_ setup: TrainingSetup, outputs: Int, file: String) throws {
        let training = setup.training
        if training.loss == .reconstruction {
            guard outputs > 1 else {
                throw SpecError(file: file, keyPath: "training.loss",
                                message: "reconstruction needs a model whose output is as wide as its input (model autoencoder); \(setup.modelName) predicts one number per sample")
            }
            guard !training.zeroOneError else {
                throw SpecError(file: file, keyPath: "training.zero_one_error", message: "a 0-1 error needs ±1 labels; loss reconstruction compares outputs with the inputs")
            }
        } else if outputs != 1 {
            throw SpecError(file: file, keyPath: "training.loss",
                            message: "\(setup.modelName) outputs \(outputs) numbers per sample (a reconstruction of its input): use loss reconstruction, not \(training.loss.rawValue)")
        }
    }

    /// The scheme's networks and working set, as it states them (``TrainingScheme/memory(_:)``);
    /// schemes run in f64.
    static func checkScheme(_ config: SchemeConfig, config run: RunConfig, data: Estimate, input: InputDescription, file: String,
                            budget: MemoryBudget) throws -> Estimate {
        let scheme: any TrainingScheme
        do { scheme = try SchemeRegistry.make(config.name, options: config.options) }
        catch let e as SchemeError { throw SpecError(file: file, keyPath: "scheme.name", message: e.description) }
        catch let e as FunctionClassError { throw SpecError(file: file, keyPath: "scheme.options", message: e.description) }
        let memory = scheme.memory(SchemeRunSize(nTrain: run.nTrain, nValidation: run.nValidation, nTest: run.nTest,
                                                 input: input, threads: run.threads))
        var estimate = data
        estimate.modelBytes = saturatingProduct([memory.networkNumbers, 8])
        estimate.activationBytes = saturatingProduct([memory.workingNumbers, 8])
        try budget.require(estimate.totalBytes,
                           what: "scheme \(config.name) (data \(NumberFormat.bytes(estimate.dataBytes)), network \(NumberFormat.bytes(estimate.modelBytes)), feature matrices and working set \(NumberFormat.bytes(estimate.activationBytes)))",
                           key: "scheme.options", file: file)
        return estimate
    }

    /// A kernel fit's memory: the data, and what ``KernelBaseline/workingNumbers(nTrain:nValidation:nTest:features:)`` keeps beside them.
    public static func kernelFitBytes(nTrain: Int, nValidation: Int, nTest: Int, perSample: Int, features: Int?) -> Int {
        let data = saturatingProduct([saturatingSum([nTrain, nValidation, nTest]), saturatingSum([perSample, 2]), 8])
        let working = KernelBaseline.workingNumbers(nTrain: nTrain, nValidation: nValidation, nTest: nTest, features: features)
        return saturatingSum([data, saturatingProduct([working, 8])])
    }

    /// Numbers per sample of `cls` (inputs, label, clean label), from one drawn sample.
    public static func numbersPerSample(_ cls: any FunctionClass) -> Int {
        saturatingSum([inputElements(oneSample(cls)), 2])
    }

    /// The inputs of one sample of one target (seed 0): what a model of a run of `cls` will see
    /// (its shape), without drawing a data set.
    public static func oneSample(_ cls: any FunctionClass) -> Inputs<Double> {
        var rng = RandomStream(seed: 0)
        let target = cls.drawTarget(rng: &rng)
        return target.sampleInputs(count: 1, rng: &rng)
    }

    /// `symlab data`: refuses `samples` samples of `cls` that would not fit in memory.
    public static func requireDataSet(_ cls: any FunctionClass, samples: Int, budget: MemoryBudget = .system) throws {
        let perSample = numbersPerSample(cls)
        try budget.require(saturatingProduct([samples, perSample, 8]), for: "\(samples) samples of \(cls.name) (\(perSample) numbers each)")
    }

    /// `symlab kernel fit`: refuses a fit whose data and kernel matrices would not fit in memory,
    /// before the data are drawn.
    public static func requireKernelFit(_ cls: any FunctionClass, nTrain: Int, nValidation: Int, nTest: Int, features: Int?,
                                        budget: MemoryBudget = .system) throws {
        let bytes = kernelFitBytes(nTrain: nTrain, nValidation: nValidation, nTest: nTest, perSample: numbersPerSample(cls), features: features)
        let what = features.map { "random-features ridge regression with \($0) features on \(nTrain) + \(nValidation) + \(nTest) samples" }
            ?? "kernel ridge regression on \(nTrain) training samples (\(nTrain) × \(nTrain) kernel matrix, its eigendecomposition, and \(nValidation + nTest) × \(nTrain) cross-kernels)"
        try budget.require(bytes, for: what)
    }

    /// Numbers per sample of one drawn sample's inputs (graphs: adjacency, features, edge lists).
    public static func inputElements<S>(_ inputs: Inputs<S>) -> Int {
        switch inputs {
        case .dense(let x): return x.count / max(x.shape.first ?? 1, 1)
        case .graphs(let g): return saturatingSum([g.adjacency.count, g.features.count, g.sources.count, g.targets.count, 2])
        }
    }

    static func isUnknownOption(_ e: FunctionClassError) -> Bool {
        if case .unknownOption = e { return true }
        return false
    }
}

extension MemoryBudget {
    /// ``require(_:for:)`` as a spec error naming `key`.
    func require(_ bytes: Int, what: String, key: String, file: String) throws {
        do { try require(bytes, for: what) } catch let e as MemoryError {
            throw SpecError(file: file, keyPath: key, message: e.description)
        }
    }
}
