import Dispatch

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
        withoutActuallyEscaping(body) { body in
            let chunk = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                chunk.value((count * t / threads)..<(count * (t + 1) / threads))
            }
        }
    }
}

/// A value handed to the workers of ``Parallel/forEachChunk(_:work:_:)``: the loop bodies write
/// disjoint ranges of their buffers, which the type system cannot see.
private struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
