import SymLabAutodiff
import SymLabModels
import SymLabNumerics

/// The loss of a model on one batch and its gradient, as a training step needs them: on one
/// tape, or data-parallel in shards.
///
/// Why shards: with several threads, BLAS and the threaded kernels split each product of a step,
/// but the papers' networks are small, so much of a step is serial work between the products
/// (the tape, pointwise passes, a network's head), and a second core gained 1.0–1.4×. Splitting
/// the *batch* instead parallelises all of it: each shard runs the whole forward and backward
/// pass on its slice of the samples, on its own thread, tape and gradient buffer, with BLAS at
/// one thread; the buffers are then added in shard order. The loss is a mean over samples, so
/// shard k's loss enters with weight nₖ/n and the sum is the batch's loss and gradient.
///
/// The result depends on the number of shards (floating-point addition is not associative),
/// and that follows the thread count (``shardCount(batch:threads:)``): a run is reproducible bit
/// for bit per seed *and* thread count, which is why every run records its thread count. With one
/// thread there is one shard and the step is the plain one.
public final class BatchGradient<S: TensorScalar> {
    public let model: any Model<S>
    public let loss: LossKind
    /// One tape per shard, kept across steps so their arrays keep their capacity.
    private var tapes: [Tape<S>] = []

    /// The smallest shard worth a thread: below this a shard's products are too small to pay
    /// for waking a worker and adding a gradient buffer.
    public static var minimumShardSize: Int { 64 }

    /// Shards for a batch of `batch` samples on `threads` threads: one per thread while every
    /// shard keeps ≥ ``minimumShardSize`` samples.
    public static func shardCount(batch: Int, threads: Int = BLAS.threads) -> Int {
        Swift.max(1, Swift.min(threads, batch / minimumShardSize))
    }

    public init(model: any Model<S>, loss: LossKind = .mse) {
        self.model = model
        self.loss = loss
    }

    /// Zeroes the model's gradients, then records each shard's forward pass and loss and runs its
    /// backward pass: returns the loss over all shards' samples, whose gradient is then in
    /// `model.parameters.flatGradients`. More than one shard runs concurrently, with BLAS at one
    /// thread for the duration (restored after).
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func callAsFunction(_ shards: [LabelledSet<S>]) -> Double {
        precondition(!shards.isEmpty, "BatchGradient: no shards")
        let store = model.parameters
        while tapes.count < shards.count {
            let tape = Tape<S>()
            tape.gradientShard = tapes.count
            tapes.append(tape)
        }
        if shards.count == 1 {
            let tape = tapes[0]
            tape.reset()
            store.zeroGradients()
            let l = lossVariable(shards[0], on: tape)
            tape.backward(l)
            return Double(l.value.scalar)
        }
        store.prepareGradientShards(shards.count)
        let total = Double(shards.reduce(0) { $0 + $1.count })
        var losses = [Double](repeating: 0, count: shards.count)
        let threads = BLAS.threads
        BLAS.setThreads(1)
        losses.withUnsafeMutableBufferPointer { losses in
            let out = losses.baseAddress!
            _ = Parallel.forEachTask(shards.count) { k in
                let tape = tapes[k]
                tape.reset()
                store.zeroGradients(shard: k)
                let weight = Double(shards[k].count) / total
                let l = lossVariable(shards[k], on: tape)
                tape.backward(l, seed: Tensor(scalar: S(weight)))
                out[k] = weight * Double(l.value.scalar)
            }
        }
        store.addShardGradients(shards.count)
        BLAS.setThreads(threads)
        return losses.reduce(0, +)
    }

    /// Breaks the tapes' Variable ↔ tape cycles (call when done training).
    public func reset() { for t in tapes { t.reset() } }

    /// The training loss of the model on `set`, recorded on `tape`.
    func lossVariable(_ set: LabelledSet<S>, on tape: Tape<S>) -> Variable<S> {
        let pred = model.forward(set.inputs, on: tape)
        switch loss {
        case .mse: return Variable.mse(pred, set.labels)
        case .logistic: return Variable.logisticLoss(pred, set.labels)
        case .reconstruction: return Variable.mse(pred, loss.target(set, shape: pred.shape))
        }
    }
}

extension LabelledSet {
    /// The set cut into `count` contiguous shards of sizes differing by at most one (the set
    /// itself when `count` is 1).
    public func shards(_ count: Int) -> [LabelledSet] {
        precondition(count >= 1 && count <= Swift.max(self.count, 1), "LabelledSet.shards: cannot cut \(self.count) samples into \(count) shards")
        guard count > 1 else { return [self] }
        return shardRanges(self.count, count).map { r in LabelledSet(inputs: inputs.samples(r), labels: labels.rows(r).copy()) }
    }
}

/// 0..<n cut into `count` contiguous ranges of sizes differing by at most one.
func shardRanges(_ n: Int, _ count: Int) -> [Range<Int>] {
    (0..<count).map { k in (n * k / count)..<(n * (k + 1) / count) }
}
