#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SymLabNumerics
import Testing

/// The worker pool behind ``Parallel``: every task runs once, each on its own thread, and
/// nested or concurrent use cannot deadlock.
@Suite(.serialized) struct ParallelTests {
    @Test(arguments: [1, 2, 3, 5])
    func everyTaskRunsExactlyOnce(_ count: Int) {
        for _ in 0..<2000 {
            // Each task writes only its own slot.
            var hits = [Int](repeating: 0, count: count)
            hits.withUnsafeMutableBufferPointer { hits in
                _ = Parallel.forEachTask(count) { k in hits[k] += 1 }
            }
            #expect(hits.allSatisfy { $0 == 1 })
        }
    }

    /// The property that made the pool necessary: task 0 on the caller, every other task on a
    /// thread of its own — never several tasks queued on one thread. (A test in another suite
    /// may hold the pool at the same moment; the tasks then run on the caller, by design, and
    /// say so; the test then waits a little and tries again, until 50 calls have been pooled.)
    @Test func tasksRunOnDistinctThreads() {
        let caller = pthread_self()
        var threads = [pthread_t?](repeating: nil, count: 3)
        var concurrent = 0, attempts = 0
        while concurrent < 50 && attempts < 100_000 {
            attempts += 1
            let pooled = threads.withUnsafeMutableBufferPointer { out in
                Parallel.forEachTask(3) { k in out[k] = pthread_self() }
            }
            #expect(pthread_equal(threads[0]!, caller) != 0)
            if pooled {
                concurrent += 1
                #expect(pthread_equal(threads[1]!, threads[0]!) == 0 && pthread_equal(threads[2]!, threads[0]!) == 0
                        && pthread_equal(threads[1]!, threads[2]!) == 0)
            } else {
                #expect(pthread_equal(threads[1]!, caller) != 0 && pthread_equal(threads[2]!, caller) != 0)
                usleep(200)
            }
        }
        #expect(concurrent == 50, "the pool was free for only \(concurrent) of \(attempts) calls")
    }

    /// A task that itself asks for parallel work gets it run (on its own thread) instead of
    /// waiting for a pool that is busy with its caller.
    @Test func nestedUseRunsEveryInnerTask() {
        var hits = [Int](repeating: 0, count: 6)
        hits.withUnsafeMutableBufferPointer { hits in
            _ = Parallel.forEachTask(2) { outer in
                Parallel.forEachTask(3) { inner in hits[outer * 3 + inner] += 1 }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }
}
