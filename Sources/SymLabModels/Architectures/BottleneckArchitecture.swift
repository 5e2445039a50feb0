import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// Wang–Nichani–Lee's three-layer network (ICLR 2024, eq. (1)) with a scalar bottleneck and a
/// skip connection, so that the learned feature g can be read off the trained network and
/// correlated with the target's hidden feature p.
///
/// choice: the paper's eq. (1) was not available; this is the form reconstructed from its
/// description ("ResNet-like", parameters (u, s, V, a, b, c), a bottleneck of size 1, a skip
/// connection; research note §3):
///
///     g(x) = c_u · uᵀ σ₁(c_V · Vx + s)                (m₁ hidden units, the learned feature)
///     f(x) = g(x) + c_c · cᵀ σ₂(a·g(x) + b)           (m₂ units; the skip carries g to f)
///
/// with the ``Parameterization`` multipliers c_V = 1/√d, c_u = 1/m₁, c_c = 1/m₂ under
/// `mean-field` (μP: the two readouts u and c divided by their widths), a's fan-in being 1.
/// While c ≈ 0 (early in training, or c = 0 exactly) f is the bottleneck alone, which is what
/// lets the first stage of training learn p before the outer layer fits g∘p.
/// choice: b is drawn N(0, 1) (every other bias starts at 0 as in ``Dense``): with b = 0 every
/// unit of the outer layer would have its kink at g = 0, and ReLU features of one scalar need
/// spread kinks to fit a cubic g.
public final class BottleneckNetwork<S: TensorScalar>: Model {
    public let parameters = ParameterStore<S>()
    public let inputSize: Int
    /// V, s: d → m₁, σ₁.
    public let first: Dense<S>
    /// u: m₁ → 1, the scalar bottleneck g.
    public let bottleneck: Dense<S>
    /// a, b: 1 → m₂, σ₂.
    public let outer: Dense<S>
    /// c: m₂ → 1.
    public let readout: Dense<S>
    public let inner: Activation, outerActivation: Activation
    public let name: String

    public init(inputSize d: Int, width1: Int, width2: Int, activation: Activation = .cube, outerActivation: Activation = .relu,
                scheme: InitScheme, name: String? = nil, rng: inout RandomStream) {
        precondition(d >= 1 && width1 >= 1 && width2 >= 1, "BottleneckNetwork: sizes must be ≥ 1, got d \(d), m₁ \(width1), m₂ \(width2)")
        inputSize = d
        inner = activation
        self.outerActivation = outerActivation
        first = Dense("layer1", group: "layer1", inputSize: d, outputSize: width1, bias: true, scheme: scheme, store: parameters, rng: &rng)
        bottleneck = Dense("bottleneck", group: "bottleneck", inputSize: width1, outputSize: 1, bias: false, scheme: scheme,
                           isOutput: true, store: parameters, rng: &rng)
        outer = Dense("layer2", group: "layer2", inputSize: 1, outputSize: width2, bias: true, scheme: scheme, store: parameters, rng: &rng)
        if let b = outer.bias { parameters.setValue(b, rng.normal([width2])) }
        readout = Dense("readout", group: "readout", inputSize: width2, outputSize: 1, bias: false, scheme: scheme,
                        isOutput: true, store: parameters, rng: &rng)
        self.name = name ?? "bottleneck \(d)→\(width1)→1→\(width2)→1 + skip (\(scheme.description))"
    }

    func flatInputs(_ inputs: Inputs<S>) -> Tensor<S> {
        let x = inputs.dense
        guard x.rank >= 2, x.shape.dropFirst().reduce(1, *) == inputSize else {
            tensorFailure("BottleneckNetwork.forward", "inputs \(x.shape) do not have \(inputSize) numbers per sample")
        }
        return x.reshaped([x.shape[0], inputSize])
    }

    /// g(x) [N, 1] on the tape.
    func feature(_ x: Variable<S>, _ bind: Binding<S>) -> Variable<S> {
        bottleneck(first(x, bind, activation: inner), bind)
    }

    public func forward(_ inputs: Inputs<S>, on tape: Tape<S>) -> Variable<S> {
        let bind = Binding(parameters, tape)
        let g = feature(tape.constant(flatInputs(inputs)), bind)
        return (g + readout(outer(g, bind, activation: outerActivation), bind)).reshaped([-1])
    }

    /// The learned feature g(x), one value per sample [N] (no gradients recorded).
    public func learnedFeature(_ inputs: Inputs<S>) -> Tensor<S> {
        let tape = Tape<S>()
        let g = feature(tape.constant(flatInputs(inputs)), Binding(parameters, tape)).value.reshaped([-1])
        tape.reset()
        return g
    }

    public var summary: ModelSummary {
        let layers: [(Dense<S>, String, String)] = [(first, "[N, \(first.outputSize)]", ", \(inner)"), (bottleneck, "[N, 1] = g", ""),
                                                    (outer, "[N, \(outer.outputSize)]", ", \(outerActivation)"), (readout, "[N] (+ g)", "")]
        return ModelSummary(name: name, layers: layers.map { l, shape, act in
            ModelSummary.Layer(name: l.name, kind: l.kind + act, outputShape: shape, parameterCount: l.parameterCount)
        })
    }
}

/// `bottleneck`: ``BottleneckNetwork`` on flattened dense inputs.
public struct BottleneckArchitecture: RegisteredModel {
    public static let modelName = "bottleneck"
    public static let summary = "Wang–Nichani–Lee's three-layer net: scalar bottleneck g = uᵀσ₁(Vx+s), output g + cᵀσ₂(a·g+b) (skip)"
    public static let inputKind = "dense inputs"
    public static let defaultDataClass = "hierarchical"

    static let width1 = DeclaredOption<Int>.int("width1", 64, in: 1...65_536, "m₁, units of σ₁ under the bottleneck, 1...65536")
    static let width2 = DeclaredOption<Int>.int("width2", 100, in: 1...65_536, "m₂, units of σ₂ after the bottleneck, 1...65536")
    static let activation = DeclaredOption<Activation>.choice(
        "activation", .cube, "σ₁: " + Activation.allCases.map(\.rawValue).joined(separator: ", "))
    static let outerActivation = DeclaredOption<Activation>.choice(
        "outer_activation", .relu, "σ₂: " + Activation.allCases.map(\.rawValue).joined(separator: ", "))
    /// μP by default, as in the paper's experiment.
    static let parameterization = DeclaredOption<Parameterization>.choice(
        "parameterization", .meanField, "standard, ntk or mean-field (μP: readouts u and c divided by their widths)")
    public static let optionDocs = [width1.doc, width2.doc, activation.doc, outerActivation.doc, parameterization.doc, CommonModelOptions.initScale.doc]

    public let inputSize: Int
    public let m1: Int, m2: Int
    public let inner: Activation, outer: Activation
    public let scheme: InitScheme
    public let label: String

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        guard case .dense(let shape) = input else { throw CommonModelOptions.incompatible(Self.modelName, "dense inputs", input) }
        inputSize = shape.reduce(1, *)
        m1 = try Self.width1.read(&o)
        m2 = try Self.width2.read(&o)
        inner = try Self.activation.read(&o)
        outer = try Self.outerActivation.read(&o)
        scheme = InitScheme(try Self.parameterization.read(&o), scale: try CommonModelOptions.initScale.read(&o))
        label = CommonModelOptions.label(Self.modelName, o)
    }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> {
        BottleneckNetwork<S>(inputSize: inputSize, width1: m1, width2: m2, activation: inner, outerActivation: outer,
                             scheme: scheme, name: label, rng: &rng)
    }

    public var size: ModelSize {
        ModelSize(parameters: inputSize * m1 + m1 + m1 + 2 * m2 + m2, activationsPerSample: m1 + 1 + m2 + 1)
    }
}
