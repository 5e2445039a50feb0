import SymLabCore
import SymLabNumerics

/// A function class the registry can build from `key=value` options.
public protocol RegisteredFunctionClass: FunctionClass, RegistryMember {
    static var className: String { get }
    /// Validates every option; a bad one throws ``FunctionClassError/invalidParameter(className:parameter:allowed:got:)``.
    init(options: [String: String]) throws
    /// True for the classes a (C)SQ lower bound is claimed for (default false).
    static var claimsQueryHardness: Bool { get }
}

extension RegisteredFunctionClass {
    /// Whether a reference paper claims a (C)SQ lower bound for the class (the hardness classes of
    /// Kiani et al., and sparse parities as the classic case). `symlab theory bounds` has a query
    /// family for every such class, and its tests check that none is missing.
    public static var claimsQueryHardness: Bool { false }
    public var name: String { Self.className }
    public static var registryName: String { className }
}

/// The label-noise option every class takes.
let noiseDoc = OptionDoc("noise", "0", "standard deviation of Gaussian label noise")

/// Name → class, for the command line and for experiment specs.
public enum FunctionClassRegistry {
    /// Every class, hard classes first (Kiani et al.), then the benign feature-learning classes.
    /// Add a new class here (one line).
    public static let registry = TypeRegistry<any RegisteredFunctionClass.Type>([
        ERParityClass.self, CyclicPatternParityClass.self, CyclicFrameParityClass.self,
        GaussianGNNClass.self, GroupAveragedCNNClass.self, SymmetricBooleanClass.self,
        InvariantPolynomialClass.self, SparseParityClass.self, ReLUTeacherClass.self,
        SingleIndexClass.self, MultiIndexClass.self, HierarchicalClass.self,
        SpikedCovarianceClass.self, StaircaseClass.self, ERDegreeMomentClass.self, CyclicAutocorrelationClass.self,
        PowerLawLinearClass.self, DepletedStripeClass.self,
        RandomLabelsSphereClass.self, PatchDictionaryClass.self,
        TwoModalityClass.self,
        SpikedWishartClass.self,
        TeacherPairClass.self,
    ], describe: { $0 }, unknown: { FunctionClassError.unknownClass(name: $0, known: $1) })

    public static var types: [any RegisteredFunctionClass.Type] { registry.members }
    public static var names: [String] { registry.names }

    public static func type(named name: String) throws -> any RegisteredFunctionClass.Type {
        try registry.member(named: name)
    }

    /// Builds class `name` from its options (validated; unknown keys are errors).
    public static func make(_ name: String, options: [String: String] = [:]) throws -> any FunctionClass {
        try type(named: name).init(options: options)
    }

    /// Every class with its summary and options, for `--help`.
    public static var helpText: String { registry.helpText }
    /// One class's heading and options (`symlab data list CLASS`).
    public static func helpText(for name: String) -> String { registry.helpText(only: name) }
}
