import Foundation
import SymLabExperiments
import SymLabReport
import Testing

/// `symlab figure brutzkus-patches`: its specs hold the sizes the summary states, and a tiny sweep
/// of both learners builds a summary whose crossings and verdicts follow the measured accuracies.
@Suite struct BrutzkusFigureTests {
    static let figure = PaperFigure.named("brutzkus-patches")!

    @Test func specsHoldTheStatedSizesAndPairTheLearners() throws {
        let specs = try Self.figure.specs().map { try ExperimentSpec.parse(yaml: $0.yaml, file: $0.path) }
        #expect(Set(specs.map(\.name)) == ["brutzkus-patch", "brutzkus-cnn"])
        let points = specs.map { Set($0.points.map { "\($0.nTrain) \($0.dataOptions.sorted { $0.key < $1.key })" }) }
        #expect(points[0] == points[1])   // the same data points: paired comparisons
        for s in specs {
            #expect(Set(s.points.map(\.nTrain)) == Set(PaperFigure.brutzkusNs) && s.seeds.count == PaperFigure.brutzkusSeeds)
            #expect(Set(s.points.compactMap { $0.dataOptions["width"] }) == ["\(PaperFigure.brutzkusWidth)"])
            #expect(Set(s.points.compactMap { $0.dataOptions["length"] }) == ["\(PaperFigure.brutzkusLength)"])
            #expect(Set(s.points.compactMap { $0.dataOptions["dictionary"] }) == ["\(PaperFigure.brutzkusDictionary)"])
            #expect(Set(s.points.filter { $0.dataOptions["patches"] == "dictionary" }.compactMap { Double($0.dataOptions["flip"] ?? "") }) == Set(PaperFigure.brutzkusFlips))
        }
        let patch = try #require(specs.first { $0.name == "brutzkus-patch" })
        #expect(patch.points.allSatisfy { $0.kind.scheme?.options["clusters"] == "\(PaperFigure.brutzkusClusters)" })
    }

    @Test func summaryOfATinySweepReportsWhatWasMeasured() throws {
        let data = "data: {class: patch-dictionary-cnn, options: {length: 32, width: 8, dictionary: 4, flip: 0, patches: dictionary}, n_train: 40, n_val: 20, n_test: 300}"
        let sweep = """
            sweep:
              - product: {data.options.flip: [0, 0.1], data.n_train: [30, 200]}
              - product: {data.options.patches: [uniform], data.n_train: [30, 200]}
            """
        let specs = [
            "name: brutzkus-patch\n\(data)\nscheme: {name: patch-kmeans, options: {clusters: 4, unlabelled: 100}}\nprecision: f64\nthreads: 1\nseeds: [0]\n\(sweep)",
            "name: brutzkus-cnn\n\(data)\nmodel: {name: cnn-minimal, options: {layout: channels-last, kernel: 1, channels: 8, hidden: 8}}\noptimizer: {name: adam, lr: 0.01}\ntraining: {steps: 100, eval_every: 50, loss: logistic, zero_one_error: true}\nprecision: f64\nthreads: 1\nseeds: [0]\n\(sweep)",
        ]
        let (figure, lines) = try Self.figure.buildFromTinySpecs(specs)
        #expect(figure.panels.count == 3 && figure.panels.allSatisfy { $0.series.count == 2 })
        #expect(lines[0].hasPrefix("Default sizes:"))
        #expect(lines.contains { $0.hasPrefix("From the paper:") } && lines.filter { $0.hasPrefix("choice:") }.count == 2)
        for variant in ["dictionary patches, p = 0", "dictionary patches, p = 0.1", "uniform patches"] {
            #expect(lines.contains { $0.hasPrefix("\(variant), patch learner (k-means + logistic): median test accuracy n = 30: ") })
            #expect(lines.contains { $0.hasPrefix("\(variant), CNN, Adam: median test accuracy n = 30: ") })
            #expect(lines.contains { $0.hasPrefix("\(variant): n at 90 % median test accuracy") })
            #expect(lines.contains { $0.hasPrefix("patch learner − CNN accuracy, \(variant): n = 30: ") })
        }
        // The uniform verdict follows the printed gaps.
        let gaps = try #require(lines.first { $0.hasPrefix("patch learner − CNN accuracy, uniform patches: ") })
        let values = gaps.components(separatedBy: ": ").dropFirst(2).compactMap { Double($0.components(separatedBy: ",")[0].replacingOccurrences(of: "+", with: "")) }
        #expect(values.count == 2, "\(gaps)")
        let verdict = try #require(lines.first { $0.hasPrefix("verdict: on exact dictionary patches") })
        #expect(verdict.hasSuffix("the advantage disappears") == (values.max()! <= 0), "\(verdict)")
    }
}
