import RealModule
#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
import CSymLabKernels
#endif

extension Double: TensorScalar {
    public static var precisionName: String { "f64" }
    @inlinable
    public static func squareRoots(_ v: SIMD4<Double>) -> SIMD4<Double> {
        #if canImport(Accelerate)
        return v.squareRoot()
        #else
        return SIMD4(lowHalf: symlab_sqrt_double2(v.lowHalf), highHalf: symlab_sqrt_double2(v.highHalf))
        #endif
    }

    @inlinable
    public static func reluKernel(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        #if canImport(Accelerate)
        for i in 0..<n { y[i] = x[i] > 0 ? x[i] : 0 }
        #else
        symlab_relu_double(x, y, n)
        #endif
    }

    @inlinable
    public static func biasActivationKernel(_ y: UnsafeMutablePointer<Double>, _ b: UnsafePointer<Double>, rows: Int, cols: Int, relu: Bool) {
        #if canImport(Accelerate)
        for r in 0..<rows { for j in 0..<cols { let v = y[r * cols + j] + b[j]; y[r * cols + j] = relu ? (v > 0 ? v : 0) : v } }
        #else
        symlab_bias_relu_double(y, b, rows, cols, relu ? 1 : 0)
        #endif
    }

    @inlinable
    public static func reluBackwardKernel(_ x: UnsafePointer<Double>, _ dy: UnsafePointer<Double>, _ dx: UnsafeMutablePointer<Double>, _ n: Int) {
        #if canImport(Accelerate)
        for i in 0..<n { dx[i] = x[i] > 0 ? dy[i] : 0 }
        #else
        symlab_relu_backward_double(x, dy, dx, n)
        #endif
    }

    @inlinable
    public static func reluBackwardColumnSumsKernel(_ x: UnsafePointer<Double>, _ dy: UnsafePointer<Double>, _ dx: UnsafeMutablePointer<Double>,
                                                    rows: Int, cols: Int, sums: UnsafeMutablePointer<Double>) {
        #if canImport(Accelerate)
        for j in 0..<cols { sums[j] = 0 }
        for r in 0..<rows { for j in 0..<cols { let d = x[r * cols + j] > 0 ? dy[r * cols + j] : 0; dx[r * cols + j] = d; sums[j] += d } }
        #else
        symlab_relu_backward_sums_double(x, dy, dx, rows, cols, sums)
        #endif
    }

    public static func batchedSmallGemm(
        transA: Bool, batch: Int, m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, strideA: Int, b: UnsafePointer<Double>, strideB: Int,
        c: UnsafeMutablePointer<Double>, strideC: Int, threads: Int
    ) {
        #if canImport(Accelerate)
        for i in 0..<batch {
            blasGemm(transA: transA, transB: false, m: m, n: n, k: k, alpha: 1, a: a + i * strideA, lda: transA ? m : k,
                     b: b + i * strideB, ldb: n, beta: 0, c: c + i * strideC, ldc: n)
        }
        #else
        BLASTimer.measure {
            Parallel.forEachChunk(batch, work: batch * m * n * k, threads: threads) { r in
                symlab_batched_small_gemm_double(transA ? 1 : 0, r.count, m, n, k, a + r.lowerBound * strideA, strideA,
                                             b + r.lowerBound * strideB, strideB, c + r.lowerBound * strideC, strideC)
            }
        }
        #endif
    }

    public static func circularConvolutionForwardKernel(_ a: DirectConvolutionForward<Double>) {
        #if canImport(Accelerate)
        CircularConv1D.referenceForward(a)
        #else
        symlab_circular_conv_forward_double(a.samples.lowerBound, a.samples.upperBound, a.length, a.inputChannels, a.width,
                                        a.outputChannels, a.x, a.kernel, a.scale, a.bias, a.relu ? 1 : 0, a.y, a.pooled,
                                        a.poolScale, a.scratch)
        #endif
    }

    public static func circularConvolutionBackwardKernel(_ a: DirectConvolutionBackward<Double>) {
        #if canImport(Accelerate)
        CircularConv1D.referenceBackward(a)
        #else
        symlab_circular_conv_backward_double(a.samples.lowerBound, a.samples.upperBound, a.length, a.inputChannels, a.width,
                                         a.outputChannels, a.x, a.flippedKernel, a.scale, a.y, a.relu ? 1 : 0, a.gradient,
                                         a.pooled ? 1 : 0, a.poolScale, a.kernelGradient, a.biasGradient, a.inputGradient,
                                         a.scratch)
        #endif
    }

    public static func blasGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        BLASTimer.measure {
            #if !canImport(Accelerate)
            if GemmAsLevel2.plan(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta) == nil {
                if SmallProduct.applies(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta) {
                    SmallProduct.withRows(of: b, transposed: transB, k: k, n: n) { rows in
                        symlab_gemm_nn_double(m, n, k, a, lda, rows, n, c, n, alpha, nil, 0, beta == 1 ? 1 : 0)
                    }
                    return
                }
                if SmallProduct.appliesToReduction(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta) {
                    symlab_gemm_tn_double(m, n, k, a, lda, b, ldb, c, ldc, alpha, beta == 1 ? 1 : 0)
                    return
                }
            }
            #endif
            let beta = zeroingForGemm(c, m: m, n: n, k: k, ldc: ldc, beta: beta)
            switch GemmAsLevel2.plan(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta) {
            case let .gemv(trans, rows, cols, ld, matrixIsA, incx, incy):
                cblas_dgemv(CblasRowMajor, cblasTrans(trans), Int32(rows), Int32(cols), alpha, matrixIsA ? a : b, Int32(ld),
                            matrixIsA ? b : a, Int32(incx), beta, c, Int32(incy))
            case let .ger(incx, incy):
                cblas_dger(CblasRowMajor, Int32(m), Int32(n), alpha, a, Int32(incx), b, Int32(incy), c, Int32(ldc))
            case nil:
                cblas_dgemm(CblasRowMajor, cblasTrans(transA), cblasTrans(transB), Int32(m), Int32(n), Int32(k),
                            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            }
        }
    }
    public static func fusedSmallProduct(
        m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
        accumulate: Bool, bias: UnsafePointer<Double>?, relu: Bool
    ) -> Bool {
        #if canImport(Accelerate)
        return false
        #else
        let beta: Double = accumulate ? 1 : 0
        // A matrix–vector shape (a scalar readout) is gemv's; a rank-one k = 1 stays here, which
        // saves the bias pass after ger.
        guard m > 1 && n > 1, SmallProduct.applies(transA: false, transB: false, m: m, n: n, k: k, lda: k, ldb: n, ldc: n, beta: beta) else { return false }
        BLASTimer.measure { symlab_gemm_nn_double(m, n, k, a, k, b, n, c, n, alpha, bias, relu ? 1 : 0, accumulate ? 1 : 0) }
        return true
        #endif
    }
    public static func blasGemv(
        trans: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, incx: Int, beta: Double, y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        BLASTimer.measure {
            cblas_dgemv(CblasRowMajor, cblasTrans(trans), Int32(m), Int32(n), alpha, a, Int32(lda),
                        x, Int32(incx), beta, y, Int32(incy))
        }
    }
    public static func blasAxpy(n: Int, alpha: Double, x: UnsafePointer<Double>, incx: Int, y: UnsafeMutablePointer<Double>, incy: Int) {
        cblas_daxpy(Int32(n), alpha, x, Int32(incx), y, Int32(incy))
    }
    public static func blasDot(n: Int, x: UnsafePointer<Double>, incx: Int, y: UnsafePointer<Double>, incy: Int) -> Double {
        cblas_ddot(Int32(n), x, Int32(incx), y, Int32(incy))
    }
    public static func blasScal(n: Int, alpha: Double, x: UnsafeMutablePointer<Double>, incx: Int) {
        cblas_dscal(Int32(n), alpha, x, Int32(incx))
    }
    public static func blasSyrkTransposed(n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        BLASTimer.measure {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(ldc))
        }
    }
    public static func blasGer(m: Int, n: Int, alpha: Double, x: UnsafePointer<Double>, incx: Int,
                               y: UnsafePointer<Double>, incy: Int, a: UnsafeMutablePointer<Double>, lda: Int) {
        BLASTimer.measure {
            cblas_dger(CblasRowMajor, Int32(m), Int32(n), alpha, x, Int32(incx), y, Int32(incy), a, Int32(lda))
        }
    }

    public static func lapackPotrf(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) -> Int {
        var info: Int32 = 0, n32 = Int32(n), lda32 = Int32(lda)
        dpotrf_("L", &n32, a, &lda32, &info, 1)
        return Int(info)
    }
    public static func lapackPotrs(n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafeMutablePointer<Double>, ldb: Int) -> Int {
        var info: Int32 = 0, n32 = Int32(n), nrhs32 = Int32(nrhs), lda32 = Int32(lda), ldb32 = Int32(ldb)
        dpotrs_("L", &n32, &nrhs32, a, &lda32, b, &ldb32, &info, 1)
        return Int(info)
    }
    public static func lapackSyevd(n: Int, a: UnsafeMutablePointer<Double>, lda: Int, w: UnsafeMutablePointer<Double>) -> Int {
        var info: Int32 = 0, n32 = Int32(n), lda32 = Int32(lda)
        var query = 0.0, iquery: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
        dsyevd_("V", "L", &n32, a, &lda32, w, &query, &lwork, &iquery, &liwork, &info, 1, 1)
        guard info == 0 else { return Int(info) }
        lwork = Int32(query); liwork = iquery
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_("V", "L", &n32, a, &lda32, w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        return Int(info)
    }
    public static func lapackGeqrf(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, tau: UnsafeMutablePointer<Double>) -> Int {
        var info: Int32 = 0, m32 = Int32(m), n32 = Int32(n), lda32 = Int32(lda)
        var query = 0.0, lwork: Int32 = -1
        dgeqrf_(&m32, &n32, a, &lda32, tau, &query, &lwork, &info)
        guard info == 0 else { return Int(info) }
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeqrf_(&m32, &n32, a, &lda32, tau, &work, &lwork, &info)
        return Int(info)
    }
    public static func lapackOrgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Double>, lda: Int, tau: UnsafePointer<Double>) -> Int {
        var info: Int32 = 0, m32 = Int32(m), n32 = Int32(n), k32 = Int32(k), lda32 = Int32(lda)
        var query = 0.0, lwork: Int32 = -1
        dorgqr_(&m32, &n32, &k32, a, &lda32, tau, &query, &lwork, &info)
        guard info == 0 else { return Int(info) }
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: Int(lwork))
        dorgqr_(&m32, &n32, &k32, a, &lda32, tau, &work, &lwork, &info)
        return Int(info)
    }
}
