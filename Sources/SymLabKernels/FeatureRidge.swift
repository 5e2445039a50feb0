import SymLabNumerics

/// Ridge regression of a readout on explicit features Φ [n, M], with the ridge tuned on a
/// validation set: the one implementation behind random-features regression
/// (``RandomFeaturesRegression``, the network without feature learning) and the second layer of
/// the feature-learning schemes (one-step, layer-wise, …).
///
/// It works in the primal, for problems with more samples than features: one eigh of the M×M
/// matrix ΦᵀΦ (LAPACK) serves every ridge, w(λ) = (ΦᵀΦ + λsI)⁻¹Φᵀ(y − ȳ). Ridges are relative,
/// as in ``KernelRidge``; the ridge with the smallest validation MSE wins, ties going to the larger.
///
/// Two ``Mode``s, one per kind of caller. They differ as estimators (feature centring) and in
/// rounding (the scale s, the order in which validation predictions and the final weights are
/// formed). Each is what its callers' recorded results were computed with, so both are kept as
/// they are rather than merged: merging would move those results in their last digits.
public struct FeatureRidge: Sendable {
    public enum Mode: Sendable {
        /// The schemes' readout. Features are centred by their training mean (the intercept then
        /// is the label mean, whatever the mean of the features — ReLU features have one);
        /// s = tr(ΦᵀΦ)/n; every ridge is scored in the eigenbasis (Φ_val·V once, one gemv per
        /// ridge); the chosen ridge is solved again by Cholesky (by the eigen route if ΦᵀΦ + λsI
        /// does not factor).
        case centred
        /// Random-features regression. Features as given, labels centred: the predictor of kernel
        /// ridge regression with k(x, x′) = ⟨φ(x), φ(x′)⟩, so that the primal route here (M ≤ n)
        /// and the dual route (M > n, ``KernelRegression``) agree; s = tr(ΦᵀΦ)/M · M/n, which is
        /// the dual's tr(ΦΦᵀ)/n. Each ridge's weights V·diag(1/(e + λs))·VᵀΦᵀ(y − ȳ) are formed and
        /// scored, and those of the chosen ridge kept.
        case kernelMatched
    }

    /// Fewer than one training or validation sample (worded as the schemes, whose runs record
    /// it, have always reported it).
    public struct EmptySplit: Error, CustomStringConvertible, Equatable, Sendable {
        public let trainCount: Int, validationCount: Int
        public init(trainCount: Int, validationCount: Int) { self.trainCount = trainCount; self.validationCount = validationCount }
        public var description: String {
            "scheme ridge: needs ≥ 1 training and ≥ 1 validation sample, got \(trainCount) and \(validationCount)"
        }
    }

    /// The schemes' grid, 10⁻¹⁰ … 10⁴ in half-decades: wide enough that an interior optimum is
    /// found for features of any scale (Damian et al. search 10⁻¹⁰ … 10¹⁵ absolute).
    /// Random-features regression uses ``KernelRidge/defaultRidges``, as the kernels it is compared with.
    public static let defaultRidges: [Double] = stride(from: -10.0, through: 4.0, by: 0.5).map { KernelRidge.pow10($0) }

    public let mode: Mode
    public let weights: Tensor<Double>
    public let labelMean: Double
    /// Mean feature vector subtracted before the fit (``Mode/centred``; nil when features are used as given).
    public let featureMean: Tensor<Double>?
    public let ridge: Double
    public let ridges: [Double]
    /// The validation MSE of every ridge, and of the chosen one.
    public let validationMSEs: [Double]
    public let validationMSE: Double

    /// Fits on `features` [n, M] / `labels` [n], choosing the ridge with the smallest validation MSE.
    public init(features: Tensor<Double>, labels: Tensor<Double>, validationFeatures: Tensor<Double>, validationLabels: Tensor<Double>,
                ridges: [Double] = FeatureRidge.defaultRidges, mode: Mode = .centred) throws {
        precondition(features.rank == 2 && labels.shape == [features.shape[0]], "FeatureRidge: features \(features.shape), labels \(labels.shape)")
        precondition(validationFeatures.rank == 2 && validationFeatures.shape[1] == features.shape[1] && validationLabels.shape == [validationFeatures.shape[0]],
                     "FeatureRidge: validation features \(validationFeatures.shape), labels \(validationLabels.shape)")
        precondition(!ridges.isEmpty && ridges.allSatisfy { $0 > 0 }, "FeatureRidge: ridges must be positive")
        let n = features.shape[0], m = features.shape[1]
        guard n >= 1, validationFeatures.shape[0] >= 1 else { throw EmptySplit(trainCount: n, validationCount: validationFeatures.shape[0]) }
        let mu: Tensor<Double>? = mode == .centred ? features.mean(axes: [0]) : nil
        let phi = mu.map { features - $0 } ?? features
        let (yc, ym) = KernelRidge.centred(labels)
        let a = Tensor.matmul(phi, phi, transposeA: true)                  // ΦᵀΦ [M, M]
        let b = Tensor.matvec(phi, yc, transpose: true)                    // Φᵀ(y − ȳ)
        let scale: Double
        switch mode {
        case .centred:
            var trace = 0.0
            a.withUnsafePointer { p in for i in 0..<m { trace += p[i * m + i] } }
            scale = trace > 0 && trace.isFinite ? trace / Double(n) : 1
        case .kernelMatched:
            scale = KernelRidge.scale(of: a) * Double(m) / Double(n)
        }
        let (w, v) = try Linalg.eigh(a)
        let e = w.scalars.map { Swift.max($0, 0) }
        let proj = Tensor.matvec(v, b, transpose: true).scalars            // Vᵀ Φᵀ(y − ȳ)
        func eigenWeights(_ lambda: Double) -> Tensor<Double> { Tensor.matvec(v, Tensor(zip(e, proj).map { $1 / ($0 + lambda) })) }

        let phiVal = mu.map { validationFeatures - $0 } ?? validationFeatures
        let mses: [Double]
        switch mode {
        case .centred:
            let pv = Tensor.matmul(phiVal, v)                              // Φ_val V, once for all ridges
            mses = ridges.map { r -> Double in
                let lambda = r * scale
                let coef = Tensor(zip(e, proj).map { $1 / ($0 + lambda) })
                return meanSquaredError(Tensor.matvec(pv, coef) + ym, validationLabels)
            }
        case .kernelMatched:
            mses = ridges.map { meanSquaredError(Tensor.matvec(phiVal, eigenWeights($0 * scale)) + ym, validationLabels) }
        }
        var best = 0
        for k in mses.indices where mses[k] <= mses[best] { best = k }
        let lambda = ridges[best] * scale
        switch mode {
        case .centred:
            var reg = a.copy()
            reg.withUnsafeMutablePointer { p in for i in 0..<m { p[i * m + i] += lambda } }
            do { weights = try Linalg.choleskySolve(reg, b) } catch {
                // A (numerically) singular ΦᵀΦ at a tiny ridge: the eigen route is stable there.
                weights = eigenWeights(lambda)
            }
        case .kernelMatched:
            weights = eigenWeights(lambda)
        }
        self.mode = mode; labelMean = ym; featureMean = mu
        ridge = ridges[best]; self.ridges = ridges; validationMSEs = mses; validationMSE = mses[best]
    }

    /// Predictions for features [N, M].
    public func predict(_ features: Tensor<Double>) -> Tensor<Double> {
        Tensor.matvec(featureMean.map { features - $0 } ?? features, weights) + labelMean
    }

    /// Whether the chosen ridge is at an end of the grid (the tuning range may be too narrow).
    public var ridgeAtGridEdge: Bool { ridge == ridges.first || ridge == ridges.last }
}
