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
        let best = Self.bestIndex(mses)
        let lambda = ridges[best] * scale
        switch mode {
        case .centred:
            weights = Self.centredWeights(gram: a, moment: b, lambda: lambda, eigenWeights: eigenWeights)
        case .kernelMatched:
            weights = eigenWeights(lambda)
        }
        self.mode = mode; labelMean = ym; featureMean = mu
        ridge = ridges[best]; self.ridges = ridges; validationMSEs = mses; validationMSE = mses[best]
    }

    /// The smallest validation MSE, ties going to the larger ridge (the later index).
    static func bestIndex(_ mses: [Double]) -> Int {
        var best = 0
        for k in mses.indices where mses[k] <= mses[best] { best = k }
        return best
    }

    /// The ``Mode/centred`` weights of one ridge: (A + λI)⁻¹b by Cholesky, by the eigen route if
    /// A + λI does not factor (a numerically singular A at a tiny ridge: the eigen route is
    /// stable there).
    static func centredWeights(gram a: Tensor<Double>, moment b: Tensor<Double>, lambda: Double,
                               eigenWeights: (Double) -> Tensor<Double>) -> Tensor<Double> {
        let m = a.shape[0]
        var reg = a.copy()
        reg.withUnsafeMutablePointer { p in for i in 0..<m { p[i * m + i] += lambda } }
        do { return try Linalg.choleskySolve(reg, b) } catch { return eigenWeights(lambda) }
    }

    /// The centred normal equations of a ridge on features Φ [n, M] — Φ_cᵀΦ_c and Φ_cᵀ(y − ȳ)
    /// with Φ_c = Φ − 1μᵀ — accumulated by a caller that never holds Φ (row blocks formed on
    /// the fly; see ``init(normalEquations:validationBlocks:ridges:)``).
    public struct NormalEquations: Sendable {
        /// Φ_cᵀΦ_c [M, M].
        public var gram: Tensor<Double>
        /// Φ_cᵀ(y − ȳ) [M].
        public var moment: Tensor<Double>
        /// μ, the training mean of the features [M].
        public var featureMean: Tensor<Double>
        public var labelMean: Double
        /// n, the number of training rows (the ridge scale is tr(Φ_cᵀΦ_c)/n).
        public var count: Int
        public init(gram: Tensor<Double>, moment: Tensor<Double>, featureMean: Tensor<Double>, labelMean: Double, count: Int) {
            precondition(gram.rank == 2 && gram.shape[0] == gram.shape[1] && moment.shape == [gram.shape[0]] && featureMean.shape == moment.shape,
                         "FeatureRidge.NormalEquations: gram \(gram.shape), moment \(moment.shape), mean \(featureMean.shape)")
            self.gram = gram; self.moment = moment; self.featureMean = featureMean; self.labelMean = labelMean; self.count = count
        }

        /// Accumulates the normal equations over `count` rows, `blockRows` at a time, in two
        /// passes (the mean first, then the centred products, so that nothing cancels):
        /// `block(range)` returns the features of those rows [r, M]; every block is formed twice
        /// and dropped, so the peak is one block and the M×M products.
        public static func accumulate(count n: Int, labels y: Tensor<Double>, blockRows: Int,
                                      block: (Range<Int>) throws -> Tensor<Double>) throws -> NormalEquations {
            precondition(n >= 1 && y.shape == [n] && blockRows >= 1, "FeatureRidge.NormalEquations.accumulate: \(n) rows, labels \(y.shape)")
            let ranges = stride(from: 0, to: n, by: blockRows).map { $0..<Swift.min($0 + blockRows, n) }
            var sum: Tensor<Double>? = nil
            for r in ranges {
                let s = try block(r).sum(axes: [0])
                sum = sum.map { $0 + s } ?? s
            }
            let mu = sum! / Double(n)
            let m = mu.shape[0]
            let (yc, ym) = KernelRidge.centred(y)
            var gram = Tensor<Double>(shape: [m, m]), moment = Tensor<Double>(shape: [m, 1])
            for r in ranges {
                let f = try block(r) - mu
                Tensor.syrk(f, beta: 1, into: &gram)
                Tensor.gemm(f, yc.rows(r).reshaped([-1, 1]), transposeA: true, beta: 1, into: &moment)
            }
            gram.mirrorUpperTriangle()
            return NormalEquations(gram: gram, moment: moment.reshaped([m]), featureMean: mu, labelMean: ym, count: n)
        }
    }

    /// The ``Mode/centred`` ridge from normal equations accumulated elsewhere, for features too
    /// many to hold: the same estimator as ``init(features:labels:validationFeatures:validationLabels:ridges:mode:)``
    /// in mode `.centred` (same scale, grid, tie rule and final Cholesky solve), equal to it up to
    /// rounding. `validationBlocks` calls its argument once per block of validation rows with
    /// their (uncentred) features and labels; every ridge is scored on each block at once
    /// ((Φ_val,b − μ)·V times the [M, ridges] matrix of eigen-coefficients: one gemm per block).
    public init(normalEquations eq: NormalEquations,
                validationBlocks: ((_ features: Tensor<Double>, _ labels: Tensor<Double>) throws -> Void) throws -> Void,
                ridges: [Double] = FeatureRidge.defaultRidges) throws {
        precondition(!ridges.isEmpty && ridges.allSatisfy { $0 > 0 }, "FeatureRidge: ridges must be positive")
        let a = eq.gram, b = eq.moment, m = a.shape[0], n = eq.count
        var trace = 0.0
        a.withUnsafePointer { p in for i in 0..<m { trace += p[i * m + i] } }
        let scale = trace > 0 && trace.isFinite ? trace / Double(n) : 1
        let (w, v) = try Linalg.eigh(a)
        let e = w.scalars.map { Swift.max($0, 0) }
        let proj = Tensor.matvec(v, b, transpose: true).scalars
        func eigenWeights(_ lambda: Double) -> Tensor<Double> { Tensor.matvec(v, Tensor(zip(e, proj).map { $1 / ($0 + lambda) })) }
        // coef[i, r] = (Vᵀb)_i / (e_i + λ_r s)
        var coefScalars = [Double](repeating: 0, count: m * ridges.count)
        for i in 0..<m { for (r, ridge) in ridges.enumerated() { coefScalars[i * ridges.count + r] = proj[i] / (e[i] + ridge * scale) } }
        let coef = Tensor(coefScalars).reshaped([m, ridges.count])
        var sse = [Double](repeating: 0, count: ridges.count), rows = 0
        try validationBlocks { features, labels in
            precondition(features.rank == 2 && features.shape[1] == m && labels.shape == [features.shape[0]],
                         "FeatureRidge: validation block \(features.shape), labels \(labels.shape)")
            let pred = Tensor.matmul(Tensor.matmul(features - eq.featureMean, v), coef).scalars   // [rows, ridges]
            let ys = labels.scalars, k = ridges.count
            for j in 0..<ys.count { for r in 0..<k { let dv = pred[j * k + r] + eq.labelMean - ys[j]; sse[r] += dv * dv } }
            rows += ys.count
        }
        guard n >= 1, rows >= 1 else { throw EmptySplit(trainCount: n, validationCount: rows) }
        let mses = sse.map { $0 / Double(rows) }
        let best = Self.bestIndex(mses)
        weights = Self.centredWeights(gram: a, moment: b, lambda: ridges[best] * scale, eigenWeights: eigenWeights)
        mode = .centred; labelMean = eq.labelMean; featureMean = eq.featureMean
        ridge = ridges[best]; self.ridges = ridges; validationMSEs = mses; validationMSE = mses[best]
    }

    /// The same predictor on other coordinates: when the features this ridge was fitted on are
    /// Z = Q·F (Q [n, K], F [K, M]), the predictor on Q, with weights F·w and feature mean μ_Q
    /// (μ_Z = μ_Q·F, so (Z − μ_Z)·w = (Q − μ_Q)·F·w). Lets a caller fit on a small basis of a
    /// feature space and predict from the cheaper coordinates without forming Z.
    public func pulledBack(through factor: Tensor<Double>, featureMean inputMean: Tensor<Double>) -> FeatureRidge {
        precondition(factor.rank == 2 && factor.shape[1] == weights.shape[0] && inputMean.shape == [factor.shape[0]],
                     "FeatureRidge.pulledBack: factor \(factor.shape), weights \(weights.shape), mean \(inputMean.shape)")
        return FeatureRidge(mode: mode, weights: Tensor.matvec(factor, weights), labelMean: labelMean, featureMean: inputMean, ridge: ridge,
                            ridges: ridges, validationMSEs: validationMSEs, validationMSE: validationMSE)
    }

    private init(mode: Mode, weights: Tensor<Double>, labelMean: Double, featureMean: Tensor<Double>?, ridge: Double, ridges: [Double],
                 validationMSEs: [Double], validationMSE: Double) {
        self.mode = mode; self.weights = weights; self.labelMean = labelMean; self.featureMean = featureMean
        self.ridge = ridge; self.ridges = ridges; self.validationMSEs = validationMSEs; self.validationMSE = validationMSE
    }

    /// Predictions for features [N, M].
    public func predict(_ features: Tensor<Double>) -> Tensor<Double> {
        Tensor.matvec(featureMean.map { features - $0 } ?? features, weights) + labelMean
    }

    /// Whether the chosen ridge is at an end of the grid (the tuning range may be too narrow).
    public var ridgeAtGridEdge: Bool { ridge == ridges.first || ridge == ridges.last }
}
