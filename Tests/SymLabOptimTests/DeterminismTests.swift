import SymLabAutodiff
import SymLabNumerics
import SymLabOptim
import Testing

/// Same seed → the same data, initialisation, minibatches and therefore bit-identical losses.
@Suite struct DeterminismTests {
    /// Trains a 2-layer tanh MLP on a random teacher with minibatch Adam; returns every loss.
    func trainingLosses<S: TensorScalar>(_: S.Type, seed: UInt64, steps: Int = 40) -> [S] {
        let root = RandomStream(seed: seed)
        var dataRNG = root.substream(.target), initRNG = root.substream(.initialisation), batchRNG = root.substream(.batchOrder)
        let x: Tensor<S> = dataRNG.normal([64, 5])
        let teacher: Tensor<S> = dataRNG.normal([5, 1])
        let y = Tensor.matmul(x, teacher).map(.tanh)
        let store = ParameterStore<S>()
        let w1 = store.add("w1", initRNG.normal([5, 16], std: 0.5))
        let b1 = store.add("b1", Tensor(shape: [16]))
        let w2 = store.add("w2", initRNG.normal([16, 1], std: 0.25))
        let opt = Optimizer<S>(.adam, learningRate: 0.01)
        var losses: [S] = []
        for _ in 0..<steps {
            let rows = Array(batchRNG.permutation(64).prefix(16))
            let tape = Tape<S>()
            store.zeroGradients()
            let h = Variable.affine(tape.constant(x.gatherRows(rows)), store.bind(w1, on: tape), store.bind(b1, on: tape)).tanh()
            let loss = Variable.mse(Variable.matmul(h, store.bind(w2, on: tape)), y.gatherRows(rows))
            tape.backward(loss)
            opt.step(store)
            losses.append(loss.value.scalar)
        }
        return losses
    }

    @Test func sameSeedBitIdenticalLossesDouble() {
        let a = trainingLosses(Double.self, seed: 11), b = trainingLosses(Double.self, seed: 11)
        #expect(a == b)
        #expect(a.last! < a.first!)   // and it is training, not a constant
        #expect(trainingLosses(Double.self, seed: 12) != a)
    }

    @Test func sameSeedBitIdenticalLossesFloat() {
        #expect(trainingLosses(Float.self, seed: 5) == trainingLosses(Float.self, seed: 5))
    }

    @Test func sameSeedBitIdenticalTensors() {
        var a = RandomStream(seed: 3, stream: 9), b = RandomStream(seed: 3, stream: 9)
        let ta: Tensor<Double> = a.orthonormal(rows: 4, cols: 9), tb: Tensor<Double> = b.orthonormal(rows: 4, cols: 9)
        #expect(ta == tb)
        let fa: Tensor<Float> = a.normal([100]), fb: Tensor<Float> = b.normal([100])
        #expect(fa == fb)
    }
}
