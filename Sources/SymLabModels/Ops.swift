import SymLabAutodiff
import SymLabNumerics

// Differentiable ops the models need beyond SymLabAutodiff: an affine map with a forward-pass
// multiplier (NTK / mean-field scaling in one gemm, via the fused `dense` node) and the segment
// max of max-aggregation.
// Both record one tape node, like the ops of SymLabAutodiff, with the pullback beside the forward.

extension Variable {
    /// c·(x·W) + b for x [..., in], W [in, out], b [out]: one gemm with α = c, accumulated onto
    /// the broadcast bias. The multiplier is what distinguishes the NTK and mean-field
    /// parameterizations from the standard one, so it must act on the gradients too
    /// (dW = c·xᵀg, dx = c·g·Wᵀ) — scaling the initial weights instead would not.
    public static func scaledAffine(_ x: Variable, _ w: Variable, _ b: Variable?, scale c: S) -> Variable {
        dense([(x, w)], bias: b, scale: c)
    }

    /// Segment max over rows: out[s] = max over {k : segments[k] = s} of self[k], elementwise
    /// along the trailing axes; segments without rows give 0 (as PyG's max aggregation does for
    /// isolated nodes). The gradient of each output element goes to the row that attained the
    /// maximum (the first one on ties), so the op is differentiable wherever the max is unique.
    public func segmentMax(_ segments: [Int], count: Int) -> Variable {
        let (out, argmax) = SegmentMaxKernels.forward(value, segments: segments, count: count)
        let inShape = shape
        return tape.record(out, op: "segmentMax", inputs: [self]) { g in
            [SegmentMaxKernels.backward(g, argmax: argmax, inputShape: inShape)]
        }
    }
}

/// The loops of ``Variable/segmentMax(_:count:)``. They run per element, so they dispatch once
/// per call to a body specialized for Double or Float (generic code across modules would run
/// unspecialized, a witness-table call per element: see docs/design/autodiff.md).
enum SegmentMaxKernels {
    static func forward<S: TensorScalar>(_ x: Tensor<S>, segments: [Int], count: Int) -> (Tensor<S>, [Int32]) {
        guard x.rank >= 1, segments.count == x.shape[0] else {
            tensorFailure("segmentMax", "\(segments.count) segment indices for a value of shape \(x.shape)")
        }
        guard count >= 0, x.shape[0] < Int(Int32.max) else { tensorFailure("segmentMax", "bad segment count \(count) or too many rows \(x.shape[0])") }
        for s in segments where s < 0 || s >= count {
            tensorFailure("segmentMax", "segment index \(s) out of range for \(count) segments")
        }
        let width = x.shape.dropFirst().reduce(1, *), rows = x.shape[0]
        let out = Tensor<S>(shape: [count] + x.shape.dropFirst())
        var argmax = [Int32](repeating: -1, count: count * width)
        x.withUnsafePointer { px in out.withSharedMutablePointer { po in
            segments.withUnsafeBufferPointer { seg in argmax.withUnsafeMutableBufferPointer { arg in
                if S.self == Double.self {
                    forwardLoop(cast(px, Double.self), cast(po, Double.self), seg.baseAddress!, arg.baseAddress!, rows, width)
                } else if S.self == Float.self {
                    forwardLoop(cast(px, Float.self), cast(po, Float.self), seg.baseAddress!, arg.baseAddress!, rows, width)
                } else {
                    forwardLoop(px, po, seg.baseAddress!, arg.baseAddress!, rows, width)
                }
            } }
        } }
        return (out, argmax)
    }

    static func backward<S: TensorScalar>(_ g: Tensor<S>, argmax: [Int32], inputShape: [Int]) -> Tensor<S> {
        let width = inputShape.dropFirst().reduce(1, *)
        let dx = Tensor<S>(shape: inputShape)
        g.withUnsafePointer { pg in dx.withSharedMutablePointer { pd in argmax.withUnsafeBufferPointer { arg in
            if S.self == Double.self {
                backwardLoop(cast(pg, Double.self), cast(pd, Double.self), arg.baseAddress!, arg.count, width)
            } else if S.self == Float.self {
                backwardLoop(cast(pg, Float.self), cast(pd, Float.self), arg.baseAddress!, arg.count, width)
            } else {
                backwardLoop(pg, pd, arg.baseAddress!, arg.count, width)
            }
        } } }
        return dx
    }

    @inline(__always)
    static func forwardLoop<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ seg: UnsafePointer<Int>,
                                                    _ arg: UnsafeMutablePointer<Int32>, _ rows: Int, _ width: Int) {
        for k in 0..<rows {
            let o = out + seg[k] * width, a = arg + seg[k] * width, xr = x + k * width
            let kk = Int32(k)
            for j in 0..<width where a[j] < 0 || xr[j] > o[j] {
                o[j] = xr[j]; a[j] = kk
            }
        }
    }

    @inline(__always)
    static func backwardLoop<T: BinaryFloatingPoint>(_ g: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ arg: UnsafePointer<Int32>,
                                                     _ n: Int, _ width: Int) {
        // Element i of the output is (segment i / width, column i % width).
        for i in 0..<n where arg[i] >= 0 {
            dx[Int(arg[i]) * width + i % width] += g[i]
        }
    }
}

/// A pointer to S seen as the concrete type T (callers check S == T first).
@inline(__always)
func cast<S, T>(_ p: UnsafePointer<S>, _: T.Type) -> UnsafePointer<T> { UnsafeRawPointer(p).assumingMemoryBound(to: T.self) }
@inline(__always)
func cast<S, T>(_ p: UnsafeMutablePointer<S>, _: T.Type) -> UnsafeMutablePointer<T> { UnsafeMutableRawPointer(p).assumingMemoryBound(to: T.self) }
