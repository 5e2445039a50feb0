import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// `frame-averaged`: a backbone at the canonical cyclic shift of its input (``FrameAveraged``).
public struct FrameAveragedArchitecture: RegisteredModel {
    public static let modelName = "frame-averaged"
    public static let summary = "backbone at the canonical cyclic shift of its input: C_n-invariant frame averaging"
    public static let inputKind = "dense inputs"
    public static let defaultDataClass = "cyclic-pattern-parity"
    public static let takesBackboneOptions = true
    public static let optionDocs = AveragingOptions.docs + CommonModelOptions.docs

    public let averaging: AveragingPlan
    public let label: String

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        averaging = try AveragingPlan(Self.modelName, &o, options: options, input: input)
        label = CommonModelOptions.label(Self.modelName, o) + " of " + averaging.backbone.label
    }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> {
        FrameAveraged(backbone: averaging.backbone.build(rng: &rng, as: S.self), axis: averaging.axis, name: label)
    }

    /// The backbone's: the canonical shift is computed off the tape.
    public var size: ModelSize { averaging.backbone.size }
    public var backboneOptions: [String: String] { averaging.backboneOptions }
}

/// `group-averaged`: the average of a backbone over every element of a small permutation group
/// (``GroupAveraged``).
public struct GroupAveragedArchitecture: RegisteredModel {
    public static let modelName = "group-averaged"
    public static let summary = "average of a backbone over every element of a small permutation group"
    public static let inputKind = "dense inputs"
    public static let defaultDataClass = "cyclic-pattern-parity"
    public static let takesBackboneOptions = true

    static let group = DeclaredOption<String>.choice("group", "cyclic", among: ["cyclic", "dihedral", "symmetric"],
                                                     "cyclic, dihedral or symmetric (symmetric: n ≤ 8)")
    public static let optionDocs = [group.doc] + AveragingOptions.docs + CommonModelOptions.docs

    public let averaging: AveragingPlan
    public let group: PermutationGroup
    public let label: String

    public init(reading o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        averaging = try AveragingPlan(Self.modelName, &o, options: options, input: input)
        let n = averaging.sampleShape[averaging.axis - 1]
        let kind = try Self.group.read(&o)
        switch kind {
        case "cyclic": group = .cyclic(n)
        case "dihedral": group = .dihedral(n)
        default:
            guard n <= 8 else { throw o.fail(Self.group.key, allowed: "cyclic or dihedral for an axis of length \(n) > 8 (S_n would have \(n)! elements)", got: kind) }
            group = .symmetric(n)
        }
        label = CommonModelOptions.label(Self.modelName, o) + " of " + averaging.backbone.label
    }

    public func build<S: TensorScalar>(rng: inout RandomStream, as: S.Type) -> any Model<S> {
        GroupAveraged(backbone: averaging.backbone.build(rng: &rng, as: S.self), group: group, axis: averaging.axis, name: label)
    }

    /// The backbone's parameters; its activations once per group element (all copies go
    /// through it as one batch).
    public var size: ModelSize {
        let b = averaging.backbone.size
        return ModelSize(parameters: b.parameters, activationsPerSample: b.activationsPerSample * Int(group.order))
    }
    public var backboneOptions: [String: String] { averaging.backboneOptions }
}

/// The options of the averaging models.
enum AveragingOptions {
    /// The models a backbone can be.
    static let backbones: [any RegisteredModel.Type] = [MLPArchitecture.self, CNNArchitecture.self, MinimalCNNArchitecture.self]
    static let backbone = DeclaredOption<String>.choice("backbone", "mlp", among: backbones.map { $0.modelName },
                                                        "the averaged network: mlp, cnn or cnn-minimal; its own options as backbone.KEY=VALUE")
    /// Range 1...rank of a sample: given where read.
    static let axis = OptionDoc("axis", "1", "the input axis the group acts on (1 for [N, n] and [N, n, d])")
    static let docs = [backbone.doc, axis]
}

/// What the two averaging architectures share: the backbone and the axis.
public struct AveragingPlan: Sendable {
    public let sampleShape: [Int]
    public let axis: Int
    public let backbone: any RegisteredModel
    /// Every option the backbone read, resolved (its defaults included).
    public let backboneOptions: [String: String]

    init(_ name: String, _ o: inout OptionReader, options: [String: String], input: InputDescription) throws {
        guard case .dense(let shape) = input else { throw CommonModelOptions.incompatible(name, "dense inputs", input) }
        sampleShape = shape
        let backboneName = try AveragingOptions.backbone.read(&o)
        axis = try o.int(AveragingOptions.axis.key, default: 1, range: 1...shape.count)
        // Common options apply to the backbone unless backbone.KEY overrides them.
        var inner: [String: String] = [:]
        for d in CommonModelOptions.docs { if let v = options[d.key] { inner[d.key] = v } }
        for (k, v) in options where k.hasPrefix("backbone.") { inner[String(k.dropFirst("backbone.".count))] = v }
        do {
            (backbone, backboneOptions) = try ModelRegistry.resolve(backboneName, options: inner, input: input)
        } catch let e as ModelError {
            throw ModelRegistry.prefixed(e, in: name)
        }
        for d in CommonModelOptions.docs { _ = o.string(d.key) }
    }
}
