import SymLabNumerics

/// A recording of tensor operations, differentiated in reverse.
///
/// Design (see docs/design/autodiff.md): each operation computes its value eagerly and records
/// one node holding its inputs and a *pullback* — a closure written beside the forward pass
/// that maps the gradient of the output to the gradients of the inputs. Nodes are appended in
/// execution order, so the tape is already topologically sorted and ``backward(_:seed:)`` is a
/// single reverse sweep. Ops are coarse (a matmul, a convolution, a loss), so the per-node cost
/// is negligible next to the BLAS call inside.
///
/// A tape is used for one forward/backward pass; ``reset()`` clears it for the next step while
/// keeping its arrays' capacity. Call it when done with a tape: pullbacks may capture Variables,
/// which refer to their tape, so a tape that is merely dropped can keep its tensors alive.
public final class Tape<S: TensorScalar> {
    /// Maps the gradient of a node's value to the gradients of its inputs, in input order;
    /// `nil` for an input that needs none.
    public typealias Pullback = (Tensor<S>) -> [Tensor<S>?]

    private(set) var values: [Tensor<S>] = []
    private(set) var requires: [Bool] = []
    private var ops: [String] = []
    private var inputs: [[Int]] = []
    private var pullbacks: [Pullback?] = []
    private var grads: [Tensor<S>?] = []
    /// Leaves whose gradient is added into an external buffer (a flat gradient buffer).
    private var sinks: [(id: Int, sink: Tensor<S>)] = []
    /// Per node: its index in `sinks`, or −1.
    private var sinkSlots: [Int] = []

    /// Which gradient buffer of a ``ParameterStore`` the parameters bound on this tape add into:
    /// 0 is the store's own, k > 0 its k-th shard buffer. A data-parallel step runs each shard of
    /// a batch on its own tape and buffer, so concurrent backward passes never write one buffer.
    public var gradientShard = 0

    public init() {}

    /// Forgets every node (the next pass starts from an empty tape).
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func reset() {
        values.removeAll(keepingCapacity: true)
        requires.removeAll(keepingCapacity: true)
        ops.removeAll(keepingCapacity: true)
        inputs.removeAll(keepingCapacity: true)
        pullbacks.removeAll(keepingCapacity: true)
        grads.removeAll(keepingCapacity: true)
        sinks.removeAll(keepingCapacity: true)
        sinkSlots.removeAll(keepingCapacity: true)
    }

    public var nodeCount: Int { values.count }

    /// Scalars held by the values of recorded operations, leaves (parameters, constants,
    /// variables) excluded: what a forward pass keeps until its backward pass. Views (reshapes)
    /// count as values of their own, so this errs high. The models' activation estimates are
    /// tested against it (`Tests/SymLabModelsTests/ModelSizeTests.swift`).
    public var recordedElements: Int {
        var total = 0
        for i in 0..<values.count where ops[i] != "constant" && ops[i] != "variable" && ops[i] != "parameter" {
            total += values[i].count
        }
        return total
    }

    // MARK: - Leaves

    /// A value that is not differentiated (data, labels).
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func constant(_ t: Tensor<S>) -> Variable<S> {
        append(t, requires: false, op: "constant", inputs: [], pullback: nil)
    }

    /// A leaf whose gradient is kept on the tape and read with ``gradient(of:)``.
    public func variable(_ t: Tensor<S>) -> Variable<S> {
        append(t, requires: true, op: "variable", inputs: [], pullback: nil)
    }

    /// A leaf whose gradient is *added* into `gradientSink` (same shape) by ``backward(_:seed:)``.
    /// Parameters use this with views into one flat gradient buffer, so an optimizer sees all
    /// gradients as one vector.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func parameter(_ t: Tensor<S>, gradientSink: Tensor<S>) -> Variable<S> {
        guard gradientSink.shape == t.shape else {
            tensorFailure("parameter", "gradient sink shape \(gradientSink.shape) differs from parameter shape \(t.shape)")
        }
        let v = append(t, requires: true, op: "parameter", inputs: [], pullback: nil)
        sinkSlots[v.id] = sinks.count
        sinks.append((v.id, gradientSink))
        return v
    }

    /// The buffer `v`'s gradient is added into, when `v` is a leaf made with
    /// ``parameter(_:gradientSink:)``; nil for every other node. A pullback may add its gradient
    /// for such an input into the sink itself — a gemm with β = 1 straight into the flat gradient
    /// buffer instead of a temporary and an axpy — and return nil for that input. The sink then
    /// receives (sink + g₁) + g₂ … instead of sink + (g₁ + g₂ + …): the same bits when the
    /// gradients were zeroed before the pass (as a training step does) and every use of the leaf
    /// adds into the sink this way; the order of summation otherwise (still fixed, so runs stay
    /// bit-identical per seed).
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func gradientSink(of v: Variable<S>) -> Tensor<S>? {
        guard v.tape === self else { return nil }
        let slot = sinkSlots[v.id]
        return slot < 0 ? nil : sinks[slot].sink
    }

    // MARK: - Recording

    /// Records the result of an operation. If no input needs a gradient, neither does the
    /// result, and the pullback is dropped.
    ///
    /// (Index loops, no key paths or closures: this runs unspecialized for every node, and there
    /// `xs.map(\.id)` instantiated a key path object per call — runtime demangling included.)
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func record(_ value: Tensor<S>, op: String, inputs xs: [Variable<S>], pullback: @escaping Pullback) -> Variable<S> {
        var needs = false
        var ids: [Int] = []
        ids.reserveCapacity(xs.count)
        for i in 0..<xs.count {
            let x = xs[i]
            if x.tape !== self { tensorFailure(op, "inputs come from different tapes") }
            needs = needs || requires[x.id]
            ids.append(x.id)
        }
        return append(value, requires: needs, op: op, inputs: needs ? ids : [], pullback: needs ? pullback : nil)
    }

    @_specialize(where S == Double) @_specialize(where S == Float)
    private func append(_ t: Tensor<S>, requires r: Bool, op: String, inputs ids: [Int], pullback: Pullback?) -> Variable<S> {
        values.append(t); requires.append(r); ops.append(op); inputs.append(ids); pullbacks.append(pullback); sinkSlots.append(-1)
        return Variable(tape: self, id: values.count - 1)
    }

    @_specialize(where S == Double) @_specialize(where S == Float)
    func requiresGrad(_ id: Int) -> Bool { requires[id] }
    @_specialize(where S == Double) @_specialize(where S == Float)
    func value(_ id: Int) -> Tensor<S> { values[id] }

    // MARK: - Backward

    /// Propagates gradients from `root` back to every leaf. `seed` is dL/d(root); it defaults
    /// to 1 and then `root` must be a single element (a loss). Gradients of leaves made with
    /// ``parameter(_:gradientSink:)`` are added into their sinks.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func backward(_ root: Variable<S>, seed: Tensor<S>? = nil) {
        guard root.tape === self else { tensorFailure("backward", "root belongs to another tape") }
        guard requires[root.id] else { return }
        let rootValue = values[root.id]
        let g0: Tensor<S>
        if let seed {
            guard seed.shape == rootValue.shape else {
                tensorFailure("backward", "seed shape \(seed.shape) differs from root shape \(rootValue.shape)")
            }
            g0 = seed
        } else {
            guard rootValue.count == 1 else {
                tensorFailure("backward", "root of shape \(rootValue.shape) is not a scalar; pass a seed")
            }
            g0 = Tensor(shape: rootValue.shape, repeating: 1)
        }
        grads = Array(repeating: nil, count: values.count)
        grads[root.id] = g0
        for id in stride(from: root.id, through: 0, by: -1) {
            guard let pullback = pullbacks[id], let g = grads[id] else { continue }
            let gin = pullback(g)
            let ins = inputs[id]
            guard gin.count == ins.count else {
                tensorFailure(ops[id], "pullback returned \(gin.count) gradients for \(ins.count) inputs")
            }
            for (k, input) in ins.enumerated() where requires[input] {
                guard let gk = gin[k] else { continue }
                guard gk.shape == values[input].shape else {
                    tensorFailure(ops[id], "gradient for input \(k) has shape \(gk.shape), input has shape \(values[input].shape)")
                }
                if grads[input] == nil { grads[input] = gk } else { grads[input]!.add(gk) }
            }
            grads[id] = nil   // interior gradients are not needed once propagated
        }
        for (id, sink) in sinks {
            guard let g = grads[id] else { continue }
            g.withUnsafePointer { pg in sink.withSharedMutablePointer { ps in
                S.blasAxpy(n: g.count, alpha: 1, x: pg, incx: 1, y: ps, incy: 1)
            } }
        }
    }

    /// dL/dv after ``backward(_:seed:)`` for a leaf made with ``variable(_:)`` (nil if v did not
    /// influence the root). Interior gradients are freed during the sweep.
    public func gradient(of v: Variable<S>) -> Tensor<S>? {
        guard v.id < grads.count else { return nil }
        return grads[v.id]
    }
}

/// A value on a ``Tape``: the handle every differentiable operation takes and returns.
public struct Variable<S: TensorScalar> {
    public let tape: Tape<S>
    public let id: Int

    public var value: Tensor<S> { tape.value(id) }
    public var shape: [Int] { tape.value(id).shape }
    public var requiresGrad: Bool { tape.requiresGrad(id) }
}

/// Differentiates `f` at `inputs`: returns f's value (a scalar) and df/dinputᵢ for each input.
public func valueWithGradient<S>(at inputs: [Tensor<S>], of f: ([Variable<S>]) -> Variable<S>) -> (value: S, gradients: [Tensor<S>]) {
    let tape = Tape<S>()
    let xs = inputs.map { tape.variable($0) }
    let y = f(xs)
    tape.backward(y)
    let grads = zip(xs, inputs).map { tape.gradient(of: $0) ?? Tensor(shape: $1.shape) }
    let value = y.value.scalar
    tape.reset()
    return (value, grads)
}
