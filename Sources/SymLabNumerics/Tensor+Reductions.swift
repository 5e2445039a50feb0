// Sums and means over axes. Axis sums are matrix–vector products with a vector of ones,
// so they go through BLAS gemv.

extension Tensor {
    /// Σ of all elements, as a rank-0 tensor.
    public func sum() -> Tensor { Tensor(scalar: withUnsafePointer { Scalar.sumKernel($0, count) }) }

    /// Mean of all elements, as a rank-0 tensor.
    public func mean() -> Tensor {
        guard count > 0 else { tensorFailure("mean", "tensor of shape \(shape) is empty") }
        return Tensor(scalar: withUnsafePointer { Scalar.sumKernel($0, count) } / Scalar(count))
    }

    /// Normalises possibly negative axes (−1 is the last) and checks them.
    public func normalizedAxes(_ axes: [Int], op: String) -> [Int] {
        let out = axes.map { $0 < 0 ? $0 + rank : $0 }
        for (a, o) in zip(axes, out) where o < 0 || o >= rank {
            tensorFailure(op, "axis \(a) out of range for shape \(shape)")
        }
        guard Set(out).count == out.count else { tensorFailure(op, "repeated axis in \(axes) for shape \(shape)") }
        return out.sorted()
    }

    /// Sum over `axes`; with `keepDims` the summed axes stay with extent 1.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, op: "sum(axes:)")
        var cur = self
        var curShape = shape
        // Reduce runs of adjacent axes at once, from the last run back, so earlier axis
        // numbers stay valid.
        var runs: [(Int, Int)] = []
        for a in ax {
            if let last = runs.last, last.1 == a { runs[runs.count - 1].1 = a + 1 } else { runs.append((a, a + 1)) }
        }
        for (lo, hi) in runs.reversed() {
            let o = curShape[..<lo].reduce(1, *)
            let j = curShape[lo..<hi].reduce(1, *)
            let i = curShape[hi...].reduce(1, *)
            cur = cur.sumMiddleAxis(outer: o, reduced: j, inner: i)
            curShape.replaceSubrange(lo..<hi, with: [1])
            if hi - lo > 1 { curShape.insert(contentsOf: [Int](repeating: 1, count: hi - lo - 1), at: lo) }
        }
        if keepDims { return cur.reshaped(curShape) }
        return cur.reshaped(curShape.enumerated().filter { !ax.contains($0.offset) }.map(\.element))
    }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, op: "mean(axes:)")
        let n = ax.reduce(1) { $0 * shape[$1] }
        guard n > 0 else { tensorFailure("mean(axes:)", "mean over empty axes \(axes) of shape \(shape)") }
        return sum(axes: ax, keepDims: keepDims).scaled(by: 1 / Scalar(n))
    }

    /// Sums this tensor down to `target`, a shape that broadcasts to ours: the adjoint of
    /// broadcasting, used by the backward pass of every broadcasting op.
    public func sum(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        guard target.count <= rank, Broadcast.shape(target, shape, op: "sum(toShape:)") == shape else {
            tensorFailure("sum(toShape:)", "shape \(target) does not broadcast to \(shape)")
        }
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for d in lead..<rank where target[d - lead] == 1 && shape[d] != 1 { axes.append(d) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    /// Viewing self as [outer, reduced, inner], returns Σ over the middle axis as [outer·inner].
    func sumMiddleAxis(outer o: Int, reduced j: Int, inner i: Int) -> Tensor {
        if j == 1 { return reshaped([o * i]) }
        let out = Tensor(shape: [o * i])
        guard o * i > 0 else { return out }
        let ones = Tensor.ones([j])
        withUnsafePointer { x in out.withSharedMutablePointer { y in ones.withUnsafePointer { e in
            if i == 1 {
                Scalar.blasGemv(trans: false, m: o, n: j, alpha: 1, a: x, lda: j, x: e, incx: 1, beta: 0, y: y, incy: 1)
            } else {
                for k in 0..<o {
                    Scalar.blasGemv(trans: true, m: j, n: i, alpha: 1, a: x + k * j * i, lda: i,
                                    x: e, incx: 1, beta: 0, y: y + k * i, incy: 1)
                }
            }
        } } }
        return out
    }
}
