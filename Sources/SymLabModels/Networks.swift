import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

// The students of the reference papers. Each owns one flat ParameterStore; layer k's
// parameters are in group "layer<k>" and the readout's in "readout", so layer-wise schemes can
// freeze or rescale them by name.

/// Which group acts on a model's inputs and leaves its output unchanged (by construction).
public enum ModelSymmetry: Sendable, CustomStringConvertible {
    /// No built-in invariance (an MLP).
    case none
    /// Relabelling the nodes of every graph (GNNs).
    case nodeRelabelling
    /// Cyclic shifts along an axis of the dense input [N, …] (CNNs, frame averaging).
    case cyclicShifts(axis: Int)
    /// Every element of a listed permutation group acting along an axis (group averaging).
    case group(name: String, elements: [Permutation], axis: Int)

    public var description: String {
        switch self {
        case .none: "none"
        case .nodeRelabelling: "node relabelling (S_n on every graph)"
        case .cyclicShifts(let a): "cyclic shifts of input axis \(a)"
        case .group(let name, let e, let a): "\(name) (\(e.count) elements) on input axis \(a)"
        }
    }
}

/// A model that knows the group it is invariant to (used by `symlab model check-equivariance`).
public protocol SymmetricModel: AnyObject {
    var symmetry: ModelSymmetry { get }
}

// MARK: - MLP

/// A fully connected network on dense inputs [N, …] (flattened per sample):
/// d → widths[0] → … → widths[L−1] → 1, with an activation after every hidden layer.
/// Two weight layers (one hidden) is the 2-layer MLP of the theory papers.
public final class MLP<S: TensorScalar>: Model, SymmetricModel {
    public let parameters = ParameterStore<S>()
    /// The shape of one sample.
    public let inputShape: [Int]
    public let head: MLPHead<S>
    public let name: String

    /// `readoutBias` false (with `bias` false) gives a network without any bias, f(x) = c·aᵀσ(Wx),
    /// the two-layer network of the NTK width analyses.
    public init(inputShape: [Int], widths: [Int], activation: Activation = .relu, bias: Bool = true, readoutBias: Bool = true,
                scheme: InitScheme = .standard, name: String? = nil, rng: inout RandomStream) {
        let d = inputShape.reduce(1, *)
        precondition(d >= 1 && widths.allSatisfy { $0 >= 1 }, "MLP: input size and widths must be ≥ 1, got \(inputShape), \(widths)")
        self.inputShape = inputShape
        self.head = MLPHead(inputSize: d, widths: widths, names: (0..<widths.count).map { "layer\($0 + 1)" }, activation: activation,
                            bias: bias, readoutBias: readoutBias, scheme: scheme, store: parameters, rng: &rng)
        self.name = name ?? "mlp " + ([d] + widths + [1]).map(String.init).joined(separator: "→") + " (\(scheme.description))"
    }

    public var symmetry: ModelSymmetry { .none }

    @_specialize(where S == Double) @_specialize(where S == Float)
    public func forward(_ inputs: Inputs<S>, on tape: Tape<S>) -> Variable<S> {
        let x = inputs.dense
        guard Array(x.shape.dropFirst()) == inputShape else {
            tensorFailure("MLP.forward", "inputs \(x.shape) do not match the sample shape \(inputShape)")
        }
        return head(tape.constant(x.reshaped([x.shape[0], head.inputSize])), Binding(parameters, tape))
    }

    public var summary: ModelSummary {
        ModelSummary(name: name, layers: [.init(name: "input", kind: "flatten \(inputShape)", outputShape: "[N, \(head.inputSize)]", parameterCount: 0)]
                     + head.summaryLayers())
    }
}

// MARK: - GNN

/// A message-passing network on graphs: L graph convolutions (``MessagePassing``) with an
/// activation after each, global pooling over nodes, and an MLP head. Invariant to relabelling
/// the nodes of each graph.
///
/// The "overparameterized" GNN of Kiani et al. Figure 1a is several wide layers; the minimal
/// one of Figure 3 is a single graph convolution and a head with one hidden layer
/// (``Configuration/minimal(nodes:)``), which can compute H_ER,n exactly (``MinimalNetworks``).
public final class GNN<S: TensorScalar>: Model, SymmetricModel {
    public struct Configuration: Sendable {
        /// Output width of each message-passing layer.
        public var widths: [Int]
        /// Hidden widths of the MLP head (one entry: a one-hidden-layer MLP).
        public var hidden: [Int]
        public var aggregation: Aggregation = .sum
        public var propagation: Propagation = .auto
        public var pooling: Pooling = .sum
        public var activation: Activation = .relu
        public var bias = true
        /// Include the node's own features (W_root) in every layer.
        public var rootWeight = true
        public var scheme = InitScheme.standard

        public init(widths: [Int], hidden: [Int], aggregation: Aggregation = .sum, propagation: Propagation = .auto,
                    pooling: Pooling = .sum, activation: Activation = .relu, bias: Bool = true, rootWeight: Bool = true,
                    scheme: InitScheme = .standard) {
            self.widths = widths; self.hidden = hidden; self.aggregation = aggregation; self.propagation = propagation
            self.pooling = pooling; self.activation = activation; self.bias = bias; self.rootWeight = rootWeight; self.scheme = scheme
        }

        /// The overparameterized GNN of the research note's proposal: `depth` layers of `width`, sum aggregation and pooling.
        public static func overparameterized(depth: Int = 3, width: Int = 256, hidden: Int = 256) -> Configuration {
            Configuration(widths: [Int](repeating: width, count: depth), hidden: [hidden])
        }

        /// One graph convolution of width n and a head with one hidden layer of width 2n.
        public static func minimal(nodes n: Int) -> Configuration { Configuration(widths: [n], hidden: [2 * n]) }
    }

    public let parameters = ParameterStore<S>()
    public let configuration: Configuration
    public let featureSize: Int
    public let layers: [MessagePassing<S>]
    public let head: MLPHead<S>
    public let name: String

    public init(featureSize: Int, configuration c: Configuration, name: String? = nil, rng: inout RandomStream) {
        precondition(featureSize >= 1 && !c.widths.isEmpty && c.widths.allSatisfy { $0 >= 1 },
                     "GNN: need node features and at least one message-passing layer, got feature size \(featureSize), widths \(c.widths)")
        self.configuration = c
        self.featureSize = featureSize
        var layers: [MessagePassing<S>] = []
        var d = featureSize
        for (k, w) in c.widths.enumerated() {
            layers.append(MessagePassing("layer\(k + 1)", group: "layer\(k + 1)", inputSize: d, outputSize: w, aggregation: c.aggregation,
                                         propagation: c.propagation, rootWeight: c.rootWeight, bias: c.bias, scheme: c.scheme,
                                         store: parameters, rng: &rng))
            d = w
        }
        self.layers = layers
        let names = (0..<c.hidden.count).map { "layer\(c.widths.count + $0 + 1)" }
        self.head = MLPHead(inputSize: d, widths: c.hidden, names: names, activation: c.activation, bias: c.bias,
                            scheme: c.scheme, store: parameters, rng: &rng)
        self.name = name ?? "gnn \(c.widths.count)×[\(c.widths.map(String.init).joined(separator: ","))] \(c.aggregation), \(c.pooling) pooling, head \(c.hidden) (\(c.scheme.description))"
    }

    public var symmetry: ModelSymmetry { .nodeRelabelling }

    @_specialize(where S == Double) @_specialize(where S == Float)
    public func forward(_ inputs: Inputs<S>, on tape: Tape<S>) -> Variable<S> {
        forward(graphs: GraphStructure(inputs.graphs), on: tape)
    }

    /// Predictions [B] for a prepared batch (graphs of any sizes).
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func forward(graphs g: GraphStructure<S>, on tape: Tape<S>) -> Variable<S> {
        let bind = Binding(parameters, tape)
        return head(configuration.pooling.pool(nodes: nodeFeatures(graphs: g, bind), of: g), bind)
    }

    /// The equivariant part: node features [totalNodes, width] after the last graph convolution.
    public func nodeFeatures(graphs g: GraphStructure<S>, _ bind: Binding<S>) -> Variable<S> {
        guard g.featureSize == featureSize else {
            tensorFailure("GNN.forward", "graphs have \(g.featureSize) node features, the model expects \(featureSize)")
        }
        var h = bind.tape.constant(g.features)
        for layer in layers { h = layer(h, graph: g, bind, activation: configuration.activation) }
        return h
    }

    public var summary: ModelSummary {
        let conv = layers.map {
            ModelSummary.Layer(name: $0.name, kind: $0.kind + ", \(configuration.activation)", outputShape: "[N·n, \($0.outputSize)]", parameterCount: $0.parameterCount)
        }
        let pool = ModelSummary.Layer(name: "pool", kind: "\(configuration.pooling) over nodes", outputShape: "[N, \(layers.last!.outputSize)]", parameterCount: 0)
        return ModelSummary(name: name, layers: conv + [pool] + head.summaryLayers())
    }
}

// MARK: - CNN

/// How a dense input [N, a, b] holds channels and positions (rank-2 inputs [N, n] are one channel).
public enum ChannelLayout: String, Sendable, CaseIterable, CustomStringConvertible {
    /// [N, C, n], as the convolution computes.
    case channelsFirst = "channels-first"
    /// [N, n, C] (e.g. the group-averaged Gaussian CNN class, rows acted on by C_n).
    case channelsLast = "channels-last"
    public var description: String { rawValue }
}

/// A cyclic CNN: L circular convolutions (``CircularConv``) with an activation after each,
/// global pooling over positions and an MLP head. Invariant to cyclic shifts of the positions.
///
/// Inputs: [N, n] (one channel, e.g. ±1 vectors), [N, C, n] or, with ``ChannelLayout/channelsLast``, [N, n, C].
/// The minimal CNN (one convolution + a one-hidden-layer head) computes C^B_F exactly (``MinimalNetworks``).
public final class CNN<S: TensorScalar>: Model, SymmetricModel {
    public struct Configuration: Sendable {
        public var channels: [Int]
        /// Kernel width of each convolution (1…n).
        public var kernelWidths: [Int]
        public var hidden: [Int]
        public var pooling: Pooling = .sum
        public var activation: Activation = .relu
        public var bias = true
        public var layout: ChannelLayout = .channelsFirst
        public var scheme = InitScheme.standard

        public init(channels: [Int], kernelWidths: [Int], hidden: [Int], pooling: Pooling = .sum, activation: Activation = .relu,
                    bias: Bool = true, layout: ChannelLayout = .channelsFirst, scheme: InitScheme = .standard) {
            precondition(channels.count == kernelWidths.count, "CNN.Configuration: \(channels.count) channel counts for \(kernelWidths.count) kernel widths")
            self.channels = channels; self.kernelWidths = kernelWidths; self.hidden = hidden; self.pooling = pooling
            self.activation = activation; self.bias = bias; self.layout = layout; self.scheme = scheme
        }

        /// The research note's overparameterized CNN: `depth` convolutions of `channels`, sum pooling.
        public static func overparameterized(depth: Int = 3, channels: Int = 128, kernel: Int = 3, hidden: Int = 128) -> Configuration {
            Configuration(channels: [Int](repeating: channels, count: depth), kernelWidths: [Int](repeating: kernel, count: depth), hidden: [hidden])
        }

        /// One convolution and a head with one hidden layer.
        public static func minimal(channels: Int, kernel: Int, hidden: Int) -> Configuration {
            Configuration(channels: [channels], kernelWidths: [kernel], hidden: [hidden])
        }
    }

    public let parameters = ParameterStore<S>()
    public let configuration: Configuration
    public let inputChannels: Int
    public let length: Int
    /// Rank of one sample: 1 for [n], 2 for [C, n] / [n, C].
    public let sampleRank: Int
    public let convolutions: [CircularConv<S>]
    public let head: MLPHead<S>
    public let name: String

    /// `sampleShape` is [n], [C, n] or (channels-last) [n, C].
    public init(sampleShape: [Int], configuration c: Configuration, name: String? = nil, rng: inout RandomStream) {
        precondition(sampleShape.count == 1 || sampleShape.count == 2, "CNN: samples must be [n], [C, n] or [n, C], got \(sampleShape)")
        let (cin, n) = sampleShape.count == 1 ? (1, sampleShape[0])
            : (c.layout == .channelsFirst ? (sampleShape[0], sampleShape[1]) : (sampleShape[1], sampleShape[0]))
        precondition(!c.channels.isEmpty && c.kernelWidths.allSatisfy { $0 >= 1 && $0 <= n },
                     "CNN: need at least one convolution with kernel widths in 1...\(n), got \(c.kernelWidths)")
        self.configuration = c
        self.inputChannels = cin
        self.length = n
        self.sampleRank = sampleShape.count
        var convs: [CircularConv<S>] = []
        var d = cin
        for (k, (ch, kw)) in zip(c.channels, c.kernelWidths).enumerated() {
            convs.append(CircularConv("layer\(k + 1)", group: "layer\(k + 1)", inputChannels: d, outputChannels: ch, kernelWidth: kw,
                                      bias: c.bias, scheme: c.scheme, store: parameters, rng: &rng))
            d = ch
        }
        self.convolutions = convs
        let names = (0..<c.hidden.count).map { "layer\(c.channels.count + $0 + 1)" }
        self.head = MLPHead(inputSize: d, widths: c.hidden, names: names, activation: c.activation, bias: c.bias,
                            scheme: c.scheme, store: parameters, rng: &rng)
        self.name = name ?? "cnn \(c.channels.count)×[\(c.channels.map(String.init).joined(separator: ","))] kernels \(c.kernelWidths), \(c.pooling) pooling, head \(c.hidden) (\(c.scheme.description))"
    }

    /// The input axis that holds positions.
    public var positionAxis: Int { sampleRank == 1 || configuration.layout == .channelsLast ? 1 : 2 }
    public var symmetry: ModelSymmetry { .cyclicShifts(axis: positionAxis) }

    @_specialize(where S == Double) @_specialize(where S == Float)
    public func forward(_ inputs: Inputs<S>, on tape: Tape<S>) -> Variable<S> {
        let bind = Binding(parameters, tape)
        // The last convolution and the pooling as one node when the direct kernel applies.
        var h = inputMaps(inputs.dense, bind)
        for conv in convolutions.dropLast() { h = conv(channelsLast: h, bind, activation: configuration.activation) }
        let last = convolutions[convolutions.count - 1]
        if let pooled = last.pooledChannelsLast(h, bind, activation: configuration.activation,
                                                pooling: configuration.pooling == .sum ? .sum : .mean) {
            return head(pooled, bind)
        }
        h = last(channelsLast: h, bind, activation: configuration.activation)   // [N, n, C]
        return head(configuration.pooling == .sum ? h.sum(axes: [1]) : h.mean(axes: [1]), bind)
    }

    /// The equivariant part: feature maps [N, C, n] after the last convolution.
    public func featureMaps(_ x: Tensor<S>, _ bind: Binding<S>) -> Variable<S> {
        featureMapsChannelsLast(x, bind).permuted([0, 2, 1])
    }

    /// The feature maps as the network computes them, channels last: [N, n, C].
    func featureMapsChannelsLast(_ x: Tensor<S>, _ bind: Binding<S>) -> Variable<S> {
        var h = inputMaps(x, bind)
        for conv in convolutions { h = conv(channelsLast: h, bind, activation: configuration.activation) }
        return h
    }

    /// The inputs as a constant [N, n, C] on the tape.
    func inputMaps(_ x: Tensor<S>, _ bind: Binding<S>) -> Variable<S> {
        let expected = sampleRank == 1 ? [length] : (configuration.layout == .channelsFirst ? [inputChannels, length] : [length, inputChannels])
        guard x.rank == sampleRank + 1, Array(x.shape.dropFirst()) == expected else {
            tensorFailure("CNN.forward", "inputs \(x.shape) do not match the sample shape \(expected) (\(configuration.layout))")
        }
        let n = x.shape[0]
        var h: Variable<S>
        if sampleRank == 1 { h = bind.tape.constant(x.reshaped([n, length, 1])) }
        else if configuration.layout == .channelsLast { h = bind.tape.constant(x) }
        else { h = bind.tape.constant(x.permuted([0, 2, 1])) }
        return h
    }

    public var summary: ModelSummary {
        let convs = convolutions.map {
            ModelSummary.Layer(name: $0.name, kind: $0.kind + ", \(configuration.activation)", outputShape: "[N, \($0.outputChannels), \(length)]",
                               parameterCount: $0.parameterCount)
        }
        let pool = ModelSummary.Layer(name: "pool", kind: "\(configuration.pooling) over positions", outputShape: "[N, \(convolutions.last!.outputChannels)]", parameterCount: 0)
        return ModelSummary(name: name, layers: convs + [pool] + head.summaryLayers())
    }
}

// MARK: - Gaussian-feature GNN

/// The GNN of Kiani et al. Theorem 4 as a trainable model: f(X, A) = 1ᵀ σ(A X W) a.
///
/// W [d, m] and a [m] are the parameters ("layer1", "readout"); A X sums each node's
/// neighbours' features (no self term, no biases), σ acts per node and channel, 1ᵀ sums (or,
/// with mean pooling, averages) over nodes. The parameterization multipliers apply as usual:
/// f = c₂·1ᵀ σ(c₁·A X W) a. With symmetric initialisation W and a are split into halves with
/// W_B = W_A and a_B = −a_A, so f ≡ 0 at init.
public final class GaussianGNN<S: TensorScalar>: Model, SymmetricModel {
    public let parameters = ParameterStore<S>()
    public let featureSize: Int
    public let width: Int
    public let activation: Activation
    public let pooling: Pooling
    public let convolution: MessagePassing<S>
    public let readout: Dense<S>
    public let twin: (convolution: MessagePassing<S>, readout: Dense<S>)?
    public let name: String

    public init(featureSize d: Int, width m: Int, activation: Activation = .relu, pooling: Pooling = .sum,
                propagation: Propagation = .auto, scheme: InitScheme = .standard, name: String? = nil, rng: inout RandomStream) {
        precondition(d >= 1 && m >= 1, "GaussianGNN: feature size and width must be ≥ 1, got \(d), \(m)")
        precondition(!scheme.symmetric || m % 2 == 0, "GaussianGNN: symmetric initialisation needs an even width, got \(m)")
        let half = scheme.symmetric ? m / 2 : m
        featureSize = d
        width = m
        self.activation = activation
        self.pooling = pooling
        convolution = MessagePassing(scheme.symmetric ? "layer1.a" : "layer1", group: "layer1", inputSize: d, outputSize: half,
                                     aggregation: .sum, propagation: propagation, rootWeight: false, bias: false, scheme: scheme,
                                     store: parameters, rng: &rng)
        readout = Dense(scheme.symmetric ? "readout.a" : "readout", group: "readout", inputSize: half, outputSize: 1, bias: false,
                        scheme: scheme, isOutput: true, fanIn: m, store: parameters, rng: &rng)
        if scheme.symmetric {
            twin = (MessagePassing(twinOf: convolution, name: "layer1.b", group: "layer1", store: parameters),
                    Dense(twinOf: readout, name: "readout.b", group: "readout", negated: true, bias: false, store: parameters))
        } else {
            twin = nil
        }
        self.name = name ?? "gaussian-gnn 1ᵀσ(AXW)a, d=\(d), width \(m), \(pooling) pooling (\(scheme.description))"
    }

    public var symmetry: ModelSymmetry { .nodeRelabelling }

    @_specialize(where S == Double) @_specialize(where S == Float)
    public func forward(_ inputs: Inputs<S>, on tape: Tape<S>) -> Variable<S> {
        forward(graphs: GraphStructure(inputs.graphs), on: tape)
    }

    @_specialize(where S == Double) @_specialize(where S == Float)
    public func forward(graphs g: GraphStructure<S>, on tape: Tape<S>) -> Variable<S> {
        guard g.featureSize == featureSize else {
            tensorFailure("GaussianGNN.forward", "graphs have \(g.featureSize) node features, the model expects \(featureSize)")
        }
        let bind = Binding(parameters, tape)
        let x = tape.constant(g.features)
        // Pooling and the readout are both linear, so pool first: [B, m] instead of [B·n, m] rows.
        var out = readout(pooling.pool(nodes: convolution(x, graph: g, bind, activation: activation), of: g), bind)
        if let twin {
            out = out + twin.readout(pooling.pool(nodes: twin.convolution(x, graph: g, bind, activation: activation), of: g), bind)
        }
        return out.reshaped([-1])
    }

    public var summary: ModelSummary {
        var layers = [ModelSummary.Layer(name: convolution.name, kind: convolution.kind + ", \(activation)", outputShape: "[N·n, \(convolution.outputSize)]", parameterCount: convolution.parameterCount)]
        if let twin { layers.append(.init(name: twin.convolution.name, kind: twin.convolution.kind + ", \(activation)", outputShape: "[N·n, \(convolution.outputSize)]", parameterCount: twin.convolution.parameterCount)) }
        layers.append(.init(name: "pool", kind: "\(pooling) over nodes", outputShape: "[N, \(convolution.outputSize)]", parameterCount: 0))
        layers.append(.init(name: readout.name, kind: readout.kind, outputShape: "[N]", parameterCount: readout.parameterCount))
        if let twin { layers.append(.init(name: twin.readout.name, kind: twin.readout.kind, outputShape: "[N]", parameterCount: twin.readout.parameterCount)) }
        return ModelSummary(name: name, layers: layers)
    }
}
