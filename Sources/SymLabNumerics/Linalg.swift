// LAPACK-backed factorizations. LAPACK is column-major and our tensors are row-major: a
// symmetric matrix is the same in both, and everything else is transposed on the way in
// and out (one copy each way; the factorization dominates).

/// A factorization that failed on the data it was given (not a programming error).
public enum LinalgError: Error, CustomStringConvertible, Equatable {
    case notPositiveDefinite(op: String, leadingMinor: Int)
    case didNotConverge(op: String, info: Int)
    case invalidArgument(op: String, info: Int)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let op, let k):
            "\(op): matrix is not positive definite (leading minor of order \(k) is not positive); add a ridge"
        case .didNotConverge(let op, let info): "\(op): LAPACK did not converge (info = \(info))"
        case .invalidArgument(let op, let info): "\(op): LAPACK rejected argument \(-info)"
        }
    }
}

public enum Linalg {
    static func checkSquare<S>(_ a: Tensor<S>, op: String) -> Int {
        guard a.rank == 2, a.shape[0] == a.shape[1] else { tensorFailure(op, "needs a square matrix, got shape \(a.shape)") }
        return a.shape[0]
    }

    /// The lower-triangular L with A = L·Lᵀ, for symmetric positive definite A.
    public static func cholesky<S>(_ a: Tensor<S>) throws -> Tensor<S> {
        let n = checkSquare(a, op: "cholesky")
        var f = a.copy()
        let info = f.withUnsafeMutablePointer { S.lapackPotrf(n: n, a: $0, lda: Swift.max(n, 1)) }
        if info > 0 { throw LinalgError.notPositiveDefinite(op: "cholesky", leadingMinor: info) }
        if info < 0 { throw LinalgError.invalidArgument(op: "cholesky", info: info) }
        // Column-major lower = row-major upper: transpose, then clear the other triangle.
        var l = f.transposed()
        l.withUnsafeMutablePointer { p in for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { p[i * n + j] = 0 } } }
        return l
    }

    /// X with A·X = B for symmetric positive definite A (Cholesky, LAPACK potrf + potrs).
    /// B is [n] or [n, k].
    public static func choleskySolve<S>(_ a: Tensor<S>, _ b: Tensor<S>) throws -> Tensor<S> {
        let n = checkSquare(a, op: "choleskySolve")
        guard (b.rank == 1 || b.rank == 2), b.shape[0] == n else {
            tensorFailure("choleskySolve", "right-hand side of shape \(b.shape) does not match matrix \(a.shape)")
        }
        var f = a.copy()
        let info = f.withUnsafeMutablePointer { S.lapackPotrf(n: n, a: $0, lda: Swift.max(n, 1)) }
        if info > 0 { throw LinalgError.notPositiveDefinite(op: "choleskySolve", leadingMinor: info) }
        if info < 0 { throw LinalgError.invalidArgument(op: "choleskySolve", info: info) }
        let k = b.rank == 1 ? 1 : b.shape[1]
        var x = b.rank == 1 ? b.copy() : b.transposed()   // column-major n×k
        let info2 = f.withUnsafePointer { pf in x.withUnsafeMutablePointer { px in
            S.lapackPotrs(n: n, nrhs: k, a: pf, lda: Swift.max(n, 1), b: px, ldb: Swift.max(n, 1))
        } }
        if info2 != 0 { throw LinalgError.invalidArgument(op: "choleskySolve", info: info2) }
        return b.rank == 1 ? x : x.transposed()
    }

    /// Eigenvalues (ascending) and orthonormal eigenvectors (the columns of `vectors`) of a
    /// symmetric matrix (LAPACK syevd). Only the lower triangle is read.
    public static func eigh<S>(_ a: Tensor<S>) throws -> (values: Tensor<S>, vectors: Tensor<S>) {
        let n = checkSquare(a, op: "eigh")
        var v = a.copy()
        var w = Tensor<S>(shape: [n])
        if n == 0 { return (w, v) }
        let info = v.withUnsafeMutablePointer { pv in w.withUnsafeMutablePointer { pw in S.lapackSyevd(n: n, a: pv, lda: n, w: pw) } }
        if info > 0 { throw LinalgError.didNotConverge(op: "eigh", info: info) }
        if info < 0 { throw LinalgError.invalidArgument(op: "eigh", info: info) }
        return (w, v.transposed())   // column-major columns = eigenvectors
    }

    /// Thin QR of an m×n matrix with m ≥ n: A = Q·R, Q m×n with orthonormal columns, R n×n
    /// upper triangular with a non-negative diagonal (the sign convention that makes Q unique,
    /// and Haar-distributed when A is Gaussian).
    public static func qr<S>(_ a: Tensor<S>) throws -> (q: Tensor<S>, r: Tensor<S>) {
        guard a.rank == 2, a.shape[0] >= a.shape[1] else { tensorFailure("qr", "needs an m×n matrix with m ≥ n, got shape \(a.shape)") }
        let m = a.shape[0], n = a.shape[1]
        var f = a.transposed()            // column-major m×n
        var tau = Tensor<S>(shape: [Swift.max(n, 1)])
        if n == 0 { return (Tensor(shape: [m, 0]), Tensor(shape: [0, 0])) }
        var info = f.withUnsafeMutablePointer { pf in tau.withUnsafeMutablePointer { pt in S.lapackGeqrf(m: m, n: n, a: pf, lda: m, tau: pt) } }
        if info != 0 { throw LinalgError.invalidArgument(op: "qr", info: info) }
        var r = Tensor<S>(shape: [n, n])
        var signs = [S](repeating: 1, count: n)
        f.withUnsafePointer { pf in r.withUnsafeMutablePointer { pr in
            for i in 0..<n {
                signs[i] = pf[i * m + i] < 0 ? -1 : 1
                for j in i..<n { pr[i * n + j] = signs[i] * pf[j * m + i] }   // R[i, j] = f(i, j)
            }
        } }
        info = f.withUnsafeMutablePointer { pf in tau.withUnsafePointer { pt in S.lapackOrgqr(m: m, n: n, k: n, a: pf, lda: m, tau: pt) } }
        if info != 0 { throw LinalgError.invalidArgument(op: "qr", info: info) }
        var q = f.transposed()            // back to row-major m×n
        q.withUnsafeMutablePointer { pq in for i in 0..<m { for j in 0..<n { pq[i * n + j] *= signs[j] } } }
        return (q, r)
    }
}
