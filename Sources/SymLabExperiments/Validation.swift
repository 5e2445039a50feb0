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
/// measured); the model's parameters and activations are estimated from its options with upper
/// bounds (see ``ModelSizeEstimate``), so a refusal errs towards "would not fit".
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
        // The options, checked by the registry on a narrow copy of the model (every valid width
        // set to 2), so that a bad depth or name is named as such and nothing large is built.
        do {
            var initRNG = RandomStream(seed: 0)
            _ = try ModelRegistry.make(config.modelName, options: narrowed(config.modelOptions), input: input, rng: &initRNG, as: Double.self)
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
        let size = ModelSizeEstimate(model: config.modelName, options: config.modelOptions, input: input)
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

    /// Model options with every width that is a valid one (an integer in 1…65536) set to 2.
    static func narrowed(_ options: [String: String]) -> [String: String] {
        let widthKeys: Set = ["width", "hidden", "channels"]
        func valid(_ s: Substring) -> Bool { Int(s.trimmingCharacters(in: .whitespaces)).map { (1...65_536).contains($0) } ?? false }
        var out = options
        for (k, v) in options {
            let base = k.hasPrefix("backbone.") ? String(k.dropFirst("backbone.".count)) : k
            if widthKeys.contains(base), valid(Substring(v)) { out[k] = "2" }
            if base == "widths" {
                let parts = v.split(separator: ",", omittingEmptySubsequences: false)
                if !parts.isEmpty, parts.allSatisfy(valid) { out[k] = parts.map { _ in "2" }.joined(separator: ",") }
            }
        }
        return out
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

/// Upper bounds on a model's parameter count and on the numbers each sample's forward pass
/// keeps per layer, read off its registry options (defaults as in ``ModelRegistry``) without
/// building it. Unreadable options fall back to defaults: the registry rejects them afterwards.
///
/// Bounds, not exact counts (biases of every layer and both halves of symmetric pairs are
/// counted): `Tests/SymLabExperimentsTests/ValidationTests.swift` checks actual ≤ estimate ≤
/// 2·actual + 64 against built models.
public struct ModelSizeEstimate: Sendable, Equatable {
    public var parameters: Int
    public var activationsPerSample: Int

    public init(model: String, options: [String: String], input: InputDescription) {
        // Clamped: depths beyond 16 and widths beyond 2²⁰ are refused by the registry anyway.
        func int(_ k: String, _ d: Int) -> Int {
            let limit = k == "depth" ? 16 : 1 << 20
            return options[k].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { min(max($0, 1), limit) } ?? d
        }
        func dense(_ sizes: [Int]) -> Int {   // a chain of dense layers with biases
            saturatingSum(zip(sizes, sizes.dropFirst()).map { saturatingProduct([$0 + 1, $1]) })
        }
        var p = 0, a = 0
        switch (model, input) {
        case ("mlp", .dense(let shape)):
            let d = saturatingProduct(shape)
            var widths = options["widths"].map { $0.split(separator: ",").prefix(16).compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { min(max($0, 1), 1 << 20) } } ?? []
            if widths.isEmpty { widths = [Int](repeating: int("width", 256), count: max(int("depth", 2), 2) - 1) }
            p = dense([d] + widths + [1]); a = saturatingSum(widths + [1])
        case ("gnn", .graphs(let n, let f)), ("gnn-minimal", .graphs(let n, let f)):
            let minimal = model == "gnn-minimal"
            let depth = minimal ? 1 : int("depth", 3)
            let w = int("width", minimal ? n : 256), hidden = int("hidden", minimal ? 2 * n : 256)
            let convs = [f] + [Int](repeating: w, count: depth)
            // Neighbour and root weights per convolution, then the head.
            p = saturatingSum([saturatingProduct([dense(convs), 2]), dense([w, hidden, 1])])
            a = saturatingSum([saturatingProduct([n, w, depth, 2]), hidden, 1])
        case ("cnn", .dense(let shape)), ("cnn-minimal", .dense(let shape)):
            let minimal = model == "cnn-minimal"
            let channelsLast = options["layout"] == "channels-last"
            let n = shape.count == 1 ? shape[0] : (channelsLast ? shape[0] : shape[max(shape.count - 1, 0)])
            let c0 = shape.count == 1 ? 1 : (channelsLast ? shape[max(shape.count - 1, 0)] : shape[0])
            let depth = minimal ? 1 : int("depth", 3)
            let k = min(int("kernel", min(3, n)), max(n, 1))
            let ch = int("channels", minimal ? 1 << min(k, 10) : 128), hidden = int("hidden", minimal ? 2 * n : 128)
            let convs = [c0] + [Int](repeating: ch, count: depth)
            p = saturatingSum(zip(convs, convs.dropFirst()).map { saturatingProduct([saturatingSum([saturatingProduct([$0, k]), 1]), $1]) })
                + dense([ch, hidden, 1])
            a = saturatingSum([saturatingProduct([n, ch, depth, 2]), saturatingProduct([c0, n]), hidden, 1])
        case ("gaussian-gnn", .graphs(let n, let f)):
            let w = int("width", 8)
            p = saturatingSum([saturatingProduct([f + 1, w, 2]), w + 1]); a = saturatingSum([saturatingProduct([n, w, 2]), w, 1])
        case ("frame-averaged", .dense(let shape)), ("group-averaged", .dense(let shape)):
            var inner: [String: String] = [:]
            for (k, v) in options where !k.hasPrefix("backbone.") { inner[k] = v }
            for (k, v) in options where k.hasPrefix("backbone.") { inner[String(k.dropFirst("backbone.".count))] = v }
            let backbone = ModelSizeEstimate(model: options["backbone"] ?? "mlp", options: inner, input: input)
            // Group averaging evaluates the backbone once per group element, all in one batch.
            let n = shape.first ?? 1
            let elements = model == "frame-averaged" ? 1 : (options["group"] == "symmetric" ? 40_320 : 2 * n)
            p = backbone.parameters
            a = saturatingProduct([backbone.activationsPerSample, elements])
        default:
            break   // an unknown model or mismatched inputs: the registry names the problem
        }
        parameters = p; activationsPerSample = a
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
