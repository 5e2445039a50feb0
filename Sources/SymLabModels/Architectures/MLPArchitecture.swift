import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// `mlp`: an ``MLP`` on flattened dense inputs.
public struct MLPArchitecture: RegisteredModel {
    public static let modelName = "mlp"
    public static let summary = "fully connected network d → widths → 1 on flattened dense inputs"
    public static let inputKind = "dense inputs"
    public static let defaultDataClass = "cyclic-pattern-parity"

    static let depth = DeclaredOption<Int>.int("depth", 2, in: 2...8, "number of weight layers, 2...8 (2 = one hidden layer)")
    static let width = DeclaredOption<Int>.int("width", 256, in: 1...65_536, "width of every hidden layer, 1...65536")
    /// No default: absent, depth and width apply.
    static let widths = OptionDoc("widths", "", "comma-separated hidden widths (overrides depth and width)")
    /// Off (with `bias: false`) for the bias-free network of the NTK width analyses: a readout
    /// bias is a direction of the tangent kernel with eigenvalue ≈ n, which caps gradient
    /// descent's step size far below what the kernel's other directions allow.
    static let readoutBias = DeclaredOption<Bool>.flag("readout_bias", true, "a trained bias on the readout (false with bias=false: no bias anywhere)")
    public static let optionDocs = [depth.doc, width.doc, widths] + CommonModelOptions.docs + [readoutBias.doc]

    public let inputShape: [Int]
    public let widths: [Int]
    public let activation: Activation
    public let bias: Bool
    public let readoutBias: Bool
    public let scheme: InitScheme
    public let label: String

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        guard case .dense(let shape) = input else { throw CommonModelOptions.incompatible(Self.modelName, "dense inputs", input) }
        inputShape = shape
        let sc = try CommonModelOptions.scheme(&o)
        scheme = sc
        activation = try CommonModelOptions.activation.read(&o)
        bias = try CommonModelOptions.bias.read(&o)
        readoutBias = try Self.readoutBias.read(&o)
        if let list = try o.doubles(Self.widths.key, in: Interval(1, 65_536), count: 1...7) {
            guard list.allSatisfy({ $0 == $0.rounded() }) else {
                throw o.fail(Self.widths.key, allowed: "a comma-separated list of 1...7 integers in 1...65536", got: options[Self.widths.key] ?? "")
            }
            widths = list.map { Int($0) }
            if sc.symmetric && widths.last! % 2 != 0 {
                throw o.fail(Self.widths.key, allowed: "a list whose last width is even (symmetric initialisation pairs its units)",
                             got: options[Self.widths.key] ?? "")
            }
        } else {
            let depth = try Self.depth.read(&o)
            widths = [Int](repeating: try CommonModelOptions.width(Self.width, &o, symmetric: sc.symmetric), count: depth - 1)
        }
        label = CommonModelOptions.label(Self.modelName, o)
    }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> {
        MLP<S>(inputShape: inputShape, widths: widths, activation: activation, bias: bias, readoutBias: readoutBias, scheme: scheme, name: label, rng: &rng)
    }

    public var size: ModelSize {
        ModelSize(parameters: ModelSize.head([inputShape.reduce(1, *)] + widths + [1], bias: bias, readoutBias: readoutBias),
                  activationsPerSample: widths.reduce(0, +) + 1)
    }
}
