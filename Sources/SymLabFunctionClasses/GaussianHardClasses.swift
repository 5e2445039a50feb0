import SymLabCore
import SymLabNumerics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hard one-hidden-layer ReLU family used for the Gaussian GNN and CNN classes, after
/// Diakonikolas–Kane–Kontonis–Zarifis (COLT 2020): 2k ReLUs in ± pairs,
///
///     g(z) = c · Σ_{j<k} (−1)^j [relu(⟨w_j, z⟩) + relu(−⟨w_j, z⟩)],   w_j = cos(πj/k)·u + sin(πj/k)·v,
///
/// with u, v orthonormal (Haar) and k even. In the plane of (u, v), g = r·G(θ) where G has only
/// angular frequencies ≡ k (mod 2k), so g is orthogonal to every polynomial of degree < k under
/// N(0, I): it matches the Gaussian's low moments, which is what makes the family CSQ-hard.
/// (Odd k would make g ≡ 0.) c normalises E g² = 1. Our reading of the note's "± pairs over k
/// directions"; the exact DKKZ parametrisation was not recovered.
public struct PlanarReLUFamily: Sendable {
    /// [dim, 2k]: columns w_0 … w_{k−1}, −w_0 … −w_{k−1}.
    public let weights: Tensor<Double>
    /// [2k, 1]: (−1)^j · c for both units of pair j.
    public let outputWeights: Tensor<Double>
    public let k: Int

    public init(dimension: Int, k: Int, rng: inout RandomStream) {
        precondition(dimension >= 2 && k >= 2 && k % 2 == 0, "PlanarReLUFamily: need dimension ≥ 2 and even k ≥ 2")
        let uv: Tensor<Double> = rng.orthonormal(rows: 2, cols: dimension)      // rows u, v
        // Coefficients [2, 2k] of u and v for every column.
        var coef = [Double](repeating: 0, count: 4 * k)
        for j in 0..<k {
            let a = Double.pi * Double(j) / Double(k)
            coef[j] = cos(a); coef[2 * k + j] = sin(a)
            coef[j + k] = -cos(a); coef[2 * k + j + k] = -sin(a)
        }
        weights = Tensor.matmul(uv, Tensor(shape: [2, 2 * k], scalars: coef), transposeA: true)
        // E g² = E r² · mean_θ G(θ)², E r² = 2 in the plane; midpoint rule on the (piecewise smooth) G.
        let m = 4096 * k
        var s = 0.0
        for i in 0..<m {
            let th = 2 * Double.pi * (Double(i) + 0.5) / Double(m)
            var gv = 0.0
            for j in 0..<k { gv += (j % 2 == 0 ? 1 : -1) * abs(cos(th - Double.pi * Double(j) / Double(k))) }
            s += gv * gv
        }
        let c = 1 / (2 * s / Double(m)).squareRoot()
        outputWeights = Tensor(shape: [2 * k, 1], scalars: (0..<(2 * k)).map { ($0 % k) % 2 == 0 ? c : -c })
        self.k = k
    }

    /// g applied to every row of z [..., dim]: [...].
    public func callAsFunction(_ z: Tensor<Double>) -> Tensor<Double> {
        let h = Tensor.matmul(z, weights).map(.relu)
        let out = Tensor.matmul(h, outputWeights)
        return out.reshaped(Array(out.shape.dropLast()))
    }
}

/// Reads the even `k` of the planar family.
func readEvenK(_ o: inout OptionReader) throws -> Int {
    let k = try o.int("k", default: 4, range: 2...64)
    guard k % 2 == 0 else { throw o.fail("k", allowed: "an even integer in 2...64 (odd k gives the zero function)", got: "\(k)") }
    return k
}

/// Kiani et al. Theorem 4: the Gaussian-feature GNN class f(X, A) = 1ᵀ σ(A X W) a.
///
/// A ~ G(n, p) (p = 1/2 by default, as for H_ER,n; the paper's graph distribution was not
/// recovered), node features X ∈ R^{n×d} i.i.d. N(0, 1), and (W, a) the hard planar ReLU
/// family (``PlanarReLUFamily``), with sum pooling. Normalised by 1/√(n·max(1, (n−1)p)) so each
/// node's term has variance ≈ 1/n; the total variance depends on how much neighbourhoods
/// overlap and is reported, not documented. Invariant under relabelling nodes of (X, A) jointly.
public struct GaussianGNNClass: RegisteredFunctionClass {
    public static let className = "gaussian-gnn"
    public static let claimsQueryHardness = true
    public static let summary = "Gaussian-feature GNN 1ᵀσ(AXW)a with the DKKZ hard ReLU family (Kiani et al., Thm 4)"
    public static let optionDocs = [
        OptionDoc("n", "8", "nodes per graph (2...64)"),
        OptionDoc("d", "8", "node feature dimension (2...512)"),
        OptionDoc("p", "0.5", "edge probability, [0, 1]"),
        OptionDoc("k", "4", "even; 2k ReLUs, orthogonal to polynomials of degree < k"),
        noiseDoc,
    ]
    public let n: Int, d: Int, p: Double, k: Int, noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { nil }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        n = try o.int("n", default: 8, range: 2...64)
        d = try o.int("d", default: 8, range: 2...512)
        p = try o.double("p", default: 0.5, in: .unit)
        k = try readEvenK(&o)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        GaussianGNNTarget(n: n, d: d, p: p, family: PlanarReLUFamily(dimension: d, k: k, rng: &rng))
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng)
        let g = t.sampleInputs(count: 1000, rng: &rng).graphs
        let y = t.evaluate(.graphs(g))
        var r = PropertyReport(property: "f(PX, PAPᵀ) = f(X, A) for node relabellings P")
        let moved = g.relabelled(by: (0..<g.count).map { _ in Permutation(rng.permutation(n)) })
        r.atMost("max relative change of labels under random node relabellings", maxRelativeDifference(y, t.evaluate(.graphs(moved))), 1e-12)
        momentChecks(&r, labels: y, documented: nil)
        return r
    }
}

public struct GaussianGNNTarget: Target {
    public let n: Int, d: Int, p: Double
    public let family: PlanarReLUFamily
    public var parameters: [String: String] { ["hidden_units": "\(2 * family.k)"] }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        let a = ErdosRenyi.sample(count: count, nodes: n, p: p, rng: &rng)
        return .graphs(GraphBatch(adjacency: a, features: rng.normal([count, n, d])))
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let g = inputs.graphs
        let ax = Tensor.batchedMatmul(g.adjacency, g.features)           // [B, n, d]
        let perNode = family(ax)                                          // [B, n]
        let scale = 1 / (Double(n) * Swift.max(1, Double(n - 1) * p)).squareRoot()
        return perNode.sum(axes: [1]).scaled(by: scale)
    }
}

/// Kiani et al.'s group-averaged Gaussian CNN class f(X) = (1/|G|) Σ_g aᵀ σ(Wᵀ g⁻¹X) 1_d.
///
/// X ∈ R^{n×d} i.i.d. N(0, 1), G = C_n shifting the rows (a CNN with full-width circular filters
/// and global average pooling), (W, a) the hard planar ReLU family on R^n. Scaled by 1/√d, so
/// the variance is at most 1 (the d columns are independent; the average over shifts shrinks
/// it) and is reported, not documented. Invariant under cyclic shifts of the rows.
public struct GroupAveragedCNNClass: RegisteredFunctionClass {
    public static let className = "group-averaged-cnn"
    public static let claimsQueryHardness = true
    public static let summary = "C_n-averaged Gaussian CNN (1/|G|)Σ_g aᵀσ(Wᵀg⁻¹X)1 with the DKKZ hard ReLU family (Kiani et al.)"
    public static let optionDocs = [
        OptionDoc("n", "8", "rows acted on by C_n (2...256)"),
        OptionDoc("d", "4", "columns (1...256)"),
        OptionDoc("k", "4", "even; 2k ReLUs, orthogonal to polynomials of degree < k"),
        noiseDoc,
    ]
    public let n: Int, d: Int, k: Int, noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { nil }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        n = try o.int("n", default: 8, range: 2...256)
        d = try o.int("d", default: 4, range: 1...256)
        k = try readEvenK(&o)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        GroupAveragedCNNTarget(n: n, d: d, family: PlanarReLUFamily(dimension: n, k: k, rng: &rng))
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng)
        let x = t.sampleInputs(count: 1000, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "f(gX) = f(X) for cyclic row shifts g")
        var worst = 0.0
        for _ in 0..<3 {
            worst = Swift.max(worst, maxRelativeDifference(y, t.evaluate(.dense(PermutationGroup.cyclic(n).randomElement(rng: &rng).act(onAxis1: x)))))
        }
        r.atMost("max relative change of labels under 3 random cyclic shifts", worst, 1e-12)
        momentChecks(&r, labels: y, documented: nil)
        return r
    }
}

public struct GroupAveragedCNNTarget: Target {
    public let n: Int, d: Int
    public let family: PlanarReLUFamily
    public var parameters: [String: String] { ["hidden_units": "\(2 * family.k)"] }
    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { .dense(rng.normal([count, n, d])) }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = inputs.dense
        let count = x.shape[0]
        // Rows (sample, shift t, column c) of the shifted columns: v[i] = X[s, (i + t) mod n, c].
        let shifted = Tensor<Double>(uninitializedShape: [count, n, d, n])
        x.withUnsafePointer { src in shifted.withSharedMutablePointer { dst in
            for s in 0..<count { for t in 0..<n { for c in 0..<d { for i in 0..<n {
                dst[((s * n + t) * d + c) * n + i] = src[(s * n + (i + t) % n) * d + c]
            } } } }
        } }
        let values = family(shifted)                                  // [N, n, d]
        return values.sum(axes: [1, 2]).scaled(by: 1 / (Double(n) * Double(d).squareRoot()))
    }
}
