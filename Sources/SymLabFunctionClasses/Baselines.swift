import SymLabCore
import SymLabNumerics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// k-sparse parities χ_S(x) = Π_{i∈S} x_i, x uniform on {−1, +1}^n, S a random k-subset: the
/// non-symmetric baseline of the hardness results (SQ dimension C(n, k)). Mean 0, variance 1.
public struct SparseParityClass: RegisteredFunctionClass {
    public static let className = "sparse-parity"
    public static let claimsQueryHardness = true
    public static let summary = "k-sparse parity χ_S on {±1}^n (non-symmetric baseline)"
    public static let optionDocs = [
        OptionDoc("n", "20", "input dimension (1...4096)"),
        OptionDoc("k", "3", "parity order |S| (1...n)"),
        noiseDoc,
    ]
    public let n: Int, k: Int, noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        n = try o.int("n", default: 20, range: 1...4096)
        k = try o.int("k", default: Swift.min(3, n), range: 1...n)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target { MonomialSumTarget(n: n, monomials: [rng.permutation(n).prefix(k).sorted()]) }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng) as! MonomialSumTarget
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "y = χ_S(x): Fourier coefficient 1 on S, 0 elsewhere")
        r.exactly("E[y·χ_S(x)] on the sample", MonomialSumTarget.fourier(y, x, t.monomials[0]), 1)
        let other = rng.permutation(n).prefix(k).sorted()
        if other != t.monomials[0] {
            r.atMost("|E[y·χ_T(x)]| for another random k-set T", abs(MonomialSumTarget.fourier(y, x, other)), 5 / Double(x.shape[0]).squareRoot())
        }
        momentChecks(&r, labels: y, documented: documentedMoments, kurtosis: 1)
        return r
    }
}

/// (1/√T) Σ_j χ_{S_j}(x) on the uniform hypercube (distinct S_j: mean 0, variance 1).
public struct MonomialSumTarget: Target {
    public let n: Int
    /// The sets S_j (0-based coordinates).
    public let monomials: [[Int]]
    public init(n: Int, monomials: [[Int]]) { self.n = n; self.monomials = monomials }
    public var parameters: [String: String] {
        ["monomials": monomials.map { $0.map { String($0 + 1) }.joined(separator: ",") }.joined(separator: ";") + " (1-based)"]
    }
    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { .dense(rng.rademacher([count, n])) }
    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = inputs.dense, s = x.scalars, w = 1 / Double(monomials.count).squareRoot()
        return Tensor((0..<x.shape[0]).map { i in
            w * monomials.reduce(0.0) { acc, set in acc + set.reduce(1.0) { $0 * s[i * n + $1] } }
        })
    }
    /// Empirical E[y·χ_T(x)].
    public static func fourier(_ y: Tensor<Double>, _ x: Tensor<Double>, _ set: [Int]) -> Double {
        let n = x.shape[1], s = x.scalars, ys = y.scalars
        return (0..<ys.count).reduce(0.0) { acc, i in acc + ys[i] * set.reduce(1.0) { $0 * s[i * n + $1] } } / Double(ys.count)
    }
}

/// One-hidden-layer ReLU teacher f(x) = c·Σ_j a_j (relu(⟨w_j, x⟩) − 1/√(2π)), x ~ N(0, I_d),
/// w_j uniform on the sphere, a_j = ±1. The centring and c (from the arc-cosine kernel
/// E relu(u)relu(v) = (√(1−ρ²) + (π − arccos ρ)ρ)/(2π)) make the mean 0 and the variance 1 exactly.
public struct ReLUTeacherClass: RegisteredFunctionClass {
    public static let className = "relu-teacher"
    public static let summary = "one-hidden-layer ReLU teacher on N(0, I_d), normalised to unit variance (baseline)"
    public static let optionDocs = [
        OptionDoc("d", "32", "input dimension (1...4096)"),
        OptionDoc("width", "8", "hidden units (1...4096)"),
        noiseDoc,
    ]
    public let d: Int, width: Int, noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 32, range: 1...4096)
        width = try o.int("width", default: 8, range: 1...4096)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        var w: Tensor<Double> = rng.normal([width, d])
        let norms = w.scalars.chunked(d).map { 1 / $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        w = w * Tensor(shape: [width, 1], scalars: norms)
        let a: Tensor<Double> = rng.rademacher([width])
        // Var f = c² Σ_ij a_i a_j (κ(ρ_ij) − 1/(2π)), ρ = w_i·w_j.
        let rho = Tensor.matmul(w, w, transposeB: true).scalars, av = a.scalars
        var v = 0.0
        for i in 0..<width { for j in 0..<width {
            let r: Double = Swift.min(1, Swift.max(-1, rho[i * width + j]))
            let kappa: Double = ((1 - r * r).squareRoot() + (Double.pi - acos(r)) * r) / (2 * Double.pi)
            v += av[i] * av[j] * (kappa - 1 / (2 * Double.pi))
        } }
        return ReLUTeacherTarget(d: d, weights: w, outputWeights: a.scaled(by: 1 / v.squareRoot()).reshaped([width, 1]))
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng)
        let y = t.evaluate(t.sampleInputs(count: 4000, rng: &rng))
        var r = PropertyReport(property: "E f = 0 and E f² = 1 (exact normalisation by the arc-cosine kernel)")
        momentChecks(&r, labels: y, documented: documentedMoments, kurtosis: 6)
        return r
    }
}

public struct ReLUTeacherTarget: Target {
    public let d: Int
    /// [width, d], unit rows.
    public let weights: Tensor<Double>
    /// [width, 1], scaled ±1.
    public let outputWeights: Tensor<Double>
    public var parameters: [String: String] { ["width": "\(weights.shape[0])"] }
    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { .dense(rng.normal([count, d])) }
    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let h = Tensor.matmul(inputs.dense, weights, transposeB: true).map(.relu) - 1 / (2 * Double.pi).squareRoot()
        return Tensor.matmul(h, outputWeights).reshaped([-1])
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
