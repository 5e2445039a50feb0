import Foundation
import SymLabExperiments
import SymLabTraining
import Testing

/// Same spec and seed → bit-identical stored results: two runs of one sweep into two databases
/// give the same curves and final metrics, compared by bit pattern (BLAS at 1 thread, the
/// spec's default). The local-vs-Slurm half is the Slurm integration test's.
@Suite struct DeterminismTests {
    static let spec = """
        name: determinism
        data: {class: er-parity, options: {n: 6}, n_train: 48, n_val: 16, n_test: 16}
        model: {name: gnn, options: {depth: 2, width: 8, hidden: 8}}
        optimizer: {name: adam, lr: 0.01, lr_log_uniform_factor: [0.5, 2]}
        training: {steps: 12, batch_size: 16, eval_every: 4}
        seeds: 0..1
        sweep:
          - product: {precision: [f64, f32]}
          - product: {model.name: [mlp], model.options: [{width: 16}], data.class: [sparse-parity], data.options: [{n: 8, k: 2}]}
        """

    static func runOnce() throws -> (ResultsStore, [RunRecord]) {
        let dir = NSTemporaryDirectory() + "symlab-determinism-\(UUID().uuidString)"
        let store = try ResultsStore(path: dir + "/results.sqlite")
        let spec = try ExperimentSpec.parse(yaml: spec, file: "determinism.yaml")
        _ = try SweepRunner.run(spec, store: store, workers: .inProcess, log: { _ in })
        return (store, try store.runs(experiment: "determinism"))
    }

    @Test func twoRunsOfOneSpecAreBitIdentical() throws {
        let (a, runsA) = try Self.runOnce()
        let (b, runsB) = try Self.runOnce()
        #expect(runsA.count == 6 && runsA.map(\.id) == runsB.map(\.id))
        #expect(runsA.allSatisfy { $0.status == .done && $0.blasThreads == 1 })
        for (ra, rb) in zip(runsA, runsB) {
            let ca = try a.curves(runID: ra.id), cb = try b.curves(runID: rb.id)
            #expect(ca.count == cb.count && ca.count > 0)
            #expect(ca.map { "\($0.step) \($0.split) \($0.metric) \($0.value.bitPattern)" } == cb.map { "\($0.step) \($0.split) \($0.metric) \($0.value.bitPattern)" },
                    "run \(ra.id): curves differ")
            let ma = try a.metrics(runID: ra.id), mb = try b.metrics(runID: rb.id)
            #expect(!ma.isEmpty && ma.mapValues(\.bitPattern) == mb.mapValues(\.bitPattern), "run \(ra.id): metrics differ")
        }
        // Different seeds do give different curves (the comparison above can fail).
        let seed0 = try a.curves(runID: runsA[0].id).map(\.value), seed1 = try a.curves(runID: runsA[1].id).map(\.value)
        #expect(seed0 != seed1)
    }
}
