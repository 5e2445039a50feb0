import SymLabNumerics

extension Variable {
    /// Σ of all elements (a rank-0 value).
    public func sum() -> Variable {
        let shape = self.shape
        return tape.record(value.sum(), op: "sum", inputs: [self]) { g in
            [Tensor(shape: shape, repeating: g.scalar)]
        }
    }

    /// Mean of all elements (a rank-0 value).
    public func mean() -> Variable {
        let shape = self.shape, n = S(value.count)
        return tape.record(value.mean(), op: "mean", inputs: [self]) { g in
            [Tensor(shape: shape, repeating: g.scalar / n)]
        }
    }

    /// Σ over `axes` (negative axes count from the end).
    public func sum(axes: [Int], keepDims: Bool = false) -> Variable {
        let x = value
        let ax = x.normalizedAxes(axes, op: "sum(axes:)")
        let kept = x.shape.enumerated().map { ax.contains($0.offset) ? 1 : $0.element }
        return tape.record(x.sum(axes: ax, keepDims: keepDims), op: "sum(axes:)", inputs: [self]) { g in
            [g.reshaped(kept).broadcast(to: x.shape)]
        }
    }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Variable {
        let ax = value.normalizedAxes(axes, op: "mean(axes:)")
        let n = ax.reduce(1) { $0 * shape[$1] }
        return sum(axes: ax, keepDims: keepDims) / S(n)
    }
}
