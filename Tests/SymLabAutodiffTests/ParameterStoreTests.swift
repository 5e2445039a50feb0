import SymLabAutodiff
import SymLabNumerics
import Testing

/// The gradient shards of a data-parallel step: each tape adds into its own buffer, and the
/// buffers are summed into the store's gradients.
@Suite struct ParameterStoreTests {
    func store() -> (ParameterStore<Double>, ParameterID, ParameterID) {
        let s = ParameterStore<Double>()
        let a = s.add("a", Tensor([1, 2, 3]))
        let b = s.add("b", Tensor([4, 5]))
        return (s, a, b)
    }

    /// Σ c·p over the parameter: its gradient is c.
    func record(_ s: ParameterStore<Double>, _ id: ParameterID, shard: Int, coefficient: Double) {
        let tape = Tape<Double>()
        tape.gradientShard = shard
        let p = s.bind(id, on: tape)
        tape.backward((p * coefficient).sum())
        tape.reset()
    }

    @Test func shardTapesAddIntoTheirOwnBuffers() {
        let (s, a, b) = store()
        s.prepareGradientShards(3)
        for k in 0..<3 { s.zeroGradients(shard: k) }
        record(s, a, shard: 0, coefficient: 1)
        record(s, a, shard: 1, coefficient: 10)
        record(s, b, shard: 2, coefficient: 100)
        // Only shard 0 is in the store's gradients before the sum.
        #expect(s.flatGradients.scalars == [1, 1, 1, 0, 0])
        s.addShardGradients(3)
        #expect(s.flatGradients.scalars == [11, 11, 11, 100, 100])
        // Zeroing a shard clears what it would add next time.
        s.zeroGradients()
        s.zeroGradients(shard: 1)
        s.addShardGradients(3)
        #expect(s.flatGradients.scalars == [0, 0, 0, 100, 100])
    }

    @Test func shardBuffersFollowTheStoreWhenItGrows() {
        let (s, a, _) = store()
        s.prepareGradientShards(2)
        let c = s.add("c", Tensor([7]))
        s.prepareGradientShards(2)
        s.zeroGradients(); s.zeroGradients(shard: 1)
        record(s, c, shard: 1, coefficient: 3)
        record(s, a, shard: 1, coefficient: 2)
        s.addShardGradients(2)
        #expect(s.flatGradients.scalars == [2, 2, 2, 0, 0, 3])
    }
}
