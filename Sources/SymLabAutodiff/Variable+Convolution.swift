import SymLabNumerics

extension Variable {
    /// Circular 1-D convolution: x [B, Cin, L], w [Cout, Cin, K] → [B, Cout, L], with
    /// y[b, o, t] = Σ_c Σ_k w[o, c, k]·x[b, c, (t + k) mod L] (see `CircularConv1D`).
    public static func circularConv1d(_ x: Variable, _ w: Variable) -> Variable {
        let (xv, wv) = (x.value, w.value)
        let (y, cols) = CircularConv1D.forward(xv, wv)
        let needX = x.requiresGrad
        return x.tape.record(y, op: "circularConv1d", inputs: [x, w]) { g in
            let (dx, dw) = CircularConv1D.backward(xv, wv, cols: cols, dy: g)
            return [needX ? dx : nil, dw]
        }
    }
}

extension Variable {
    /// The circular windows of a channels-last x [B, L, C]: [B·L, K·C] with row (b, t) holding
    /// x[b, t…t+K−1 (mod L), :]. A circular convolution is then one ``dense(_:bias:scale:activation:)``
    /// node on these rows (see `CircularConv1D.windows`).
    public func circularWindows(width k: Int) -> Variable {
        let x = value
        let (b, l, c) = (x.shape.count == 3 ? x.shape[0] : 0, x.shape.count == 3 ? x.shape[1] : 0, x.shape.count == 3 ? x.shape[2] : 0)
        return tape.record(CircularConv1D.windows(x, width: k), op: "circularWindows", inputs: [self]) { g in
            [CircularConv1D.windowsAdjoint(g, batch: b, length: l, channels: c, width: k)]
        }
    }
}

extension Variable {
    /// σ(c·conv(x, W) + b) for a channels-last x [B, L, Cin] and a kernel W [K·Cin, Cout] (the
    /// layout of ``circularWindows(width:)``'s product), σ = ReLU (`relu`) or the identity — and,
    /// with `pooling`, its sum or mean over positions [B, Cout] instead of the [B, L, Cout] maps.
    /// One tape node on the direct kernel (``CircularConv1D/directForward(_:kernel:bias:scale:relu:pooling:threads:)``):
    /// no window matrix, and bias, activation and pooling fused into the product's passes.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public static func circularConvolution(_ x: Variable, kernel w: Variable, bias b: Variable?, scale c: S = 1, relu: Bool,
                                           pooling: CircularConv1D.Pooling? = nil) -> Variable {
        convolutionNode(x, w, kernel: w.value, bias: b, scale: c, relu: relu, pooling: pooling) { $0 }
    }

    /// The same node for a weight stored as a layer keeps it, [Cout, Cin, K] (PyTorch's Conv1d
    /// layout): the kernel's [K·Cin, Cout] layout and the gradient's way back are formed inside the
    /// node, instead of as permute and reshape nodes of their own every step.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public static func circularConvolution(_ x: Variable, weight w: Variable, bias b: Variable?, scale c: S = 1, relu: Bool,
                                           pooling: CircularConv1D.Pooling? = nil) -> Variable {
        let kernel = CircularConv1D.kernelLayout(weight: w.value)
        let cin = w.shape[1]
        return convolutionNode(x, w, kernel: kernel, bias: b, scale: c, relu: relu, pooling: pooling) {
            CircularConv1D.weightLayout(kernel: $0, inputChannels: cin)
        }
    }

    /// The node of both forms: `kernel` is W's value as [K·Cin, Cout], `toWeight` maps dL/dkernel
    /// to dL/dW.
    private static func convolutionNode(_ x: Variable, _ w: Variable, kernel wv: Tensor<S>, bias b: Variable?, scale c: S, relu: Bool,
                                        pooling: CircularConv1D.Pooling?, toWeight: @escaping (Tensor<S>) -> Tensor<S>) -> Variable {
        let xv = x.value
        let (y, pooled) = CircularConv1D.directForward(xv, kernel: wv, bias: b?.value, scale: c, relu: relu, pooling: pooling)
        let (needX, needW, needB) = (x.requiresGrad, w.requiresGrad, b?.requiresGrad ?? false)
        var inputs = [x, w]
        if let b { inputs.append(b) }
        let hasBias = b != nil
        return x.tape.record(pooled ?? y, op: "circularConvolution", inputs: inputs) { g in
            let (dx, dw, db) = CircularConv1D.directBackward(xv, kernel: wv, scale: c, output: y, relu: relu, gradient: g,
                                                             pooling: pooling, inputGradient: needX, biasGradient: needB)
            let dWeight = needW ? toWeight(dw) : nil
            return hasBias ? [dx, dWeight, db] : [dx, dWeight]
        }
    }
}
