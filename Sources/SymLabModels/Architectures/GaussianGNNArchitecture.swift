import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// `gaussian-gnn`: the trainable ``GaussianGNN`` f = 1ᵀσ(AXW)a of Kiani et al. Theorem 4.
public struct GaussianGNNArchitecture: RegisteredModel {
    public static let modelName = "gaussian-gnn"
    public static let summary = "f = 1ᵀσ(AXW)a, the Gaussian-feature GNN of Kiani et al. Thm 4, trainable"
    public static let inputKind = "graphs"
    public static let defaultDataClass = "gaussian-gnn"

    static let width = DeclaredOption<Int>.int("width", 8, in: 1...65_536, "number of hidden channels m (2k for the DKKZ family), 1...65536")
    static let pooling = DeclaredOption<Pooling>.choice("pooling", .sum, "sum or mean over nodes")
    static let propagation = DeclaredOption<Propagation>.choice("propagation", .auto, "auto, dense (batched A·X) or edges (gather/scatter)")
    /// No biases anywhere: the common options but `bias`.
    public static let optionDocs = [width.doc, pooling.doc, propagation.doc] + CommonModelOptions.docs.filter { $0.key != CommonModelOptions.bias.key }

    public let nodes: Int, featureSize: Int, width: Int
    public let pooling: Pooling, propagation: Propagation, activation: Activation
    public let scheme: InitScheme
    public let label: String

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        guard case .graphs(let n, let f) = input else { throw CommonModelOptions.incompatible(Self.modelName, "graphs", input) }
        nodes = n; featureSize = f
        scheme = try CommonModelOptions.scheme(&o)
        width = try CommonModelOptions.width(Self.width, &o, symmetric: scheme.symmetric)
        pooling = try Self.pooling.read(&o)
        propagation = try Self.propagation.read(&o)
        activation = try CommonModelOptions.activation.read(&o)
        label = CommonModelOptions.label(Self.modelName, o)
    }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> {
        GaussianGNN<S>(featureSize: featureSize, width: width, activation: activation, pooling: pooling, propagation: propagation,
                       scheme: scheme, name: label, rng: &rng)
    }

    /// W [d, m] and a [m] (split into halves when symmetric: the same count).
    public var size: ModelSize {
        ModelSize(parameters: featureSize * width + width, activationsPerSample: nodes * width * 2 + width + 1)
    }
}
