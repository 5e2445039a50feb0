import SymLabCore
import SymLabNumerics

/// One member of a function class, drawn at random: the hidden subset, direction or weights,
/// together with the input distribution. It labels any inputs, not just the ones it drew, so
/// that tests can check its defining property on transformed inputs.
public protocol Target: Sendable {
    /// What was drawn (e.g. `subset`, `sign_bit`, `direction` summaries), for the record.
    var parameters: [String: String] { get }
    /// `count` inputs from the class's input distribution.
    func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double>
    /// Noise-free labels, [N].
    func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double>
}

/// A class of target functions with its input distribution, as used by a reference paper.
///
/// A class is its parameters (built from `key=value` options by ``FunctionClassRegistry``);
/// ``drawTarget(rng:)`` draws one member, and ``sample(count:target:rng:as:)`` draws labelled
/// data from it. ``SeededData`` (and ``splits(nTrain:nVal:nTest:seed:as:)``) is the reproducible entry point.
public protocol FunctionClass: Sendable {
    /// The registry name, e.g. "er-parity".
    var name: String { get }
    /// The resolved options (defaults included).
    var parameters: [String: String] { get }
    /// Standard deviation of the Gaussian noise added to labels.
    var noise: Double { get }
    /// Noise-free label moments, when the class documents them exactly.
    var documentedMoments: LabelMoments? { get }
    func drawTarget(rng: inout RandomStream) -> any Target
    /// The empirical check of what defines the class (invariance, orthonormality, …) that
    /// `symlab data describe` prints and the tests assert.
    func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport
}

extension FunctionClass {
    /// `count` labelled samples from `target`: inputs, then noise, from `rng` in that order.
    public func sample<S: TensorScalar>(count: Int, target: any Target, rng: inout RandomStream, as: S.Type = S.self) -> Dataset<S> {
        precondition(count >= 0, "\(name): sample count must be ≥ 0, got \(count)")
        let x = target.sampleInputs(count: count, rng: &rng)
        let clean = target.evaluate(x)
        var y = clean
        if noise > 0 { y = clean + rng.normal([count], std: noise) }
        var p = parameters
        for (k, v) in target.parameters { p["target." + k] = v }
        return Dataset<S>(className: name, parameters: p, inputs: x.cast(), labels: y.cast(),
                          cleanLabels: clean.cast(), documentedMoments: documentedMoments)
    }

    /// Draws a target, then `count` samples from it, all from `rng`.
    public func sample<S: TensorScalar>(count: Int, rng: inout RandomStream, as: S.Type = S.self) -> Dataset<S> {
        let t = drawTarget(rng: &rng)
        return sample(count: count, target: t, rng: &rng)
    }

    /// Train/validation/test sets of the target of `seed`: ``SeededData``'s, the one place that
    /// turns a seed into data.
    public func splits<S: TensorScalar>(nTrain: Int, nVal: Int, nTest: Int, seed: UInt64, as: S.Type = S.self) -> DatasetSplits<S> {
        SeededData(self, seed: seed).splits(nTrain: nTrain, nValidation: nVal, nTest: nTest)
    }

    /// Noise-free moments plus the noise variance.
    public var documentedNoisyMoments: LabelMoments? {
        documentedMoments.map { LabelMoments(mean: $0.mean, variance: $0.variance + noise * noise) }
    }
}

/// The outcome of an empirical check of a class's defining property: one line per quantity,
/// each with the value found and the bound it must meet.
public struct PropertyReport: Sendable, CustomStringConvertible {
    public struct Check: Sendable, CustomStringConvertible {
        public var name: String
        public var value: Double
        /// The bound or expected value, in words (e.g. "= 0", "≤ 0.05").
        public var requirement: String
        public var passed: Bool
        public init(name: String, value: Double, requirement: String, passed: Bool) {
            self.name = name; self.value = value; self.requirement = requirement; self.passed = passed
        }
        public var description: String {
            "\(passed ? "ok  " : "FAIL") \(name): \(NumberFormat.shortest(value)) (\(requirement))"
        }
    }

    /// The property, in words.
    public var property: String
    public var checks: [Check]
    public init(property: String, checks: [Check] = []) { self.property = property; self.checks = checks }

    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// Adds a check that `value ≤ bound`.
    public mutating func atMost(_ name: String, _ value: Double, _ bound: Double) {
        checks.append(Check(name: name, value: value, requirement: "≤ \(NumberFormat.shortest(bound))", passed: value <= bound))
    }

    /// Adds a check that `value` is exactly `expected` (counts, exact invariance).
    public mutating func exactly(_ name: String, _ value: Double, _ expected: Double) {
        checks.append(Check(name: name, value: value, requirement: "= \(NumberFormat.shortest(expected))", passed: value == expected))
    }

    /// Adds a check that |value − expected| ≤ tolerance.
    public mutating func near(_ name: String, _ value: Double, _ expected: Double, tolerance: Double) {
        checks.append(Check(name: name, value: value, requirement: "\(NumberFormat.shortest(expected)) ± \(NumberFormat.shortest(tolerance))",
                            passed: abs(value - expected) <= tolerance))
    }

    public var description: String {
        (["property: \(property)"] + checks.map { "  \($0)" } + ["  => \(passed ? "passed" : "FAILED")"]).joined(separator: "\n")
    }
}

// MARK: - Shared helpers for the classes

/// Largest |a − b| over two label tensors of equal shape, relative to max(1, max|a|).
func maxRelativeDifference(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    let x = a.scalars, y = b.scalars
    let scale = Swift.max(1, x.map(abs).max() ?? 0)
    return zip(x, y).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

/// Number of positions where two label tensors differ at all.
func mismatchCount(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    Double(zip(a.scalars, b.scalars).filter { $0 != $1 }.count)
}

/// Standard property-check lines shared by the classes: label moments against the documented
/// ones, with a tolerance of `sigmas` standard errors (the fourth moment bounded by `kurtosis`·σ⁴).
func momentChecks(_ report: inout PropertyReport, labels: Tensor<Double>, documented: LabelMoments?, kurtosis: Double = 3, sigmas: Double = 5) {
    let m = LabelMoments(of: labels.scalars)
    guard let d = documented else {
        report.checks.append(.init(name: "label mean (no exact value documented)", value: m.mean, requirement: "reported", passed: true))
        report.checks.append(.init(name: "label variance (no exact value documented)", value: m.variance, requirement: "reported", passed: true))
        return
    }
    let n = Double(labels.count)
    report.near("label mean", m.mean, d.mean, tolerance: sigmas * (d.variance / n).squareRoot() + 1e-12)
    report.near("label variance", m.variance, d.variance,
                tolerance: sigmas * d.variance * ((kurtosis - 1) / n).squareRoot() + sigmas * sigmas * d.variance / n + 1e-12)
}
