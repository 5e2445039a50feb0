import SymLabNumerics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hierarchical targets h = g∘p (Nichani–Damian–Lee 2023; Wang–Nichani–Lee 2024), x ~ N(0, I_d).
///
/// The feature p has degree k and E p = 0, E p² = 1:
/// - `feature=quadratic`: p(x) = xᵀAx with A symmetric Gaussian, trace removed, ‖A‖_F = 1/√2
///   (so E p² = 2‖A‖_F² = 1), the quadratic feature of both papers;
/// - `feature=hermite`: p(x) = Σ_i λ_i h_k(x_i)/√d with λ_i = ±1, Wang et al.'s experiment (k = 3).
/// The link is g(z) = C·(z^q − E p^q) with C = 1/√Var(p^q) computed exactly, so E h = 0 and
/// E h² = 1 exactly: p is a sum of independent terms (eigen-decomposing A, p = Σ μ_i (z_i² − 1)),
/// whose moments are convolved from the terms' moments (Gauss–Hermite, exact for polynomials).
/// Wang et al. use g(z) = C_d z³ (the default q = 3); the centring is ours.
public struct HierarchicalClass: RegisteredFunctionClass {
    public static let className = "hierarchical"
    public static let summary = "hierarchical h = g∘p: quadratic or Hermite-sum feature p, degree-q link g (Nichani et al.; Wang et al.)"
    public static let optionDocs = [
        OptionDoc("d", "16", "input dimension (2...4096)"),
        OptionDoc("feature", "quadratic", "quadratic (xᵀAx, tr A = 0) or hermite (Σ λ_i h_k(x_i)/√d)"),
        OptionDoc("k", "3", "degree of the Hermite feature (1...8; feature=hermite)"),
        OptionDoc("q", "3", "degree of the link g(z) ∝ z^q − E p^q (1...6)"),
        noiseDoc,
    ]
    public let d: Int, quadratic: Bool, k: Int, q: Int, noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 16, range: 2...4096)
        quadratic = try o.choice("feature", default: "quadratic", among: ["quadratic", "hermite"]) == "quadratic"
        let kHermite = try o.int("k", default: 3, range: 1...8)
        k = quadratic ? 2 : kHermite
        q = try o.int("q", default: 3, range: 1...6)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        if quadratic {
            let g: Tensor<Double> = rng.normal([d, d])
            var a = (g + g.transposed()).scaled(by: 0.5)
            let tr = (0..<d).reduce(0.0) { $0 + a[$1, $1] }
            a = a - Tensor<Double>.identity(d).scaled(by: tr / Double(d))
            a = a.scaled(by: 1 / (2.0.squareRoot() * a.norm))
            // p = Σ μ_i (z_i² − 1) over the eigenvalues μ_i of A.
            guard let mu = try? Linalg.eigh(a).values.scalars else { fatalError("hierarchical: eigh of a symmetric Gaussian matrix failed") }
            return HierarchicalTarget(d: d, matrix: a, lambdas: nil, k: 2, q: q,
                                      featureMoments: sumMoments(mu.map { m in termMoments(upTo: 4 * q, scale: m) { $0 * $0 - 1 } }))
        }
        let lambda = (0..<d).map { _ in rng.rademacher() }
        let s = 1 / Double(d).squareRoot()
        let kk = k
        return HierarchicalTarget(d: d, matrix: nil, lambdas: lambda, k: k, q: q,
                                  featureMoments: sumMoments(lambda.map { l in termMoments(upTo: 2 * q, scale: l * s) { Hermite.orthonormal(kk, $0) } }))
    }

    /// E[(scale·f(z))^j] for j = 0…m, by a Gauss–Hermite rule exact for the polynomial f^m.
    func termMoments(upTo m: Int, scale: Double, _ f: (Double) -> Double) -> [Double] {
        let (x, w) = Hermite.quadrature(points: (m * Swift.max(k, 2)) / 2 + 2)
        let values = x.map { scale * f($0) }
        return (0...m).map { j -> Double in
            var s = 0.0
            for (v, wi) in zip(values, w) { s += wi * pow(v, Double(j)) }
            return s
        }
    }

    /// Moments of a sum of independent variables: E(X+Y)^j = Σ_i C(j,i) E X^i E Y^{j−i}.
    func sumMoments(_ terms: [[Double]]) -> [Double] {
        var acc = terms[0]
        let m = acc.count - 1
        for t in terms.dropFirst() {
            acc = (0...m).map { j in
                var s = 0.0, c = 1.0
                for i in 0...j { s += c * acc[i] * t[j - i]; c = c * Double(j - i) / Double(i + 1) }
                return s
            }
        }
        return acc
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng) as! HierarchicalTarget
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        let p = t.feature(x)
        var r = PropertyReport(property: "the feature p has E p = 0, E p² = 1; h = g∘p has E h = 0, E h² = 1")
        r.atMost("|E p| (exact moments)", abs(t.featureMoments[1]), 1e-10)
        r.near("E p² (exact moments)", t.featureMoments[2], 1, tolerance: 1e-10)
        r.near("E p² on the sample", LabelMoments(of: p.scalars).variance, 1, tolerance: 5 * (2 / 4000.0).squareRoot() * 2)
        if let a = t.matrix { r.atMost("|tr A|", abs((0..<d).reduce(0.0) { $0 + a[$1, $1] }), 1e-12) }
        momentChecks(&r, labels: y, documented: documentedMoments, kurtosis: t.kurtosis)
        return r
    }
}

public struct HierarchicalTarget: Target {
    public let d: Int
    /// A for the quadratic feature.
    public let matrix: Tensor<Double>?
    /// λ for the Hermite-sum feature.
    public let lambdas: [Double]?
    public let k: Int, q: Int
    /// E p^j, j = 0…2q (or more), exact.
    public let featureMoments: [Double]

    var linkScale: Double { 1 / (featureMoments[2 * q] - featureMoments[q] * featureMoments[q]).squareRoot() }

    /// E h⁴ from the exact moments (h = C(p^q − m_q)), for the tolerance of the variance check.
    var kurtosis: Double {
        guard featureMoments.count > 4 * q else { return 30 }
        let m = featureMoments, mq = m[q]
        // E (p^q − m)^4 = Σ_i C(4,i) E p^{qi} (−m)^{4−i}.
        let binom = [1.0, 4, 6, 4, 1]
        var c4 = 0.0
        for i in 0...4 { c4 += binom[i] * m[q * i] * pow(-mq, Double(4 - i)) }
        return c4 * pow(linkScale, 4)
    }

    public var parameters: [String: String] { ["feature-degree": "\(k)", "link-degree": "\(q)"] }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { .dense(rng.normal([count, d])) }

    /// p(x) for every row.
    public func feature(_ x: Tensor<Double>) -> Tensor<Double> {
        if let a = matrix { return (Tensor.matmul(x, a) * x).sum(axes: [1]) }
        let s = x.scalars, l = lambdas!, n = x.shape[0], scale = 1 / Double(d).squareRoot()
        return Tensor((0..<n).map { i in (0..<d).reduce(0.0) { $0 + l[$1] * Hermite.orthonormal(k, s[i * d + $1]) } * scale })
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let c = linkScale, mq = featureMoments[q]
        return Tensor(feature(inputs.dense).scalars.map { c * (pow($0, Double(q)) - mq) })
    }
}
