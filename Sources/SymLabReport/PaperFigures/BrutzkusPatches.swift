import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabNumerics

extension PaperFigure {
    /// The sizes the summary states; the spec files hold the same (`PaperFigureSpecTests`).
    public static let brutzkusNs = [30, 100, 300, 1000, 3000]
    public static let brutzkusSeeds = 3
    /// Sequence length, patch width, dictionary size, clusters: P = 96/12 = 8 patches per input.
    public static let brutzkusLength = 96, brutzkusWidth = 12, brutzkusDictionary = 8, brutzkusClusters = 8
    /// Bit-flip probabilities of the dictionary patches: exact dictionary patches and the issue's 10 %.
    public static let brutzkusFlips = [0.0, 0.1]
    /// The accuracy whose sample size the summary reports.
    public static let brutzkusTarget = 0.9
}

/// Brutzkus, Globerson, Malach, Netser, Shalev-Shwartz (ICML 2022): test accuracy against n of the
/// semi-supervised patch learner (k-means on patches, pooled indicators, linear readout) and of a
/// one-convolution CNN trained by Adam, on dictionary patches (with and without bit flips) and on
/// uniform patches.
func brutzkusPatchesFigure(_ store: ResultsStore) throws -> (Figure, String) {
    let patch = try schemeRuns(store, "brutzkus-patch")
    let cnn = try schemeRuns(store, "brutzkus-cnn")
    let learners: [(label: String, runs: [SchemeRun])] = [("patch learner (k-means + logistic)", patch.runs), ("CNN, Adam", cnn.runs)]
    let variants: [(label: String, patches: String, flip: Double?)] = PaperFigure.brutzkusFlips.map {
        ("dictionary patches, p = \(NumberFormat.significant($0))", "dictionary", $0)
    } + [("uniform patches", "uniform", nil)]
    func select(_ runs: [SchemeRun], _ v: (label: String, patches: String, flip: Double?)) -> [SchemeRun] {
        runs.filter { r in
            (r.config.dataOptions["patches"] ?? "dictionary") == v.patches && (v.flip == nil || Double(r.config.dataOptions["flip"] ?? "") == v.flip)
        }
    }
    func accuracy(_ r: SchemeRun) -> Double { 1 - r.metric(SchemeMetric.testError) }
    let target = PaperFigure.brutzkusTarget
    var s = ["Default sizes: ±1 sequences of L = \(PaperFigure.brutzkusLength) as P = \(PaperFigure.brutzkusLength / PaperFigure.brutzkusWidth) non-overlapping patches of width w = \(PaperFigure.brutzkusWidth); a dictionary of k = \(PaperFigure.brutzkusDictionary) random patches with bit-flip probability p ∈ {\(PaperFigure.brutzkusFlips.map { NumberFormat.significant($0) }.joined(separator: ", "))}, or uniform patches; teacher f(x) = Σ_i Σ_{j<4} a_j ReLU(⟨w_j, x_i⟩), w_j ~ N(0, I_w), a_j = ±1, label sign(f − θ) with θ balancing the labels; n_train ∈ {\(PaperFigure.brutzkusNs.map(String.init).joined(separator: ", "))}, 2,000 test inputs, \(PaperFigure.brutzkusSeeds) seeds (medians; bands min–max).",
             "From the paper: the learner (cluster the patches of unlabelled data, embed each input by pooled nearest-centroid indicators, fit a linear classifier on labelled data) and the claim, stated qualitatively in the abstract: under distributional assumptions on the patches it learns a one-hidden-layer CNN's labels efficiently and beats a vanilla one-hidden-layer CNN (their evidence is CIFAR-10, not a synthetic teacher). No number here comes from the paper: every accuracy and sample size below is measured.",
             "choice: synthetic sequences instead of images; w = 12 rather than the issue's 4 — with 2^4 = 16 possible patches any K ≥ 16 clusters make the pooled counts an exact linear basis for every CNN on every distribution (uniform patches included), and the CNN too learns a function of 16 values, so nothing separates the learners; the patch axis given as inputs [N, P, w] so that cnn-minimal with kernel 1, channels-last layout is the teacher's stride-w convolution (32 channels, sum pooling) — it has a 32-unit ReLU head where the teacher's readout is linear (the closest one-hidden-layer CNN SymmetryLab has).",
             "choice: k-means++ seeding then Lloyd (≤ 100 iterations) with K = \(PaperFigure.brutzkusClusters) = k clusters on the patches of the training inputs plus 1,000 unlabelled inputs (8,000 patches; the paper clusters 65,536–262,144 sampled CIFAR patches); pooling = sum over positions of the one-hot nearest centroid (the paper's Φ_hard with one neighbour; it average-pools over windows, the same to a linear readout up to scale); readout L2-logistic (λ = 0.001) by Newton; the CNN by full-batch Adam (lr 0.003, cosine decay, 2,000 steps, logistic loss); n = 30 added below the issue's grid because both learners pass 90 % before n = 100 on exact dictionary patches.",
             ""]
    var panels: [Panel] = []
    var crossings: [String: [String: String]] = [:]
    var medians: [String: [String: [Double]]] = [:]
    // The grid of the runs found (edited specs may use other n than the shipped ones).
    let ns = Array(Set((patch.runs + cnn.runs).map { Int($0.n) })).sorted()
    for v in variants {
        var series: [Series] = []
        for (j, learner) in learners.enumerated() {
            let runs = select(learner.runs, v)
            let present = ns.filter { n in runs.contains { Int($0.n) == n } }
            guard !present.isEmpty else { continue }
            series.append(medianSeries(learner.label, runs, x: \.n, y: accuracy, colour: j))
            let m = ns.map { n in medianBand(runs.filter { Int($0.n) == n }.map(accuracy)).median }
            medians[v.label, default: [:]][learner.label] = m
            s.append("\(v.label), \(learner.label): median test accuracy " + zip(ns, m).filter { $0.1.isFinite }.map { "n = \($0): \(NumberFormat.significant($1))" }.joined(separator: ", "))
            // The 90 % crossing, interpolated linearly in log n between grid points.
            let grid = zip(ns, m).filter { $0.1.isFinite }
            let text: String
            if let x = linearCrossing(x: grid.map { Foundation.log10(Double($0.0)) }, y: grid.map { 1 - $0.1 }, level: 1 - target) {
                let nStar = Foundation.pow(10, x)
                text = x <= Foundation.log10(Double(grid[0].0)) ? "≤ \(grid[0].0)" : "≈ \(Int(nStar.rounded()))"
            } else {
                text = "not reached (> \(grid.last.map { String($0.0) } ?? "?"))"
            }
            crossings[v.label, default: [:]][learner.label] = text
        }
        guard !series.isEmpty else { continue }
        panels.append(Panel(title: v.label, xLabel: "n_train (labelled)", yLabel: "test accuracy", logX: true, series: series,
                            references: [ReferenceLine(title: "\(Int(target * 100)) %", y: target)], yRange: 0.4...1.0))
    }
    s.append("")
    for v in variants {
        guard let c = crossings[v.label] else { continue }
        s.append("\(v.label): n at \(Int(target * 100)) % median test accuracy (interpolated in log n): "
                 + learners.map { "\($0.label) \(c[$0.label] ?? "no runs")" }.joined(separator: ", "))
    }
    // The advantage: patch learner minus CNN, median accuracy, at every n.
    func advantage(_ label: String) -> [Double]? {
        guard let p = medians[label]?[learners[0].label], let c = medians[label]?[learners[1].label] else { return nil }
        return zip(p, c).map { $0 - $1 }
    }
    func listed(_ a: [Double]) -> String {
        zip(ns, a).filter { $0.1.isFinite }.map { "n = \($0): \($1 >= 0 ? "+" : "")\(NumberFormat.significant($1))" }.joined(separator: ", ")
    }
    let exact = variants[0].label, uniform = variants[variants.count - 1].label
    if let onDictionary = advantage(exact), let onUniform = advantage(uniform) {
        s.append("patch learner − CNN accuracy, \(exact): " + listed(onDictionary))
        for v in variants.dropFirst() { if let a = advantage(v.label) { s.append("patch learner − CNN accuracy, \(v.label): " + listed(a)) } }
        let bestDictionary = onDictionary.filter(\.isFinite).max() ?? .nan
        let bestUniform = onUniform.filter(\.isFinite).max() ?? .nan
        let ahead = bestDictionary > 0
        s.append("verdict: " + (ahead ? "on exact dictionary patches the patch learner is ahead by at most \(NumberFormat.significant(bestDictionary)) (largest gap over n)"
                                     : "on exact dictionary patches the patch learner is never ahead (best gap \(NumberFormat.significant(bestDictionary)))")
                 + "; on uniform patches " + (bestUniform <= 0 ? "it is behind at every n (best gap \(NumberFormat.significant(bestUniform))): the advantage disappears"
                                                             : "it is still ahead somewhere (best gap +\(NumberFormat.significant(bestUniform))): the advantage does NOT disappear"))
        if let noisy = variants.dropFirst().first, noisy.flip != nil, let a = advantage(noisy.label), let best = a.filter(\.isFinite).max() {
            s.append("verdict: with bit flips (\(noisy.label)) the patch learner is " + (best <= 0 ? "behind at every n (best gap \(NumberFormat.significant(best))): flipped bits move f off the dictionary values and K = k centroids cannot follow"
                                                                                       : "ahead somewhere (best gap +\(NumberFormat.significant(best)))"))
        }
    }
    s += patch.results.problemLines
    s += cnn.results.problemLines
    return (Figure(name: "brutzkus-patches", title: "Patch-based learner vs a CNN trained by Adam: dictionary and uniform patches", panels: panels, columns: panels.count), s.joined(separator: "\n"))
}
