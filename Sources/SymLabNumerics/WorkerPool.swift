#if canImport(CSymLabKernels)
import CSymLabKernels
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Persistent worker threads for ``Parallel``: task k > 0 of a job runs on worker k − 1, task 0
/// on the caller, and the caller returns when every task is done.
///
/// Why not `DispatchQueue.concurrentPerform`: on Linux it hands iterations to whichever pool
/// threads are awake, and when none is, the caller runs them all itself. For jobs of tens of
/// microseconds that happened often enough to make a 2-thread step bimodal (half the steps as
/// slow as one thread). Here each task has its thread. A worker spins for a short while after
/// each job (the next one usually follows within microseconds: the next layer or step) and then
/// sleeps on a condition variable, so an idle pool costs nothing.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long a worker spins for the next job before it sleeps.
    static let spinNanoseconds: UInt64 = 200_000

    /// Bumped once per job; workers wait for it to change.
    private let generation = Atomic<Int>(0)
    /// Workers that have not yet finished with the current job (every worker acknowledges every
    /// job, so the caller may not touch the job's fields until all have read them).
    private let pending = Atomic<Int>(0)
    /// The current job (written before `generation` is bumped, read after it changed). Unmanaged,
    /// so a worker never holds a reference the caller would find after the job.
    private var job: Unmanaged<Job>?
    private var taskCount = 0
    /// Guards `workers`, starting threads and the sleep/wake hand-off.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// One job at a time: a caller that finds the pool busy runs its tasks itself.
    private let busy = Atomic<Bool>(false)
    private var workers = 0

    private init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
    }

    /// Runs `body(0..<count)`, concurrently on `count` threads, and returns when all are done:
    /// true, or false when they ran one after the other on the caller's thread (one task, or the
    /// pool busy with another caller).
    @discardableResult
    func run(_ count: Int, _ body: (Int) -> Void) -> Bool {
        guard count > 1 else { if count == 1 { body(0) }; return false }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for k in 0..<count { body(k) }   // nested or concurrent use: stay on this thread
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        startWorkers(count - 1)
        withoutActuallyEscaping(body) { body in
            let box = Job(body)
            job = Unmanaged.passUnretained(box)
            taskCount = count
            pending.store(workers, ordering: .relaxed)
            pthread_mutex_lock(mutex)
            generation.add(1, ordering: .releasing)
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
            body(0)
            var spins = 0
            while pending.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins < 1 << 16 { relax() } else { sched_yield() }
            }
            job = nil
            withExtendedLifetime(box) {}
        }
        return true
    }

    private func startWorkers(_ needed: Int) {
        guard workers < needed else { return }
        pthread_mutex_lock(mutex)
        while workers < needed {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, index: workers, seen: generation.load(ordering: .acquiring))).toOpaque()
            #if canImport(Glibc)
            var thread = pthread_t()
            #else
            var thread: pthread_t? = nil
            #endif
            let status = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.pool.workerLoop(context.index, seen: context.seen)
                return nil
            }, context)
            precondition(status == 0, "WorkerPool: cannot start a worker thread (pthread_create returned \(status))")
            pthread_detach(thread)
            workers += 1
        }
        pthread_mutex_unlock(mutex)
    }

    /// `seen`: the generation when the worker was made (it may start running after the job that
    /// needed it was posted).
    private func workerLoop(_ index: Int, seen: Int) {
        var seen = seen
        while true {
            // Spin for the next job, then sleep until one is posted.
            let start = monotonicNanoseconds()
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                // After a short pure spin, yield the core in between: an OpenBLAS worker or
                // another process may want it more than this wait does.
                if spins > 1024 { sched_yield() }
                if spins & 255 == 0 && monotonicNanoseconds() - start > Self.spinNanoseconds {
                    pthread_mutex_lock(mutex)
                    while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(wake, mutex) }
                    pthread_mutex_unlock(mutex)
                    break
                }
                relax()
            }
            seen = generation.load(ordering: .acquiring)
            if index + 1 < taskCount, let job {
                job._withUnsafeGuaranteedRef { $0.body(index + 1) }
            }
            pending.subtract(1, ordering: .releasing)
        }
    }

    @inline(__always) private func relax() {
        #if canImport(CSymLabKernels)
        symlab_cpu_relax()
        #endif
    }
}

private final class Job {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}

private final class WorkerContext {
    let pool: WorkerPool
    let index: Int, seen: Int
    init(pool: WorkerPool, index: Int, seen: Int) { self.pool = pool; self.index = index; self.seen = seen }
}

private func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
