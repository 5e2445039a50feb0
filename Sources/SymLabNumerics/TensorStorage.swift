#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reference-counted, 64-byte-aligned buffer of elements. Tensors share one with copy-on-write;
/// a flat parameter buffer shares one among all of a model's parameter tensors.
///
/// Buffers of up to ``BufferCache/largestCachedBytes`` come from (and go back to) a per-thread
/// cache (``BufferCache``): a training step frees at its tape's reset the same tensors the next
/// step allocates again, so in the steady state a step allocates nothing from the system.
public final class TensorStorage<Scalar>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Scalar>
    public let capacity: Int
    /// The block's size class in ``BufferCache`` (−1: not cached, allocated to its exact size).
    private let sizeClass: Int

    /// Allocates `capacity` elements, uninitialised (callers write before they read).
    public init(capacity: Int) {
        precondition(capacity >= 0)
        let bytes = Swift.max(capacity, 1) * MemoryLayout<Scalar>.stride
        let (raw, sizeClass) = BufferCache.allocate(bytes: bytes)
        base = raw.bindMemory(to: Scalar.self, capacity: Swift.max(capacity, 1))
        self.capacity = capacity
        self.sizeClass = sizeClass
    }

    deinit { BufferCache.release(UnsafeMutableRawPointer(base), sizeClass: sizeClass) }
}

/// Per-thread free lists of 64-byte-aligned blocks in power-of-two size classes from 64 bytes to
/// ``largestCachedBytes``.
///
/// Why: a small network's training step makes and drops a few dozen tensors, and each
/// `posix_memalign` + `free` pair costs far more than a list push and pop (with 64-byte alignment
/// glibc splits and re-merges chunks on every call). Blocks go back to the list of the thread that
/// frees them, so no list is ever shared and nothing locks. Each thread keeps at most
/// ``blocksPerClass`` blocks per class and ``maximumCachedBytes`` in all; the rest is freed. A
/// thread's blocks are freed when it exits.
public enum BufferCache {
    static let smallestShift = 6, largestShift = 20
    /// Requests above this size are allocated and freed directly.
    public static let largestCachedBytes = 1 << largestShift
    public static let blocksPerClass = 16
    public static let maximumCachedBytes = 32 << 20
    static let classCount = largestShift - smallestShift + 1
    /// A thread's table: [cached bytes] then per class [count, block₀, …, block₁₅] (as Ints).
    static let slotsPerClass = 1 + blocksPerClass
    static let tableSlots = 1 + classCount * slotsPerClass

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { raw in
            guard let raw else { return }
            let table = raw.assumingMemoryBound(to: Int.self)
            for c in 0..<BufferCache.classCount {
                let list = table + 1 + c * BufferCache.slotsPerClass
                for k in 0..<list[0] { UnsafeMutableRawPointer(bitPattern: list[1 + k])?.deallocate() }
            }
            free(raw)
        }
        precondition(status == 0, "BufferCache: pthread_key_create failed (\(status))")
        return key
    }()

    @inline(__always) private static func table() -> UnsafeMutablePointer<Int> {
        if let raw = pthread_getspecific(key) { return raw.assumingMemoryBound(to: Int.self) }
        let raw = calloc(tableSlots, MemoryLayout<Int>.stride)!
        pthread_setspecific(key, raw)
        return raw.assumingMemoryBound(to: Int.self)
    }

    /// The size class of a request (−1 above ``largestCachedBytes``).
    @inline(__always) public static func sizeClass(bytes: Int) -> Int {
        guard bytes <= largestCachedBytes else { return -1 }
        let shift = bytes <= 1 << smallestShift ? smallestShift : Int.bitWidth - (bytes - 1).leadingZeroBitCount
        return shift - smallestShift
    }

    /// A 64-byte-aligned block of at least `bytes` bytes and its size class.
    static func allocate(bytes: Int) -> (UnsafeMutableRawPointer, Int) {
        let c = sizeClass(bytes: bytes)
        guard c >= 0 else { return (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), -1) }
        let size = 1 << (c + smallestShift)
        let t = table()
        let list = t + 1 + c * slotsPerClass
        if list[0] > 0 {
            list[0] -= 1
            t[0] -= size
            return (UnsafeMutableRawPointer(bitPattern: list[1 + list[0]])!, c)
        }
        return (UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64), c)
    }

    /// Returns a block from ``allocate(bytes:)`` to this thread's list, or frees it.
    static func release(_ block: UnsafeMutableRawPointer, sizeClass c: Int) {
        guard c >= 0 else { block.deallocate(); return }
        let size = 1 << (c + smallestShift)
        let t = table()
        let list = t + 1 + c * slotsPerClass
        guard list[0] < blocksPerClass, t[0] + size <= maximumCachedBytes else { block.deallocate(); return }
        list[1 + list[0]] = Int(bitPattern: block)
        list[0] += 1
        t[0] += size
    }

    /// Bytes this thread holds in its lists (for tests and memory accounting).
    public static var cachedBytes: Int { table()[0] }
}
