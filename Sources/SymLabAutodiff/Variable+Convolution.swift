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
