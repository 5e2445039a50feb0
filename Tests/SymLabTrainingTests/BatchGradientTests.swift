import SymLabAutodiff
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim
import SymLabTraining
import Testing

/// Data-parallel steps: the batch cut into shards gives the batch's loss and gradient, the same
/// bits every time for a given shard count, and the trainer stays reproducible with them.
@Suite(.serialized) struct BatchGradientTests {
    /// A model of each input kind: dense vectors (MLP), cyclic sequences (CNN), graphs (GNN).
    static let cases: [(model: String, options: [String: String], data: String, dataOptions: [String: String])] = [
        ("mlp", ["depth": "2", "width": "32"], "single-index", [:]),
        ("cnn", ["depth": "2", "channels": "8", "kernel": "3", "hidden": "16"], "cyclic-pattern-parity", ["n": "12"]),
        ("gnn", ["depth": "2", "width": "16", "hidden": "16", "pooling": "mean"], "er-parity", ["n": "8"]),
    ]

    func setUp(_ c: Int, samples: Int = 150) throws -> (any Model<Double>, LabelledSet<Double>) {
        let k = Self.cases[c]
        let data = try FunctionClassRegistry.make(k.data, options: k.dataOptions).splits(nTrain: samples, nVal: 0, nTest: 0, seed: 3, as: Double.self)
        let set = LabelledSet(data.train)
        let model = try ModelRegistry.make(k.model, options: k.options, input: InputDescription(set.inputs), seed: 4, as: Double.self)
        return (model, set)
    }

    @Test(arguments: 0..<3)
    func shardsGiveTheBatchGradient(_ c: Int) throws {
        let (model, set) = try setUp(c)
        let gradient = BatchGradient(model: model)
        defer { gradient.reset() }
        let whole = gradient([set])
        let reference = model.parameters.flatGradients.copy()
        #expect(reference.norm > 0)
        let threads = BLAS.threads
        for count in [2, 3] {
            let loss = gradient(set.shards(count))
            #expect(Swift.abs(loss - whole) <= 1e-13 * Swift.abs(whole))
            let g = model.parameters.flatGradients
            let diff = g - reference
            #expect(Double(diff.norm) <= 1e-12 * Double(reference.norm), "\(Self.cases[c].model), \(count) shards")
            #expect(BLAS.threads == threads, "the step restores the BLAS thread count")
        }
    }

    @Test(arguments: 0..<3)
    func shardedGradientsAreTheSameBitsEveryTime(_ c: Int) throws {
        let (model, set) = try setUp(c)
        let gradient = BatchGradient(model: model)
        defer { gradient.reset() }
        let shards = set.shards(2)
        let first = gradient(shards)
        let g = model.parameters.flatGradients.copy()
        for _ in 0..<5 {
            #expect(gradient(shards) == first)
            #expect(model.parameters.flatGradients.scalars == g.scalars)
        }
    }

    @Test func shardsCoverTheSetInOrder() {
        let x = Tensor<Double>(shape: [7, 2], scalars: (0..<14).map(Double.init))
        let set = LabelledSet(inputs: .dense(x), labels: Tensor((0..<7).map(Double.init)))
        let shards = set.shards(3)
        #expect(shards.map(\.count) == [2, 2, 3])
        #expect(shards.flatMap(\.labels.scalars) == set.labels.scalars)
        #expect(shards.flatMap(\.inputs.dense.scalars) == x.scalars)
        #expect(BatchGradient<Double>.shardCount(batch: 500, threads: 2) == 2)
        #expect(BatchGradient<Double>.shardCount(batch: 100, threads: 2) == 1)
        #expect(BatchGradient<Double>.shardCount(batch: 500, threads: 1) == 1)
    }

    /// A minibatch run on two shard threads: reproducible bit for bit, and the same training
    /// (up to rounding) as on one thread.
    @Test func trainingOnShardsIsReproducibleAndMatchesOneThread() throws {
        func run(threads: Int) throws -> [Double] {
            let (model, set) = try setUp(1, samples: 400)
            let trainer = Trainer(model: model, optimizer: Optimizer(.adam, learningRate: 1e-3),
                                  config: TrainingConfig(steps: 12, batchSize: 128, evalEvery: 4, threads: threads),
                                  batchOrder: RandomStream(seed: 5), showProgress: false)
            let recorder = Recorder()
            let result = trainer.train(TrainingData(train: set, validation: set, test: set), observer: recorder)
            #expect(result.status == .done)
            return recorder.points.map(\.value) + [Double(model.parameters.flatValues.norm)]
        }
        let two = try run(threads: 2)
        #expect(try run(threads: 2) == two)
        let one = try run(threads: 1)
        for (a, b) in zip(one, two) { #expect(Swift.abs(a - b) <= 1e-9 * Swift.max(1, Swift.abs(a))) }
    }
}
