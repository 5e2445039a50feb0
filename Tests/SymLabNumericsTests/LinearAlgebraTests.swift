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
