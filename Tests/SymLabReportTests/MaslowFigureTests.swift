import Foundation
import SymLabExperiments
import SymLabReport
import Testing

/// `symlab figure maslow-forgetting`: its spec holds the sizes the summary states, and a tiny sweep
/// builds a summary with every overlap's forgetting, the peak and a verdict that follows the numbers.
@Suite struct MaslowFigureTests {
    static let figure = PaperFigure.named("maslow-forgetting")!

    @Test func theSpecHoldsTheStatedSizes() throws {
        let specs = try Self.figure.specs().map { try ExperimentSpec.parse(yaml: $0.yaml, file: $0.path) }
        #expect(specs.map(\.name) == ["maslow-continual"])
        let spec = try #require(specs.first)
        #expect(spec.seeds.count == PaperFigure.maslowSeeds && spec.points.count == PaperFigure.maslowOverlaps.count)
        #expect(Set(spec.points.compactMap { Double($0.dataOptions["overlap"] ?? "") }) == Set(PaperFigure.maslowOverlaps))
        #expect(Set(spec.points.compactMap { $0.dataOptions["d"] }) == ["\(PaperFigure.maslowDimension)"])
        #expect(Set(spec.points.compactMap { Double($0.kind.scheme?.options["t_switch"] ?? "") }) == [PaperFigure.maslowSwitch])
        #expect(Set(spec.points.compactMap { Double($0.kind.scheme?.options["t_end"] ?? "") }) == [PaperFigure.maslowEnd])
    }

    @Test func summaryOfATinySweepReportsEveryOverlapAndAVerdictThatFollowsTheNumbers() throws {
        let spec = """
            name: maslow-continual
            data: {class: teacher-pair, options: {d: 60, overlap: 0}, n_train: 1, n_val: 0, n_test: 1}
            scheme: {name: continual-teacher-student, options: {lr: 1, init_std: 0.01, t_switch: 4, t_end: 8}}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep:
              product: {data.options.overlap: [0, 0.5, 1]}
            """
        let (figure, lines) = try Self.figure.buildFromTinySpecs([spec])
        #expect(figure.panels.count == 3 && figure.panels[0].series.count == 2)
        // ε₁(t), ε₂(t) at γ = 0, the peak and γ = 1 (two when the peak is an extreme), simulation and ODE each.
        let peak = try #require(lines.first { $0.hasPrefix("peak: simulation at γ = ") })
        let shown = ["γ = 0 ", "γ = 1 "].contains { peak.hasPrefix("peak: simulation at \($0)") } ? 2 : 3
        #expect(figure.panels[1].series.count == 2 * shown && figure.panels[2].series.count == 2 * shown, "\(peak)")
        #expect(lines[0].hasPrefix("Default sizes:") && lines.contains { $0.hasPrefix("From the paper:") })
        #expect(lines.filter { $0.hasPrefix("choice:") }.count == 2)
        for g in ["0", "0.5", "1"] { #expect(lines.contains { $0.hasPrefix("γ = \(g): F sim = ") }) }
        let all = try #require(lines.first { $0.hasPrefix("all F (simulation, seed means, γ = 0, 0.5, 1): ") })
        let f = all.components(separatedBy: ": ")[1].components(separatedBy: ", ").compactMap(Double.init)
        #expect(f.count == 3, "\(all)")
        #expect(lines.contains { $0.hasPrefix("all F (ODE, seed means): ") })
        let verdict = try #require(lines.first { $0.hasPrefix("must-show: peak F ≥ 1.5 × F at both extremes") })
        let holds = f[1] >= 1.5 * f[0] && f[1] >= 1.5 * f[2]
        #expect(verdict.hasSuffix(holds ? "→ holds" : "→ missed"), "\(verdict) from \(f)")
    }
}
