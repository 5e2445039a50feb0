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
        case let .unknownOption(m, o, known): "\(m): unknown option '\(o)'; the options of \(m) are \(known.sorted().joined(separator: ", "))"
        case let .unknownModel(name, known): "unknown model '\(name)'; the models are \(known.joined(separator: ", "))"
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

/// One documented option of a model.
public struct ModelOptionDoc: Sendable {
    public let key: String, defaultValue: String, help: String
    init(_ key: String, _ defaultValue: String, _ help: String) { self.key = key; self.defaultValue = defaultValue; self.help = help }
}

/// Name → model, for the command line, the trainer and experiment specs, as
/// ``FunctionClassRegistry`` is for data. Options are `key=value` strings, validated: a bad value
/// names the option and its allowed range, an unknown option is an error (a typo must not fall
/// back to a default silently).
public enum ModelRegistry {
    public struct Entry: Sendable {
        public let name: String
        public let summary: String
        public let input: String
        public let options: [ModelOptionDoc]
    }

    static let common: [ModelOptionDoc] = [
        .init("parameterization", "standard", "standard, ntk or mean-field (see Parameterization)"),
        .init("init-scale", "1", "σ, multiplies the standard deviation of every initial weight, ≥ 0"),
        .init("symmetric", "false", "paired units with opposite output weights: the network is exactly 0 at init"),
        .init("activation", "relu", Activation.allCases.map(\.rawValue).joined(separator: ", ")),
        .init("bias", "true", "biases in every layer but the readout of gaussian-gnn"),
    ]
    static let graphOptions: [ModelOptionDoc] = [
        .init("aggregation", "sum", "sum, mean or max over neighbours"),
        .init("pooling", "sum", "sum or mean over nodes"),
        .init("root-weight", "true", "include each node's own features (W_root) in every graph convolution"),
        .init("propagation", "auto", "auto, dense (batched A·H) or edges (gather/scatter)"),
    ]
    static let convOptions: [ModelOptionDoc] = [
        .init("kernel", "3", "kernel width of every convolution, 1...n"),
        .init("pooling", "sum", "sum or mean over positions"),
        .init("layout", "channels-first", "for [N, a, b] inputs: channels-first ([N, C, n]) or channels-last ([N, n, C])"),
    ]
    static let averagingOptions: [ModelOptionDoc] = [
        .init("backbone", "mlp", "the averaged network: mlp, cnn or cnn-minimal; its own options as backbone.KEY=VALUE"),
        .init("axis", "1", "the input axis the group acts on (1 for [N, n] and [N, n, d])"),
    ]

    public static let entries: [Entry] = [
        Entry(name: "mlp", summary: "fully connected network d → widths → 1 on flattened dense inputs", input: "dense inputs",
              options: [.init("depth", "2", "number of weight layers, 2...8 (2 = one hidden layer)"),
                        .init("width", "256", "width of every hidden layer, 1...65536"),
                        .init("widths", "", "comma-separated hidden widths (overrides depth and width)")] + common),
        Entry(name: "gnn", summary: "overparameterized message-passing GNN: depth graph convolutions, pooling, one-hidden-layer head", input: "graphs",
              options: [.init("depth", "3", "message-passing layers, 1...8"), .init("width", "256", "width of every graph convolution"),
                        .init("hidden", "256", "hidden width of the head")] + graphOptions + common),
        Entry(name: "gnn-minimal", summary: "one graph convolution + one-hidden-layer MLP (Kiani et al. Fig. 3)", input: "graphs",
              options: [.init("width", "n", "width of the graph convolution (default: nodes per graph)"),
                        .init("hidden", "2n", "hidden width of the head")] + graphOptions + common),
        Entry(name: "cnn", summary: "overparameterized cyclic CNN: depth circular convolutions, pooling, one-hidden-layer head",
              input: "dense [N, n], [N, C, n] or [N, n, C]",
              options: [.init("depth", "3", "circular convolutions, 1...8"), .init("channels", "128", "channels of every convolution"),
                        .init("hidden", "128", "hidden width of the head")] + convOptions + common),
        Entry(name: "cnn-minimal", summary: "one circular convolution + one-hidden-layer MLP (Kiani et al. Fig. 3)",
              input: "dense [N, n], [N, C, n] or [N, n, C]",
              options: [.init("channels", "2^kernel", "channels of the convolution (default: the number of ±1 patterns of the kernel width)"),
                        .init("hidden", "2n", "hidden width of the head")] + convOptions + common),
        Entry(name: "frame-averaged", summary: "backbone at the canonical cyclic shift of its input: C_n-invariant frame averaging",
              input: "dense inputs", options: averagingOptions + common),
        Entry(name: "group-averaged", summary: "average of a backbone over every element of a small permutation group", input: "dense inputs",
              options: [.init("group", "cyclic", "cyclic, dihedral or symmetric (symmetric: n ≤ 8)")] + averagingOptions + common),
        Entry(name: "gaussian-gnn", summary: "f = 1ᵀσ(AXW)a, the Gaussian-feature GNN of Kiani et al. Thm 4, trainable", input: "graphs",
              options: [.init("width", "8", "number of hidden channels m (2k for the DKKZ family), 1...65536"),
                        .init("pooling", "sum", "sum or mean over nodes"),
                        .init("propagation", "auto", "auto, dense (batched A·X) or edges (gather/scatter)")]
                        + common.filter { $0.key != "bias" }),
    ]

    public static var names: [String] { entries.map(\.name) }

    /// Every model with its summary and options, for `--help`.
    public static var helpText: String {
        entries.map { e in
            let opts = e.options.map { "      \($0.key)=\($0.defaultValue)  \($0.help)" }.joined(separator: "\n")
            return "  \(e.name) (\(e.input)): \(e.summary)\n\(opts)"
        }.joined(separator: "\n")
    }

    /// The function class `symlab model` draws inputs from when none is given.
    public static func defaultDataClass(for model: String) -> String {
        switch model {
        case "gnn", "gnn-minimal": "er-parity"
        case "gaussian-gnn": "gaussian-gnn"
        default: "cyclic-pattern-parity"
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
        guard let entry = entries.first(where: { $0.name == name }) else { throw ModelError.unknownModel(name: name, known: names) }
        let averaging = name == "frame-averaged" || name == "group-averaged"
        for key in options.keys.sorted() where !entry.options.contains(where: { $0.key == key }) && !(averaging && key.hasPrefix("backbone.")) {
            throw ModelError.unknownOption(model: name, option: key, known: entry.options.map(\.key) + (averaging ? ["backbone.KEY"] : []))
        }
        do {
            var o = OptionReader(className: name, options: options)
            return try build(name, &o, options: options, input: input, rng: &rng, as: S.self)
        } catch let e as FunctionClassError {
            switch e {
            case let .invalidParameter(c, p, allowed, got): throw ModelError.invalidOption(model: c, option: p, allowed: allowed, got: got)
            case let .unknownOption(c, o, known): throw ModelError.unknownOption(model: c, option: o, known: known)
            default: throw e
            }
        }
    }

    // MARK: - Building

    static func scheme(_ o: inout OptionReader) throws -> InitScheme {
        let p = Parameterization(rawValue: try o.choice("parameterization", default: "standard", among: Parameterization.allCases.map(\.rawValue)))!
        let scale = try o.double("init-scale", default: 1, in: .nonNegative)
        return InitScheme(p, scale: scale, symmetric: try o.bool("symmetric", default: false))
    }

    static func activation(_ o: inout OptionReader) throws -> Activation {
        Activation(rawValue: try o.choice("activation", default: "relu", among: Activation.allCases.map(\.rawValue)))!
    }

    static func width(_ o: inout OptionReader, _ key: String, default value: Int, symmetric: Bool = false) throws -> Int {
        let w = try o.int(key, default: value, range: 1...65_536)
        if symmetric && w % 2 != 0 {
            throw o.fail(key, allowed: "an even integer in 2...65536 (symmetric initialisation pairs its units)", got: "\(w)")
        }
        return w
    }

    static func incompatible(_ name: String, _ expected: String, _ input: InputDescription) -> ModelError {
        .incompatibleInput(model: name, expected: expected, got: input.description)
    }

    static func build<S: TensorScalar>(_ name: String, _ o: inout OptionReader, options: [String: String], input: InputDescription,
                                       rng: inout RandomStream, as: S.Type) throws -> any Model<S> {
        switch name {
        case "mlp":
            guard case .dense(let shape) = input else { throw incompatible(name, "dense inputs", input) }
            let sc = try scheme(&o)
            let act = try activation(&o), bias = try o.bool("bias", default: true)
            var widths: [Int]
            if let list = try o.doubles("widths", in: Interval(1, 65_536), count: 1...7) {
                guard list.allSatisfy({ $0 == $0.rounded() }) else {
                    throw o.fail("widths", allowed: "a comma-separated list of 1...7 integers in 1...65536", got: options["widths"] ?? "")
                }
                widths = list.map { Int($0) }
                if sc.symmetric && widths.last! % 2 != 0 {
                    throw o.fail("widths", allowed: "a list whose last width is even (symmetric initialisation pairs its units)", got: options["widths"] ?? "")
                }
            } else {
                let depth = try o.int("depth", default: 2, range: 2...8)
                widths = [Int](repeating: try width(&o, "width", default: 256, symmetric: sc.symmetric), count: depth - 1)
            }
            return MLP<S>(inputShape: shape, widths: widths, activation: act, bias: bias, scheme: sc, name: label(name, o), rng: &rng)

        case "gnn", "gnn-minimal":
            guard case .graphs(let n, let f) = input else { throw incompatible(name, "graphs", input) }
            let sc = try scheme(&o)
            let minimal = name == "gnn-minimal"
            let depth = minimal ? 1 : try o.int("depth", default: 3, range: 1...8)
            let w = try width(&o, "width", default: minimal ? n : 256)
            let hidden = try width(&o, "hidden", default: minimal ? 2 * n : 256, symmetric: sc.symmetric)
            var c = GNN<S>.Configuration(widths: [Int](repeating: w, count: depth), hidden: [hidden], scheme: sc)
            try readGraphOptions(&o, &c)
            c.activation = try activation(&o)
            c.bias = try o.bool("bias", default: true)
            return GNN<S>(featureSize: f, configuration: c, name: label(name, o), rng: &rng)

        case "cnn", "cnn-minimal":
            guard case .dense(let shape) = input, shape.count == 1 || shape.count == 2 else {
                throw incompatible(name, "dense inputs [N, n], [N, C, n] or [N, n, C]", input)
            }
            let layout = ChannelLayout(rawValue: try o.choice("layout", default: "channels-first", among: ChannelLayout.allCases.map(\.rawValue)))!
            let n = shape.count == 1 ? shape[0] : (layout == .channelsFirst ? shape[1] : shape[0])
            let sc = try scheme(&o)
            let minimal = name == "cnn-minimal"
            let kernel = try o.int("kernel", default: Swift.min(3, n), range: 1...n)
            let depth = minimal ? 1 : try o.int("depth", default: 3, range: 1...8)
            let channels = try width(&o, "channels", default: minimal ? 1 << Swift.min(kernel, 10) : 128)
            let hidden = try width(&o, "hidden", default: minimal ? 2 * n : 128, symmetric: sc.symmetric)
            let pooling = Pooling(rawValue: try o.choice("pooling", default: "sum", among: Pooling.allCases.map(\.rawValue)))!
            let c = CNN<S>.Configuration(channels: [Int](repeating: channels, count: depth), kernelWidths: [Int](repeating: kernel, count: depth),
                                         hidden: [hidden], pooling: pooling, activation: try activation(&o), bias: try o.bool("bias", default: true),
                                         layout: layout, scheme: sc)
            return CNN<S>(sampleShape: shape, configuration: c, name: label(name, o), rng: &rng)

        case "gaussian-gnn":
            guard case .graphs(_, let f) = input else { throw incompatible(name, "graphs", input) }
            let sc = try scheme(&o)
            let w = try width(&o, "width", default: 8, symmetric: sc.symmetric)
            let pooling = Pooling(rawValue: try o.choice("pooling", default: "sum", among: Pooling.allCases.map(\.rawValue)))!
            let propagation = Propagation(rawValue: try o.choice("propagation", default: "auto", among: Propagation.allCases.map(\.rawValue)))!
            return GaussianGNN<S>(featureSize: f, width: w, activation: try activation(&o), pooling: pooling, propagation: propagation,
                                  scheme: sc, name: label(name, o), rng: &rng)

        case "frame-averaged", "group-averaged":
            guard case .dense(let shape) = input else { throw incompatible(name, "dense inputs", input) }
            let backboneName = try o.choice("backbone", default: "mlp", among: ["mlp", "cnn", "cnn-minimal"])
            let axis = try o.int("axis", default: 1, range: 1...shape.count)
            // Common options apply to the backbone unless backbone.KEY overrides them.
            var inner: [String: String] = [:]
            for d in common { if let v = options[d.key] { inner[d.key] = v } }
            for (k, v) in options where k.hasPrefix("backbone.") { inner[String(k.dropFirst("backbone.".count))] = v }
            let backbone: any Model<S>
            do {
                backbone = try make(backboneName, options: inner, input: input, rng: &rng, as: S.self)
            } catch let e as ModelError {
                throw prefixed(e, in: name)
            }
            for d in common { _ = o.string(d.key) }
            if name == "frame-averaged" {
                return FrameAveraged(backbone: backbone, axis: axis, name: label(name, o) + " of " + backbone.summary.name)
            }
            let n = shape[axis - 1]
            let kind = try o.choice("group", default: "cyclic", among: ["cyclic", "dihedral", "symmetric"])
            let group: any PermutationGroup
            switch kind {
            case "cyclic": group = CyclicGroup(n)
            case "dihedral": group = DihedralGroup(n)
            default:
                guard n <= 8 else { throw o.fail("group", allowed: "cyclic or dihedral for an axis of length \(n) > 8 (S_n would have \(n)! elements)", got: kind) }
                group = SymmetricGroup(n)
            }
            return GroupAveraged(backbone: backbone, group: group, axis: axis, name: label(name, o) + " of " + backbone.summary.name)

        default:
            throw ModelError.unknownModel(name: name, known: names)
        }
    }

    static func readGraphOptions<S>(_ o: inout OptionReader, _ c: inout GNN<S>.Configuration) throws {
        c.aggregation = Aggregation(rawValue: try o.choice("aggregation", default: "sum", among: Aggregation.allCases.map(\.rawValue)))!
        c.pooling = Pooling(rawValue: try o.choice("pooling", default: "sum", among: Pooling.allCases.map(\.rawValue)))!
        c.rootWeight = try o.bool("root-weight", default: true)
        c.propagation = Propagation(rawValue: try o.choice("propagation", default: "auto", among: Propagation.allCases.map(\.rawValue)))!
    }

    /// Errors of a backbone name the option as the user wrote it (backbone.KEY).
    static func prefixed(_ e: ModelError, in model: String) -> ModelError {
        switch e {
        case let .invalidOption(m, o, allowed, got): .invalidOption(model: "\(model) (backbone \(m))", option: "backbone." + o, allowed: allowed, got: got)
        case let .unknownOption(m, o, known): .unknownOption(model: "\(model) (backbone \(m))", option: "backbone." + o, known: known.map { "backbone." + $0 })
        default: e
        }
    }

    /// "gnn [depth=3 width=256 …]": the name and every resolved option, for summaries and the results store.
    static func label(_ name: String, _ o: OptionReader) -> String {
        name + " [" + o.resolved.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "]"
    }
}
