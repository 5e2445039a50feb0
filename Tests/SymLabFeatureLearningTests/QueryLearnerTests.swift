import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim
import SymLabTraining
import Testing

/// The statistical-query learners (docs/statistical-queries.md §3): each one's defining property
/// on a small problem.
@Suite struct QueryLearnerTests {
    func context(_ cls: String, _ options: [String: String], n: Int, val: Int = 10, test: Int = 500, seed: UInt64 = 0) throws -> SchemeContext {
        SchemeContext.make(try FunctionClassRegistry.make(cls, options: options), nTrain: n, nValidation: val, nTest: test, seed: seed,
                           rng: RandomStream(seed: seed, stream: 99))
    }

    /// The scheme's MLP, initialised as the scheme initialises it, trained by the trainer with
    /// plain full-batch gradient descent on `labels` (the training split's when nil).
    func plainGradientDescent(_ c: SchemeContext, widths: String, steps: Int, lr: Double, batch: Int? = nil, labels: Tensor<Double>? = nil) throws
        -> (initial: Double, final: Double, net: any Model<Double>) {
        var r = c.rng.substream(.initialisation)
        let net = try ModelRegistry.make("mlp", options: ["widths": widths], input: InputDescription(c.train.inputs), rng: &r, as: Double.self)
        let test = LabelledSet(inputs: c.test.inputs, labels: c.test.cleanLabels)
        func mse() -> Double { let d = net.predict(test.inputs) - test.labels; return Tensor.dot(d, d) / Double(test.count) }
        let initial = mse()
        let trainer = Trainer(model: net, optimizer: Optimizer<Double>(.sgd, learningRate: lr), config: TrainingConfig(steps: steps, batchSize: batch, evalEvery: steps),
                              batchOrder: c.rng.substream(.batchOrder), showProgress: false)
        _ = trainer.train(TrainingData(train: LabelledSet(inputs: c.train.inputs, labels: labels ?? c.train.labels),
                                       validation: LabelledSet(c.validation), test: test))
        return (initial, mse(), net)
    }

    // MARK: csq-gd

    @Test func csqGradientDescentAtToleranceZeroIsPlainGradientDescent() throws {
        let c = try context("single-index", ["d": "8", "exponent": "1", "degree": "1"], n: 300)
        let options = ["widths": "8", "steps": "6", "lr": "0.1", "fresh": "false", "batch": "0", "tolerance": "0"]
        let m = try CSQGradientDescentScheme(options: options).run(c).metrics
        let gd = try plainGradientDescent(c, widths: "8", steps: 6, lr: 0.1)
        let mse = try #require(m[SchemeMetric.testMSE])
        #expect(gd.final < 0.9 * gd.initial)   // the steps moved the network
        #expect(abs(mse - gd.final) <= 1e-10 * gd.final, "csq-gd \(mse), gradient descent \(gd.final)")
        // queries = steps × parameters: one per parameter per step.
        #expect(m["queries"] == 6 * m["parameters"]!)
        #expect(m["parameters"] == Double(8 * 8 + 8 + 8 + 1))
        // Minibatches of the training split: the trainer's minibatch SGD (same order, same batches).
        let mini = try CSQGradientDescentScheme(options: options.merging(["batch": "70", "steps": "9"]) { _, b in b }).run(c).metrics
        let sgd = try plainGradientDescent(c, widths: "8", steps: 9, lr: 0.1, batch: 70)
        #expect(abs(mini[SchemeMetric.testMSE]! - sgd.final) <= 1e-10 * sgd.final)
        #expect(mini["samples_used"] == 300)
        // Any mode at τ = 0 answers the empirical mean: the same run, bit for bit.
        for mode in ["random", "adversarial"] {
            let other = try CSQGradientDescentScheme(options: options.merging(["oracle": mode]) { _, b in b }).run(c).metrics
            #expect(other[SchemeMetric.testMSE] == mse, "\(mode)")
        }
    }

    @Test func csqGradientDescentBehindTheAdversaryNeverSeesTheLabels() throws {
        // τ = 1 hides every normalised correlation: the run is gradient descent towards the null
        // function 0, the same as training on all-zero labels.
        let c = try context("single-index", ["d": "8", "exponent": "1", "degree": "1"], n: 300)
        let m = try CSQGradientDescentScheme(options: ["widths": "8", "steps": "6", "lr": "0.1", "fresh": "false", "batch": "0",
                                                       "tolerance": "1", "oracle": "adversarial"]).run(c).metrics
        let null = try plainGradientDescent(c, widths: "8", steps: 6, lr: 0.1, labels: Tensor<Double>(shape: [300], repeating: 0))
        let learned = try plainGradientDescent(c, widths: "8", steps: 6, lr: 0.1)
        let mse = try #require(m[SchemeMetric.testMSE])
        #expect(abs(mse - null.final) <= 1e-10 * null.final, "csq-gd \(mse), gradient descent on zero labels \(null.final)")
        #expect(abs(learned.final - null.final) > 1e-3)
        #expect(m["null_answer_fraction"] == 1)
        #expect(m["largest_deviation"]! <= 1)
        #expect(m[SchemeMetric.testLossNormalized]! > 0.9)
    }

    @Test func csqGradientDescentDrawsFreshSamplesPerStepAndRunsOtherModels() throws {
        let c = try context("single-index", ["d": "8", "exponent": "1", "degree": "1"], n: 10)
        let m = try CSQGradientDescentScheme(options: ["widths": "16", "steps": "40", "lr": "0.1", "batch": "200"]).run(c).metrics
        #expect(m["samples_used"] == 8000)
        #expect(m[SchemeMetric.testLossNormalized]! < 0.5)
        // A graph model through `model` and `model.*`.
        let g = try context("er-parity", ["n": "6"], n: 10, test: 50)
        let gm = try CSQGradientDescentScheme(options: ["model": "gnn", "model.width": "4", "model.hidden": "4", "model.depth": "1",
                                                        "steps": "2", "batch": "20"]).run(g).metrics
        #expect(gm["queries"] == 2 * gm["parameters"]!)
    }

    @Test func csqGradientDescentThatBlowsUpIsDivergedNotFailed() throws {
        // A step size far too large: the outputs overflow before the parameters do, so the
        // per-sample gradients are not finite — the oracle would refuse them as out of range;
        // the run must end `diverged` (a result), not throw (a failure).
        let c = try context("single-index", ["d": "8", "exponent": "1", "degree": "1"], n: 100)
        let r = try CSQGradientDescentScheme(options: ["widths": "8,8", "steps": "200", "lr": "1e8", "fresh": "false", "batch": "0"]).run(c)
        #expect(r.status == .diverged)
        #expect(r.message?.contains("per-sample gradient is not finite") == true, "\(r.message ?? "no message")")
        #expect(r.metrics["steps_run"]! < 200)
    }

    @Test func csqGradientDescentRejectsBadOptions() {
        #expect(throws: FunctionClassError.self) { try CSQGradientDescentScheme(options: ["model": "gnn", "widths": "8"]) }
        #expect(throws: FunctionClassError.self) { try CSQGradientDescentScheme(options: ["model": "mlp", "model.no-such": "1"]) }
        #expect(throws: FunctionClassError.self) { try CSQGradientDescentScheme(options: ["model": "no-such-model"]) }
        #expect(throws: FunctionClassError.self) { try CSQGradientDescentScheme(options: ["batch": "0"]) }
        #expect(throws: FunctionClassError.self) { try CSQGradientDescentScheme(options: ["oracle": "lenient"]) }
        #expect(throws: FunctionClassError.self) { try CSQGradientDescentScheme(options: ["tolerance": "-1"]) }
    }

    // MARK: sq-label-transform

    @Test func labelTransformRecoversTheHiddenSupportAndFitsThePolynomial() throws {
        let c = try context("invariant-polynomial", ["n": "16", "support": "3", "degree": "3", "monomials": "multilinear"], n: 2000)
        let m = try SQLabelTransformScheme(options: [:]).run(c).metrics
        #expect(m["support_recovered"] == 1)
        #expect(m["support_margin"]! > 0)
        #expect(m[SchemeMetric.testLossNormalized]! < 1e-8)
        // n SQ queries for the support, one CSQ query per orbit feature of degree ≤ 3 on 3
        // coordinates (partitions 1; 2, 11; 3, 21, 111) and the constant.
        #expect(m["sq_queries"] == 16 && m["csq_queries"] == 7 && m["queries"] == 23)
        // A target of several orbit sums (not multilinear) on a hidden support.
        let g = try context("invariant-polynomial", ["n": "16", "support": "3", "degree": "3", "terms": "3"], n: 6000, seed: 1)
        let gm = try SQLabelTransformScheme(options: [:]).run(g).metrics
        #expect(gm["support_recovered"] == 1 && gm[SchemeMetric.testLossNormalized]! < 1e-8)
    }

    @Test func labelTransformBehindTheAdversaryLearnsNothing() throws {
        let c = try context("invariant-polynomial", ["n": "16", "support": "3", "degree": "3", "monomials": "multilinear"], n: 2000)
        let m = try SQLabelTransformScheme(options: ["oracle": "adversarial", "tolerance": "1"]).run(c).metrics
        #expect(m[SchemeMetric.testLossNormalized]! > 0.9)
        #expect(m["largest_deviation"]! <= 1)
    }

    @Test func labelTransformNeedsGaussianSymmetricInvariantPolynomials() throws {
        for (cls, options) in [("invariant-polynomial", ["inputs": "boolean"]), ("invariant-polynomial", ["group": "cyclic"]), ("sparse-parity", [:])] {
            let c = try context(cls, options, n: 20)
            #expect(throws: SchemeError.self, "\(cls) \(options)") { try SQLabelTransformScheme(options: [:]).run(c) }
        }
        #expect(throws: FunctionClassError.self) { try SQLabelTransformScheme(options: ["degree": "13"]) }
    }
}
