import SymLabNumerics

/// Erdős–Rényi graphs and the degree statistics the H_ER,n class is built on.
public enum ErdosRenyi {
    /// `count` graphs from G(n, p): each of the C(n, 2) edges independently with probability p,
    /// drawn in the order (0,1), (0,2), …, (n−2, n−1) for each graph in turn.
    public static func sample(count: Int, nodes n: Int, p: Double, rng: inout RandomStream) -> Tensor<Double> {
        let a = Tensor<Double>(shape: [count, n, n])
        a.withSharedMutablePointer { a in
            for g in 0..<count {
                for i in 0..<n {
                    for j in (i + 1)..<Swift.max(n, i + 1) where rng.uniform() < p {
                        a[(g * n + i) * n + j] = 1; a[(g * n + j) * n + i] = 1
                    }
                }
            }
        }
        return a
    }

    /// Degrees of every node, [B][n] (row sums of the adjacency).
    public static func degrees<S>(_ adjacency: Tensor<S>) -> [[Int]] {
        let b = adjacency.shape[0], n = adjacency.shape[1]
        let d = adjacency.sum(axes: [2]).scalars        // [B, n]
        return (0..<b).map { g in (0..<n).map { Int(d[g * n + $0].rounded()) } }
    }

    /// The degree histogram c_A of each graph: [c_A]_i = number of nodes of degree i − 1, for
    /// i = 1…n (stored 0-based: `histogram[g][δ]` counts nodes of degree δ ∈ 0…n−1). It is what
    /// one message-passing layer on constant features computes (degree = A·1, one-hot, sum-pool).
    public static func degreeHistograms<S>(_ adjacency: Tensor<S>) -> [[Int]] {
        let n = adjacency.shape[1]
        return degrees(adjacency).map { deg in
            var c = [Int](repeating: 0, count: n)
            for d in deg { c[d] += 1 }
            return c
        }
    }

    /// Fraction of the C(n, 2) node pairs that are edges, over the whole batch.
    public static func edgeDensity<S>(_ adjacency: Tensor<S>) -> Double {
        let b = adjacency.shape[0], n = adjacency.shape[1]
        guard b > 0, n > 1 else { return 0 }
        return Double(adjacency.sum().scalar) / Double(b * n * (n - 1))
    }

    /// The near-central degrees of G(n, p): those within `window` standard deviations
    /// √((n−1)p(1−p)) of the mean degree (n−1)p. Their count-parity bits are close to
    /// unbiased and uncorrelated (research note §1.3), which is what makes H_ER,n hard.
    public static func centralDegrees(nodes n: Int, p: Double, window: Double) -> [Int] {
        let mean = Double(n - 1) * p, sd = (Double(n - 1) * p * (1 - p)).squareRoot()
        let lo = Swift.max(0, Int((mean - window * sd).rounded(.up))), hi = Swift.min(n - 1, Int((mean + window * sd).rounded(.down)))
        return lo <= hi ? Array(lo...hi) : []
    }
}

/// The "parity zig-zag" h of Kiani et al. Figure 2: the piecewise-linear function through
/// (m, (−1)^m) at the integers 0…M, so h(x) is the parity of an integer count x. It is a
/// one-hidden-layer ReLU network with M units (``reluWeights(maxCount:)``), the second layer of
/// the minimal architectures that compute H_ER,n and C^B_F exactly.
public enum ParityZigZag {
    /// h(x) for real x (held at the end values outside [0, M]).
    public static func value(_ x: Double, maxCount m: Int) -> Double {
        let c = Swift.min(Swift.max(x, 0), Double(m))
        let f = c.rounded(.down), t = c - f
        let s = Int(f) % 2 == 0 ? 1.0 : -1.0
        return c == Double(m) ? (m % 2 == 0 ? 1 : -1) : s * (1 - 2 * t)
    }

    /// Biases b_j, output weights v_j and output bias c with h(x) = c + Σ_j v_j·relu(x − b_j)
    /// on [0, M]: the slope is −2 on [0, 1] and flips sign at every integer, a change of
    /// ±4 made by unit j at x = j.
    public static func reluWeights(maxCount m: Int) -> (biases: [Double], weights: [Double], outputBias: Double) {
        let biases = (0..<m).map(Double.init)
        let weights = (0..<m).map { j -> Double in j == 0 ? -2 : (j % 2 == 1 ? 4 : -4) }
        return (biases, weights, 1)
    }
}
