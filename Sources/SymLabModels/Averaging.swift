import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

// Invariance by construction around any backbone: frame averaging over C_n with the
// canonical-shift frame, and averaging over every element of a small permutation group.

/// f(x) = (1/|F(x)|) Σ_{g∈F(x)} φ(g⁻¹x) for C_n acting by cyclic shifts along one input axis,
/// with the canonical-shift frame F(x) = {shifts that take x to its lexicographically smallest
/// rotation} (research note §1.4; the order compares position 0 first, each position's slice in
/// row-major order). Every g⁻¹x with g ∈ F(x) *is* that rotation, so the average is φ at the
/// canonical rotation: one backbone pass, exactly invariant (the canonical input of x and of any
/// shift of x are the same values, moved, never recomputed).
public final class FrameAveraged<S: TensorScalar>: Model, SymmetricModel {
    public let backbone: any Model<S>
    /// The axis of the inputs [N, …] that C_n shifts (1 for [N, n] and [N, n, d]).
    public let axis: Int
    public let name: String

    public init(backbone: any Model<S>, axis: Int = 1, name: String? = nil) {
        precondition(axis >= 1, "FrameAveraged: the shifted axis must be ≥ 1 (axis 0 indexes samples), got \(axis)")
        self.backbone = backbone
        self.axis = axis
        self.name = name ?? "frame-averaged over C_n (axis \(axis), canonical-shift frame) of \(backbone.summary.name)"
    }

    public var parameters: ParameterStore<S> { backbone.parameters }
    public var symmetry: ModelSymmetry { .cyclicShifts(axis: axis) }

    @_specialize(where S == Double) @_specialize(where S == Float)
    public func forward(_ inputs: Inputs<S>, on tape: Tape<S>) -> Variable<S> {
        backbone.forward(.dense(CanonicalShift.canonicalize(inputs.dense, axis: axis)), on: tape)
    }

    public var summary: ModelSummary {
        let frame = ModelSummary.Layer(name: "frame", kind: "canonical cyclic shift of axis \(axis)", outputShape: "input shape", parameterCount: 0)
        return ModelSummary(name: name, layers: [frame] + backbone.summary.layers)
    }
}

/// f(x) = (1/|G|) Σ_{g∈G} φ(g⁻¹x) over every element of a permutation group acting along one
/// input axis. All |G| transformed copies go through the backbone as one batch of |G|·N samples
/// (a few coarse ops instead of |G| passes), then the outputs are averaged.
public final class GroupAveraged<S: TensorScalar>: Model, SymmetricModel {
    public let backbone: any Model<S>
    public let groupName: String
    public let elements: [Permutation]
    public let axis: Int
    public let name: String

    public init(backbone: any Model<S>, group: PermutationGroup, axis: Int = 1, name: String? = nil) {
        guard let elements = group.elements else {
            preconditionFailure("GroupAveraged: \(group.name) has too many elements to list; averaging needs a small group")
        }
        precondition(axis >= 1, "GroupAveraged: the acted-on axis must be ≥ 1 (axis 0 indexes samples), got \(axis)")
        self.backbone = backbone
        self.groupName = group.name
        self.elements = elements.map(\.inverse)   // the copies are g⁻¹x
        self.axis = axis
        self.name = name ?? "group-averaged over \(group.name) (\(elements.count) elements, axis \(axis)) of \(backbone.summary.name)"
    }

    public var parameters: ParameterStore<S> { backbone.parameters }
    public var symmetry: ModelSymmetry { .group(name: groupName, elements: elements, axis: axis) }

    @_specialize(where S == Double) @_specialize(where S == Float)
    public func forward(_ inputs: Inputs<S>, on tape: Tape<S>) -> Variable<S> {
        let x = inputs.dense
        let n = x.shape[0]
        let copies = Tensor.concat(elements.map { permuteAxis(x, axis: axis, images: $0.images) }, axis: 0)
        let out = backbone.forward(.dense(copies), on: tape)                  // [|G|·N]
        return out.reshaped([elements.count, n]).mean(axes: [0])
    }

    public var summary: ModelSummary {
        let avg = ModelSummary.Layer(name: "orbit", kind: "\(elements.count) copies g⁻¹x, g ∈ \(groupName)", outputShape: "[|G|·N, …]", parameterCount: 0)
        let mean = ModelSummary.Layer(name: "average", kind: "mean over the group", outputShape: "[N]", parameterCount: 0)
        return ModelSummary(name: name, layers: [avg] + backbone.summary.layers + [mean])
    }
}

// MARK: - Moving elements along an axis

/// x with axis `axis` permuted: out[…, images[i], …] = x[…, i, …] (the action of
/// ``Permutation`` on that axis). Moves bits as same-sized integers, so the loop is concrete
/// (specialized) code whatever the scalar type.
public func permuteAxis<S: TensorScalar>(_ x: Tensor<S>, axis: Int, images: [Int]) -> Tensor<S> {
    guard axis >= 0, axis < x.rank, x.shape[axis] == images.count else {
        tensorFailure("permuteAxis", "a permutation of degree \(images.count) cannot act on axis \(axis) of shape \(x.shape)")
    }
    let outer = x.shape[..<axis].reduce(1, *), n = images.count, inner = x.shape[(axis + 1)...].reduce(1, *)
    let out = Tensor<S>(uninitializedShape: x.shape)
    x.withUnsafePointer { src in out.withSharedMutablePointer { dst in images.withUnsafeBufferPointer { img in
        if MemoryLayout<S>.stride == 8 {
            moveAlongAxis(cast(src, UInt64.self), cast(dst, UInt64.self), outer, n, inner) { img[$0] }
        } else if MemoryLayout<S>.stride == 4 {
            moveAlongAxis(cast(src, UInt32.self), cast(dst, UInt32.self), outer, n, inner) { img[$0] }
        } else {
            for o in 0..<outer { for i in 0..<n {
                copyElements(from: src + (o * n + i) * inner, to: dst + (o * n + img[i]) * inner, count: inner)
            } }
        }
    } } }
    return out
}

/// dst[o, target(i), k] = src[o, i, k].
@inline(__always)
func moveAlongAxis<T>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ outer: Int, _ n: Int, _ inner: Int, _ target: (Int) -> Int) {
    for o in 0..<outer {
        for i in 0..<n {
            let s = src + (o * n + i) * inner, d = dst + (o * n + target(i)) * inner
            for k in 0..<inner { d[k] = s[k] }
        }
    }
}

/// The canonical-shift frame of C_n acting on one axis of dense inputs.
public enum CanonicalShift {
    /// For each sample of x [N, …], the shift s (0 ≤ s < n) with the smallest rotation
    /// r_s[t] = x[(t + s) mod n] along `axis` in lexicographic order (the smallest such s on ties;
    /// tied shifts give identical rotations).
    public static func shifts<S: TensorScalar>(_ x: Tensor<S>, axis: Int) -> [Int] {
        guard axis >= 1, axis < x.rank else { tensorFailure("CanonicalShift", "axis \(axis) is not a non-sample axis of shape \(x.shape)") }
        let samples = x.shape[0], outer = x.shape[1..<axis].reduce(1, *), n = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *)
        var result = [Int](repeating: 0, count: samples)
        x.withUnsafePointer { p in result.withUnsafeMutableBufferPointer { r in
            if S.self == Double.self {
                bestShifts(cast(p, Double.self), r.baseAddress!, samples, outer, n, inner)
            } else if S.self == Float.self {
                bestShifts(cast(p, Float.self), r.baseAddress!, samples, outer, n, inner)
            } else {
                bestShifts(p, r.baseAddress!, samples, outer, n, inner)
            }
        } }
        return result
    }

    /// Every sample rotated to its canonical shift: out[t] = x[(t + s) mod n] along `axis`.
    public static func canonicalize<S: TensorScalar>(_ x: Tensor<S>, axis: Int) -> Tensor<S> {
        let s = shifts(x, axis: axis)
        let samples = x.shape[0], outer = x.shape[1..<axis].reduce(1, *), n = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *)
        let out = Tensor<S>(uninitializedShape: x.shape)
        x.withUnsafePointer { src in out.withSharedMutablePointer { dst in
            for b in 0..<samples {
                let k = s[b]
                for o in 0..<outer {
                    let base = (b * outer + o) * n * inner
                    // A rotation of a contiguous [n, inner] block is two contiguous runs.
                    copyElements(from: src + base + k * inner, to: dst + base, count: (n - k) * inner)
                    copyElements(from: src + base, to: dst + base + (n - k) * inner, count: k * inner)
                }
            }
        } }
        return out
    }

    /// Lexicographic key of rotation s at position t: the slice x[·, (t + s) mod n, ·] in
    /// (outer, inner) order.
    @inline(__always)
    static func bestShifts<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ result: UnsafeMutablePointer<Int>,
                                                   _ samples: Int, _ outer: Int, _ n: Int, _ inner: Int) {
        let sampleSize = outer * n * inner
        for b in 0..<samples {
            let p = x + b * sampleSize
            var best = 0
            for s in 1..<Swift.max(n, 1) {
                // Compare rotation s with rotation `best`: −1, 0 or +1.
                var cmp = 0
                compare: for t in 0..<n {
                    let ts = (t + s) % n, tb = (t + best) % n
                    for o in 0..<outer {
                        for k in 0..<inner {
                            let u = p[(o * n + ts) * inner + k], v = p[(o * n + tb) * inner + k]
                            if u != v { cmp = u < v ? -1 : 1; break compare }
                        }
                    }
                }
                if cmp < 0 { best = s }
            }
            result[b] = best
        }
    }
}

// MARK: - Checking invariance

extension ModelSymmetry {
    /// The inputs transformed by a random element of the group.
    public func randomlyTransformed<S>(_ inputs: Inputs<S>, rng: inout RandomStream) -> Inputs<S> {
        switch (self, inputs) {
        case (.none, _): return inputs
        case (.nodeRelabelling, .graphs(let g)):
            return .graphs(g.relabelled(by: (0..<g.count).map { _ in Permutation(rng.permutation(g.nodesPerGraph)) }))
        case (.cyclicShifts(let axis), .dense(let x)):
            let n = x.shape[axis]
            return .dense(permuteAxis(x, axis: axis, images: Permutation.shift(rng.int(below: n), degree: n).images))
        case (.group(_, let elements, let axis), .dense(let x)):
            return .dense(permuteAxis(x, axis: axis, images: elements[rng.int(below: elements.count)].images))
        default:
            preconditionFailure("ModelSymmetry: \(self) cannot act on \(inputs.count) inputs of this kind")
        }
    }
}

/// Invariance errors of a model: for each of `samples` random group elements g, the largest
/// |f(g·x) − f(x)| over the inputs. (An invariant model gives rounding-level errors; an MLP,
/// checked against `symmetry`, shows how far from invariant an unconstrained network is.)
public func invarianceErrors<S: TensorScalar>(of model: any Model<S>, under symmetry: ModelSymmetry, inputs: Inputs<S>,
                                              samples: Int, rng: inout RandomStream) -> [Double] {
    let base = model.predict(inputs)
    return (0..<samples).map { _ in
        let moved = model.predict(symmetry.randomlyTransformed(inputs, rng: &rng))
        return zip(base.scalars, moved.scalars).reduce(0.0) { Swift.max($0, Double(Swift.abs($1.0 - $1.1))) }
    }
}
