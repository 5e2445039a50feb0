// Matrix products. Every one is a BLAS call (gemm, gemv); nothing here loops over elements.

extension Tensor {
    /// op(a)·op(b) for matrices, where op transposes when asked. A left operand of rank > 2
    /// (untransposed) is treated as a stack of rows: [..., K]·[K, N] → [..., N].
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        if a.rank > 2 && !transposeA && b.rank == 2 {
            let k = a.shape[a.rank - 1]
            let flat = matmul(a.reshaped([-1, k]), b, transposeB: transposeB)
            return flat.reshaped(Array(a.shape.dropLast()) + [flat.shape[1]])
        }
        let (m, n, _) = productShape(a, b, transposeA, transposeB, op: "matmul")
        var c = Tensor(uninitializedShape: [m, n])
        gemm(a, b, transposeA: transposeA, transposeB: transposeB, alpha: 1, beta: 0, into: &c)
        return c
    }

    /// c ← α·op(a)·op(b) + β·c, in place (BLAS gemm). With β = 1 this accumulates, which is
    /// how the backward pass adds weight gradients without a temporary.
    public static func gemm(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                            alpha: Scalar = 1, beta: Scalar = 0, into c: inout Tensor) {
        let (m, n, k) = productShape(a, b, transposeA, transposeB, op: "gemm")
        guard c.shape == [m, n] else {
            tensorFailure("gemm", "output shape \(c.shape) should be \([m, n]) for \(a.shape)\(transposeA ? "ᵀ" : "")·\(b.shape)\(transposeB ? "ᵀ" : "")")
        }
        if m == 0 || n == 0 { return }
        if k == 0 { c.withUnsafeMutablePointer { zeroElements($0, count: m * n) }; return }
        a.withUnsafePointer { pa in b.withUnsafePointer { pb in c.withUnsafeMutablePointer { pc in
            Scalar.blasGemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha,
                            a: pa, lda: a.shape[1], b: pb, ldb: b.shape[1], beta: beta, c: pc, ldc: n)
        } } }
    }

    /// c ← α·aᵀa + β·c for a [k, n], c [n, n] (BLAS syrk): the Gram matrix at half gemm's cost.
    /// Only the upper triangle of c is written; ``mirrorUpperTriangle()`` completes it once the
    /// accumulation is done.
    public static func syrk(_ a: Tensor, alpha: Scalar = 1, beta: Scalar = 0, into c: inout Tensor) {
        guard a.rank == 2, c.shape == [a.shape[1], a.shape[1]] else { tensorFailure("syrk", "output shape \(c.shape) should be [\(a.shape.last ?? 0), \(a.shape.last ?? 0)] for \(a.shape)ᵀ·\(a.shape)") }
        let n = a.shape[1], k = a.shape[0]
        if n == 0 || k == 0 { return }
        a.withUnsafePointer { pa in c.withUnsafeMutablePointer { pc in
            Scalar.blasSyrkTransposed(n: n, k: k, alpha: alpha, a: pa, lda: n, beta: beta, c: pc, ldc: n)
        } }
    }

    /// Copies the upper triangle of a square matrix onto its lower one (after ``syrk(_:alpha:beta:into:)``).
    public mutating func mirrorUpperTriangle() {
        guard rank == 2, shape[0] == shape[1] else { tensorFailure("mirrorUpperTriangle", "needs a square matrix, got shape \(shape)") }
        let n = shape[0]
        withUnsafeMutablePointer { p in for i in 0..<n { for j in 0..<i { p[i * n + j] = p[j * n + i] } } }
    }

    static func productShape(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool, op: String) -> (Int, Int, Int) {
        guard a.rank == 2, b.rank == 2 else {
            tensorFailure(op, "needs matrices, got shapes \(a.shape) and \(b.shape)")
        }
        let (m, k1) = ta ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = tb ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k1 == k2 else {
            tensorFailure(op, "inner dimensions differ: \(a.shape)\(ta ? "ᵀ" : "") · \(b.shape)\(tb ? "ᵀ" : "") (\(k1) vs \(k2))")
        }
        return (m, n, k1)
    }

    /// Per-matrix m·n·k up to which ``batchedMatmul(_:_:transposeA:transposeB:)`` uses the batched
    /// small-product kernel instead of one BLAS call per matrix (a 32³ product; the graphs of the
    /// papers are 10–16 nodes wide).
    static var smallBatchedProductLimit: Int { 32 * 32 * 32 }

    /// Batched product [B, M, K]·[B, K, N] → [B, M, N] (with optional transposes of each
    /// factor's last two axes): one gemm per batch element, or the small-product kernel over the
    /// whole batch, on `threads` threads (default: BLAS's), when the matrices are small (and B is not
    /// transposed). The result does not depend on `threads`.
    public static func batchedMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                                     threads: Int = BLAS.threads) -> Tensor {
        guard a.rank == 3, b.rank == 3, a.shape[0] == b.shape[0] else {
            tensorFailure("batchedMatmul", "needs [B, M, K] and [B, K, N], got shapes \(a.shape) and \(b.shape)")
        }
        let batch = a.shape[0]
        // Shapes of one batch element, read off the shapes (the batch may be empty).
        let (m, k1) = transposeA ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
        let (k2, n) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
        guard k1 == k2 else {
            tensorFailure("batchedMatmul", "inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") (\(k1) vs \(k2))")
        }
        let k = k1
        if batch * m * n * k == 0 { return Tensor(shape: [batch, m, n]) }
        let c = Tensor(uninitializedShape: [batch, m, n])
        let sa = a.shape[1] * a.shape[2], sb = b.shape[1] * b.shape[2], sc = m * n
        a.withUnsafePointer { pa in b.withUnsafePointer { pb in c.withSharedMutablePointer { pc in
            if !transposeB && m * n * k <= smallBatchedProductLimit {
                Scalar.batchedSmallGemm(transA: transposeA, batch: batch, m: m, n: n, k: k,
                                        a: pa, strideA: sa, b: pb, strideB: sb, c: pc, strideC: sc, threads: threads)
                return
            }
            for i in 0..<batch {
                Scalar.blasGemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: 1,
                                a: pa + i * sa, lda: a.shape[2], b: pb + i * sb, ldb: b.shape[2],
                                beta: 0, c: pc + i * sc, ldc: n)
            }
        } } }
        return c
    }

    /// op(a)·x for a matrix and a vector (BLAS gemv).
    public static func matvec(_ a: Tensor, _ x: Tensor, transpose: Bool = false) -> Tensor {
        guard a.rank == 2, x.rank == 1, x.shape[0] == (transpose ? a.shape[0] : a.shape[1]) else {
            tensorFailure("matvec", "shapes \(a.shape)\(transpose ? "ᵀ" : "") and \(x.shape) do not multiply")
        }
        let outN = transpose ? a.shape[1] : a.shape[0]
        var y = Tensor(shape: [outN])
        if a.count == 0 { return y }
        a.withUnsafePointer { pa in x.withUnsafePointer { px in y.withSharedMutablePointer { py in
            Scalar.blasGemv(trans: transpose, m: a.shape[0], n: a.shape[1], alpha: 1, a: pa, lda: a.shape[1],
                            x: px, incx: 1, beta: 0, y: py, incy: 1)
        } } }
        return y
    }

    /// xᵀy of two vectors of equal length (BLAS dot).
    public static func dot(_ x: Tensor, _ y: Tensor) -> Scalar {
        guard x.count == y.count else { tensorFailure("dot", "shapes \(x.shape) and \(y.shape) differ in size") }
        return x.withUnsafePointer { px in y.withUnsafePointer { py in Scalar.blasDot(n: x.count, x: px, incx: 1, y: py, incy: 1) } }
    }

    /// x·yᵀ (BLAS ger).
    public static func outer(_ x: Tensor, _ y: Tensor) -> Tensor {
        guard x.rank == 1, y.rank == 1 else { tensorFailure("outer", "needs vectors, got shapes \(x.shape) and \(y.shape)") }
        var a = Tensor(shape: [x.count, y.count])
        if a.count == 0 { return a }
        x.withUnsafePointer { px in y.withUnsafePointer { py in a.withSharedMutablePointer { pa in
            Scalar.blasGer(m: x.count, n: y.count, alpha: 1, x: px, incx: 1, y: py, incy: 1, a: pa, lda: y.count)
        } } }
        return a
    }

    /// Euclidean (Frobenius) norm.
    public var norm: Scalar { Tensor.dot(self, self).squareRoot() }
}
