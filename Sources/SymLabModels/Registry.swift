import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// A model could not be built from its name, options and inputs.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case invalidOption(model: String, option: String, allowed: String, got: String)
    case unknownOption(model: String, option: String, known: [String])
    case unknownModel(name: String, known: [String])
    /// The inputs are not of a kind the model takes (e.g. graphs for a CNN).
    case incompatibleInput(model: String, expected: String, got: String)

    public var description: String {
        switch self {
        case let .invalidOption(m, o, allowed, got): "\(m): option '\(o)' must be \(allowed), got '\(got)'"
        case let .unknownOption(m, o, known): "\(m): unknown option '\(o)'\(Suggestion.hint(for: o, among: known)); the options of \(m) are \(known.sorted().joined(separator: ", "))"
        case let .unknownModel(name, known): "unknown model '\(name)'\(Suggestion.hint(for: name, among: known)); the models are \(known.joined(separator: ", "))"
        case let .incompatibleInput(m, expected, got): "\(m): needs \(expected), got \(got)"
        }
    }

    /// The option an error names (nil for unknown models and incompatible inputs).
    public var option: String? {
        switch self {
        case let .invalidOption(_, o, _, _), let .unknownOption(_, o, _): o
        default: nil
        }
    }
}

/// What a model needs to know about its inputs, read off a sample (``init(_:)``).
public enum InputDescription: Sendable, Equatable, CustomStringConvertible {
    /// Dense inputs; `shape` is one sample's shape ([n] for [N, n] inputs).
    case dense(shape: [Int])
    /// Graphs with n nodes each and f features per node.
    case graphs(nodes: Int, features: Int)

    public init<S>(_ inputs: Inputs<S>) {
        switch inputs {
        case .dense(let x): self = .dense(shape: Array(x.shape.dropFirst()))
        case .graphs(let g): self = .graphs(nodes: g.nodesPerGraph, features: g.features.shape[2])
        }
    }

    public var description: String {
        switch self {
        case .dense(let s): "dense inputs [N, \(s.map(String.init).joined(separator: ", "))]"
        case .graphs(let n, let f): "graphs with \(n) nodes and \(f) node feature\(f == 1 ? "" : "s")"
        }
    }
}

/// Name → model, for the command line, the trainer and experiment specs, as
/// ``FunctionClassRegistry`` is for data. Options are `key=value` strings, validated: a bad value
/// names the option and its allowed range, an unknown option is an error (a typo must not fall
/// back to a default silently).
public enum ModelRegistry {
    /// Every model. Add a new one here (one line; the type is one file in `Architectures/`).
    public static let registry = TypeRegistry<any RegisteredModel.Type>([
        MLPArchitecture.self, GNNArchitecture.self, MinimalGNNArchitecture.self, CNNArchitecture.self,
        MinimalCNNArchitecture.self, FrameAveragedArchitecture.self, GroupAveragedArchitecture.self, GaussianGNNArchitecture.self,
        BottleneckArchitecture.self, AutoencoderArchitecture.self,
    ], describe: { $0 }, unknown: { ModelError.unknownModel(name: $0, known: $1) })

    public static var types: [any RegisteredModel.Type] { registry.members }
    public static var names: [String] { registry.names }

    /// Every model with its summary and options, for `--help`.
    public static var helpText: String { registry.helpText }
    /// One model's heading and options (`symlab model list MODEL`).
    public static func helpText(for name: String) -> String { registry.helpText(only: name) }

    /// The function class `symlab model` draws inputs from when none is given (for an unknown
    /// name, the dense default: the registry names the problem when the model is built).
    public static func defaultDataClass(for model: String) -> String {
        (try? registry.member(named: model))?.defaultDataClass ?? MLPArchitecture.defaultDataClass
    }

    /// Model `name` with its options read and validated for inputs like `input`: what it will
    /// build and how large that is, without building it.
    public static func architecture(_ name: String, options: [String: String] = [:], input: InputDescription) throws -> any RegisteredModel {
        try resolve(name, options: options, input: input).architecture
    }

    /// Model `name` read for inputs like `input` as ``architecture(_:options:input:)`` does, with
    /// every option it read and the value it applies (given or default; a backbone's as
    /// `backbone.KEY`): what a run records as its model's resolved options. The values are the
    /// reader's own, so a default is written down in one place, its declaration.
    public static func resolve(_ name: String, options: [String: String] = [:], input: InputDescription) throws
        -> (architecture: any RegisteredModel, options: [String: String]) {
        let type = try registry.member(named: name)
        let backbone = type.takesBackboneOptions
        let known = type.optionDocs.map(\.key)
        for key in options.keys.sorted() where !known.contains(KeySpelling.canonical(key)) && !(backbone && key.hasPrefix("backbone.")) {
            throw ModelError.unknownOption(model: name, option: key, known: known + (backbone ? ["backbone.KEY"] : []))
        }
        do {
            var o = OptionReader(className: name, options: options)
            let architecture = try type.init(reading: &o, options: options, input: input)
            var resolved = o.resolved
            for (k, v) in architecture.backboneOptions { resolved["backbone." + k] = v }
            return (architecture, resolved)
        } catch let e as FunctionClassError {
            switch e {
            case let .invalidParameter(c, p, allowed, got): throw ModelError.invalidOption(model: c, option: p, allowed: allowed, got: got)
            case let .unknownOption(c, o, known): throw ModelError.unknownOption(model: c, option: o, known: known)
            default: throw e
            }
        }
    }

    /// Builds model `name` for inputs like `input`, initialised from `RandomStream(seed:)`.
    public static func make<S: TensorScalar>(_ name: String, options: [String: String] = [:], input: InputDescription,
                                             seed: UInt64, as: S.Type = S.self) throws -> any Model<S> {
        var rng = RandomStream(seed: seed)
        return try make(name, options: options, input: input, rng: &rng, as: S.self)
    }

    /// Builds model `name`, drawing its initial weights from `rng`.
    public static func make<S: TensorScalar>(_ name: String, options: [String: String] = [:], input: InputDescription,
                                             rng: inout RandomStream, as: S.Type = S.self) throws -> any Model<S> {
        try architecture(name, options: options, input: input).build(rng: &rng, as: S.self)
    }

    /// Errors of a backbone name the option as the user wrote it (backbone.KEY).
    static func prefixed(_ e: ModelError, in model: String) -> ModelError {
        switch e {
        case let .invalidOption(m, o, allowed, got): .invalidOption(model: "\(model) (backbone \(m))", option: "backbone." + o, allowed: allowed, got: got)
        case let .unknownOption(m, o, known): .unknownOption(model: "\(model) (backbone \(m))", option: "backbone." + o, known: known.map { "backbone." + $0 })
        default: e
        }
    }
}
