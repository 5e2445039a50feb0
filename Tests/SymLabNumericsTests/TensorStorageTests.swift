import Foundation
import SymLabNumerics
import Testing

/// The per-thread buffer cache behind ``TensorStorage``.
@Suite struct TensorStorageTests {
    @Test func sizeClassesArePowersOfTwoFrom64Bytes() {
        #expect(BufferCache.sizeClass(bytes: 1) == 0)
        #expect(BufferCache.sizeClass(bytes: 64) == 0)
        #expect(BufferCache.sizeClass(bytes: 65) == 1)
        #expect(BufferCache.sizeClass(bytes: 128) == 1)
        #expect(BufferCache.sizeClass(bytes: 1 << 18) == 12)
        #expect(BufferCache.sizeClass(bytes: (1 << 18) + 1) == 13)
        #expect(BufferCache.sizeClass(bytes: BufferCache.largestCachedBytes) == 14)
        #expect(BufferCache.sizeClass(bytes: BufferCache.largestCachedBytes + 1) == -1)
    }

    /// A freed buffer is handed out again for a request of its class, 64-byte aligned, and its
    /// bytes count as cached only while it sits in the list. (On a thread of its own: a test
    /// thread's lists may already be full.)
    @Test func freedBuffersAreReusedOnTheSameThread() {
        final class Outcome: @unchecked Sendable { var aligned = false, cachedAfterFree = 0, reused = false, cachedAfterReuse = -1 }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var first: TensorStorage<Double>? = TensorStorage<Double>(capacity: 100)   // 800 bytes: the 1 KB class
            let address = UnsafeMutableRawPointer(first!.base)
            outcome.aligned = Int(bitPattern: address) % 64 == 0
            first = nil
            outcome.cachedAfterFree = BufferCache.cachedBytes
            let second = TensorStorage<Float>(capacity: 256)                            // 1,024 bytes: same class
            second.base[255] = 1
            outcome.reused = UnsafeMutableRawPointer(second.base) == address
            outcome.cachedAfterReuse = BufferCache.cachedBytes
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(outcome.aligned)
        #expect(outcome.cachedAfterFree == 1024)
        #expect(outcome.reused)
        #expect(outcome.cachedAfterReuse == 0)
    }

    @Test func largeBuffersAreNotCached() {
        let before = BufferCache.cachedBytes
        var big: TensorStorage<Float>? = TensorStorage<Float>(capacity: BufferCache.largestCachedBytes / 4 + 1)
        big!.base[0] = 1
        big = nil
        #expect(BufferCache.cachedBytes == before)
    }

    /// At most `blocksPerClass` blocks of a class stay cached; the rest are freed.
    @Test func eachClassKeepsABoundedNumberOfBlocks() {
        let n = BufferCache.blocksPerClass + 5
        var held: [TensorStorage<Double>] = (0..<n).map { _ in TensorStorage<Double>(capacity: 3000) }   // 24 KB: the 32 KB class
        let before = BufferCache.cachedBytes
        held.removeAll()
        let added = BufferCache.cachedBytes - before
        #expect(added >= 0 && added <= BufferCache.blocksPerClass * (32 << 10))
        #expect(BufferCache.cachedBytes <= BufferCache.maximumCachedBytes)
    }

    /// Threads allocate and free concurrently, and free buffers other threads allocated, without
    /// sharing a list.
    @Test func threadsUseTheirOwnLists() async {
        let kept = await withTaskGroup(of: (Int, [TensorStorage<Double>]).self) { group in
            for t in 0..<4 {
                group.addTask {
                    var sum = 0, keep: [TensorStorage<Double>] = []
                    for i in 0..<2000 {
                        let s = TensorStorage<Double>(capacity: 1 + (i * 37 + t) % 5000)
                        s.base[s.capacity - 1] = Double(i)
                        sum += Int(s.base[s.capacity - 1])
                        if i % 7 == 0 { keep.append(s) }
                    }
                    return (sum, keep)
                }
            }
            var total = 0, kept: [TensorStorage<Double>] = []
            for await (s, k) in group { total += s; kept += k }
            #expect(total == 4 * (0..<2000).reduce(0, +))
            return kept
        }
        #expect(kept.count == 4 * 286)
    }
}

