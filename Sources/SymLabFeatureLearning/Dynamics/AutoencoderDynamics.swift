import Foundation
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics

/// A shallow autoencoder with K hidden units trained online, one fresh sample per step
/// (Refinetti & Goldt, ICML 2022): λ_k = w_k·x/√D + β_k, x̂ = Σ_k v_k g(λ_k) + c, loss
/// ‖x − x̂‖²/(2D) (the authors' ½·mean over outputs). Tied: the decoder is the encoder (v_k = w_k).
/// Optional hidden bias β (on the pre-activation) and output bias c ∈ R^D.
///
/// Scaling (the authors' code): encoder learning rate η/D, decoder η, tied weights η; a hidden bias
/// moves like the encoder (η/D: β_k is the authors' b_k/√D with b's rate η), the output bias like
/// the decoder (η). Then t = steps/D is the time of the reduced ODE (``AutoencoderODE``).
///
/// Hand-written batch-1 steps rather than the tape: a step costs O(K·D) flops (≈ 10⁴ at D = 500),
/// which the per-node overhead of the tape would dominate over 10⁶ steps; the step is tested
/// against finite differences of ``loss(_:)``.
public struct Autoencoder: Sendable {
    public var activation: Activation
    public let k: Int, d: Int
    /// w_k, K rows of D (row-major).
    public var encoder: [Double]
    /// v_k, K rows of D; nil when tied.
    public var decoder: [Double]?
    /// β_k; nil without a hidden bias.
    public var hiddenBias: [Double]?
    /// c; nil without an output bias.
    public var outputBias: [Double]?

    public var tied: Bool { decoder == nil }

    public init(activation: Activation, k: Int, d: Int, encoder: [Double], decoder: [Double]?, hiddenBias: [Double]? = nil, outputBias: [Double]? = nil) {
        precondition(encoder.count == k * d && (decoder?.count ?? k * d) == k * d, "Autoencoder: weights must be K × D")
        precondition((hiddenBias?.count ?? k) == k && (outputBias?.count ?? d) == d, "Autoencoder: one hidden bias per unit, one output bias per input")
        self.activation = activation; self.k = k; self.d = d
        self.encoder = encoder; self.decoder = decoder; self.hiddenBias = hiddenBias; self.outputBias = outputBias
    }

    /// The authors' initialisation: every weight N(0, scale²) (scale 0.1), hidden biases at
    /// `hiddenBias` (nil: none), output bias 0 when present. Encoder first, then decoder.
    public static func random(activation: Activation, k: Int, d: Int, tied: Bool, scale: Double, hiddenBias: Double?, outputBias: Bool,
                              rng: inout RandomStream) -> Autoencoder {
        let w = (0..<(k * d)).map { _ in scale * rng.normal() }
        let v: [Double]? = tied ? nil : (0..<(k * d)).map { _ in scale * rng.normal() }
        return Autoencoder(activation: activation, k: k, d: d, encoder: w, decoder: v, hiddenBias: hiddenBias.map { [Double](repeating: $0, count: k) },
                           outputBias: outputBias ? [Double](repeating: 0, count: d) : nil)
    }

    /// The per-group learning rates of one SGD step.
    public struct LearningRates: Sendable, Equatable {
        public var encoder: Double, decoder: Double, hiddenBias: Double, outputBias: Double
        public init(encoder: Double, decoder: Double, hiddenBias: Double, outputBias: Double) {
            self.encoder = encoder; self.decoder = decoder; self.hiddenBias = hiddenBias; self.outputBias = outputBias
        }

        /// The authors' scaling for base rate η (see the type's comment); tied weights take `decoder`.
        public static func scaled(_ eta: Double, d: Int) -> LearningRates {
            LearningRates(encoder: eta / Double(d), decoder: eta, hiddenBias: eta / Double(d), outputBias: eta)
        }
    }

    /// λ_k for input `x` (length D).
    func preactivations(_ x: UnsafePointer<Double>) -> [Double] {
        let root = Double(d).squareRoot()
        return encoder.withUnsafeBufferPointer { w in
            (0..<k).map { unit in
                var s = 0.0
                let row = w.baseAddress! + unit * d
                for i in 0..<d { s += row[i] * x[i] }
                return s / root + (hiddenBias?[unit] ?? 0)
            }
        }
    }

    /// e = x − x̂ into `error` (length D) given g(λ); returns ‖e‖²/(2D).
    func residual(_ x: UnsafePointer<Double>, _ out: [Double], into error: UnsafeMutablePointer<Double>) -> Double {
        for i in 0..<d { error[i] = x[i] - (outputBias?[i] ?? 0) }
        (decoder ?? encoder).withUnsafeBufferPointer { v in
            for unit in 0..<k {
                let a = out[unit], row = v.baseAddress! + unit * d
                for i in 0..<d { error[i] -= a * row[i] }
            }
        }
        var s = 0.0
        for i in 0..<d { s += error[i] * error[i] }
        return s / (2 * Double(d))
    }

    /// ‖x − x̂‖²/(2D) for one input.
    public func loss(_ x: [Double]) -> Double {
        precondition(x.count == d, "Autoencoder.loss: input of length \(x.count), D = \(d)")
        var e = [Double](repeating: 0, count: d)
        return x.withUnsafeBufferPointer { xp in
            let out = preactivations(xp.baseAddress!).map(activation.closedFormValue)
            return e.withUnsafeMutableBufferPointer { residual(xp.baseAddress!, out, into: $0.baseAddress!) }
        }
    }

    /// Mean of ``loss(_:)`` over the rows of `inputs` [N, D]: the test error on a fixed sample.
    public func meanLoss(_ inputs: Tensor<Double>) -> Double {
        precondition(inputs.rank == 2 && inputs.shape[1] == d, "Autoencoder.meanLoss: inputs must be [N, \(d)], got \(inputs.shape)")
        let n = inputs.shape[0]
        var e = [Double](repeating: 0, count: d)
        var total = 0.0
        inputs.withUnsafePointer { p in e.withUnsafeMutableBufferPointer { ep in
            for row in 0..<n {
                let x = p + row * d
                total += residual(x, preactivations(x).map(activation.closedFormValue), into: ep.baseAddress!)
            }
        } }
        return total / Double(Swift.max(n, 1))
    }

    /// One SGD step on input `x` (D numbers; `error` is scratch space of D numbers); returns the
    /// loss before the step. Every parameter moves by −rate·∂loss/∂parameter:
    /// ∂/∂v_k = −g(λ_k) e/D, ∂/∂w_k = −(v_k·e) g′(λ_k) x/(D√D) (tied: plus −g(λ_k) e/D),
    /// ∂/∂β_k = −(v_k·e) g′(λ_k)/D, ∂/∂c = −e/D.
    @discardableResult
    public mutating func step(_ x: UnsafePointer<Double>, rates: LearningRates, scratch error: UnsafeMutablePointer<Double>) -> Double {
        let lambda = preactivations(x)
        let out = lambda.map(activation.closedFormValue)
        let slope = lambda.map(activation.closedFormDerivative)
        let loss = residual(x, out, into: error)
        let dd = Double(d), root = dd.squareRoot()
        // v_k·e with the decoder before the step.
        let readout: [Double] = (decoder ?? encoder).withUnsafeBufferPointer { v in
            (0..<k).map { unit in
                var s = 0.0
                let row = v.baseAddress! + unit * d
                for i in 0..<d { s += row[i] * error[i] }
                return s
            }
        }
        let n = d
        if var v = decoder {
            decoder = nil   // move out: no copy on write
            v.withUnsafeMutableBufferPointer { vp in
                for unit in 0..<k {
                    let a = rates.decoder * out[unit] / dd, row = vp.baseAddress! + unit * n
                    for i in 0..<n { row[i] += a * error[i] }
                }
            }
            decoder = v
            encoder.withUnsafeMutableBufferPointer { wp in
                for unit in 0..<k {
                    let a = rates.encoder * readout[unit] * slope[unit] / (dd * root), row = wp.baseAddress! + unit * n
                    for i in 0..<n { row[i] += a * x[i] }
                }
            }
        } else {
            encoder.withUnsafeMutableBufferPointer { wp in
                for unit in 0..<k {
                    let a = rates.decoder * out[unit] / dd, b = rates.decoder * readout[unit] * slope[unit] / (dd * root)
                    let row = wp.baseAddress! + unit * n
                    for i in 0..<n { row[i] += a * error[i] + b * x[i] }
                }
            }
        }
        if hiddenBias != nil {
            for unit in 0..<k { hiddenBias![unit] += rates.hiddenBias * readout[unit] * slope[unit] / dd }
        }
        if outputBias != nil {
            let a = rates.outputBias / dd
            outputBias!.withUnsafeMutableBufferPointer { cp in for i in 0..<n { cp[i] += a * error[i] } }
        }
        return loss
    }

    /// The order parameters against the spiked covariance of `target` (exact, bulk included).
    public func overlaps(with target: SpikedWishartTarget) -> AutoencoderOverlaps {
        let dd = Double(d), root = dd.squareRoot()
        let v = decoder ?? encoder
        let u = target.principalDirections, strength = target.eigenvalues.map { $0 - 1 }   // θ_τ D
        func row(_ m: [Double], _ unit: Int) -> ArraySlice<Double> { m[(unit * d)..<((unit + 1) * d)] }
        func dot(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        // a Ω b = a·b + Σ_τ θ_τ D (a·u_τ)(b·u_τ)
        func omega(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
            dot(a, b) + zip(u, strength).reduce(0) { $0 + $1.1 * dot(a, $1.0[...]) * dot(b, $1.0[...]) }
        }
        var o = AutoencoderOverlaps(k: k)
        for a in 0..<k {
            for b in 0..<k {
                o.q[a][b] = omega(row(encoder, a), row(encoder, b)) / dd
                o.r[a][b] = omega(row(v, a), row(encoder, b)) / (dd * root)
                o.t[a][b] = omega(row(v, a), row(v, b)) / (dd * dd)
                o.t0[a][b] = dot(row(v, a), row(v, b)) / dd
            }
        }
        return o
    }
}

/// What the population reconstruction error of an autoencoder without biases depends on, for
/// Gaussian inputs x ~ N(0, Ω) (Refinetti & Goldt's order parameters): with λ_k = w_k·x/√D and
/// μ_k = v_k·x/D, Q = E[λλᵀ], R_kl = E[μ_k λ_l], T = E[μμᵀ] and T⁰_kl = v_k·v_l/D.
public struct AutoencoderOverlaps: Sendable, Equatable {
    public var q: [[Double]], r: [[Double]], t: [[Double]], t0: [[Double]]

    public init(k: Int) {
        let zero = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        q = zero; r = zero; t = zero; t0 = zero
    }

    /// ½E‖x − x̂‖²/D = ½ tr Ω/D − Σ_k R_kk J_k + ½ Σ_kl T⁰_kl I₂(k, l), exact for any Gaussian
    /// inputs (E[μ_k g(λ_k)] = R_kk E[λ g(λ)]/Q_kk by Gaussian regression); `meanVariance` is tr Ω/D.
    public func populationError(_ g: Activation, meanVariance: Double) -> Double {
        var e = meanVariance / 2
        for a in q.indices {
            e -= r[a][a] * GaussianIntegrals.j(g, q[a][a])
            for b in q.indices { e += t0[a][b] * GaussianIntegrals.i2(g, q[a][a], q[a][b], q[b][b]) / 2 }
        }
        return e
    }
}
