import SymLabCore
import SymLabNumerics

/// Orthonormal (probabilists') Hermite polynomials h_k = He_k/√k! and Gauss–Hermite
/// quadrature for the standard normal weight.
///
/// The normalisation matters: E[h_j(z) h_k(z)] = δ_jk for z ~ N(0, 1), so a link
/// σ* = Σ c_k h_k has E σ* = c_0 and Var σ* = Σ_{k≥1} c_k², and its information exponent is the
/// first k ≥ 1 with c_k ≠ 0. Every threshold in the feature-learning papers is stated in this basis.
public enum Hermite {
    /// h_0(z), …, h_k(z), by the three-term recurrence h_{j+1} = (z·h_j − √j·h_{j−1})/√(j+1)
    /// (stable, and never forms the large He_k or k!).
    public static func orthonormalValues(upTo k: Int, at z: Double) -> [Double] {
        precondition(k >= 0, "Hermite: degree must be ≥ 0, got \(k)")
        var h = [Double](repeating: 0, count: k + 1)
        h[0] = 1
        if k >= 1 { h[1] = z }
        if k >= 2 {
            for j in 1..<k { h[j + 1] = (z * h[j] - Double(j).squareRoot() * h[j - 1]) / Double(j + 1).squareRoot() }
        }
        return h
    }

    /// h_k(z) = He_k(z)/√k!.
    public static func orthonormal(_ k: Int, _ z: Double) -> Double { orthonormalValues(upTo: k, at: z)[k] }

    /// The probabilists' He_k(z) (monic: He_2 = z² − 1, He_3 = z³ − 3z, …).
    public static func probabilists(_ k: Int, _ z: Double) -> Double {
        var a = 1.0, b = z
        if k == 0 { return 1 }
        for j in 1..<k { (a, b) = (b, z * b - Double(j) * a) }
        return b
    }

    /// Σ_k c_k h_k(z) for every element of `z` (a link function applied to projections).
    public static func evaluate(coefficients c: [Double], at z: Tensor<Double>) -> Tensor<Double> {
        let k = Swift.max(c.count - 1, 0)
        let values = z.scalars.map { v -> Double in
            let h = orthonormalValues(upTo: k, at: v)
            var s = 0.0
            for (ci, hi) in zip(c, h) { s += ci * hi }
            return s
        }
        return Tensor(shape: z.shape, scalars: values)
    }

    /// The first k ≥ 1 with a non-zero coefficient (nil for a constant link).
    public static func informationExponent(_ coefficients: [Double]) -> Int? {
        coefficients.indices.dropFirst().first { coefficients[$0] != 0 }
    }

    /// Nodes and weights of the m-point Gauss–Hermite rule for N(0, 1):
    /// E f(z) ≈ Σ_i w_i f(x_i), exact for polynomials of degree ≤ 2m − 1.
    ///
    /// Golub–Welsch: the nodes are the eigenvalues of the Jacobi matrix of the orthonormal
    /// recurrence (zero diagonal, off-diagonal √1, …, √(m−1)); each weight is the squared first
    /// component of its unit eigenvector (the weight's total mass is 1).
    public static func quadrature(points m: Int) -> (nodes: [Double], weights: [Double]) {
        precondition(m >= 1, "Hermite.quadrature: need at least 1 point, got \(m)")
        var j = Tensor<Double>.zeros([m, m])
        j.withUnsafeMutablePointer { p in
            for i in 1..<Swift.max(m, 1) {
                let b = Double(i).squareRoot()
                p[i * m + i - 1] = b; p[(i - 1) * m + i] = b
            }
        }
        // The Jacobi matrix is symmetric tridiagonal with distinct eigenvalues: syevd cannot fail on it.
        guard let (values, vectors) = try? Linalg.eigh(j) else { fatalError("Hermite.quadrature: eigh failed on the Jacobi matrix") }
        let v = vectors.scalars
        return (values.scalars, (0..<m).map { v[$0] * v[$0] })   // row 0 of the eigenvector matrix
    }

    /// E[f(z) h_k(z)] for k = 0…degree, by an m-point rule: the Hermite coefficients of f
    /// (exact when f is a polynomial of degree ≤ 2m − 1 − degree).
    public static func coefficients(of f: (Double) -> Double, upTo degree: Int, points m: Int = 64) -> [Double] {
        let (x, w) = quadrature(points: m)
        var c = [Double](repeating: 0, count: degree + 1)
        for (xi, wi) in zip(x, w) {
            let fx = f(xi), h = orthonormalValues(upTo: degree, at: xi)
            for k in 0...degree { c[k] += wi * fx * h[k] }
        }
        return c
    }

    /// The product Π_i h_{α_i}(z_i) for each row of z [N, r] and the multi-index α (length r).
    public static func product(multiIndex alpha: [Int], rows z: Tensor<Double>) -> [Double] {
        precondition(z.rank == 2 && z.shape[1] == alpha.count, "Hermite.product: rows \(z.shape) vs multi-index of length \(alpha.count)")
        let r = alpha.count, kmax = alpha.max() ?? 0, s = z.scalars
        return (0..<z.shape[0]).map { i in
            var p = 1.0
            for c in 0..<r where alpha[c] > 0 { p *= orthonormalValues(upTo: kmax, at: s[i * r + c])[alpha[c]] }
            return p
        }
    }
}

/// A link σ* = Σ_k c_k h_k given either as explicit coefficients or as (information exponent
/// k, degree p): then σ* = (h_k + h_p)/√2 for p > k and h_k for p = k, which has unit variance,
/// information exponent k and degree p (the separating links of the research notes).
struct HermiteLink: Sendable {
    var coefficients: [Double]

    /// Reads `coefficients` or `exponent`/`degree` from the options.
    init(_ o: inout OptionReader, defaultExponent: Int, defaultDegree: Int) throws {
        if let c = try o.doubles("coefficients", count: 1...31) {
            guard c.dropFirst().contains(where: { $0 != 0 }) else {
                throw o.fail("coefficients", allowed: "a list c0,c1,…,cp of Hermite coefficients with some c_k ≠ 0 for k ≥ 1", got: c.map(NumberFormat.shortest).joined(separator: ","))
            }
            coefficients = c
        } else {
            let k = try o.int("exponent", default: defaultExponent, range: 1...30)
            let p = try o.int("degree", default: Swift.max(defaultDegree, k), range: k...30)
            var c = [Double](repeating: 0, count: p + 1)
            if p == k { c[k] = 1 } else { c[k] = 0.5.squareRoot(); c[p] = 0.5.squareRoot() }
            coefficients = c
        }
    }

    var moments: LabelMoments {
        LabelMoments(mean: coefficients[0], variance: coefficients.dropFirst().reduce(0) { $0 + $1 * $1 })
    }
    /// The labels' kurtosis E(σ* − c₀)⁴ / Var(σ*)² for z ~ N(0, 1), exact: (σ* − c₀)⁴ is a
    /// polynomial of degree 4p, which the (2p + 1)-point Gauss–Hermite rule integrates exactly.
    /// The variance check's tolerance needs it: for h₅ it is E h₅⁴ = 4653, far above any
    /// rule of thumb in the degree.
    var kurtosis: Double {
        let (nodes, weights) = Hermite.quadrature(points: 2 * degree + 1)
        let values = Hermite.evaluate(coefficients: coefficients, at: Tensor(nodes)).scalars
        let fourth = zip(values, weights).reduce(0.0) { sum, vw in let c = vw.0 - coefficients[0]; return sum + vw.1 * c * c * c * c }
        let variance = moments.variance
        return variance > 0 ? fourth / (variance * variance) : 1
    }
    var informationExponent: Int { Hermite.informationExponent(coefficients) ?? 0 }
    var degree: Int { coefficients.lastIndex { $0 != 0 } ?? 0 }
    var summary: String { coefficients.map(NumberFormat.shortest).joined(separator: ",") }

    func callAsFunction(_ z: Tensor<Double>) -> Tensor<Double> { Hermite.evaluate(coefficients: coefficients, at: z) }

    /// Report lines: the Hermite coefficients recovered by quadrature equal the given ones.
    func check(_ report: inout PropertyReport) {
        let c = coefficients
        let recovered = Hermite.coefficients(of: { Hermite.evaluate(coefficients: c, at: Tensor([$0])).scalars[0] },
                                             upTo: c.count - 1, points: c.count + 8)
        report.atMost("max |E[σ*(z)h_k(z)] − c_k| by Gauss–Hermite quadrature", zip(recovered, c).map { abs($0 - $1) }.max() ?? 0, 1e-10)
        report.exactly("information exponent", Double(informationExponent), Double(informationExponent))
    }
}
