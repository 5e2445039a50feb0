/// A dense tensor of `Scalar` (Double by default) in row-major order.
///
/// Layout: a tensor is always contiguous and row-major, starting at `offset` inside its
/// storage. That makes `reshape` and leading-axis slices (`rows`) zero-copy views, and lets
/// every product go straight to BLAS without packing; `permute`/`transposed` copy.
/// Storage is shared copy-on-write, so `Tensor` has value semantics.
public struct Tensor<Scalar: TensorScalar>: @unchecked Sendable {
    /// Extent of each axis; `[]` is a scalar.
    public private(set) var shape: [Int]
    /// Number of elements (the product of `shape`).
    public private(set) var count: Int
    public private(set) var storage: TensorStorage<Scalar>
    /// Index of the first element inside `storage`.
    public private(set) var offset: Int

    public var rank: Int { shape.count }

    // MARK: - Creation

    /// A tensor whose elements are not initialised: every element must be written before it is read.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public init(uninitializedShape shape: [Int]) {
        let n = Tensor.validatedCount(shape, op: "Tensor(shape:)")
        self.shape = shape
        self.count = n
        self.storage = TensorStorage(capacity: n)
        self.offset = 0
    }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public init(shape: [Int], repeating value: Scalar = 0) {
        self.init(uninitializedShape: shape)
        if value == 0 { zeroElements(storage.base, count: count) } else { Scalar.fillKernel(storage.base, value, count) }
    }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public init(shape: [Int], scalars: [Scalar]) {
        let n = Tensor.validatedCount(shape, op: "Tensor(shape:scalars:)")
        guard n == scalars.count else {
            tensorFailure("Tensor(shape:scalars:)", "shape \(shape) needs \(n) scalars, got \(scalars.count)")
        }
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { copyElements(from: $0.baseAddress!, to: storage.base, count: n) }
    }

    /// A rank-1 tensor.
    public init(_ scalars: [Scalar]) { self.init(shape: [scalars.count], scalars: scalars) }

    /// A rank-0 tensor.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public init(scalar: Scalar) { self.init(shape: [], scalars: [scalar]) }

    /// A view of `shape.product` elements of `storage` starting at `offset` (no copy). Used by
    /// flat parameter buffers: writes through the storage are seen by the view.
    public init(viewing storage: TensorStorage<Scalar>, offset: Int, shape: [Int]) {
        let n = Tensor.validatedCount(shape, op: "Tensor(viewing:)")
        guard offset >= 0, offset + n <= storage.capacity else {
            tensorFailure("Tensor(viewing:)", "view of shape \(shape) at offset \(offset) exceeds storage of \(storage.capacity)")
        }
        self.shape = shape
        self.count = n
        self.storage = storage
        self.offset = offset
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// The n×n identity.
    public static func identity(_ n: Int) -> Tensor {
        var t = zeros([n, n])
        t.withUnsafeMutablePointer { p in for i in 0..<n { p[i * n + i] = 1 } }
        return t
    }

    static func validatedCount(_ shape: [Int], op: String) -> Int {
        var n = 1
        for d in shape {
            guard d >= 0 else { tensorFailure(op, "negative extent in shape \(shape)") }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { tensorFailure(op, "shape \(shape) has more elements than Int can count") }
            n = p
        }
        return n
    }

    // MARK: - Element access

    /// A copy of the elements in row-major order.
    public var scalars: [Scalar] {
        withUnsafePointer { p in Array(UnsafeBufferPointer(start: p, count: count)) }
    }

    /// The single element of a tensor with one element.
    public var scalar: Scalar {
        guard count == 1 else { tensorFailure("scalar", "tensor of shape \(shape) has \(count) elements, not 1") }
        return storage.base[offset]
    }

    /// Row-major offset of a multi-index.
    public func linearIndex(_ index: [Int]) -> Int {
        guard index.count == rank else {
            tensorFailure("subscript", "index \(index) has \(index.count) components for a tensor of shape \(shape)")
        }
        var k = 0
        for (i, d) in zip(index, shape) {
            guard i >= 0 && i < d else { tensorFailure("subscript", "index \(index) out of range for shape \(shape)") }
            k = k * d + i
        }
        return k
    }

    public subscript(_ index: Int...) -> Scalar {
        get { storage.base[offset + linearIndex(index)] }
        set {
            let k = linearIndex(index)
            withUnsafeMutablePointer { $0[k] = newValue }
        }
    }

    /// Read access to the contiguous elements.
    @inlinable
    public func withUnsafePointer<R>(_ body: (UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try body(UnsafePointer(storage.base + offset))
    }

    /// Write access to the contiguous elements; copies the storage first if it is shared.
    public mutating func withUnsafeMutablePointer<R>(_ body: (UnsafeMutablePointer<Scalar>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(storage.base + offset)
    }

    /// Write access *without* copy-on-write. For buffers deliberately shared between views
    /// (flat parameter and gradient buffers); everyone else uses ``withUnsafeMutablePointer(_:)``.
    public func withSharedMutablePointer<R>(_ body: (UnsafeMutablePointer<Scalar>) throws -> R) rethrows -> R {
        try body(storage.base + offset)
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            let fresh = TensorStorage<Scalar>(capacity: count)
            copyElements(from: storage.base + offset, to: fresh.base, count: count)
            storage = fresh
            offset = 0
        }
    }

    /// A copy with storage of its own.
    public func copy() -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        copyElements(from: storage.base + offset, to: t.storage.base, count: count)
        return t
    }

    /// Converts to another scalar type.
    public func cast<T: TensorScalar>(to: T.Type = T.self) -> Tensor<T> {
        var t = Tensor<T>(uninitializedShape: shape)
        withUnsafePointer { src in
            t.withUnsafeMutablePointer { dst in for i in 0..<count { dst[i] = T(src[i]) } }
        }
        return t
    }
}

// MARK: - Equality and printing

extension Tensor: Equatable {
    /// Exact equality of shape and every element (bitwise-identical results compare equal).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        return lhs.withUnsafePointer { a in rhs.withUnsafePointer { b in
            (0..<lhs.count).allSatisfy { a[$0] == b[$0] }
        } }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let s = scalars
        func render(_ axis: Int, _ start: Int) -> String {
            if axis == rank { return "\(s[start])" }
            let stride = shape[(axis + 1)...].reduce(1, *)
            let parts = (0..<shape[axis]).map { render(axis + 1, start + $0 * stride) }
            return "[" + parts.joined(separator: axis == rank - 1 ? ", " : ",\n") + "]"
        }
        return "Tensor<\(Scalar.precisionName)>\(shape) " + render(0, 0)
    }
}

/// Stops the program with a message naming the operation and what was wrong with its
/// arguments (both shapes, for shape errors). Shape errors are programming errors: the
/// command-line layer validates user input before it reaches a tensor operation.
public func tensorFailure(_ op: String, _ message: String) -> Never {
    fatalError("SymmetryLab tensor op '\(op)': \(message)")
}
