/// Data-parallel loops for the kernels BLAS does not thread: the batched small products and
/// (later) pointwise passes, split into contiguous chunks run on as many threads as BLAS uses
/// (``BLAS/threads``), so that the one thread-count setting governs the whole step — 1 in sweeps,
/// all cores for a single run. Each chunk computes exactly what the serial loop would for its
/// elements, so results are identical for every thread count.
public enum Parallel {
    /// Work (in multiply-adds or element passes) below which a loop stays on the calling thread:
    /// waking a worker costs a few microseconds, the work of about 10⁵ multiply-adds.
    public static let minimumWork = 1 << 17

    /// Calls `body` on `threads` (default: BLAS's) contiguous ranges covering 0..<count, concurrently
    /// when there is more than one thread and `work` (the loop's total cost) is at least ``minimumWork``.
    public static func forEachChunk(_ count: Int, work: Int, threads: Int = BLAS.threads, _ body: (Range<Int>) -> Void) {
        let threads = Swift.min(threads, count)
        guard threads > 1, work >= minimumWork else { body(0..<count); return }
        WorkerPool.shared.run(threads) { t in body((count * t / threads)..<(count * (t + 1) / threads)) }
    }

    /// Calls `body(0)`, …, `body(count − 1)` concurrently, one task per thread (the caller's thread
    /// runs one of them), and returns when all are done: for tasks of whole training-step size,
    /// where waking a worker is always worth it. Returns whether they ran concurrently (false: one
    /// task, or nested in another `Parallel` call or beside a concurrent one, when the tasks run one
    /// after the other on the caller's thread).
    @discardableResult
    public static func forEachTask(_ count: Int, _ body: (Int) -> Void) -> Bool {
        guard count > 1 else { if count == 1 { body(0) }; return false }
        return WorkerPool.shared.run(count, body)
    }
}
