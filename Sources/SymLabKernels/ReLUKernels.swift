import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// NNGP or NTK: which infinite-width kernel of a network.
public enum NetworkKernelKind: String, Sendable, CaseIterable {
    /// The covariance of the network's output at initialisation (Neal; Lee et al. 2018):
    /// the kernel of Bayesian inference with a random network / training the readout only.
    case nngp
    /// The neural tangent kernel (Jacot et al. 2018): gradient flow on all layers at infinite width.
    case ntk
}

/// The closed-form NNGP and NTK of a fully connected ReLU network (arc-cosine kernels of order 0
/// and 1, Cho & Saul 2009; NTK recursion of Jacot, Gabriel & Hongler 2018, Arora et al. 2019).
///
/// **Network** (NTK parameterisation, He scaling, `depth` L = number of weight layers ∈ {2, 3}):
///
///     h¹(x) = W¹x/√d + σ_b·b¹,   hˡ(x) = √(2/m)·Wˡ relu(hˡ⁻¹(x)) + σ_b·bˡ  (l = 2…L),   f(x) = h^L(x)
///
/// with every entry of W and b drawn from N(0, 1), hidden width m → ∞, output width 1. The √2 (σ_w² = 2)
/// keeps E hˡ(x)² = ‖x‖²/d + l·σ_b² at every layer, so the kernel does not shrink with depth.
///
/// **Recursion.** Σ¹(x, x′) = ⟨x, x′⟩/d + σ_b², Θ¹ = Σ¹, and for l = 2…L, with
/// cos θ = Σˡ⁻¹(x, x′)/√(Σˡ⁻¹(x, x)·Σˡ⁻¹(x′, x′)):
///
///     Σˡ  = √(Σˡ⁻¹(x,x)·Σˡ⁻¹(x′,x′))·(sin θ + (π − θ)·cos θ)/π + σ_b²      (2·E relu(u)relu(v))
///     Σ̇ˡ  = (π − θ)/π                                                     (2·E relu′(u)relu′(v))
///     Θˡ  = Σˡ + Σ̇ˡ·Θˡ⁻¹
///
/// NNGP = Σ^L, NTK = Θ^L. For unit-norm inputs scaled by √d (e.g. ±1 vectors) both have diagonal 1 + O(σ_b²).
public struct ReLUNetworkKernel: Kernel, Sendable {
    public let kind: NetworkKernelKind
    /// Number of weight layers, 2 (one hidden layer) or 3.
    public let depth: Int
    /// σ_b², the variance of every bias (0: no biases, the classical arc-cosine kernel).
    public let biasVariance: Double

    public init(_ kind: NetworkKernelKind, depth: Int = 2, biasVariance: Double = 0) throws {
        guard depth == 2 || depth == 3 else {
            throw KernelError.invalidOption(kernel: "relu-\(kind.rawValue)", option: "depth", allowed: "2 or 3", got: "\(depth)")
        }
        guard biasVariance >= 0, biasVariance.isFinite else {
            throw KernelError.invalidOption(kernel: "relu-\(kind.rawValue)", option: "bias variance", allowed: "≥ 0", got: "\(biasVariance)")
        }
        self.kind = kind; self.depth = depth; self.biasVariance = biasVariance
    }

    public var name: String { "relu-\(kind.rawValue)(depth \(depth), σb² \(biasVariance))" }

    public func validate(_ inputs: Inputs<Double>) throws { _ = try flatRows(inputs, kernel: "relu-\(kind.rawValue)") }

    public func block(_ a: Inputs<Double>, _ b: Inputs<Double>) -> Tensor<Double> {
        kernelOfRows(denseMatrix(a), denseMatrix(b))
    }

    public func scratchBytes(rows: Int, cols: Int) -> Int { MemoryBudget.doubles(rows, cols) }

    /// The kernel between the rows of two [M, D] and [N, D] matrices (shared with the graph kernel,
    /// which applies it to aggregated node features).
    public func kernelOfRows(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Tensor<Double> {
        let d = Double(a.shape[1])
        var cross = Tensor.matmul(a, b, transposeB: true)
        let sa = rowSquaredNorms(a).map { $0 / d + biasVariance }
        let sb = rowSquaredNorms(b).map { $0 / d + biasVariance }
        let n = b.shape[0], sbv = biasVariance, kind = kind, depth = depth
        cross.withUnsafeMutablePointer { p in
            for i in 0..<a.shape[0] {
                for j in 0..<n {
                    let s1 = p[i * n + j] / d + sbv
                    p[i * n + j] = ReLUNetworkKernel.recursion(s1, sa[i], sb[j], depth: depth, biasVariance: sbv, kind: kind)
                }
            }
        }
        return cross
    }

    /// Σ^L or Θ^L from Σ¹(x, x′) = `s`, Σ¹(x, x) = `va`, Σ¹(x′, x′) = `vb` (see the type's doc).
    @inline(__always)
    static func recursion(_ s: Double, _ va: Double, _ vb: Double, depth: Int, biasVariance: Double, kind: NetworkKernelKind) -> Double {
        var s = s, va = va, vb = vb, theta = s
        for _ in 2...depth {
            let norm = (va * vb).squareRoot()
            let next: Double, dot: Double
            if norm > 0 {
                let c = Swift.min(1, Swift.max(-1, s / norm))
                let t = Foundation.acos(c)
                next = norm * (Foundation.sin(t) + (Double.pi - t) * c) / Double.pi + biasVariance
                dot = (Double.pi - t) / Double.pi
            } else {
                // A pre-activation that is identically 0: relu(0) = relu′(0) = 0.
                next = biasVariance
                dot = 0
            }
            theta = next + dot * theta
            s = next
            va += biasVariance   // Σˡ(x, x) = Σˡ⁻¹(x, x) + σ_b² (θ = 0 above)
            vb += biasVariance
        }
        return kind == .nngp ? s : theta
    }
}
