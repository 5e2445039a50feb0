import Foundation
import SymLabExperiments
import SymLabReport
import Testing

/// `symlab figure saxe-neural-race`: its specs hold the sizes the summary states, and a tiny run
/// of both tasks builds a summary whose verdicts follow the numbers it prints.
@Suite struct SaxeFigureTests {
    static let figure = PaperFigure.named("saxe-neural-race")!

    @Test func specsHoldTheStatedSizes() throws {
        let specs = try Self.figure.specs().map { try ExperimentSpec.parse(yaml: $0.yaml, file: $0.path) }
        #expect(Set(specs.map(\.name)) == ["saxe-race", "saxe-routing"])
        let race = try #require(specs.first { $0.name == "saxe-race" })
        #expect(race.seeds.count == PaperFigure.saxeRaceSeeds)
        #expect(Set(race.points.compactMap { $0.kind.scheme?.options["init"] }) == ["decoupled", "random"])
        for p in race.points {
            let o = try #require(p.kind.scheme?.options)
            #expect(o["items"] == "\(PaperFigure.saxeItems)" && o["contexts"] == "\(PaperFigure.saxeContexts)" && o["epochs"] == "\(PaperFigure.saxeRaceEpochs)")
        }
        let routing = try #require(specs.first { $0.name == "saxe-routing" })
        #expect(routing.seeds.count == PaperFigure.saxeRoutingSeeds)
        #expect(Set(routing.points.compactMap { $0.kind.scheme?.options["init_scale"] }) == ["0.2", "2", "0.08"])
        #expect(routing.points.allSatisfy { $0.kind.scheme?.options["epochs"] == "\(PaperFigure.saxeRoutingEpochs)" && $0.kind.scheme?.options["domains"] == "7" })
    }

    @Test func summaryOfATinyRunReportsWhatWasMeasured() throws {
        let data = "data: {class: power-law-linear, options: {d: 1}, n_train: 1, n_val: 0, n_test: 1}"
        let specs = [
            "name: saxe-race\n\(data)\nscheme: {name: gated-linear, options: {task: race, items: 4, contexts: 2, hidden: 4, lr: 0.01, epochs: 3000}}\nprecision: f64\nthreads: 1\nseeds: [0]\nsweep:\n  zip: {scheme.options.init: [decoupled, random], scheme.options.init_scale: [0.001, 0.01]}",
            "name: saxe-routing\n\(data)\nscheme: {name: gated-linear, options: {task: routing, hidden: 8, epochs: 200}}\nprecision: f64\nthreads: 1\nseeds: [0]\nsweep:\n  zip: {scheme.options.init: [random, random, decoupled], scheme.options.init_scale: [0.2, 2, 0.08], scheme.options.lr: [0.02, 0.005, 0.02]}",
        ]
        let (figure, lines) = try Self.figure.buildFromTinySpecs(specs)
        #expect(figure.panels.count == 4 && figure.panels[0].series.count == 8 && figure.panels[1].series.count == 6 && figure.panels[2].series.count == 8)
        #expect(lines[0].hasPrefix("Default sizes:") && lines.contains { $0.hasPrefix("From the paper:") })
        #expect(lines.filter { $0.hasPrefix("choice:") }.count >= 4)
        // The gap verdict follows the printed worst gap.
        let gapLine = try #require(lines.first { $0.hasPrefix("race, decoupled init: max relative gap") })
        let measured = try #require(Double(gapLine.components(separatedBy: "(measured ").last!.components(separatedBy: " %")[0]))
        #expect(gapLine.contains("within 5 %: holds") == (measured <= 5), "\(gapLine)")
        let order = try #require(lines.first { $0.hasPrefix("race, decoupled init: epochs to 10 % / 50 %") })
        #expect(order.hasSuffix("rise first: holds") == order.contains("in 1 of 1 seeds"))
        #expect(lines.contains { $0.hasPrefix("race, random init (u₀ fitted per mode, not gated): max relative gap") })
        for label in ["decoupled b₀ = 0.08", "orthogonal gain 0.2", "orthogonal gain 2"] {
            #expect(lines.contains { $0.hasPrefix("routing, \(label) (lr ") && $0.contains("1 seeds): held-out accuracy median ") })
        }
        #expect(lines.contains { $0.hasPrefix("routing, decoupled, seed 0: epoch at 50 % of each mode") })
    }
}
