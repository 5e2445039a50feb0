import BigInt
import SymLabFunctionClasses
import SymLabNumerics

// The statistical-dimension bound (``QueryBounds``) needs a family f_1, …, f_m inside a class and
// γ = max_{i≠j} |⟨f_i, f_j⟩|. Which family to take is a choice per class, documented with its
// literature in docs/statistical-queries.md §2; this folder holds one file per choice. A family
// is always a set of the class's own members (built as the class's targets), so a lower bound
// for the family is one for the class.

/// The family behind one registered hard class's query lower bound.
///
/// Adding one: a type conforming to this protocol (one file in `Bounds/`), and one entry in
/// ``QueryFamilies/all``. The tests check that every class with
/// `claimsQueryHardness` has exactly one family.
public protocol QueryFamily: Sendable {
    /// The registered function class the family lives in.
    associatedtype Class: RegisteredFunctionClass
    /// The class option the sizes of `theory bounds` set by default (n, d, …).
    static var sizeOption: String { get }
    /// The sizes `theory bounds` uses when none are given (a range that runs in seconds to a minute).
    static var defaultSizes: [Int] { get }
    /// The family in one line, with its reference.
    static var summary: String { get }
    /// The family of class instance `c`: its size, γ, what was measured. `rng` is this row's own
    /// stream (``BoundsSettings/stream(for:)``).
    static func bound(_ c: Class, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound
}

extension QueryFamily {
    /// The registry name of the class.
    public static var className: String { Class.className }

    /// The family of the class built from `options` (class defaults for the rest).
    public static func bound(options: [String: String], settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        try bound(try Class(options: options), settings: settings, rng: rng)
    }
}

/// Every family, in the order of the function-class registry.
public enum QueryFamilies {
    /// Add a new family here (one line).
    public static let all: [any QueryFamily.Type] = [
        ERParityFamily.self, CyclicPatternParityFamily.self, CyclicFrameParityFamily.self,
        GaussianGNNFamily.self, GroupAveragedCNNFamily.self, OrbitLabellingFamily.self,
        InvariantPolynomialFamily.self, SparseParityFamily.self,
    ]

    /// The classes that have a family.
    public static var names: [String] { all.map { $0.className } }

    /// The family of class `name`; the error lists the classes that have one.
    public static func family(forClass name: String) throws -> any QueryFamily.Type {
        for f in all where f.className == name { return f }
        throw TheoryError.invalidArgument("no query family for class '\(name)'; `theory bounds` covers \(names.joined(separator: ", "))")
    }
}

/// How `theory bounds` measures γ and at which tolerance it states the bound.
public struct BoundsSettings: Sendable {
    public typealias Method = CorrelationStudy.Method
    /// τ, the query tolerance of the bound.
    public var tau: Double
    /// auto: exact where the inputs can be enumerated ({±1}^d with d ≤ 16, graphs on ≤ 7 nodes),
    /// else Monte Carlo; exact: enumerate or refuse; monte-carlo; both (tests).
    public var method: Method
    /// Inputs drawn for the parity-type families' bit moments (one pass of cheap features each).
    public var samples: Int
    /// Inputs drawn for the Monte Carlo Gram matrix of measured members (each member evaluated).
    public var memberSamples: Int
    /// At most this many members are measured one against another.
    public var functions: Int
    /// Confidence of the intervals; the γ upper bounds are simultaneous over the pairs (Bonferroni).
    public var confidence: Double
    /// A feature bit is near-unbiased when |E z| < threshold (ERParityStudy's notion).
    public var threshold: Double
    public var seed: UInt64

    public init(tau: Double = 0.05, method: Method = .auto, samples: Int = 200_000, memberSamples: Int = 20_000,
                functions: Int = 16, confidence: Double = 0.95, threshold: Double = 0.05, seed: UInt64 = 0) {
        self.tau = tau; self.method = method; self.samples = samples; self.memberSamples = memberSamples
        self.functions = functions; self.confidence = confidence; self.threshold = threshold; self.seed = seed
    }

    /// The stream of the row at `size`: substream `size` of the seed, so one size's numbers do not
    /// depend on which other sizes are in the grid.
    public func stream(for size: Int) -> RandomStream { RandomStream(seed: seed).substream(.boundsSize(size)) }

    func validate() throws {
        guard tau > 0, tau <= 1 else { throw TheoryError.invalidArgument("the tolerance τ must be in (0, 1], got \(tau)") }
        guard samples >= 2, memberSamples >= 2 else { throw TheoryError.invalidArgument("Monte Carlo needs at least 2 samples") }
        guard functions >= 2 else { throw TheoryError.invalidArgument("at least 2 members must be measured (correlations are between pairs), got \(functions)") }
        guard confidence > 0, confidence < 1 else { throw TheoryError.invalidArgument("the confidence must be in (0, 1), got \(confidence)") }
        guard threshold > 0, threshold <= 1 else { throw TheoryError.invalidArgument("the near-unbiased threshold must be in (0, 1], got \(threshold)") }
    }
}

/// The number of functions m of a family: exact when it is an integer we can write down, else
/// only its log10 (families from the probabilistic method can have 10^(10^11) members).
public struct FamilySize: Sendable, Equatable, CustomStringConvertible {
    public let exact: BigUInt?
    public let log10: Double

    public init(_ m: BigUInt) {
        exact = m
        log10 = m.isZero ? -.infinity : NumberTheory.log2(m) * 0.30102999566398120
    }

    public init(log10 value: Double) { exact = nil; log10 = value }

    public var description: String {
        if let exact { return NumberFormat.abbreviated(exact) }
        return "10^" + NumberFormat.fixed(log10, log10 < 100 ? 2 : 0)
    }
}

/// γ, the bound on every pairwise |correlation| of a family, and where it comes from.
public struct FamilyGamma: Sendable {
    public enum Source: String, Sendable {
        /// Computed exactly over every pair, by enumerating the inputs.
        case exact
        /// A theorem (orthogonality, a Hermite bound); the reason says which.
        case theorem
        /// A Monte Carlo upper confidence bound, simultaneous over every pair.
        case monteCarloUpperBound = "monte-carlo upper bound"
        /// The family exists with this γ by the probabilistic method (a union bound).
        case probabilisticMethod = "probabilistic method"
    }

    public let value: Double
    public let source: Source
    /// One line: why γ has this value.
    public let reason: String

    public init(_ value: Double, _ source: Source, _ reason: String) { self.value = value; self.source = source; self.reason = reason }
}

/// What was measured: correlations of some members (or of all, through their feature bits).
public struct FamilyMeasurement: Sendable {
    /// What the numbers are over ("all 56 members, via the 8 feature bits", "16 drawn members").
    public let over: String
    public let members: Int
    /// The exact γ among them, when the inputs were enumerated.
    public let exactGamma: Double?
    /// The Monte Carlo point estimate of γ and its simultaneous upper confidence bound.
    public let estimate: Double?
    public let upperBound: Double?
    /// Monte Carlo draws (0 when exact only).
    public let samples: Int
    /// A bound from a theorem for the same measured members (the Gaussian families' Hermite bound).
    public let theoremGamma: Double?

    public init(over: String, members: Int, exactGamma: Double? = nil, estimate: Double? = nil, upperBound: Double? = nil,
                samples: Int = 0, theoremGamma: Double? = nil) {
        self.over = over; self.members = members; self.exactGamma = exactGamma; self.estimate = estimate
        self.upperBound = upperBound; self.samples = samples; self.theoremGamma = theoremGamma
    }

    /// "0.0123 exact", "0.0031 ≤ 0.0102 (MC)", both when both ran.
    public var text: String {
        var parts: [String] = []
        if let e = exactGamma { parts.append(NumberFormat.scientific(e) + " exact") }
        if let e = estimate, let u = upperBound { parts.append(NumberFormat.scientific(e) + " ≤ " + NumberFormat.scientific(u) + " MC") }
        if let t = theoremGamma { parts.append("≤ " + NumberFormat.scientific(t) + " thm") }
        return parts.joined(separator: "; ")
    }
}

/// A family's part of a row: what a ``QueryFamily`` computes for one class instance.
public struct FamilyBound: Sendable {
    /// The family with its parameters, in one line.
    public let family: String
    public let size: FamilySize
    public let gamma: FamilyGamma
    public let measurement: FamilyMeasurement?
    /// Further quantities (‖p_O‖, near-unbiased bits, …) as (CSV key, value).
    public let extras: [(key: String, value: Double)]
    public let notes: [String]
    /// The class's resolved options.
    public let parameters: [String: String]
    /// Parity-type families: B, the feature bits whose k-subsets S give the members g_S (degrees,
    /// pattern ids, positions, coordinates); nil for the others.
    public let usableBits: [Int]?
    /// Parity-type families of at most 5000 members: each member's S (elements of ``usableBits``).
    public let memberSubsets: [[Int]]?

    public init(family: String, size: FamilySize, gamma: FamilyGamma, measurement: FamilyMeasurement?,
                extras: [(key: String, value: Double)] = [], notes: [String] = [], parameters: [String: String],
                usableBits: [Int]? = nil, memberSubsets: [[Int]]? = nil) {
        self.family = family; self.size = size; self.gamma = gamma; self.measurement = measurement
        self.extras = extras; self.notes = notes; self.parameters = parameters; self.usableBits = usableBits
        self.memberSubsets = memberSubsets
    }

    public func extra(_ key: String) -> Double? { extras.first { $0.key == key }?.value }
}

extension QueryBounds {
    /// log10 of m(τ² − γ)/2 for a family of any size (m given exactly or as log10); nil when the
    /// bound is vacuous (τ² ≤ γ up to rounding, see ``margin(tau:gamma:)``) or the family has fewer
    /// than two members (one function leaves nothing to identify: the argument gives (m − 1)(τ² − γ)/2).
    public static func log10Queries(_ m: FamilySize, gamma: Double, tolerance tau: Double) throws -> Double? {
        let margin = Self.margin(tau: tau, gamma: min(max(gamma, 0), 1))
        guard margin > 0, m.log10 >= 0.30102999566398120 else { return nil }
        if let exact = m.exact, exact.bitWidth <= 1000 {
            return _log10(try csqLowerBound(functionCount: Double(exact), gamma: min(max(gamma, 0), 1), tolerance: tau).queries)
        }
        return m.log10 + _log10(margin / 2)
    }
}

/// log10 through ``portableLog`` (same digits on every platform).
@inline(__always) func _log10(_ x: Double) -> Double { portableLog(x) / 2.302585092994046 }

/// The largest m with m(m − 1) < E, given ln E: the size of a family that a union bound over its
/// m(m − 1)/2 pairs, each bad with probability ≤ 2/E, shows to exist. Exact for E < e^60, else its log10.
func unionBoundFamilySize(logE: Double) -> FamilySize {
    guard logE > 0 else { return FamilySize(1) }                 // E ≤ 1: one function, no pair
    if logE < 60 {                                                 // E < e^60: m < 2^44, integers exact in Double
        let e = portableExp(logE)
        var m = ((1 + (1 + 4 * e).squareRoot()) / 2).rounded(.down)
        // The square root is within an ulp: at most one step down (or up) corrects it.
        if m > 1, m * (m - 1) >= e { m -= 1 }
        if (m + 1) * m < e { m += 1 }
        return FamilySize(BigUInt(UInt64(m)))
    }
    // m ≈ √E: the relative error of log10 m is below 10^−17 here.
    return FamilySize(log10: logE / 2 / 2.302585092994046)
}

/// e^x by ``portableLog``'s inverse: Foundation's exp is platform-dependent in the last digit.
func portableExp(_ x: Double) -> Double {
    // exp(x) = 2^k · exp(r), |r| ≤ ln2/2, exp(r) by its Taylor series (converges to 1 ulp in 20 terms).
    let k = (x / 0.6931471805599453).rounded()
    let r = x - k * 0.6931471805599453
    var term = 1.0, sum = 1.0
    for i in 1...20 { term *= r / Double(i); sum += term }
    return Double(sign: .plus, exponent: Int(k), significand: 1) * sum
}
