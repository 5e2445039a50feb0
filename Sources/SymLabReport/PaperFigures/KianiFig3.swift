import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics

/// Kiani et al. Figure 3: the same with the minimal architectures.
func kianiFig3Figure(_ store: ResultsStore) throws -> (Figure, String) {
    let (figure, text) = try hardnessCurves(store, figure: "kiani-fig3", prefix: "fig3", title: "Minimal networks: hard class vs easy control")
    return (figure, text + "\n" + (try fig3FitLines(store)).joined(separator: "\n"))
}

extension PaperFigure {
    /// Fig. 3's caption: the minimal networks' train MSE reaches values "near computer precision".
    /// A network *fits* when its final train MSE is at most this (the specs' `stop_train_mse`).
    static let fig3FitThreshold = 1e-10
    /// Train ≪ test: test MSE at least this many times the train MSE.
    static let fig3OverfitRatio = 100.0
}

/// Fit, overfit or fail to fit, per network and class (Fig. 3's question), and what the hand-set
/// minimal network of each hard class reaches on the same seeds' splits (representability next
/// to learnability: `symlab model exact`, through the same library function).
func fig3FitLines(_ store: ResultsStore) throws -> [String] {
    let epsilon = PaperFigure.fig3FitThreshold
    var lines = ["Fit (train MSE ≤ \(NumberFormat.significant(epsilon)), the caption's \"near computer precision\"), overfit (train ≪ test) or fail to fit:"]
    var choices: Set<String> = []
    for experiment in try PaperFigure.named("kiani-fig3")!.experiments() {
        let results = try ExperimentResults(store: store, experiment: experiment)
        let runs = results.finished
        guard let first = runs.first else {
            lines.append("  \(experiment): no finished runs")
            continue
        }
        let config = try RunConfig(tree: SpecValue.fromJSON(first.configJSON), file: "db")
        guard let setup = config.kind.training else { continue }
        let m = runs.compactMap { results.metrics[$0.id] }
        let train = m.compactMap { $0["train_mse"] }, test = m.compactMap { $0["test_mse"] }
        let variance = m.compactMap { $0["label_variance"] }
        let fitted = zip(runs, m).filter { ($0.1["train_mse"] ?? .infinity) <= epsilon }
        let stopSteps = fitted.compactMap { $0.1["stop_step"] }.map { Int($0) }
        let median = SampleComplexity.median
        let medianTrain = median(train), medianTest = median(test), medianRatio = median(zip(test, variance).map { $0 / $1 })
        var verdict: String
        if fitted.count == runs.count {
            verdict = "fits"
        } else if fitted.isEmpty {
            verdict = "fails to fit to \(NumberFormat.significant(epsilon)) (lowest train MSE \(NumberFormat.significant(train.min() ?? .nan)), after \(setup.training.steps) steps)"
        } else {
            verdict = "fits in \(fitted.count) of \(runs.count) seeds (lowest train MSE of the others \(NumberFormat.significant(train.filter { $0 > epsilon }.min() ?? .nan)))"
        }
        // Why a run did not fit: still falling at the end of the budget, or flat.
        let falls = runs.filter { (results.metrics[$0.id]?["train_mse"] ?? .infinity) > epsilon }.compactMap { run -> Double? in
            let c = (results.curves[run.id] ?? []).filter { $0.split == "train" && $0.metric == "mse" }
            guard let last = c.last, let late = c.first(where: { Double($0.step) >= 0.8 * Double(last.step) }), late.step < last.step,
                  late.value > 0 else { return nil }
            return last.value / late.value
        }
        if medianTest >= PaperFigure.fig3OverfitRatio * medianTrain && medianRatio > 0.1 {
            verdict += ", overfits: train ≪ test (median test MSE / train MSE = \(NumberFormat.significant(medianTest / medianTrain)))"
        } else if medianRatio <= 0.1 {
            verdict += ", generalises (test MSE ≤ 0.1·Var(y))"
        }
        if fitted.count < runs.count, !falls.isEmpty {
            let r = median(falls), by = "×\(NumberFormat.significant(r)) over its last 20 %, median over the seeds that did not fit"
            verdict += r < 0.1 ? "; train MSE still falling fast at the budget's end (\(by)): a larger budget would go lower"
                : r < 0.9 ? "; train MSE still falling slowly at the budget's end (\(by))"
                : "; train MSE flat at the budget's end (\(by)): gradient descent has stalled"
        }
        lines.append("  \(setup.modelName) on \(config.dataClass) (\(experiment)): median train MSE \(NumberFormat.significant(medianTrain)), median test MSE / Var(y) \(NumberFormat.significant(medianRatio)); train MSE ≤ \(NumberFormat.significant(epsilon)) in \(fitted.count) of \(runs.count) seeds"
                     + (stopSteps.isEmpty ? "" : " (stop rule at steps \(stopSteps.sorted().map(String.init).joined(separator: ", ")))") + " → \(verdict)")
        lines.append("    per seed, train / test MSE: " + zip(runs, m).map { "seed \($0.0.seed) \(NumberFormat.significant($0.1["train_mse"] ?? .nan)) / \(NumberFormat.significant($0.1["test_mse"] ?? .nan))" }.joined(separator: ", "))
        if MinimalNetworks.classes.contains(config.dataClass) {
            let cls = try FunctionClassRegistry.make(config.dataClass, options: config.dataOptions)
            let fits = try runs.map { try MinimalNetworks.exactFit(cls, seed: UInt64($0.seed), nTrain: config.nTrain, nTest: config.nTest) }
            let worstTrain = fits.map(\.trainMSE).max() ?? .nan, worstTest = fits.map(\.testMSE).max() ?? .nan
            // "hand-set minimal CNN for …" → "hand-set minimal CNN": which network computes it.
            let kind = fits.first.map { $0.model.components(separatedBy: " for ")[0] } ?? "hand-set network"
            lines.append("    \(kind) (`symlab model exact \(config.dataClass)`, \(fits.first?.parameterCount ?? 0) parameters) on the same seeds' splits: train MSE ≤ \(NumberFormat.significantAsPrintf(worstTrain, 3)), test MSE ≤ \(NumberFormat.significantAsPrintf(worstTest, 3)) (max over \(fits.count) seeds, f64) → the target is representable exactly (the trained \(setup.modelName) has \(m.first?["parameters"].map { String(Int($0)) } ?? "?") parameters)")
        }
        let o = setup.optimizer, t = setup.training
        var schedule = o.schedule.rawValue
        if o.schedule == .step { schedule += " (×\(NumberFormat.shortest(o.stepFactor)) every \(o.stepEvery) steps)" }
        choices.insert("\(o.name.rawValue) lr \(NumberFormat.shortest(o.learningRate)), schedule \(schedule), \(t.batchSize.map { "batch \($0)" } ?? "full batch"), budget \(t.steps) steps, "
                       + (t.stopTrainMSE.map { "stop at train MSE ≤ \(NumberFormat.significant($0)) (checked every \(t.evalEvery) steps)" } ?? "no stop rule"))
    }
    // Each run trains on one thread, so its wall time is about its CPU time: the figure's cost.
    let seconds = try store.runs().compactMap { r -> Int? in
        guard let a = r.startedAt.flatMap(UTCTimestamp.secondsSince1970), let b = r.endedAt.flatMap(UTCTimestamp.secondsSince1970) else { return nil }
        return b - a
    }.reduce(0, +)
    lines += choices.sorted().map { "choice: \($0) — the caption gives no budget; this one is sized to the figure's 10 minutes on 2 cores" }
    lines.append("runs: \(seconds) s of wall time in all (summed over runs of one thread each: about their CPU time on an idle machine, more on a shared one)")
    return lines
}
