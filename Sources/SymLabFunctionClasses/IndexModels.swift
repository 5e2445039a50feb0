import SymLabCore
import SymLabNumerics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Report line: labels depend on x only through P·x (rows of `projection` orthonormal): moving
/// x within the orthogonal complement must not change them.
func projectionInvarianceCheck(_ r: inout PropertyReport, target: any Target, x: Tensor<Double>, y: Tensor<Double>,
                               projection u: Tensor<Double>, rng: inout RandomStream) {
    let noise: Tensor<Double> = rng.normal(x.shape)
    let inside = Tensor.matmul(Tensor.matmul(noise, u, transposeB: true), u)     // P_U noise
    let moved = x + (noise - inside)
    r.atMost("max relative change of labels when x moves orthogonally to the relevant subspace",
             maxRelativeDifference(y, target.evaluate(.dense(moved))), 1e-9)
}

/// Report line: max |U Uᵀ − I|.
func orthonormalityCheck(_ r: inout PropertyReport, _ u: Tensor<Double>) {
    let g = Tensor.matmul(u, u, transposeB: true) - Tensor<Double>.identity(u.shape[0])
    r.atMost("max |U·Uᵀ − I|", g.scalars.map(abs).max() ?? 0, 1e-12)
}

/// Single-index model y = σ*(⟨w, x⟩), x ~ N(0, I_d), w uniform on the sphere, σ* = Σ_k c_k h_k in
/// the orthonormal Hermite basis, so the information exponent (first k ≥ 1 with c_k ≠ 0) and the
/// degree are parameters (Ben Arous et al.; Ba et al. 2022). Default σ* = h_2, the link of
/// Damian et al.'s demo. Mean c_0, variance Σ_{k≥1} c_k².
public struct SingleIndexClass: RegisteredFunctionClass {
    public static let className = "single-index"
    public static let summary = "single-index σ*(⟨w,x⟩), σ* a combination of orthonormal Hermite h_k (feature learning)"
    public static let optionDocs = [
        OptionDoc("d", "64", "input dimension (1...65536)"),
        OptionDoc("exponent", "2", "information exponent k (1...30); link (h_k + h_p)/√2, or h_k if p = k"),
        OptionDoc("degree", "max(2, k)", "degree p of the link (k...30)"),
        OptionDoc("coefficients", "-", "explicit link c0,c1,…,cp (overrides exponent/degree)"),
        noiseDoc,
    ]
    public let d: Int, noise: Double
    let link: HermiteLink
    public var coefficients: [Double] { link.coefficients }
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { link.moments }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 64, range: 1...65536)
        link = try HermiteLink(&o, defaultExponent: 2, defaultDegree: 2)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        var p = o.resolved
        p["link"] = link.summary
        p["information-exponent"] = "\(link.informationExponent)"
        parameters = p
    }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        IndexTarget(d: d, projection: rng.orthonormal(rows: 1, cols: d), spike: nil,
                    link: .hermite(link.coefficients))
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng) as! IndexTarget
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "σ* has the stated Hermite coefficients; y depends on x only through ⟨w, x⟩; moments as documented")
        link.check(&r)
        orthonormalityCheck(&r, t.projection)
        projectionInvarianceCheck(&r, target: t, x: x, y: y, projection: t.projection, rng: &rng)
        momentChecks(&r, labels: y, documented: documentedMoments, kurtosis: link.kurtosis)
        return r
    }
}

/// A target g(U·x / s) for U with orthonormal rows, optionally with a spiked input covariance.
public struct IndexTarget: Target {
    public enum Link: Sendable {
        /// σ*(z) = Σ c_k h_k(z) (r = 1).
        case hermite([Double])
        /// Σ_α c_α Π_i h_{α_i}(z_i) over multi-indices α.
        case hermiteProduct([(alpha: [Int], coefficient: Double)])
    }
    public let d: Int
    /// U: [r, d], orthonormal rows.
    public let projection: Tensor<Double>
    /// θ of the spiked covariance I + θ·uuᵀ (u = the single row of U); nil for isotropic inputs.
    public let spike: Double?
    public let link: Link

    public var parameters: [String: String] {
        var p = ["r": "\(projection.shape[0])"]
        if let t = spike { p["theta"] = NumberFormat.shortest(t) }
        return p
    }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        let z: Tensor<Double> = rng.normal([count, d])
        guard let theta = spike else { return .dense(z) }
        // x = z + (√(1+θ) − 1)(μ·z)μ has covariance I + θμμᵀ.
        let mu = projection.reshaped([d])
        var x = z
        x.add(Tensor.outer(Tensor.matvec(z, mu), mu), scaledBy: (1 + theta).squareRoot() - 1)
        return .dense(x)
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        var z = Tensor.matmul(inputs.dense, projection, transposeB: true)        // [N, r]
        if let theta = spike { z = z.scaled(by: 1 / (1 + theta).squareRoot()) }
        switch link {
        case .hermite(let c): return Hermite.evaluate(coefficients: c, at: z.reshaped([-1]))
        case .hermiteProduct(let terms):
            var y = [Double](repeating: 0, count: z.shape[0])
            for t in terms {
                let v = Hermite.product(multiIndex: t.alpha, rows: z)
                for i in y.indices { y[i] += t.coefficient * v[i] }
            }
            return Tensor(y)
        }
    }
}

/// Multi-index model f(x) = g(U·x), x ~ N(0, I_d), U ∈ R^{r×d} with orthonormal rows (Haar),
/// g a polynomial (Damian–Lee–Soltanolkotabi 2022).
///
/// `g=quadratic` (default): g(z) = Σ_i h_2(z_i)/√r, whose E∇²f has rank r (the paper's
/// non-degeneracy); with `linear=true` it becomes (Σ_i z_i + Σ_i h_2(z_i))/√(2r), the target with
/// a linear component. `g=random`: random Hermite coefficients on all multi-indices of degree
/// 2…p (and 1 with `linear=true`), each degree given equal energy. `g=additive`: one univariate
/// Hermite link σ = Σ_k c_k h_k (`coefficients`, c₀ dropped, scaled to Σ_{k≥1} c_k² = 1) along
/// every direction, g(z) = Σ_i σ(z_i)/√r: the same link at every r, so a sweep over r changes
/// only r (with σ = (h₂ + h₄)/√2, degree p = 4 with a non-degenerate E∇²f of rank r, the
/// setting where Damian et al.'s n ≍ d²r + dr^p differs from a kernel's d^p). All have mean 0
/// and variance 1 exactly (the multivariate h_α are orthonormal).
public struct MultiIndexClass: RegisteredFunctionClass {
    public static let className = "multi-index"
    public static let summary = "multi-index g(Ux), U ∈ R^{r×d} orthonormal rows, g polynomial (Damian–Lee–Soltanolkotabi)"
    public static let optionDocs = [
        OptionDoc("d", "32", "input dimension (1...65536)"),
        OptionDoc("r", "2", "number of relevant directions (1...d)"),
        OptionDoc("g", "quadratic", "quadratic (Σ h_2(z_i)/√r), random (random Hermite polynomial of degree p) or additive (Σ σ(z_i)/√r)"),
        OptionDoc("degree", "3", "degree p of g for g=random (2...8)"),
        OptionDoc("coefficients", "-", "Hermite coefficients c0,c1,…,cp of σ, only for g=additive (c0 dropped, normalised; unset: σ = h_2)"),
        OptionDoc("linear", "false", "include a linear component"),
        noiseDoc,
    ]
    public let d: Int, r: Int, random: Bool, degree: Int, linear: Bool, noise: Double
    /// σ's coefficients for `g=additive` (c₀ = 0, Σ c_k² = 1); nil for the other g.
    public let additive: [Double]?
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 32, range: 1...65536)
        r = try o.int("r", default: Swift.min(2, d), range: 1...d)
        let g = try o.choice("g", default: "quadratic", among: ["quadratic", "random", "additive"])
        random = g == "random"
        if g == "additive" {
            // Only read for g=additive, so the other g keep their resolved options.
            let c = try o.doubles("coefficients", count: 2...31) ?? [0, 0, 1]
            let norm = c.dropFirst().reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else {
                throw o.fail("coefficients", allowed: "c0,c1,…,cp with some c_k ≠ 0 for k ≥ 1", got: c.map(NumberFormat.shortest).joined(separator: ","))
            }
            additive = [0] + c.dropFirst().map { $0 / norm }
            degree = additive!.lastIndex { $0 != 0 }!
            linear = false
        } else {
            additive = nil
            let p = try o.int("degree", default: 3, range: 2...8)
            degree = random ? p : 2
            linear = try o.bool("linear", default: false)
        }
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        let u: Tensor<Double> = rng.orthonormal(rows: r, cols: d)
        var terms: [(alpha: [Int], coefficient: Double)] = []
        if let c = additive {
            for i in 0..<r {
                for (k, ck) in c.enumerated() where ck != 0 {
                    var alpha = [Int](repeating: 0, count: r)
                    alpha[i] = k
                    terms.append((alpha, ck / Double(r).squareRoot()))
                }
            }
            return IndexTarget(d: d, projection: u, spike: nil, link: .hermiteProduct(terms))
        }
        let degrees = Array((linear ? 1 : 2)...degree)
        for k in degrees {
            let alphas = multiIndices(total: k, length: r)
            var c = random ? alphas.map { _ in rng.normal() } : alphas.map { $0.contains(k) ? 1.0 : 0.0 }
            let norm = c.reduce(0) { $0 + $1 * $1 }.squareRoot()
            c = c.map { $0 / norm / Double(degrees.count).squareRoot() }
            for (a, ci) in zip(alphas, c) where ci != 0 { terms.append((a, ci)) }
        }
        return IndexTarget(d: d, projection: u, spike: nil, link: .hermiteProduct(terms))
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng) as! IndexTarget
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "U has orthonormal rows; f depends on x only through Ux; E f = 0, E f² = 1")
        orthonormalityCheck(&r, t.projection)
        projectionInvarianceCheck(&r, target: t, x: x, y: y, projection: t.projection, rng: &rng)
        momentChecks(&r, labels: y, documented: documentedMoments, kurtosis: 30)
        return r
    }
}

/// All multi-indices of `length` non-negative integers summing to `total`, lexicographic.
func multiIndices(total: Int, length: Int) -> [[Int]] {
    if length == 1 { return [[total]] }
    return (0...total).reversed().flatMap { first in multiIndices(total: total - first, length: length - 1).map { [first] + $0 } }
}

/// Spiked covariance (Ba, Erdogdu, Suzuki, Wang, Wu, NeurIPS 2023): x ~ N(0, I_d + θ·μμᵀ) with
/// θ = d^β and μ uniform on the sphere, y = σ*(⟨x, μ⟩/√(1+θ)) (a standard normal index), σ* a
/// Hermite link as for `single-index`. Default link (h_1 + h_3)/√2 (k = 1, p = 3: KRR threshold
/// β = 2/3, network threshold 0, research note §6E). Mean c_0, variance Σ_{k≥1} c_k².
public struct SpikedCovarianceClass: RegisteredFunctionClass {
    public static let className = "spiked-covariance"
    public static let summary = "x ~ N(0, I + θμμᵀ), θ = d^β, single-index target along μ (Ba et al. 2023)"
    public static let optionDocs = [
        OptionDoc("d", "128", "input dimension (1...65536)"),
        OptionDoc("beta", "0.5", "spike exponent β ∈ [0, 1): θ = d^β"),
        OptionDoc("exponent", "1", "information exponent k of the link"),
        OptionDoc("degree", "3", "degree p of the link"),
        OptionDoc("coefficients", "-", "explicit link c0,c1,…,cp (overrides exponent/degree)"),
        noiseDoc,
    ]
    public let d: Int, beta: Double, noise: Double
    let link: HermiteLink
    public var theta: Double { pow(Double(d), beta) }
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { link.moments }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 128, range: 1...65536)
        beta = try o.double("beta", default: 0.5, in: Interval(0, 1, upperOpen: true))
        link = try HermiteLink(&o, defaultExponent: 1, defaultDegree: 3)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        var p = o.resolved
        p["theta"] = NumberFormat.shortest(pow(Double(d), beta))
        p["link"] = link.summary
        parameters = p
    }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        IndexTarget(d: d, projection: rng.orthonormal(rows: 1, cols: d), spike: theta, link: .hermite(link.coefficients))
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng) as! IndexTarget
        let count = 8000
        let x = t.sampleInputs(count: count, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "the empirical covariance of x is I + θμμᵀ; y is a Hermite link of the standardised spike projection")
        let (spikeRatio, maxZ) = SpikedCovarianceClass.covarianceDeviation(x, mu: t.projection.reshaped([d]), theta: theta)
        r.near("μᵀΣ̂μ / (1 + θ)", spikeRatio, 1, tolerance: 5 * (2 / Double(count)).squareRoot())
        r.atMost("max standardised |Σ̂_ij − Σ_ij|", maxZ, 6)
        link.check(&r)
        momentChecks(&r, labels: y, documented: documentedMoments, kurtosis: link.kurtosis)
        return r
    }

    /// μᵀΣ̂μ/(1+θ) and max_ij |Σ̂_ij − Σ_ij| / sd(Σ̂_ij), with Σ̂ = XᵀX/N (zero mean known) and
    /// sd(Σ̂_ij) = √((Σ_ii Σ_jj + Σ_ij²)/N) for Gaussian x.
    public static func covarianceDeviation(_ x: Tensor<Double>, mu: Tensor<Double>, theta: Double) -> (Double, Double) {
        let n = Double(x.shape[0]), d = x.shape[1]
        let sHat = Tensor.matmul(x, x, transposeA: true).scaled(by: 1 / n)
        let sigma = Tensor<Double>.identity(d) + Tensor.outer(mu, mu).scaled(by: theta)
        let ratio = Tensor.dot(mu, Tensor.matvec(sHat, mu)) / (1 + theta)
        let a = sHat.scalars, b = sigma.scalars
        var worst = 0.0
        for i in 0..<d { for j in 0..<d {
            let sd = ((b[i * d + i] * b[j * d + j] + b[i * d + j] * b[i * d + j]) / n).squareRoot()
            worst = Swift.max(worst, abs(a[i * d + j] - b[i * d + j]) / sd)
        } }
        return (ratio, worst)
    }
}
