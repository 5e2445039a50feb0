import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabTraining
import Testing

@Suite struct SchemeSpecTests {
    static let yaml = """
        name: fl-kernel
        data: {class: single-index, options: {d: 8, exponent: 2}, n_train: 200, n_val: 100, n_test: 300}
        scheme: {name: kernel, options: {kernel: relu-ntk}}
        seeds: 0..1
        sweep:
          product: {scheme.options.kernel: [relu-ntk, rbf]}
        """

    @Test func specWithASchemeRunsThroughTheExecutorIntoTheStore() throws {
        let spec = try ExperimentSpec.parse(yaml: Self.yaml, file: "fl.yaml")
        #expect(spec.points.count == 2 && spec.points[0].kind.scheme?.name == "kernel")
        #expect(spec.points[1].kind.scheme?.options == ["kernel": "rbf"])
        let store = try ResultsStore(path: NSTemporaryDirectory() + "symlab-fl-\(UUID().uuidString)/results.sqlite")
        #expect(try store.enqueue(spec.runs) == 4)
        var losses: [String: Double] = [:]
        while let run = try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)) {
            #expect(RunExecutor.execute(run, store: store) == .done)
            let m = try store.metrics(runID: run.id)
            let loss = try #require(m[SchemeMetric.testLossNormalized])
            #expect(loss.isFinite && loss > 0)
            #expect(m[SchemeMetric.ridge] != nil && m["train_label_variance"] != nil)
            losses[run.id] = loss
        }
        #expect(losses.count == 4)
        #expect(try store.statusCounts() == [.done: 4])
        // The stored config reads back as the same scheme point.
        let back = try #require(try store.runs().first)
        #expect(try RunConfig(tree: SpecValue.fromJSON(back.configJSON), file: "db").kind.scheme != nil)
    }

    @Test func schemeSpecErrorsNameTheKey() throws {
        func message(_ yaml: String) -> String {
            do { _ = try ExperimentSpec.parse(yaml: yaml, file: "bad.yaml"); return "" } catch { return "\(error)" }
        }
        let unknown = message(Self.yaml.replacingOccurrences(of: "name: kernel", with: "name: nope"))
        #expect(unknown.contains("scheme.name") && unknown.contains("unknown training scheme 'nope'"))
        let option = message(Self.yaml.replacingOccurrences(of: "kernel: relu-ntk}", with: "kernel: relu-ntk, widht: 3}"))
        #expect(option.contains("scheme.options") && option.contains("widht"))
        let both = message(Self.yaml + "\nmodel: {name: mlp}\n")
        #expect(both.contains("model") && both.contains("scheme"))
        let range = message(Self.yaml.replacingOccurrences(of: "kernel: relu-ntk}", with: "kernel: relu-ntk, depth: 7}"))
        #expect(range.contains("depth") && range.contains("2...3"))
    }

    @Test func hardnessSpecsAreUnchanged() throws {
        let spec = try ExperimentSpec.parse(yaml: """
            name: plain
            data: {class: sparse-parity, options: {d: 8, k: 2}, n_train: 10, n_test: 10}
            model: {name: mlp, options: {width: 8}}
            training: {steps: 2}
            """, file: "plain.yaml")
        #expect(spec.points[0].kind.scheme == nil && spec.points[0].kind.training?.modelName == "mlp")
        #expect(throws: SpecError.self) {
            try ExperimentSpec.parse(yaml: "name: x\ndata: {class: sparse-parity, n_train: 1, n_test: 1}\n", file: "x.yaml")
        }
    }
}
