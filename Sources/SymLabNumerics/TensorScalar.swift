import RealModule

/// The element types a ``Tensor`` can hold: `Double` (the default — learning-theory work
/// needs it) and `Float`.
///
/// Why the requirements are raw-pointer BLAS/LAPACK calls: generic Swift code called from
/// another module runs unspecialized, so a loop over `Tensor<S>` elements written in a
/// client would cost a witness-table call per element. Every hot loop therefore lives
/// behind a requirement of this protocol, implemented once per concrete type (BLAS and
/// LAPACK, in `Double+TensorScalar.swift` / `Float+TensorScalar.swift`) or once generically
/// in a protocol extension that the compiler specializes for each conformance
/// (`ElementwiseKernels.swift`). Callers pay one dynamic dispatch per *operation*, never per element.
public protocol TensorScalar: BinaryFloatingPoint, Real, Sendable, CustomStringConvertible, SIMDScalar, ElementwiseKernels
where Self.RawSignificand: FixedWidthInteger {
    /// "f64" or "f32": recorded with every run.
    static var precisionName: String { get }

    /// Lane-wise IEEE square roots (bit-identical to `squareRoot()` per lane) as vector
    /// instructions: for vectorized loops such as the optimizers' (see `CSymLabKernels.h` for why
    /// `SIMD4.squareRoot()` does not vectorize on Linux).
    static func squareRoots(_ v: SIMD4<Self>) -> SIMD4<Self>
    /// y[i] = x[i] > 0 ? x[i] : 0 (NaN and −0 give +0), branch-free and vectorized also in place (x
    /// == y, as the fused dense layer applies its activation); see `CSymLabKernels/Pointwise.c`.
    static func reluKernel(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// y[r, j] = σ(y[r, j] + b[j]) in place on a row-major [rows, cols] block, σ = ReLU (`relu`, with
    /// `reluKernel`'s semantics) or the identity, vectorized over each row (see `Pointwise.c`).
    static func biasActivationKernel(_ y: UnsafeMutablePointer<Self>, _ b: UnsafePointer<Self>, rows: Int, cols: Int, relu: Bool)
    /// dx[i] = x[i] > 0 ? dy[i] : 0 (a select: a non-finite dy of an inactive unit gives 0), also in
    /// place (dx == dy); x may be the pre-activation or the ReLU's output (same sign pattern).
    static func reluBackwardKernel(_ x: UnsafePointer<Self>, _ dy: UnsafePointer<Self>, _ dx: UnsafeMutablePointer<Self>, _ n: Int)
    /// The ReLU backward of a [rows, cols] block (as ``reluBackwardKernel``) and the column sums of
    /// its result in the same pass, sums[j] = Σ_r dx[r, j] (overwritten; rows added in order): a
    /// layer's bias gradient without reading dx again.
    static func reluBackwardColumnSumsKernel(_ x: UnsafePointer<Self>, _ dy: UnsafePointer<Self>, _ dx: UnsafeMutablePointer<Self>,
                                             rows: Int, cols: Int, sums: UnsafeMutablePointer<Self>)

    // MARK: BLAS (row-major, as cblas_?gemm etc. with CblasRowMajor)

    /// C_i = op(A_i)·B_i for i < batch, row-major and contiguous: A_i [m, k] (or [k, m] with
    /// `transA`), B_i [k, n], C_i [m, n], consecutive matrices `strideA`/`strideB`/`strideC`
    /// elements apart. For many small products (message passing over small graphs), where one gemm
    /// call per matrix costs more than its arithmetic; a register-blocked kernel
    /// (`CSymLabKernels/SmallGemm.c`) on Linux — OpenBLAS 0.3.21 has no batched gemm — split over
    /// `threads` (``Parallel``), and one gemm per matrix with Accelerate.
    static func batchedSmallGemm(
        transA: Bool, batch: Int, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>, strideA: Int, b: UnsafePointer<Self>, strideB: Int,
        c: UnsafeMutablePointer<Self>, strideC: Int, threads: Int)

    /// The direct circular convolution's forward and backward passes over samples `a.samples` (see
    /// ``CircularConv1D/directForward(_:kernel:bias:scale:relu:pooling:threads:)``): the
    /// register-blocked kernels of `CSymLabKernels/CircularConvolution.c` on Linux,
    /// ``CircularConv1D``'s reference loops with Accelerate.
    static func circularConvolutionForwardKernel(_ a: DirectConvolutionForward<Self>)
    static func circularConvolutionBackwardKernel(_ a: DirectConvolutionBackward<Self>)

    /// C ← α·op(A)·op(B) + β·C.
    static func blasGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// C ← σ(α·A·B (+ C) + bias), A [m, k], B [k, n], C [m, n] contiguous, σ = ReLU or the identity,
    /// in one pass of the register-blocked kernel of `SmallGemm.c` when the shape suits it (B in L1 or in
    /// L1-sized column panels; see `SmallProduct`): a layer's forward product with its bias and
    /// activation applied as C is stored. Returns false, having done nothing, when it does not
    /// apply (and always with Accelerate); the caller then uses ``blasGemm`` and its own passes.
    static func fusedSmallProduct(
        m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, b: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>,
        accumulate: Bool, bias: UnsafePointer<Self>?, relu: Bool) -> Bool
    /// y ← α·op(A)·x + β·y.
    static func blasGemv(
        trans: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, incx: Int, beta: Self, y: UnsafeMutablePointer<Self>, incy: Int)
    /// y ← α·x + y.
    static func blasAxpy(n: Int, alpha: Self, x: UnsafePointer<Self>, incx: Int, y: UnsafeMutablePointer<Self>, incy: Int)
    /// xᵀy.
    static func blasDot(n: Int, x: UnsafePointer<Self>, incx: Int, y: UnsafePointer<Self>, incy: Int) -> Self
    /// x ← α·x.
    static func blasScal(n: Int, alpha: Self, x: UnsafeMutablePointer<Self>, incx: Int)
    /// C ← α·AᵀA + β·C for A [k, n] row-major, upper triangle of the row-major C [n, n] only
    /// (half the work of gemm for a Gram matrix).
    static func blasSyrkTransposed(n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// A ← α·x·yᵀ + A (rank-one update).
    static func blasGer(m: Int, n: Int, alpha: Self, x: UnsafePointer<Self>, incx: Int,
                        y: UnsafePointer<Self>, incy: Int, a: UnsafeMutablePointer<Self>, lda: Int)

    // MARK: LAPACK (column-major; each returns LAPACK's `info`)

    /// Cholesky factorisation, lower triangle (in column-major terms).
    static func lapackPotrf(n: Int, a: UnsafeMutablePointer<Self>, lda: Int) -> Int
    /// Solve with a Cholesky factor from ``lapackPotrf(n:a:lda:)``.
    static func lapackPotrs(n: Int, nrhs: Int, a: UnsafePointer<Self>, lda: Int, b: UnsafeMutablePointer<Self>, ldb: Int) -> Int
    /// Symmetric eigendecomposition (divide and conquer); eigenvectors overwrite `a`.
    static func lapackSyevd(n: Int, a: UnsafeMutablePointer<Self>, lda: Int, w: UnsafeMutablePointer<Self>) -> Int
    /// Householder QR factorisation.
    static func lapackGeqrf(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int, tau: UnsafeMutablePointer<Self>) -> Int
    /// Forms the first `n` columns of Q from ``lapackGeqrf(m:n:a:lda:tau:)``.
    static func lapackOrgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Self>, lda: Int, tau: UnsafePointer<Self>) -> Int
}
