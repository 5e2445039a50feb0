import Foundation
import SymLabFunctionClasses
import SymLabNumerics

/// A gated deep linear network of depth 2 per pathway (Saxe, Sodhani & Lewallen 2022): pathway p
/// maps items to outputs by W_p = W_out,p·W_in,p, and in context c the network computes the sum of
/// the pathways gated on in c. Trained by full-batch gradient descent on
/// L = (1/(2PC)) Σ_c ‖Y_c − Σ_{p on in c} W_p‖²_F (one-hot items: the mean over item × context
/// samples of ½‖y − ŷ‖²).
///
/// Hand-written gradients (two matrix products per pathway) rather than the tape: the matrices are
/// 8 × 16 and a run is 10⁴ epochs, so the tape's per-node bookkeeping would be the whole cost; the
/// gradient is checked against finite differences of the loss in the tests.
public struct GatedLinearNetwork: Sendable {
    /// W_in,p: hidden × items.
    public var inputWeights: [Tensor<Double>]
    /// W_out,p: outputs × hidden.
    public var outputWeights: [Tensor<Double>]

    public init(inputWeights: [Tensor<Double>], outputWeights: [Tensor<Double>]) {
        self.inputWeights = inputWeights; self.outputWeights = outputWeights
    }

    /// Every pathway aligned with the task's modes and balanced, each mode at strength u₀ (the
    /// authors' "decoupled" initialisation, under which the race reduction is exact): W_in,p =
    /// √u₀·R_p Zᵀ and W_out,p = √u₀·A_p R_pᵀ with R_p a random hidden × P orthonormal frame and A_p
    /// the output basis (B columns signed by σ_c for the specific pathway of context c).
    public static func decoupled(_ task: GatedRaceTask, hidden: Int, initialStrength u0: Double, seed: UInt64) -> GatedLinearNetwork {
        precondition(hidden >= task.items, "GatedLinearNetwork.decoupled: hidden width \(hidden) < items \(task.items)")
        var rng = RandomStream(seed: seed)
        var inputs: [Tensor<Double>] = [], outputs: [Tensor<Double>] = []
        for p in 0..<task.pathways {
            let frame: Tensor<Double> = rng.orthonormal(rows: hidden, cols: task.items)
            var signed = task.outputBasis.scalars
            if p > 0 {
                for o in 0..<task.outputs { for m in task.specificModes { signed[o * task.items + m] *= task.contextSigns[p - 1] } }
            }
            let a = Tensor(shape: [task.outputs, task.items], scalars: signed)
            inputs.append(u0.squareRoot() * Tensor.matmul(frame, task.itemBasis, transposeB: true))
            outputs.append(u0.squareRoot() * Tensor.matmul(a, frame, transposeB: true))
        }
        return GatedLinearNetwork(inputWeights: inputs, outputWeights: outputs)
    }

    /// Independent N(0, std²) entries (the small random initialisation of the paper's simulations).
    public static func random(_ task: GatedRaceTask, hidden: Int, std: Double, seed: UInt64) -> GatedLinearNetwork {
        var rng = RandomStream(seed: seed)
        return GatedLinearNetwork(inputWeights: (0..<task.pathways).map { _ in rng.normal([hidden, task.items], std: std) },
                                  outputWeights: (0..<task.pathways).map { _ in rng.normal([task.outputs, hidden], std: std) })
    }

    /// W_p.
    public func pathwayMap(_ p: Int) -> Tensor<Double> { Tensor.matmul(outputWeights[p], inputWeights[p]) }

    /// The network's map in context c.
    public func map(context c: Int, _ task: GatedRaceTask) -> Tensor<Double> {
        var m = Tensor<Double>(shape: [task.outputs, task.items])
        for p in 0..<task.pathways where task.isActive(pathway: p, context: c) { m += pathwayMap(p) }
        return m
    }

    /// L = (1/(2PC)) Σ_c ‖Y_c − M_c‖².
    public func loss(_ task: GatedRaceTask) -> Double {
        var sum = 0.0
        for c in 0..<task.contexts { let e = task.target(context: c) - map(context: c, task); sum += Tensor.dot(e, e) }
        return sum / Double(2 * task.items * task.contexts)
    }

    /// One full-batch gradient step: W_out,p += η Σ_{c: p on} E_c W_in,pᵀ/(PC), W_in,p += η W_out,pᵀ Σ_c E_c/(PC).
    public mutating func step(_ task: GatedRaceTask, learningRate eta: Double) {
        let errors = (0..<task.contexts).map { task.target(context: $0) - map(context: $0, task) }
        let scale = eta / Double(task.items * task.contexts)
        for p in 0..<task.pathways {
            var e = Tensor<Double>(shape: [task.outputs, task.items])
            for c in 0..<task.contexts where task.isActive(pathway: p, context: c) { e += errors[c] }
            let dOut = Tensor.matmul(e, inputWeights[p], transposeB: true)
            let dIn = Tensor.matmul(outputWeights[p], e, transposeA: true)
            outputWeights[p] += scale * dOut
            inputWeights[p] += scale * dIn
        }
    }

    /// The strength of `mode` in pathway p: a_αᵀ W_p z_α, signed by σ_c for a B mode of the
    /// specific pathway of context c (so that every learning mode rises towards +s).
    public func modeStrength(pathway p: Int, mode: Int, _ task: GatedRaceTask) -> Double {
        modeStrengths(pathway: p, task)[mode]
    }

    /// Every mode's strength in pathway p (one product W_p for all of them): the diagonal of
    /// Aᵀ W_p Z, signed as in ``modeStrength(pathway:mode:_:)``.
    public func modeStrengths(pathway p: Int, _ task: GatedRaceTask) -> [Double] {
        let projected = Tensor.matmul(Tensor.matmul(task.outputBasis, pathwayMap(p), transposeA: true), task.itemBasis)
        return (0..<task.items).map { mode in
            let sign = p > 0 && task.specificModes.contains(mode) ? task.contextSigns[p - 1] : 1
            return sign * projected[mode, mode]
        }
    }
}

/// The closed-form trajectories of the race reduction.
public enum NeuralRace {
    /// A depth-2 mode under gradient flow with rate λ towards target s from u₀ (Saxe et al. 2014):
    /// du/dτ = λu(s − u), so u(τ) = s·e^{λsτ}/(e^{λsτ} − 1 + s/u₀). τ = learning rate × epochs.
    public static func modeStrength(target s: Double, rate lambda: Double, initial u0: Double, time tau: Double) -> Double {
        let e = exp(lambda * s * tau)
        return s * e / (e - 1 + s / u0)
    }

    /// The race rate of a pathway: 2·(fraction of contexts it is on in)/P under the loss of
    /// ``GatedLinearNetwork`` — a pathway shared by all C contexts races C times faster than a
    /// context's own pathway on a target of the same strength.
    public static func rate(_ task: GatedRaceTask, pathway p: Int) -> Double {
        2 * task.activeFraction(pathway: p) / Double(task.items)
    }
}
