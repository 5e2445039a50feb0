import SymLabNumerics

/// The two-layer ReLU network of the one-step schemes, f(x) = c·Σ_j a_j relu(w_j·x + b_j), with
/// its first-layer gradient in closed form.
///
/// Why not the autodiff tape: the schemes take one full-batch gradient of this one network at
/// n = 10⁴ samples; in closed form that is one gemm (Dᵀ X), with no tape to build or reset. The
/// formula is checked against central differences in the tests.
public struct TwoLayerNetwork: Sendable {
    /// [m, d], one neuron per row.
    public var weights: Tensor<Double>
    /// [m]
    public var biases: Tensor<Double>
    /// [m]
    public var readout: Tensor<Double>
    /// c: 1 for Damian et al., 1/√m for Ba et al.
    public var outputScale: Double

    public init(weights: Tensor<Double>, biases: Tensor<Double>, readout: Tensor<Double>, outputScale: Double = 1) {
        precondition(weights.rank == 2 && biases.shape == [weights.shape[0]] && readout.shape == [weights.shape[0]],
                     "TwoLayerNetwork: weights \(weights.shape), biases \(biases.shape), readout \(readout.shape) must be [m, d], [m], [m]")
        self.weights = weights; self.biases = biases; self.readout = readout; self.outputScale = outputScale
    }

    public var width: Int { weights.shape[0] }

    /// w_j·x + b_j for every input row, [n, m].
    public func preactivations(_ x: Tensor<Double>) -> Tensor<Double> {
        Tensor.matmul(x, weights, transposeB: true) + biases
    }

    /// relu(w_j·x + b_j), [n, m]: the features the second layer is fitted on.
    public func features(_ x: Tensor<Double>) -> Tensor<Double> { preactivations(x).map(.relu) }

    public func predict(_ x: Tensor<Double>) -> Tensor<Double> {
        Tensor.matvec(features(x), readout) * outputScale
    }

    /// ∇_W of L = (κ/n)·Σ_i (f(x_i) − y_i)², [m, d]; κ = 1 for the mean squared error, ½ for
    /// Ba et al.'s loss. ∇_{w_j} L = (2κ/n)·c·a_j·Σ_i r_i 1[w_j·x_i + b_j > 0] x_i with r = f − y:
    /// D = mask ⊙ (r aᵀ), then one gemm Dᵀ X.
    public func firstLayerGradient(_ x: Tensor<Double>, labels y: Tensor<Double>, lossFactor kappa: Double = 1) -> Tensor<Double> {
        let n = x.shape[0], m = width
        let pre = preactivations(x)
        let r = Tensor.matvec(pre.map(.relu), readout) * outputScale - y
        let d = Tensor<Double>(uninitializedShape: [n, m])
        let c = 2 * kappa * outputScale / Double(Swift.max(n, 1))
        pre.withUnsafePointer { p in r.withUnsafePointer { rp in readout.withUnsafePointer { a in d.withSharedMutablePointer { dp in
            for i in 0..<n {
                let ri = rp[i] * c
                for j in 0..<m { dp[i * m + j] = p[i * m + j] > 0 ? ri * a[j] : 0 }
            }
        } } } }
        return Tensor.matmul(d, x, transposeA: true)
    }

    /// Damian et al.'s symmetric initialisation: w_j ~ N(0, I/d), b_j ~ N(0, 1), a_j = ±1 for the
    /// first m/2 neurons; the second half copies (w_j, b_j) and negates a_j, so f = 0 at init (up to rounding).
    public static func symmetric(width m: Int, inputDimension d: Int, rng: inout RandomStream) -> TwoLayerNetwork {
        precondition(m >= 2 && m % 2 == 0, "TwoLayerNetwork.symmetric: width must be even and ≥ 2, got \(m)")
        let h = m / 2
        let w: Tensor<Double> = rng.normal([h, d], std: 1 / Double(d).squareRoot())
        let b: Tensor<Double> = rng.normal([h])
        let a: Tensor<Double> = rng.rademacher([h])
        return TwoLayerNetwork(weights: Tensor.concat([w, w], axis: 0), biases: Tensor.concat([b, b], axis: 0),
                               readout: Tensor.concat([a, a.scaled(by: -1)], axis: 0))
    }
}
