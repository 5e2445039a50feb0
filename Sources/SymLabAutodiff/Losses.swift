import SymLabNumerics

// Losses, each fused into one node: the forward computes the mean loss, the backward the
// closed-form gradient with respect to the predictions (labels are constants).

extension Variable {
    /// Mean squared error (1/N)·Σ(pred − target)². Shapes must match exactly: an [N, 1]
    /// prediction against [N] labels would otherwise broadcast to [N, N] silently.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public static func mse(_ pred: Variable, _ target: Tensor<S>) -> Variable {
        guard pred.shape == target.shape else {
            tensorFailure("mse", "prediction shape \(pred.shape) differs from target shape \(target.shape)")
        }
        let diff = pred.value - target
        let n = S(diff.count)
        let loss = Tensor.dot(diff, diff) / n
        return pred.tape.record(Tensor(scalar: loss), op: "mse", inputs: [pred]) { g in
            [diff.scaled(by: 2 * g.scalar / n)]
        }
    }

    /// Logistic loss for labels y ∈ {−1, +1}: (1/N)·Σ log(1 + exp(−y·f)), computed stably.
    public static func logisticLoss(_ logits: Variable, _ labels: Tensor<S>) -> Variable {
        guard logits.shape == labels.shape else {
            tensorFailure("logisticLoss", "logit shape \(logits.shape) differs from label shape \(labels.shape)")
        }
        let margin = -(logits.value * labels)             // −y·f
        let n = S(margin.count)
        let loss = margin.map(.softplus).sum().scalar / n
        return logits.tape.record(Tensor(scalar: loss), op: "logisticLoss", inputs: [logits]) { g in
            // d/df softplus(−y f) = −y·σ(−y f)
            [(margin.map(.sigmoid) * labels).scaled(by: -g.scalar / n)]
        }
    }

    /// Softmax cross-entropy: logits [N, C], integer class labels in 0..<C; mean over N.
    public static func crossEntropy(_ logits: Variable, _ labels: [Int]) -> Variable {
        let z = logits.value
        guard z.rank == 2, z.shape[0] == labels.count else {
            tensorFailure("crossEntropy", "logits \(z.shape) need shape [\(labels.count), C] for \(labels.count) labels")
        }
        let (n, c) = (z.shape[0], z.shape[1])
        var probs = Tensor<S>(uninitializedShape: [n, c])
        var total: S = 0
        z.withUnsafePointer { pz in probs.withUnsafeMutablePointer { pp in
            for i in 0..<n {
                let row = pz + i * c
                let label = labels[i]
                guard label >= 0 && label < c else { tensorFailure("crossEntropy", "label \(label) outside 0..<\(c)") }
                let (m, _) = S.argmaxKernel(row, c)
                S.unaryKernel(.affine(scale: 1, shift: -Double(m)), row, pp + i * c, c)
                S.unaryKernel(.exp, pp + i * c, pp + i * c, c)
                let zsum = S.sumKernel(pp + i * c, c)
                total += S.log(zsum) + m - row[label]
                S.blasScal(n: c, alpha: 1 / zsum, x: pp + i * c, incx: 1)
            }
        } }
        let p = probs
        return logits.tape.record(Tensor(scalar: total / S(n)), op: "crossEntropy", inputs: [logits]) { g in
            var d = p
            d.withUnsafeMutablePointer { pd in for i in 0..<n { pd[i * c + labels[i]] -= 1 } }
            return [d.scaled(by: g.scalar / S(n))]
        }
    }
}
