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

    /// x·W + b for x [..., in], W [in, out], b [out]: a fused affine map (the bias is written
    /// into the output first and gemm accumulates onto it).
    public static func affine(_ x: Variable, _ w: Variable, _ b: Variable?) -> Variable {
        let xv = x.value, wv = w.value
        guard wv.rank == 2, xv.rank >= 1, xv.shape[xv.rank - 1] == wv.shape[0] else {
            tensorFailure("affine", "input \(xv.shape) and weight \(wv.shape) do not multiply (need [..., in] and [in, out])")
        }
        let x2 = xv.reshaped([-1, wv.shape[0]])
        let outShape = Array(xv.shape.dropLast()) + [wv.shape[1]]
        var out: Tensor<S>
        if let b {
            guard b.shape == [wv.shape[1]] else { tensorFailure("affine", "bias \(b.shape) does not match weight \(wv.shape)") }
            out = b.value.broadcast(to: [x2.shape[0], wv.shape[1]])
            Tensor.gemm(x2, wv, beta: 1, into: &out)
        } else {
            out = Tensor.matmul(x2, wv)
        }
        let (needX, needW) = (x.requiresGrad, w.requiresGrad)
        let needB = b?.requiresGrad ?? false
        let inputs = b.map { [x, w, $0] } ?? [x, w]
        return x.tape.record(out.reshaped(outShape), op: "affine", inputs: inputs) { g in
            let g2 = g.reshaped([-1, wv.shape[1]])
            let gx = needX ? Tensor.matmul(g2, wv, transposeB: true).reshaped(xv.shape) : nil
            let gw = needW ? Tensor.matmul(x2, g2, transposeA: true) : nil
            var result = [gx, gw]
            if b != nil { result.append(needB ? g2.sum(axes: [0]) : nil) }
            return result
        }
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
