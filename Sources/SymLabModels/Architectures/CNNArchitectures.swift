import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// `cnn`: the overparameterized cyclic ``CNN`` of Kiani et al. Figure 1a.
public struct CNNArchitecture: RegisteredModel {
    public static let modelName = "cnn"
    public static let summary = "overparameterized cyclic CNN: depth circular convolutions, pooling, one-hidden-layer head"
    public static let inputKind = "dense [N, n], [N, C, n] or [N, n, C]"
    public static let defaultDataClass = "cyclic-pattern-parity"

    static let depth = DeclaredOption<Int>.int("depth", 3, in: 1...8, "circular convolutions, 1...8")
    static let channels = DeclaredOption<Int>.int("channels", 128, in: 1...65_536, "channels of every convolution")
    static let hidden = DeclaredOption<Int>.int("hidden", 128, in: 1...65_536, "hidden width of the head")
    public static let optionDocs = [depth.doc, channels.doc, hidden.doc] + ConvModelOptions.docs + CommonModelOptions.docs

    public let plan: CNNPlan
    public var label: String { plan.label }

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        plan = try CNNPlan(Self.modelName, &o, input: input) { o, _, _, symmetric in
            let depth = try Self.depth.read(&o)
            return (depth, try CommonModelOptions.width(Self.channels, &o), try CommonModelOptions.width(Self.hidden, &o, symmetric: symmetric))
        }
    }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> { plan.build(rng: &rng, as: S.self) }
    public var size: ModelSize { plan.size }
}

/// `cnn-minimal`: one circular convolution with one channel per ±1 pattern of the kernel width
/// and a head with one hidden layer of width 2n, the architecture that can compute C^B_F
/// exactly (Kiani et al. Figure 3, ``MinimalNetworks``).
public struct MinimalCNNArchitecture: RegisteredModel {
    public static let modelName = "cnn-minimal"
    public static let summary = "one circular convolution + one-hidden-layer MLP (Kiani et al. Fig. 3)"
    public static let inputKind = "dense [N, n], [N, C, n] or [N, n, C]"
    public static let defaultDataClass = "cyclic-pattern-parity"

    static let channels = DeclaredOption<Int>.int("channels", nil, shownAs: "2^kernel", in: 1...65_536,
                                                  "channels of the convolution (default: the number of ±1 patterns of the kernel width)")
    static let hidden = DeclaredOption<Int>.int("hidden", nil, shownAs: "2n", in: 1...65_536, "hidden width of the head")
    public static let optionDocs = [channels.doc, hidden.doc] + ConvModelOptions.docs + CommonModelOptions.docs

    public let plan: CNNPlan
    public var label: String { plan.label }

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        plan = try CNNPlan(Self.modelName, &o, input: input) { o, n, kernel, symmetric in
            (1, try CommonModelOptions.width(Self.channels, &o, default: 1 << Swift.min(kernel, 10)),
             try CommonModelOptions.width(Self.hidden, &o, default: 2 * n, symmetric: symmetric))
        }
    }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> { plan.build(rng: &rng, as: S.self) }
    public var size: ModelSize { plan.size }
}

/// What the two CNN architectures share: everything but how depth and widths are read.
public struct CNNPlan: Sendable {
    public let sampleShape: [Int]
    public let length: Int, inputChannels: Int
    public let depth: Int, kernel: Int, channels: Int, hidden: Int
    public let layout: ChannelLayout, pooling: Pooling, activation: Activation, bias: Bool
    public let scheme: InitScheme
    public let label: String

    /// `sizes` reads (depth, channels, hidden) given the length n, the kernel width and whether
    /// the initialisation is symmetric; the other options are read around it in the order the
    /// errors of several bad options have always been reported.
    init(_ name: String, _ o: inout OptionReader, input: InputDescription,
         sizes: (inout OptionReader, _ length: Int, _ kernel: Int, _ symmetric: Bool) throws -> (Int, Int, Int)) throws {
        guard case .dense(let shape) = input, shape.count == 1 || shape.count == 2 else {
            throw CommonModelOptions.incompatible(name, "dense inputs [N, n], [N, C, n] or [N, n, C]", input)
        }
        sampleShape = shape
        layout = try ConvModelOptions.layout.read(&o)
        length = shape.count == 1 ? shape[0] : (layout == .channelsFirst ? shape[1] : shape[0])
        inputChannels = shape.count == 1 ? 1 : (layout == .channelsFirst ? shape[0] : shape[1])
        scheme = try CommonModelOptions.scheme(&o)
        kernel = try ConvModelOptions.kernel(&o, length: length)
        let s = try sizes(&o, length, kernel, scheme.symmetric)
        depth = s.0; channels = s.1; hidden = s.2
        pooling = try ConvModelOptions.pooling.read(&o)
        activation = try CommonModelOptions.activation.read(&o)
        bias = try CommonModelOptions.bias.read(&o)
        label = CommonModelOptions.label(name, o)
    }

    func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> {
        let c = CNN<S>.Configuration(channels: [Int](repeating: channels, count: depth), kernelWidths: [Int](repeating: kernel, count: depth),
                                     hidden: [hidden], pooling: pooling, activation: activation, bias: bias, layout: layout, scheme: scheme)
        return CNN<S>(sampleShape: sampleShape, configuration: c, name: label, rng: &rng)
    }

    var size: ModelSize {
        var parameters = ModelSize.head([channels, hidden, 1], bias: bias)
        var fanIn = inputChannels
        for _ in 0..<depth {
            parameters += channels * fanIn * kernel + (bias ? channels : 0)
            fanIn = channels
        }
        // A convolution the direct kernel computes (ReLU or identity, a small kernel) keeps its
        // feature maps, the last one only their pooled sums (it is fused with the pooling);
        // any other keeps its circular windows and the maps twice (a product, then a reshape).
        var activations = hidden + 1
        var cin = inputChannels
        for layer in 0..<depth {
            let last = layer == depth - 1
            let direct = kernel * cin * channels <= CircularConv1D.directKernelLimit && (activation == .relu || activation == .identity)
            if direct { activations += last ? channels : length * channels }
            else { activations += length * (kernel * cin + 2 * channels) + (last ? channels : 0) }
            cin = channels
        }
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}
