import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabNumerics

extension PaperFigure {
    /// The sizes the summary states; the spec file holds the same (`MaslowFigureTests`).
    public static let maslowOverlaps = (0...10).map { Double($0) / 10 }
    public static let maslowDimension = 1000
    public static let maslowSeeds = 3
    public static let maslowSwitch = 250.0, maslowEnd = 500.0
    /// The must-show factor: the peak forgetting at least this times the value at γ = 0 and at γ = 1.
    public static let maslowPeakFactor = 1.5
}

/// Lee, Sarao Mannelli, Clopath, Goldt, Saxe (ICML 2022, "Maslow's hammer for catastrophic
/// forgetting"): the increase of task 1's error while a two-unit erf student learns task 2, against
/// the overlap γ of the two teachers' features, simulation (3 seeds) and the mean-field ODE from
/// each run's own start; with ε₁(t), ε₂(t) for three overlaps.
func maslowForgettingFigure(_ store: ResultsStore) throws -> (Figure, String) {
    let (runs, results) = try schemeRuns(store, "maslow-continual")
    func gamma(_ r: SchemeRun) -> Double { Double(r.config.dataOptions["overlap"] ?? "") ?? .nan }
    let gammas = Array(Set(runs.map(gamma).filter(\.isFinite))).sorted()
    let seeds = Array(Set(runs.map(\.run.seed))).sorted()
    let ds = Array(Set(runs.map(\.d))).sorted()
    let switches = Array(Set(runs.map { $0.metric("t_switch") }.filter(\.isFinite))).sorted()
    let ends = Array(Set(runs.map { $0.metric("t_end") }.filter(\.isFinite))).sorted()
    func list(_ v: [Double]) -> String { v.map { NumberFormat.significant($0) }.joined(separator: ", ") }
    let fmt = { (v: Double) in NumberFormat.significant(v, 3) }
    var s = ["Default sizes: D = \(PaperFigure.maslowDimension), student K = 2 erf units, teachers one erf unit each, \(PaperFigure.maslowOverlaps.count) overlaps γ = 0, 0.1, …, 1, \(PaperFigure.maslowSeeds) seeds, η = 0.1 (hidden step η/√D, head step η/D), init N(0, 0.001²), task 1 until t_switch = \(NumberFormat.significant(PaperFigure.maslowSwitch)), task 2 until t_end = \(NumberFormat.significant(PaperFigure.maslowEnd)) (t = steps/D: \(Int(PaperFigure.maslowEnd) * PaperFigure.maslowDimension) steps per run).",
             "Measured at: D ∈ {\(ds.map { NumberFormat.shortest($0) }.joined(separator: ", "))}, γ ∈ {\(list(gammas))}, seeds {\(seeds.map(String.init).joined(separator: ", "))}, t_switch ∈ {\(list(switches))}, t_end ∈ {\(list(ends))}; \(runs.count) runs.",
             "From the paper: the claim (abstract) that forgetting is not monotone in task dissimilarity but worst at intermediate similarity (node re-use vs node activation), and the set-up of the authors' code at its paper-era commit e108c68 (x ~ N(0, I_D), scaled-erf teachers and student, K = 2, one hidden unit per teacher, weights and heads N(0, 0.001²), η = 0.1 with head lr η/D, continual heads, 5·10⁵ steps with the switch at 2.5·10⁵). No number below comes from the paper (its figure values were not available to us): every error, forgetting value and ratio is measured, simulation and ODE alike.",
             "choice: the teachers' overlap is exact (n₂ made orthogonal to n₁ by one Gram–Schmidt step; the authors' rotation of two independent vectors gives γ + O(D^{−1/2})); errors are the exact population errors from the order parameters (no test set); forgetting F = ε₁(t_end) − ε₁(t_switch) and the largest increase max_{t ≥ t_switch} ε₁(t) − ε₁(t_switch) on the recording grid (every Δt = 1 for t_switch − 5 … t_switch + 30, 100 evenly spaced points over the run, 12 log-spaced per decade of t from 0.01); the teacher heads +1 (the authors' unit-norm head of one unit is ±1, and g is odd).",
             "choice: the ODE is integrated per run from that run's initial overlaps (RK4, step Δt = 0.01), so each γ has one ODE value per seed (their mean is plotted); the simulation's spread over seeds is the min–max band; the must-show compares seed means of the simulated F at the peak γ with γ = 0 and γ = 1.",
             ""]
    func values(_ g: Double, _ metric: String) -> [Double] { runs.filter { gamma($0) == g }.map { $0.metric(metric) }.filter(\.isFinite) }
    var simMean: [Double] = [], odeMean: [Double] = []
    var lo: [Double] = [], hi: [Double] = []
    for g in gammas {
        let f = values(g, "forgetting"), fo = values(g, "forgetting_ode")
        let m = meanAndStd(f).mean, mo = meanAndStd(fo).mean
        simMean.append(m); odeMean.append(mo)
        lo.append(f.min() ?? .nan); hi.append(f.max() ?? .nan)
        s.append("γ = \(NumberFormat.significant(g)): F sim = \(fmt(m)) (seeds: \(f.map(fmt).joined(separator: ", "))), F ODE = \(fmt(mo)); "
                 + "largest increase sim = \(fmt(meanAndStd(values(g, "max_forgetting")).mean)), ODE = \(fmt(meanAndStd(values(g, "max_forgetting_ode")).mean)); "
                 + "ε₁(t_switch) sim = \(fmt(meanAndStd(values(g, "eps1_switch")).mean)), ODE = \(fmt(meanAndStd(values(g, "eps1_switch_ode")).mean)); "
                 + "ε₂(t_end) sim = \(fmt(meanAndStd(values(g, "eps2_end")).mean)), ODE = \(fmt(meanAndStd(values(g, "eps2_end_ode")).mean))")
    }
    s.append("")
    s.append("all F (simulation, seed means, γ = \(list(gammas))): " + simMean.map(fmt).joined(separator: ", "))
    s.append("all F (ODE, seed means): " + odeMean.map(fmt).joined(separator: ", "))
    let gaps = runs.map { Swift.abs($0.metric("forgetting_gap")) }.filter(\.isFinite)
    if let worst = gaps.max() { s.append("simulation − ODE: largest |F_sim − F_ODE| over the runs = \(fmt(worst)) (measured)") }
    var peakGamma: Double?
    if let peak = simMean.indices.filter({ simMean[$0].isFinite }).max(by: { simMean[$0] < simMean[$1] }) {
        peakGamma = gammas[peak]
        let odePeak = odeMean.indices.filter { odeMean[$0].isFinite }.max { odeMean[$0] < odeMean[$1] }
        s.append("peak: simulation at γ = \(NumberFormat.significant(gammas[peak])) (F = \(fmt(simMean[peak]))); ODE at γ = \(odePeak.map { NumberFormat.significant(gammas[$0]) } ?? "–")")
        if let i0 = gammas.firstIndex(of: 0), let i1 = gammas.firstIndex(of: 1) {
            let factor = PaperFigure.maslowPeakFactor
            let holds = simMean[peak] >= factor * simMean[i0] && simMean[peak] >= factor * simMean[i1] && peak != i0 && peak != i1
            func ratio(_ i: Int) -> String { simMean[i] > 0 ? "× \(fmt(simMean[peak] / simMean[i]))" : "F ≤ 0 there" }
            s.append("must-show: peak F ≥ \(NumberFormat.significant(factor)) × F at both extremes: F(γ = \(NumberFormat.significant(gammas[peak]))) = \(fmt(simMean[peak])) vs F(0) = \(fmt(simMean[i0])) (\(ratio(i0))) and F(1) = \(fmt(simMean[i1])) (\(ratio(i1))) → \(holds ? "holds" : "missed")")
        } else {
            s.append("must-show: peak F ≥ \(NumberFormat.significant(PaperFigure.maslowPeakFactor)) × F at both extremes → missed (γ = 0 and γ = 1 were not both run)")
        }
    }
    s += results.problemLines

    let band = Series(title: "simulation (mean, min–max)", x: gammas, y: simMean, lower: lo, upper: hi, colour: 0, withPoints: true)
    let odeLine = Series(title: "ODE", x: gammas, y: odeMean, dashed: true, colour: 1)
    var panels = [Panel(title: "forgetting after the switch", xLabel: "teacher overlap γ", yLabel: "F = ε₁(t_end) − ε₁(t_switch)", series: [band, odeLine])]
    // ε₁(t), ε₂(t) of the first seed at γ = 0, the peak and γ = 1: simulation solid, ODE dashed.
    let shown = ([0.0, peakGamma ?? 0.3, 1.0].filter { gammas.contains($0) }).reduce(into: [Double]()) { if !$0.contains($1) { $0.append($1) } }
    for (task, metric) in [(1, "eps1"), (2, "eps2")] {
        var series: [Series] = []
        for (j, g) in shown.enumerated() {
            guard let r = runs.filter({ gamma($0) == g }).min(by: { $0.run.seed < $1.run.seed }) else { continue }
            let points = (results.curves[r.run.id] ?? []).filter { $0.metric == metric }
            for (split, dashed) in [("test", false), ("ode", true)] {
                let p = points.filter { $0.split == split && $0.step > 0 }.sorted { $0.step < $1.step }
                series.append(Series(title: "γ = \(NumberFormat.significant(g))", x: p.map { Double($0.step) / r.d }, y: p.map(\.value),
                                     dashed: dashed, colour: j, inKey: !dashed))
            }
        }
        panels.append(Panel(title: "task \(task) error, seed \(seeds.first.map(String.init) ?? "–")", xLabel: "t = steps/D", yLabel: "ε\(task == 1 ? "₁" : "₂")(t)", logY: true,
                            series: series, keyEntries: [KeyEntry(title: "simulation", dashed: false), KeyEntry(title: "ODE", dashed: true)]))
    }
    return (Figure(name: "maslow-forgetting", title: "Catastrophic forgetting is worst at intermediate teacher overlap", panels: panels, columns: 3), s.joined(separator: "\n"))
}
