import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabNumerics

/// n*(d) on log–log axes: the measured thresholds, the fitted power law with its bootstrap
/// interval as a band (lines of the interval's slopes through the data's centre), and the
/// theory's exponent drawn through the same centre, so that the two slopes compare by eye.
public func sampleComplexitySeries(_ fit: SampleComplexity.ExponentFit, label: String = "", colour: Int = 0,
                                   theoryExponent: Double? = nil, theoryLabel: String = "theory") -> [Series] {
    let reached = fit.thresholds.compactMap { t in t.nStar.map { (d: t.d, n: $0) } }
    guard !reached.isEmpty else { return [] }
    let prefix = label.isEmpty ? "" : "\(label): "
    let ds = reached.map(\.d)
    // The centre in log space: every line of the panel passes through it.
    let cx = reached.map { Foundation.log($0.d) }.reduce(0, +) / Double(reached.count)
    let cy = reached.map { Foundation.log($0.n) }.reduce(0, +) / Double(reached.count)
    func line(_ slope: Double) -> [Double] { ds.map { Foundation.exp(cy + slope * (Foundation.log($0) - cx)) } }
    let low = line(fit.lower), high = line(fit.upper)
    var out = [
        Series(title: "\(prefix)n* at τ = \(NumberFormat.significant(fit.tau))", x: ds, y: reached.map(\.n), colour: colour, withPoints: true),
        Series(title: "\(prefix)fit α = \(NumberFormat.significant(fit.exponent)), \(Int((fit.level * 100).rounded()))% CI [\(NumberFormat.significant(fit.lower)), \(NumberFormat.significant(fit.upper))]",
               x: ds, y: line(fit.exponent), lower: zip(low, high).map { Swift.min($0, $1) }, upper: zip(low, high).map { Swift.max($0, $1) },
               dashed: true, colour: colour),
    ]
    if let theoryExponent {
        out.append(Series(title: "\(prefix)\(theoryLabel): α = \(NumberFormat.significant(theoryExponent))", x: ds, y: line(theoryExponent), dashed: true, colour: 7))
    }
    return out
}

extension ExperimentFigures {
    /// The loss threshold of the generic sample-complexity panel. Paper figures choose their own
    /// (below the kernel plateau of their target); this one is printed on the panel.
    public static let defaultThreshold = 0.2

    /// For an experiment swept over the input dimension `data.options.d` and the sample size
    /// `data.n_train` with a normalised test loss: n*(d) (the smallest n whose median loss over
    /// seeds reaches τ) on log–log axes with the fitted exponent and its bootstrap interval,
    /// one colour per combination of the other sweep axes. Diverged runs count as a loss that
    /// never reaches τ.
    public static func sampleComplexity(_ results: ExperimentResults, _ layout: ExperimentLayout) -> [ExperimentFigure] {
        let dKey = "data.options.d", nKey = "data.n_train"
        guard layout.varying.contains(dKey), layout.varying.contains(nKey) else { return [] }
        let names = Set(results.metrics.values.flatMap(\.keys))
        guard let loss = ["test_loss_normalized", "test_mse_normalized"].first(where: names.contains) else { return [] }
        let others = layout.varying.filter { $0 != dKey && $0 != nKey }
        var groups: [String] = [], members: [String: [ExperimentLayout.Point]] = [:]
        for p in layout.points {
            let g = others.map { "\(ExperimentLayout.shortKey($0)) = \(p.settings[$0] ?? "—")" }.joined(separator: ", ")
            if members[g] == nil { groups.append(g) }
            members[g, default: []].append(p)
        }
        var series: [Series] = [], lines: [String] = []
        for (k, g) in groups.enumerated() {
            var obs: [SampleComplexity.Observation] = []
            for p in members[g]! {
                guard let d = Double(p.settings[dKey] ?? ""), let n = Double(p.settings[nKey] ?? "") else { continue }
                for r in p.runs where r.status == .done || r.status == .diverged {
                    let value = r.status == .done ? (results.metrics[r.id]?[loss] ?? .nan) : .infinity
                    obs.append(SampleComplexity.Observation(d: d, n: n, seed: r.seed, loss: value))
                }
            }
            guard let fit = SampleComplexity.fitExponent(obs, tau: defaultThreshold, resamples: 1000, seed: 0) else {
                lines.append("\(g.isEmpty ? "n*" : g): τ = \(NumberFormat.significant(defaultThreshold)) reached at fewer than two d, no fit")
                continue
            }
            series += sampleComplexitySeries(fit, label: g, colour: k)
        }
        guard !series.isEmpty else { return [] }
        let panel = Panel(title: "samples to reach \(loss.replacingOccurrences(of: "_", with: " ")) ≤ \(NumberFormat.significant(defaultThreshold))", xLabel: "input dimension d",
                          yLabel: "n* (training samples)", logX: true, logY: true, series: series)
        return [ExperimentFigure(
            figure: Figure(name: "\(results.experiment)-sample-complexity", title: "\(results.experiment): sample complexity n*(d)", panels: [panel]),
            caption: "n*(d): the smallest n at which the median \(loss) over seeds reaches τ = \(NumberFormat.significant(defaultThreshold)) (interpolated in log n), "
                + "with the least-squares exponent α of n* ∝ d^α on log–log axes and its 95% bootstrap interval over seeds (band). "
                + "τ here is the report's default; a paper figure's own fit (above) uses the threshold its target calls for."
                + (lines.isEmpty ? "" : " " + lines.joined(separator: "; ") + "."))]
    }
}
