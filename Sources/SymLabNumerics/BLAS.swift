#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif
import CProcessControl
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always)
func cblasTrans(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

/// The BLAS library behind every product and solve, and its thread count.
///
/// Results differ in the last bits with the thread count (OpenBLAS splits reductions
/// differently), so the count is part of every recorded run: read it from ``threads``.
public enum BLAS {
    /// Sets the number of threads BLAS may use. Sweeps use 1 so that a run's result does not
    /// depend on how many runs share the machine.
    public static func setThreads(_ n: Int) {
        precondition(n >= 1, "BLAS.setThreads: thread count must be ≥ 1, got \(n)")
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(n))
        #endif
    }

    /// The number of threads BLAS uses now.
    public static var threads: Int {
        #if canImport(Accelerate)
        return 1
        #else
        return Int(openblas_get_num_threads())
        #endif
    }

    /// A one-line description of the library (name, version, build configuration, core).
    public static var info: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        let config = String(cString: openblas_get_config())
        let core = String(cString: openblas_get_corename())
        return "\(config) core=\(core)"
        #endif
    }
}

/// A gemm whose product is a matrix–vector product or an outer product, to be run by the level-2
/// routine instead: OpenBLAS 0.3.21 packs operands for gemm whatever the shape, and measured here a
/// [1, 8000]·[8000, 32] gemm takes 86 µs where gemv takes 36, a [500, 32]·[32, 1] gemm 7.9 µs where
/// gemv takes 1.8, and a rank-one [8000, 1]·[1, 32] update 70 µs where ger takes 35 on 2 threads (a
/// GNN's first layer on one input feature and every network's scalar head). Newer OpenBLAS forwards
/// these shapes itself (GEMM_GEMV_FORWARD).
enum GemmAsLevel2: Equatable {
    /// y ← α·op(M)·x + β·y with M the stored [rows, cols] matrix (A when `matrixIsA`, else B), x the
    /// other operand with stride incx, y = C with stride incy.
    case gemv(trans: Bool, rows: Int, cols: Int, ld: Int, matrixIsA: Bool, incx: Int, incy: Int)
    /// C ← α·x·yᵀ + C with x = op(A)'s column (stride incx) and y = op(B)'s row (stride incy).
    case ger(incx: Int, incy: Int)

    /// The level-2 form of C[m, n] ← α·op(A)[m, k]·op(B)[k, n] + β·C (row-major), if there is one:
    /// n = 1 or m = 1 (gemv), k = 1 with β = 1 (ger has no β).
    static func plan<S: TensorScalar>(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                      lda: Int, ldb: Int, ldc: Int, beta: S) -> GemmAsLevel2? {
        guard m > 0, n > 0, k > 0 else { return nil }
        if n == 1 {
            // C's column = op(A)·(op(B)'s column); A stored [m, k], or [k, m] when transposed.
            return .gemv(trans: transA, rows: transA ? k : m, cols: transA ? m : k, ld: lda, matrixIsA: true,
                         incx: transB ? 1 : ldb, incy: ldc)
        }
        if m == 1 {
            // C's row = op(B)ᵀ·(op(A)'s row); B stored [k, n], or [n, k] when transposed.
            return .gemv(trans: !transB, rows: transB ? n : k, cols: transB ? k : n, ld: ldb, matrixIsA: false,
                         incx: transA ? lda : 1, incy: 1)
        }
        if k == 1 && beta == 1 { return .ger(incx: transA ? 1 : lda, incy: transB ? ldb : 1) }
        return nil
    }
}

/// A gemm small enough for the register-blocked kernel of `CSymLabKernels/SmallGemm.c` (the one
/// behind the batched products and the direct convolution): OpenBLAS packs both operands and, above
/// 2¹⁸ multiply-adds, wakes its threads, which for a network head's [256, 32]·[32, 64] costs more
/// than the arithmetic. Measured in C, one thread, f32: [256, 32]·[32, 64] 19.0 µs in OpenBLAS vs
/// 11.0 here, [256, 64]·[64, 32] 17.0 vs 11.6. Only for C = α·A·op(B) (+ C) with A not transposed,
/// B at most 4,096 elements (it stays in L1 while every pair of A's rows streams past) or cut into
/// panels (``maxPanelDepth``), and a bounded number of multiply-adds (below). A transposed A (a
/// weight gradient, reducing over the batch) has its own k-blocked kernel (``appliesToReduction``).
enum SmallProduct {
    static let maxRightOperand = 4096
    /// A wider B is cut into L1-sized panels of 256 bytes of columns when k is at most this
    /// (SYMLAB_NN_MAX_K): a layer's forward [rows, in]·[in, out] with out in the hundreds. Measured
    /// in C, one thread, with bias and ReLU: f64 [256, 64]·[64, 512] 459 µs as memset + OpenBLAS +
    /// bias pass, 349 µs here; f32 202 → 173; at k = 256 OpenBLAS is faster.
    static let maxPanelDepth = 128
    /// Most multiply-adds: when BLAS has one thread (sweeps, the shards of a data-parallel step)
    /// any m, since B stays in L1 (a GNN layer's [4000, 32]·[32, 32]: gnn-hard f32 steps 6 %
    /// faster); with more threads 2²⁰, above which OpenBLAS's threads pay off.
    static let maxWorkOneThread = 1 << 24, maxWorkThreaded = 1 << 20

    static func applies<S: TensorScalar>(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                         lda: Int, ldb: Int, ldc: Int, beta: S) -> Bool {
        guard !transA && (beta == 0 || beta == 1) && m > 0 && n > 0 && k > 0 && lda == k && ldc == n && ldb == (transB ? k : n)
            && (k * n <= maxRightOperand || (!transB && k <= maxPanelDepth)) else { return false }
        let work = m * n * k
        return work <= maxWorkThreaded || (work <= maxWorkOneThread && BLAS.threads == 1)
    }

    /// C = α·Aᵀ·B (+ C) with A [k, m] narrow — a layer's weight gradient, reducing over the batch —
    /// runs the k-blocked kernel of `SmallGemm.c` (``symlab_gemm_tn``) instead of OpenBLAS, which packs
    /// both operands. Measured in C, one thread: f32 [2560, 64]ᵀ·[2560, 64] 248 → 231 µs, [8000,
    /// 32]ᵀ·[8000, 32] 235 → 186, f64 [256, 64]ᵀ·[256, 512] 410 → 385; from m = 128 (f64) or 256
    /// (f32) columns OpenBLAS is as fast or faster, hence the bound of 512 bytes per row of A.
    static let maxReductionRowBytes = 512

    static func appliesToReduction<S: TensorScalar>(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                                    lda: Int, ldb: Int, ldc: Int, beta: S) -> Bool {
        guard transA && !transB && (beta == 0 || beta == 1) && m >= 2 && n >= 2 && k > 0 && lda >= m && ldb >= n && ldc >= n
            && m * MemoryLayout<S>.stride <= maxReductionRowBytes else { return false }
        return m * n * k <= maxWorkThreaded || BLAS.threads == 1
    }

    /// Runs `body` with B as a row-major [k, n] matrix: B itself, or its transpose in a temporary.
    static func withRows<S: TensorScalar, R>(of b: UnsafePointer<S>, transposed: Bool, k: Int, n: Int,
                                             _ body: (UnsafePointer<S>) -> R) -> R {
        guard transposed && k > 1 && n > 1 else { return body(b) }
        return withUnsafeTemporaryAllocation(of: S.self, capacity: k * n) { t in
            ElementMover.transpose(b, t.baseAddress!, rows: n, cols: k)
            return body(t.baseAddress!)
        }
    }
}

/// Optional accounting of the wall time spent inside BLAS level-2/3 calls, so that a benchmark
/// can report the share of a training step that is framework overhead. Off by default; when
/// off it costs one branch per BLAS call.
public enum BLASTimer {
    nonisolated(unsafe) private static var enabled = false
    nonisolated(unsafe) private static var cpuTime = false
    /// Atomic: the shards of a data-parallel step call BLAS from several threads at once, and
    /// their times add up (thread-seconds inside BLAS).
    private static let nanoseconds = Atomic<UInt64>(0)
    private static let calls = Atomic<Int>(0)

    /// Starts accounting from zero. Call it (and ``stop()``) from one thread, between steps.
    /// With `threadCPUTime`, BLAS time is this thread's CPU time (right with 1 BLAS thread):
    /// time the process spends descheduled by other load then counts nowhere, so the share of a
    /// step outside BLAS stays meaningful on a busy machine.
    public static func start(threadCPUTime: Bool = false) {
        nanoseconds.store(0, ordering: .relaxed); calls.store(0, ordering: .relaxed)
        cpuTime = threadCPUTime; enabled = true
    }
    /// Stops accounting and returns (seconds inside BLAS, summed over threads; number of calls)
    /// since ``start()``.
    @discardableResult
    public static func stop() -> (seconds: Double, calls: Int) {
        enabled = false
        return (Double(nanoseconds.load(ordering: .relaxed)) * 1e-9, calls.load(ordering: .relaxed))
    }

    @inline(__always)
    static func measure(_ body: () -> Void) {
        if !enabled { body(); return }
        let t0 = cpuTime ? Clock.threadCPUNanoseconds() : Clock.nanoseconds()
        body()
        nanoseconds.wrappingAdd((cpuTime ? Clock.threadCPUNanoseconds() : Clock.nanoseconds()) &- t0, ordering: .relaxed)
        calls.wrappingAdd(1, ordering: .relaxed)
    }
}

/// A monotonic clock for benchmarks.
public enum Clock {
    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
    public static func seconds() -> Double { Double(nanoseconds()) * 1e-9 }
    /// CPU time of the calling thread: what a single-threaded step costs, whatever else runs.
    public static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

/// Allocation policy for training processes.
public enum Allocation {
    /// Training allocates the same large temporaries every step. glibc maps and unmaps blocks
    /// above 128 KiB on every allocation by default, which costs page faults in the kernel (a third
    /// of a small network's step time measured here); keeping them on the heap avoids that.
    public static func keepLargeBlocksOnHeap() {
        #if os(Linux)
        mallopt(M_MMAP_THRESHOLD, 64 << 20)
        mallopt(M_TRIM_THRESHOLD, 256 << 20)
        #endif
    }
}

/// How long OpenBLAS's idle worker threads spin before they sleep.
public enum BLASWorkers {
    /// After every threaded call OpenBLAS's workers spin (with sched_yield) for 2²⁸ cycles, about
    /// 0.1 s, before they sleep. Our own kernels' threads (``Parallel``: the batched products, the
    /// direct convolution) then share the cores with spinning workers: with 2 threads on this
    /// 2-core machine a fifth of the cnn step's samples were in the scheduler and the 2-thread step
    /// was no faster than the 1-thread one. Measured, interleaved, 2 threads f32 (µs): the default
    /// cnn 290/292, mlp2 358/343, gnn 1391/1373; 2²⁰ cycles (≈ 0.3 ms) cnn 207/211, mlp2 351/357,
    /// gnn 1414/1393; 2⁸ (sleep at once) cnn 248/244 but mlp2 390/382 (every call wakes the
    /// workers). OpenBLAS reads the setting only when it loads, so the CLI sets it and re-executes
    /// itself, once, before anything else; a value already in the environment is left alone.
    public static let timeoutVariable = "OPENBLAS_THREAD_TIMEOUT"
    public static let quietTimeout = "20"

    /// Re-executes this process with ``quietTimeout`` when the variable is unset (Linux; returns,
    /// changing nothing, if it is set or the exec fails).
    public static func restartWithQuietWorkersIfNeeded() {
        #if os(Linux)
        guard getenv(timeoutVariable) == nil else { return }
        setenv(timeoutVariable, quietTimeout, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        #endif
    }
}
