import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabNumerics
import SymLabTheory

/// What `kiani-scaling` measures and how its builder reads the runs. The spec files
/// (`specs/kiani-scaling/`, and the `paper` and `demo` scales in its subfolders) hold the runs; this
/// type names which experiment is which learner of which class, the size option each class is
/// swept over, and the level that defines samples-to-learn.
///
/// The hardness paper's claim is about growth with size: a hard class needs a number of samples (or
/// queries) that grows fast with n, an easy one does not. One size at one sample budget cannot show
/// that; samples-to-learn at several sizes, next to the family size the lower bound counts, can.
public enum KianiScaling {
    /// One experiment of the figure and how the summary names it.
    public struct Learner: Sendable {
        public let experiment: String
        public let label: String
    }

    /// One hard class: the paper's network on it, the same network on an easy control class of the
    /// same inputs, and the class's learner that is not correlational where one exists.
    public struct HardClass: Sendable {
        public let className: String
        public let label: String
        /// The data option swept as the size (n, or d for gaussian-gnn), and how the axis names it.
        public let sizeOption: String
        public let sizeLabel: String
        public let network: Learner
        public let control: Learner
        public let query: Learner?
        /// The class is a parity over feature bits (the summary gives the bits beside m).
        public let parity: Bool
    }

    public static let classes: [HardClass] = [
        HardClass(className: "er-parity", label: "H_ER,n (er-parity, graphs G(n, 1/2))", sizeOption: "n", sizeLabel: "nodes n",
                  network: Learner(experiment: "scale-er-gnn", label: "GNN by Adam"),
                  control: Learner(experiment: "scale-er-gnn-control", label: "GNN by Adam on er-degree-moment"),
                  query: Learner(experiment: "scale-er-gf2", label: "gf2-elimination"), parity: true),
        HardClass(className: "cyclic-pattern-parity", label: "C^B_F (b) (cyclic-pattern-parity, ±1 sequences)", sizeOption: "n", sizeLabel: "length n",
                  network: Learner(experiment: "scale-cpp-cnn", label: "CNN by Adam"),
                  control: Learner(experiment: "scale-cyc-cnn-control", label: "CNN by Adam on cyclic-autocorrelation"),
                  query: Learner(experiment: "scale-cpp-gf2", label: "gf2-elimination"), parity: true),
        HardClass(className: "cyclic-frame-parity", label: "C^B_F (a) (cyclic-frame-parity, ±1 sequences)", sizeOption: "n", sizeLabel: "length n",
                  network: Learner(experiment: "scale-cfp-cnn", label: "CNN by Adam"),
                  control: Learner(experiment: "scale-cyc-cnn-control", label: "CNN by Adam on cyclic-autocorrelation"),
                  query: Learner(experiment: "scale-cfp-gf2", label: "gf2-elimination"), parity: true),
        HardClass(className: "gaussian-gnn", label: "Gaussian-feature GNN class (gaussian-gnn, Thm 4)", sizeOption: "d", sizeLabel: "node-feature dimension d",
                  network: Learner(experiment: "scale-ggnn-net", label: "gaussian-gnn network by Adam"),
                  control: Learner(experiment: "scale-ggnn-control", label: "the same network on gaussian-gnn with k = 2"),
                  query: nil, parity: false),
        HardClass(className: "group-averaged-cnn", label: "C_n-averaged Gaussian CNN class (group-averaged-cnn)", sizeOption: "n", sizeLabel: "|G| = n (C_n on the rows)",
                  network: Learner(experiment: "scale-gacnn-net", label: "C_n-averaged MLP by Adam"),
                  control: Learner(experiment: "scale-gacnn-control", label: "the same network on group-averaged-cnn with k = 2"),
                  query: nil, parity: false),
        HardClass(className: "invariant-polynomial", label: "invariant-polynomial (Gaussian x, hidden support of 4)", sizeOption: "n", sizeLabel: "dimension n",
                  network: Learner(experiment: "scale-poly-mlp", label: "MLP by Adam"),
                  control: Learner(experiment: "scale-poly-mlp-control", label: "MLP by Adam on a degree-2 hidden support"),
                  query: Learner(experiment: "scale-poly-sq", label: "sq-label-transform"), parity: false),
        HardClass(className: "symmetric-boolean", label: "H_ρ under C_n (symmetric-boolean)", sizeOption: "n", sizeLabel: "length n",
                  network: Learner(experiment: "scale-sym-cnn", label: "CNN by Adam"),
                  control: Learner(experiment: "scale-sym-cnn-control", label: "CNN by Adam on cyclic-autocorrelation"),
                  query: Learner(experiment: "scale-sym-orbit", label: "orbit-lookup"), parity: false),
    ]

    /// Samples-to-learn n*: the smallest N of the grid at which the median over seeds of test MSE /
    /// Var(y) is ≤ this (the level; the control classes learn far below it).
    public static let level = 0.2
    /// A family of at most this many functions is "a handful" (the summary's note where a network fails on one).
    public static let smallFamily = 16

    /// The builder's own computation: the query bounds (`theory bounds`) at every size of a class.
    public struct Studies: Sendable {
        public var bounds: BoundsSettings
        public init(bounds: BoundsSettings) { self.bounds = bounds }
        /// `theory bounds`' defaults (τ = 0.05), so each row is the one `symlab theory bounds --class NAME --sizes s` prints.
        public static let standard = Studies(bounds: BoundsSettings())
    }

    /// The choices the builder makes (the spec files' own are printed from the runs' configurations).
    static func builderChoices(_ s: Studies) -> [String] {
        let F = NumberFormat.self
        return [
            "choice: n* = the smallest N of the spec's geometric grid at which the median over seeds of test MSE / Var(y) is ≤ \(F.shortest(level)) (no interpolation: n* is known to a grid step); a size where no N of the grid gets there is \"not learned ≤ N_max\" (N_max its largest N) and stays in the table; a diverged run counts as not reaching the level",
            "choice: each seed draws its own member of the class (SeededData): the median is over targets and training sets together",
            "choice: growth laws fitted by least squares on ln n* over the sizes where n* exists: polynomial n* = a·size^α and exponential n* = a·e^{β·size}; the better law is the one with the smaller leave-one-out RMS error of ln n* (each size predicted by the law fitted without it); also shown: each law fitted without the largest learnable size, predicting it; fewer than 3 learnable sizes: no comparison",
            "choice: the networks: the GNN of kiani-separation (kiani-fig1's at init_scale 0.1) on H_ER,n; kiani-fig1's cyclic CNN on both C^B_F candidates and on symmetric-boolean (exactly C_n-invariant); for gaussian-gnn the trainable 1ᵀσ(AXW)a of Theorem 4 with width 2k = 8 (the class's own form); for group-averaged-cnn an MLP of 32 averaged over C_n (exactly invariant; the class averages a one-hidden-layer net of each column, the MLP sees all columns at once); for invariant-polynomial an MLP of 128",
            "choice: group-averaged-cnn's group is C_n acting on the n rows, so |G| = n: |G| is swept through n at fixed d = 4 columns (the class has no group order apart from n)",
            "choice: controls: each hard class's network trained the same way on an easy class of the same inputs at the same sizes — er-degree-moment (graphs), cyclic-autocorrelation (sequences), the same Gaussian class at k = 2 (orthogonal only to polynomials of degree < 2, the planar family's easiest member), a degree-2 hidden support (invariant-polynomial); the control's n* at every size says whether a failure can be the class's",
            "choice: family size m, γ and the query bound m(τ² − γ)/2 from `symlab theory bounds` at every size (τ = \(F.shortest(s.bounds.tau)), \(s.bounds.samples) Monte Carlo inputs for the parity bits, \(s.bounds.memberSamples) for member correlations, \(s.bounds.functions) members measured, seed \(s.bounds.seed)); |B| is the number of feature bits the parity family is built on (er-parity: the central degrees the class draws S from; cyclic-pattern-parity: the patterns with free count parities; cyclic-frame-parity: the canonical rotation's positions with |E z_j| < 1/2), and \"near-unbiased\" the feature bits with |E z| < \(F.shortest(s.bounds.threshold)) (er-parity: over all degrees, as `theory er-parity` counts them) — the family's own extras, as `theory bounds` prints them",
        ]
    }
}

/// `kiani-scaling`: samples-to-learn against size for the paper's networks on seven hard classes,
/// beside the family size and query bound, the non-correlational learners and the controls.
func kianiScalingFigure(_ store: ResultsStore) throws -> (Figure, String) {
    try KianiScaling.build(store, studies: .standard)
}

/// One experiment's runs at each size: the test error of every finished seed at each N.
private struct ScalingRuns {
    let learner: KianiScaling.Learner
    /// (size, N, seed, test error); a diverged run's error is +∞ (it did not reach the level).
    let runs: [(size: Int, n: Int, seed: Int, error: Double, config: RunConfig)]
    let results: ExperimentResults

    init(_ store: ResultsStore, _ learner: KianiScaling.Learner, sizeOption: String) throws {
        self.learner = learner
        let results = try ExperimentResults(store: store, experiment: learner.experiment)
        self.results = results
        runs = try results.runs.filter { $0.status == .done || $0.status == .diverged }.compactMap { run in
            let config = try RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "db")
            guard let size = Int(config.dataOptions[sizeOption] ?? "") else { return nil }
            let m = results.metrics[run.id] ?? [:]
            let scheme = m[SchemeMetric.testLossNormalized] ?? .nan
            let error = run.status == .diverged ? Double.infinity : (scheme.isFinite ? scheme : m["test_mse_normalized"] ?? .nan)
            return (size, config.nTrain, run.seed, error, config)
        }
    }

    var sizes: [Int] { Array(Set(runs.map(\.size))).sorted() }
    func grid(at size: Int) -> [Int] { Array(Set(runs.filter { $0.size == size }.map(\.n))).sorted() }
    var seeds: Int { Set(runs.map(\.seed)).count }
    func median(_ size: Int, _ n: Int) -> Double {
        SampleComplexity.median(runs.filter { $0.size == size && $0.n == n }.map(\.error))
    }

    /// n* at `size`: the smallest N whose median is ≤ the level; nil = not learned ≤ N_max.
    func nStar(_ size: Int) -> Int? { grid(at: size).first { median(size, $0) <= KianiScaling.level } }

    /// "n = 8: 1.01 | 0.2 | 0.01 at N = 64 | 512 | 4096 → n* = 512".
    func line(_ size: Int, sizeOption: String) -> String {
        let g = grid(at: size)
        let medians = g.map { NumberFormat.significant(median(size, $0)) }.joined(separator: " | ")
        return "\(sizeOption) = \(size): median \(medians) at N = \(g.map(String.init).joined(separator: " | ")) → " + nStarText(size)
    }

    func nStarText(_ size: Int) -> String {
        if let s = nStar(size) { return "n* = \(s)" + (s == grid(at: size).first ? " (the grid's smallest N)" : "") }
        return "not learned ≤ \(grid(at: size).last.map(String.init) ?? "–")"
    }

    /// What its specs chose, from the runs' configurations.
    var choice: String? {
        guard let c = runs.first?.config else { return nil }
        func options(_ o: [String: String]) -> String { "{" + o.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}" }
        let grid = "sizes " + sizes.map(String.init).joined(separator: ", ") + "; N ∈ {" + Array(Set(runs.map(\.n))).sorted().map(String.init).joined(separator: ", ")
            + "}; \(seeds) seed(s); n_test \(c.nTest)"
        var data = c.dataOptions
        data = data.filter { key, _ in Set(runs.map { $0.config.dataOptions[key] }).count == 1 }
        switch c.kind {
        case .training(let t):
            let batch = t.training.batchSize.map { "minibatches of \($0)" } ?? "full batch"
            return "choice: \(learner.experiment): \(t.modelName) " + options(t.modelOptions)
                + ", \(t.optimizer.name.rawValue) lr \(NumberFormat.shortest(t.optimizer.learningRate)), \(t.training.steps) steps of \(batch), \(t.training.loss.rawValue) loss; \(c.dataClass) \(options(data)); \(grid)"
        case .scheme(let s):
            return "choice: \(learner.experiment): \(s.name) " + options(s.options) + "; \(c.dataClass) \(options(data)); \(grid)"
        }
    }
}

extension KianiScaling {
    /// The builder with the bounds' settings given (the tests make them cheap).
    public static func build(_ store: ResultsStore, studies: Studies) throws -> (Figure, String) {
        typealias F = NumberFormat
        var s = ["Samples-to-learn n* (smallest N of the grid with median test MSE / Var(y) ≤ \(F.shortest(level))) against size, for the paper's network on each hard class, the same network on an easy control class, and the class's learner that is not correlational; beside the class's family size m and query bound (`theory bounds`, τ = \(F.shortest(studies.bounds.tau))).", ""]
        var panels: [Panel] = [], choices: [String] = [], problems: [String] = [], missing: [String] = []
        for c in classes {
            let network = try ScalingRuns(store, c.network, sizeOption: c.sizeOption)
            let control = try ScalingRuns(store, c.control, sizeOption: c.sizeOption)
            let query = try c.query.map { try ScalingRuns(store, $0, sizeOption: c.sizeOption) }
            let experiments = [network, control] + (query.map { [$0] } ?? [])
            problems += experiments.flatMap(\.results.problemLines)
            let sizes = network.sizes
            guard !sizes.isEmpty else { missing.append(c.className); continue }
            let key = c.sizeOption
            var fixed = network.runs[0].config.dataOptions
            fixed[key] = nil
            s.append("\(c.label), " + (fixed.isEmpty ? "" : fixed.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", ") + ", ") + "over \(c.sizeLabel):")

            // The family and its bound at every size.
            var rows: [Int: BoundsRow] = [:]
            do {
                for r in try BoundsStudy(className: c.className, sizes: sizes, sizeOption: key, options: fixed, settings: studies.bounds).rows { rows[r.size] = r }
            } catch {
                s.append("  family size and query bound: not computed (\(error))")
            }
            if !rows.isEmpty {
                s.append("  family (theory bounds): " + sizes.compactMap { size in
                    rows[size].map { r in
                        var cell = "\(key) = \(size): m = \(r.bound.size)"
                        if c.parity, let bits = r.bound.usableBits { cell += ", |B| = \(bits.count) bits" }
                        if let near = r.bound.extras.first(where: { $0.key == "near_unbiased_bits" }) { cell += ", \(Int(near.value)) near-unbiased" }
                        return cell + ", bound \(r.queriesText)" + (r.log10Queries.map { " (log10 \(F.fixed($0, 2)))" } ?? "")
                    }
                }.joined(separator: "; "))
            }

            // n* per size for each learner.
            s.append("  \(c.network.label) (\(c.network.experiment), \(network.seeds) seeds):")
            s += sizes.map { "    " + network.line($0, sizeOption: key) }
            if let query, let q = c.query {
                s.append("  \(q.label) (\(q.experiment), \(query.seeds) seeds): " + (query.sizes.isEmpty ? "no finished runs" : query.sizes.map { "\(key) = \($0): \(query.nStarText($0))" }.joined(separator: "; ")))
            }
            s.append("  control: \(c.control.label) (\(c.control.experiment), \(control.seeds) seeds): "
                     + (control.sizes.isEmpty ? "no finished runs" : control.sizes.map { "\(key) = \($0): \(control.nStarText($0))" }.joined(separator: "; ")))
            let controlUnlearned = sizes.filter { control.grid(at: $0).isEmpty || control.nStar($0) == nil }

            // Which sizes the network learned, and the growth laws on them.
            let learned = sizes.filter { network.nStar($0) != nil }, unlearned = sizes.filter { network.nStar($0) == nil }
            func list(_ v: [Int]) -> String { v.map(String.init).joined(separator: ", ") }
            let outcome: String
            if unlearned.isEmpty { outcome = "learned at every size (\(key) = \(list(learned)))" }
            else if learned.isEmpty { outcome = "not learned at any size ≤ N_max (\(key) = \(list(unlearned)))" }
            else if learned.max()! < unlearned.min()! { outcome = "learned at the smaller sizes \(key) = \(list(learned)), not learned ≤ N_max at the larger \(key) = \(list(unlearned))" }
            else { outcome = "learned at \(key) = \(list(learned)), not learned ≤ N_max at \(key) = \(list(unlearned)) (not monotone in size)" }
            s.append("  outcome: the \(c.network.label) is \(outcome); "
                     + (controlUnlearned.isEmpty ? "the control is learned at every size" : "the control is NOT learned ≤ N_max at \(key) = \(list(controlUnlearned)), so the network's failure there is not shown to be the class's"))
            // A parity class's family is the class itself (every member up to its sign bit): a network
            // that fails where it holds a handful of functions fails on a class an SQ learner tells
            // apart with a handful of queries — that failure is the training's (budget, optimisation),
            // not query hardness. (Elsewhere m is a packing inside a continuous class, and a small m
            // only says the bound is weak at this τ.)
            if c.parity, let smallest = sizes.first, network.nStar(smallest) == nil, let m = rows[smallest]?.bound.size, m.log10 <= log10(Double(smallFamily)) {
                s.append("    note: at \(key) = \(smallest) the class holds m = \(m) function(s) and their negations: an SQ learner identifies it with a handful of queries; the network's failure there measures its training on this target at this budget, not the query hardness the bound is about")
            }
            let comparison = SampleComplexity.compareGrowth(sizes: learned.map(Double.init), nStar: learned.map { Double(network.nStar($0)!) })
            var fitSeries: [Series] = []
            if let g = comparison {
                let winner = g.better.map { "\($0.rawValue) fits better on held-out sizes" } ?? "neither fits better on held-out sizes (equal leave-one-out errors)"
                s.append("  growth of n* over \(key) = \(list(learned)): polynomial n* = \(F.significant(exp(g.polynomial.logA)))·\(key)^\(F.significant(g.polynomial.alpha)) (leave-one-out RMS of ln n* \(F.significant(g.polynomialLeaveOneOut)); fitted without \(key) = \(learned.last!) it predicts \(F.significant(g.polynomialPredictsLargest)) there, measured \(network.nStar(learned.last!)!)); "
                         + "exponential n* = \(F.significant(exp(g.exponential.logA)))·e^(\(F.significant(g.exponential.beta))·\(key)) (leave-one-out RMS \(F.significant(g.exponentialLeaveOneOut)); predicts \(F.significant(g.exponentialPredictsLargest))) → \(winner)")
                if let beyond = unlearned.first(where: { $0 > learned.last! }) {
                    let cap = network.grid(at: beyond).last ?? 0
                    s.append("    at \(key) = \(beyond), not learned ≤ \(cap): the polynomial law predicts n* = \(F.significant(g.predict(.polynomial, at: Double(beyond)))), the exponential \(F.significant(g.predict(.exponential, at: Double(beyond))))")
                }
                let xs = learned.map(Double.init)
                fitSeries = [
                    Series(title: "polynomial fit, alpha = \(F.significant(g.polynomial.alpha))", x: xs, y: xs.map { g.predict(.polynomial, at: $0) }, dashed: true, colour: 5),
                    Series(title: "exponential fit, beta = \(F.significant(g.exponential.beta))", x: xs, y: xs.map { g.predict(.exponential, at: $0) }, dashed: true, colour: 6),
                ]
            } else {
                s.append("  growth of n*: no comparison (\(learned.count) learnable size(s); at least 3 are needed to judge a law on held-out sizes)")
            }
            s.append("")
            for e in experiments { if let line = e.choice { choices.append(line) } }

            // The panel: n* of each learner against size (log y), the unlearned sizes at N_max, m and the bound where they fit the axis.
            func nStarSeries(_ r: ScalingRuns, _ title: String, colour: Int) -> Series {
                let reached = r.sizes.filter { r.nStar($0) != nil }
                return Series(title: title, x: reached.map(Double.init), y: reached.map { Double(r.nStar($0)!) }, colour: colour, withPoints: true)
            }
            var series = [nStarSeries(network, "\(c.network.label): n*", colour: 0)]
            if !unlearned.isEmpty {
                series.append(Series(title: "\(c.network.label): not learned <= N_max (drawn at N_max)", x: unlearned.map(Double.init),
                                     y: unlearned.map { Double(network.grid(at: $0).last ?? 0) }, dashed: true, colour: 1, withPoints: true))
            }
            series.append(nStarSeries(control, "control: n*", colour: 2))
            if let query, let q = c.query { series.append(nStarSeries(query, "\(q.label): n*", colour: 3)) }
            // Family sizes and bounds beyond 10^15 are in the summary only (they would flatten the axis).
            let shownM = sizes.filter { rows[$0].map { $0.bound.size.log10 <= 15 } ?? false }
            if !shownM.isEmpty {
                series.append(Series(title: "family size m", x: shownM.map(Double.init), y: shownM.map { pow(10, rows[$0]!.bound.size.log10) }, dashed: true, colour: 4, withPoints: true))
            }
            let shownBound = sizes.filter { rows[$0]?.log10Queries.map { $0 <= 15 } ?? false }
            if !shownBound.isEmpty {
                series.append(Series(title: "query bound m(tau^2 - gamma)/2", x: shownBound.map(Double.init), y: shownBound.map { pow(10, rows[$0]!.log10Queries!) }, dashed: true, colour: 7, withPoints: true))
            }
            panels.append(Panel(title: "\(c.className)", xLabel: c.sizeLabel, yLabel: "samples (n*), functions (m), queries", logY: true, series: series + fitSeries))
        }
        if !missing.isEmpty {
            s.append("not run here (no finished runs of their network in this database; the demo scale holds the er-parity specs only): " + missing.joined(separator: ", "))
            s.append("")
        }
        var seen = Set<String>()
        s += builderChoices(studies) + choices.filter { seen.insert($0).inserted }   // the CNN classes share one control
        if !problems.isEmpty { s.append("runs that did not finish:"); s += problems }
        return (Figure(name: "kiani-scaling", title: "Samples-to-learn n* against size (hard classes)", panels: panels),
                s.joined(separator: "\n"))
    }
}
