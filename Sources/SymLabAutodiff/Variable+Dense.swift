import SymLabNumerics

// The layer every model is made of, fused into one tape node:
//
//     y = σ(c·Σₖ xₖ·Wₖ + b)
//
// Forward: the bias is written into the output, each term is one gemm accumulating onto it
// (α = c, β = 1), and σ is applied in place — one pass over the output instead of three
// (bias add, product, activation) and no temporaries. With σ = ReLU or none and a product the
// register-blocked kernel takes (`fusedSmallProduct`: the papers' layer shapes), the last term's
// product adds the bias and applies σ as it stores each block, and there is no pass at all.
// Backward: one pass forms dz = g·σ′,
// then dWₖ = c·xₖᵀdz, dxₖ = c·dz·Wₖᵀ (gemm) and db = Σ_rows dz (gemv; with ReLU, summed in the
// pass that forms dz). On the papers' small networks these elementwise passes, not the
// products, were most of the step's overhead.

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
    @_specialize(where S == Double) @_specialize(where S == Float)
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
        if let b, b.shape != [fout] { tensorFailure("dense", "bias \(b.shape) does not match the output width \(fout)") }
        let out = Tensor<S>(uninitializedShape: [rows, fout])
        // z is kept only when σ′ needs it; otherwise σ runs in place on the output.
        let preactivation: Tensor<S>? = activation.map { $0.derivativeFromOutput } == false ? Tensor(uninitializedShape: [rows, fout]) : nil
        // With σ = ReLU or none, the products go first (gemm, β = 0 for the first term) and one
        // vectorized pass adds the bias and applies σ. Otherwise the bias is copied into each row,
        // each term's gemm accumulates onto it and σ runs in place. (Row panels, to keep the output
        // in cache between these passes, measured no faster: each panel's gemm packs the weights again.)
        let biasAfter = b != nil && (activation == nil || activation == .relu)
        if rows > 0 && fout > 0 {
            out.withSharedMutablePointer { po in
                if let biasValue = b?.value, !biasAfter {
                    biasValue.withUnsafePointer { pb in for i in 0..<rows { copyElements(from: pb, to: po + i * fout, count: fout) } }
                }
                var epilogueDone = false
                for (k, (x, w)) in flat.enumerated() {
                    let kin = w.shape[0], beta: S = ((b == nil || biasAfter) && k == 0) ? 0 : 1
                    if kin == 0 {
                        if beta == 0 { zeroElements(po, count: rows * fout) }
                        continue
                    }
                    // The last product may apply the bias and ReLU itself as it stores each block.
                    let fuse = k == flat.count - 1 && (activation == nil || activation == .relu) && (b == nil || biasAfter)
                    x.withUnsafePointer { px in w.withUnsafePointer { pw in
                        let fused = fuse && withOptionalPointer(b?.value) { pb in
                            S.fusedSmallProduct(m: rows, n: fout, k: kin, alpha: c, a: px, b: pw, c: po, accumulate: beta == 1,
                                                bias: pb, relu: activation != nil)
                        }
                        if fused { epilogueDone = true; return }
                        S.blasGemm(transA: false, transB: false, m: rows, n: fout, k: kin, alpha: c, a: px, lda: kin,
                                   b: pw, ldb: fout, beta: beta, c: po, ldc: fout)
                    } }
                }
                if epilogueDone {
                    // bias and σ already applied
                } else if biasAfter, let biasValue = b?.value {
                    biasValue.withUnsafePointer { pb in S.biasActivationKernel(po, pb, rows: rows, cols: fout, relu: activation != nil) }
                } else if let op = activation {
                    if let preactivation { preactivation.withSharedMutablePointer { copyElements(from: po, to: $0, count: rows * fout) } }
                    S.unaryKernel(op, po, po, rows * fout)
                }
            }
        }
        let y = out
        let needs = terms.map { ($0.input.requiresGrad, $0.weight.requiresGrad) }
        let needB = b?.requiresGrad ?? false
        // Parameters' gradients go straight into their flat gradient buffer (gemm/gemv with β = 1).
        let tape = first.input.tape
        let weightSinks = terms.map { tape.gradientSink(of: $0.weight) }
        let biasSink = b.flatMap { tape.gradientSink(of: $0) }
        var inputs: [Variable] = []
        for (x, w) in terms { inputs.append(x); inputs.append(w) }
        if let b { inputs.append(b) }
        return tape.record(y.reshaped(lead + [fout]), op: "dense", inputs: inputs) { g in
            let g2 = g.reshaped([rows, fout])
            let dz: Tensor<S>
            // With ReLU and a bias whose gradient goes to the store, the bias gradient's column sums
            // are formed in the same pass as dz.
            var biasColumnSums: Tensor<S>? = nil
            if let op = activation {
                let t = Tensor<S>(uninitializedShape: [rows, fout])
                let z = preactivation ?? y
                if op == .relu && needB && biasSink != nil && rows > 0 && fout > 0 {
                    let sums = Tensor<S>(uninitializedShape: [fout])
                    z.withUnsafePointer { pz in g2.withUnsafePointer { pg in t.withSharedMutablePointer { pt in
                        sums.withSharedMutablePointer { ps in S.reluBackwardColumnSumsKernel(pz, pg, pt, rows: rows, cols: fout, sums: ps) }
                    } } }
                    biasColumnSums = sums
                } else {
                    z.withUnsafePointer { pz in y.withUnsafePointer { py in g2.withUnsafePointer { pg in
                        t.withSharedMutablePointer { pt in S.unaryBackwardKernel(op, pz, py, pg, pt, rows * fout) }
                    } } }
                }
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
                if needs[k].1, let sink = weightSinks[k] {
                    let kin = w.shape[0]
                    if kin > 0 && fout > 0 && rows > 0 {
                        x.withUnsafePointer { px in dz.withUnsafePointer { pd in sink.withSharedMutablePointer { ps in
                            S.blasGemm(transA: true, transB: false, m: kin, n: fout, k: rows, alpha: c, a: px, lda: kin,
                                       b: pd, ldb: fout, beta: 1, c: ps, ldc: fout)
                        } } }
                    }
                } else if needs[k].1 {
                    var t = Tensor<S>(uninitializedShape: w.shape)
                    Tensor.gemm(x, dz, transposeA: true, alpha: c, beta: 0, into: &t)
                    gw = t
                }
                result.append(gx); result.append(gw)
            }
            if needB, let biasSink {
                // Σ over rows (as dz.sum(axes: [0]): gemv with a vector of ones), added into the sink.
                if let biasColumnSums {
                    biasColumnSums.withUnsafePointer { pc in biasSink.withSharedMutablePointer { ps in
                        S.blasAxpy(n: fout, alpha: 1, x: pc, incx: 1, y: ps, incy: 1)
                    } }
                } else if rows > 0 && fout > 0 {
                    let ones = Tensor<S>.ones([rows])
                    dz.withUnsafePointer { pd in ones.withUnsafePointer { pe in biasSink.withSharedMutablePointer { ps in
                        S.blasGemv(trans: true, m: rows, n: fout, alpha: 1, a: pd, lda: fout, x: pe, incx: 1, beta: 1, y: ps, incy: 1)
                    } } }
                }
                result.append(nil)
                return result
            }
            if b != nil { result.append(needB ? dz.sum(axes: [0]) : nil) }
            return result
        }
    }
}

/// `body` with the tensor's element pointer, or with nil when there is no tensor.
@inline(__always)
private func withOptionalPointer<S: TensorScalar, R>(_ t: Tensor<S>?, _ body: (UnsafePointer<S>?) -> R) -> R {
    guard let t else { return body(nil) }
    return t.withUnsafePointer { body($0) }
}
