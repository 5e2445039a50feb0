/// A reference-counted, 64-byte-aligned buffer of elements. Tensors share one with copy-on-write;
/// a flat parameter buffer shares one among all of a model's parameter tensors.
public final class TensorStorage<Scalar>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Scalar>
    public let capacity: Int

    /// Allocates `capacity` elements, uninitialised (callers write before they read).
    public init(capacity: Int) {
        precondition(capacity >= 0)
        let bytes = Swift.max(capacity, 1) * MemoryLayout<Scalar>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        base = raw.bindMemory(to: Scalar.self, capacity: Swift.max(capacity, 1))
        self.capacity = capacity
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}
