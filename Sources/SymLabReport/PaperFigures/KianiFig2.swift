import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics

// Kiani et al. Figure 2: the zig-zag function h inside the exact GNN construction. Nothing is
// trained, so the figure is computed (``PaperFigure/init(_:computed:)``): h on its domain, and the
// hand-set minimal GNN (``MinimalNetworks/erParity(target:as:)``) on sampled graphs against the
// target it computes.

extension PaperFigure {
    /// H_ER,n at the hardness figures' size (kiani-fig1 and kiani-fig3 train on these graphs).
    static let fig2Options = ["n": "16", "k": "3"]
    static let fig2Seeds: [UInt64] = [0, 1, 2, 3, 4]
    /// Graphs per seed: that seed's test split (what a run of the seed tests on).
    static let fig2Graphs = 200
    /// Points per unit of x on which h is drawn.
    static let fig2Resolution = 20
}

/// Two panels: h(x) = (−1)^x zig-zag on [0, n] with its one-hidden-layer ReLU form; the hand-set
/// GNN's output f(A) and the target g_{S,b}(A) against x = Σ_{δ∈S} c_A[δ] on sampled graphs.
func kianiFig2Figure() throws -> (Figure, String) {
    // The registry's "er-parity" is ERParityClass (a programming invariant, not an input).
    let cls = try FunctionClassRegistry.make("er-parity", options: PaperFigure.fig2Options) as! ERParityClass
    let n = cls.nodes, m = n   // the head's units: x = Σ_{δ∈S} c_A[δ] counts nodes, so 0 ≤ x ≤ n
    // Panel 1: h, and the ReLU network c + Σ_j v_j·relu(x − j) the head computes.
    let zz = ParityZigZag.reluWeights(maxCount: m)
    let grid = (0...(m * PaperFigure.fig2Resolution)).map { Double($0) / Double(PaperFigure.fig2Resolution) }
    let h = grid.map { ParityZigZag.value($0, maxCount: m) }
    let relu = grid.map { x in zz.outputBias + zip(zz.biases, zz.weights).reduce(0.0) { $0 + $1.1 * Swift.max(0, x - $1.0) } }
    let formGap = zip(h, relu).map { Swift.abs($0 - $1) }.max() ?? 0
    let integers = (0...m).map(Double.init)
    let hPanel = Panel(title: "h: the parity zig-zag on [0, \(m)]", xLabel: "x", yLabel: "h(x)", series: [
        Series(title: "h(x) (ParityZigZag)", x: grid, y: h, colour: 0),
        Series(title: "c + Σ_j v_j relu(x − j), \(m) units", x: grid, y: relu, dashed: true, colour: 1),
        Series(title: "(−1)^x at the integers", x: integers, y: integers.map { Int($0) % 2 == 0 ? 1 : -1 }, colour: 2, withPoints: true),
    ])

    // Panel 2: the hand-set GNN on each seed's graphs, by sign bit.
    var points: [Int: [(x: Double, f: Double, g: Double)]] = [0: [], 1: []]
    var worst = 0.0, perSeed: [String] = [], xs: [Int] = []
    for seed in PaperFigure.fig2Seeds {
        let data = SeededData(cls, seed: seed)
        guard let target = data.target as? ERParityTarget else { continue }
        let set: Dataset<Double> = data.sample(.test, count: PaperFigure.fig2Graphs)
        let f = MinimalNetworks.erParity(target: target).predict(set.inputs).scalars
        let g = set.cleanLabels.scalars
        let counts = ErdosRenyi.degreeHistograms(set.inputs.graphs.adjacency).map { c in target.subset.reduce(0) { $0 + c[$1] } }
        let gap = zip(f, g).map { Swift.abs($0 - $1) }.max() ?? 0
        worst = Swift.max(worst, gap)
        xs += counts
        for i in f.indices { points[target.signBit, default: []].append((Double(counts[i]), f[i], g[i])) }
        perSeed.append("seed \(seed): S = {\(target.subset.map(String.init).joined(separator: ", "))}, b = \(target.signBit), max |f − g| = \(NumberFormat.significantAsPrintf(gap, 3))")
    }
    var series: [Series] = []
    for b in [0, 1] {
        let p = (points[b] ?? []).sorted { $0.x < $1.x }
        guard !p.isEmpty else { continue }
        series.append(Series(title: "hand-set GNN f(A), b = \(b)", x: p.map(\.x), y: p.map(\.f), colour: 2 * b, withPoints: true))
        series.append(Series(title: "target g(A), b = \(b)", x: p.map(\.x), y: p.map(\.g), dashed: true, colour: 2 * b + 1))
    }
    let samples = PaperFigure.fig2Seeds.count * PaperFigure.fig2Graphs
    let gnnPanel = Panel(title: "hand-set GNN on \(samples) G(\(n), 1/2) graphs", xLabel: "x = Σ_{δ∈S} c_A[δ]", yLabel: "output", series: series)

    let summary = [
        "The zig-zag h and the hand-set minimal GNN (Kiani et al. Fig. 2)",
        "",
        "h: the piecewise-linear function through (x, (−1)^x) at x = 0…\(m); its ReLU form c + Σ_j v_j·relu(x − j) with \(m) units (c = 1, v_0 = −2, v_j = ±4) differs from it by at most \(NumberFormat.significantAsPrintf(formGap, 3)) on \(grid.count) points of [0, \(m)].",
        "hand-set GNN (MinimalNetworks.erParity): one graph convolution with 3 channels per degree in S (relu(d − δ + 1) − 2·relu(d − δ) + relu(d − δ − 1) = 1{d = δ}), sum pooling, then h; \(3 * cls.subsetSize) + \(m) hidden units in all.",
        "class er-parity at n = \(n), p = \(NumberFormat.shortest(cls.p)), k = |S| = \(cls.subsetSize), S drawn from the central degrees {\(cls.centralDegrees.map(String.init).joined(separator: ", "))}:",
    ] + perSeed.map { "  " + $0 } + [
        "max |output − target| over all \(samples) graphs: \(NumberFormat.significantAsPrintf(worst, 3)) (x observed in \(xs.min() ?? 0)…\(xs.max() ?? 0))",
        worst == 0 ? "→ the hand-set GNN computes g_{S,b} exactly on every sampled graph (Double; every intermediate value is an integer)"
                   : "→ the hand-set GNN does NOT compute the target exactly on these graphs",
        "choice: n = \(n) and k = \(cls.subsetSize) (kiani-fig1/fig3's graphs; the paper's sizes are not known to us); seeds \(PaperFigure.fig2Seeds.map(String.init).joined(separator: ", ")); \(PaperFigure.fig2Graphs) graphs per seed, the seed's test split; h drawn on [0, n] (x counts nodes, so x ≤ n) at \(PaperFigure.fig2Resolution) points per unit.",
        "`symlab model exact er-parity --seed S` measures the same network's train and test MSE on a run's splits.",
    ]
    return (Figure(name: "kiani-fig2", title: "Zig-zag h and the hand-set minimal GNN", panels: [hPanel, gnnPanel]), summary.joined(separator: "\n"))
}
