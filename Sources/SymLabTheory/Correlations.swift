import SymLabNumerics

/// The pairwise correlations of a finite function family under an input distribution D:
/// the Gram matrix ⟨f_i, f_j⟩ = E_D[f_i f_j] and its normalised form ⟨f_i, f_j⟩/(‖f_i‖‖f_j‖).
///
/// The (C)SQ lower bounds are stated in these inner products (not Pearson correlations: means are
/// not subtracted). For ±1-valued functions ‖f_i‖ = 1 and the two matrices coincide.
public struct CorrelationMatrix: Sendable {
    /// E[f_i f_j].
    public let innerProducts: [[Double]]
    /// E[f_i f_j] / √(E[f_i²] E[f_j²]); a zero-norm function gets 0 off the diagonal.
    public let correlations: [[Double]]

    public init(innerProducts: [[Double]]) {
        let m = innerProducts.count
        self.innerProducts = innerProducts
        self.correlations = (0..<m).map { i in
            (0..<m).map { j in
                let scale = (innerProducts[i][i] * innerProducts[j][j]).squareRoot()
                return scale > 0 ? innerProducts[i][j] / scale : (i == j ? 1 : 0)
            }
        }
    }

    public var count: Int { innerProducts.count }

    /// γ = max_{i≠j} |correlation|, with the pair that attains it (nil for fewer than two functions).
    public var maxOffDiagonal: (i: Int, j: Int, value: Double)? {
        var best: (i: Int, j: Int, value: Double)?
        for i in 0..<count { for j in (i + 1)..<max(i + 1, count) where best == nil || abs(correlations[i][j]) > best!.value {
            best = (i, j, abs(correlations[i][j]))
        } }
        return best
    }

    /// γ, or 0 for a family of fewer than two functions.
    public var gamma: Double { maxOffDiagonal?.value ?? 0 }

    /// The CSQ lower bound m(τ² − γ)/2 for this family (see ``QueryBounds``).
    public func queryLowerBound(tolerance tau: Double) throws -> QueryLowerBound {
        try QueryBounds.csqLowerBound(functionCount: Double(count), gamma: gamma, tolerance: tau)
    }
}

/// A Monte Carlo estimate of a ``CorrelationMatrix`` with confidence intervals.
public struct MonteCarloCorrelations: Sendable {
    public let samples: Int
    /// The per-entry confidence level of ``halfWidths``.
    public let confidence: Double
    /// Plug-in estimates: sample means of f_i f_j.
    public let estimate: CorrelationMatrix
    /// Normal-approximation half-widths z·s/√N for each E[f_i f_j] (s: sample standard deviation).
    public let halfWidths: [[Double]]
    /// An upper confidence bound on max_{i≠j} |E[f_i f_j]|, simultaneous over all pairs (Bonferroni
    /// at the same confidence). It bounds γ itself when the functions have unit norm, e.g. ±1-valued.
    public let gammaUpperBound: Double

    /// The confidence interval for E[f_i f_j].
    public func interval(_ i: Int, _ j: Int) -> ClosedRange<Double> {
        (estimate.innerProducts[i][j] - halfWidths[i][j])...(estimate.innerProducts[i][j] + halfWidths[i][j])
    }
}

public enum Correlations {
    /// The largest n for ``exactOnHypercube(n:_:)``: 2^20 points times m(m+1)/2 products.
    public static let maxExactHypercubeDimension = 20

    /// Exact inner products under a finite distribution: `support` with `probabilities` (uniform if nil).
    public static func exact<Input>(_ functions: [(Input) -> Double], support: [Input], probabilities: [Double]? = nil) throws -> CorrelationMatrix {
        guard !functions.isEmpty else { throw TheoryError.invalidArgument("correlations need at least one function") }
        guard !support.isEmpty else { throw TheoryError.invalidArgument("correlations need a non-empty support") }
        if let p = probabilities {
            guard p.count == support.count else {
                throw TheoryError.invalidArgument("\(p.count) probabilities for \(support.count) support points")
            }
            guard p.allSatisfy({ $0 >= 0 && $0.isFinite }), abs(p.reduce(0, +) - 1) < 1e-9 else {
                throw TheoryError.invalidArgument("probabilities must be non-negative and sum to 1")
            }
        }
        let m = functions.count
        var gram = GramAccumulator(columns: m)
        for (k, x) in support.enumerated() {
            let w = probabilities?[k] ?? 1
            gram.addRow({ row in for i in 0..<m { row[i] = functions[i](x) } }, weight: w)
        }
        // Uniform weights: sum first, divide once, so ±1 functions give exact results.
        let scale = probabilities == nil ? 1 / Double(support.count) : 1
        return CorrelationMatrix(innerProducts: symmetric(gram.finish(), m, scale: scale))
    }

    /// Exact inner products under the uniform distribution on {−1,+1}^n (n ≤ 20), the input
    /// distribution of the Boolean hardness results. For ±1-valued functions every sum is an integer
    /// below 2^53 and 2^n is a power of two, so the result is exact in Double.
    public static func exactOnHypercube(n: Int, _ functions: [([Double]) -> Double]) throws -> CorrelationMatrix {
        guard n >= 1 else { throw TheoryError.invalidArgument("the hypercube {−1,+1}^n needs n ≥ 1, got \(n)") }
        guard n <= maxExactHypercubeDimension else {
            throw TheoryError.invalidArgument("exact correlations enumerate 2^\(n) points; n ≤ \(maxExactHypercubeDimension) is supported, use monteCarlo beyond")
        }
        guard !functions.isEmpty else { throw TheoryError.invalidArgument("correlations need at least one function") }
        let m = functions.count
        var gram = GramAccumulator(columns: m)
        var x = [Double](repeating: 1, count: n)
        for mask in 0..<(1 << n) {
            for b in 0..<n { x[b] = mask >> b & 1 == 1 ? -1 : 1 }
            gram.addRow { row in for i in 0..<m { row[i] = functions[i](x) } }
        }
        return CorrelationMatrix(innerProducts: symmetric(gram.finish(), m, scale: 1 / Double(1 << n)))
    }

    /// Monte Carlo estimates from `samples` draws of `draw`, with normal-approximation confidence
    /// intervals at level `confidence` (per entry) and a Bonferroni upper bound on γ.
    public static func monteCarlo<Input>(
        _ functions: [(Input) -> Double], samples: Int, confidence: Double = 0.95,
        rng: inout RandomStream, draw: (inout RandomStream) -> Input
    ) throws -> MonteCarloCorrelations {
        guard !functions.isEmpty else { throw TheoryError.invalidArgument("correlations need at least one function") }
        guard samples >= 2 else { throw TheoryError.invalidArgument("Monte Carlo needs at least 2 samples, got \(samples)") }
        guard confidence > 0, confidence < 1 else {
            throw TheoryError.invalidArgument("confidence must be in (0, 1), got \(confidence)")
        }
        let m = functions.count
        // Σ f_i f_j and Σ (f_i f_j)² = Σ f_i² f_j²: two Gram matrices, of the values and of their squares.
        var gram = GramAccumulator(columns: m, squares: true)
        for _ in 0..<samples {
            let x = draw(&rng)
            gram.addRow { row in for i in 0..<m { row[i] = functions[i](x) } }
        }
        return monteCarloResult(sum: gram.finish(), sumOfSquares: gram.finishSquares(), samples: samples, columns: m, confidence: confidence)
    }

    /// The estimates, intervals and simultaneous γ bound from Σ_k v_k v_kᵀ and Σ_k (v_k ∘ v_k)(v_k ∘ v_k)ᵀ
    /// over `samples` rows of `columns` function values (row-major m×m, as ``GramAccumulator`` gives them).
    static func monteCarloResult(sum: [Double], sumOfSquares sumSq: [Double], samples: Int, columns m: Int,
                                 confidence: Double) -> MonteCarloCorrelations {
        let n = Double(samples)
        let z = normalQuantile(0.5 + confidence / 2)
        let pairs = max(1, m * (m - 1) / 2)
        let zSimultaneous = normalQuantile(1 - (1 - confidence) / Double(2 * pairs))
        var stdErr = [Double](repeating: 0, count: m * m)
        for k in 0..<(m * m) {
            let mean = sum[k] / n
            let variance = max(0, (sumSq[k] - n * mean * mean) / (n - 1))
            stdErr[k] = (variance / n).squareRoot()
        }
        let means = symmetric(sum, m, scale: 1 / n)
        let se = symmetric(stdErr, m, scale: 1)
        var upper = 0.0
        for i in 0..<m { for j in (i + 1)..<max(i + 1, m) { upper = max(upper, abs(means[i][j]) + zSimultaneous * se[i][j]) } }
        return MonteCarloCorrelations(
            samples: samples, confidence: confidence, estimate: CorrelationMatrix(innerProducts: means),
            halfWidths: se.map { $0.map { z * $0 } }, gammaUpperBound: upper)
    }

    /// The half-width z·s/√N of the normal-approximation interval for the mean of N values in
    /// {−1, +1} with sample mean `mean`: s² = N(1 − mean²)/(N − 1) is their sample variance.
    public static func signMeanHalfWidth(mean: Double, samples: Int, z: Double) -> Double {
        z * (Swift.max(0, 1 - mean * mean) / Double(samples - 1)).squareRoot()
    }

    /// The parity χ_S(x) = Π_{i∈S} x_i on ±1 vectors: the prototypical pairwise-orthogonal family.
    public static func parity(_ subset: [Int]) -> @Sendable ([Double]) -> Double {
        { x in subset.reduce(1.0) { $0 * x[$1] } }
    }

    /// The full matrix from a symmetric row-major m×m one (upper triangle read), times `scale`.
    static func symmetric(_ upper: [Double], _ m: Int, scale: Double) -> [[Double]] {
        (0..<m).map { i in (0..<m).map { j in (i <= j ? upper[i * m + j] : upper[j * m + i]) * scale } }
    }

    /// The standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, relative error < 1.2e-9).
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "normalQuantile: p must be in (0, 1), got \(p)")
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        func tail(_ q: Double) -> Double {
            let r = (-2 * portableLog(q)).squareRoot()
            return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
        }
        if p < low { return tail(p) }
        if p > 1 - low { return -tail(1 - p) }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}

/// Σ_k w_k v_k v_kᵀ over rows v_k, accumulated a block of rows at a time with one BLAS gemm per
/// block (VᵀWV), instead of an m² loop per row. For ±1 values every partial sum is an integer
/// below 2^53, so the result is exact whatever order BLAS sums in.
struct GramAccumulator {
    static let blockRows = 2048
    let columns: Int
    private var block: Tensor<Double>
    private var weighted: Tensor<Double>
    private var squares: Tensor<Double>?
    private var rows = 0
    private var anyWeight = false
    private var gram: Tensor<Double>
    private var gramOfSquares: Tensor<Double>?

    init(columns: Int, squares: Bool = false) {
        self.columns = columns
        block = Tensor(shape: [Self.blockRows, columns])
        weighted = Tensor(shape: [Self.blockRows, columns])
        self.squares = squares ? Tensor(shape: [Self.blockRows, columns]) : nil
        gram = Tensor(shape: [columns, columns])
        gramOfSquares = squares ? Tensor(shape: [columns, columns]) : nil
    }

    /// Appends one row, written by `fill` into a buffer of `columns` entries, with weight w.
    mutating func addRow(_ fill: (UnsafeMutablePointer<Double>) -> Void, weight w: Double = 1) {
        let r = rows, m = columns
        if w != 1 { anyWeight = true }
        block.withUnsafeMutablePointer { b in
            let row = b + r * m
            fill(row)
            weighted.withUnsafeMutablePointer { p in for i in 0..<m { p[r * m + i] = w * row[i] } }
            squares?.withUnsafeMutablePointer { p in for i in 0..<m { p[r * m + i] = row[i] * row[i] } }
        }
        rows += 1
        if rows == Self.blockRows { flush() }
    }

    private mutating func flush() {
        guard rows > 0 else { return }
        let used = rows == Self.blockRows ? block : block.rows(0..<rows)
        let right = rows == Self.blockRows ? weighted : weighted.rows(0..<rows)
        Tensor.gemm(used, anyWeight ? right : used, transposeA: true, alpha: 1, beta: 1, into: &gram)
        if let sq = squares {
            let s = rows == Self.blockRows ? sq : sq.rows(0..<rows)
            Tensor.gemm(s, s, transposeA: true, alpha: 1, beta: 1, into: &gramOfSquares!)
        }
        rows = 0
        anyWeight = false
    }

    /// Σ_k w_k v_k v_kᵀ, row-major.
    mutating func finish() -> [Double] { flush(); return gram.scalars }
    /// Σ_k (v_k ∘ v_k)(v_k ∘ v_k)ᵀ, row-major (needs `squares: true`).
    mutating func finishSquares() -> [Double] { flush(); return gramOfSquares?.scalars ?? [] }
}
