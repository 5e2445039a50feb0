import Foundation
import SymLabExperiments
import SymLabNumerics

/// Final train and test MSE per optimizer, one point per run, against the sampled learning rate.
/// Kiani et al. Figure 4: the GNN with five optimizers, each at 10 random learning rates.
func optimizerScatter(_ store: ResultsStore) throws -> (Figure, String) {
    let results = try ExperimentResults(store: store, experiment: "fig4-optimizers")
    let names = ["sgd", "momentum", "adam", "rmsprop", "adagrad"]
    var trainSeries: [Series] = [], testSeries: [Series] = []
    var summary = ["GNN on H_ER,n with five optimizers (10 runs each, learning rate = default × log-uniform[0.1, 10])", ""]
    let variance = results.final("label_variance").mean
    for (k, name) in names.enumerated() {
        let runs = results.finished.filter { $0.pointIndex == k }.sorted { (results.metrics[$0.id]?["learning_rate"] ?? 0) < (results.metrics[$1.id]?["learning_rate"] ?? 0) }
        let lr = runs.map { results.metrics[$0.id]?["learning_rate"] ?? .nan }
        let train = runs.map { results.metrics[$0.id]?["train_mse"] ?? .nan }
        let test = runs.map { results.metrics[$0.id]?["test_mse"] ?? .nan }
        trainSeries.append(Series(title: name, x: lr, y: train, colour: k, withPoints: true))
        testSeries.append(Series(title: name, x: lr, y: test, colour: k, withPoints: true))
        let tr = results.final("train_mse", points: [k]), te = results.final("test_mse_normalized", points: [k])
        summary.append("  \(name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(tr.count) runs: train MSE \(NumberFormat.significant(tr.mean)) ± \(NumberFormat.significant(tr.std)), test MSE / Var(y) \(NumberFormat.significant(te.mean)) ± \(NumberFormat.significant(te.std)), min \(NumberFormat.significant(test.min().map { $0 / variance } ?? .nan))")
    }
    let allTest = results.final("test_mse_normalized")
    summary.append("")
    summary.append("  all optimizers: test MSE / Var(y) = \(NumberFormat.significant(allTest.mean)) ± \(NumberFormat.significant(allTest.std)) → "
                   + (allTest.mean >= 0.8 ? "no optimizer or learning rate generalises (the paper's claim holds)" : "some runs generalise: the claim does NOT hold here"))
    summary += results.problemLines
    let panels = [
        Panel(title: "final train MSE", xLabel: "learning rate", yLabel: "MSE", logX: true, logY: true, series: trainSeries,
              references: [ReferenceLine(title: "Var(y)", y: variance)]),
        Panel(title: "final test MSE", xLabel: "learning rate", yLabel: "MSE", logX: true, logY: true, series: testSeries,
              references: [ReferenceLine(title: "Var(y)", y: variance)]),
    ]
    return (Figure(name: "kiani-fig4", title: "GNN on H_ER,n: five optimizers × 10 learning rates", panels: panels), summary.joined(separator: "\n"))
}
