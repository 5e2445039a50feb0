import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics

/// The quantities the feature-learning claims are stated in (research note §6): normalised test
/// loss, alignment of first-layer neurons with the relevant subspace, correlation of a learned
/// feature with the hidden one, and the spectrum of the first-layer update.
public enum Diagnostics {
    /// MSE / Var(labels) (population variance of the labels it is measured on); 1 is the
    /// constant predictor. NaN when the labels are constant.
    public static func normalizedLoss(predictions: Tensor<Double>, labels: Tensor<Double>) -> Double {
        let v = populationVariance(labels)
        return v > 0 ? meanSquaredError(predictions, labels) / v : .nan
    }

    /// Mean over the rows w of `weights` [m, d] of ‖P_U w‖/‖w‖, for U [r, d] with orthonormal rows
    /// (so ‖P_U w‖ = ‖U w‖). Rows with w = 0 (dead neurons) are skipped; NaN if all are zero.
    /// A random direction scores about √(r/d).
    public static func alignment(weights: Tensor<Double>, subspace u: Tensor<Double>) -> Double {
        let rows = rowAlignments(weights: weights, subspace: u).filter { !$0.isNaN }
        var total = 0.0
        for a in rows { total += a }
        return rows.isEmpty ? .nan : total / Double(rows.count)
    }

    /// ‖P_U w‖/‖w‖ for each row w of `weights` [m, d] (NaN for w = 0): the mean is ``alignment(weights:subspace:)``,
    /// the maximum the best-aligned neuron (the modality-competition figure's measure).
    public static func rowAlignments(weights: Tensor<Double>, subspace u: Tensor<Double>) -> [Double] {
        precondition(weights.rank == 2 && u.rank == 2 && weights.shape[1] == u.shape[1],
                     "Diagnostics.alignment: weights \(weights.shape) and subspace \(u.shape) must be [m, d] and [r, d]")
        let proj = Tensor.matmul(weights, u, transposeB: true)     // [m, r]
        let m = weights.shape[0], d = weights.shape[1], r = u.shape[0]
        return weights.withUnsafePointer { w in proj.withUnsafePointer { p in
            (0..<m).map { j in
                var nw = 0.0, np = 0.0
                for k in 0..<d { nw += w[j * d + k] * w[j * d + k] }
                for k in 0..<r { np += p[j * r + k] * p[j * r + k] }
                return nw > 0 ? (np / nw).squareRoot() : .nan
            }
        } }
    }

    /// Pearson correlation of two equally long vectors (NaN if one is constant).
    public static func correlation(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
        precondition(a.count == b.count, "Diagnostics.correlation: \(a.count) vs \(b.count) values")
        guard a.count > 1 else { return .nan }
        let ac = a - a.mean().scalar, bc = b - b.mean().scalar
        let den = (Tensor.dot(ac, ac) * Tensor.dot(bc, bc)).squareRoot()
        return den > 0 ? Tensor.dot(ac, bc) / den : .nan
    }

    /// Singular values of `delta` [m, d], descending, from the eigenvalues of the smaller Gram
    /// matrix (LAPACK syev), with the right-singular vectors (columns, [d, k]) when d ≤ m.
    public static func singularValues(_ delta: Tensor<Double>) throws -> (values: [Double], rightVectors: Tensor<Double>?) {
        precondition(delta.rank == 2, "Diagnostics.singularValues: need a matrix, got \(delta.shape)")
        let m = delta.shape[0], d = delta.shape[1]
        let wide = d > m
        let gram = wide ? Tensor.matmul(delta, delta, transposeB: true) : Tensor.matmul(delta, delta, transposeA: true)
        let (w, v) = try Linalg.eigh(gram)
        let values = w.scalars.reversed().map { Swift.max($0, 0).squareRoot() }
        guard !wide else { return (values, nil) }
        // eigh returns ascending order: reverse the columns.
        let k = v.shape[1]
        let flipped = Tensor<Double>(uninitializedShape: [d, k])
        v.withUnsafePointer { src in flipped.withSharedMutablePointer { dst in
            for i in 0..<d { for j in 0..<k { dst[i * k + j] = src[i * k + (k - 1 - j)] } }
        } }
        return (values, flipped)
    }

    /// The standard metrics of a first-layer update W₀ → W₁: the top singular values of W₁ − W₀,
    /// s₁/s₂, and, for a one-direction target, |cos| of the top right-singular vector with it.
    public static func updateSpectrum(initial w0: Tensor<Double>, final w1: Tensor<Double>, subspace u: Tensor<Double>?,
                                      top: Int = 3) throws -> [String: Double] {
        let (s, vecs) = try singularValues(w1 - w0)
        var out: [String: Double] = [:]
        for i in 0..<Swift.min(top, s.count) { out[SchemeMetric.singularValue(i + 1)] = s[i] }
        if s.count >= 2 { out[SchemeMetric.singularRatio] = s[1] > 0 ? s[0] / s[1] : .infinity }
        if let u, u.shape[0] == 1, let v = vecs {
            let d = v.shape[0]
            let top = Tensor((0..<d).map { v[$0, 0] })
            out[SchemeMetric.spikeAlignment] = Swift.abs(Tensor.dot(top, u.reshaped([d])))
        }
        return out
    }

    /// U of a target with a relevant subspace (single- and multi-index classes), else nil.
    public static func subspace(of target: any Target) -> Tensor<Double>? {
        (target as? IndexTarget)?.projection
    }
}
