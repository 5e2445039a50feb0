import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabNumerics

// What the feature-learning figures share: their runs read back with the options they group by,
// medians with min–max bands (the papers' convention), crossings and fitted exponents.

/// One finished run of a scheme experiment with what the figures group by.
struct SchemeRun {
    let run: RunRecord
    let config: RunConfig
    let metrics: [String: Double]
    var d: Double { Double(config.dataOptions["d"] ?? "") ?? .nan }
    var n: Double { Double(config.nTrain) }
    func option(_ k: String) -> String? { config.kind.scheme?.options[k] }
    func metric(_ k: String) -> Double { metrics[k] ?? .nan }
    /// Test MSE / Var(y): schemes report `test_loss_normalized`, the trainer `test_mse_normalized`.
    var testError: Double {
        let s = metric(SchemeMetric.testLossNormalized)
        return s.isFinite ? s : metric("test_mse_normalized")
    }
}

func schemeRuns(_ store: ResultsStore, _ experiment: String) throws -> (runs: [SchemeRun], results: ExperimentResults) {
    let r = try ExperimentResults(store: store, experiment: experiment)
    let runs = try r.finished.map { run in
        SchemeRun(run: run, config: try RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "db"), metrics: r.metrics[run.id] ?? [:])
    }
    return (runs, r)
}

/// Median and min–max over values (the papers' convention: medians over seeds, min–max shading).
func medianBand(_ v: [Double]) -> (median: Double, low: Double, high: Double) {
    let f = v.filter(\.isFinite)
    guard !f.isEmpty else { return (.nan, .nan, .nan) }
    return (SampleComplexity.median(f), f.min()!, f.max()!)
}

/// A series of medians with min–max band, one point per distinct x.
func medianSeries(_ title: String, _ runs: [SchemeRun], x: (SchemeRun) -> Double, y: (SchemeRun) -> Double, colour: Int,
                  dashed: Bool = false) -> Series {
    let xs = Array(Set(runs.map(x).filter(\.isFinite))).sorted()
    let bands = xs.map { xv in medianBand(runs.filter { x($0) == xv }.map(y)) }
    return Series(title: title, x: xs, y: bands.map(\.median), lower: bands.map(\.low), upper: bands.map(\.high),
                  dashed: dashed, colour: colour, withPoints: true)
}

/// The first x at which `y` (in x order) falls to ≤ `level`, interpolated linearly between the
/// grid points around it; the first x if it starts there, nil if never.
func linearCrossing(x: [Double], y: [Double], level: Double) -> Double? {
    for i in x.indices where y[i].isFinite && y[i] <= level {
        guard i > 0, y[i - 1].isFinite, y[i - 1] > y[i] else { return x[i] }
        return x[i - 1] + (y[i - 1] - level) / (y[i - 1] - y[i]) * (x[i] - x[i - 1])
    }
    return nil
}

/// "α = 1.02 (95% bootstrap 0.9–1.1)".
func describe(_ fit: MedianScaling.Fit?) -> String {
    guard let f = fit else { return "no fit (fewer than two dimensions reached)" }
    return "α = \(NumberFormat.significant(f.exponent)) (bootstrap 95%: \(NumberFormat.significant(f.lower))–\(NumberFormat.significant(f.upper)))"
}
