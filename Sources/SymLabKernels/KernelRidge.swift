import Foundation
import SymLabFunctionClasses
import SymLabNumerics

/// Kernel ridge regression in Double.
///
/// Conventions (one place, so that every caller means the same thing):
/// - Labels are centred by their training mean, and the mean is added back to predictions
///   (the kernels here have no constant component to absorb it).
/// - Ridges are **relative**: the system solved is (K + λ·s·I)α = y − ȳ with s = tr(K)/n, the mean
///   kernel diagonal, so one grid works for kernels of any scale (the graph kernels are ∝ n²).
/// - Normalised MSE = MSE / Var(y) with the population variance of the labels it is measured on.
public enum KernelRidge {
    /// The default grid of relative ridges, 10⁻⁸ … 10² in half-decades.
    public static let defaultRidges: [Double] = stride(from: -8.0, through: 2.0, by: 0.5).map { pow10($0) }

    static func pow10(_ e: Double) -> Double { Foundation.pow(10, e) }

    /// tr(K)/n: the scale relative ridges multiply (1 for an all-zero kernel).
    public static func scale(of gram: Tensor<Double>) -> Double {
        let n = gram.shape[0]
        guard n > 0 else { return 1 }
        let t = gram.withUnsafePointer { p in (0..<n).reduce(0.0) { $0 + p[$1 * n + $1] } } / Double(n)
        return t > 0 && t.isFinite ? t : 1
    }

    /// α with (K + λ·s·I)α = y − ȳ (relative ridge λ), by Cholesky (LAPACK potrf/potrs).
    public static func choleskyCoefficients(gram: Tensor<Double>, labels: Tensor<Double>, ridge: Double) throws -> Tensor<Double> {
        let n = gram.shape[0]
        var a = gram.copy()
        let lambda = ridge * scale(of: gram)
        a.withUnsafeMutablePointer { p in for i in 0..<n { p[i * n + i] += lambda } }
        return try Linalg.choleskySolve(a, centred(labels).values)
    }

    static func centred(_ y: Tensor<Double>) -> (values: Tensor<Double>, mean: Double) {
        let m = y.count > 0 ? y.mean().scalar : 0
        return (y - m, m)
    }

    /// The eigendecomposition route: one eigh of K, then the coefficients and predictions for
    /// every ridge in O(n²) each (instead of an O(n³) factorisation per ridge).
    public struct Spectrum {
        /// Eigenvalues of K, ascending, clamped at 0 (K is PSD; round-off makes tiny negatives).
        public let values: [Double]
        /// Eigenvectors as columns, [n, n].
        public let vectors: Tensor<Double>
        /// Vᵀ(y − ȳ).
        public let projectedLabels: Tensor<Double>
        public let labelMean: Double
        public let scale: Double

        public init(gram: Tensor<Double>, labels: Tensor<Double>) throws {
            let (w, v) = try Linalg.eigh(gram)
            values = w.scalars.map { Swift.max($0, 0) }
            vectors = v
            let (yc, m) = KernelRidge.centred(labels)
            projectedLabels = Tensor.matvec(v, yc, transpose: true)
            labelMean = m
            scale = KernelRidge.scale(of: gram)
        }

        /// Vᵀ(y − ȳ) scaled by g(e) for each eigenvalue e.
        func filtered(_ g: (Double) -> Double) -> Tensor<Double> {
            Tensor(zip(values, projectedLabels.scalars).map { g($0) * $1 })
        }

        /// α for relative ridge λ: V·diag(1/(e + λs))·Vᵀ(y − ȳ).
        public func coefficients(ridge: Double) -> Tensor<Double> {
            let lambda = ridge * scale
            return Tensor.matvec(vectors, filtered { 1 / ($0 + lambda) })
        }

        /// Predictions at the training inputs, K·α + ȳ = V·diag(e/(e + λs))·Vᵀ(y − ȳ) + ȳ.
        public func trainPredictions(ridge: Double) -> Tensor<Double> {
            let lambda = ridge * scale
            return Tensor.matvec(vectors, filtered { $0 / ($0 + lambda) }) + labelMean
        }

        /// Predictions at other inputs from their cross-kernel K(x, train) [m, n], for every ridge:
        /// (K_x·V) is formed once (one gemm), then one gemv per ridge.
        public func predictions(cross: Tensor<Double>, ridges: [Double]) -> [Tensor<Double>] {
            let kv = Tensor.matmul(cross, vectors)
            return ridges.map { r in
                let lambda = r * scale
                return Tensor.matvec(kv, filtered { 1 / ($0 + lambda) }) + labelMean
            }
        }
    }

    /// A model fitted at one ridge.
    public struct Fit {
        /// The relative ridge λ (absolute: λ·tr(K)/n).
        public let ridge: Double
        public let coefficients: Tensor<Double>
        public let labelMean: Double

        public init(ridge: Double, coefficients: Tensor<Double>, labelMean: Double) {
            self.ridge = ridge; self.coefficients = coefficients; self.labelMean = labelMean
        }

        /// K(x, train)·α + ȳ for a cross-kernel [m, n].
        public func predict(cross: Tensor<Double>) -> Tensor<Double> {
            Tensor.matvec(cross, coefficients) + labelMean
        }
    }

    /// Chooses the ridge with the smallest validation MSE over `ridges` (eigen route; ties go to
    /// the larger ridge, the more stable one), then solves at that ridge by Cholesky. Returns the
    /// fit and the validation MSE of every ridge.
    public static func tune(gram: Tensor<Double>, labels: Tensor<Double>, validationCross: Tensor<Double>,
                            validationLabels: Tensor<Double>, ridges: [Double] = defaultRidges) throws -> (fit: Fit, validationMSE: [Double]) {
        precondition(!ridges.isEmpty && ridges.allSatisfy { $0 > 0 }, "KernelRidge.tune: ridges must be positive, got \(ridges)")
        let spectrum = try Spectrum(gram: gram, labels: labels)
        let preds = spectrum.predictions(cross: validationCross, ridges: ridges)
        let mses = preds.map { meanSquaredError($0, validationLabels) }
        var best = 0
        for k in mses.indices where mses[k] <= mses[best] { best = k }
        let alpha: Tensor<Double>
        do {
            alpha = try choleskyCoefficients(gram: gram, labels: labels, ridge: ridges[best])
        } catch is LinalgError {
            // K + λI can fail to factor for a tiny ridge and a (numerically) singular K: the
            // eigen route is stable there.
            alpha = spectrum.coefficients(ridge: ridges[best])
        }
        return (Fit(ridge: ridges[best], coefficients: alpha, labelMean: spectrum.labelMean), mses)
    }
}

/// Mean of (a − b)².
public func meanSquaredError(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    precondition(a.count == b.count, "meanSquaredError: \(a.count) predictions for \(b.count) labels")
    guard a.count > 0 else { return 0 }
    let d = a - b
    return Tensor.dot(d, d) / Double(a.count)
}

/// Population variance of the elements.
public func populationVariance(_ y: Tensor<Double>) -> Double {
    guard y.count > 0 else { return 0 }
    let c = y - y.mean().scalar
    return Tensor.dot(c, c) / Double(y.count)
}
