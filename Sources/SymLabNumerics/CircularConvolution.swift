/// Cyclic (circular) 1-D convolution with several channels: the input is read "as if it were
/// a ring", which makes the layer exactly equivariant to cyclic shifts of the input.
///
/// Concretely, for x of shape [B, Cin, L] and w of shape [Cout, Cin, K] with 1 ≤ K ≤ L:
///
///     y[b, o, t] = Σ_c Σ_k w[o, c, k] · x[b, c, (t + k) mod L]        y: [B, Cout, L]
///
/// (cross-correlation, as in PyTorch's Conv1d with circular padding on the right). It runs as
/// one gemm on an im2col matrix of shape [B·L, Cin·K].
public enum CircularConv1D {
    static func check<S>(_ x: Tensor<S>, _ w: Tensor<S>) -> (b: Int, cin: Int, l: Int, cout: Int, k: Int) {
        guard x.rank == 3, w.rank == 3, x.shape[1] == w.shape[1] else {
            tensorFailure("circularConv1d", "needs x [B, Cin, L] and w [Cout, Cin, K] with equal Cin, got shapes \(x.shape) and \(w.shape)")
        }
        let (b, cin, l, cout, k) = (x.shape[0], x.shape[1], x.shape[2], w.shape[0], w.shape[2])
        guard k >= 1 && k <= l else {
            tensorFailure("circularConv1d", "kernel width \(k) must be between 1 and the input length \(l) (shapes \(x.shape) and \(w.shape))")
        }
        return (b, cin, l, cout, k)
    }

    /// cols[(b, t), (c, k)] = x[b, c, (t + k) mod L], shape [B·L, Cin·K].
    public static func im2col<S>(_ x: Tensor<S>, kernelWidth k: Int) -> Tensor<S> {
        let (b, cin, l) = (x.shape[0], x.shape[1], x.shape[2])
        let cols = Tensor<S>(uninitializedShape: [b * l, cin * k])
        x.withUnsafePointer { px in cols.withSharedMutablePointer { pc in
            let rowLen = cin * k
            for bi in 0..<b {
                for c in 0..<cin {
                    let src = px + (bi * cin + c) * l
                    for t in 0..<l {
                        let dst = pc + (bi * l + t) * rowLen + c * k
                        // The window wraps at most once: two contiguous runs.
                        let first = Swift.min(k, l - t)
                        copyElements(from: src + t, to: dst, count: first)
                        if first < k { copyElements(from: src, to: dst + first, count: k - first) }
                    }
                }
            }
        } }
        return cols
    }

    /// The adjoint of ``im2col(_:kernelWidth:)``: dx[b, c, (t + k) mod L] += dcols[(b, t), (c, k)].
    public static func col2im<S>(_ dcols: Tensor<S>, batch b: Int, channels cin: Int, length l: Int, kernelWidth k: Int) -> Tensor<S> {
        let dx = Tensor<S>(shape: [b, cin, l])
        dcols.withUnsafePointer { pc in dx.withSharedMutablePointer { px in
            let rowLen = cin * k
            for bi in 0..<b {
                for c in 0..<cin {
                    let dst = px + (bi * cin + c) * l
                    for t in 0..<l {
                        let src = pc + (bi * l + t) * rowLen + c * k
                        // The window wraps at most once: two contiguous accumulations.
                        let first = Swift.min(k, l - t)
                        S.binaryKernel(.add, dst + t, 1, src, 1, dst + t, first)
                        if first < k { S.binaryKernel(.add, dst, 1, src + first, 1, dst, k - first) }
                    }
                }
            }
        } }
        return dx
    }

    /// The forward pass; also returns the im2col matrix for reuse by the backward pass.
    public static func forward<S>(_ x: Tensor<S>, _ w: Tensor<S>) -> (y: Tensor<S>, cols: Tensor<S>) {
        let (b, _, l, cout, k) = check(x, w)
        let cols = im2col(x, kernelWidth: k)
        let y = Tensor.matmul(cols, w.reshaped([cout, -1]), transposeB: true)   // [B·L, Cout]
        return (y.reshaped([b, l, cout]).permuted([0, 2, 1]), cols)
    }

    /// Gradients with respect to x and w, given dL/dy and the forward pass's `cols`.
    public static func backward<S>(_ x: Tensor<S>, _ w: Tensor<S>, cols: Tensor<S>, dy: Tensor<S>) -> (dx: Tensor<S>, dw: Tensor<S>) {
        let (b, cin, l, cout, k) = check(x, w)
        guard dy.shape == [b, cout, l] else { tensorFailure("circularConv1d backward", "gradient shape \(dy.shape) should be \([b, cout, l])") }
        let g = dy.permuted([0, 2, 1]).reshaped([b * l, cout])                       // [B·L, Cout]
        let dw = Tensor.matmul(g, cols, transposeA: true).reshaped(w.shape)          // [Cout, Cin·K]
        let dcols = Tensor.matmul(g, w.reshaped([cout, -1]))                          // [B·L, Cin·K]
        return (col2im(dcols, batch: b, channels: cin, length: l, kernelWidth: k), dw)
    }
}

// MARK: - Channels-last windows

/// The channels-last layout of the same convolution, which the models use: x [B, L, C].
///
/// There a window of K positions is K consecutive rows of C channels, i.e. one contiguous run of
/// K·C elements (wrapping at most once), so building the im2col matrix is two copies per output
/// position instead of two per position *and channel*, and the product's output [B·L, Cout] is
/// already [B, L, Cout] — no permute on either pass.
extension CircularConv1D {
    /// windows[(b, t), (k, c)] = x[b, (t + k) mod L, c], shape [B·L, K·C].
    /// (Specialized: called from the autodiff module, a generic body would run through value
    /// witnesses, one dynamic call per row — 6% of the cnn-hard step in metadata lookups.)
    @_specialize(where S == Double) @_specialize(where S == Float)
    public static func windows<S>(_ x: Tensor<S>, width k: Int) -> Tensor<S> {
        guard x.rank == 3, k >= 1, k <= x.shape[1] else {
            tensorFailure("circularWindows", "needs x [B, L, C] and a width in 1…L, got shape \(x.shape) and width \(k)")
        }
        let (b, l, c) = (x.shape[0], x.shape[1], x.shape[2])
        let out = Tensor<S>(uninitializedShape: [b * l, k * c])
        x.withUnsafePointer { px in out.withSharedMutablePointer { po in
            for bi in 0..<b {
                let src = px + bi * l * c
                for t in 0..<l {
                    let dst = po + (bi * l + t) * k * c
                    let first = Swift.min(k, l - t)
                    copyElements(from: src + t * c, to: dst, count: first * c)
                    if first < k { copyElements(from: src, to: dst + first * c, count: (k - first) * c) }
                }
            }
        } }
        return out
    }

    /// The adjoint of ``windows(_:width:)``: dx[b, (t + k) mod L, c] += dwindows[(b, t), (k, c)].
    @_specialize(where S == Double) @_specialize(where S == Float)
    public static func windowsAdjoint<S>(_ dw: Tensor<S>, batch b: Int, length l: Int, channels c: Int, width k: Int) -> Tensor<S> {
        guard dw.shape == [b * l, k * c] else {
            tensorFailure("circularWindows backward", "gradient shape \(dw.shape) should be \([b * l, k * c])")
        }
        let dx = Tensor<S>(shape: [b, l, c])
        dw.withUnsafePointer { pw in dx.withSharedMutablePointer { px in
            for bi in 0..<b {
                let dst = px + bi * l * c
                for t in 0..<l {
                    let src = pw + (bi * l + t) * k * c
                    let first = Swift.min(k, l - t)
                    // A short run (K·C elements) per row: an inline loop, not a kernel call.
                    let head = dst + t * c
                    for j in 0..<(first * c) { head[j] += src[j] }
                    if first < k { for j in 0..<((k - first) * c) { dst[j] += src[first * c + j] } }
                }
            }
        } }
        return dx
    }
}
