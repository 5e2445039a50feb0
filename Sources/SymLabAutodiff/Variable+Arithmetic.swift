import SymLabNumerics

// Elementwise arithmetic with broadcasting (rules: SymLabNumerics `Broadcast`). The gradient
// of a broadcast operand is summed back to its shape.

extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable {
        let (sa, sb) = (a.shape, b.shape)
        return a.tape.record(a.value + b.value, op: "add", inputs: [a, b]) { g in
            [g.sum(toShape: sa), g.sum(toShape: sb)]
        }
    }

    public static func - (a: Variable, b: Variable) -> Variable {
        let (sa, sb) = (a.shape, b.shape)
        return a.tape.record(a.value - b.value, op: "sub", inputs: [a, b]) { g in
            [g.sum(toShape: sa), (-g).sum(toShape: sb)]
        }
    }

    public static func * (a: Variable, b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        let (needA, needB) = (a.requiresGrad, b.requiresGrad)
        return a.tape.record(x * y, op: "mul", inputs: [a, b]) { g in
            [needA ? (g * y).sum(toShape: x.shape) : nil, needB ? (g * x).sum(toShape: y.shape) : nil]
        }
    }

    public static func / (a: Variable, b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        let (needA, needB) = (a.requiresGrad, b.requiresGrad)
        let q = x / y
        return a.tape.record(q, op: "div", inputs: [a, b]) { g in
            let gx = g / y
            // d(x/y)/dy = −(x/y)/y
            return [needA ? gx.sum(toShape: x.shape) : nil, needB ? (-(gx * q)).sum(toShape: y.shape) : nil]
        }
    }

    public static prefix func - (a: Variable) -> Variable { a.map(.neg) }

    public static func + (a: Variable, s: S) -> Variable { a.map(.affine(scale: 1, shift: Double(s))) }
    public static func - (a: Variable, s: S) -> Variable { a.map(.affine(scale: 1, shift: -Double(s))) }
    public static func * (a: Variable, s: S) -> Variable { a.map(.affine(scale: Double(s), shift: 0)) }
    public static func * (s: S, a: Variable) -> Variable { a.map(.affine(scale: Double(s), shift: 0)) }
    public static func / (a: Variable, s: S) -> Variable { a.map(.affine(scale: 1 / Double(s), shift: 0)) }

    /// Elementwise maximum; the gradient goes to the larger operand (to `a` on ties).
    public static func maximum(_ a: Variable, _ b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        let out = Tensor.binary(.max, x, y)
        return a.tape.record(out, op: "maximum", inputs: [a, b]) { g in
            // mask = 1 where x ≥ y (broadcast), computed as (x ≥ y) ⇔ max(x, y) == x.
            let xb = x.broadcast(to: out.shape)
            let mask = Tensor<S>(shape: out.shape, scalars: zip(out.scalars, xb.scalars).map { $0 == $1 ? 1 : 0 })
            let ga = g * mask
            return [ga.sum(toShape: x.shape), (g - ga).sum(toShape: y.shape)]
        }
    }
}

extension Variable {
    /// The value, with no gradient flowing back through it.
    public func stopGradient() -> Variable { tape.constant(value) }
}
