import SymLabCore
import SymLabExperiments
import SymLabFunctionClasses
import SymLabKernels
import SymLabModels
import SymLabNumerics
import Testing

/// Impossible sizes and bad options are refused before any work starts, with the key, the size
/// needed and the memory available.
@Suite struct ValidationTests {
    static func spec(data: String = "{class: sparse-parity, options: {n: 8, k: 2}, n_train: 100, n_val: 20, n_test: 50}",
                     model: String = "{name: mlp, options: {width: 16}}", training: String = "{steps: 10}") -> String {
        """
        name: sizes
        data: \(data)
        model: \(model)
        optimizer: {name: adam, lr: 0.01}
        training: \(training)
        """
    }

    static func error(_ yaml: String, budget: MemoryBudget = .system) -> SpecError? {
        do {
            let spec = try ExperimentSpec.parse(yaml: yaml, file: "sizes.yaml")
            try Preflight.check(spec, budget: budget)
            return nil
        } catch let e as SpecError { return e } catch { return SpecError(file: "?", keyPath: "?", message: "\(type(of: error)): \(error)") }
    }

    /// A loss that does not fit the model's output is refused at `training.loss`, before a run.
    @Test func theLossMustFitTheModelsOutput() {
        let auto = "{name: autoencoder, options: {k: 2}}"
        #expect(Self.error(Self.spec(model: auto, training: "{steps: 10, loss: reconstruction}")) == nil)
        let mse = Self.error(Self.spec(model: auto, training: "{steps: 10}"))
        #expect(mse?.keyPath == "training.loss" && mse?.message.contains("use loss reconstruction") == true, "\(String(describing: mse))")
        let scalar = Self.error(Self.spec(training: "{steps: 10, loss: reconstruction}"))
        #expect(scalar?.keyPath == "training.loss" && scalar?.message.contains("mlp predicts one number per sample") == true, "\(String(describing: scalar))")
        let signs = Self.error(Self.spec(model: auto, training: "{steps: 10, loss: reconstruction, zero_one_error: true}"))
        #expect(signs?.keyPath == "training.zero_one_error", "\(String(describing: signs))")
    }

    @Test func aSmallSpecPasses() throws {
        let spec = try ExperimentSpec.parse(yaml: Self.spec(), file: "sizes.yaml")
        let estimates = try Preflight.check(spec)
        // 170 samples × (8 inputs + 2 labels) doubles.
        #expect(estimates.first?.dataBytes == 170 * 10 * 8)
        #expect((estimates.first?.modelBytes ?? 0) > 0)
    }

    @Test func zeroSizesAreRefused() {
        let cases: [(String, String)] = [
            (Self.spec(data: "{class: sparse-parity, options: {n: 8, k: 2}, n_train: 0, n_test: 50}"), "data.n_train"),
            (Self.spec(data: "{class: sparse-parity, options: {n: 8, k: 2}, n_train: 10, n_test: 0}"), "data.n_test"),
            (Self.spec(model: "{name: mlp, options: {width: 0}}"), "model.options.width"),
            (Self.spec(model: "{name: gnn, options: {width: 0}}"), "model.name"),   // graphs model on vectors: named first
            (Self.spec(data: "{class: er-parity, options: {n: 8}, n_train: 10, n_test: 10}", model: "{name: gnn, options: {hidden: 0}}"), "model.options.hidden"),
            (Self.spec(data: "{class: sparse-parity, options: {n: 0, k: 2}, n_train: 10, n_test: 10}"), "data.options.n"),
            (Self.spec(training: "{steps: 0}"), "training.steps"),
        ]
        for (yaml, key) in cases {
            let e = Self.error(yaml)
            #expect(e?.keyPath == key, "expected an error at \(key), got \(String(describing: e))")
        }
    }

    @Test func aDataSetThatCannotFitIsRefusedWithTheSizes() throws {
        // 10⁸ samples of dimension 4096: 3.3 TB.
        let yaml = Self.spec(data: "{class: single-index, options: {d: 4096}, n_train: 100000000, n_test: 10}")
        let budget = MemoryBudget(availableBytes: 24 << 30, source: "a 24 GiB test budget")
        let e = try #require(Self.error(yaml, budget: budget))
        #expect(e.keyPath == "data.n_train")
        #expect(e.message.contains("the data set (100000010 samples × 4098 numbers) needs 3.0 TiB"))
        #expect(e.message.contains("only 24.0 GiB is available (a 24 GiB test budget)"))
    }

    @Test func aModelThatCannotFitIsRefusedBeforeItIsBuilt() throws {
        // Three hidden layers of 65536: 2·65536² weights ≈ 8.6·10⁹ parameters, ×4 copies in f64.
        let yaml = Self.spec(model: "{name: mlp, options: {depth: 4, width: 65536}}")
        let e = try #require(Self.error(yaml, budget: MemoryBudget(availableBytes: 1 << 30, source: "1 GiB")))
        #expect(e.keyPath == "model.options")
        #expect(e.message.contains("needs") && e.message.contains("parameters") && e.message.contains("only 1.0 GiB is available"))
    }

    @Test func activationsOfAFullBatchCount() throws {
        // A wide MLP is small, but a full batch of 10⁶ samples through it is not.
        let yaml = Self.spec(data: "{class: sparse-parity, options: {n: 8, k: 2}, n_train: 1000000, n_test: 10}",
                             model: "{name: mlp, options: {width: 4096}}")
        let budget = MemoryBudget(availableBytes: 8 << 30, source: "8 GiB")
        #expect(Self.error(yaml, budget: budget)?.message.contains("activations") == true)
        // Minibatches of 100 fit (evaluation still predicts whole splits: 2 × 10⁶ × 4097 doubles = 66 GB > 8 GiB).
        let batched = yaml.replacingOccurrences(of: "{steps: 10}", with: "{steps: 10, batch_size: 100}")
        #expect(Self.error(batched, budget: MemoryBudget(availableBytes: 80 << 30, source: "80 GiB")) == nil)
    }

    @Test func aSchemeWhoseNetworksCannotFitIsRefusedBeforeItRuns() throws {
        // A 10⁵-wide first layer on 10⁵ samples: its features alone are 10¹⁰ doubles (80 GB),
        // while the data (10⁵ × 18 numbers) are small.
        let yaml = """
            name: wide
            data: {class: single-index, options: {d: 16}, n_train: 100000, n_val: 10, n_test: 10}
            scheme: {name: damian-onestep, options: {width: 100000}}
            """
        let e = try #require(Self.error(yaml, budget: MemoryBudget(availableBytes: 8 << 30, source: "8 GiB")))
        #expect(e.keyPath == "scheme.options")
        #expect(e.message.contains("scheme damian-onestep") && e.message.contains("network") && e.message.contains("only 8.0 GiB is available"))
        // The same scheme at a width that fits passes, with its network counted.
        let small = yaml.replacingOccurrences(of: "width: 100000", with: "width: 100")
        let estimates = try Preflight.check(try ExperimentSpec.parse(yaml: small, file: "small.yaml"), budget: MemoryBudget(availableBytes: 8 << 30))
        #expect((estimates.first?.modelBytes ?? 0) > 0 && (estimates.first?.activationBytes ?? 0) >= 100 * 100_000 * 8)
    }

    @Test func sweepPointsAreCheckedAndNamed() throws {
        let yaml = Self.spec() + "\nsweep: {product: {model.options.width: [8, 0]}}"
        let e = try #require(Self.error(yaml))
        #expect(e.keyPath == "model.options.width" && e.message.contains("sweep point 1"))
    }

    @Test func kernelFitsAndDataSetsAreRefusedBeforeDrawing() throws {
        let cls = try FunctionClassRegistry.make("sparse-parity", options: ["n": "8", "k": "2"])
        let small = MemoryBudget(availableBytes: 1 << 30, source: "1 GiB")
        #expect(throws: Never.self) { try Preflight.requireKernelFit(cls, nTrain: 1000, nValidation: 250, nTest: 1000, features: nil, budget: small) }
        do {
            try Preflight.requireKernelFit(cls, nTrain: 100_000, nValidation: 10, nTest: 10, features: nil, budget: small)
            Issue.record("a 100000 × 100000 kernel matrix was accepted in 1 GiB")
        } catch let e as MemoryError {
            #expect("\(e)".contains("100000 × 100000 kernel matrix") && "\(e)".contains("needs 223.5 GiB"))
        }
        #expect(throws: MemoryError.self) { try Preflight.requireDataSet(cls, samples: 100_000_000, budget: small) }
        #expect(throws: Never.self) { try Preflight.requireDataSet(cls, samples: 1000, budget: small) }
    }
}
