import SymLabNumerics

/// The span of the random features (v·x)^k: the D = C(d+k−1, k) degree-k monomials, weighted
/// so that the features factor exactly. With q_α(x) = √mult(α)·x^α (α a multiset of k
/// coordinates, mult(α) its multinomial coefficient), (v·x)^k = Σ_α mult(α)·v^α·x^α = q(v)·q(x),
/// so the n × M matrix of M random features is Φ = Q·Cᵀ with Q = q(x) [n, D] and C = q(v) [M, D].
///
/// Why it matters: a ridge depends on its features only through ΦΦᵀ = Q·CᵀC·Qᵀ. With the
/// Cholesky factor CᵀC = L·Lᵀ (positive definite once M ≥ D random directions span the space),
/// Z = Q·L [n, D] has ZZᵀ = ΦΦᵀ — also after centring, Φ_c = Q_c·Cᵀ — and tr(Z_cᵀZ_c) =
/// tr(Φ_cᵀΦ_c), so a ridge on Z with the same relative ridge predicts exactly what the ridge on
/// Φ does, from a D×D instead of an M×M system (M = 2D for the layer-wise scheme's default
/// m₁ = d(d+1) at k = 2: an eigendecomposition 8× cheaper, normal equations 4× smaller).
public struct PowerFeatureSpan: Sendable {
    public let d: Int, power: Int
    /// The multisets α as non-decreasing coordinate lists, flattened [D·k], in lexicographic order.
    let indices: [Int]
    /// √mult(α), one per monomial.
    let weights: [Double]
    public var dimension: Int { weights.count }

    /// C(d+k−1, k), the number of degree-k monomials in d variables (saturating).
    public static func dimension(d: Int, power k: Int) -> Int {
        var c = 1
        for i in 0..<k {
            let (p, o) = c.multipliedReportingOverflow(by: d + i)
            if o { return Int.max }
            c = p / (i + 1)   // exact: a product of i+1 consecutive integers is divisible by (i+1)!
        }
        return c
    }

    public init(d: Int, power k: Int) {
        precondition(d >= 1 && k >= 1, "PowerFeatureSpan: d = \(d), k = \(k)")
        self.d = d; power = k
        var idx = [Int](), w = [Double]()
        var factorial = [1.0]
        for i in 1...k { factorial.append(factorial[i - 1] * Double(i)) }
        var current = [Int](repeating: 0, count: k)
        func visit(_ pos: Int, _ start: Int) {
            if pos == k {
                idx += current
                var mult = factorial[k], run = 1
                for j in 1..<Swift.max(k, 1) {
                    if current[j] == current[j - 1] { run += 1 } else { mult /= factorial[run]; run = 1 }
                }
                mult /= factorial[run]
                w.append(mult.squareRoot())
                return
            }
            for i in start..<d { current[pos] = i; visit(pos + 1, i) }
        }
        visit(0, 0)
        indices = idx; weights = w
    }

    /// q(x) for the rows of x [r, d]: [r, D].
    public func features(_ x: Tensor<Double>) -> Tensor<Double> {
        precondition(x.rank == 2 && x.shape[1] == d, "PowerFeatureSpan.features: x \(x.shape), d = \(d)")
        let r = x.shape[0], m = dimension, k = power
        var q = Tensor<Double>(shape: [r, m])
        x.withUnsafePointer { px in q.withUnsafeMutablePointer { pq in
            for i in 0..<r {
                let row = px + i * d, out = pq + i * m
                for a in 0..<m {
                    var v = weights[a]
                    for j in 0..<k { v *= row[indices[a * k + j]] }
                    out[a] = v
                }
            }
        } }
        return q
    }

    /// Rows per block when streaming q(x) (about 4M numbers, 32 MB, per block).
    public var blockRows: Int { Swift.max(1, (1 << 22) / Swift.max(dimension, 1)) }

    /// Consecutive row ranges of 0..<n, `blockRows` each.
    public func blocks(_ n: Int) -> [Range<Int>] { stride(from: 0, to: n, by: blockRows).map { $0..<Swift.min($0 + blockRows, n) } }

    /// CᵀC = Σ_j q(v_j)q(v_j)ᵀ for the directions v [M, d], accumulated in row blocks.
    public func gram(of v: Tensor<Double>) -> Tensor<Double> {
        var g = Tensor<Double>(shape: [dimension, dimension])
        for r in blocks(v.shape[0]) {
            let c = features(v.rows(r))
            Tensor.syrk(c, beta: 1, into: &g)
        }
        g.mirrorUpperTriangle()
        return g
    }
}
