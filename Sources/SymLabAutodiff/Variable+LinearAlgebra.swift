import SymLabNumerics

// Products. Forward and backward are BLAS gemm calls; gradients of products are products:
// for C = A·B, dA = dC·Bᵀ and dB = Aᵀ·dC (with the transposes folded into gemm flags).

extension Variable {
    /// op(a)·op(b) for matrices; an untransposed left operand of rank > 2 is a stack of rows.
    public static func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        let (x, y) = (a.value, b.value)
        let (needA, needB) = (a.requiresGrad, b.requiresGrad)
        let out = Tensor.matmul(x, y, transposeA: transposeA, transposeB: transposeB)
        return a.tape.record(out, op: "matmul", inputs: [a, b]) { g in
            let x2 = x.rank > 2 ? x.reshaped([-1, x.shape[x.rank - 1]]) : x
            let g2 = g.rank > 2 ? g.reshaped([-1, g.shape[g.rank - 1]]) : g
            var ga: Tensor<S>? = nil, gb: Tensor<S>? = nil
            if needA {
                ga = transposeA ? Tensor.matmul(y, g2, transposeA: transposeB, transposeB: true)
                                : Tensor.matmul(g2, y, transposeB: !transposeB)
                ga = ga!.reshaped(x.shape)
            }
            if needB {
                gb = transposeB ? Tensor.matmul(g2, x2, transposeA: true, transposeB: transposeA)
                                : Tensor.matmul(x2, g2, transposeA: !transposeA)
            }
            return [ga, gb]
        }
    }

    /// x·W + b for x [..., in], W [in, out], b [out]: one gemm accumulating onto the bias
    /// (``dense(_:bias:scale:activation:)`` with one term).
    public static func affine(_ x: Variable, _ w: Variable, _ b: Variable?) -> Variable {
        dense([(x, w)], bias: b)
    }

    /// Batched product [B, M, K]·[B, K, N] → [B, M, N], one gemm per batch element.
    public static func batchedMatmul(_ a: Variable, _ b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        let (needA, needB) = (a.requiresGrad, b.requiresGrad)
        return a.tape.record(Tensor.batchedMatmul(x, y), op: "batchedMatmul", inputs: [a, b]) { g in
            [needA ? Tensor.batchedMatmul(g, y, transposeB: true) : nil,
             needB ? Tensor.batchedMatmul(x, g, transposeA: true) : nil]
        }
    }
}
