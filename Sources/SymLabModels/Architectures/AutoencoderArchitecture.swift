import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// The shallow autoencoder of Refinetti & Goldt (ICML 2022): K hidden units and an output as
/// wide as the input, x̂ = c_d · g(c_e · x W + b) V (+ c), trained to reconstruct its input
/// (`training.loss: reconstruction`). With `tied` the decoder is the encoder's transpose
/// (V = Wᵀ): one set of weights does both jobs, which is what makes sigmoidal autoencoders
/// stall in the paper's long-time analysis.
///
/// This is the fixed-sample, any-batch network the ``Trainer`` trains on the tape; the online
/// batch-1 dynamics of the paper's figure use a hand-written step checked against the same
/// gradients. c_e and c_d are the ``Parameterization`` multipliers of the fan-ins D and K (with
/// `ntk`, λ = w·x/√D as in the paper).
public final class AutoencoderNetwork<S: TensorScalar>: Model {
    public let parameters = ParameterStore<S>()
    public let inputSize: Int
    public let hidden: Int
    /// W [D, K] (+ hidden bias b [K]).
    public let encoder: Dense<S>
    /// V [K, D] (+ output bias c [D]); nil when tied (V = Wᵀ).
    public let decoder: Dense<S>?
    /// The output bias of a tied network (its decoder has no weight of its own).
    public let tiedOutputBias: ParameterID?
    /// c_d, the decoder's multiplier.
    public let decoderMultiplier: Double
    public let activation: Activation
    public let name: String

    public init(inputSize d: Int, hidden k: Int, activation: Activation, tied: Bool, hiddenBias: Bool, outputBias: Bool,
                scheme: InitScheme, name: String? = nil, rng: inout RandomStream) {
        precondition(d >= 1 && k >= 1, "AutoencoderNetwork: sizes must be ≥ 1, got D \(d), K \(k)")
        inputSize = d; hidden = k; self.activation = activation
        encoder = Dense("encoder", group: "encoder", inputSize: d, outputSize: k, bias: hiddenBias, scheme: scheme, store: parameters, rng: &rng)
        if tied {
            decoder = nil
            tiedOutputBias = outputBias ? parameters.add("decoder.bias", Tensor(shape: [d]), group: "decoder") : nil
            decoderMultiplier = scheme.parameterization.multiplier(fanIn: k, isOutput: true)
        } else {
            let dec = Dense<S>("decoder", group: "decoder", inputSize: k, outputSize: d, bias: outputBias, scheme: scheme, isOutput: true,
                               store: parameters, rng: &rng)
            decoder = dec; tiedOutputBias = nil; decoderMultiplier = dec.multiplier
        }
        self.name = name ?? "autoencoder \(d)→\(k)→\(d)\(tied ? " tied" : "") (\(scheme.description))"
    }

    public var outputsPerSample: Int { inputSize }

    /// The reconstructions [N, D].
    public func forward(_ inputs: Inputs<S>, on tape: Tape<S>) -> Variable<S> {
        let x = inputs.dense
        guard x.rank >= 2, x.shape.dropFirst().reduce(1, *) == inputSize else {
            tensorFailure("AutoencoderNetwork.forward", "inputs \(x.shape) do not have \(inputSize) numbers per sample")
        }
        let bind = Binding(parameters, tape)
        let p = bind(encoder.parameterIDs)
        let h = encoder.apply(tape.constant(x.reshaped([x.shape[0], inputSize])), parameters: p, activation: activation)
        if let decoder { return decoder(h, bind) }
        let bias = tiedOutputBias.map { parameters.bind($0, on: tape) }
        return Variable.dense([(h, p[0].transposed())], bias: bias, scale: S(decoderMultiplier))
    }

    public var summary: ModelSummary {
        let enc = ModelSummary.Layer(name: "encoder", kind: "dense \(inputSize)→\(hidden)\(encoder.bias == nil ? " no bias" : ""), \(activation)",
                                     outputShape: "[N, \(hidden)]", parameterCount: encoder.parameterCount)
        let dec = decoder.map { ModelSummary.Layer(name: "decoder", kind: $0.kind, outputShape: "[N, \(inputSize)]", parameterCount: $0.parameterCount) }
            ?? ModelSummary.Layer(name: "decoder", kind: "encoderᵀ \(hidden)→\(inputSize)\(tiedOutputBias == nil ? " no bias" : "") (tied)",
                                  outputShape: "[N, \(inputSize)]", parameterCount: tiedOutputBias == nil ? 0 : inputSize)
        return ModelSummary(name: name, layers: [enc, dec])
    }
}

/// `autoencoder`: an ``AutoencoderNetwork`` on flattened dense inputs, trained with
/// `training.loss: reconstruction` (the only loss its vector output takes).
public struct AutoencoderArchitecture: RegisteredModel {
    public static let modelName = "autoencoder"
    public static let summary = "shallow autoencoder d → k → d (Refinetti & Goldt), output = a reconstruction of the input (training.loss: reconstruction)"
    public static let inputKind = "dense inputs"
    public static let defaultDataClass = "spiked-covariance"

    static let hidden = DeclaredOption<Int>.int("k", 2, in: 1...65_536, "hidden units K, 1...65536")
    static let tied = DeclaredOption<Bool>.flag("tied", false, "decoder = encoderᵀ (one set of weights)")
    static let hiddenBias = DeclaredOption<Bool>.flag("hidden_bias", false, "a trained bias on the hidden units")
    static let outputBias = DeclaredOption<Bool>.flag("output_bias", false, "a trained bias on the D outputs")
    static let activation = DeclaredOption<Activation>.choice("activation", .erf, Activation.allCases.map(\.rawValue).joined(separator: ", "))
    public static let optionDocs = [hidden.doc, tied.doc, hiddenBias.doc, outputBias.doc, activation.doc,
                                    CommonModelOptions.parameterization.doc, CommonModelOptions.initScale.doc]

    public let inputSize: Int
    public let hiddenUnits: Int
    public let tiedWeights: Bool, withHiddenBias: Bool, withOutputBias: Bool
    public let activationFunction: Activation
    public let scheme: InitScheme
    public let label: String

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        guard case .dense(let shape) = input else { throw CommonModelOptions.incompatible(Self.modelName, "dense inputs", input) }
        inputSize = shape.reduce(1, *)
        hiddenUnits = try Self.hidden.read(&o)
        tiedWeights = try Self.tied.read(&o)
        withHiddenBias = try Self.hiddenBias.read(&o)
        withOutputBias = try Self.outputBias.read(&o)
        activationFunction = try Self.activation.read(&o)
        // No `symmetric`: pairing units with opposite readouts would make x̂ ≡ 0, not a network at 0.
        scheme = InitScheme(try CommonModelOptions.parameterization.read(&o), scale: try CommonModelOptions.initScale.read(&o), symmetric: false)
        label = CommonModelOptions.label(Self.modelName, o)
    }

    public var outputsPerSample: Int { inputSize }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> {
        AutoencoderNetwork<S>(inputSize: inputSize, hidden: hiddenUnits, activation: activationFunction, tied: tiedWeights, hiddenBias: withHiddenBias,
                       outputBias: withOutputBias, scheme: scheme, name: label, rng: &rng)
    }

    public var size: ModelSize {
        let d = inputSize, k = hiddenUnits
        let parameters = d * k + (withHiddenBias ? k : 0) + (tiedWeights ? 0 : k * d) + (withOutputBias ? d : 0)
        return ModelSize(parameters: parameters, activationsPerSample: k + d)
    }
}
