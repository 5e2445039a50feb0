import SymLabNumerics

// Shape-changing operations. Each one's backward is its adjoint: reshape ↔ reshape,
// permute ↔ inverse permute, slice ↔ zero-pad, concat ↔ slices, gather ↔ scatter-add.

extension Variable {
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func reshaped(_ newShape: [Int]) -> Variable {
        let old = shape
        return tape.record(value.reshaped(newShape), op: "reshape", inputs: [self]) { g in [g.reshaped(old)] }
    }

    /// Axes reordered: output axis k is input axis `axes[k]`.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func permuted(_ axes: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (k, a) in axes.enumerated() where a >= 0 && a < axes.count { inverse[a] = k }
        return tape.record(value.permuted(axes), op: "permute", inputs: [self]) { g in [g.permuted(inverse)] }
    }

    /// Matrix transpose.
    public func transposed() -> Variable {
        tape.record(value.transposed(), op: "transpose", inputs: [self]) { g in [g.transposed()] }
    }

    /// Elements `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Variable {
        let x = value
        let ax = x.normalizedAxes([axis], op: "slice")[0]
        return tape.record(x.slice(axis: ax, range), op: "slice", inputs: [self]) { g in
            var parts: [Tensor<S>] = []
            var before = x.shape; before[ax] = range.lowerBound
            var after = x.shape; after[ax] = x.shape[ax] - range.upperBound
            if range.lowerBound > 0 { parts.append(Tensor(shape: before)) }
            parts.append(g)
            if after[ax] > 0 { parts.append(Tensor(shape: after)) }
            return [parts.count == 1 ? g : Tensor.concat(parts, axis: ax)]
        }
    }

    /// Concatenation along `axis`.
    public static func concat(_ parts: [Variable], axis: Int) -> Variable {
        guard let first = parts.first else { tensorFailure("concat", "no values to concatenate") }
        let values = parts.map(\.value)
        let out = Tensor.concat(values, axis: axis)
        let ax = out.normalizedAxes([axis], op: "concat")[0]
        return first.tape.record(out, op: "concat", inputs: parts) { g in
            var start = 0
            return values.map { v in
                defer { start += v.shape[ax] }
                return g.slice(axis: ax, start..<(start + v.shape[ax]))
            }
        }
    }

    /// Broadcast to `target` (an explicit expand).
    public func broadcast(to target: [Int]) -> Variable {
        let s = shape
        return tape.record(value.broadcast(to: target), op: "broadcast", inputs: [self]) { g in [g.sum(toShape: s)] }
    }

    /// out[k] = self[indices[k]] along the leading axis (e.g. node features lifted to edges).
    public func gatherRows(_ indices: [Int]) -> Variable {
        let n = shape[0]
        return tape.record(value.gatherRows(indices), op: "gather", inputs: [self]) { g in
            [g.scatterAddRows(indices, segments: n)]
        }
    }

    /// Segment sum: out[indices[k]] += self[k], with `segments` output rows (e.g. messages
    /// aggregated at their target nodes).
    public func scatterAddRows(_ indices: [Int], segments: Int) -> Variable {
        tape.record(value.scatterAddRows(indices, segments: segments), op: "scatterAdd", inputs: [self]) { g in
            [g.gatherRows(indices)]
        }
    }
}
