import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// `gnn`: the overparameterized message-passing ``GNN`` of Kiani et al. Figure 1a.
public struct GNNArchitecture: RegisteredModel {
    public static let modelName = "gnn"
    public static let summary = "overparameterized message-passing GNN: depth graph convolutions, pooling, one-hidden-layer head"
    public static let inputKind = "graphs"
    public static let defaultDataClass = "er-parity"

    static let depth = DeclaredOption<Int>.int("depth", 3, in: 1...8, "message-passing layers, 1...8")
    static let width = DeclaredOption<Int>.int("width", 256, in: 1...65_536, "width of every graph convolution")
    static let hidden = DeclaredOption<Int>.int("hidden", 256, in: 1...65_536, "hidden width of the head")
    public static let optionDocs = [depth.doc, width.doc, hidden.doc] + GraphModelOptions.docs + CommonModelOptions.docs

    public let plan: GNNPlan
    public var label: String { plan.label }

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        plan = try GNNPlan(Self.modelName, &o, input: input) { o, _, symmetric in
            let depth = try Self.depth.read(&o)
            return (depth, try CommonModelOptions.width(Self.width, &o), try CommonModelOptions.width(Self.hidden, &o, symmetric: symmetric))
        }
    }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> { plan.build(rng: &rng, as: S.self) }
    public var size: ModelSize { plan.size }
}

/// `gnn-minimal`: one graph convolution of width n and a head with one hidden layer of width
/// 2n, the architecture that can compute H_ER,n exactly (Kiani et al. Figure 3, ``MinimalNetworks``).
public struct MinimalGNNArchitecture: RegisteredModel {
    public static let modelName = "gnn-minimal"
    public static let summary = "one graph convolution + one-hidden-layer MLP (Kiani et al. Fig. 3)"
    public static let inputKind = "graphs"
    public static let defaultDataClass = "er-parity"

    static let width = DeclaredOption<Int>.int("width", nil, shownAs: "n", in: 1...65_536, "width of the graph convolution (default: nodes per graph)")
    static let hidden = DeclaredOption<Int>.int("hidden", nil, shownAs: "2n", in: 1...65_536, "hidden width of the head")
    public static let optionDocs = [width.doc, hidden.doc] + GraphModelOptions.docs + CommonModelOptions.docs

    public let plan: GNNPlan
    public var label: String { plan.label }

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        plan = try GNNPlan(Self.modelName, &o, input: input) { o, n, symmetric in
            (1, try CommonModelOptions.width(Self.width, &o, default: n),
             try CommonModelOptions.width(Self.hidden, &o, default: 2 * n, symmetric: symmetric))
        }
    }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> { plan.build(rng: &rng, as: S.self) }
    public var size: ModelSize { plan.size }
}

/// What the two GNN architectures share: everything but how depth and widths are read.
public struct GNNPlan: Sendable {
    public let nodes: Int, featureSize: Int
    public let depth: Int, width: Int, hidden: Int
    public let aggregation: Aggregation, pooling: Pooling, propagation: Propagation
    public let rootWeight: Bool, activation: Activation, bias: Bool
    public let scheme: InitScheme
    public let label: String

    /// `sizes` reads (depth, width, hidden) given the nodes per graph and whether the
    /// initialisation is symmetric; the other options are read around it in the order the
    /// errors of several bad options have always been reported.
    init(_ name: String, _ o: inout OptionReader, input: InputDescription,
         sizes: (inout OptionReader, _ nodes: Int, _ symmetric: Bool) throws -> (Int, Int, Int)) throws {
        guard case .graphs(let n, let f) = input else { throw CommonModelOptions.incompatible(name, "graphs", input) }
        nodes = n; featureSize = f
        scheme = try CommonModelOptions.scheme(&o)
        let s = try sizes(&o, n, scheme.symmetric)
        depth = s.0; width = s.1; hidden = s.2
        aggregation = try GraphModelOptions.aggregation.read(&o)
        pooling = try GraphModelOptions.pooling.read(&o)
        rootWeight = try GraphModelOptions.rootWeight.read(&o)
        propagation = try GraphModelOptions.propagation.read(&o)
        activation = try CommonModelOptions.activation.read(&o)
        bias = try CommonModelOptions.bias.read(&o)
        label = CommonModelOptions.label(name, o)
    }

    func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> {
        let c = GNN<S>.Configuration(widths: [Int](repeating: width, count: depth), hidden: [hidden], aggregation: aggregation,
                                     propagation: propagation, pooling: pooling, activation: activation, bias: bias,
                                     rootWeight: rootWeight, scheme: scheme)
        return GNN<S>(featureSize: featureSize, configuration: c, name: label, rng: &rng)
    }

    var size: ModelSize {
        var parameters = ModelSize.head([width, hidden, 1], bias: bias)
        var fanIn = featureSize
        for _ in 0..<depth {
            parameters += fanIn * width * (rootWeight ? 2 : 1) + (bias ? width : 0)
            fanIn = width
        }
        // Per convolution: the aggregated and the convolved node features.
        return ModelSize(parameters: parameters, activationsPerSample: nodes * width * depth * 2 + hidden + 1)
    }
}
