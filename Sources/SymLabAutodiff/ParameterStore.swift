import SymLabNumerics

/// Identifies one parameter tensor inside a ``ParameterStore``.
public struct ParameterID: Hashable, Sendable {
    public let index: Int
}

/// Every parameter of a model in one flat buffer, with the gradients in a second buffer of the
/// same layout.
///
/// Why flat: an optimizer step is then one fused loop over one vector (no per-tensor dispatch),
/// checkpoints and divergence checks are one pass, and layer-wise training schemes freeze or
/// rescale a layer by its *group*, a set of ranges of that vector. Parameter tensors are views
/// (`Tensor(viewing:)`) into the buffer, made on demand, so growing the store never leaves a
/// stale view behind.
public final class ParameterStore<S: TensorScalar> {
    public struct Entry: Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public let count: Int
        public let group: String
    }

    public private(set) var entries: [Entry] = []
    private var values = TensorStorage<S>(capacity: 0)
    private var gradients = TensorStorage<S>(capacity: 0)
    /// Gradient buffers of shards 1, 2, … of a data-parallel step (see ``prepareGradientShards(_:)``).
    private var shardGradients: [TensorStorage<S>] = []
    /// Number of scalars in all parameters.
    public private(set) var count = 0

    public init() {}

    /// Adds a parameter with its initial value. `group` names the set it belongs to for
    /// per-group learning rates and freezing (e.g. "layer1").
    @discardableResult
    public func add(_ name: String, _ initial: Tensor<S>, group: String = "default") -> ParameterID {
        let n = initial.count
        let newValues = TensorStorage<S>(capacity: count + n)
        let newGrads = TensorStorage<S>(capacity: count + n)
        copyElements(from: values.base, to: newValues.base, count: count)
        copyElements(from: gradients.base, to: newGrads.base, count: count)
        initial.withUnsafePointer { copyElements(from: $0, to: newValues.base + count, count: n) }
        zeroElements(newGrads.base + count, count: n)
        values = newValues
        gradients = newGrads
        entries.append(Entry(name: name, shape: initial.shape, offset: count, count: n, group: group))
        groupLayoutCache = nil
        count += n
        return ParameterID(index: entries.count - 1)
    }

    /// The current value (a view: later optimizer steps show through it).
    public func value(_ id: ParameterID) -> Tensor<S> {
        let e = entries[id.index]
        return Tensor(viewing: values, offset: e.offset, shape: e.shape)
    }

    /// The accumulated gradient (a view).
    public func gradient(_ id: ParameterID) -> Tensor<S> {
        let e = entries[id.index]
        return Tensor(viewing: gradients, offset: e.offset, shape: e.shape)
    }

    /// Overwrites a parameter's value.
    public func setValue(_ id: ParameterID, _ t: Tensor<S>) {
        let e = entries[id.index]
        guard t.shape == e.shape else {
            tensorFailure("ParameterStore.setValue", "parameter '\(e.name)' has shape \(e.shape), got \(t.shape)")
        }
        t.withUnsafePointer { copyElements(from: $0, to: values.base + e.offset, count: e.count) }
    }

    /// Puts the parameter on `tape` as a leaf whose gradient is added into this store — into the
    /// shard buffer ``Tape/gradientShard`` names when it is not 0.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func bind(_ id: ParameterID, on tape: Tape<S>) -> Variable<S> {
        let shard = tape.gradientShard
        guard shard > 0 else { return tape.parameter(value(id), gradientSink: gradient(id)) }
        guard shard <= shardGradients.count else {
            tensorFailure("ParameterStore.bind", "tape adds into gradient shard \(shard), but the store has \(shardGradients.count) (call prepareGradientShards first)")
        }
        let e = entries[id.index]
        return tape.parameter(value(id), gradientSink: Tensor(viewing: shardGradients[shard - 1], offset: e.offset, shape: e.shape))
    }

    // MARK: - Gradient shards (data-parallel steps)

    /// Makes sure `count` − 1 extra gradient buffers of the store's layout exist (shard 0 is the
    /// store's own). Call before shards bind parameters, from one thread.
    public func prepareGradientShards(_ count: Int) {
        precondition(count >= 1, "ParameterStore.prepareGradientShards: need ≥ 1 shard, got \(count)")
        if shardGradients.first.map({ $0.capacity != self.count }) ?? false { shardGradients.removeAll() }
        while shardGradients.count < count - 1 { shardGradients.append(TensorStorage<S>(capacity: self.count)) }
    }

    /// Zeroes the gradient buffer of `shard` (0: the store's own).
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func zeroGradients(shard: Int) {
        if shard == 0 { zeroGradients() } else { zeroElements(shardGradients[shard - 1].base, count: count) }
    }

    /// Adds the buffers of shards 1..<count into the store's gradients, one after the other, so the
    /// sum has the same bits for the same number of shards.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func addShardGradients(_ count: Int) {
        guard count > 1 else { return }
        for k in 1..<count {
            S.blasAxpy(n: self.count, alpha: 1, x: shardGradients[k - 1].base, incx: 1, y: gradients.base, incy: 1)
        }
    }

    /// All values as one vector (a view).
    public var flatValues: Tensor<S> { Tensor(viewing: values, offset: 0, shape: [count]) }
    /// All gradients as one vector (a view).
    public var flatGradients: Tensor<S> { Tensor(viewing: gradients, offset: 0, shape: [count]) }

    @_specialize(where S == Double) @_specialize(where S == Float)
    public func zeroGradients() { zeroElements(gradients.base, count: count) }

    /// A copy of all values (for checkpoints and "restore best").
    public func snapshot() -> Tensor<S> { flatValues.copy() }

    /// Restores values from ``snapshot()``.
    public func restore(_ snapshot: Tensor<S>) {
        guard snapshot.shape == [count] else {
            tensorFailure("ParameterStore.restore", "snapshot has shape \(snapshot.shape), store has \(count) scalars")
        }
        snapshot.withUnsafePointer { copyElements(from: $0, to: values.base, count: count) }
    }

    /// Group names in order of first appearance.
    public var groups: [String] { groupLayout.map(\.group) }

    /// Every group (in order of first appearance) with its ranges of the flat vector: what an
    /// optimizer step walks. Built once per layout (``add(_:_:group:)`` clears it), because
    /// building it from the entries' names each step cost microseconds of string hashing.
    public var groupLayout: [(group: String, ranges: [Range<Int>])] {
        if let cached = groupLayoutCache { return cached }
        var seen = Set<String>(), layout: [(group: String, ranges: [Range<Int>])] = []
        for e in entries where seen.insert(e.group).inserted { layout.append((e.group, ranges(ofGroup: e.group))) }
        groupLayoutCache = layout
        return layout
    }
    private var groupLayoutCache: [(group: String, ranges: [Range<Int>])]? = nil

    /// The ranges of the flat vector that belong to `group` (adjacent entries merged).
    public func ranges(ofGroup group: String) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for e in entries where e.group == group {
            let r = e.offset..<(e.offset + e.count)
            if let last = out.last, last.upperBound == r.lowerBound { out[out.count - 1] = last.lowerBound..<r.upperBound }
            else { out.append(r) }
        }
        return out
    }

    /// Raw access for optimizers: (values, gradients) base pointers of the flat buffers.
    public func withFlatBuffers<R>(_ body: (UnsafeMutablePointer<S>, UnsafeMutablePointer<S>) throws -> R) rethrows -> R {
        try withExtendedLifetime((values, gradients)) { try body(values.base, gradients.base) }
    }
}
