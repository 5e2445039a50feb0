import RealModule
#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
import CSymLabKernels
#endif

extension Float: TensorScalar {
    public static var precisionName: String { "f32" }
    @inlinable
    public static func squareRoots(_ v: SIMD4<Float>) -> SIMD4<Float> {
        #if canImport(Accelerate)
        return v.squareRoot()
        #else
        return symlab_sqrt_float4(v)
        #endif
    }

    @inlinable
    public static func reluKernel(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        #if canImport(Accelerate)
        for i in 0..<n { y[i] = x[i] > 0 ? x[i] : 0 }
        #else
        symlab_relu_float(x, y, n)
        #endif
    }

    @inlinable
    public static func biasActivationKernel(_ y: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, rows: Int, cols: Int, relu: Bool) {
        #if canImport(Accelerate)
        for r in 0..<rows { for j in 0..<cols { let v = y[r * cols + j] + b[j]; y[r * cols + j] = relu ? (v > 0 ? v : 0) : v } }
        #else
        symlab_bias_relu_float(y, b, rows, cols, relu ? 1 : 0)
        #endif
    }

    @inlinable
    public static func reluBackwardKernel(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ n: Int) {
        #if canImport(Accelerate)
        for i in 0..<n { dx[i] = x[i] > 0 ? dy[i] : 0 }
        #else
        symlab_relu_backward_float(x, dy, dx, n)
        #endif
    }

    @inlinable
    public static func reluBackwardColumnSumsKernel(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                                    rows: Int, cols: Int, sums: UnsafeMutablePointer<Float>) {
        #if canImport(Accelerate)
        for j in 0..<cols { sums[j] = 0 }
        for r in 0..<rows { for j in 0..<cols { let d = x[r * cols + j] > 0 ? dy[r * cols + j] : 0; dx[r * cols + j] = d; sums[j] += d } }
        #else
        symlab_relu_backward_sums_float(x, dy, dx, rows, cols, sums)
        #endif
    }

    public static func batchedSmallGemm(
        transA: Bool, batch: Int, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, strideA: Int, b: UnsafePointer<Float>, strideB: Int,
        c: UnsafeMutablePointer<Float>, strideC: Int, threads: Int
    ) {
        #if canImport(Accelerate)
        for i in 0..<batch {
            blasGemm(transA: transA, transB: false, m: m, n: n, k: k, alpha: 1, a: a + i * strideA, lda: transA ? m : k,
                     b: b + i * strideB, ldb: n, beta: 0, c: c + i * strideC, ldc: n)
        }
        #else
        BLASTimer.measure {
            Parallel.forEachChunk(batch, work: batch * m * n * k, threads: threads) { r in
                symlab_batched_small_gemm_float(transA ? 1 : 0, r.count, m, n, k, a + r.lowerBound * strideA, strideA,
                                             b + r.lowerBound * strideB, strideB, c + r.lowerBound * strideC, strideC)
            }
        }
        #endif
    }

    public static func circularConvolutionForwardKernel(_ a: DirectConvolutionForward<Float>) {
        #if canImport(Accelerate)
        CircularConv1D.referenceForward(a)
        #else
        symlab_circular_conv_forward_float(a.samples.lowerBound, a.samples.upperBound, a.length, a.inputChannels, a.width,
                                        a.outputChannels, a.x, a.kernel, a.scale, a.bias, a.relu ? 1 : 0, a.y, a.pooled,
                                        a.poolScale, a.scratch)
        #endif
    }

    public static func circularConvolutionBackwardKernel(_ a: DirectConvolutionBackward<Float>) {
        #if canImport(Accelerate)
        CircularConv1D.referenceBackward(a)
        #else
        symlab_circular_conv_backward_float(a.samples.lowerBound, a.samples.upperBound, a.length, a.inputChannels, a.width,
                                         a.outputChannels, a.x, a.flippedKernel, a.scale, a.y, a.relu ? 1 : 0, a.gradient,
                                         a.pooled ? 1 : 0, a.poolScale, a.kernelGradient, a.biasGradient, a.inputGradient,
                                         a.scratch)
        #endif
    }

    public static func blasGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        BLASTimer.measure {
            #if !canImport(Accelerate)
            if GemmAsLevel2.plan(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta) == nil {
                if SmallProduct.applies(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta) {
                    SmallProduct.withRows(of: b, transposed: transB, k: k, n: n) { rows in
                        symlab_gemm_nn_float(m, n, k, a, lda, rows, n, c, n, alpha, nil, 0, beta == 1 ? 1 : 0)
                    }
                    return
                }
                if SmallProduct.appliesToReduction(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta) {
                    symlab_gemm_tn_float(m, n, k, a, lda, b, ldb, c, ldc, alpha, beta == 1 ? 1 : 0)
                    return
                }
            }
            #endif
            let beta = zeroingForGemm(c, m: m, n: n, k: k, ldc: ldc, beta: beta)
            switch GemmAsLevel2.plan(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta) {
            case let .gemv(trans, rows, cols, ld, matrixIsA, incx, incy):
                cblas_sgemv(CblasRowMajor, cblasTrans(trans), Int32(rows), Int32(cols), alpha, matrixIsA ? a : b, Int32(ld),
                            matrixIsA ? b : a, Int32(incx), beta, c, Int32(incy))
            case let .ger(incx, incy):
                cblas_sger(CblasRowMajor, Int32(m), Int32(n), alpha, a, Int32(incx), b, Int32(incy), c, Int32(ldc))
            case nil:
                cblas_sgemm(CblasRowMajor, cblasTrans(transA), cblasTrans(transB), Int32(m), Int32(n), Int32(k),
                            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            }
        }
    }
    public static func fusedSmallProduct(
        m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
        accumulate: Bool, bias: UnsafePointer<Float>?, relu: Bool
    ) -> Bool {
        #if canImport(Accelerate)
        return false
        #else
        let beta: Float = accumulate ? 1 : 0
        // A matrix–vector shape (a scalar readout) is gemv's; a rank-one k = 1 stays here, which
        // saves the bias pass after ger.
        guard m > 1 && n > 1, SmallProduct.applies(transA: false, transB: false, m: m, n: n, k: k, lda: k, ldb: n, ldc: n, beta: beta) else { return false }
        BLASTimer.measure { symlab_gemm_nn_float(m, n, k, a, k, b, n, c, n, alpha, bias, relu ? 1 : 0, accumulate ? 1 : 0) }
        return true
        #endif
    }
    public static func blasGemv(
        trans: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, incx: Int, beta: Float, y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        BLASTimer.measure {
            cblas_sgemv(CblasRowMajor, cblasTrans(trans), Int32(m), Int32(n), alpha, a, Int32(lda),
                        x, Int32(incx), beta, y, Int32(incy))
        }
    }
    public static func blasAxpy(n: Int, alpha: Float, x: UnsafePointer<Float>, incx: Int, y: UnsafeMutablePointer<Float>, incy: Int) {
        cblas_saxpy(Int32(n), alpha, x, Int32(incx), y, Int32(incy))
    }
    public static func blasDot(n: Int, x: UnsafePointer<Float>, incx: Int, y: UnsafePointer<Float>, incy: Int) -> Float {
        cblas_sdot(Int32(n), x, Int32(incx), y, Int32(incy))
    }
    public static func blasScal(n: Int, alpha: Float, x: UnsafeMutablePointer<Float>, incx: Int) {
        cblas_sscal(Int32(n), alpha, x, Int32(incx))
    }
    public static func blasSyrkTransposed(n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        BLASTimer.measure {
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(ldc))
        }
    }
    public static func blasGer(m: Int, n: Int, alpha: Float, x: UnsafePointer<Float>, incx: Int,
                               y: UnsafePointer<Float>, incy: Int, a: UnsafeMutablePointer<Float>, lda: Int) {
        BLASTimer.measure {
            cblas_sger(CblasRowMajor, Int32(m), Int32(n), alpha, x, Int32(incx), y, Int32(incy), a, Int32(lda))
        }
    }

    public static func lapackPotrf(n: Int, a: UnsafeMutablePointer<Float>, lda: Int) -> Int {
        var info: Int32 = 0, n32 = Int32(n), lda32 = Int32(lda)
        spotrf_("L", &n32, a, &lda32, &info, 1)
        return Int(info)
    }
    public static func lapackPotrs(n: Int, nrhs: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafeMutablePointer<Float>, ldb: Int) -> Int {
        var info: Int32 = 0, n32 = Int32(n), nrhs32 = Int32(nrhs), lda32 = Int32(lda), ldb32 = Int32(ldb)
        spotrs_("L", &n32, &nrhs32, a, &lda32, b, &ldb32, &info, 1)
        return Int(info)
    }
    public static func lapackSyevd(n: Int, a: UnsafeMutablePointer<Float>, lda: Int, w: UnsafeMutablePointer<Float>) -> Int {
        var info: Int32 = 0, n32 = Int32(n), lda32 = Int32(lda)
        var query: Float = 0, iquery: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
        ssyevd_("V", "L", &n32, a, &lda32, w, &query, &lwork, &iquery, &liwork, &info, 1, 1)
        guard info == 0 else { return Int(info) }
        lwork = Int32(query); liwork = iquery
        var work = [Float](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevd_("V", "L", &n32, a, &lda32, w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        return Int(info)
    }
    public static func lapackGeqrf(m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int, tau: UnsafeMutablePointer<Float>) -> Int {
        var info: Int32 = 0, m32 = Int32(m), n32 = Int32(n), lda32 = Int32(lda)
        var query: Float = 0, lwork: Int32 = -1
        sgeqrf_(&m32, &n32, a, &lda32, tau, &query, &lwork, &info)
        guard info == 0 else { return Int(info) }
        lwork = Int32(query)
        var work = [Float](repeating: 0, count: Int(lwork))
        sgeqrf_(&m32, &n32, a, &lda32, tau, &work, &lwork, &info)
        return Int(info)
    }
    public static func lapackOrgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Float>, lda: Int, tau: UnsafePointer<Float>) -> Int {
        var info: Int32 = 0, m32 = Int32(m), n32 = Int32(n), k32 = Int32(k), lda32 = Int32(lda)
        var query: Float = 0, lwork: Int32 = -1
        sorgqr_(&m32, &n32, &k32, a, &lda32, tau, &query, &lwork, &info)
        guard info == 0 else { return Int(info) }
        lwork = Int32(query)
        var work = [Float](repeating: 0, count: Int(lwork))
        sorgqr_(&m32, &n32, &k32, a, &lda32, tau, &work, &lwork, &info)
        return Int(info)
    }
}
