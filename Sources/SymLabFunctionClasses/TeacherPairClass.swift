import Foundation
import SymLabCore
import SymLabNumerics

/// Two single-unit erf teachers whose features overlap by a set amount: the data of the continual
/// teacher–student set-up of Lee, Sarao Mannelli, Clopath, Goldt, Saxe (ICML 2022, "Maslow's hammer
/// for catastrophic forgetting"), where task τ's label is g(w*_τ·x/√d), g(z) = erf(z/√2),
/// x ~ N(0, I_d), and the overlap γ = w*₁·w*₂/d is what forgetting is measured against.
///
/// Construction: n₁, n₂ ~ N(0, I_d), n₂ made orthogonal to n₁ (one Gram–Schmidt step), both
/// rescaled to norm √d; w*₁ = n₂, w*₂ = √(1 − γ²) n₁ + γ n₂. The authors rotate two independent
/// Gaussian vectors without the Gram–Schmidt step, so their overlap is γ + O(d^{−1/2}); ours is γ
/// to rounding (the defining property), which keeps the 11 overlaps of the sweep exactly apart.
///
/// The class's scalar label is teacher 1's output (what `symlab data` shows and a model trained on
/// this class learns); a scheme that trains on both tasks reads both teachers from the target
/// (``TeacherPairTarget/teachers``) and labels its own fresh inputs.
public struct TeacherPairClass: RegisteredFunctionClass {
    public static let className = "teacher-pair"
    public static let summary = "x ~ N(0, I_d), two erf teachers g(w*_τ·x/√d) with ‖w*_τ‖² = d and w*₁·w*₂/d = overlap exactly; label = teacher 1 (Lee et al. 2022)"
    public static let optionDocs = [
        OptionDoc("d", "1000", "input dimension (2...100000)"),
        OptionDoc("overlap", "0.5", "feature overlap γ = w*₁·w*₂/d of the two teachers, in [0, 1]"),
        OptionDoc("activation", "erf", "the teachers' activation: erf (g(z) = erf(z/√2), the committee-machine scaling)"),
        noiseDoc,
    ]
    public let d: Int, overlap: Double, activation: String, noise: Double
    public let parameters: [String: String]

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 1000, range: 2...100_000)
        overlap = try o.double("overlap", default: 0.5, in: Interval(0, 1))
        activation = try o.choice("activation", default: "erf", among: ["erf"])
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    /// Label y = g(ρ), ρ = w*₁·x/√d ~ N(0, 1): E y = 0 (g odd), E y² = (2/π) arcsin(1/2) = 1/3.
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1.0 / 3) }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        TeacherPairTarget.draw(d: d, overlap: overlap, rng: &rng)
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng) as! TeacherPairTarget
        var r = PropertyReport(property: "‖w*_τ‖² = d, w*₁·w*₂/d = \(NumberFormat.shortest(overlap)) (to rounding); y = erf(w*₁·x/√(2d)); label moments 0 and 1/3")
        let w = t.teachers
        r.atMost("max |‖w*_τ‖²/d − 1|", Swift.max(abs(TeacherPairTarget.dot(w[0], w[0]) / Double(d) - 1), abs(TeacherPairTarget.dot(w[1], w[1]) / Double(d) - 1)), 1e-12)
        r.atMost("|w*₁·w*₂/d − γ|", abs(TeacherPairTarget.dot(w[0], w[1]) / Double(d) - overlap), 1e-12)
        let count = 4000
        let x = t.sampleInputs(count: count, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        // Independent of `evaluate`'s loop: teacher 1's field by BLAS, then erf.
        let direct = Tensor.matvec(x, Tensor(shape: [d], scalars: w[0])).scalars.map { Foundation.erf($0 / (2 * Double(d)).squareRoot()) }
        r.atMost("max relative |y − erf(w*₁·x/√(2d))|", maxRelativeDifference(y, Tensor(shape: [count], scalars: direct)), 1e-12)
        // |y| < 1, so E y⁴ ≤ E y² = 1/3 and the kurtosis is at most 3 (the default bound).
        momentChecks(&r, labels: y, documented: documentedMoments)
        return r
    }
}

/// One draw of the teacher pair: both teachers' weights (rows of length d, norm √d) and the
/// Gaussian inputs; it labels with teacher 1.
public struct TeacherPairTarget: Target {
    /// w*₁ and w*₂.
    public let teachers: [[Double]]
    public let overlap: Double
    public var d: Int { teachers[0].count }

    public var parameters: [String: String] {
        ["overlap_measured": NumberFormat.shortest(Self.dot(teachers[0], teachers[1]) / Double(d))]
    }

    /// The class's construction (see ``TeacherPairClass``): n₁ then n₂ drawn from `rng`, n₂ made
    /// orthogonal to n₁, both scaled to norm √d, w*₁ = n₂, w*₂ = √(1 − γ²) n₁ + γ n₂.
    public static func draw(d: Int, overlap gamma: Double, rng: inout RandomStream) -> TeacherPairTarget {
        var n1 = (0..<d).map { _ in rng.normal() }, n2 = (0..<d).map { _ in rng.normal() }
        let p = dot(n1, n2) / dot(n1, n1)
        n2 = (0..<d).map { n2[$0] - p * n1[$0] }
        func scaled(_ v: [Double]) -> [Double] { let s = (Double(d) / dot(v, v)).squareRoot(); return v.map { $0 * s } }
        n1 = scaled(n1); n2 = scaled(n2)
        let sine = (1 - gamma * gamma).squareRoot()
        return TeacherPairTarget(teachers: [n2, (0..<d).map { sine * n1[$0] + gamma * n2[$0] }], overlap: gamma)
    }

    /// a·b summed in index order (the construction's products; the same order everywhere).
    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { .dense(rng.normal([count, d])) }

    /// Teacher 1's output g(w*₁·x/√d) = erf(w*₁·x/√(2d)).
    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = inputs.dense, n = x.shape[0], scale = 1 / (2 * Double(d)).squareRoot()
        let w = teachers[0]
        return x.withUnsafePointer { p in
            Tensor(shape: [n], scalars: (0..<n).map { row in
                var s = 0.0
                for i in 0..<d { s += p[row * d + i] * w[i] }
                return Foundation.erf(s * scale)
            })
        }
    }
}
