import Foundation
import SymLabExperiments
import SymLabNumerics
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

    /// `lr_log_uniform_factor` (kiani-fig4's random learning rates): each run multiplies the spec's
    /// rate by exp(U[ln low, ln high]) drawn from sub-stream `learningRateFactor` of its own root
    /// (its seed, its sweep point), records the rate as its metric `learning_rate`, and keeps the run
    /// id of its (point, seed): the factor is a property of the run, not of the spec's text.
    @Test func theLearningRateFactorIsDrawnLogUniformlyPerRunAndRecorded() throws {
        let yaml = """
            name: lr-factor
            data: {class: er-parity, options: {n: 6}, n_train: 8, n_val: 4, n_test: 4}
            model: {name: gnn, options: {depth: 1, width: 4, hidden: 4}}
            optimizer: {name: sgd, lr: 0.01, lr_log_uniform_factor: [0.1, 10]}
            training: {steps: 1, eval_every: 1}
            seeds: 0..11
            """
        let spec = try ExperimentSpec.parse(yaml: yaml, file: "lr-factor.yaml")
        let store = try ResultsStore(path: NSTemporaryDirectory() + "symlab-lr-factor-\(UUID().uuidString)/results.sqlite")
        _ = try SweepRunner.run(spec, store: store, workers: .inProcess, log: { _ in })
        let runs = try store.runs(experiment: "lr-factor")
        #expect(runs.map(\.id) == spec.runs.map(\.id) && runs.allSatisfy { $0.status == .done })
        var rates: [Double] = []
        for run in runs {
            var rng = RandomStream(seed: UInt64(run.seed), stream: UInt64(run.pointID, radix: 16) ?? 0).substream(.learningRateFactor)
            let expected = 0.01 * Foundation.exp(rng.uniform(Foundation.log(0.1), Foundation.log(10)))
            let recorded = try #require(try store.metrics(runID: run.id)["learning_rate"])
            #expect(recorded.bitPattern == expected.bitPattern, "run \(run.id)")
            #expect(recorded >= 0.001 && recorded <= 0.1)
            rates.append(recorded)
        }
        // Twelve distinct rates, on both sides of the spec's rate (log-uniform: each side has probability ½).
        #expect(Set(rates).count == 12 && rates.contains { $0 < 0.01 } && rates.contains { $0 > 0.01 })
        // The key changes the point's id (it is part of the spec), the factor does not enter it: the
        // same spec without the key plans the same seeds under another point id.
        let plain = try ExperimentSpec.parse(yaml: yaml.replacingOccurrences(of: ", lr_log_uniform_factor: [0.1, 10]", with: ""), file: "plain.yaml")
        #expect(plain.runs.map(\.seed) == spec.runs.map(\.seed) && plain.runs[0].pointID != spec.runs[0].pointID)
    }
}
