import Foundation
import SymLabExperiments
import SymLabNumerics

/// Final normalised train/test MSE vs n for the GNN and the CNN (on both C^B_F candidates), with the
/// hard class's family size at every n.
/// Where learning stops as n grows, at a fixed sample budget.
func nSweep(_ store: ResultsStore) throws -> (Figure, String) {
    var panels: [Panel] = []
    var summary = ["Where learning stops as n grows (500 training samples, final MSE / test label variance, mean ± std over seeds)", ""]
    summary.append(cnnHardClassChoice)
    summary.append("family (at each n): the functions the class draws its target from, its near-unbiased parity bits and its query family and bound, as `symlab theory bounds --class NAME --sizes n` prints them (τ = 0.05)")
    summary.append("")
    for (exp, label, xLabel) in [("nsweep-gnn", "GNN on H_ER,n", "nodes per graph n"), ("nsweep-cnn", "CNN on C^B_F (b) pattern (cyclic-pattern-parity)", "input length n"),
                                 ("nsweep-cnn-frame", "CNN on C^B_F (a) frame (cyclic-frame-parity)", "input length n")] {
        let r = try ExperimentResults(store: store, experiment: exp)
        let points = Array(Set(r.runs.map(\.pointIndex))).sorted()
        var xs: [Double] = [], train: [(Double, Double)] = [], test: [(Double, Double)] = []
        summary.append("\(label):")
        var lastLearnable: Int? = nil, firstHard: Int? = nil
        for p in points {
            guard let run = r.runs.first(where: { $0.pointIndex == p }),
                  let config = try? RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "db"),
                  let n = Double(config.dataOptions["n"] ?? "") else { continue }
            let v = r.final("label_variance", points: [p]).mean
            let tr = r.final("train_mse", points: [p]), te = r.final("test_mse_normalized", points: [p])
            xs.append(n); train.append((tr.mean / v, tr.std / v)); test.append((te.mean, te.std))
            summary.append("  n = \(Int(n)): train MSE/Var \(NumberFormat.significant(tr.mean / v)) ± \(NumberFormat.significant(tr.std / v)), test MSE/Var \(NumberFormat.significant(te.mean)) ± \(NumberFormat.significant(te.std)) (\(te.count) seeds)")
            summary.append("    family: " + HardClassFamily(className: config.dataClass, options: config.dataOptions).short)
            if te.mean < 0.5 { lastLearnable = Int(n) } else if firstHard == nil { firstHard = Int(n) }
        }
        summary.append("  → learnable (test MSE/Var < 0.5) up to n = \(lastLearnable.map(String.init) ?? "none of the sizes tried"); "
                       + "first size past it: n = \(firstHard.map(String.init) ?? "none")")
        summary += r.problemLines
        summary.append("")
        panels.append(Panel(title: label, xLabel: xLabel, yLabel: "final MSE / Var(y)", series: [
            Series(title: "train", x: xs, y: train.map(\.0), lower: train.map { $0.0 - $0.1 }, upper: train.map { $0.0 + $0.1 }, dashed: true, colour: 0, withPoints: true),
            Series(title: "test", x: xs, y: test.map(\.0), lower: test.map { $0.0 - $0.1 }, upper: test.map { $0.0 + $0.1 }, colour: 1, withPoints: true),
        ], references: [ReferenceLine(title: "predicting the mean", y: 1)]))
    }
    return (Figure(name: "kiani-n-sweep", title: "Final MSE vs n at a fixed sample budget", panels: panels), summary.joined(separator: "\n"))
}
