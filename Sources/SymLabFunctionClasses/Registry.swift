import SymLabNumerics

/// One documented option of a function class.
public struct OptionDoc: Sendable {
    public let key: String
    public let defaultValue: String
    public let help: String
    public init(_ key: String, _ defaultValue: String, _ help: String) {
        self.key = key; self.defaultValue = defaultValue; self.help = help
    }
}

/// A function class the registry can build from `key=value` options.
public protocol RegisteredFunctionClass: FunctionClass {
    static var className: String { get }
    /// One line: what the class is and where it comes from.
    static var summary: String { get }
    static var optionDocs: [OptionDoc] { get }
    /// Validates every option; a bad one throws ``FunctionClassError/invalidParameter(className:parameter:allowed:got:)``.
    init(options: [String: String]) throws
}

extension RegisteredFunctionClass {
    public var name: String { Self.className }
}

/// The label-noise option every class takes.
let noiseDoc = OptionDoc("noise", "0", "standard deviation of Gaussian label noise")

/// Name → class, for the command line and for experiment specs.
public enum FunctionClassRegistry {
    /// Every class, hard classes first (Kiani et al.), then the benign feature-learning classes.
    public static let types: [any RegisteredFunctionClass.Type] = [
        ERParityClass.self, CyclicPatternParityClass.self, CyclicFrameParityClass.self,
        GaussianGNNClass.self, GroupAveragedCNNClass.self, SymmetricBooleanClass.self,
        InvariantPolynomialClass.self, SparseParityClass.self, ReLUTeacherClass.self,
        SingleIndexClass.self, MultiIndexClass.self, HierarchicalClass.self,
        SpikedCovarianceClass.self, StaircaseClass.self, ERDegreeMomentClass.self, CyclicAutocorrelationClass.self,
    ]

    public static var names: [String] { types.map { $0.className } }

    public static func type(named name: String) throws -> any RegisteredFunctionClass.Type {
        guard let t = types.first(where: { $0.className == name }) else {
            throw FunctionClassError.unknownClass(name: name, known: names)
        }
        return t
    }

    /// Builds class `name` from its options (validated; unknown keys are errors).
    public static func make(_ name: String, options: [String: String] = [:]) throws -> any FunctionClass {
        try type(named: name).init(options: options)
    }

    /// Every class with its summary and options, for `--help`.
    public static var helpText: String {
        types.map { t in
            let opts = t.optionDocs.map { "      \($0.key)=\($0.defaultValue)  \($0.help)" }.joined(separator: "\n")
            return "  \(t.className): \(t.summary)\n\(opts)"
        }.joined(separator: "\n")
    }
}
