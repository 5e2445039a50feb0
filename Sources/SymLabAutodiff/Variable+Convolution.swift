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
