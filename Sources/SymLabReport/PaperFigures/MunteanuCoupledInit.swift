import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabNumerics

/// The default sizes of `munteanu-coupled-init`, which the summary's first lines state. The spec
/// files (`specs/munteanu-coupled-init/`) hold the same values; `MunteanuFigureTests` checks that
/// they agree.
public enum MunteanuCoupledInit {
    /// The research note's cheapest setting: n points on S^15.
    public static let ns = [32, 64, 128, 256]
    public static let d = 16
    /// The width grid 2²…2¹⁰ on which m* is read.
    public static let widths = (2...10).map { 1 << $0 }
    public static let seeds = [0, 1, 2]
    public static let steps = 2000
    public static let evalEvery = 25
    /// Full-batch GD's step: the middle of the probed 10, 15, 20 (n = 256, seed 0, every width of the
    /// grid): at 10 width 1024 had not reached train MSE 1e-3 in 2000 steps, at 20 widths ≥ 128
    /// did not all reach it (a step too large for the narrower networks); at 15 every width ≥ m*
    /// reached it. NTK parameterisation without biases has tangent-kernel entries O(1/d), hence
    /// a step of this size.
    public static let learningRate = 15.0
    /// The radius of the paper's scaling: on the sphere of radius √d the NTK-parameterised first
    /// layer (which divides by √d) has pre-activations of variance 1, as w·x with w ~ N(0, I_d),
    /// ‖x‖ = 1 in the analyses the paper builds on (Du et al. 2019, Song & Yang 2019).
    public static let paperRadius = Double(d).squareRoot()
    /// Full-batch GD's step at radius √d, for both losses. Without biases the network is positively
    /// homogeneous of degree 1 in x, so radius r multiplies the output by r and the tangent kernel
    /// by r²: lr 15/r² ≈ 0.94 would be the unit-sphere run's step, but there the labels are large
    /// against the output scale and the weights move far, while at r = √d training stays nearer the
    /// kernel regime and is slower. Probed at n = 256 (seed 0, both inits, every width, 2000 steps):
    /// squared loss — at lr ≤ 1.25 no width reached train MSE 1e-3, at 1.5 only 64 and 128, at 2
    /// widths 64–512 but not 1024, at 2.5 and 3 every width ≥ 128, at 4 widths ≥ 256 (narrower ones
    /// unstable); logistic loss — at lr ≤ 2 widths ≥ 256 kept misclassified points, at 3, 4 and 6
    /// every width ≥ 16 fitted (2.5 not probed). 3 is the smallest step probed with both losses at
    /// which every width ≥ m* reached the criterion with both (the unit sphere's rule for lr 15).
    public static let learningRatePaperScale = 3.0
    public static let nTest = 64
    /// Squared loss: "zero training error" read as train MSE ≤ this (the research note's 1e-3).
    public static let mseThreshold = 1e-3
    /// Logistic loss: every training sign correct (0-1 training error ≤ 0).
    public static let errorThreshold = 0.0

    /// One loss at one input scaling of the figure: its spec, the final metric m* is read from, the
    /// threshold, the sphere's radius and the step.
    public struct Loss: Sendable {
        public let experiment: String, label: String, metric: String, tau: Double, criterion: String
        public let radius: Double, learningRate: Double
    }
    /// The squared and logistic loss on the unit sphere (small initial output: the existing
    /// contrast) and at the paper's scaling (radius √d), in the order the panels pair them.
    public static let losses = [
        Loss(experiment: "munteanu-mse", label: "squared loss", metric: "train_mse", tau: mseThreshold,
             criterion: "train MSE ≤ \(NumberFormat.significant(mseThreshold))", radius: 1, learningRate: learningRate),
        Loss(experiment: "munteanu-mse-paper-scale", label: "squared loss at r = √d", metric: "train_mse", tau: mseThreshold,
             criterion: "train MSE ≤ \(NumberFormat.significant(mseThreshold)), ‖x‖ = √d", radius: paperRadius, learningRate: learningRatePaperScale),
        Loss(experiment: "munteanu-logistic", label: "logistic loss", metric: "train_error", tau: errorThreshold,
             criterion: "train 0-1 error = 0", radius: 1, learningRate: learningRate),
        Loss(experiment: "munteanu-logistic-paper-scale", label: "logistic loss at r = √d", metric: "train_error", tau: errorThreshold,
             criterion: "train 0-1 error = 0, ‖x‖ = √d", radius: paperRadius, learningRate: learningRatePaperScale),
    ]

    /// From the paper's abstract (Munteanu, Omlor, Song, Woodruff, ICML 2022): worst-case width
    /// sufficient for gradient descent to reach zero training error with the squared loss,
    /// ~n⁴ with independent Gaussian init (Song & Yang 2019) and n² with coupled init.
    public static let paperIndependentExponent = 4.0, paperCoupledExponent = 2.0

    static func setText(_ v: [Int]) -> String { "{" + v.map(String.init).joined(separator: ", ") + "}" }

    /// The summary's first lines.
    public static var defaultSizes: [String] {
        ["Default sizes: n ∈ \(setText(ns)) points uniform on the sphere of radius r in R^\(d) — r = 1 (S^\(d - 1)) and r = √d = \(NumberFormat.significant(paperRadius)) (the paper's scaling) — with random ±1 labels (class random-labels-sphere), widths m ∈ {2², …, 2¹⁰} = \(setText(widths)), seeds \(setText(seeds)) (the seed fixes points, labels and the initial weights; coupled and independent runs of one seed fit the same data), n_test \(nTest) (test error is 1/2 by construction: not reported);",
         "  two-layer ReLU network f(x) = c₂·aᵀReLU(c₁·Wx) in NTK parameterisation (W, a ~ N(0, 1), c₁ = 1/√d, c₂ = 1/√m), no biases (mlp bias: false, readout_bias: false), full-batch gradient descent lr \(NumberFormat.significant(learningRate)) at r = 1 and \(NumberFormat.significant(learningRatePaperScale)) at r = √d, at most \(steps) steps, evaluated every \(evalEvery) steps, f64;",
         "  m*(n) = the smallest grid width whose run reaches the criterion (squared loss: train MSE ≤ \(NumberFormat.significant(mseThreshold)); logistic loss: train 0-1 error = 0, every sign correct) within the budget, per seed and for the median curve over seeds; a run stops at its first evaluation that meets it.",
         "  two input scalings: r = 1, where the first layer's pre-activations c₁·w·x have variance 1/d and an independent network's initial output variance r²/(2d) = \(NumberFormat.significant(1 / (2 * Double(d)))), small against labels of variance 1; and r = √d, where they have variance 1 as w·x with w ~ N(0, I_d), ‖x‖ = 1 in the analysis the paper builds on (Du et al. 2019, Song & Yang 2019: f(x) = m^(−1/2) Σ a_r ReLU(w_r·x)), and the initial output variance is 1/2, comparable to the labels — the output coupling removes.",
         "From the paper (abstract): with coupled initialisation (units in identical pairs with opposite output weights, f ≡ 0 at init) the width sufficient for zero training error improves from ~n⁴ (Song & Yang 2019) to n² for the squared loss, and from ~γ⁻⁸ (Ji & Telgarsky 2020) to γ⁻² for the logistic loss (γ the NTK separation margin). These are worst-case sufficient widths; the measured m* and slopes below are ours.",
         "choice: both layers trained (the paper's analysis trains W with fixed ±1 output weights), no readout bias (its tangent-kernel direction has eigenvalue ≈ n and would cap the step far below what the other directions need: with it, lr 1 blew up and at lr 0.8 train MSE at n = 256, width 1024 was still 0.58 after 2000 steps), `symmetric: true` for coupled init (the last hidden layer is m/2 units and their m/2 copies with negated output weights: the same width m and parameter count as independent init), lr \(NumberFormat.significant(learningRate)) at r = 1 for every width and both losses (probed: 10 too slow for width 1024, 20 too large for widths near m*), lr \(NumberFormat.significant(learningRatePaperScale)) at r = √d (the network has no biases, so it is homogeneous of degree 1 in x: radius r multiplies its output by r and its tangent kernel by r², and 15/r² ≈ 0.94 would be the unit sphere's step, but at lr ≤ 1.25 no width reached train MSE 1e-3 at n = 256 in 2000 steps; probed at n = 256, seed 0 (squared loss at 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4; logistic loss at 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4, 6): 3 is the smallest step probed with both losses at which every width ≥ m* reached the criterion with both (2.5 already did with the squared loss); the squared loss's m* at n = 256, seed 0 depends on the step: 64 at lr 2 (width 1024 not reached), 128 at 2.5 and 3, 256 at 4), the radius √d as the paper's scaling (rather than the first layer without 1/√d: the same pre-activations, one model for both), the step budget and the 1e-3 threshold from the research note; the paper gives no experiment to match.",
        ]
    }
}

/// One finished (or diverged) run of the figure: the point it belongs to and its criterion value.
struct WidthRun {
    let n: Int, width: Int, coupled: Bool, seed: Int
    /// The data's dimension and sphere radius as the run recorded them.
    let d: Int, radius: Double
    /// The loss's metric at the end (train MSE or train 0-1 error); +∞ for a diverged run.
    let value: Double
    let stopStep: Int?
    let seconds: Int?
    /// Train MSE at step 0: the labels' second moment plus, for independent init, the initial output's.
    let initialTrainMSE: Double?
}

func widthRuns(_ store: ResultsStore, _ loss: MunteanuCoupledInit.Loss) throws -> (runs: [WidthRun], results: ExperimentResults) {
    let results = try ExperimentResults(store: store, experiment: loss.experiment)
    let runs = try results.runs.filter { $0.status == .done || $0.status == .diverged }.compactMap { r -> WidthRun? in
        let config = try RunConfig(tree: SpecValue.fromJSON(r.configJSON), file: "db")
        guard let setup = config.kind.training, let width = Int(setup.modelOptions["width"] ?? "") else { return nil }
        let m = results.metrics[r.id] ?? [:]
        let seconds = r.startedAt.flatMap(UTCTimestamp.secondsSince1970).flatMap { a in r.endedAt.flatMap(UTCTimestamp.secondsSince1970).map { $0 - a } }
        let d: Int = Int(config.dataOptions["d"] ?? "") ?? 16, radius: Double = Double(config.dataOptions["radius"] ?? "") ?? 1
        return WidthRun(n: config.nTrain, width: width, coupled: ["true", "1", "yes"].contains(setup.modelOptions["symmetric"] ?? ""), seed: r.seed,
                        d: d, radius: radius,
                        value: r.status == .done ? (m[loss.metric] ?? .nan) : .infinity, stopStep: m["stop_step"].map { Int($0) }, seconds: seconds,
                        initialTrainMSE: results.curves[r.id]?.first { $0.step == 0 && $0.split == "train" && $0.metric == "mse" }?.value)
    }
    return (runs, results)
}

/// Munteanu et al.: the least width to fit random labels, coupled vs independent initialisation.
func munteanuFigure(_ store: ResultsStore) throws -> (Figure, String) {
    var s = MunteanuCoupledInit.defaultSizes + [""]
    var mStarPanels: [Panel] = [], curvePanels: [Panel] = []
    var seconds = 0, problems: [String] = []
    for loss in MunteanuCoupledInit.losses {
        let (runs, results) = try widthRuns(store, loss)
        problems += results.problemLines
        seconds += runs.compactMap(\.seconds).reduce(0, +)
        guard let maxWidth = runs.map(\.width).max() else {
            s.append("\(loss.label) (\(loss.experiment)): no finished runs")
            continue
        }
        /// A grid width, or "> the largest width run" where the criterion was not reached.
        func widthText(_ m: Double?) -> String { m.map { String(Int($0)) } ?? "> \(maxWidth)" }
        var mStarSeries: [Series] = [], curveSeries: [Series] = []
        var medians: [Bool: [(d: Double, nStar: Double?)]] = [:], perSeed: [Bool: [(d: Double, seed: Int, nStar: Double?)]] = [:]
        var slopes: [Bool: SampleComplexity.ExponentFit] = [:]
        for coupled in [true, false] {
            let name = coupled ? "coupled" : "independent"
            let sub = runs.filter { $0.coupled == coupled }
            guard !sub.isEmpty else { continue }
            // The least-width search: the threshold machinery with d = n and the width as the searched variable.
            let obs = sub.map { SampleComplexity.Observation(d: Double($0.n), n: Double($0.width), seed: $0.seed, loss: $0.value) }
            let med = SampleComplexity.thresholds(obs, tau: loss.tau, interpolate: false)
            let each = SampleComplexity.perSeedThresholds(obs, tau: loss.tau, interpolate: false)
            medians[coupled] = med; perSeed[coupled] = each
            s.append("\(loss.label), \(name) init: m*(n) median " + med.map { "n = \(Int($0.d)): \(widthText($0.nStar))" }.joined(separator: ", ")
                     + "; per seed " + med.map { t in "n = \(Int(t.d)): " + each.filter { $0.d == t.d }.map { widthText($0.nStar) }.joined(separator: "/") }.joined(separator: ", "))
            // Widths above a seed's m* that did not reach the criterion within the budget (at a
            // fixed step, wider networks train lazier and take more steps): m* is the first that fits.
            let failedAbove = med.compactMap { t -> String? in
                let widths = Set(each.filter { $0.d == t.d }.flatMap { e -> [Int] in
                    guard let m = e.nStar else { return [] }
                    return sub.filter { $0.n == Int(t.d) && $0.seed == e.seed && Double($0.width) > m && !($0.value <= loss.tau) }.map(\.width)
                }).sorted()
                return widths.isEmpty ? nil : "n = \(Int(t.d)): \(widths.map(String.init).joined(separator: ", "))"
            }
            if !failedAbove.isEmpty {
                s.append("  widths above a seed's m* that did not reach the criterion within the step budget (wider networks take more steps at a fixed lr; m* is the first grid width that fits): " + failedAbove.joined(separator: "; "))
            }
            let reached = med.compactMap { t in t.nStar.map { (t.d, $0) } }
            let band = reached.map { d, _ in each.filter { $0.d == d }.map { $0.nStar ?? Double(2 * maxWidth) } }
            mStarSeries.append(Series(title: "\(name) init, median m*", x: reached.map(\.0), y: reached.map(\.1),
                                      lower: band.map { $0.min()! }, upper: band.map { Swift.min($0.max()!, Double(maxWidth)) },
                                      dashed: !coupled, colour: coupled ? 0 : 1, withPoints: true))
            if let fit = SampleComplexity.fitExponent(obs, tau: loss.tau, resamples: 1000, seed: 0, interpolate: false) {
                slopes[coupled] = fit
                let unreached = fit.thresholds.filter { $0.nStar == nil }.map { "n = \(Int($0.d))" }
                s.append("  fitted slope of log m* against log n (\(name)): \(NumberFormat.significant(fit.exponent)), bootstrap 95% interval \(NumberFormat.significant(fit.lower))–\(NumberFormat.significant(fit.upper)) over seeds (\(fit.usableResamples)/\(fit.resamples) resamples usable)"
                         + (unreached.isEmpty ? "" : "; left out, median not reached within m ≤ \(maxWidth): " + unreached.joined(separator: ", ")))
            } else {
                s.append("  fitted slope (\(name)): none — the median reached the criterion at fewer than two n")
            }
            // Final criterion value against width, one line per n (median over seeds).
            for (k, n) in Array(Set(sub.map(\.n))).sorted().enumerated() {
                let widths = Array(Set(sub.filter { $0.n == n }.map(\.width))).sorted()
                let values = widths.map { w in SampleComplexity.median(sub.filter { $0.n == n && $0.width == w }.map(\.value)) }
                curveSeries.append(Series(title: "n = \(n)", x: widths.map(Double.init), y: values, dashed: !coupled, colour: k, withPoints: true,
                                          inKey: coupled))
            }
        }
        // Coupled ≤ independent: on the medians at every n, and seed by seed (same data, other init).
        if let c = medians[true], let i = medians[false] {
            func le(_ a: Double?, _ b: Double?) -> Bool { b == nil || (a != nil && a! <= b!) }
            let ns = c.map(\.d).filter { n in i.contains { $0.d == n } }
            let failing = ns.filter { n in !le(c.first { $0.d == n }!.nStar, i.first { $0.d == n }!.nStar) }
            let pairs = (perSeed[true] ?? []).compactMap { a -> Bool? in
                guard let b = perSeed[false]?.first(where: { $0.d == a.d && $0.seed == a.seed }) else { return nil }
                return le(a.nStar, b.nStar)
            }
            let ratios = ns.compactMap { n -> String? in
                guard let a = c.first(where: { $0.d == n })!.nStar, let b = i.first(where: { $0.d == n })!.nStar else { return nil }
                return "n = \(Int(n)): \(NumberFormat.significant(b / a))"
            }
            s.append("\(loss.label): coupled m* ≤ independent m* (medians) at " + (failing.isEmpty ? "every n → holds" : "all n but " + failing.map { "n = \(Int($0))" }.joined(separator: ", ") + " → does NOT hold at every n")
                     + "; seed by seed in \(pairs.filter { $0 }.count) of \(pairs.count) (n, seed) pairs"
                     + (ratios.isEmpty ? "" : "; independent/coupled median m*: " + ratios.joined(separator: ", ")))
        }
        if loss.metric == "train_mse" {
            // What coupling removes: the initial output, whose variance is what independent init adds to the initial train MSE.
            let initial = [true, false].map { c in meanAndStd(runs.filter { $0.coupled == c }.compactMap(\.initialTrainMSE)).mean }
            // r²/(2d): E ReLU(z)² for z ~ N(0, r²/d), the pre-activation at ‖x‖ = r; from the runs' own d and r.
            let geometry = Set(runs.map { "\($0.d) \($0.radius)" }).count == 1 ? runs.first.map { ($0.d, $0.radius) } : nil
            let expectedText = geometry.map { "r²/(2d) = \(NumberFormat.significant($0.1 * $0.1 / (2 * Double($0.0)))) at r = \(NumberFormat.significant($0.1)), d = \($0.0)" } ?? "r²/(2d); the runs mix d or r"
            let expected = geometry.map { $0.1 * $0.1 / (2 * Double($0.0)) } ?? .nan
            s.append("\(loss.label): train MSE at init, mean over runs: coupled \(NumberFormat.significant(initial[0])) (f ≡ 0: the labels' second moment), independent \(NumberFormat.significant(initial[1])) — the difference \(NumberFormat.significant(initial[1] - initial[0])) is the independent network's initial output variance (\(expectedText))"
                     + (expected.isNaN ? "" : expected < 0.25 ? ", small against labels of variance 1" : ", comparable to labels of variance 1: what coupling removes"))
            let measured = [true, false].compactMap { c in slopes[c].map { "\(c ? "coupled" : "independent") \(NumberFormat.significant($0.exponent)) [\(NumberFormat.significant($0.lower)), \(NumberFormat.significant($0.upper))]" } }
            s.append("\(loss.label): measured slopes " + (measured.isEmpty ? "none" : measured.joined(separator: ", "))
                     + " next to the paper's worst-case exponents n^\(Int(MunteanuCoupledInit.paperIndependentExponent)) (independent) and n^\(Int(MunteanuCoupledInit.paperCoupledExponent)) (coupled): "
                     + (slopes.values.allSatisfy { $0.upper < MunteanuCoupledInit.paperCoupledExponent } && !slopes.isEmpty
                        ? "both far below the coupled bound's 2, as worst-case bounds allow" : "see the intervals"))
            // Slope guides n² and n⁴ through the independent median at the smallest n, for the eye (the bounds' constants are unknown).
            if let first = medians[false]?.first(where: { $0.nStar != nil }) ?? medians[true]?.first(where: { $0.nStar != nil }), let m0 = first.nStar {
                let xs = MunteanuCoupledInit.ns.map(Double.init).filter { $0 >= first.d }
                for (k, e) in [MunteanuCoupledInit.paperCoupledExponent, MunteanuCoupledInit.paperIndependentExponent].enumerated() {
                    let ys = xs.map { m0 * Foundation.pow($0 / first.d, e) }
                    let keep = ys.indices.filter { ys[$0] <= Double(4 * maxWidth) }
                    mStarSeries.append(Series(title: "∝ n^\(Int(e)) (paper, \(k == 0 ? "coupled" : "independent"))",
                                              x: keep.map { xs[$0] }, y: keep.map { ys[$0] }, dashed: true, colour: 7 + k))
                }
            }
        }
        mStarPanels.append(Panel(title: "\(loss.label): least width m*(n) (\(loss.criterion))", xLabel: "n (training points)", yLabel: "m* (hidden width)",
                                 logX: true, logY: true, series: mStarSeries))
        curvePanels.append(Panel(title: "\(loss.label): final \(loss.metric == "train_mse" ? "train MSE" : "train 0-1 error") (median over seeds)",
                                 xLabel: "width m", yLabel: loss.metric == "train_mse" ? "train MSE" : "train 0-1 error",
                                 logX: true, logY: loss.metric == "train_mse", series: curveSeries,
                                 references: loss.metric == "train_mse" ? [ReferenceLine(title: "τ = \(NumberFormat.significant(loss.tau))", y: loss.tau)] : [],
                                 keyEntries: [KeyEntry(title: "coupled", dashed: false), KeyEntry(title: "independent", dashed: true)]))
    }
    s.append("runs: \(seconds) s of wall time in all (summed over runs of one thread each: about their CPU time on an idle machine, more on a shared one)")
    s += problems
    return (Figure(name: "munteanu-coupled-init", title: "Least width to fit random labels: coupled vs independent initialisation",
                   panels: mStarPanels + curvePanels, columns: 2), s.joined(separator: "\n"))
}
