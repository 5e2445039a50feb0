import SymLabAutodiff
import SymLabNumerics

/// A model's parameters put on one tape for one forward pass.
///
/// Layers hold only ``ParameterID``s into their model's flat ``ParameterStore``; their
/// `apply(…, parameters:)` takes the parameters as explicit tape values (so a gradient check can
/// pass its own), and their `callAsFunction(…, _ bind:)` binds them from the store first.
public struct Binding<S: TensorScalar> {
    public let store: ParameterStore<S>
    public let tape: Tape<S>
    public init(_ store: ParameterStore<S>, _ tape: Tape<S>) { self.store = store; self.tape = tape }
    public func callAsFunction(_ ids: [ParameterID]) -> [Variable<S>] { ids.map { store.bind($0, on: tape) } }
}

/// A fully connected layer: z = c·(x·W) + b.
///
/// W is [in, out] (so a batch [N, in] multiplies from the left, one gemm), b is [out] or absent,
/// and c is the parameterization's multiplier for this layer's fan-in (``Parameterization``).
/// Initialisation: W from ``InitScheme/weight(_:fanIn:rng:as:)``, b = 0.
public struct Dense<S: TensorScalar> {
    public let name: String
    public let inputSize: Int
    public let outputSize: Int
    public let weight: ParameterID
    public let bias: ParameterID?
    /// c in z = c·(x·W) + b.
    public let multiplier: Double

    /// Adds the layer's parameters to `store`, named "`name`.weight" and "`name`.bias", in `group`.
    /// `fanIn` defaults to `inputSize`; the halves of a symmetric pair use the full layer's.
    public init(_ name: String, group: String, inputSize: Int, outputSize: Int, bias: Bool, scheme: InitScheme,
                isOutput: Bool = false, fanIn: Int? = nil, store: ParameterStore<S>, rng: inout RandomStream) {
        precondition(inputSize >= 1 && outputSize >= 1, "Dense \(name): sizes must be ≥ 1, got \(inputSize) → \(outputSize)")
        let fan = fanIn ?? inputSize
        self.name = name
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.weight = store.add(name + ".weight", scheme.weight([inputSize, outputSize], fanIn: fan, rng: &rng), group: group)
        self.bias = bias ? store.add(name + ".bias", Tensor(shape: [outputSize]), group: group) : nil
        self.multiplier = scheme.parameterization.multiplier(fanIn: fan, isOutput: isOutput)
    }

    /// A second layer with the same shapes and multiplier whose parameters start as a copy of
    /// `other`'s (weights negated if `negated`), without a bias if `bias` is false: the second
    /// half of a symmetric pair.
    public init(twinOf other: Dense, name: String, group: String, negated: Bool, bias: Bool, store: ParameterStore<S>) {
        self.name = name
        self.inputSize = other.inputSize
        self.outputSize = other.outputSize
        let w = store.value(other.weight)
        self.weight = store.add(name + ".weight", negated ? -w : w.copy(), group: group)
        self.bias = bias ? store.add(name + ".bias", other.bias.map { store.value($0).copy() } ?? Tensor(shape: [outputSize]), group: group) : nil
        self.multiplier = other.multiplier
    }

    public var parameterIDs: [ParameterID] { [weight] + (bias.map { [$0] } ?? []) }
    public var parameterCount: Int { inputSize * outputSize + (bias == nil ? 0 : outputSize) }

    /// σ(z) for x [..., in] with parameters [W, b?] in ``parameterIDs`` order: one fused
    /// tape node (``Variable/dense(_:bias:scale:activation:)``).
    public func apply(_ x: Variable<S>, parameters p: [Variable<S>], activation: Activation = .identity) -> Variable<S> {
        Variable.dense([(x, p[0])], bias: bias == nil ? nil : p[1], scale: S(multiplier), activation: activation.pointwise)
    }

    public func callAsFunction(_ x: Variable<S>, _ bind: Binding<S>, activation: Activation = .identity) -> Variable<S> {
        apply(x, parameters: bind(parameterIDs), activation: activation)
    }

    var kind: String {
        "dense \(inputSize)→\(outputSize)\(bias == nil ? " no bias" : "")\(multiplier == 1 ? "" : ", c=\(shortNumber(multiplier))")"
    }
}

/// The multilayer perceptron that ends every model: hidden dense layers with an activation,
/// then a linear readout to one output per sample.
///
/// With symmetric initialisation the last hidden layer is two half-width layers A and B with
/// B's weights a copy of A's, and two readouts with a_B = −a_A: the halves compute bitwise
/// identical activations and exactly opposite outputs, so the network is exactly 0 at init
/// while both halves train as independent parameters afterwards.
public struct MLPHead<S: TensorScalar> {
    public let inputSize: Int
    public let hidden: [Dense<S>]
    /// The B halves of the last hidden layer and the readout (symmetric initialisation only).
    public let twin: (hidden: Dense<S>, readout: Dense<S>)?
    public let readout: Dense<S>
    public let activation: Activation

    /// `widths` are the hidden widths (possibly none: a linear readout); layer k is named
    /// `names[k]` and put in the group of the same name; the readout is "readout".
    public init(inputSize: Int, widths: [Int], names: [String], activation: Activation, bias: Bool, readoutBias: Bool = true,
                scheme: InitScheme, store: ParameterStore<S>, rng: inout RandomStream) {
        precondition(names.count == widths.count, "MLPHead: \(names.count) names for \(widths.count) hidden layers")
        precondition(!scheme.symmetric || (!widths.isEmpty && widths.last! % 2 == 0),
                     "MLPHead: symmetric initialisation needs a hidden layer of even width, got widths \(widths)")
        self.inputSize = inputSize
        self.activation = activation
        var layers: [Dense<S>] = []
        var d = inputSize
        for (k, (w, name)) in zip(widths, names).enumerated() {
            let half = scheme.symmetric && k == widths.count - 1
            layers.append(Dense(half ? name + ".a" : name, group: name, inputSize: d, outputSize: half ? w / 2 : w, bias: bias,
                                scheme: scheme, store: store, rng: &rng))
            d = w
        }
        if scheme.symmetric, let last = layers.last, let name = names.last {
            let ra = Dense<S>("readout.a", group: "readout", inputSize: d / 2, outputSize: 1, bias: readoutBias, scheme: scheme,
                              isOutput: true, fanIn: d, store: store, rng: &rng)
            let hb = Dense(twinOf: last, name: name + ".b", group: name, negated: false, bias: bias, store: store)
            let rb = Dense(twinOf: ra, name: "readout.b", group: "readout", negated: true, bias: false, store: store)
            twin = (hb, rb)
            readout = ra
        } else {
            twin = nil
            readout = Dense("readout", group: "readout", inputSize: d, outputSize: 1, bias: readoutBias, scheme: scheme,
                            isOutput: true, store: store, rng: &rng)
        }
        hidden = layers
    }

    /// x [N, inputSize] → [N].
    public func callAsFunction(_ x: Variable<S>, _ bind: Binding<S>) -> Variable<S> {
        var h = x
        let sharedCount = twin == nil ? hidden.count : hidden.count - 1
        for layer in hidden.prefix(sharedCount) { h = layer(h, bind, activation: activation) }
        var out: Variable<S>
        if let twin, let a = hidden.last {
            // Identical ops on identical values: bitwise-equal halves, exactly opposite outputs.
            let ha = a(h, bind, activation: activation), hb = twin.hidden(h, bind, activation: activation)
            out = readout(ha, bind) + twin.readout(hb, bind)
        } else {
            out = readout(h, bind)
        }
        return out.reshaped([-1])
    }

    var layers: [(Dense<S>, String)] {
        var out: [(Dense<S>, String)] = hidden.map { ($0, "[N, \($0.outputSize)]") }
        if let twin { out.append((twin.hidden, "[N, \(twin.hidden.outputSize)]")) }
        out.append((readout, "[N]"))
        if let twin { out.append((twin.readout, "[N]")) }
        return out
    }

    func summaryLayers() -> [ModelSummary.Layer] {
        layers.map { l, shape in
            ModelSummary.Layer(name: l.name, kind: l.kind + (l.name.hasPrefix("readout") ? "" : ", \(activation)"),
                               outputShape: shape, parameterCount: l.parameterCount)
        }
    }
}

/// A compact decimal for summaries.
func shortNumber(_ x: Double) -> String {
    if x == x.rounded(), Swift.abs(x) < 1e9 { return String(Int(x)) }
    let s = "\(x)"
    return s.count <= 8 ? s : String(s.prefix(8))
}
