import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// The outcome of a validation-tuned ridge regression (kernel or random features).
public struct RegressionReport: Sendable {
    /// The kernel or feature map, with its options.
    public let method: String
    /// The chosen relative ridge (see ``KernelRidge``).
    public let ridge: Double
    public let ridges: [Double]
    public let validationMSEs: [Double]
    public let trainMSE: Double
    public let validationMSE: Double
    public let testMSE: Double
    /// Test MSE / Var(test labels): 1 is the constant predictor, 0 perfect.
    public let normalizedTestMSE: Double
    public let testPredictions: Tensor<Double>
}

/// Kernel ridge regression on data sets: K(train, train) and the cross-kernels are computed in
/// tiles, the ridge is tuned on the validation set by the eigen route, and the chosen ridge is
/// solved by Cholesky.
public enum KernelRegression {
    /// Doubles a fit on n training, v validation and t test samples holds at its peak: K, the
    /// eigenvectors and eigh's two working copies (4n²), the cross-kernels, and K_val·V.
    public static func memoryNeeded(train n: Int, validation v: Int, test t: Int) -> Int {
        let nn = MemoryBudget.product(n, n)
        return MemoryBudget.doubles(nn, nn, nn, nn, MemoryBudget.product(2 &* v, n), MemoryBudget.product(t, n))
    }

    public static func fit(_ kernel: any Kernel, train: Dataset<Double>, validation: Dataset<Double>, test: Dataset<Double>,
                           ridges: [Double] = KernelRidge.defaultRidges, tiling: Tiling = Tiling()) throws -> RegressionReport {
        try checkSplits(kernel.name, train: train, validation: validation, ridges: ridges)
        try tiling.memory.require(memoryNeeded(train: train.count, validation: validation.count, test: test.count),
                                  for: "kernel ridge regression with \(kernel.name) on \(train.count) training samples")
        let k = try kernel.gram(train.inputs, tiling: tiling)
        let kv = try kernel.matrix(validation.inputs, train.inputs, tiling: tiling)
        let (fit, mses) = try KernelRidge.tune(gram: k, labels: train.labels, validationCross: kv,
                                               validationLabels: validation.labels, ridges: ridges)
        let kt = try kernel.matrix(test.inputs, train.inputs, tiling: tiling)
        let testPred = fit.predict(cross: kt)
        return report(kernel.name, fit.ridge, ridges, mses,
                      train: meanSquaredError(fit.predict(cross: k), train.labels),
                      validation: meanSquaredError(fit.predict(cross: kv), validation.labels),
                      testPred: testPred, testLabels: test.labels)
    }

    /// Kernel ridge regression at one given relative ridge (``KernelRidge``'s convention), no
    /// tuning: what a learning curve at a prescribed ridge λ(P) needs (Tomasini et al. 2022 fix λ
    /// and vary P). Cholesky, falling back to the eigen route if K + λI does not factor (a tiny
    /// "ridgeless" λ on a numerically singular K). The validation split may be empty (its MSE is
    /// then NaN); it is only scored.
    public static func fit(_ kernel: any Kernel, train: Dataset<Double>, validation: Dataset<Double>, test: Dataset<Double>,
                           fixedRidge ridge: Double, tiling: Tiling = Tiling()) throws -> RegressionReport {
        guard train.count >= 1 else {
            throw KernelError.invalidOption(kernel: kernel.name, option: "training set size", allowed: "≥ 1", got: "0")
        }
        guard ridge > 0, ridge.isFinite else {
            throw KernelError.invalidOption(kernel: kernel.name, option: "ridge", allowed: "a positive number", got: "\(ridge)")
        }
        // K and one working copy for the factorisation (the eigen fallback's four copies are the
        // rare case), and the cross-kernels.
        let nn = MemoryBudget.product(train.count, train.count)
        try tiling.memory.require(MemoryBudget.doubles(nn, nn, MemoryBudget.product(validation.count, train.count), MemoryBudget.product(test.count, train.count)),
                                  for: "kernel ridge regression with \(kernel.name) on \(train.count) training samples")
        let k = try kernel.gram(train.inputs, tiling: tiling)
        let alpha: Tensor<Double>
        do {
            alpha = try KernelRidge.choleskyCoefficients(gram: k, labels: train.labels, ridge: ridge)
        } catch is LinalgError {
            alpha = try KernelRidge.Spectrum(gram: k, labels: train.labels).coefficients(ridge: ridge)
        }
        let fit = KernelRidge.Fit(ridge: ridge, coefficients: alpha, labelMean: train.labels.count > 0 ? train.labels.mean().scalar : 0)
        let validationMSE: Double = validation.count > 0
            ? meanSquaredError(fit.predict(cross: try kernel.matrix(validation.inputs, train.inputs, tiling: tiling)), validation.labels) : .nan
        let testPred = fit.predict(cross: try kernel.matrix(test.inputs, train.inputs, tiling: tiling))
        return report(kernel.name, ridge, [ridge], [validationMSE], train: meanSquaredError(fit.predict(cross: k), train.labels),
                      validation: validationMSE, testPred: testPred, testLabels: test.labels)
    }

    static func checkSplits(_ name: String, train: Dataset<Double>, validation: Dataset<Double>, ridges: [Double]) throws {
        guard train.count >= 1 else {
            throw KernelError.invalidOption(kernel: name, option: "training set size", allowed: "≥ 1", got: "0")
        }
        guard !ridges.isEmpty, ridges.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw KernelError.invalidOption(kernel: name, option: "ridges", allowed: "a non-empty list of positive numbers", got: "\(ridges)")
        }
        guard validation.count >= 1 else {
            throw KernelError.invalidOption(kernel: name, option: "validation set size", allowed: "≥ 1 (the ridge is tuned on it)", got: "0")
        }
    }

    static func report(_ method: String, _ ridge: Double, _ ridges: [Double], _ mses: [Double], train: Double, validation: Double,
                       testPred: Tensor<Double>, testLabels: Tensor<Double>) -> RegressionReport {
        let testMSE = meanSquaredError(testPred, testLabels)
        let v = populationVariance(testLabels)
        return RegressionReport(method: method, ridge: ridge, ridges: ridges, validationMSEs: mses, trainMSE: train,
                                validationMSE: validation, testMSE: testMSE, normalizedTestMSE: v > 0 ? testMSE / v : .nan,
                                testPredictions: testPred)
    }
}
