import Foundation
import SymLabExperiments
import SymLabReport
import SymLabTraining
import Testing

/// Diverged and failed runs are shown, never averaged in: summaries over seeds use the runs that
/// finished, and list the others with their step and message.
@Suite struct DivergedRunsTests {
    @Test func aggregationListsDivergedRunsAndLeavesThemOutOfTheMeans() throws {
        let spec = try ExperimentSpec.parse(yaml: """
            name: agg
            data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 20, n_test: 10}
            model: {name: mlp, options: {width: 4}}
            training: {steps: 4}
            seeds: 0..3
            """, file: "agg.yaml")
        let store = try ResultsStore(path: SweepResumeTests.tempDir() + "/results.sqlite")
        try store.enqueue(spec.runs)
        let env = RunEnvironment.current(blasThreads: 1)
        // Seeds 0, 1 done (test MSE 1 and 3), seed 2 diverged with a huge last value, seed 3 failed.
        let outcomes: [(RunStatus, Double)] = [(.done, 1), (.done, 3), (.diverged, 1e30), (.failed, 7)]
        for (status, mse) in outcomes {
            let run = try #require(try store.claimNext(environment: env))
            try store.appendCurves(runID: run.id, [CurvePoint(step: 0, split: "test", metric: "mse", value: mse)], stepsCompleted: 0)
            try store.finish(runID: run.id, status: status, message: status == .diverged ? "diverged at step 3: loss is inf" : nil,
                             metrics: ["test_mse": mse], stepsCompleted: 3, divergedStep: status == .diverged ? 3 : nil,
                             lastFiniteLoss: status == .diverged ? 1e29 : nil)
        }
        let results = try ExperimentResults(store: store, experiment: "agg")
        let final = results.final("test_mse")
        #expect(final.count == 2 && final.mean == 2)
        let curve = results.curve(split: "test")
        #expect(curve.mean == [2])
        #expect(results.problems.map(\.seed) == [2, 3])
        #expect(results.problemLines.contains { $0.contains("diverged: run") && $0.contains("at step 3") && $0.contains("loss is inf") })
        #expect(results.problemLines.contains { $0.contains("failed: run") })
        // `sweep status` counts them apart.
        let counts = try store.statusCounts(experiment: "agg")
        #expect(counts[.done] == 2 && counts[.diverged] == 1 && counts[.failed] == 1)
    }
}
