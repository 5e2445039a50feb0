import Foundation
import SymLabKernels
import SymLabNumerics

/// Ridge regression of a readout on explicit features (the second layer of the one-step and
/// layer-wise schemes), with the ridge tuned on a validation set.
///
/// It works in the primal, as the schemes have many more samples than features: one eigh of the
/// M×M matrix ΦᵀΦ (LAPACK) serves every ridge, w(λ) = (ΦᵀΦ + λsI)⁻¹Φᵀ(y − ȳ); the chosen ridge
/// is then solved by Cholesky. Ridges are relative, as in ``KernelRidge``: s = tr(ΦᵀΦ)/n.
public struct FeatureRidge: Sendable {
    /// 10⁻¹⁰ … 10⁴ in half-decades: wide enough that an interior optimum is found for features of
    /// any scale (Damian et al. search 10⁻¹⁰ … 10¹⁵ absolute).
    public static let defaultRidges: [Double] = stride(from: -10.0, through: 4.0, by: 0.5).map { pow10($0) }

    public let weights: Tensor<Double>
    public let labelMean: Double
    /// Mean feature vector subtracted before the fit (so the intercept is the label mean).
    public let featureMean: Tensor<Double>
    public let ridge: Double
    public let ridges: [Double]
    public let validationMSEs: [Double]

    /// Fits on `features` [n, M] / `labels` [n], choosing the ridge with the smallest validation
    /// MSE (ties go to the larger ridge).
    public init(features: Tensor<Double>, labels: Tensor<Double>, validationFeatures: Tensor<Double>, validationLabels: Tensor<Double>,
                ridges: [Double] = FeatureRidge.defaultRidges) throws {
        precondition(features.rank == 2 && labels.shape == [features.shape[0]], "FeatureRidge: features \(features.shape), labels \(labels.shape)")
        precondition(validationFeatures.rank == 2 && validationFeatures.shape[1] == features.shape[1] && validationLabels.shape == [validationFeatures.shape[0]],
                     "FeatureRidge: validation features \(validationFeatures.shape), labels \(validationLabels.shape)")
        precondition(!ridges.isEmpty && ridges.allSatisfy { $0 > 0 }, "FeatureRidge: ridges must be positive")
        let n = features.shape[0], m = features.shape[1]
        guard n >= 1, validationFeatures.shape[0] >= 1 else {
            throw SchemeError.failed(scheme: "ridge", reason: "needs ≥ 1 training and ≥ 1 validation sample, got \(n) and \(validationFeatures.shape[0])")
        }
        let mu = features.mean(axes: [0])
        let phi = features - mu
        let ym = labels.mean().scalar
        let yc = labels - ym
        let a = Tensor.matmul(phi, phi, transposeA: true)                  // ΦᵀΦ [M, M]
        let b = Tensor.matvec(phi, yc, transpose: true)                    // Φᵀ(y − ȳ)
        var trace = 0.0
        a.withUnsafePointer { p in for i in 0..<m { trace += p[i * m + i] } }
        let scale = trace > 0 && trace.isFinite ? trace / Double(n) : 1
        let (w, v) = try Linalg.eigh(a)
        let e = w.scalars.map { Swift.max($0, 0) }
        let proj = Tensor.matvec(v, b, transpose: true).scalars            // Vᵀ Φᵀ(y − ȳ)
        let phiVal = validationFeatures - mu
        let pv = Tensor.matmul(phiVal, v)                                  // Φ_val V, once for all ridges
        let mses = ridges.map { r -> Double in
            let lambda = r * scale
            let coef = Tensor(zip(e, proj).map { $1 / ($0 + lambda) })
            return meanSquaredError(Tensor.matvec(pv, coef) + ym, validationLabels)
        }
        var best = 0
        for k in mses.indices where mses[k] <= mses[best] { best = k }
        let lambda = ridges[best] * scale
        var reg = a.copy()
        reg.withUnsafeMutablePointer { p in for i in 0..<m { p[i * m + i] += lambda } }
        let solved: Tensor<Double>
        do { solved = try Linalg.choleskySolve(reg, b) } catch {
            // A (numerically) singular ΦᵀΦ at a tiny ridge: the eigen route is stable there.
            solved = Tensor.matvec(v, Tensor(zip(e, proj).map { $1 / ($0 + lambda) }))
        }
        weights = solved; labelMean = ym; featureMean = mu
        ridge = ridges[best]; self.ridges = ridges; validationMSEs = mses
    }

    /// Predictions for features [N, M].
    public func predict(_ features: Tensor<Double>) -> Tensor<Double> {
        Tensor.matvec(features - featureMean, weights) + labelMean
    }

    /// Whether the chosen ridge is at an end of the grid (the tuning range may be too narrow).
    public var ridgeAtGridEdge: Bool { ridge == ridges.first || ridge == ridges.last }
}

func pow10(_ e: Double) -> Double { Foundation.pow(10, e) }
