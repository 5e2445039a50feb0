import Foundation
import SymLabExperiments
import SymLabReport
import Testing

/// `symlab figure modality-competition`: its spec holds the sizes the summary states, and a tiny
/// sweep of the three trainings builds a summary whose must-show verdict follows the measured
/// alignments.
@Suite struct ModalityFigureTests {
    static let figure = PaperFigure.named("modality-competition")!

    @Test func specHoldsTheStatedSizes() throws {
        let specs = try Self.figure.specs().map { try ExperimentSpec.parse(yaml: $0.yaml, file: $0.path) }
        #expect(specs.map(\.name) == ["modality-late-fusion"])
        let spec = specs[0]
        #expect(spec.seeds.count == PaperFigure.modalitySeeds)
        #expect(Set(spec.points.compactMap { $0.kind.scheme?.options["modalities"] }) == ["both", "a", "b"])
        for p in spec.points {
            #expect(p.dataOptions["d"] == "\(PaperFigure.modalityDimension)" && p.nTrain == PaperFigure.modalityTrain)
            #expect(Double(p.dataOptions["s_a"] ?? "") == PaperFigure.modalityStrengths.a && Double(p.dataOptions["s_b"] ?? "") == PaperFigure.modalityStrengths.b)
            #expect(p.kind.scheme?.options["width"] == "\(PaperFigure.modalityWidth)" && p.kind.scheme?.options["steps"] == "\(PaperFigure.modalitySteps)")
        }
    }

    @Test func summaryOfATinySweepReportsWhatWasMeasured() throws {
        let spec = """
            name: modality-late-fusion
            data: {class: two-modality, options: {d: 120, s_a: 1, s_b: 0.4}, n_train: 300, n_val: 0, n_test: 300}
            scheme: {name: late-fusion, options: {width: 4, lr: 0.1, steps: 300}}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep:
              - product: {scheme.options.modalities: [both, a, b]}
            """
        let (figure, lines) = try Self.figure.buildFromTinySpecs([spec])
        #expect(figure.panels.count == 4)
        #expect(figure.panels[1].series.map(\.title) == ["joint", "uni-modal B"])
        #expect(lines[0].hasPrefix("Default sizes:") && lines.contains { $0.hasPrefix("From the paper") })
        #expect(lines.filter { $0.hasPrefix("choice:") }.count == 5)
        #expect(lines.contains { $0.hasPrefix("initial max alignment of m random neurons with a fixed direction: ≈ √(2 ln(2m)/d) = 0.18") })
        for prefix in ["joint, encoder A:", "joint, encoder B:", "uni-modal A, encoder A:", "uni-modal B, encoder B:", "joint: test error", "uni-modal B: test error"] {
            #expect(lines.contains { $0.hasPrefix(prefix) }, "\(prefix)")
        }
        #expect(!lines.contains { $0.hasPrefix("uni-modal A, encoder B:") })
        // The verdict follows the numbers it prints.
        let must = try #require(lines.first { $0.hasPrefix("must-show:") })
        let numbers = must.components(separatedBy: ": ").compactMap { Double($0.prefix { "0123456789.".contains($0) }) }
        #expect(numbers.count >= 2, "\(must)")
        #expect(must.hasSuffix("holds") == (numbers[0] < 0.3 && numbers[1] >= 0.9), "\(must)")
    }
}
