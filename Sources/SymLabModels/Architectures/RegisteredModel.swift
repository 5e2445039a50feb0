import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// A model the registry can build, as a function class is one ``FunctionClassRegistry`` can
/// build: the type declares its name, summary, inputs and options (each with its default, once);
/// an instance is those options read and validated for one kind of input (an architecture),
/// which builds the network and says how large it is without building it.
///
/// Register a model by adding its type to ``ModelRegistry/registry`` (one line). The
/// tests iterate the registry: every model builds, its documented defaults are the ones it
/// applies, and its ``size`` matches the built network (`Tests/SymLabModelsTests/ModelSizeTests.swift`).
public protocol RegisteredModel: RegistryMember, Sendable {
    static var modelName: String { get }
    /// The inputs it takes, in words, for help text ("dense inputs", "graphs").
    static var inputKind: String { get }
    /// The function class `symlab model` draws inputs from when none is given.
    static var defaultDataClass: String { get }
    /// Whether `backbone.KEY` options are passed to a backbone (the averaging models).
    static var takesBackboneOptions: Bool { get }

    /// Reads every option from `o` (built on `options`) for inputs like `input`; nothing is
    /// built. A bad value throws from `o` (``FunctionClassError``, turned into ``ModelError``
    /// by the registry); inputs of the wrong kind throw ``ModelError/incompatibleInput(model:expected:got:)``.
    init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws

    /// "gnn [depth=3 width=256 …]": the name and every resolved option, the built network's name.
    var label: String { get }
    /// The network, its initial weights drawn from `rng`.
    func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S>
    /// Its parameter count (exact) and the numbers a forward pass keeps per sample (estimated),
    /// for the memory preflight of a run.
    var size: ModelSize { get }
    /// The resolved options of a backbone (the averaging models; empty for the others), which
    /// the registry records as `backbone.KEY` beside the model's own.
    var backboneOptions: [String: String] { get }
    /// Outputs per sample of the built network (``Model/outputsPerSample``), known before it is
    /// built so that a spec pairing it with the wrong loss is refused before any work.
    var outputsPerSample: Int { get }
}

extension RegisteredModel {
    public var backboneOptions: [String: String] { [:] }
    public var outputsPerSample: Int { 1 }
    public static var registryName: String { modelName }
    public static var helpHeading: String { "\(modelName) (\(inputKind)): \(summary)" }
    public static var takesBackboneOptions: Bool { false }
}

/// How large a model is, known before it is built.
public struct ModelSize: Sendable, Equatable {
    /// Exactly the number of parameters of the built network.
    public var parameters: Int
    /// Numbers one sample's forward pass keeps: about one per unit of every layer output (the
    /// output included) and of the windows a convolution multiplies. Within a stated factor of
    /// what the tape records per sample (`Tape.recordedElements`, which also counts fused
    /// pre-activations and reshapes), tested in `Tests/SymLabModelsTests/ModelSizeTests.swift`.
    public var activationsPerSample: Int

    public init(parameters: Int, activationsPerSample: Int) {
        self.parameters = parameters; self.activationsPerSample = activationsPerSample
    }

    /// Parameters of a chain of dense layers `sizes[0] → sizes[1] → …` ending in the one-output
    /// readout of ``MLPHead``: hidden layers with biases if `bias`, the readout with a bias
    /// if `readoutBias`. (Symmetric halves add up to the same count: two w/2-wide halves, two
    /// readouts, one readout bias.)
    static func head(_ sizes: [Int], bias: Bool, readoutBias: Bool = true) -> Int {
        var total = 0
        for (k, (a, b)) in zip(sizes, sizes.dropFirst()).enumerated() {
            let isReadout = k == sizes.count - 2
            total += a * b + ((isReadout ? readoutBias : bias) ? b : 0)
        }
        return total
    }
}

// MARK: - Options shared by several models

/// The options every model takes: the initialisation and the activation.
enum CommonModelOptions {
    static let parameterization = DeclaredOption<Parameterization>.choice(
        "parameterization", .standard, "standard, ntk or mean-field (see Parameterization)")
    static let initScale = DeclaredOption<Double>.number(
        "init_scale", 1, in: .nonNegative, "σ, multiplies the standard deviation of every initial weight, ≥ 0")
    static let symmetric = DeclaredOption<Bool>.flag(
        "symmetric", false, "paired units with opposite output weights: the network is exactly 0 at init")
    static let activation = DeclaredOption<Activation>.choice(
        "activation", .relu, Activation.allCases.map(\.rawValue).joined(separator: ", "))
    static let bias = DeclaredOption<Bool>.flag("bias", true, "biases in every layer but the readout of gaussian-gnn")

    static let docs = [parameterization.doc, initScale.doc, symmetric.doc, activation.doc, bias.doc]

    static func scheme(_ o: inout OptionReader) throws -> InitScheme {
        let p = try parameterization.read(&o)
        let scale = try initScale.read(&o)
        return InitScheme(p, scale: scale, symmetric: try symmetric.read(&o))
    }

    /// A hidden width (1...65536 in its declaration), even when `symmetric` (the last hidden
    /// layer is split into pairs).
    static func width(_ option: DeclaredOption<Int>, _ o: inout OptionReader, default value: Int? = nil, symmetric: Bool = false) throws -> Int {
        let w: Int
        if let value { w = try option.read(&o, default: value) } else { w = try option.read(&o) }
        if symmetric && w % 2 != 0 {
            throw o.fail(option.key, allowed: "an even integer in 2...65536 (symmetric initialisation pairs its units)", got: "\(w)")
        }
        return w
    }

    static func incompatible(_ name: String, _ expected: String, _ input: InputDescription) -> ModelError {
        .incompatibleInput(model: name, expected: expected, got: input.description)
    }

    /// "gnn [depth=3 width=256 …]": the name and every resolved option.
    static func label(_ name: String, _ o: OptionReader) -> String {
        name + " [" + o.resolved.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "]"
    }
}

/// The options of the message-passing GNNs (gnn, gnn-minimal).
enum GraphModelOptions {
    static let aggregation = DeclaredOption<Aggregation>.choice("aggregation", .sum, "sum, mean or max over neighbours")
    static let pooling = DeclaredOption<Pooling>.choice("pooling", .sum, "sum or mean over nodes")
    static let rootWeight = DeclaredOption<Bool>.flag("root_weight", true, "include each node's own features (W_root) in every graph convolution")
    static let propagation = DeclaredOption<Propagation>.choice("propagation", .auto, "auto, dense (batched A·H) or edges (gather/scatter)")

    static let docs = [aggregation.doc, pooling.doc, rootWeight.doc, propagation.doc]
}

/// The options of the cyclic CNNs (cnn, cnn-minimal).
enum ConvModelOptions {
    static let kernel = OptionDoc("kernel", "3", "kernel width of every convolution, 1...n")
    static let pooling = DeclaredOption<Pooling>.choice("pooling", .sum, "sum or mean over positions")
    static let layout = DeclaredOption<ChannelLayout>.choice(
        "layout", .channelsFirst, "for [N, a, b] inputs: channels-first ([N, C, n]) or channels-last ([N, n, C])")

    static let docs = [kernel, pooling.doc, layout.doc]

    /// The kernel width: default min(3, n), range 1...n, both known only from the inputs.
    static func kernel(_ o: inout OptionReader, length n: Int) throws -> Int {
        try o.int(kernel.key, default: Swift.min(3, n), range: 1...n)
    }
}
