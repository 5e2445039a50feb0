import Foundation
import SymLabNumerics

/// The spectral-bias (eigenlearning, replica) prediction of kernel ridge regression's test error
/// from the kernel's spectrum under the data distribution and the target's coefficients in its
/// eigenbasis (Bordelon, Canatar, Pehlevan 2020; Canatar et al. 2021; Jacot et al. 2020; Simon et
/// al. 2021 "eigenlearning"). It is the theory whose validity Tomasini, Sclocchi and Wyart (ICML
/// 2022) test on the depleted stripe model, so it lives in one place and is used by the
/// `kernel-spectrum` scheme, the `tomasini-laplace` figure and its tests alike.
///
/// Conventions (state them, because the literature mixes them):
/// - The KRR it predicts solves (K + λ·I)α = y on P samples, with K the Gram matrix of kernel
///   values (the sum-loss convention, Σ_i (f(x_i) − y_i)² + λ‖f‖²; Tomasini et al.'s eq. (2)).
///   In the units of the integral operator (Tf)(x) = E_x′[k(x, x′) f(x′)] this is the ridge λ/P.
/// - Operator eigenvalues λ_ρ and coefficients c_ρ = E[f φ_ρ] with E[φ_ρ φ_σ] = δ_ρσ.
/// - Effective ridge κ > 0: κ = λ/P + (κ/P)·Σ_ρ λ_ρ/(λ_ρ + κ).
/// - Predicted test MSE (noise-free target): E₀ · Σ_ρ (κ/(λ_ρ + κ))² c_ρ², with the
///   over-fitting factor E₀ = 1/(1 − (1/P)·Σ_ρ λ_ρ²/(λ_ρ + κ)²).
///
/// From a sample (``init(gram:targets:)``): the Nyström estimate on M points drawn from the data
/// distribution, λ_ρ ≈ e_ρ/M for the Gram eigenvalues e_ρ, φ_ρ(x_i) ≈ √M·u_ρi, so c_ρ ≈ u_ρᵀy/√M
/// and Σ_ρ c_ρ² = mean(y²) exactly. Modes beyond M are folded into the sample's smallest ones, so
/// a prediction is trustworthy only while κ is well above the smallest estimated eigenvalues:
/// ``Prediction/learnedModes`` (Σ λ_ρ/(λ_ρ+κ), about the number of modes KRR fits) is reported
/// so a caller can stay far below M.
public struct SpectralBiasPredictor: Sendable {
    /// Operator eigenvalues, non-increasing, ≥ 0.
    public let eigenvalues: [Double]
    /// c_ρ², in the order of ``eigenvalues``.
    public let coefficientsSquared: [Double]

    public init(eigenvalues: [Double], coefficientsSquared: [Double]) {
        precondition(eigenvalues.count == coefficientsSquared.count, "SpectralBiasPredictor: \(eigenvalues.count) eigenvalues, \(coefficientsSquared.count) coefficients")
        let order = eigenvalues.indices.sorted { eigenvalues[$0] > eigenvalues[$1] }
        self.eigenvalues = order.map { Swift.max(eigenvalues[$0], 0) }
        self.coefficientsSquared = order.map { coefficientsSquared[$0] }
    }

    /// The Nyström estimate from the Gram matrix K [M, M] of M samples of the data distribution
    /// and the target's values y [M] there (one eigendecomposition, O(M³)).
    public init(gram: Tensor<Double>, targets: Tensor<Double>) throws {
        let m = gram.shape[0]
        precondition(targets.count == m, "SpectralBiasPredictor: \(targets.count) targets for a \(m)×\(m) Gram matrix")
        let (w, v) = try Linalg.eigh(gram)
        let projected = Tensor.matvec(v, targets, transpose: true).scalars
        self.init(eigenvalues: w.scalars.map { $0 / Double(m) }, coefficientsSquared: projected.map { $0 * $0 / Double(m) })
    }

    public struct Prediction: Sendable, Equatable {
        /// The effective ridge κ (operator units).
        public var kappa: Double
        /// The predicted test MSE (NaN if the prediction does not exist: ridge 0 with P ≥ the
        /// number of positive eigenvalues).
        public var testMSE: Double
        /// Σ_ρ λ_ρ/(λ_ρ + κ) = P − λ/κ: the number of modes fitted.
        public var learnedModes: Double
        /// E₀ = 1/(1 − (1/P)·Σ_ρ λ_ρ²/(λ_ρ + κ)²).
        public var overfitting: Double
    }

    /// κ for P training samples and KRR ridge λ ≥ 0 (see the conventions above): the root of the
    /// decreasing function F(κ) = λ/κ + Σ_ρ λ_ρ/(λ_ρ + κ) − P, by bisection on log κ between
    /// bounds where F changes sign (F((λ + Σλ_ρ)/P) ≤ 0 < F(λ/P)). nil when there is no root
    /// (λ = 0 and P ≥ the number of positive eigenvalues).
    public func effectiveRidge(trainingSize p: Int, ridge: Double) -> Double? {
        precondition(p >= 1 && ridge >= 0 && ridge.isFinite, "SpectralBiasPredictor: P = \(p), ridge = \(ridge)")
        let pd = Double(p)
        func f(_ k: Double) -> Double {
            var s = ridge / k
            for l in eigenvalues where l > 0 { s += l / (l + k) }
            return s - pd
        }
        let total = eigenvalues.reduce(0, +)
        var hi = (ridge + total) / pd
        var lo: Double
        if ridge > 0 {
            lo = ridge / pd
        } else {
            guard eigenvalues.filter({ $0 > 0 }).count > p else { return nil }
            lo = hi
            while f(lo) <= 0 { lo /= 16; if lo < Double.leastNormalMagnitude * 1e10 { return nil } }
        }
        guard hi > 0 else { return nil }
        if f(hi) > 0 { hi *= 2 }   // round-off at the bound
        for _ in 0..<200 {
            let mid = (lo * hi).squareRoot()
            if mid <= lo || mid >= hi { break }
            if f(mid) > 0 { lo = mid } else { hi = mid }
        }
        return (lo * hi).squareRoot()
    }

    /// The predicted test MSE of KRR with ridge λ on P samples (noise-free target).
    public func predict(trainingSize p: Int, ridge: Double) -> Prediction {
        guard let k = effectiveRidge(trainingSize: p, ridge: ridge) else {
            return Prediction(kappa: 0, testMSE: .nan, learnedModes: Double(eigenvalues.filter { $0 > 0 }.count), overfitting: .infinity)
        }
        var learned = 0.0, gamma = 0.0, bias = 0.0
        for (l, c2) in zip(eigenvalues, coefficientsSquared) {
            let a = l / (l + k)
            learned += a
            gamma += a * a
            bias += (1 - a) * (1 - a) * c2
        }
        let e0 = 1 / (1 - gamma / Double(p))
        return Prediction(kappa: k, testMSE: e0 * bias, learnedModes: learned, overfitting: e0)
    }
}
