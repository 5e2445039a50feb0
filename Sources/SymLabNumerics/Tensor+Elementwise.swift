// Elementwise arithmetic and pointwise functions. Binary operators broadcast (``Broadcast``).

extension Tensor {
    /// f applied to every element.
    public func map(_ op: UnaryOp) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        withUnsafePointer { x in out.withSharedMutablePointer { y in Scalar.unaryKernel(op, x, y, count) } }
        return out
    }

    /// dy·f′(x) for y = f(x): the backward pass of ``map(_:)``.
    public static func mapBackward(_ op: UnaryOp, x: Tensor, y: Tensor, dy: Tensor) -> Tensor {
        guard x.shape == dy.shape, y.shape == dy.shape else {
            tensorFailure("\(op) backward", "shapes \(x.shape) and \(dy.shape) differ")
        }
        let dx = Tensor(uninitializedShape: x.shape)
        x.withUnsafePointer { px in y.withUnsafePointer { py in dy.withUnsafePointer { pdy in
            dx.withSharedMutablePointer { pdx in Scalar.unaryBackwardKernel(op, px, py, pdy, pdx, x.count) }
        } } }
        return dx
    }

    /// `op` on broadcast operands.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = Broadcast.shape(a.shape, b.shape, op: op.description)
        let out = Tensor(uninitializedShape: shape)
        out.withSharedMutablePointer { Broadcast.apply(op, a, b, into: $0, outShape: shape) }
        return out
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(.sub, a, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(.mul, a, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(.div, a, b) }
    public static prefix func - (a: Tensor) -> Tensor { a.map(.neg) }

    public static func + (a: Tensor, s: Scalar) -> Tensor { a.map(.affine(scale: 1, shift: Double(s))) }
    public static func - (a: Tensor, s: Scalar) -> Tensor { a.map(.affine(scale: 1, shift: -Double(s))) }
    public static func * (a: Tensor, s: Scalar) -> Tensor { a.scaled(by: s) }
    public static func * (s: Scalar, a: Tensor) -> Tensor { a.scaled(by: s) }
    public static func / (a: Tensor, s: Scalar) -> Tensor { a.scaled(by: 1 / s) }

    /// α·self (BLAS scal on a copy).
    public func scaled(by alpha: Scalar) -> Tensor {
        let out = copy()
        out.withSharedMutablePointer { Scalar.blasScal(n: count, alpha: alpha, x: $0, incx: 1) }
        return out
    }

    /// self += α·other (BLAS axpy); shapes must match exactly.
    public mutating func add(_ other: Tensor, scaledBy alpha: Scalar = 1) {
        guard other.shape == shape else { tensorFailure("add(_:scaledBy:)", "shapes \(shape) and \(other.shape) differ") }
        let n = count
        other.withUnsafePointer { x in withUnsafeMutablePointer { y in Scalar.blasAxpy(n: n, alpha: alpha, x: x, incx: 1, y: y, incy: 1) } }
    }

    public static func += (a: inout Tensor, b: Tensor) { a.add(b) }

    /// Sets every element to `value`.
    public mutating func fill(_ value: Scalar) {
        let n = count
        withUnsafeMutablePointer { Scalar.fillKernel($0, value, n) }
    }

    /// True when no element is NaN or ±∞.
    public var isFinite: Bool {
        withUnsafePointer { p in
            // A sum is NaN iff some element is NaN or the elements include both infinities or
            // overflow; one pass, then the slow check only if needed.
            let s = Scalar.sumKernel(p, count)
            if s.isFinite { return true }
            return (0..<count).allSatisfy { p[$0].isFinite }
        }
    }
}
