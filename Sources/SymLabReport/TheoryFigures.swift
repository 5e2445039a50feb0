import SymLabNumerics
import SymLabTheory

/// The plots of `symlab theory`: what the hardness theorems are stated in, drawn from the
/// studies of SymLabTheory.
public enum TheoryFigures {
    /// log2(1/‖p_O‖²) vs n: the "effective number of orbits" in bits (research note §2, Theorem 2).
    public static func orbits(_ study: OrbitStudy) -> Figure {
        var onCoordinates: [Series] = [], onGraphs: [Series] = []
        let names: [GroupAction.Family: String] = [.cyclic: "C_n", .dihedral: "D_n", .symmetric: "S_n", .graphs: "graphs", .custom: "custom"]
        for (k, (group, rows)) in study.tables.enumerated() {
            let known = rows.filter { $0.log2InverseOrbitNormSquared != nil }
            let exact = Series(title: "\(names[group]!) (exact)", x: known.map { Double($0.n) }, y: known.map { $0.log2InverseOrbitNormSquared! },
                               colour: k, withPoints: true)
            if group == .graphs {
                onGraphs.append(exact)
                onGraphs.append(Series(title: "graphs: lower bound d − log2 n!", x: rows.map { Double($0.n) },
                                       y: rows.map { $0.log2InverseOrbitNormSquaredBounds.lower }, dashed: true, colour: k + 1))
                onGraphs.append(Series(title: "graphs: upper bound log2(#orbits)", x: rows.map { Double($0.n) },
                                       y: rows.map { $0.log2InverseOrbitNormSquaredBounds.upper }, dashed: true, colour: k + 2))
            } else {
                onCoordinates.append(exact)
            }
        }
        var panels: [Panel] = []
        if !onCoordinates.isEmpty {
            panels.append(Panel(title: "C_n, D_n, S_n permuting n ±1 coordinates", xLabel: "n", yLabel: "log2(1/||p_O||^2)", series: onCoordinates))
        }
        if !onGraphs.isEmpty {
            panels.append(Panel(title: "S_n on the n(n-1)/2 edge bits (graphs)", xLabel: "n (vertices)", yLabel: "log2(1/||p_O||^2)", series: onGraphs))
        }
        return Figure(name: "orbits", title: "Effective number of orbits: log2(1/||p_O||^2) vs n", panels: panels)
    }

    /// Bias vs degree offset for each n, the near-unbiased count vs n, and the largest pair moment.
    public static func erParity(_ study: ERParityStudy) -> Figure {
        let (threshold, z, p, level) = (study.settings.threshold, study.z, study.settings.p, study.level)
        let biasSeries = study.stats.enumerated().map { k, s -> Series in
            let x = (0..<s.nodes).map { Double($0) - s.meanDegree }
            let hw = s.bias.map { s.halfWidth($0, z: z) }
            return Series(title: "n = \(s.nodes)" + (s.method == .exact ? " (exact)" : ""), x: x, y: s.bias,
                          lower: s.method == .exact ? nil : zip(s.bias, hw).map { $0 - $1 },
                          upper: s.method == .exact ? nil : zip(s.bias, hw).map { $0 + $1 }, colour: k, withPoints: true)
        }
        let biasPanel = Panel(title: "bias of b_d = (-1)^c_A[d] (\(level) bands)", xLabel: "degree d - (n-1)p", yLabel: "E b_d",
                              series: biasSeries, references: [ReferenceLine(title: "+/- \(threshold)", y: threshold), ReferenceLine(title: "", y: -threshold)])
        let summaries = study.summaries
        let ns = summaries.map { Double($0.n) }
        let countPanel = Panel(title: "near-unbiased bits (|bias| < \(threshold))", xLabel: "n", yLabel: "number of bits", series: [
            Series(title: "point estimate", x: ns, y: summaries.map { Double($0.near) }, colour: 0, withPoints: true),
            Series(title: "whole interval inside", x: ns, y: summaries.map { Double($0.nearCI) }, dashed: true, colour: 1, withPoints: true),
        ])
        let withPairs = summaries.filter { $0.pair != nil }
        let pairPanel = Panel(title: "largest |E b_d b_e| among near-unbiased bits", xLabel: "n", yLabel: "max |E b_d b_e|", series: [
            Series(title: "estimate (band: 0 to simultaneous \(level) upper bound)", x: withPairs.map { Double($0.n) }, y: withPairs.map { $0.pair! },
                   lower: withPairs.map { _ in 0 }, upper: withPairs.map { $0.pairUpper! }, colour: 2, withPoints: true),
        ])
        return Figure(name: "er-parity", title: "Degree-count parity bits of G(n, \(p)) (Kiani et al., Theorem 3)", panels: [biasPanel, countPanel, pairPanel])
    }

    /// log10 of the query bound m(τ² − γ)/2 and of the family size m against size (`theory bounds`),
    /// and γ against τ², which says where the bound turns vacuous.
    public static func bounds(_ study: BoundsStudy) -> Figure {
        let key = study.sizeOption, rows = study.rows
        let nonVacuous = rows.filter { $0.log10Queries != nil }
        let tau = NumberFormat.shortest(study.settings.tau)
        let queries = Panel(title: "\(study.className): query lower bound at tau = \(tau)", xLabel: key, yLabel: "log10", series: [
            Series(title: "log10 queries m(tau^2 - gamma)/2", x: nonVacuous.map { Double($0.size) }, y: nonVacuous.map { $0.log10Queries! },
                   colour: 0, withPoints: true),
            Series(title: "log10 m (family size)", x: rows.map { Double($0.size) }, y: rows.map { $0.bound.size.log10 },
                   dashed: true, colour: 1, withPoints: true),
        ])
        let positive = rows.filter { $0.bound.gamma.value > 0 }
        guard !positive.isEmpty else {
            return Figure(name: "bounds", title: "(C)SQ query lower bounds of \(study.className) against \(key)", panels: [queries])
        }
        let gamma = Panel(title: "gamma (largest pairwise |correlation|) against tau^2", xLabel: key, yLabel: "gamma", logY: true,
                          series: [
                              Series(title: "gamma used by the bound", x: positive.map { Double($0.size) }, y: positive.map { $0.bound.gamma.value },
                                     colour: 2, withPoints: true),
                          ], references: [ReferenceLine(title: "tau^2", y: study.settings.tau * study.settings.tau)])
        return Figure(name: "bounds", title: "(C)SQ query lower bounds of \(study.className) against \(key)", panels: [queries, gamma])
    }
}
