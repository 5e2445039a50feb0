import SymLabNumerics

// The layer every model is made of, fused into one tape node:
//
//     y = σ(c·Σₖ xₖ·Wₖ + b)
//
// Forward: the bias is written into the output, each term is one gemm accumulating onto it
// (α = c, β = 1), and σ is applied in place — one pass over the output instead of three
// (bias add, product, activation) and no temporaries. Backward: one pass forms dz = g·σ′,
// then dWₖ = c·xₖᵀdz, dxₖ = c·dz·Wₖᵀ (gemm) and db = Σ_rows dz (gemv). On the papers' small
// networks these elementwise passes, not the products, were most of the step's overhead.

extension UnaryOp {
    /// True when σ′ can be computed from y = σ(z) alone, so the fused layer need not keep z.
    /// (For relu and leaky relu the sign of y is the sign of z.)
    var derivativeFromOutput: Bool {
        switch self {
        case .relu, .tanh, .sigmoid, .exp, .sqrt, .reciprocal, .neg, .affine: true
        case .leakyRelu(let s): s > 0
        default: false
        }
    }
}

extension Variable {
    /// σ(c·Σₖ xₖ·Wₖ + b) for xₖ [..., inₖ] (all with the same leading shape), Wₖ [inₖ, out],
    /// b [out] or nil, σ = `activation` (nil: none). One tape node; see the file comment.
    public static func dense(_ terms: [(input: Variable, weight: Variable)], bias b: Variable?, scale c: S = 1,
                             activation: UnaryOp? = nil) -> Variable {
        guard let first = terms.first else { tensorFailure("dense", "needs at least one (input, weight) term") }
        let lead = Array(first.input.shape.dropLast())
        let fout = first.weight.shape.count == 2 ? first.weight.shape[1] : -1
        var flat: [(x: Tensor<S>, w: Tensor<S>)] = []
        for (x, w) in terms {
            let xv = x.value, wv = w.value
            guard wv.rank == 2, xv.rank >= 1, xv.shape[xv.rank - 1] == wv.shape[0], wv.shape[1] == fout,
                  Array(xv.shape.dropLast()) == lead else {
                tensorFailure("dense", "input \(xv.shape) and weight \(wv.shape) do not fit the layer (need [\(lead.map(String.init).joined(separator: ", ")), in] · [in, \(fout)])")
            }
            flat.append((xv.reshaped([-1, wv.shape[0]]), wv))
        }
        let rows = flat[0].x.shape[0]
        var out: Tensor<S>
        if let b {
            guard b.shape == [fout] else { tensorFailure("dense", "bias \(b.shape) does not match the output width \(fout)") }
            out = b.value.broadcast(to: [rows, fout])
        } else {
            out = Tensor(uninitializedShape: [rows, fout])
        }
        for (k, (x, w)) in flat.enumerated() {
            Tensor.gemm(x, w, alpha: c, beta: (b == nil && k == 0) ? 0 : 1, into: &out)
        }
        // z is kept only when σ′ needs it; otherwise σ runs in place on the output.
        var preactivation: Tensor<S>? = nil
        if let op = activation {
            if !op.derivativeFromOutput { preactivation = out.copy() }
            let n = out.count
            out.withUnsafeMutablePointer { p in S.unaryKernel(op, p, p, n) }
        }
        let y = out
        let needs = terms.map { ($0.input.requiresGrad, $0.weight.requiresGrad) }
        let needB = b?.requiresGrad ?? false
        var inputs: [Variable] = []
        for (x, w) in terms { inputs.append(x); inputs.append(w) }
        if let b { inputs.append(b) }
        return first.input.tape.record(y.reshaped(lead + [fout]), op: "dense", inputs: inputs) { g in
            let g2 = g.reshaped([rows, fout])
            let dz: Tensor<S>
            if let op = activation {
                let t = Tensor<S>(uninitializedShape: [rows, fout])
                let z = preactivation ?? y
                z.withUnsafePointer { pz in y.withUnsafePointer { py in g2.withUnsafePointer { pg in
                    t.withSharedMutablePointer { pt in S.unaryBackwardKernel(op, pz, py, pg, pt, rows * fout) }
                } } }
                dz = t
            } else {
                dz = g2
            }
            var result: [Tensor<S>?] = []
            for (k, (x, w)) in flat.enumerated() {
                var gx: Tensor<S>? = nil, gw: Tensor<S>? = nil
                if needs[k].0 {
                    var t = Tensor<S>(uninitializedShape: [rows, w.shape[0]])
                    Tensor.gemm(dz, w, transposeB: true, alpha: c, beta: 0, into: &t)
                    gx = t.reshaped(terms[k].input.shape)
                }
                if needs[k].1 {
                    var t = Tensor<S>(uninitializedShape: w.shape)
                    Tensor.gemm(x, dz, transposeA: true, alpha: c, beta: 0, into: &t)
                    gw = t
                }
                result.append(gx); result.append(gw)
            }
            if b != nil { result.append(needB ? dz.sum(axes: [0]) : nil) }
            return result
        }
    }
}
