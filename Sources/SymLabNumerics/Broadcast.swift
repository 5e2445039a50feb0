/// Broadcasting — the one place the rules are written down.
///
/// SymmetryLab follows NumPy: shapes are aligned at their *trailing* axes; a missing leading
/// axis counts as extent 1; two extents are compatible when they are equal or one of them
/// is 1; the result takes the larger extent. So `[B, N] + [N]`, `[B, N] + [B, 1]` and
/// `[B, 1, N] + [M, 1]` broadcast, and `[B, N] + [B]` does not (align trailing axes:
/// N against B). The gradient of a broadcast operand is the incoming gradient summed over
/// the broadcast axes (``Tensor/sum(toShape:)``).
public enum Broadcast {
    /// The broadcast shape of `a` and `b`, or a stop naming `op` and both shapes.
    public static func shape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        if a == b { return a }
        let r = Swift.max(a.count, b.count)
        let pa = padded(a, to: r), pb = padded(b, to: r)
        var out = [Int](repeating: 0, count: r)
        for d in 0..<r {
            if pa[d] == pb[d] || pb[d] == 1 { out[d] = pa[d] }
            else if pa[d] == 1 { out[d] = pb[d] }
            else { tensorFailure(op, "shapes \(a) and \(b) do not broadcast (axis \(d - r): \(pa[d]) vs \(pb[d]))") }
        }
        return out
    }

    /// `shape` with leading 1s added to reach rank `r`.
    public static func padded(_ shape: [Int], to r: Int) -> [Int] {
        [Int](repeating: 1, count: r - shape.count) + shape
    }

    /// Applies `op` to every pair of elements of `a` and `b` broadcast to `outShape`, writing
    /// `out`. The loop runs over the longest trailing run in which each operand is either fully
    /// present or fully broadcast, so the inner call is one vectorized kernel.
    static func apply<S: TensorScalar>(_ op: BinaryOp, _ a: Tensor<S>, _ b: Tensor<S>, into out: UnsafeMutablePointer<S>, outShape: [Int]) {
        let n = outShape.reduce(1, *)
        guard n > 0 else { return }
        a.withUnsafePointer { pa in b.withUnsafePointer { pb in
            if a.shape == b.shape { S.binaryKernel(op, pa, 1, pb, 1, out, n); return }
            if b.count == 1 && a.count == n { S.binaryKernel(op, pa, 1, pb, 0, out, n); return }
            if a.count == 1 && b.count == n { S.binaryKernel(op, pa, 0, pb, 1, out, n); return }
            // Drop axes of extent 1 in the output; they index nothing.
            let r = outShape.count
            let sa = padded(a.shape, to: r), sb = padded(b.shape, to: r)
            var dims: [(n: Int, fullA: Bool, fullB: Bool)] = []
            for d in 0..<r where outShape[d] != 1 {
                dims.append((outShape[d], sa[d] != 1, sb[d] != 1))
            }
            // Trailing run with a uniform pattern.
            var inner = 1, k = dims.count
            let pattern = (dims.last!.fullA, dims.last!.fullB)
            while k > 0 && dims[k - 1].fullA == pattern.0 && dims[k - 1].fullB == pattern.1 {
                inner *= dims[k - 1].n; k -= 1
            }
            let outer = Array(dims[0..<k])
            // Element strides of a and b along the outer axes (0 where broadcast).
            var strideA = [Int](repeating: 0, count: k), strideB = [Int](repeating: 0, count: k)
            var accA = pattern.0 ? inner : 1, accB = pattern.1 ? inner : 1
            for d in stride(from: k - 1, through: 0, by: -1) {
                if outer[d].fullA { strideA[d] = accA; accA *= outer[d].n }
                if outer[d].fullB { strideB[d] = accB; accB *= outer[d].n }
            }
            let incA = pattern.0 ? 1 : 0, incB = pattern.1 ? 1 : 0
            var index = [Int](repeating: 0, count: k)
            var offA = 0, offB = 0, offOut = 0
            let total = n / inner
            for _ in 0..<total {
                S.binaryKernel(op, pa + offA, incA, pb + offB, incB, out + offOut, inner)
                offOut += inner
                // Odometer increment over the outer axes.
                var d = k - 1
                while d >= 0 {
                    index[d] += 1; offA += strideA[d]; offB += strideB[d]
                    if index[d] < outer[d].n { break }
                    offA -= strideA[d] * index[d]; offB -= strideB[d] * index[d]; index[d] = 0
                    d -= 1
                }
            }
        } }
    }
}
