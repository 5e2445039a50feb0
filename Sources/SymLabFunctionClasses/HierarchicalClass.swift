import SymLabCore
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
                                      featureMoments: sumMoments(mu.map { m in termMoments(upTo: 4 * q, scale: m) { $0 * $0 - 1 } }),
                                      eigenvalues: mu)
        }
        let lambda = (0..<d).map { _ in rng.rademacher() }
        let s = 1 / Double(d).squareRoot()
        let kk = k
        return HierarchicalTarget(d: d, matrix: nil, lambdas: lambda, k: k, q: q,
                                  featureMoments: sumMoments(lambda.map { l in termMoments(upTo: 2 * q, scale: l * s) { Hermite.orthonormal(kk, $0) } }),
                                  eigenvalues: nil)
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
    /// The eigenvalues μ_i of A for the quadratic feature (p = Σ μ_i (z_i² − 1), z = Oᵀx).
    public let eigenvalues: [Double]?

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

    /// Excess kurtosis E p⁴ − 3 of the feature (exact; 0 for a Gaussian p). For the quadratic
    /// feature it is 48 Σ μ_i⁴ ≈ 24/d: p, and with it h = g(p), is far from Gaussian at small d.
    public var featureExcessKurtosis: Double? { featureMoments.count > 4 ? featureMoments[4] - 3 : nil }

    /// The normalised loss of the best predictor of h that is a polynomial of degree ≤ 2 in x
    /// (exact; quadratic feature only, else nil): the loss a learner that captures only the
    /// degree-≤2 part of h is stuck at (research note §6: 1 − E[g′(p)]²/E[g(p)²] = 0.4 for
    /// g ∝ z³ and a Gaussian p, i.e. as d → ∞; larger at finite d).
    ///
    /// In the eigenbasis of A, p = Σ μ_i w_i with w_i = z_i² − 1 independent. h is even in every
    /// z_i, so its degree-1 part and its components on z_i z_j (i ≠ j) vanish and its degree-2
    /// projection is Σ c_i w_i with c_i = E[h w_i]/E[w_i²] = C·E[p^q w_i]/2. Writing p = μ_i w_i + r_i
    /// (r_i independent of w_i), E[p^q w_i] = Σ_l C(q,l) μ_i^l E[w^{l+1}] E[r_i^{q−l}], where the
    /// moments of r_i are deconvolved from those of p. So the loss is 1 − 2 Σ c_i² (E h² = 1).
    public var degreeTwoLoss: Double? {
        guard let mu = eigenvalues, featureMoments.count > q else { return nil }
        // E w^j for w = z² − 1: Σ_l C(j,l) E z^{2l} (−1)^{j−l}, E z^{2l} = (2l − 1)!!.
        func binom(_ n: Int, _ k: Int) -> Double { (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) } }
        let gaussEven = (0...(q + 1)).map { l in (0..<l).reduce(1.0) { $0 * Double(2 * $1 + 1) } }
        let w = (0...(q + 1)).map { j in (0...j).reduce(0.0) { $0 + binom(j, $1) * gaussEven[$1] * (((j - $1) % 2 == 0) ? 1 : -1) } }
        let c = linkScale
        var captured = 0.0
        for m in mu {
            // Moments of r = p − m·w: E p^j = Σ_l C(j,l) m^l E w^l E r^{j−l}.
            var r = [Double](repeating: 0, count: q + 1)
            for j in 0...q {
                var v = featureMoments[j]
                for l in 1..<(j + 1) { v -= binom(j, l) * pow(m, Double(l)) * w[l] * r[j - l] }
                r[j] = v
            }
            var pw = 0.0
            for l in 0...q { pw += binom(q, l) * pow(m, Double(l)) * w[l + 1] * r[q - l] }
            let ci = c * pw / 2
            captured += 2 * ci * ci
        }
        return 1 - captured
    }

    public var parameters: [String: String] { ["feature_degree": "\(k)", "link_degree": "\(q)"] }

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
