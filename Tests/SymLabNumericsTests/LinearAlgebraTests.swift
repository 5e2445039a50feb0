#if canImport(CSymLabKernels)
import CSymLabKernels
#endif
import SymLabNumerics
import SymLabTestSupport
import Testing

/// BLAS-backed products against the naive triple loop; LAPACK factorizations by their defining identities.
@Suite struct LinearAlgebraTests {
    static let sizes: [(Int, Int, Int)] = [(1, 1, 1), (3, 5, 2), (7, 4, 9), (16, 33, 8)]

    @Test(arguments: sizes) func matmulMatchesNaiveLoopDouble(_ m: Int, _ k: Int, _ n: Int) {
        let a = gaussian([m, k], seed: 1), b = gaussian([k, n], seed: 2)
        #expect(maxAbsDifference(Tensor.matmul(a, b), naiveMatmul(a, b)) < 1e-12)
        #expect(maxAbsDifference(Tensor.matmul(a.transposed(), b, transposeA: true), naiveMatmul(a, b)) < 1e-12)
        #expect(maxAbsDifference(Tensor.matmul(a, b.transposed(), transposeB: true), naiveMatmul(a, b)) < 1e-12)
        #expect(maxAbsDifference(Tensor.matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true), naiveMatmul(a, b)) < 1e-12)
    }

    @Test(arguments: sizes) func matmulMatchesNaiveLoopFloat(_ m: Int, _ k: Int, _ n: Int) {
        let a: Tensor<Float> = gaussian([m, k], seed: 3).cast(), b: Tensor<Float> = gaussian([k, n], seed: 4).cast()
        #expect(maxAbsDifference(Tensor.matmul(a, b), naiveMatmul(a, b)) < 1e-4)
    }

    @Test func gemmAccumulates() {
        let a = gaussian([3, 4], seed: 5), b = gaussian([4, 2], seed: 6)
        var c = gaussian([3, 2], seed: 7)
        let c0 = c
        Tensor.gemm(a, b, alpha: 2, beta: 1, into: &c)
        #expect(maxAbsDifference(c, c0 + naiveMatmul(a, b) * 2) < 1e-12)
    }

    @Test func batchedMatvecDotOuter() {
        let a = gaussian([3, 2, 4], seed: 8), b = gaussian([3, 4, 5], seed: 9)
        let c = Tensor.batchedMatmul(a, b)
        for i in 0..<3 {
            let ai = a.rows(i..<(i + 1)).reshaped([2, 4]), bi = b.rows(i..<(i + 1)).reshaped([4, 5])
            #expect(maxAbsDifference(c.rows(i..<(i + 1)).reshaped([2, 5]), naiveMatmul(ai, bi)) < 1e-12)
        }
        let m = gaussian([4, 3], seed: 10), x = gaussian([3], seed: 11), y = gaussian([4], seed: 12)
        #expect(maxAbsDifference(Tensor.matvec(m, x), naiveMatmul(m, x.reshaped([3, 1])).reshaped([4])) < 1e-12)
        #expect(maxAbsDifference(Tensor.matvec(m, y, transpose: true), naiveMatmul(m.transposed(), y.reshaped([4, 1])).reshaped([3])) < 1e-12)
        #expect(Swift.abs(Tensor.dot(x, x) - x.scalars.map { $0 * $0 }.reduce(0, +)) < 1e-12)
        #expect(maxAbsDifference(Tensor.outer(y, x), naiveMatmul(y.reshaped([4, 1]), x.reshaped([1, 3]))) < 1e-12)
    }

    /// The small-product kernel's blocks and tails: odd m (a last single row), n with full 4-vector
    /// blocks, single vectors and scalar columns (1, 5, 37 columns; 8/4 lanes), Aᵀ, both precisions,
    /// and a size above the kernel's limit (one BLAS call per matrix) — each matrix against the naive loop.
    @Test(arguments: [(3, 1, 7, 1), (4, 16, 16, 32), (2, 10, 10, 64), (5, 7, 3, 37), (3, 9, 11, 5), (2, 40, 40, 40)])
    func batchedMatmulMatchesNaiveLoop(_ batch: Int, _ m: Int, _ k: Int, _ n: Int) {
        let a = gaussian([batch, m, k], seed: 40), b = gaussian([batch, k, n], seed: 41)
        let at = gaussian([batch, k, m], seed: 42)
        let (af, bf, atf): (Tensor<Float>, Tensor<Float>, Tensor<Float>) = (a.cast(), b.cast(), at.cast())
        let c = Tensor.batchedMatmul(a, b), ct = Tensor.batchedMatmul(at, b, transposeA: true)
        let cf = Tensor.batchedMatmul(af, bf), ctf = Tensor.batchedMatmul(atf, bf, transposeA: true)
        #expect(c.shape == [batch, m, n] && ct.shape == [batch, m, n] && cf.shape == [batch, m, n])
        func matrix<T>(_ x: Tensor<T>, _ i: Int) -> Tensor<T> { x.rows(i..<(i + 1)).reshaped(Array(x.shape.dropFirst())) }
        for i in 0..<batch {
            #expect(maxAbsDifference(matrix(c, i), naiveMatmul(matrix(a, i), matrix(b, i))) < 1e-12)
            #expect(maxAbsDifference(matrix(ct, i), naiveMatmul(matrix(at, i).transposed(), matrix(b, i))) < 1e-12)
            #expect(maxAbsDifference(matrix(cf, i), naiveMatmul(matrix(af, i), matrix(bf, i))) < 1e-4)
            #expect(maxAbsDifference(matrix(ctf, i), naiveMatmul(matrix(atf, i).transposed(), matrix(bf, i))) < 1e-4)
        }
    }

    /// gemm shapes small enough for the register-blocked kernel (contiguous operands, B ≤ 4,096
    /// elements, ≤ 2²⁰ multiply-adds: a network head's products; up to 2²⁴ at one BLAS thread: a
    /// GNN layer's [1100, 32]·[32, 32]), with B transposed or not and β ∈ {0, 1}, against the
    /// definition C ← α·A·op(B) + β·C; β = ½ and Aᵀ stay with OpenBLAS.
    @Test(arguments: [(256, 64, 32), (7, 13, 5), (33, 2, 64), (5, 4096, 1), (1100, 32, 32)])
    func smallGemmsMatchTheDefinition(_ m: Int, _ n: Int, _ k: Int) {
        var rng = RandomStream(seed: 78)
        for transA in [false, true] { for transB in [false, true] { for beta in [0.0, 1.0, 0.5] {
            let a = (0..<(m * k)).map { _ in rng.normal() }, b = (0..<(k * n)).map { _ in rng.normal() }
            var c = (0..<(m * n)).map { _ in rng.normal() }
            let c0 = c
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                Double.blasGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1.5, a: pa.baseAddress!, lda: transA ? m : k,
                                b: pb.baseAddress!, ldb: transB ? k : n, beta: beta, c: pc.baseAddress!, ldc: n)
            } } }
            var worst = 0.0
            for i in 0..<m { for j in 0..<n {
                var dot = 0.0
                for p in 0..<k { dot += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]) }
                worst = Swift.max(worst, Swift.abs(c[i * n + j] - (1.5 * dot + beta * c0[i * n + j])))
            } }
            #expect(worst < 1e-12, "m \(m) n \(n) k \(k) transA \(transA) transB \(transB) β \(beta)")
        } } }
    }

    /// gemm shapes that run as gemv (m = 1 or n = 1) or ger (k = 1, β = 1), with every transpose
    /// combination, padded leading dimensions and β ∈ {0, 1, ½}, against the definition
    /// C ← α·op(A)·op(B) + β·C; the 2×3×4 case stays a gemm.
    @Test(arguments: [(1, 5, 4), (6, 1, 4), (6, 5, 1), (1, 1, 3), (1, 4, 1), (2, 3, 4)])
    func gemmShapesForwardedToLevelTwoMatchTheDefinition(_ m: Int, _ n: Int, _ k: Int) {
        var rng = RandomStream(seed: 77)
        for transA in [false, true] { for transB in [false, true] { for beta in [0.0, 1.0, 0.5] {
            let (ar, ac) = transA ? (k, m) : (m, k), (br, bc) = transB ? (n, k) : (k, n)
            let (lda, ldb, ldc) = (ac + 2, bc + 3, n + 1)
            let a = (0..<(ar * lda)).map { _ in rng.normal() }, b = (0..<(br * ldb)).map { _ in rng.normal() }
            var c = (0..<(m * ldc)).map { _ in rng.normal() }
            let c0 = c
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                Double.blasGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1.5, a: pa.baseAddress!, lda: lda,
                                b: pb.baseAddress!, ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: ldc)
            } } }
            for i in 0..<m { for j in 0..<n {
                var dot = 0.0
                for p in 0..<k { dot += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]) }
                #expect(Swift.abs(c[i * ldc + j] - (1.5 * dot + beta * c0[i * ldc + j])) < 1e-12,
                        "m \(m) n \(n) k \(k) transA \(transA) transB \(transB) β \(beta) at (\(i), \(j))")
            } }
            for i in 0..<m { for j in n..<ldc { #expect(c[i * ldc + j] == c0[i * ldc + j], "padding of C changed") } }
        } } }
    }

    #if canImport(CSymLabKernels)
    /// Both instruction-set variants of the small-product kernel (`CSymLabKernels/SmallGemm.c`)
    /// against the naive loop: the baseline one (plain multiply and add), which this CPU's runtime
    /// dispatch would not pick if it has AVX2, and the AVX2+FMA one where the CPU has it; every
    /// row/column block and tail, Aᵀ.
    @Test(arguments: [(1, 16, 16, 32), (3, 10, 10, 64), (2, 7, 5, 37), (2, 1, 3, 1)])
    func smallProductKernelVariantsMatchTheNaiveLoop(_ batch: Int, _ m: Int, _ k: Int, _ n: Int) {
        let a = gaussian([batch, m, k], seed: 45), at = gaussian([batch, k, m], seed: 46), b = gaussian([batch, k, n], seed: 47)
        for transA in [false, true] {
            let lhs = transA ? at : a
            for variant in ["baseline", "avx2"] where variant == "baseline" || symlab_cpu_has_avx2_fma() != 0 {
                var c = [Double](repeating: .nan, count: batch * m * n)
                lhs.scalars.withUnsafeBufferPointer { pa in b.scalars.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<batch {
                        let (ai, bi, ci) = (pa.baseAddress! + i * m * k, pb.baseAddress! + i * k * n, pc.baseAddress! + i * m * n)
                        if variant == "baseline" { symlab_small_gemm_base_double(transA ? 1 : 0, m, n, k, ai, bi, ci) }
                        else { symlab_small_gemm_avx2_double(transA ? 1 : 0, m, n, k, ai, bi, ci) }
                    }
                } } }
                for i in 0..<batch {
                    let ai = lhs.rows(i..<(i + 1)).reshaped(Array(lhs.shape.dropFirst())), bi = b.rows(i..<(i + 1)).reshaped([k, n])
                    let want = naiveMatmul(transA ? ai.transposed() : ai, bi)
                    let got = Tensor<Double>(shape: [m, n], scalars: Array(c[(i * m * n)..<((i + 1) * m * n)]))
                    #expect(maxAbsDifference(got, want) < 1e-12, "\(variant) transA \(transA) batch element \(i)")
                }
            }
        }
    }
    #endif

    #if canImport(CSymLabKernels)
    /// The k-blocked reduction C = α·Aᵀ·B (+ C) of `SmallGemm.c` (a layer's weight gradient), both
    /// instruction-set variants, against the naive loop: several column panels and k chunks, a
    /// partial last panel and chunk, padded rows (packed B panels), α ≠ 1 and accumulation; and
    /// `blasGemm` routes such a product to it with the same bits.
    @Test(arguments: [(3, 70, 100), (2, 64, 32), (64, 5, 257), (16, 130, 33)])
    func blockedReductionKernelMatchesTheNaiveLoop(_ m: Int, _ n: Int, _ k: Int) {
        var rng = RandomStream(seed: 91)
        let (lda, ldb, ldc) = (m + 1, n + 3, n + 2)
        let a = (0..<(k * lda)).map { _ in rng.normal() }, b = (0..<(k * ldb)).map { _ in rng.normal() }
        let c0 = (0..<(m * ldc)).map { _ in rng.normal() }
        for accumulate in [false, true] {
            var viaBLAS = c0
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in viaBLAS.withUnsafeMutableBufferPointer { pc in
                Double.blasGemm(transA: true, transB: false, m: m, n: n, k: k, alpha: 1.5, a: pa.baseAddress!, lda: lda,
                                b: pb.baseAddress!, ldb: ldb, beta: accumulate ? 1 : 0, c: pc.baseAddress!, ldc: ldc)
            } } }
            for variant in ["baseline", "avx2"] where variant == "baseline" || symlab_cpu_has_avx2_fma() != 0 {
                var c = c0
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                    let (pa, pb, pc) = (pa.baseAddress!, pb.baseAddress!, pc.baseAddress!)
                    if variant == "baseline" { symlab_gemm_tn_base_double(m, n, k, pa, lda, pb, ldb, pc, ldc, 1.5, accumulate ? 1 : 0) }
                    else { symlab_gemm_tn_avx2_double(m, n, k, pa, lda, pb, ldb, pc, ldc, 1.5, accumulate ? 1 : 0) }
                } } }
                for i in 0..<m { for j in 0..<n {
                    var dot = 0.0
                    for p in 0..<k { dot += a[p * lda + i] * b[p * ldb + j] }
                    let want = 1.5 * dot + (accumulate ? c0[i * ldc + j] : 0)
                    #expect(Swift.abs(c[i * ldc + j] - want) < 1e-12, "\(variant) m \(m) n \(n) k \(k) accumulate \(accumulate) at (\(i), \(j))")
                } }
                for i in 0..<m { for j in n..<ldc { #expect(c[i * ldc + j] == c0[i * ldc + j], "padding of C changed") } }
                if variant == "avx2" || symlab_cpu_has_avx2_fma() == 0 { #expect(c == viaBLAS, "blasGemm did not take the blocked reduction") }
            }
        }
    }
    #endif

    /// The batched kernel split over threads computes every matrix exactly as on one thread.
    @Test func batchedMatmulDoesNotDependOnThreads() {
        let a = gaussian([300, 16, 16], seed: 43), b = gaussian([300, 16, 32], seed: 44)
        #expect(300 * 16 * 16 * 32 >= Parallel.minimumWork)
        let one = Tensor.batchedMatmul(a, b, threads: 1)
        for t in [2, 3, 7] { #expect(Tensor.batchedMatmul(a, b, threads: t).scalars == one.scalars) }
        let af: Tensor<Float> = a.cast(), bf: Tensor<Float> = b.cast()
        #expect(Tensor.batchedMatmul(af, bf, transposeA: true, threads: 2).scalars == Tensor.batchedMatmul(af, bf, transposeA: true, threads: 1).scalars)
    }

    /// Chunks cover 0..<count once each, in order within a chunk, for any thread count.
    @Test(arguments: [(10, 1), (10, 2), (7, 3), (2, 5), (0, 2), (1000, 4)])
    func parallelChunksCoverEveryIndexOnce(_ count: Int, _ threads: Int) {
        let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: Swift.max(count, 1))
        defer { hits.deallocate() }
        hits.initialize(repeating: 0)
        Parallel.forEachChunk(count, work: Parallel.minimumWork, threads: threads) { r in for i in r { hits[i] += 1 } }
        #expect(hits.prefix(count).allSatisfy { $0 == 1 })
    }

    @Test func emptyBatchesAndEmptyProducts() {
        let c = Tensor.batchedMatmul(Tensor<Double>(shape: [0, 3, 4]), Tensor<Double>(shape: [0, 4, 2]))
        #expect(c.shape == [0, 3, 2])
        let z = Tensor.matmul(Tensor<Double>(shape: [3, 0]), Tensor<Double>(shape: [0, 2]))
        #expect(z.shape == [3, 2] && z.scalars.allSatisfy { $0 == 0 })
    }

    @Test func choleskySolveSolves() throws {
        let g = gaussian([6, 6], seed: 13)
        let a = Tensor.matmul(g, g, transposeB: true) + Tensor.identity(6)
        let b = gaussian([6, 3], seed: 14)
        let x = try Linalg.choleskySolve(a, b)
        #expect(maxAbsDifference(Tensor.matmul(a, x), b) < 1e-10)
        let v = try Linalg.choleskySolve(a, b.slice(axis: 1, 0..<1).reshaped([6]))
        #expect(maxAbsDifference(Tensor.matvec(a, v), b.slice(axis: 1, 0..<1).reshaped([6])) < 1e-10)
        let l = try Linalg.cholesky(a)
        #expect(maxAbsDifference(Tensor.matmul(l, l, transposeB: true), a) < 1e-10)
        for i in 0..<6 { for j in (i + 1)..<6 { #expect(l[i, j] == 0) } }
    }

    @Test func choleskyRejectsIndefinite() {
        let a = Tensor<Double>(shape: [2, 2], scalars: [1, 2, 2, 1])
        #expect(throws: LinalgError.notPositiveDefinite(op: "choleskySolve", leadingMinor: 2)) {
            try Linalg.choleskySolve(a, Tensor([1, 1]))
        }
    }

    @Test func eighReconstructs() throws {
        let g = gaussian([5, 5], seed: 15)
        let a = g + g.transposed()
        let (w, v) = try Linalg.eigh(a)
        // A·V = V·diag(w), VᵀV = I, eigenvalues ascending.
        #expect(maxAbsDifference(Tensor.matmul(a, v), v * w.reshaped([1, 5])) < 1e-10)
        #expect(maxAbsDifference(Tensor.matmul(v, v, transposeA: true), Tensor.identity(5)) < 1e-10)
        #expect(zip(w.scalars, w.scalars.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test(arguments: [(6, 3), (4, 4), (9, 1)]) func qrIsOrthonormalTimesUpperTriangular(_ m: Int, _ n: Int) throws {
        let a = gaussian([m, n], seed: 16)
        let (q, r) = try Linalg.qr(a)
        #expect(maxAbsDifference(Tensor.matmul(q, r), a) < 1e-10)
        #expect(maxAbsDifference(Tensor.matmul(q, q, transposeA: true), Tensor.identity(n)) < 1e-10)
        for i in 0..<n {
            #expect(r[i, i] >= 0)
            for j in 0..<i { #expect(r[i, j] == 0) }
        }
    }

    @Test func randomOrthonormalRowsAndColumns() {
        var rng = RandomStream(seed: 17)
        let u: Tensor<Double> = rng.orthonormal(rows: 3, cols: 8)   // orthonormal rows, as U in g(Ux)
        #expect(maxAbsDifference(Tensor.matmul(u, u, transposeB: true), Tensor.identity(3)) < 1e-12)
        let w: Tensor<Double> = rng.orthonormal(rows: 8, cols: 3)
        #expect(maxAbsDifference(Tensor.matmul(w, w, transposeA: true), Tensor.identity(3)) < 1e-12)
    }
}
