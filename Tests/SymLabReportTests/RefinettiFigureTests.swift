import Foundation
import SymLabExperiments
import SymLabReport
import Testing

/// `symlab figure refinetti-autoencoder`: its spec holds the sizes the summary states, and a tiny
/// sweep of the five networks builds a summary with every must-show line and a verdict that
/// follows the printed numbers.
@Suite struct RefinettiFigureTests {
    static let figure = PaperFigure.named("refinetti-autoencoder")!

    @Test func specHoldsTheStatedSizes() throws {
        let specs = try Self.figure.specs().map { try ExperimentSpec.parse(yaml: $0.yaml, file: $0.path) }
        #expect(specs.map(\.name) == ["refinetti-ae"])
        let spec = specs[0], points = spec.points
        #expect(spec.seeds.count == PaperFigure.refinettiSeeds && points.count == 6)
        #expect(Set(points.compactMap { $0.dataOptions["d"] }) == ["\(PaperFigure.refinettiD)", "\(PaperFigure.refinettiCheckD)"])
        // The larger D is the untied erf network's ODE check only.
        let check = points.filter { $0.dataOptions["d"] == "\(PaperFigure.refinettiCheckD)" }
        #expect(check.count == 1 && check[0].kind.scheme?.options["activation"] == "erf" && check[0].kind.scheme?.options["tied"] == nil)
        #expect(Set(points.compactMap { $0.dataOptions["thetas"] }) == [PaperFigure.refinettiThetas.map { String(Int($0)) }.joined(separator: ",")])
        let options = points.compactMap { $0.kind.scheme?.options }
        #expect(Set(options.compactMap { $0["k"] }) == ["\(PaperFigure.refinettiK)"] && Set(options.compactMap { Double($0["lr"] ?? "") }) == [PaperFigure.refinettiLearningRate])
        let long = points.filter { $0.kind.scheme?.options["output_bias"] == "true" }
        #expect(long.count == 1 && Double(long[0].kind.scheme?.options["t_max"] ?? "") == PaperFigure.refinettiLongTime)
        #expect(points.filter { $0.kind.scheme?.options["output_bias"] != "true" }.allSatisfy { Double($0.kind.scheme?.options["t_max"] ?? "") == PaperFigure.refinettiShortTime })
        // The biased networks have the fixed test set; the others an exact error.
        #expect(points.filter { $0.kind.scheme?.options["hidden_bias"] == "true" }.allSatisfy { $0.nTest == PaperFigure.refinettiTestPoints })
    }

    @Test func summaryOfATinySweepReportsWhatWasMeasured() throws {
        let spec = """
            name: refinetti-ae
            data: {class: spiked-wishart, options: {d: 40, thetas: "6,2"}, n_train: 1, n_val: 0, n_test: 1}
            scheme: {name: online-autoencoder, options: {k: 2, lr: 0.1, init: 0.1, per_decade: 8, t_max: 20}}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep:
              - product: {scheme.options.activation: [erf, relu]}
              - product: {scheme.options.activation: [erf], scheme.options.tied: [true]}
              - product: {scheme.options.activation: [relu], scheme.options.hidden_bias: [true], data.n_test: [200]}
              - product: {scheme.options.activation: [relu], scheme.options.hidden_bias: [true], scheme.options.output_bias: [true], data.n_test: [200]}
              - product: {scheme.options.activation: [erf], data.options.d: [60]}
            """
        let (figure, lines) = try Self.figure.buildFromTinySpecs([spec])
        #expect(figure.panels.count == 3 && figure.panels[0].series.count == 5 && figure.panels[1].series.count == 6)
        #expect(figure.panels[0].references.count == 3)
        #expect(lines[0].hasPrefix("Default sizes:") && lines.contains { $0.hasPrefix("From the paper") })
        #expect(lines.filter { $0.hasPrefix("choice:") }.count == 4)
        for label in ["untied ReLU + hidden + output bias", "untied ReLU + hidden bias (authors' model)", "untied ReLU, no bias", "tied erf", "untied erf"] {
            #expect(lines.contains { $0.hasPrefix("\(label): test error at t = 20 median ") }, "\(label)")
        }
        let i = try #require(lines.first { $0.hasPrefix("must-show (i), untied ReLU + hidden + output bias: ") })
        #expect(i.hasSuffix("holds)") || i.hasSuffix("missed)"))
        #expect(lines.contains { $0.hasPrefix("must-show (ii), tied erf: final error in every seed ≥ ") })
        // The ODE verdict follows the printed per-seed gaps.
        for prefix in ["ODE check (our ReLU extension), untied ReLU, no bias: ", "must-show (iii), untied erf: ", "must-show (iii), untied erf, D = 60: "] {
            let line = try #require(lines.first { $0.hasPrefix(prefix) })
            let percents = line.components(separatedBy: "per seed ")[1].components(separatedBy: " → ")[0].components(separatedBy: " % ").compactMap { Double($0.components(separatedBy: ", ").last ?? "") }
            #expect(percents.count == 2, "\(line)")
            #expect(line.contains(percents.max()! <= 5 ? "holds (≤ 5 %); over t ∈ [1, 100] only: " : "missed (≤ 5 %); over t ∈ [1, 100] only: "), "\(line)")
        }
        let both = try #require(lines.first { $0.hasPrefix("must-show (iii), untied erf, worst seed: ") })
        #expect(both.contains(" at D = 40, ") && both.contains(" at D = 60 → "), "\(both)")
    }
}
