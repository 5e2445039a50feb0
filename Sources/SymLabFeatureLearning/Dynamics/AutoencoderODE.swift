import Foundation
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics

/// The reduced ODE of an untied autoencoder without biases trained online on spiked-Wishart
/// inputs Ω = Σ_τ ρ_τ e_τe_τᵀ (Refinetti & Goldt, ICML 2022), written per spike direction τ and
/// unit k in ω_kτ = w_k·e_τ and ν_kτ = v_k·e_τ/√D, with ρ̃_τ = ρ_τ/D = θ_τ + 1/D (O(1)):
///
/// dν_kτ/dt = η [ρ̃_τ J_k ω_kτ − Σ_a I₂(k,a) ν_aτ]
/// dω_kτ/dt = η ρ̃_τ { [(T_kk ω_kτ − R_kk ν_kτ) A_k + (Q_kk ν_kτ − R_kk ω_kτ) B_k] / (Q_kkT_kk − R_kk²)
///            − T⁰_kk I₃(k,k,k) ω_kτ / Q_kk
///            − Σ_{a≠k} T⁰_ka [(Q_aa ω_kτ − Q_ka ω_aτ) I₃(k,k,a) + (Q_kk ω_aτ − Q_ka ω_kτ) I₃(k,a,a)] / (Q_kkQ_aa − Q_ka²) }
///
/// (the two brackets regress the input's component x_τ on (λ_k, μ_k) and on (λ_k, λ_a), which
/// is exact for Gaussian inputs), with Q = Σ_τ ρ̃_τ ωωᵀ + Qᵇ, R = Σ_τ ρ̃_τ νωᵀ, T = Σ_τ ρ̃_τ ννᵀ,
/// T⁰ = Σ_τ ννᵀ + T⁰ᵇ and J, A, B, I₂, I₃ of ``GaussianIntegrals``. The bulk (ρ̃ = 1/D): the
/// decoder's bulk overlap decays, dT⁰ᵇ/dt = −η(I₂T⁰ᵇ + T⁰ᵇI₂); the encoder's moves with the
/// ω-drift at strength 1/D, dQᵇ/dt = (η/D)(αQᵇ + Qᵇαᵀ) (α the ω-coefficients above) — frozen as
/// D → ∞ at fixed t, but at D = 500 it is what lets an erf network keep shrinking Q towards the
/// linear regime after t ≈ 100 (without it the ODE stalls at ≈ 1.1 while the simulation goes on
/// down: 31 % apart at t = 500, measured); the bulk parts of R and T are O(1/D) and dropped, as
/// are the η² terms (they vanish with the η/D², η/D step sizes). Time t = steps/D.
///
/// Our derivation (the authors' code integrates the same system for the densities ωωᵀ, νωᵀ, νν
/// in lock-step with the simulation, each order parameter's increment from the *simulated* others;
/// ours is integrated open loop from the simulation's initial weights). Closed-form integrals
/// exist for erf, ReLU and the identity; tied weights and biases would need other integrals.
public struct AutoencoderODE: Sendable {
    public var activation: Activation
    /// ρ̃_τ = ρ_τ/D per spike, largest first (the order of `SpikedWishartTarget.principalDirections`).
    public var spikes: [Double]
    /// tr Ω/D.
    public var meanVariance: Double
    public var learningRate: Double
    /// ρ̃ of a bulk direction, 1/D.
    public var bulkStrength: Double

    /// The state: ω, ν (K × M), the decoder bulk T⁰ᵇ and the frozen encoder bulk Qᵇ (K × K).
    public struct State: Sendable, Equatable {
        public var omega: [[Double]], nu: [[Double]], decoderBulk: [[Double]], encoderBulk: [[Double]]
    }

    public init(activation: Activation, target: SpikedWishartTarget, learningRate: Double) {
        precondition(GaussianIntegrals.supports(activation), "AutoencoderODE: no closed-form integrals for \(activation) (erf, relu, identity)")
        self.activation = activation
        spikes = target.eigenvalues.map { $0 / Double(target.d) }
        meanVariance = target.meanVariance
        bulkStrength = 1 / Double(target.d)
        self.learningRate = learningRate
    }

    /// The state of an untied network without biases: its projections on the spikes and the rest.
    public static func initialState(of net: Autoencoder, target: SpikedWishartTarget) -> State {
        precondition(!net.tied && net.hiddenBias == nil && net.outputBias == nil, "AutoencoderODE: untied networks without biases only")
        let d = net.d, dd = Double(d), root = dd.squareRoot(), u = target.principalDirections
        func row(_ m: [Double], _ unit: Int) -> ArraySlice<Double> { m[(unit * d)..<((unit + 1) * d)] }
        func dot(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        let v = net.decoder!
        let omega = (0..<net.k).map { unit in u.map { dot(row(net.encoder, unit), $0[...]) } }
        let nu = (0..<net.k).map { unit in u.map { dot(row(v, unit), $0[...]) / root } }
        var qb = [[Double]](repeating: [Double](repeating: 0, count: net.k), count: net.k), tb = qb
        for a in 0..<net.k { for b in 0..<net.k {
            qb[a][b] = (dot(row(net.encoder, a), row(net.encoder, b)) - zip(omega[a], omega[b]).reduce(0) { $0 + $1.0 * $1.1 }) / dd
            tb[a][b] = dot(row(v, a), row(v, b)) / dd - zip(nu[a], nu[b]).reduce(0) { $0 + $1.0 * $1.1 }
        } }
        return State(omega: omega, nu: nu, decoderBulk: tb, encoderBulk: qb)
    }

    /// The macroscopic order parameters of a state.
    public func overlaps(_ s: State) -> AutoencoderOverlaps {
        let k = s.omega.count
        var o = AutoencoderOverlaps(k: k)
        for a in 0..<k { for b in 0..<k {
            var q = s.encoderBulk[a][b], r = 0.0, t = 0.0, t0 = s.decoderBulk[a][b]
            for (tau, rho) in spikes.enumerated() {
                q += rho * s.omega[a][tau] * s.omega[b][tau]
                r += rho * s.nu[a][tau] * s.omega[b][tau]
                t += rho * s.nu[a][tau] * s.nu[b][tau]
                t0 += s.nu[a][tau] * s.nu[b][tau]
            }
            o.q[a][b] = q; o.r[a][b] = r; o.t[a][b] = t; o.t0[a][b] = t0
        } }
        return o
    }

    /// The population test error of a state.
    public func error(_ s: State) -> Double { overlaps(s).populationError(activation, meanVariance: meanVariance) }

    /// d(state)/dt.
    public func derivative(_ s: State) -> State {
        let g = activation, eta = learningRate
        let o = overlaps(s), q = o.q, k = q.count
        let i2 = (0..<k).map { a in (0..<k).map { b in GaussianIntegrals.i2(g, q[a][a], q[a][b], q[b][b]) } }
        var ds = State(omega: s.omega.map { $0.map { _ in 0 } }, nu: s.nu.map { $0.map { _ in 0 } },
                       decoderBulk: s.decoderBulk.map { $0.map { _ in 0 } }, encoderBulk: s.encoderBulk.map { $0.map { _ in 0 } })
        // The encoder's drift along any direction τ is linear in (ω_·τ, ν_kτ):
        // dω_kτ/dt = η ρ̃_τ [Σ_a α_ka ω_aτ + β_k ν_kτ].
        var alpha = [[Double]](repeating: [Double](repeating: 0, count: k), count: k), beta = [Double](repeating: 0, count: k)
        for unit in 0..<k {
            let qkk = q[unit][unit], rkk = o.r[unit][unit], tkk = o.t[unit][unit]
            let a = GaussianIntegrals.a(g, qkk, rkk, tkk), b = GaussianIntegrals.b(g, qkk, rkk, tkk)
            let det = qkk * tkk - rkk * rkk
            let self3 = GaussianIntegrals.i3(g, [[qkk, qkk, qkk], [qkk, qkk, qkk], [qkk, qkk, qkk]])
            alpha[unit][unit] = (tkk * a - rkk * b) / det - o.t0[unit][unit] * self3 / qkk
            beta[unit] = (qkk * b - rkk * a) / det
            for other in 0..<k where other != unit {
                let qka = q[unit][other], qaa = q[other][other], pair = qkk * qaa - qka * qka
                // I₃(k,k,a) and I₃(k,a,a).
                let kka = GaussianIntegrals.i3(g, [[qkk, qkk, qka], [qkk, qkk, qka], [qka, qka, qaa]])
                let kaa = GaussianIntegrals.i3(g, [[qkk, qka, qka], [qka, qaa, qaa], [qka, qaa, qaa]])
                alpha[unit][unit] -= o.t0[unit][other] * (qaa * kka - qka * kaa) / pair
                alpha[unit][other] = -o.t0[unit][other] * (qkk * kaa - qka * kka) / pair
            }
        }
        for unit in 0..<k {
            let j = GaussianIntegrals.j(g, q[unit][unit])
            for (tau, rho) in spikes.enumerated() {
                var decoder = rho * j * s.omega[unit][tau]
                for other in 0..<k { decoder -= i2[unit][other] * s.nu[other][tau] }
                ds.nu[unit][tau] = eta * decoder
                var encoder = beta[unit] * s.nu[unit][tau]
                for other in 0..<k { encoder += alpha[unit][other] * s.omega[other][tau] }
                ds.omega[unit][tau] = eta * rho * encoder
            }
        }
        // The encoder bulk: the same drift at strength ρ̃ = 1/D (its ν part is O(1/D) smaller),
        // dQᵇ/dt = (η/D)(αQᵇ + Qᵇαᵀ) — negligible for t ≪ D, but it lets Q shrink at t ~ D.
        for a in 0..<k { for b in 0..<k {
            var sum = 0.0
            for c in 0..<k { sum += alpha[a][c] * s.encoderBulk[c][b] + s.encoderBulk[a][c] * alpha[b][c] }
            ds.encoderBulk[a][b] = eta * bulkStrength * sum
        } }
        for a in 0..<k { for b in 0..<k {
            var sum = 0.0
            for c in 0..<k { sum += i2[a][c] * s.decoderBulk[c][b] + s.decoderBulk[a][c] * i2[c][b] }
            ds.decoderBulk[a][b] = -eta * sum
        } }
        return ds
    }

    /// Integrates from `initial` with RK4 of step ≤ `maxStep` (0.01 is stable at η = 0.1; the
    /// authors integrate with dt = 1/D), returning (t, population error) at `times` (ascending, ≥ 0);
    /// stops early if the state stops being finite.
    public func errors(from initial: State, times: [Double], maxStep: Double = 0.01) -> [(t: Double, error: Double)] {
        let solution = ODE.rungeKutta4(from: 0, initial: flatten(initial), times: times, maxStep: maxStep) { _, y in
            self.flatten(self.derivative(self.unflatten(y, like: initial)))
        }
        return zip(solution.times, solution.states).map { ($0, error(unflatten($1, like: initial))) }
    }

    func flatten(_ s: State) -> [Double] {
        (s.omega + s.nu + s.decoderBulk + s.encoderBulk).flatMap { $0 }
    }

    func unflatten(_ y: [Double], like s: State) -> State {
        var offset = 0
        func take(_ shape: [[Double]]) -> [[Double]] {
            shape.map { row in defer { offset += row.count }; return Array(y[offset..<(offset + row.count)]) }
        }
        return State(omega: take(s.omega), nu: take(s.nu), decoderBulk: take(s.decoderBulk), encoderBulk: take(s.encoderBulk))
    }
}
