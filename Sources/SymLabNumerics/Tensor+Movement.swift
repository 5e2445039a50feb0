// Reshapes, views, permutations, slices, concatenation, gathers and scatters.

extension Tensor {
    /// The same elements under a new shape (no copy). One extent may be −1 (inferred).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let k = s.firstIndex(of: -1) {
            let rest = s.enumerated().filter { $0.offset != k }.reduce(1) { $0 * $1.element }
            guard rest > 0, count % rest == 0, s.filter({ $0 == -1 }).count == 1 else {
                tensorFailure("reshape", "cannot reshape \(shape) to \(newShape)")
            }
            s[k] = count / rest
        }
        guard s.allSatisfy({ $0 >= 0 }), s.reduce(1, *) == count else {
            tensorFailure("reshape", "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        }
        return Tensor(viewing: storage, offset: offset, shape: s)
    }

    /// Rows `range` of the leading axis, as a view (no copy).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func rows(_ range: Range<Int>) -> Tensor {
        guard rank >= 1, range.lowerBound >= 0, range.upperBound <= shape[0] else {
            tensorFailure("rows", "range \(range) out of bounds for shape \(shape)")
        }
        let inner = shape.dropFirst().reduce(1, *)
        return Tensor(viewing: storage, offset: offset + range.lowerBound * inner, shape: [range.count] + shape.dropFirst())
    }

    /// The transpose of a matrix (a copy).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func transposed() -> Tensor {
        guard rank == 2 else { tensorFailure("transposed", "needs a matrix, got shape \(shape)") }
        let m = shape[0], n = shape[1]
        let out = Tensor(uninitializedShape: [n, m])
        withUnsafePointer { a in out.withSharedMutablePointer { b in ElementMover.transpose(a, b, rows: m, cols: n) } }
        return out
    }

    /// Axes reordered: output axis k is input axis `axes[k]` (a copy).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func permuted(_ axes: [Int]) -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            tensorFailure("permute", "\(axes) is not a permutation of the axes of shape \(shape)")
        }
        if axes == Array(0..<rank) { return self }
        if rank == 2 { return transposed() }
        var inStride = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inStride[d] = inStride[d + 1] * shape[d + 1] }
        let outShape = axes.map { shape[$0] }
        let strides = axes.map { inStride[$0] }
        let out = Tensor(uninitializedShape: outShape)
        withUnsafePointer { src in out.withSharedMutablePointer { dst in ElementMover.permute(src, dst, outShape: outShape, strides: strides) } }
        return out
    }

    /// Axes `a` and `b` swapped (a copy).
    public func swappingAxes(_ a: Int, _ b: Int) -> Tensor {
        let ax = normalizedAxes([a, b], op: "swappingAxes")
        var p = Array(0..<rank)
        p.swapAt(ax[0], ax[1])
        return permuted(p)
    }

    /// Elements `range` along `axis` (a copy unless `axis` is the leading one).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let ax = normalizedAxes([axis], op: "slice")[0]
        guard range.lowerBound >= 0, range.upperBound <= shape[ax] else {
            tensorFailure("slice", "range \(range) out of bounds for axis \(axis) of shape \(shape)")
        }
        if ax == 0 { return rows(range).copy() }
        let outer = shape[..<ax].reduce(1, *), inner = shape[(ax + 1)...].reduce(1, *)
        var outShape = shape; outShape[ax] = range.count
        let out = Tensor(uninitializedShape: outShape)
        let run = range.count * inner, srcRow = shape[ax] * inner
        withUnsafePointer { src in out.withSharedMutablePointer { dst in
            for o in 0..<outer {
                copyElements(from: src + o * srcRow + range.lowerBound * inner, to: dst + o * run, count: run)
            }
        } }
        return out
    }

    /// Concatenation along `axis`; all other extents must agree.
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        guard let first = parts.first else { tensorFailure("concat", "no tensors to concatenate") }
        let ax = first.normalizedAxes([axis], op: "concat")[0]
        for p in parts where p.rank != first.rank || p.shape[..<ax] != first.shape[..<ax] || p.shape[(ax + 1)...] != first.shape[(ax + 1)...] {
            tensorFailure("concat", "shapes \(first.shape) and \(p.shape) differ off axis \(axis)")
        }
        var outShape = first.shape
        outShape[ax] = parts.reduce(0) { $0 + $1.shape[ax] }
        let outer = first.shape[..<ax].reduce(1, *), inner = first.shape[(ax + 1)...].reduce(1, *)
        let out = Tensor(uninitializedShape: outShape)
        let outRow = outShape[ax] * inner
        out.withSharedMutablePointer { dst in
            var col = 0
            for p in parts {
                let run = p.shape[ax] * inner
                p.withUnsafePointer { src in
                    for o in 0..<outer { copyElements(from: src + o * run, to: dst + o * outRow + col, count: run) }
                }
                col += run
            }
        }
        return out
    }

    /// Broadcasts to `target` (a copy): the forward pass of an explicit expand.
    public func broadcast(to target: [Int]) -> Tensor {
        guard Broadcast.shape(shape, target, op: "broadcast(to:)") == target else {
            tensorFailure("broadcast(to:)", "shape \(shape) does not broadcast to \(target)")
        }
        if target == shape { return copy() }
        // A copy, block by block: the trailing axes this tensor shares with the target form one
        // contiguous block (e.g. the channels of a [B, 1, C] → [B, L, C] gradient of a mean pool),
        // copied whole; the leading axes walk the source with stride 0 on broadcast axes.
        let out = Tensor(uninitializedShape: target)
        let r = target.count
        let source = [Int](repeating: 1, count: r - rank) + shape
        var strides = [Int](repeating: 0, count: r)
        var step = 1
        for a in stride(from: r - 1, through: 0, by: -1) {
            strides[a] = source[a] == target[a] ? step : 0
            step *= source[a]
        }
        var k = r, inner = 1
        while k > 0 && source[k - 1] == target[k - 1] { inner *= target[k - 1]; k -= 1 }
        let outer = target[0..<k].reduce(1, *)
        guard outer > 0 && inner > 0 else { return out }
        withUnsafePointer { ps in out.withSharedMutablePointer { po in
            var index = [Int](repeating: 0, count: k), offset = 0
            for o in 0..<outer {
                if inner == 1 { po[o] = ps[offset] } else { copyElements(from: ps + offset, to: po + o * inner, count: inner) }
                var a = k - 1
                while a >= 0 {
                    index[a] += 1
                    offset += strides[a]
                    if index[a] < target[a] { break }
                    offset -= strides[a] * target[a]
                    index[a] = 0
                    a -= 1
                }
            }
        } }
        return out
    }

    /// Rows of the leading axis picked by `indices`: out[k] = self[indices[k]].
    public func gatherRows(_ indices: [Int]) -> Tensor {
        guard rank >= 1 else { tensorFailure("gather", "needs rank ≥ 1, got shape \(shape)") }
        let inner = shape.dropFirst().reduce(1, *), n = shape[0]
        let out = Tensor(uninitializedShape: [indices.count] + shape.dropFirst())
        withUnsafePointer { src in out.withSharedMutablePointer { dst in
            for (k, i) in indices.enumerated() {
                guard i >= 0 && i < n else { tensorFailure("gather", "index \(i) out of range for shape \(shape)") }
                copyElements(from: src + i * inner, to: dst + k * inner, count: inner)
            }
        } }
        return out
    }

    /// Segment sum: out has `segments` rows and out[indices[k]] += self[k]. The adjoint of
    /// ``gatherRows(_:)``; message passing on edge lists aggregates with it.
    public func scatterAddRows(_ indices: [Int], segments: Int) -> Tensor {
        guard rank >= 1, indices.count == shape[0] else {
            tensorFailure("scatterAdd", "\(indices.count) indices for a tensor of shape \(shape)")
        }
        let inner = shape.dropFirst().reduce(1, *)
        let out = Tensor(shape: [segments] + shape.dropFirst())
        withUnsafePointer { src in out.withSharedMutablePointer { dst in
            for (k, i) in indices.enumerated() {
                guard i >= 0 && i < segments else { tensorFailure("scatterAdd", "index \(i) out of range for \(segments) segments") }
                Scalar.blasAxpy(n: inner, alpha: 1, x: src + k * inner, incx: 1, y: dst + i * inner, incy: 1)
            }
        } }
        return out
    }
}
