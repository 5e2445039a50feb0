import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics

/// The empirical (finite-width) NTK of any ``Model`` at its current parameters:
/// K(x, x′) = ⟨∇_θ f(x), ∇_θ f(x′)⟩.
///
/// Per-example gradients come from the tape: one forward pass on the single sample and one
/// backward pass seeded with 1, read from the model's flat gradient buffer (so every parameter
/// the model binds through its ``ParameterStore`` counts, and nothing else). The gradients of a
/// tile are stacked into a [rows, P] Jacobian and the tile is one gemm, J_a·J_bᵀ.
///
/// Cost: one forward + backward per sample per tile row/column; memory: the Jacobians of one
/// tile, which sizes tiles (``scratchBytes(rows:cols:)``) — P = 10⁶ parameters and 128-sample
/// tiles are 2 GiB. The model's gradient buffer is restored afterwards.
public final class EmpiricalNTK<M: Model>: Kernel where M.Scalar == Double {
    public let model: M

    public init(_ model: M) { self.model = model }

    public var name: String { "empirical-ntk(\(model.summary.name), \(model.parameters.count) parameters)" }

    public func validate(_ inputs: Inputs<Double>) throws {}

    /// ∇_θ f(x_i) for every sample, stacked: [N, P].
    public func jacobian(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let store = model.parameters
        let p = store.count, n = inputs.count
        let saved = store.flatGradients.copy()
        defer { store.flatGradients.withSharedMutablePointer { dst in saved.withUnsafePointer { copyElements(from: $0, to: dst, count: p) } } }
        let j = Tensor<Double>(uninitializedShape: [n, p])
        let tape = Tape<Double>()
        let seed = Tensor<Double>.ones([1])
        for i in 0..<n {
            tape.reset()
            store.zeroGradients()
            let out = model.forward(inputs.samples(i..<(i + 1)), on: tape)
            precondition(out.value.count == 1, "EmpiricalNTK: the model returned \(out.shape) for one sample; a model returns one output per sample")
            tape.backward(out, seed: seed.reshaped(out.shape))
            store.flatGradients.withUnsafePointer { src in j.withSharedMutablePointer { copyElements(from: src, to: $0 + i * p, count: p) } }
        }
        return j
    }

    public func block(_ a: Inputs<Double>, _ b: Inputs<Double>) -> Tensor<Double> {
        let ja = jacobian(a)
        let jb = (a == b) ? ja : jacobian(b)
        return Tensor.matmul(ja, jb, transposeB: true)
    }

    public func scratchBytes(rows: Int, cols: Int) -> Int {
        MemoryBudget.doubles(MemoryBudget.product(rows &+ cols, model.parameters.count))
    }
}
