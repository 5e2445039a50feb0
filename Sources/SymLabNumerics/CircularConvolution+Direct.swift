/// The direct circular convolution of channels-last inputs, with its bias, ReLU and (optionally)
/// the pooling over positions fused in:
///
///     z[b, t, :] = c · Σ_{k<K, i<Cin} x[b, (t + k) mod L, i] · W[k·Cin + i, :],   y = σ(z + bias)
///     pooled[b, :] = Σ_t y[b, t, :]  (sum)  or  (1/L)·Σ_t y[b, t, :]  (mean)
///
/// for x [B, L, Cin] and W [K·Cin, Cout] (the layout of ``CircularConv1D/windows(_:width:)``'s
/// product), σ = ReLU or the identity. The windows path materialises [B·L, K·Cin] windows and runs
/// one BLAS product and then separate passes for bias, activation, pooling and, backward, their
/// adjoints: about eight passes over [B·L, Cout] per step, which on the papers' CNNs (L = 16) cost
/// more than the products. Here each sample's input is copied into a ring-padded tile and the
/// windows are read from it in place by a register-blocked kernel that applies bias and ReLU before
/// its stores (`CSymLabKernels/CircularConvolution.c`); backward builds σ′ ⊙ g per sample in a tile
/// and forms the kernel, bias and input gradients from it. The gradients are summed over fixed
/// blocks of samples and then over the blocks in order, so the result is the same for every thread
/// count.
extension CircularConv1D {
    public enum Pooling: Sendable, Equatable { case sum, mean }

    /// Kernels with more elements (K·Cin·Cout) than this stay on the windows + BLAS path: the direct
    /// kernel streams the whole kernel from cache for every pair of output rows, where BLAS packs it
    /// into L1-sized panels.
    public static let directKernelLimit = 32 * 1024

    /// Samples per block of the backward pass's gradient sums.
    static let gradientBlock = 32

    static func directShape<S>(_ x: Tensor<S>, _ w: Tensor<S>, op: String) -> (b: Int, l: Int, cin: Int, k: Int, cout: Int) {
        guard x.rank == 3, w.rank == 2, x.shape[1] >= 1, x.shape[2] >= 1, w.shape[0] % x.shape[2] == 0 else {
            tensorFailure(op, "needs x [B, L, Cin] and a kernel [K·Cin, Cout], got shapes \(x.shape) and \(w.shape)")
        }
        let (b, l, cin, cout) = (x.shape[0], x.shape[1], x.shape[2], w.shape[1])
        let k = w.shape[0] / cin
        guard k >= 1 && k <= l else {
            tensorFailure(op, "kernel width \(k) (kernel \(w.shape) over \(cin) channels) must be between 1 and the length \(l)")
        }
        return (b, l, cin, k, cout)
    }

    /// A weight in PyTorch's Conv1d layout [Cout, Cin, K] as the direct kernel's [K·Cin, Cout]:
    /// kernel[k·Cin + i, o] = W[o, i, k]. (One specialised pass: done as a generic permute every
    /// step it cost more than the copy itself.)
    @_specialize(where S == Double) @_specialize(where S == Float)
    public static func kernelLayout<S>(weight w: Tensor<S>) -> Tensor<S> {
        guard w.rank == 3 else { tensorFailure("circularConvolution", "weight \(w.shape) should be [Cout, Cin, K]") }
        let (cout, cin, k) = (w.shape[0], w.shape[1], w.shape[2])
        let out = Tensor<S>(uninitializedShape: [k * cin, cout])
        w.withUnsafePointer { pw in out.withSharedMutablePointer { po in
            for o in 0..<cout { for i in 0..<cin { for kk in 0..<k { po[(kk * cin + i) * cout + o] = pw[(o * cin + i) * k + kk] } } }
        } }
        return out
    }

    /// The inverse of ``kernelLayout(weight:)``: a [K·Cin, Cout] kernel (gradient) as [Cout, Cin, K].
    @_specialize(where S == Double) @_specialize(where S == Float)
    public static func weightLayout<S>(kernel g: Tensor<S>, inputChannels cin: Int) -> Tensor<S> {
        guard g.rank == 2, cin >= 1, g.shape[0] % cin == 0 else {
            tensorFailure("circularConvolution", "kernel \(g.shape) is not [K·Cin, Cout] for \(cin) input channels")
        }
        let (k, cout) = (g.shape[0] / cin, g.shape[1])
        let out = Tensor<S>(uninitializedShape: [cout, cin, k])
        g.withUnsafePointer { pg in out.withSharedMutablePointer { po in
            for o in 0..<cout { for i in 0..<cin { for kk in 0..<k { po[(o * cin + i) * k + kk] = pg[(kk * cin + i) * cout + o] } } }
        } }
        return out
    }

    /// y = σ(c·conv(x, W) + bias) [B, L, Cout], and pooled [B, Cout] when `pooling` is given.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public static func directForward<S>(_ x: Tensor<S>, kernel w: Tensor<S>, bias: Tensor<S>?, scale c: S, relu: Bool,
                                        pooling: Pooling?, threads: Int = BLAS.threads) -> (y: Tensor<S>, pooled: Tensor<S>?) {
        let (b, l, cin, k, cout) = directShape(x, w, op: "circularConvolution")
        if let bias, bias.shape != [cout] { tensorFailure("circularConvolution", "bias \(bias.shape) does not match \(cout) output channels") }
        let y = Tensor<S>(uninitializedShape: [b, l, cout])
        let pooled = pooling == nil ? nil : Tensor<S>(uninitializedShape: [b, cout])
        let poolScale: S = pooling == .mean ? 1 / S(l) : 1
        x.withUnsafePointer { px in w.withUnsafePointer { pw in y.withSharedMutablePointer { py in
            withOptionalPointer(bias) { pb in withOptionalMutablePointer(pooled) { pp in
                BLASTimer.measure {
                    Parallel.forEachChunk(b, work: b * l * k * cin * cout, threads: threads) { r in
                        withUnsafeTemporaryAllocation(of: S.self, capacity: (l + k - 1) * cin) { scratch in
                            S.circularConvolutionForwardKernel(DirectConvolutionForward(
                                samples: r, length: l, inputChannels: cin, width: k, outputChannels: cout, x: px, kernel: pw,
                                scale: c, bias: pb, relu: relu, y: py, pooled: pp, poolScale: poolScale, scratch: scratch.baseAddress!))
                        }
                    }
                }
            } }
        } } }
        return (y, pooled)
    }

    /// The gradients of ``directForward(_:kernel:bias:scale:relu:pooling:threads:)`` given its output y
    /// and g = dL/dy [B, L, Cout] or, with `pooling`, dL/dpooled [B, Cout]: dL/dx (when
    /// `inputGradient`), dL/dW and dL/dbias (when `biasGradient`).
    @_specialize(where S == Double) @_specialize(where S == Float)
    public static func directBackward<S>(_ x: Tensor<S>, kernel w: Tensor<S>, scale c: S, output y: Tensor<S>, relu: Bool,
                                         gradient g: Tensor<S>, pooling: Pooling?, inputGradient: Bool, biasGradient: Bool,
                                         threads: Int = BLAS.threads) -> (dx: Tensor<S>?, dKernel: Tensor<S>, dBias: Tensor<S>?) {
        let (b, l, cin, k, cout) = directShape(x, w, op: "circularConvolution backward")
        let expected = pooling == nil ? [b, l, cout] : [b, cout]
        guard y.shape == [b, l, cout], g.shape == expected else {
            tensorFailure("circularConvolution backward", "output \(y.shape) and gradient \(g.shape) should be \([b, l, cout]) and \(expected)")
        }
        let poolScale: S = pooling == .mean ? 1 / S(l) : 1
        let dx = inputGradient ? Tensor<S>(uninitializedShape: [b, l, cin]) : nil
        // flipped[k'·Cout + o, i] = W[(K−1−k')·Cin + i, o]: the input gradient is a convolution of dz with it.
        let flipped: Tensor<S>? = inputGradient ? Tensor<S>(uninitializedShape: [k * cout, cin]) : nil
        if let flipped {
            w.withUnsafePointer { pw in flipped.withSharedMutablePointer { pf in
                for kk in 0..<k { for o in 0..<cout { for i in 0..<cin { pf[(kk * cout + o) * cin + i] = pw[((k - 1 - kk) * cin + i) * cout + o] } } }
            } }
        }
        let blocks = (b + gradientBlock - 1) / gradientBlock
        let per = k * cin * cout + cout                       // one block's kernel and bias sums
        let partial = Tensor<S>(uninitializedShape: [Swift.max(blocks, 1), per])
        if blocks == 0 { partial.withSharedMutablePointer { zeroElements($0, count: per) } }
        x.withUnsafePointer { px in y.withUnsafePointer { py in g.withUnsafePointer { pg in partial.withSharedMutablePointer { ps in
            withOptionalPointer(flipped) { pf in withOptionalMutablePointer(dx) { pdx in
                BLASTimer.measure {
                    Parallel.forEachChunk(blocks, work: 2 * b * l * k * cin * cout, threads: threads) { r in
                        withUnsafeTemporaryAllocation(of: S.self, capacity: (l + k - 1) * (cin + cout)) { scratch in
                            for block in r {
                                let samples = (block * gradientBlock)..<Swift.min(b, (block + 1) * gradientBlock)
                                zeroElements(ps + block * per, count: per)
                                S.circularConvolutionBackwardKernel(DirectConvolutionBackward(
                                    samples: samples, length: l, inputChannels: cin, width: k, outputChannels: cout, x: px,
                                    flippedKernel: pf, scale: c, y: py, relu: relu, gradient: pg, pooled: pooling != nil,
                                    poolScale: poolScale, kernelGradient: ps + block * per,
                                    biasGradient: biasGradient ? ps + block * per + k * cin * cout : nil,
                                    inputGradient: pdx, scratch: scratch.baseAddress!))
                            }
                        }
                    }
                }
            } }
        } } } }
        // Σ over blocks, in block order, straight into the results (a reduction through
        // Tensor.sum and views was 3 % of a small CNN's step).
        let dKernel = Tensor<S>(uninitializedShape: [k * cin, cout])
        let dBias = biasGradient ? Tensor<S>(uninitializedShape: [cout]) : nil
        partial.withUnsafePointer { ps in
            let sumBlocks = { (first: Int, count: Int, out: UnsafeMutablePointer<S>) in
                copyElements(from: ps + first, to: out, count: count)
                for block in 1..<Swift.max(blocks, 1) {
                    let row = ps + block * per + first
                    for e in 0..<count { out[e] += row[e] }
                }
            }
            dKernel.withSharedMutablePointer { sumBlocks(0, k * cin * cout, $0) }
            dBias?.withSharedMutablePointer { sumBlocks(k * cin * cout, cout, $0) }
        }
        return (dx, dKernel, dBias)
    }
}

/// One call of the direct convolution's forward kernel: samples, sizes and raw buffers (see
/// ``CircularConv1D/directForward(_:kernel:bias:scale:relu:pooling:threads:)``).
public struct DirectConvolutionForward<S: TensorScalar> {
    public var samples: Range<Int>
    public var length, inputChannels, width, outputChannels: Int
    public var x: UnsafePointer<S>, kernel: UnsafePointer<S>
    public var scale: S
    public var bias: UnsafePointer<S>?
    public var relu: Bool
    public var y: UnsafeMutablePointer<S>, pooled: UnsafeMutablePointer<S>?
    public var poolScale: S
    /// (L + K − 1)·Cin elements.
    public var scratch: UnsafeMutablePointer<S>

    public init(samples: Range<Int>, length: Int, inputChannels: Int, width: Int, outputChannels: Int, x: UnsafePointer<S>,
                kernel: UnsafePointer<S>, scale: S, bias: UnsafePointer<S>?, relu: Bool, y: UnsafeMutablePointer<S>,
                pooled: UnsafeMutablePointer<S>?, poolScale: S, scratch: UnsafeMutablePointer<S>) {
        self.samples = samples; self.length = length; self.inputChannels = inputChannels; self.width = width
        self.outputChannels = outputChannels; self.x = x; self.kernel = kernel; self.scale = scale; self.bias = bias
        self.relu = relu; self.y = y; self.pooled = pooled; self.poolScale = poolScale; self.scratch = scratch
    }
}

/// One call of the direct convolution's backward kernel (kernel and bias gradients accumulate).
public struct DirectConvolutionBackward<S: TensorScalar> {
    public var samples: Range<Int>
    public var length, inputChannels, width, outputChannels: Int
    public var x: UnsafePointer<S>, flippedKernel: UnsafePointer<S>?
    public var scale: S
    public var y: UnsafePointer<S>
    public var relu: Bool
    public var gradient: UnsafePointer<S>
    public var pooled: Bool
    public var poolScale: S
    public var kernelGradient: UnsafeMutablePointer<S>, biasGradient: UnsafeMutablePointer<S>?
    public var inputGradient: UnsafeMutablePointer<S>?
    /// (L + K − 1)·(Cin + Cout) elements.
    public var scratch: UnsafeMutablePointer<S>

    public init(samples: Range<Int>, length: Int, inputChannels: Int, width: Int, outputChannels: Int, x: UnsafePointer<S>,
                flippedKernel: UnsafePointer<S>?, scale: S, y: UnsafePointer<S>, relu: Bool, gradient: UnsafePointer<S>,
                pooled: Bool, poolScale: S, kernelGradient: UnsafeMutablePointer<S>, biasGradient: UnsafeMutablePointer<S>?,
                inputGradient: UnsafeMutablePointer<S>?, scratch: UnsafeMutablePointer<S>) {
        self.samples = samples; self.length = length; self.inputChannels = inputChannels; self.width = width
        self.outputChannels = outputChannels; self.x = x; self.flippedKernel = flippedKernel; self.scale = scale; self.y = y
        self.relu = relu; self.gradient = gradient; self.pooled = pooled; self.poolScale = poolScale
        self.kernelGradient = kernelGradient; self.biasGradient = biasGradient; self.inputGradient = inputGradient
        self.scratch = scratch
    }
}

// MARK: - Reference loops

extension CircularConv1D {
    /// The forward kernel's definition as plain loops: what Accelerate builds run, and what the
    /// tests hold the vectorized kernels to.
    public static func referenceForward<S>(_ a: DirectConvolutionForward<S>) {
        let (l, cin, k, cout) = (a.length, a.inputChannels, a.width, a.outputChannels)
        for s in a.samples {
            for o in 0..<cout { if let p = a.pooled { p[s * cout + o] = 0 } }
            for t in 0..<l {
                for o in 0..<cout {
                    var z: S = 0
                    for kk in 0..<k { for i in 0..<cin { z += a.x[(s * l + (t + kk) % l) * cin + i] * a.kernel[(kk * cin + i) * cout + o] } }
                    var v = a.scale * z + (a.bias?[o] ?? 0)
                    if a.relu { v = v > 0 ? v : 0 }
                    a.y[(s * l + t) * cout + o] = v
                    if let p = a.pooled { p[s * cout + o] += v }
                }
            }
            for o in 0..<cout { if let p = a.pooled { p[s * cout + o] *= a.poolScale } }
        }
    }

    /// The backward kernel's definition as plain loops (see ``referenceForward(_:)``).
    public static func referenceBackward<S>(_ a: DirectConvolutionBackward<S>) {
        let (l, cin, k, cout) = (a.length, a.inputChannels, a.width, a.outputChannels)
        for s in a.samples {
            if let dx = a.inputGradient { for e in 0..<(l * cin) { dx[s * l * cin + e] = 0 } }
            for t in 0..<l {
                for o in 0..<cout {
                    var d = a.pooled ? a.gradient[s * cout + o] * a.poolScale : a.gradient[(s * l + t) * cout + o]
                    if a.relu && !(a.y[(s * l + t) * cout + o] > 0) { d = 0 }
                    a.biasGradient?[o] += d
                    for kk in 0..<k {
                        for i in 0..<cin {
                            let row = (s * l + (t + kk) % l) * cin + i, wi = kk * cin + i
                            a.kernelGradient[wi * cout + o] += a.scale * a.x[row] * d
                            if let dx = a.inputGradient, let f = a.flippedKernel {
                                dx[row] += a.scale * f[((k - 1 - kk) * cout + o) * cin + i] * d
                            }
                        }
                    }
                }
            }
        }
    }
}

private func withOptionalPointer<S, R>(_ t: Tensor<S>?, _ body: (UnsafePointer<S>?) -> R) -> R {
    guard let t else { return body(nil) }
    return t.withUnsafePointer { body($0) }
}

private func withOptionalMutablePointer<S, R>(_ t: Tensor<S>?, _ body: (UnsafeMutablePointer<S>?) -> R) -> R {
    guard let t else { return body(nil) }
    return t.withSharedMutablePointer { body($0) }
}
