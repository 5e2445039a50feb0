import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabNumerics

/// Ba et al. 2022: one gradient step in the proportional regime, Θ(1) vs Θ(√N) step sizes.
func oneStepFigure(_ store: ResultsStore) throws -> (Figure, String) {
    let (runs, results) = try schemeRuns(store, "onestep-prop")
    let loss = SchemeMetric.testLossNormalized
    let linear = medianBand(runs.map { $0.metric("linear_" + loss) }).median
    let rf = medianBand(runs.filter { $0.metric("step_size") == 0 }.map { $0.metric(loss) }).median
    var s = ["Default sizes: σ*(z) = z + h2(z), d = 256, N = 512, n = 1024 samples for the step and 1024 fresh ones for ridge, n_val 1024, n_test 4096, noise 0.1, seeds 0–2;",
             "η ∈ {0, 1, 4} (Θ(1)) and η = √N·{0.5, 1, 2} (Θ(√N)); best linear predictor: ridge on x with max(20d, 4096) fresh samples.", ""]
    s.append("best linear predictor: normalised test loss \(NumberFormat.significant(linear)); random features (η = 0): \(NumberFormat.significant(rf))")
    let positive = runs.filter { $0.metric("step_size") > 0 }
    let small = positive.filter { $0.option("scaling") != "sqrt-width" }, large = positive.filter { $0.option("scaling") == "sqrt-width" }
    for (label, group) in [("Θ(1)", small), ("Θ(√N)", large)] {
        for eta in Array(Set(group.map { $0.metric("step_size") })).sorted() {
            let r = group.filter { $0.metric("step_size") == eta }
            s.append("  \(label) η = \(NumberFormat.significant(eta)): loss \(NumberFormat.significant(medianBand(r.map { $0.metric(loss) }).median)), top singular vector |cos| with β* \(NumberFormat.significant(medianBand(r.map { $0.metric(SchemeMetric.spikeAlignment) }).median)), s₁/s₂ \(NumberFormat.significant(medianBand(r.map { $0.metric(SchemeMetric.singularRatio) }).median))")
        }
    }
    let bestSmall = Array(Set(small.map { $0.metric("step_size") })).map { e in medianBand(small.filter { $0.metric("step_size") == e }.map { $0.metric(loss) }).median }.min() ?? .nan
    let atSqrtN = medianBand(large.filter { $0.option("eta") == "1" }.map { $0.metric(loss) }).median
    s.append("")
    s.append("η ≍ √N (η = √N): \(NumberFormat.significant(atSqrtN)) vs best linear \(NumberFormat.significant(linear)) → " + (atSqrtN < linear ? "beats the best linear model" : "does NOT beat the best linear model"))
    s.append("best Θ(1) step: \(NumberFormat.significant(bestSmall)) → " + (bestSmall >= linear ? "does not beat the best linear model (as predicted)" : "beats the best linear model: the prediction does NOT hold here"))
    s += results.problemLines
    let panel = Panel(title: "ridge on one-step features", xLabel: "step size η", yLabel: "normalised test loss", logX: true, series: [
        medianSeries("Θ(1) steps", small, x: { $0.metric("step_size") }, y: { $0.metric(loss) }, colour: 0),
        medianSeries("Θ(√N) steps", large, x: { $0.metric("step_size") }, y: { $0.metric(loss) }, colour: 1),
    ], references: [ReferenceLine(title: "best linear predictor", y: linear), ReferenceLine(title: "random features (η = 0)", y: rf)])
    return (Figure(name: "one-step-proportional", title: "One gradient step, proportional regime (Ba et al. 2022)", panels: [panel]), s.joined(separator: "\n"))
}
