import Foundation
import SymLabExperiments
import SymLabNumerics

/// Final train and test MSE per optimizer, one point per run, against the learning rate it drew.
/// Kiani et al. Figure 4: Figure 1's GNN experiment with several optimizers, each at 10 random
/// learning rates ("default × a random factor in [0.1, 10]").
///
/// The spec (`specs/kiani-fig4/fig4-optimizers.yaml`) is `kiani-fig1`'s `fig1-gnn-hard` but for the
/// optimizer and its learning rate (PaperFigureSpecTests compares them), so a difference between
/// the figures is the optimizer's. The factor is drawn log-uniformly, by the run itself
/// (`optimizer.lr_log_uniform_factor`: sub-stream `learningRateFactor` of the run's seed and sweep
/// point), so the spec stays plain, run ids do not depend on it and each run records the rate it
/// used (metric `learning_rate`), which is what this builder plots and summarises.
func optimizerScatter(_ store: ResultsStore) throws -> (Figure, String) {
    typealias F = NumberFormat
    let results = try ExperimentResults(store: store, experiment: "fig4-optimizers")
    let configs = Dictionary(results.runs.map { ($0.pointIndex, $0.configJSON) }, uniquingKeysWith: { a, _ in a })
        .compactMapValues { try? RunConfig(tree: SpecValue.fromJSON($0), file: "db") }
    let points = configs.keys.sorted()
    let variance = results.final("label_variance").mean
    let runsEach = results.runs.count / max(points.count, 1)
    var summary = ["Figure 1's GNN experiment with \(points.count) optimizers, \(runsEach) runs each, final MSE against the learning rate each run drew", ""]

    // The set-up, read from the runs (the spec equals fig1-gnn-hard but for the optimizer).
    if let c = configs[points.first ?? 0], let t = c.kind.training {
        let model = t.modelOptions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        summary.append("set-up (as kiani-fig1's fig1-gnn-hard): \(c.dataClass) \(c.dataOptions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")), "
                       + "\(c.nTrain)/\(c.nValidation)/\(c.nTest) train/val/test samples, \(t.modelName) \(model), \(t.training.steps) "
                       + (t.training.batchSize.map { "steps of batch \($0)" } ?? "full-batch steps") + ", \(c.precision.rawValue)")
        if let range = t.optimizer.learningRateLogUniformFactor {
            summary.append("choice: learning rate = the optimizer's default × a factor drawn log-uniformly from [\(F.shortest(range.lowerBound)), \(F.shortest(range.upperBound))] "
                           + "(the caption says a random factor in [0.1, 10] without its law): a factor of 10 either way is symmetric in log, and log-uniform puts half the runs below the default "
                           + "and half above, each decade alike, where a uniform factor would put 91 % of them above it (mean factor 5.05)")
            summary.append("choice: the factor is drawn by each run from its seed and sweep point (sub-stream learningRateFactor), so it is the same on every machine and the run ids do not depend on it; "
                           + "each run records the rate it used as its metric learning_rate (`symlab runs show`), the x axis of the plot")
        }
        let defaults = points.compactMap { p in configs[p]?.kind.training.map { "\($0.optimizer.name.rawValue) \(F.shortest($0.optimizer.learningRate))" } }
        summary.append("choice: optimizers and their default learning rates " + defaults.joined(separator: ", ")
                       + " (Adam's, RMSprop's and Adagrad's library defaults; plain SGD's and momentum's lowered so that most of their range trains, see the figure's README; moments at PyTorch's defaults; the paper's list of optimizers was not recovered)")
        summary += HardClassFamily(className: c.dataClass, options: c.dataOptions).lines(indent: "")
    }
    summary.append("")

    // Medians and counts, not means: a run that blows up (a too-large rate for plain SGD) finishes
    // with an MSE of 10^60 or diverges, and one such run would swamp a mean.
    var trainSeries: [Series] = [], testSeries: [Series] = []
    var generalising = 0, finishedCount = 0
    let level = 0.8
    for (k, p) in points.enumerated() {
        let name = configs[p]?.kind.training?.optimizer.name.rawValue ?? "point \(p)"
        let rate = { (r: RunRecord) in results.metrics[r.id]?["learning_rate"] ?? .nan }
        let runs = results.finished.filter { $0.pointIndex == p }.sorted { rate($0) < rate($1) }
        let all = results.runs.filter { $0.pointIndex == p }
        let diverged = all.filter { $0.status == .diverged }.count
        let lr = runs.map(rate)
        let train = runs.map { results.metrics[$0.id]?["train_mse"] ?? .nan }
        let test = runs.map { results.metrics[$0.id]?["test_mse"] ?? .nan }
        let ratio = runs.map { results.metrics[$0.id]?["test_mse_normalized"] ?? .nan }
        trainSeries.append(Series(title: name, x: lr, y: train, colour: k, withPoints: true))
        testSeries.append(Series(title: name, x: lr, y: test, colour: k, withPoints: true))
        let tr = medianBand(train), te = medianBand(ratio)
        let best = zip(lr, ratio).filter { $0.1.isFinite }.min { $0.1 < $1.1 }
        let rates = all.compactMap { results.metrics[$0.id]?["learning_rate"] }.sorted()
        generalising += ratio.filter { $0 < level }.count
        finishedCount += runs.count
        summary.append("  \(name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(all.count) runs (\(runs.count) finished, \(diverged) diverged), lr \(rates.first.map { F.significant($0) } ?? "—")…\(rates.last.map { F.significant($0) } ?? "—"): "
                       + "median train MSE \(F.significant(tr.median)), median test MSE / Var(y) \(F.significant(te.median)) (\(F.significant(te.low))…\(F.significant(te.high))), "
                       + "best \(best.map { F.significant($0.1) + " at lr " + F.significant($0.0) } ?? "—")")
    }
    let allTest = medianBand(results.finished.compactMap { results.metrics[$0.id]?["test_mse_normalized"] })
    summary.append("")
    summary.append("  all optimizers: median test MSE / Var(y) \(F.significant(allTest.median)) over \(finishedCount) finished runs; runs below \(F.shortest(level))·Var(y): \(generalising) → "
                   + (finishedCount == 0 ? "no run finished: nothing to judge"
                      : generalising == 0 ? "no optimizer or learning rate generalises (the paper's claim holds)" : "some runs generalise: the claim does NOT hold here"))
    summary += results.problemLines
    let panels = [
        Panel(title: "final train MSE", xLabel: "learning rate", yLabel: "MSE", logX: true, logY: true, series: trainSeries,
              references: [ReferenceLine(title: "Var(y)", y: variance)]),
        Panel(title: "final test MSE", xLabel: "learning rate", yLabel: "MSE", logX: true, logY: true, series: testSeries,
              references: [ReferenceLine(title: "Var(y)", y: variance)]),
    ]
    return (Figure(name: "kiani-fig4", title: "GNN on H_ER,n (Figure 1's set-up): \(points.count) optimizers × \(runsEach) learning rates", panels: panels), summary.joined(separator: "\n"))
}
