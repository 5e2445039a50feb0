import SymLabNumerics

// Pointwise functions. Forward and derivative of each live together in SymLabNumerics
// (`UnaryOp`, specialized vector kernels); this file records them on the tape.

extension Variable {
    /// f applied elementwise, for any ``UnaryOp``.
    public func map(_ op: UnaryOp) -> Variable {
        let x = value
        let y = x.map(op)
        return tape.record(y, op: op.description, inputs: [self]) { g in
            [Tensor.mapBackward(op, x: x, y: y, dy: g)]
        }
    }

    public func relu() -> Variable { map(.relu) }
    public func leakyRelu(slope: Double = 0.01) -> Variable { map(.leakyRelu(slope: slope)) }
    public func abs() -> Variable { map(.abs) }
    public func tanh() -> Variable { map(.tanh) }
    public func sigmoid() -> Variable { map(.sigmoid) }
    public func softplus() -> Variable { map(.softplus) }
    /// GELU with the exact Gaussian CDF: x·Φ(x).
    public func gelu() -> Variable { map(.gelu) }
    /// erf(scale·x); scale 1/√2 is the committee machines' g(x) = erf(x/√2).
    public func erf(scale: Double = 1) -> Variable { map(.erf(scale: scale)) }
    /// The smoothed ReLU (``UnaryOp/smoothRelu(q:rho:)``): cubic-type near 0, linear past ρ.
    public func smoothRelu(q: Int = 3, rho: Double) -> Variable { map(.smoothRelu(q: q, rho: rho)) }
    public func exp() -> Variable { map(.exp) }
    public func log() -> Variable { map(.log) }
    public func square() -> Variable { map(.square) }
    public func sqrt() -> Variable { map(.sqrt) }
    /// xᵖ (integral p is defined for negative x too).
    public func pow(_ p: Double) -> Variable { map(.power(p)) }
}
