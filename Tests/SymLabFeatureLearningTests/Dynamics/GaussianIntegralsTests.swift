import Foundation
import SymLabFeatureLearning
import SymLabModels
import SymLabNumerics
import Testing

/// Every closed form against a Monte Carlo average over 4·10⁵ correlated Gaussian draws (fixed
/// seed), at covariances with strong and weak correlations; the tolerance is 5 standard errors.
@Suite struct GaussianIntegralsTests {
    static let samples = 400_000

    /// g and g′ written out independently of the closed forms.
    static func g(_ a: Activation, _ z: Double) -> Double {
        switch a {
        case .erf: erf(z / 2.0.squareRoot())
        case .relu: Swift.max(z, 0)
        default: z
        }
    }
    static func dg(_ a: Activation, _ z: Double) -> Double {
        switch a {
        case .erf: (2 / Double.pi).squareRoot() * exp(-z * z / 2)
        case .relu: z > 0 ? 1 : 0
        default: 1
        }
    }

    /// Mean and standard error of f(x) for x ~ N(0, c), c given by its rows.
    static func monteCarlo(_ c: [[Double]], seed: UInt64, _ f: ([Double]) -> Double) -> (mean: Double, error: Double) {
        let n = c.count
        let l = try! Linalg.cholesky(Tensor<Double>(shape: [n, n], scalars: c.flatMap { $0 }))
        var rng = RandomStream(seed: seed)
        var sum = 0.0, sumSq = 0.0, z = [Double](repeating: 0, count: n), x = z
        for _ in 0..<samples {
            for i in 0..<n { z[i] = rng.normal() }
            for i in 0..<n { x[i] = (0...i).reduce(0) { $0 + l[i, $1] * z[$1] } }
            let v = f(x)
            sum += v; sumSq += v * v
        }
        let mean = sum / Double(samples)
        return (mean, ((sumSq / Double(samples) - mean * mean) / Double(samples)).squareRoot())
    }

    static let covariance3: [[Double]] = [[1.2, 0.5, -0.4], [0.5, 0.9, 0.3], [-0.4, 0.3, 0.7]]
    static let covariance4: [[Double]] = [[1.0, 0.3, 0.5, -0.2], [0.3, 0.8, 0.1, 0.4], [0.5, 0.1, 1.1, 0.35], [-0.2, 0.4, 0.35, 0.9]]

    @Test(arguments: [Activation.erf, .relu, .identity])
    func i2AndJ2MatchMonteCarlo(_ a: Activation) {
        for (k, (c11, c12, c22)) in [(1.0, 0.6, 0.5), (2.0, -1.2, 1.5), (0.3, 0.01, 0.8)].enumerated() {
            let c = [[c11, c12], [c12, c22]]
            let i2 = Self.monteCarlo(c, seed: UInt64(10 + k)) { Self.g(a, $0[0]) * Self.g(a, $0[1]) }
            #expect(Swift.abs(GaussianIntegrals.i2(a, c11, c12, c22) - i2.mean) < 5 * i2.error + 1e-12, "\(a) I2 at \(c)")
            let j2 = Self.monteCarlo(c, seed: UInt64(20 + k)) { Self.dg(a, $0[0]) * Self.dg(a, $0[1]) }
            #expect(Swift.abs(GaussianIntegrals.j2(a, c11, c12, c22) - j2.mean) < 5 * j2.error + 1e-12, "\(a) J2 at \(c)")
        }
    }

    /// The autoencoder's J, A and B (Refinetti & Goldt's ODE), at a strongly and a weakly correlated pair.
    @Test(arguments: [Activation.erf, .relu, .identity])
    func autoencoderIntegralsMatchMonteCarlo(_ a: Activation) {
        for (k, (c11, c12, c22)) in [(1.4, 0.7, 0.6), (0.2, -0.05, 1.3)].enumerated() {
            let c = [[c11, c12], [c12, c22]]
            let j = Self.monteCarlo(c, seed: UInt64(50 + k)) { $0[0] * Self.g(a, $0[0]) / c11 }
            #expect(Swift.abs(GaussianIntegrals.j(a, c11) - j.mean) < 5 * j.error + 1e-12, "\(a) J at \(c)")
            let am = Self.monteCarlo(c, seed: UInt64(60 + k)) { Self.dg(a, $0[0]) * $0[0] * $0[1] }
            #expect(Swift.abs(GaussianIntegrals.a(a, c11, c12, c22) - am.mean) < 5 * am.error + 1e-12, "\(a) A at \(c): \(GaussianIntegrals.a(a, c11, c12, c22)) vs \(am.mean)")
            let bm = Self.monteCarlo(c, seed: UInt64(70 + k)) { Self.dg(a, $0[0]) * $0[1] * $0[1] }
            #expect(Swift.abs(GaussianIntegrals.b(a, c11, c12, c22) - bm.mean) < 5 * bm.error + 1e-12, "\(a) B at \(c): \(GaussianIntegrals.b(a, c11, c12, c22)) vs \(bm.mean)")
        }
    }

    @Test(arguments: [Activation.erf, .relu, .identity])
    func i3MatchesMonteCarlo(_ a: Activation) {
        let c = Self.covariance3
        let mc = Self.monteCarlo(c, seed: 30) { Self.dg(a, $0[0]) * $0[1] * Self.g(a, $0[2]) }
        #expect(Swift.abs(GaussianIntegrals.i3(a, c) - mc.mean) < 5 * mc.error, "\(a): \(GaussianIntegrals.i3(a, c)) vs \(mc.mean) ± \(mc.error)")
        // The diagonal case the ODEs use most: x₁ = x₂ = x₃ (a rank-1 covariance, no Cholesky).
        let v = 1.3, same = [[v, v, v], [v, v, v], [v, v, v]]
        var rng = RandomStream(seed: 31)
        var sum = 0.0
        for _ in 0..<Self.samples { let x = v.squareRoot() * rng.normal(); sum += Self.dg(a, x) * x * Self.g(a, x) }
        #expect(Swift.abs(GaussianIntegrals.i3(a, same) - sum / Double(Self.samples)) < 0.01)
    }

    @Test(arguments: [Activation.erf, .identity])
    func i4MatchesMonteCarlo(_ a: Activation) {
        let c = Self.covariance4
        let mc = Self.monteCarlo(c, seed: 40) { x in
            Self.dg(a, x[0]) * Self.dg(a, x[1]) * Self.g(a, x[2]) * Self.g(a, x[3])
        }
        #expect(Swift.abs(GaussianIntegrals.i4(a, c) - mc.mean) < 5 * mc.error, "\(GaussianIntegrals.i4(a, c)) vs \(mc.mean) ± \(mc.error)")
        #expect(GaussianIntegrals.supportsI4(a) && !GaussianIntegrals.supportsI4(.relu))
    }

    /// The ReLU I₂ on the diagonal is E[relu(x)²] = Var/2 — the value the authors' code halves.
    @Test func reluI2OnTheDiagonalIsHalfTheVariance() {
        #expect(Swift.abs(GaussianIntegrals.i2(.relu, 1.7, 1.7, 1.7) - 0.85) < 1e-12)
        #expect(Swift.abs(GaussianIntegrals.i2(.erf, 1, 1, 1) - 2 / Double.pi * asin(0.5)) < 1e-15)
    }
}
