import Foundation
import SymLabFunctionClasses
import SymLabNumerics

/// The depth-3 gated network of the routing experiment (Saxe, Sodhani & Lewallen 2022): an input
/// layer W1ⁱ per input domain (hidden × items), one hidden layer W2 shared by every pathway
/// (hidden × hidden) and a readout W3ʲ per output domain (features × hidden); the pathway (i, j)
/// computes ŷ = W3ʲ W2 W1ⁱ x. Trained by full-batch gradient descent on the authors' loss: per
/// trained pair the mean over the items × features entries of the squared error (no ½), summed
/// over the trained pairs, L = Σ_{(i,j) trained} ‖Y − W3ʲW2W1ⁱ‖²_F / (P·N_o).
///
/// Hand-written gradients (a few small products per pair), as ``GatedLinearNetwork``: a run is
/// 500 epochs of 28 pairs of ≤ 64 × 64 products, so the tape's bookkeeping would dominate; the
/// gradient is checked against finite differences in the tests.
public struct GatedRoutingNetwork: Sendable {
    public var inputWeights: [Tensor<Double>]
    public var hiddenWeights: Tensor<Double>
    public var outputWeights: [Tensor<Double>]

    public init(inputWeights: [Tensor<Double>], hiddenWeights: Tensor<Double>, outputWeights: [Tensor<Double>]) {
        self.inputWeights = inputWeights; self.hiddenWeights = hiddenWeights; self.outputWeights = outputWeights
    }

    /// Every layer a semi-orthogonal matrix times `gain` (PyTorch's `orthogonal_`, the
    /// notebook's initialisation): small gains (0.2) start in the rich, race regime; large
    /// gains (2) start near the lazy regime, where the random initial pathways are never
    /// unlearned and held-out pairs keep their random maps.
    public static func orthogonal(_ task: GatedRoutingTask, hidden: Int, gain: Double, seed: UInt64) -> GatedRoutingNetwork {
        var rng = RandomStream(seed: seed)
        let w1 = (0..<task.domains).map { _ in gain * rng.orthonormal(rows: hidden, cols: task.items, as: Double.self) }
        let w2 = gain * rng.orthonormal(rows: hidden, cols: hidden, as: Double.self)
        let w3 = (0..<task.domains).map { _ in gain * rng.orthonormal(rows: task.features, cols: hidden, as: Double.self) }
        return GatedRoutingNetwork(inputWeights: w1, hiddenWeights: w2, outputWeights: w3)
    }

    /// Every layer aligned with Y's modes and balanced, each layer's strength b₀ in every mode
    /// (the notebook's "decoupled" initialisation, under which the reduction is exact):
    /// W1ⁱ = b₀R₁Vᵀ, W2 = b₀R₂R₁ᵀ, W3ʲ = b₀UR₂ᵀ with R₁, R₂ random hidden × 4 orthonormal frames,
    /// the same for every domain (the shared layer must connect them).
    public static func decoupled(_ task: GatedRoutingTask, hidden: Int, layerStrength b0: Double, seed: UInt64) -> GatedRoutingNetwork {
        precondition(hidden >= task.items, "GatedRoutingNetwork.decoupled: hidden width \(hidden) < items \(task.items)")
        var rng = RandomStream(seed: seed)
        let r1: Tensor<Double> = rng.orthonormal(rows: hidden, cols: task.items)
        let r2: Tensor<Double> = rng.orthonormal(rows: hidden, cols: task.items)
        let w1 = b0 * Tensor.matmul(r1, task.rightModes, transposeB: true)
        let w2 = b0 * Tensor.matmul(r2, r1, transposeB: true)
        let w3 = b0 * Tensor.matmul(task.leftModes, r2, transposeB: true)
        return GatedRoutingNetwork(inputWeights: Array(repeating: w1, count: task.domains), hiddenWeights: w2,
                                   outputWeights: Array(repeating: w3, count: task.domains))
    }

    /// W3ʲ W2 W1ⁱ (features × items).
    public func map(input i: Int, output j: Int) -> Tensor<Double> {
        Tensor.matmul(outputWeights[j], Tensor.matmul(hiddenWeights, inputWeights[i]))
    }

    /// L = Σ_{trained (i,j)} ‖Y − W3ʲW2W1ⁱ‖² / (P·N_o).
    public func loss(_ task: GatedRoutingTask) -> Double {
        task.trainedPairs.reduce(0) { sum, pair in
            let e = task.target - map(input: pair.input, output: pair.output)
            return sum + Tensor.dot(e, e)
        } / Double(task.items * task.features)
    }

    /// One full-batch gradient step on ``loss(_:)``: with E = Y − W3ʲW2W1ⁱ and c = 2η/(P·N_o),
    /// W3ʲ += c Σ_i E (W2W1ⁱ)ᵀ, W2 += c Σ_(i,j) W3ʲᵀ E W1ⁱᵀ, W1ⁱ += c Σ_j (W3ʲW2)ᵀ E.
    public mutating func step(_ task: GatedRoutingTask, learningRate eta: Double) {
        let c = 2 * eta / Double(task.items * task.features)
        let hiddenOf = inputWeights.map { Tensor.matmul(hiddenWeights, $0) }
        var d1 = inputWeights.map { Tensor<Double>(shape: $0.shape) }
        var d3 = outputWeights.map { Tensor<Double>(shape: $0.shape) }
        var d2 = Tensor<Double>(shape: hiddenWeights.shape)
        for (i, j) in task.trainedPairs {
            let e = task.target - Tensor.matmul(outputWeights[j], hiddenOf[i])
            let back = Tensor.matmul(outputWeights[j], e, transposeA: true)      // W3ʲᵀ E (hidden × items)
            d3[j] += Tensor.matmul(e, hiddenOf[i], transposeB: true)
            d2 += Tensor.matmul(back, inputWeights[i], transposeB: true)
            d1[i] += Tensor.matmul(hiddenWeights, back, transposeA: true)
        }
        for i in inputWeights.indices { inputWeights[i].add(d1[i], scaledBy: c) }
        for j in outputWeights.indices { outputWeights[j].add(d3[j], scaledBy: c) }
        hiddenWeights.add(d2, scaledBy: c)
    }

    /// u_αᵀ (W3ʲW2W1ⁱ) v_α for every mode α of Y: its strengths in pathway (i, j).
    public func modeStrengths(input i: Int, output j: Int, _ task: GatedRoutingTask) -> [Double] {
        let projected = Tensor.matmul(Tensor.matmul(task.leftModes, map(input: i, output: j), transposeA: true), task.rightModes)
        return (0..<task.singularValues.count).map { projected[$0, $0] }
    }

    /// Over `pairs`: the fraction of (pair, item) cases whose output is nearest (Euclidean)
    /// to the item's own target column among the 4 (chance 1/4), and the mean relative error
    /// ‖Ŷ − Y‖/‖Y‖.
    public func routingScore(_ task: GatedRoutingTask, pairs: [(input: Int, output: Int)]) -> (accuracy: Double, relativeError: Double) {
        guard !pairs.isEmpty else { return (.nan, .nan) }
        let norm = Tensor.dot(task.target, task.target).squareRoot()
        var correct = 0, relative = 0.0
        for (i, j) in pairs {
            let m = map(input: i, output: j)
            let e = task.target - m
            relative += Tensor.dot(e, e).squareRoot() / norm
            for p in 0..<task.items {
                let distances = (0..<task.items).map { q in
                    (0..<task.features).reduce(0.0) { $0 + (m[$1, p] - task.target[$1, q]) * (m[$1, p] - task.target[$1, q]) }
                }
                if distances.indices.min(by: { distances[$0] < distances[$1] }) == p { correct += 1 }
            }
        }
        return (Double(correct) / Double(pairs.count * task.items), relative / Double(pairs.count))
    }
}

extension NeuralRace {
    /// The depth-3 race of the routing network from the decoupled initialisation (every layer at
    /// strength b₀ in every mode), in flow time τ = η·epochs. Per mode of singular value s, with
    /// b₁ (input layer) = b₃ (readout) and b₂ (shared layer), K trained pairs per domain and
    /// κ = 2K/(P·N_o): db₁/dτ = κ b₂b₃e, db₂/dτ = Mκ b₁b₃e, e = s − b₁b₂b₃ (the shared layer
    /// collects the gradient of all M·K pairs, an input layer that of its K). b₂² − M b₁² is
    /// conserved, = −c₀ with c₀ = (M − 1)b₀², so the race is one-dimensional:
    /// db₂/dτ = κ (b₂² + c₀)(s − b₂(b₂² + c₀)/M), and the mode strength of every pathway's map is
    /// b₂(b₂² + c₀)/M. Its solution τ(b₂) is the quadrature ∫dx/[κ(x² + c₀)(s − x(x² + c₀)/M)];
    /// we integrate the ODE with RK4 instead to get u at the recorded times directly.
    public static func routingModeStrengths(target s: Double, _ task: GatedRoutingTask, layerStrength b0: Double,
                                            times: [Double], maxStep: Double = 0.01) -> [Double] {
        let m = Double(task.domains)
        let kappa = 2 * Double(GatedRoutingTask.trainedOffsets.count) / Double(task.items * task.features)
        let c0 = (m - 1) * b0 * b0
        let solution = ODE.rungeKutta4(from: 0, initial: [b0], times: times, maxStep: maxStep) { _, y in
            let b = y[0]
            return [kappa * (b * b + c0) * (s - b * (b * b + c0) / m)]
        }
        return solution.states.map { $0[0] * ($0[0] * $0[0] + c0) / m }
    }

    /// The initial strength u₀ that makes the depth-2 closed form ``modeStrength(target:rate:initial:time:)``
    /// cross s/2 at flow time τ½: u₀ = s/(e^{λsτ½} + 1). Used to overlay the closed form on a run
    /// from a random initialisation, whose effective u₀ per mode is the random projection of the
    /// initial weights plus an alignment phase.
    public static func initialStrength(target s: Double, rate lambda: Double, halfTime: Double) -> Double {
        s / (exp(lambda * s * halfTime) + 1)
    }
}
