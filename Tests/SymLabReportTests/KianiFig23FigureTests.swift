import Foundation
import SymLabExperiments
import SymLabReport
import SymLabTraining
import Testing

/// Kiani et al. Figures 2 and 3: the computed figure of the zig-zag and the hand-set GNN, and
/// Fig. 3's fit / overfit / fail verdicts with the hand-set networks' MSE beside them.
@Suite struct KianiFig23FigureTests {
    static func temporaryStore() throws -> ResultsStore {
        let dir = NSTemporaryDirectory() + "symlab-fig23-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return try ResultsStore(path: dir + "/results.sqlite")
    }

    /// Figure 2 runs nothing: no specs, no overrides; its builder draws h, the ReLU form of h
    /// (identical), and the hand-set GNN's output, which equals the target on every graph.
    @Test func figure2IsComputedAndTheHandSetGNNIsExact() throws {
        let figure = try #require(PaperFigure.named("kiani-fig2"))
        let specs = try figure.specs(), planned = try figure.plan(overrides: [])
        #expect(!figure.runsExperiments && specs.isEmpty && planned.isEmpty)
        #expect(throws: SpecError.self) { try figure.plan(overrides: ["seeds=0"]) }
        #expect(throws: SpecError.self) { try figure.printedSpecs() }
        // A report of another database does not claim it.
        let store = try Self.temporaryStore()
        #expect(try PaperFigure.present(in: store).allSatisfy { $0.runsExperiments })

        let (plot, summary) = try figure.build(store)
        #expect(plot.panels.count == 2)
        let h = plot.panels[0].series
        #expect(h[0].y == h[1].y && h[0].x.first == 0 && h[0].x.last == 16)
        #expect(zip(h[2].x, h[2].y).allSatisfy { x, y in y == (Int(x) % 2 == 0 ? 1 : -1) })
        // Output and target series, per sign bit: the same values.
        let g = plot.panels[1].series
        #expect(g.count >= 2 && g.count % 2 == 0)
        for k in stride(from: 0, to: g.count, by: 2) { #expect(g[k].y == g[k + 1].y && g[k].x == g[k + 1].x && !g[k].y.isEmpty) }
        let outputs: Int = stride(from: 0, to: g.count, by: 2).map { (k: Int) -> Int in g[k].x.count }.reduce(0, +)
        #expect(outputs == 5 * 200)
        #expect(summary.contains("max |output − target| over all 1000 graphs: 0 "), "\(summary)")
        #expect(summary.contains("→ the hand-set GNN computes g_{S,b} exactly"))
        #expect(summary.contains("differs from it by at most 0 on"))
        #expect(summary.contains("choice: n = 16 and k = 3"))
        #expect(summary.split(separator: "\n").filter { $0.hasPrefix("  seed ") }.count == 5)
    }

    /// Figure 3: the shipped specs' runs (two seeds) finished with hand-set metrics: the GNN fits
    /// the hard class and overfits, the CNN fails to fit it, the controls fit and generalise; the
    /// hand-set networks' MSE on the same splits is quoted for both hard classes.
    @Test func figure3SaysWhetherEachNetworkFitsOverfitsOrFails() throws {
        let figure = try #require(PaperFigure.named("kiani-fig3"))
        let specs = try figure.plan(overrides: ["seeds=[0, 1]"])
        // The caption's rule is in every spec: stop at train MSE ≤ 1e-10, or at the step budget.
        #expect(specs.allSatisfy { $0.spec.points.allSatisfy { $0.kind.training?.training.stopTrainMSE == 1e-10 } })
        let store = try Self.temporaryStore()
        try store.enqueue(specs.flatMap { $0.spec.runs })
        while let run = try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)) {
            let metrics: [String: Double]
            switch run.experiment {
            case "fig3-gnn-hard": metrics = ["train_mse": 5e-11, "test_mse": 1.1, "label_variance": 1, "test_mse_normalized": 1.1,
                                             "stopped_by_train_mse": 1, "stop_step": Double(1000 + run.seed)]
            case "fig3-cnn-hard":
                metrics = ["train_mse": run.seed == 0 ? 0.5 : 0.6, "test_mse": 1.0, "label_variance": 1, "test_mse_normalized": 1,
                           "stopped_by_train_mse": 0, "stop_step": 4000, "parameters": 1233]
                // Flat over the last 20 % of the steps: ×0.9 (seed 0) and ×0.96 (seed 1).
                let end = metrics["train_mse"]!
                try store.appendCurves(runID: run.id, [CurvePoint(step: 0, split: "train", metric: "mse", value: 3),
                                                       CurvePoint(step: 3000, split: "train", metric: "mse", value: end / 0.5),
                                                       CurvePoint(step: 3200, split: "train", metric: "mse", value: end / (run.seed == 0 ? 0.9 : 0.96)),
                                                       CurvePoint(step: 4000, split: "train", metric: "mse", value: end)], stepsCompleted: 4000)
            default: metrics = ["train_mse": 8e-11, "test_mse": 0.01, "label_variance": 1, "test_mse_normalized": 0.01,
                                "stopped_by_train_mse": 1, "stop_step": 500]
            }
            try store.finish(runID: run.id, status: .done, message: nil, metrics: metrics, stepsCompleted: 1, divergedStep: nil, lastFiniteLoss: nil)
        }
        let (_, summary) = try figure.build(store)
        let lines = summary.split(separator: "\n").map(String.init)
        func line(_ experiment: String) -> String { lines.first { $0.contains("(\(experiment))") } ?? "" }
        #expect(line("fig3-gnn-hard").contains("train MSE ≤ 1e-10 in 2 of 2 seeds (stop rule at steps 1000, 1001) → fits, overfits: train ≪ test"), "\(summary)")
        #expect(line("fig3-cnn-hard").contains("→ fails to fit to 1e-10 (lowest train MSE 0.5, after "), "\(summary)")
        #expect(!line("fig3-cnn-hard").contains("overfits") && !line("fig3-cnn-hard").contains("generalises"), "\(summary)")
        #expect(line("fig3-cnn-hard").contains("; train MSE flat at the budget's end (×0.93 over its last 20 %, median over the seeds that did not fit): gradient descent has stalled"), "\(summary)")
        #expect(lines.contains { $0.contains("symlab model exact cyclic-pattern-parity") && $0.contains("(the trained cnn-minimal has 1233 parameters)") }, "\(summary)")
        #expect(line("fig3-gnn-control").hasSuffix("→ fits, generalises (test MSE ≤ 0.1·Var(y))"), "\(summary)")
        #expect(line("fig3-cnn-control").contains("→ fits, generalises"), "\(summary)")
        // The hand-set networks, through MinimalNetworks.exactFit on the runs' own splits: exact.
        let exact = lines.filter { $0.contains("(`symlab model exact") }
        #expect(exact.count == 3 && exact.allSatisfy { $0.contains("train MSE ≤ 0, test MSE ≤ 0 (max over 2 seeds, f64)") }, "\(summary)")
        #expect(exact.contains { $0.hasPrefix("    hand-set minimal GNN (`symlab model exact er-parity`") })
        #expect(exact.contains { $0.hasPrefix("    hand-set minimal frame-averaged MLP (`symlab model exact cyclic-frame-parity`") })
        #expect(lines.contains("    per seed, train / test MSE: seed 0 0.5 / 1, seed 1 0.6 / 1"), "\(summary)")
        #expect(lines.contains { $0.hasPrefix("choice: adam") && $0.contains("stop at train MSE ≤ 1e-10") })
    }

    /// A run that the stop rule ended holds its last value in the mean curve, so the curves of the
    /// runs that went on are drawn to their end; a run that ended early without the rule does not.
    @Test func aRunStoppedByTheRuleHoldsItsLastValueInTheMeanCurve() throws {
        let store = try Self.temporaryStore()
        for name in ["held", "not-held"] {
            let spec = try ExperimentSpec.parse(yaml: """
                name: \(name)
                data: {class: sparse-parity, options: {n: 6, k: 2}, n_train: 10, n_test: 10}
                model: {name: mlp, options: {width: 4}}
                optimizer: {name: adam}
                training: {steps: 4, eval_every: 1, stop_train_mse: 0.01}
                seeds: [0, 1]
                """, file: "\(name).yaml")
            try store.enqueue(spec.runs)
        }
        while let run = try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)) {
            // Seed 0 ends at step 2 (by the rule in "held"); seed 1 runs to step 4.
            let last = run.seed == 1 ? 4 : 2
            try store.appendCurves(runID: run.id, (0...last).map { CurvePoint(step: $0, split: "train", metric: "mse", value: Double(10 * run.seed + $0)) },
                                   stepsCompleted: last)
            let byRule: Double = run.experiment == "held" && run.seed == 0 ? 1 : 0
            try store.finish(runID: run.id, status: .done, message: nil, metrics: ["stopped_by_train_mse": byRule],
                             stepsCompleted: last, divergedStep: nil, lastFiniteLoss: nil)
        }
        let held = try ExperimentResults(store: store, experiment: "held").curve(split: "train")
        #expect(held.steps == [0, 1, 2, 3, 4] && held.mean == [5, 6, 7, 7.5, 8])
        let notHeld = try ExperimentResults(store: store, experiment: "not-held").curve(split: "train")
        #expect(notHeld.steps == [0, 1, 2] && notHeld.mean == [5, 6, 7])
    }
}
