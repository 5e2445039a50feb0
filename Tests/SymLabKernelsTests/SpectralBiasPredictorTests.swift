import Foundation
import SymLabCore
import SymLabKernels
import SymLabNumerics
import Testing

/// A kernel on the circle with a closed-form spectrum: k(θ, θ′) = Σ_{k=1}^{K} λ_k·2cos(k(θ − θ′)),
/// whose eigenfunctions under θ ~ U[0, 2π) are √2·cos(kθ), √2·sin(kθ) with eigenvalue λ_k each.
/// A KRR fit's test error is then exact, Σ_m (a_m − c_m)², with no test sample.
private struct CircleKernel {
    let lambdas: [Double]   // λ_k, k = 1…K
    /// Features φ_m(θ) for m = 0…2K−1: cos for even m, sin for odd, frequency m/2 + 1.
    func features(_ theta: Double) -> [Double] {
        lambdas.indices.flatMap { k in [Double(2).squareRoot() * cos(Double(k + 1) * theta), Double(2).squareRoot() * sin(Double(k + 1) * theta)] }
    }
    var modeEigenvalues: [Double] { lambdas.flatMap { [$0, $0] } }
    func gram(_ a: [Double], _ b: [Double]) -> Tensor<Double> {
        var g = Tensor<Double>(shape: [a.count, b.count])
        g.withUnsafeMutablePointer { p in
            for i in a.indices { for j in b.indices {
                var s = 0.0
                for (k, l) in lambdas.enumerated() { s += 2 * l * cos(Double(k + 1) * (a[i] - b[j])) }
                p[i * b.count + j] = s
            } }
        }
        return g
    }
}

@Suite struct SpectralBiasPredictorTests {
    /// κ solves κ = λ/P + (κ/P)·Σ λ_ρ/(λ_ρ + κ); on a flat spectrum (R equal eigenvalues e) that
    /// is the quadratic Pκ² + (Pe − λ − Re)κ − λe = 0, and at λ = 0, κ = e(R − P)/P.
    @Test func effectiveRidgeIsTheFixedPoint() throws {
        let power = SpectralBiasPredictor(eigenvalues: (1...300).map { pow(Double($0), -2) }, coefficientsSquared: [Double](repeating: 1.0 / 300, count: 300))
        for (p, ridge) in [(30, 0.05), (100, 1e-6), (10, 3.0)] {
            let k = try #require(power.effectiveRidge(trainingSize: p, ridge: ridge))
            let rhs = ridge / Double(p) + k / Double(p) * power.eigenvalues.reduce(0) { $0 + $1 / ($1 + k) }
            #expect(abs(k - rhs) <= 1e-12 * k, "P = \(p), λ = \(ridge): κ = \(k), right-hand side \(rhs)")
        }
        let e = 0.3, r = 50
        let flat = SpectralBiasPredictor(eigenvalues: [Double](repeating: e, count: r), coefficientsSquared: [Double](repeating: 0.02, count: r))
        for (p, ridge) in [(20, 0.7), (80, 0.01)] {
            let pd = Double(p), b = pd * e - ridge - Double(r) * e
            let exact = (-b + (b * b + 4 * pd * ridge * e).squareRoot()) / (2 * pd)
            let k = try #require(flat.effectiveRidge(trainingSize: p, ridge: ridge))
            #expect(abs(k - exact) <= 1e-10 * exact, "flat spectrum, P = \(p), λ = \(ridge): κ = \(k), closed form \(exact)")
        }
        let ridgeless = try #require(flat.effectiveRidge(trainingSize: 20, ridge: 0))
        #expect(abs(ridgeless - e * Double(r - 20) / 20) <= 1e-10 * ridgeless)
        // No ridge and at least as many samples as modes: no prediction.
        #expect(flat.effectiveRidge(trainingSize: r, ridge: 0) == nil)
        #expect(flat.predict(trainingSize: r, ridge: 0).testMSE.isNaN)
        // A large ridge barely moves: κ → λ/P, and the error tends to the target's power.
        let big = flat.predict(trainingSize: 10, ridge: 1e6)
        #expect(abs(big.kappa / (1e6 / 10) - 1) < 1e-4 && abs(big.testMSE - 1) < 1e-3)
    }

    /// KRR with a finite-rank kernel k(x, x′) = Σ_ρ λ_ρ x_ρ x′_ρ on Gaussian x ∈ R^R (eigenfunctions
    /// x_ρ, eigenvalues λ_ρ = ρ^{−1.5} in closed form; the Gaussian design where the theory is
    /// asymptotically exact), averaged over draws of the training set, against the prediction at
    /// a small ridge (over-fitting factor E₀ ≈ 2) and a moderate one. The test error is exact,
    /// Σ_ρ (a_ρ − c_ρ)², with no test sample. P = 48 < R = 128: within a few per cent here (checked
    /// against an independent numpy simulation); dropping E₀ would be off by a factor 2.
    @Test func predictsAveragedKRRErrorOnAFiniteRankKernel() throws {
        let r = 128, p = 48, draws = 60
        let lambdas = (1...r).map { pow(Double($0), -1.5) }
        var c = (1...r).map { pow(Double($0), -0.5) }
        let norm = c.reduce(0) { $0 + $1 * $1 }.squareRoot()
        c = c.map { $0 / norm }
        let predictor = SpectralBiasPredictor(eigenvalues: lambdas, coefficientsSquared: c.map { $0 * $0 })
        for ridge in [1e-4, 0.5] {
            var mean = 0.0
            var rng = RandomStream(seed: 11)
            for _ in 0..<draws {
                let x: Tensor<Double> = rng.normal([p, r])
                let y = Tensor.matvec(x, Tensor(shape: [r], scalars: c))
                var scaled = x
                scaled.withUnsafeMutablePointer { q in for i in 0..<p { for k in 0..<r { q[i * r + k] *= lambdas[k] } } }
                var g = Tensor.matmul(scaled, x, transposeB: true)
                g.withUnsafeMutablePointer { q in for i in 0..<p { q[i * p + i] += ridge } }
                let alpha = try Linalg.choleskySolve(g, y)
                // a_ρ = λ_ρ Σ_i α_i x_iρ; error = Σ_ρ (a_ρ − c_ρ)².
                let a = Tensor.matvec(scaled, alpha, transpose: true).scalars
                mean += zip(a, c).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(draws)
            }
            let predicted = predictor.predict(trainingSize: p, ridge: ridge)
            #expect(abs(mean / predicted.testMSE - 1) < 0.08,
                    "λ = \(ridge): averaged KRR test MSE \(mean), predicted \(predicted.testMSE) (E₀ = \(predicted.overfitting))")
            if ridge < 1e-3 { #expect(predicted.overfitting > 1.8, "the small ridge must exercise the over-fitting factor") }
        }
    }

    /// The Nyström estimate from samples: top eigenvalues of the circle kernel near their closed
    /// form, Σ c_ρ² = mean(y²) exactly.
    @Test func nystromEstimateFromAGramMatrix() throws {
        let kernel = CircleKernel(lambdas: (1...16).map { pow(Double($0), -2) })
        var rng = RandomStream(seed: 5)
        let m = 400
        let theta = (0..<m).map { _ in rng.uniform(0, 2 * Double.pi) }
        let y = Tensor(shape: [m], scalars: theta.map { Double(2).squareRoot() * cos($0) })
        let est = try SpectralBiasPredictor(gram: kernel.gram(theta, theta), targets: y)
        // The top pair (λ = 1) and the next pair (λ = 1/4).
        #expect(abs(est.eigenvalues[0] - 1) < 0.2 && abs(est.eigenvalues[1] - 1) < 0.2)
        #expect(abs(est.eigenvalues[2] - 0.25) < 0.05)
        let power = y.scalars.reduce(0) { $0 + $1 * $1 } / Double(m)
        #expect(abs(est.coefficientsSquared.reduce(0, +) - power) < 1e-10)
        // The target is the top pair's cos mode: almost all its power in the first two.
        #expect(est.coefficientsSquared[0] + est.coefficientsSquared[1] > 0.95 * power)
    }
}
