import Foundation
import SymLabFunctionClasses
import SymLabKernels
import SymLabModels
import SymLabNumerics

/// The checks made before any work starts: every point of a spec can be built (its class and
/// model options are valid for its data) and fits in memory. A run that cannot fit is refused
/// with the size it needs and the memory available, instead of being killed hours later (or
/// swapping the machine to a halt).
///
/// Sizes are estimates, not measurements: the data set's size is exact (one sample is drawn and
/// measured), and so is the model's parameter count; its activations are estimated by the model
/// itself (``RegisteredModel/size``, tested against what a forward pass records).
public enum Preflight {
    /// What one point is expected to need.
    public struct Estimate: Sendable, Equatable, CustomStringConvertible {
        public var dataBytes: Int
        public var modelBytes: Int
        public var activationBytes: Int
        public var totalBytes: Int { saturatingSum([dataBytes, modelBytes, activationBytes]) }
        public var description: String {
            "data \(formatBytes(dataBytes)), parameters and optimizer state \(formatBytes(modelBytes)), activations \(formatBytes(activationBytes))"
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

    /// Checks one point: class and model options, then memory.
    public static func check(_ config: RunConfig, file: String, budget: MemoryBudget) throws -> Estimate {
        let cls: any FunctionClass
        do { cls = try FunctionClassRegistry.make(config.dataClass, options: config.dataOptions) }
        catch let e as FunctionClassError {
            let key = e.parameter.map { "data.options.\($0)" } ?? (isUnknownOption(e) ? "data.options" : "data.class")
            throw SpecError(file: file, keyPath: key, message: e.description)
        }
        // One sample of one target: its size per sample, and what the model will see.
        var rng = RandomStream(seed: 0)
        let target = cls.drawTarget(rng: &rng)
        let one = target.sampleInputs(count: 1, rng: &rng)
        let perSample = saturatingSum([inputElements(one), 2])   // inputs, label, clean label
        let samples = saturatingSum([config.nTrain, config.nValidation, config.nTest])
        let scalarBytes = config.precision == "f32" ? 4 : 8
        // Generated in Double; f32 keeps a cast copy beside it while the splits are built.
        let dataBytes = saturatingProduct([samples, perSample, 8 + (config.precision == "f32" ? 4 : 0)])
        try budget.require(dataBytes, what: "the data set (\(samples) samples × \(perSample) numbers)", key: "data.n_train", file: file)

        var estimate = Estimate(dataBytes: dataBytes, modelBytes: 0, activationBytes: 0)
        guard !config.modelName.isEmpty else { return estimate }   // a `scheme:` point sizes its own networks
        let input = InputDescription(one)
        // The options, read and checked by the model for these inputs (a bad depth or name is
        // named as such), and its size: nothing is built.
        let size: ModelSize
        do {
            size = try ModelRegistry.architecture(config.modelName, options: config.modelOptions, input: input).size
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
        // Values, gradients, up to two optimizer moments, the early-stopping snapshot, and one
        // gradient buffer per extra data-parallel shard (one per thread beyond the first).
        let copies = (config.training.earlyStoppingPatience == nil ? 4 : 5) + max(config.threads - 1, 0)
        estimate.modelBytes = saturatingProduct([size.parameters, copies, scalarBytes])
        let batch = min(config.training.batchSize ?? config.nTrain, config.nTrain)
        // Training keeps values and gradients of every layer output for a batch; evaluation
        // predicts whole splits without gradients.
        let rows = max(saturatingProduct([batch, 3]), saturatingProduct([max(config.nTrain, config.nValidation, config.nTest), 2]))
        estimate.activationBytes = saturatingProduct([rows, size.activationsPerSample, scalarBytes])
        try budget.require(estimate.totalBytes, what: "training \(config.modelName) (\(estimate); about \(size.parameters) parameters)",
                           key: "model.options", file: file)
        return estimate
    }

    /// A kernel fit's memory: the data, the n_train² kernel matrix and its eigendecomposition
    /// (used to tune the ridge), and the cross-kernels to validation and test.
    public static func kernelFitBytes(nTrain: Int, nValidation: Int, nTest: Int, perSample: Int, features: Int?) -> Int {
        let data = saturatingProduct([saturatingSum([nTrain, nValidation, nTest]), saturatingSum([perSample, 2]), 8])
        if let m = features {
            // Feature matrices [N, m] and the m × m normal equations.
            let f = saturatingProduct([saturatingSum([nTrain, nValidation, nTest]), m, 8])
            return saturatingSum([data, f, saturatingProduct([m, m, 3, 8])])
        }
        let square = saturatingProduct([nTrain, nTrain, 8])
        let cross = saturatingProduct([saturatingSum([nValidation, nTest]), nTrain, 8])
        return saturatingSum([data, saturatingProduct([square, 3]), cross])
    }

    /// Numbers per sample of `cls` (inputs, label, clean label), from one drawn sample.
    public static func numbersPerSample(_ cls: any FunctionClass) -> Int {
        var rng = RandomStream(seed: 0)
        let target = cls.drawTarget(rng: &rng)
        return saturatingSum([inputElements(target.sampleInputs(count: 1, rng: &rng)), 2])
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
        do { try require(bytes, for: what) } catch let e as KernelError {
            throw SpecError(file: file, keyPath: key, message: e.description)
        }
    }
}

func saturatingSum(_ xs: [Int]) -> Int {
    var t = 0
    for x in xs {
        let (s, o) = t.addingReportingOverflow(x)
        if o { return Int.max }
        t = s
    }
    return t
}

func saturatingProduct(_ xs: [Int]) -> Int {
    var t = 1
    for x in xs {
        let (s, o) = t.multipliedReportingOverflow(by: x)
        if o { return Int.max }
        t = s
    }
    return t
}
