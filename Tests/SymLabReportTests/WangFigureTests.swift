import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabReport
import Testing

/// The wang-k3 figure: its specs hold the default sizes its summary states, and its summary,
/// built from a tiny real sweep, prints what the runs measured (not fixed verdicts).
@Suite struct WangFigureTests {
    static let figure = PaperFigure.named("wang-k3")!

    @Test func specsHoldTheDefaultSizesTheSummaryStates() throws {
        let specs = try Self.figure.specs().enumerated().map { try ExperimentSpec.parse(yaml: $1.yaml, file: "spec \($0)") }
        let net = try #require(specs.first { $0.name == "wang-joint" })
        var grid: [Int: [Int]] = [:]
        for p in net.points {
            let d = Int(p.dataOptions["d"]!)!
            grid[d, default: []].append(p.nTrain)
            // m₁ = d² at every d; the bottleneck network with σ₁ = z³, μP, the stated Adam settings.
            let o = try #require(p.kind.scheme?.options)
            #expect(o["widths"] == "\(WangK3.width1(d: d)),\(WangK3.width2)" && o["model"] == "bottleneck" && o["activation"] == "cube")
            #expect(o["parameterization"] == "mean-field" && o["lr"] == "\(WangK3.lr)" && o["steps"] == "\(d == WangK3.ds[0] ? WangK3.smallestDSteps : WangK3.steps)" && o["batch_size"] == "\(WangK3.batchSize)")
            #expect(p.dataOptions["feature"] == "hermite" && p.dataOptions["k"] == "3" && p.dataOptions["q"] == "3")
            #expect(p.nValidation == WangK3.nVal && p.nTest == WangK3.nTest)
        }
        #expect(grid.keys.sorted() == WangK3.ds)
        for g in WangK3.grid { #expect(grid[g.d]!.sorted() == g.ns, "d = \(g.d)") }
        #expect(net.seeds == WangK3.seeds)
        // k = 2: both schemes on the same data.
        let joint = try #require(specs.first { $0.name == "wang-k2-joint" }), layer = try #require(specs.first { $0.name == "wang-k2-layerwise" })
        for s in [joint, layer] {
            #expect(s.points.map(\.nTrain).sorted() == WangK3.k2Ns && Set(s.points.map { $0.dataOptions["d"]! }) == ["\(WangK3.k2D)"])
            #expect(s.seeds == joint.seeds && s.points.allSatisfy { $0.dataOptions["feature"] == "quadratic" })
        }
        let lines = WangK3.defaultSizes
        #expect(lines[0].hasPrefix("Default sizes:") && lines[0].contains("m₂ = \(WangK3.width2)"))
        for g in WangK3.grid { #expect(lines[0].contains("\(g.ns.first!)…\(g.ns.last!) at d = \(g.d)")) }
        #expect(lines.contains { $0.hasPrefix("choice: eq. (1) reconstructed") })
        // The paper-size variant: d up to 40, m₁ = d², m₂ = 1000.
        let paper = try Self.figure.specs(scale: "paper").map { try ExperimentSpec.parse(yaml: $0.yaml, file: $0.path) }
        let big = try #require(paper.first { $0.name == "wang-joint" })
        #expect(Set(big.points.map { Int($0.dataOptions["d"]!)! }) == [16, 24, 32, 40])
        #expect(big.points.allSatisfy { p in p.kind.scheme?.options["widths"] == "\(Int(p.dataOptions["d"]!)! * Int(p.dataOptions["d"]!)!),1000" })
    }

    @Test func summaryOfATinySweepReportsWhatWasMeasured() throws {
        let specs = [
            """
            name: wang-joint
            data: {class: hierarchical, options: {d: 4, feature: hermite, k: 3, q: 1}, n_train: 64, n_val: 64, n_test: 256}
            scheme: {name: joint-adam, options: {model: bottleneck, widths: "16,16", activation: cube, lr: 0.01, steps: 300, batch_size: 64, eval_every: 300}}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep:
              - product: {data.options.d: [4], data.n_train: [16, 256]}
              - product: {data.options.d: [5], data.n_train: [31, 500]}
            """,
            """
            name: wang-k2-layerwise
            data: {class: hierarchical, options: {d: 6, feature: quadratic, q: 3}, n_train: 144, n_val: 256, n_test: 512}
            scheme: {name: layerwise, options: {power: 2, width: 50}}
            precision: f64
            threads: 1
            seeds: [0]
            """,
        ]
        let (figure, lines) = try Self.figure.buildFromTinySpecs(specs)
        #expect(lines[0].hasPrefix("Default sizes:"))
        #expect(lines.contains { $0.hasPrefix("bottleneck d = 4 (2 seeds): n/d³ = 0.25: |corr(g, p)| ") })
        #expect(lines.contains { $0.hasPrefix("bottleneck d = 5 (2 seeds): n/d³ = 0.248: |corr(g, p)| ") })
        #expect(lines.contains { $0.hasPrefix("k = 2, layer-wise, d = 6: n/d² = 4: |corr| ") })
        #expect(!lines.contains { $0.hasPrefix("k = 2, bottleneck") })   // its spec did not run
        // The verdict follows the printed correlation.
        let verdict = try #require(lines.first { $0.hasPrefix("median |corr(g, p)| at the largest n of the smallest d (d = 4, n = 256") })
        let value = try #require(verdict.range(of: "): "))
        let c = try #require(Double(verdict[value.upperBound...].prefix { $0 != " " }))
        #expect(verdict.hasSuffix("(issue's target met)") == (c >= 0.9), "\(verdict)")
        #expect(lines.contains { $0.hasPrefix("collapse on n/d³: the n/d³ where the median |corr| first reaches 0.5") && $0.contains("d = 4: ") && $0.contains("d = 5: ") })
        #expect(figure.panels.count == 4)
    }
}
