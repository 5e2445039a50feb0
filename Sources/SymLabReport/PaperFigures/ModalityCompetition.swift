import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabNumerics

extension PaperFigure {
    /// The sizes the summary states; the spec file holds the same (`PaperFigureSpecTests`).
    public static let modalityDimension = 800
    public static let modalityTrain = 2000
    public static let modalityWidth = 10
    public static let modalitySeeds = 3
    public static let modalitySteps = 800
    /// Signal strengths of the strong (A) and weak (B) modality.
    public static let modalityStrengths = (a: 1.0, b: 0.5)
    /// The must-show's thresholds: joint training keeps B's best alignment below `jointMax`, uni-modal
    /// training on B reaches `uniMin`.
    public static let modalityThresholds = (jointMax: 0.3, uniMin: 0.9)
}

/// Huang, Lin, Zhou, Yang, Huang (ICML 2022), modality competition: a late-fusion network trained
/// jointly on a strong and a weak modality learns only the strong one, while uni-modal training
/// on the weak one learns it. Alignment of each encoder with its modality's label direction
/// against the GD step, feature strengths, and the test errors (ordinary and B-only test sets).
func modalityCompetitionFigure(_ store: ResultsStore) throws -> (Figure, String) {
    let (runs, results) = try schemeRuns(store, "modality-late-fusion")
    let variants: [(key: String, label: String)] = [("both", "joint"), ("a", "uni-modal A"), ("b", "uni-modal B")]
    func runsOf(_ key: String) -> [SchemeRun] { runs.filter { ($0.option("modalities") ?? "both") == key } }
    let d = runs.first.map { Int($0.d) } ?? PaperFigure.modalityDimension
    let m = runs.first.flatMap { Int($0.option("width") ?? "") } ?? PaperFigure.modalityWidth
    let dataOptions = runs.first?.config.dataOptions ?? [:]
    func opt(_ k: String, _ fallback: String) -> String { dataOptions[k] ?? fallback }
    let scheme = runs.first?.config.kind.scheme?.options ?? [:]
    func sopt(_ k: String, _ fallback: String) -> String { scheme[k] ?? fallback }
    let seeds = Set(runs.map(\.run.seed)).count
    let initLevel = (2 * Foundation.log(2 * Double(m)) / Double(d)).squareRoot()
    var s = ["Default sizes: d = \(PaperFigure.modalityDimension) per modality (inputs [x^A, x^B] ∈ R^\(2 * PaperFigure.modalityDimension)), n = \(PaperFigure.modalityTrain) training samples, \(PaperFigure.modalityTrain) test samples and as many B-only test samples, m = \(PaperFigure.modalityWidth) neurons per encoder, s_A = \(NumberFormat.significant(PaperFigure.modalityStrengths.a)), s_B = \(NumberFormat.significant(PaperFigure.modalityStrengths.b)), p_A = p_B = 1, \(PaperFigure.modalitySteps) full-batch GD steps, \(PaperFigure.modalitySeeds) seeds (medians; bands min–max over seeds).",
             "This run: d = \(d), m = \(m), s_A = \(opt("s_a", "1")), s_B = \(opt("s_b", "0.5")), p_A = \(opt("p_a", "1")), p_B = \(opt("p_b", "1")), σ = \(opt("sigma", "1")), smoothed ReLU q = \(sopt("q", "3")), ρ = \(sopt("rho", "0.1")), init std \(sopt("init_std", "0.01")), η = \(sopt("lr", "0.05")), \(sopt("steps", "800")) steps, \(seeds) seed(s).",
             "From the paper (its abstract; the body and code were not available to us): a late-fusion network whose encoders use a smoothed ReLU, trained jointly by gradient descent, learns only a subset of the modalities (modality competition), while uni-modal training learns each modality's features; the losing modality makes joint training worse than the best uni-modal network. No number in this summary is the paper's: every value below is measured here.",
             "choice: data x^r = ζ_r s_r y u_r + ξ_r with ξ_r ~ N(0, (σ²/d)(I − u_r u_rᵀ)) and u_r a random unit vector per seed (class two-modality) in place of the paper's sparse-coding distribution, which we could not read; ζ_r ~ Bernoulli(p_r) with p_A = 1 (with p_A < 1 the A-free samples keep driving B and both modalities are learned: our own check).",
             "choice: learner f(x) = Σ_r Σ_i σ̃(⟨w_{r,i}, x^r⟩) − σ̃(−⟨w_{r,i}, x^r⟩), fixed odd second layer, σ̃ the smoothed ReLU (0, zᵠ/(qρ^{q−1}), z − (1 − 1/q)ρ) with q = 3, ρ = 0.1; weights N(0, 0.01²) per entry; logistic loss, full-batch GD at η = 0.05 for 800 steps, the same for all three trainings.",
             "choice: a modality is 'learned' when its best-aligned neuron has |cos(w_{r,i}, u_r)| ≥ 0.9 and 'not learned' when it stays < 0.3 (the issue's thresholds; the paper's own measure was not available); we also print the feature strength max_i |⟨w_{r,i}, u_r⟩|, since the cosine is scale-free and a barely-moving encoder can still turn towards u_r.",
             "choice: the three trainings of a seed see the same training and test sets but draw their initial weights from their own sweep point's stream (the joint and the uni-modal B encoder do not start from the same weights).",
             "choice: the joint network's cost of competition is shown on a second test set with A's signal removed (ζ_A = 0, 'B-only'), since with p_A = 1 the ordinary test set is solved by A alone.",
             "initial max alignment of m random neurons with a fixed direction: ≈ √(2 ln(2m)/d) = \(NumberFormat.significant(initLevel)) (d = \(d), m = \(m)), far below the 0.3 threshold.", ""]
    let names = ["a": "A", "b": "B"]
    var panels: [Panel] = []
    var stats: [String: [String: [Double]]] = [:]   // variant → metric → per-seed values
    for v in variants {
        let r = runsOf(v.key)
        var per: [String: [Double]] = [:]
        for key in ["best_alignment_a", "best_alignment_b", "alignment_a", "alignment_b", "alignment_a_init", "alignment_b_init", "strength_a", "strength_b",
                    "strength_a_init", "strength_b_init", "test_error", "test_error_b_only", "train_error"] {
            per[key] = r.sorted { $0.run.seed < $1.run.seed }.map { $0.metric(key) }.filter(\.isFinite)
        }
        stats[v.key] = per
    }
    func fmt(_ v: [Double]) -> String {
        guard !v.isEmpty else { return "no runs" }
        let b = medianBand(v)
        return "median \(NumberFormat.significant(b.median)) (seeds: \(v.map { NumberFormat.significant($0) }.joined(separator: ", ")))"
    }
    for v in variants {
        guard let per = stats[v.key], !(per["test_error"] ?? []).isEmpty else { continue }
        for r in ["a", "b"] where !(per["alignment_\(r)"] ?? []).isEmpty {
            s.append("\(v.label), encoder \(names[r]!): alignment at init \(fmt(per["alignment_\(r)_init"]!)); best over training \(fmt(per["best_alignment_\(r)"]!)); final \(fmt(per["alignment_\(r)"]!)); feature strength max_i |⟨w, u_\(names[r]!)⟩| from \(fmt(per["strength_\(r)_init"]!)) to \(fmt(per["strength_\(r)"]!))")
        }
        s.append("\(v.label): test error \(fmt(per["test_error"]!)); B-only test error \(fmt(per["test_error_b_only"]!)); train error \(fmt(per["train_error"]!))")
    }
    // Alignment against step: median over seeds with min–max band, per encoder.
    func curveSeries(_ variant: String, metric: String, title: String, colour: Int, dashed: Bool = false) -> Series? {
        let r = runsOf(variant)
        var bySteps: [Int: [Double]] = [:]
        for run in r { for p in results.curves[run.run.id] ?? [] where p.metric == metric { bySteps[p.step, default: []].append(p.value) } }
        guard !bySteps.isEmpty else { return nil }
        let steps = bySteps.keys.sorted()
        let bands = steps.map { medianBand(bySteps[$0]!) }
        return Series(title: title, x: steps.map(Double.init), y: bands.map(\.median), lower: bands.map(\.low), upper: bands.map(\.high), dashed: dashed, colour: colour)
    }
    for (r, uni) in [("a", "a"), ("b", "b")] {
        let series = [curveSeries("both", metric: "alignment_\(r)", title: "joint", colour: 0),
                      curveSeries(uni, metric: "alignment_\(r)", title: "uni-modal \(names[r]!)", colour: r == "a" ? 1 : 2)].compactMap { $0 }
        var refs = [ReferenceLine(title: "√(2 ln 2m / d)", y: initLevel)]
        if r == "b" { refs += [ReferenceLine(title: "0.3", y: PaperFigure.modalityThresholds.jointMax), ReferenceLine(title: "0.9", y: PaperFigure.modalityThresholds.uniMin)] }
        panels.append(Panel(title: "encoder \(names[r]!) (s_\(names[r]!) = \(opt("s_\(r)", r == "a" ? "1" : "0.5")))", xLabel: "GD step", yLabel: "max_i |cos(w_{\(names[r]!),i}, u_\(names[r]!))|",
                            series: series, references: refs, yRange: 0...1))
    }
    let strength = [curveSeries("both", metric: "strength_a", title: "joint, A", colour: 0),
                    curveSeries("both", metric: "strength_b", title: "joint, B", colour: 0, dashed: true),
                    curveSeries("a", metric: "strength_a", title: "uni-modal A", colour: 1),
                    curveSeries("b", metric: "strength_b", title: "uni-modal B", colour: 2, dashed: true)].compactMap { $0 }
    panels.append(Panel(title: "feature strength", xLabel: "GD step", yLabel: "max_i |⟨w_{r,i}, u_r⟩|", logY: true, series: strength))
    // Test errors: one point per training, on the two test sets.
    let present = variants.enumerated().filter { !(stats[$0.element.key]?["test_error"] ?? []).isEmpty }
    func errorSeries(_ key: String, _ title: String, colour: Int, dashed: Bool) -> Series {
        let b = present.map { medianBand(stats[$0.element.key]![key]!) }
        return Series(title: title, x: present.map { Double($0.offset + 1) }, y: b.map(\.median), lower: b.map(\.low), upper: b.map(\.high),
                      dashed: dashed, colour: colour, withPoints: true)
    }
    if !present.isEmpty {
        panels.append(Panel(title: "test error (1 = joint, 2 = uni-A, 3 = uni-B)", xLabel: "training", yLabel: "0-1 test error",
                            series: [errorSeries("test_error", "ordinary test set", colour: 0, dashed: false),
                                     errorSeries("test_error_b_only", "B-only test set (ζ_A = 0)", colour: 3, dashed: true)], yRange: 0...0.6))
    }
    // The must-show.
    s.append("")
    let jointB = stats["both"]?["best_alignment_b"] ?? [], uniB = stats["b"]?["alignment_b"] ?? [], uniBBest = stats["b"]?["best_alignment_b"] ?? []
    if let worstJoint = jointB.max(), let worstUni = uniB.min() {
        let t = PaperFigure.modalityThresholds
        let holds = worstJoint < t.jointMax && worstUni >= t.uniMin
        s.append("must-show: under joint training the weaker modality's (B) best alignment stays below \(NumberFormat.significant(t.jointMax)) (largest over \(jointB.count) seeds and all \(sopt("steps", "800")) steps: \(NumberFormat.significant(worstJoint))) while uni-modal training on B reaches ≥ \(NumberFormat.significant(t.uniMin)) (smallest final alignment over \(uniB.count) seeds: \(NumberFormat.significant(worstUni)); best over training \(NumberFormat.significant(uniBBest.min() ?? .nan))) → \(holds ? "holds" : "missed")")
    } else {
        s.append("must-show: under joint training the weaker modality's best alignment stays below 0.3 while uni-modal training on it reaches ≥ 0.9 → missed (the joint or the uni-modal B runs are missing)")
    }
    if let jointBOnly = stats["both"]?["test_error_b_only"], let uniBOnly = stats["b"]?["test_error_b_only"], !jointBOnly.isEmpty, !uniBOnly.isEmpty {
        let j = medianBand(jointBOnly).median, u = medianBand(uniBOnly).median
        s.append("B-only test set: joint \(NumberFormat.significant(j)) vs uni-modal B \(NumberFormat.significant(u)) median test error → " + (j > u ? "the joint network is worse than uni-modal B where A is absent (the cost of competition)" : "the joint network is NOT worse than uni-modal B there"))
    }
    s += results.problemLines
    return (Figure(name: "modality-competition", title: "Modality competition: joint vs uni-modal late-fusion training", panels: panels, columns: 2), s.joined(separator: "\n"))
}
