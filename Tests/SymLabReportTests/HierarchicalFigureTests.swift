import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabReport
import Testing

/// The hierarchical-k2 figure: its specs hold the default sizes its summary states, and its
/// summary, built from a tiny real sweep, prints what the runs measured (not fixed verdicts).
@Suite struct HierarchicalFigureTests {
    static let figure = PaperFigure.named("hierarchical-k2")!

    @Test func specsHoldTheDefaultSizesTheSummaryStates() throws {
        let specs = try Self.figure.specs().enumerated().map { try ExperimentSpec.parse(yaml: $1.yaml, file: "spec \($0)") }
        let net = try #require(specs.first { $0.name == "hier-layerwise" }), krr = try #require(specs.first { $0.name == "hier-krr" })
        var grid: [Int: [Int]] = [:]
        let large = try #require(specs.first { $0.name == "hier-layerwise-large" })
        for p in net.points + large.points { grid[Int(p.dataOptions["d"]!)!, default: []].append(p.nTrain) }
        #expect(grid.keys.sorted() == HierarchicalK2.ds)
        for g in HierarchicalK2.grid { #expect(grid[g.d]!.sorted() == g.ns, "d = \(g.d)") }
        #expect(net.seeds == HierarchicalK2.seeds && net.seeds.count >= 3)
        #expect(large.seeds == HierarchicalK2.largeSeeds && Set(large.points.map { Int($0.dataOptions["d"]!)! }) == Set(HierarchicalK2.largeDs))
        #expect(Set(large.points.map(\.nValidation)) == [HierarchicalK2.nVal] && Set(large.points.map(\.nTest)) == [HierarchicalK2.nTest])
        #expect(large.points.allSatisfy { $0.kind.scheme?.options == net.points[0].kind.scheme?.options })
        #expect(Set(net.points.map(\.nValidation)) == [HierarchicalK2.nVal] && Set(net.points.map(\.nTest)) == [HierarchicalK2.nTest])
        #expect(Set(krr.points.map { Int($0.dataOptions["d"]!)! }) == Set(HierarchicalK2.krrDs))
        #expect(Set(krr.points.map(\.nTrain)) == Set(HierarchicalK2.krrNs) && krr.seeds == HierarchicalK2.krrSeeds)
        // A geometric grid with ratio √2 from n/d² = 2√2; stage 1 fits clipped labels.
        #expect(net.points.allSatisfy { $0.kind.scheme?.options["clip"] == "3" })
        for g in HierarchicalK2.grid {
            #expect(g.ns.first == Int((8.0.squareRoot() * Double(g.d * g.d)).rounded()))
            for (a, b) in zip(g.ns, g.ns.dropFirst()) { #expect(abs(Double(b) / Double(a) - 2.0.squareRoot()) < 1e-3) }
        }
        let lines = HierarchicalK2.defaultSizes
        #expect(lines[0].hasPrefix("Default sizes:") && lines[0].contains("seeds 0–\(HierarchicalK2.seeds.last!)"))
        for g in HierarchicalK2.grid { #expect(lines[0].contains("\(g.ns.first!)…\(g.ns.last!) at d = \(g.d)")) }
        #expect(lines[2].contains("n ∈ {1024, 2048}") && lines[2].contains("τ = \(HierarchicalK2.tau)"))
    }

    @Test func summaryOfATinySweepReportsWhatWasMeasured() throws {
        let specs = [
            """
            name: hier-layerwise
            data: {class: hierarchical, options: {d: 6, feature: quadratic, q: 3}, n_train: 144, n_val: 512, n_test: 1024}
            scheme: {name: layerwise, options: {power: 2, width: 100}}
            precision: f64
            threads: 1
            seeds: [0, 1, 2]
            sweep:
              - product: {data.options.d: [6], data.n_train: [144, 288, 576, 1152, 2304]}
              - product: {data.options.d: [8], data.n_train: [256, 512, 1024, 2048, 4096]}
            """,
            """
            name: hier-krr
            data: {class: hierarchical, options: {d: 6, feature: quadratic, q: 3}, n_train: 200, n_val: 200, n_test: 400}
            scheme: {name: kernel, options: {kernel: rbf}}
            precision: f64
            threads: 1
            seeds: [0]
            """,
        ]
        let (figure, lines) = try Self.figure.buildFromTinySpecs(specs)
        #expect(lines[0].hasPrefix("Default sizes:"))
        #expect(lines.contains { $0.hasPrefix("network d = 6 (3 seeds): n/d² = 4: corr ") })
        #expect(lines.contains { $0.hasPrefix("network d = 8 (3 seeds): n/d² = 4: corr ") })
        #expect(lines.contains { $0.hasPrefix("RBF KRR d = 6: n = 200: loss ") })
        let plateau = try #require(lines.first { $0.hasPrefix("exact loss of the best degree-≤2 predictor") })
        #expect(plateau.contains("d = 6: 0.") && plateau.contains("d = 8: 0."))
        // The verdict follows the printed exponent.
        if let verdict = lines.first(where: { $0.hasPrefix("fitted exponent of n* ∝ d^α on every d") }) {
            let value = try #require(verdict.range(of: ": α = "))
            let alpha = try #require(Double(verdict[value.upperBound...].prefix { $0 != "," }))
            #expect(verdict.hasSuffix("NOT within 2 ± 0.3") == (abs(alpha - 2) > 0.3), "\(verdict)")
            #expect(figure.panels.count == 3)
        } else {
            #expect(lines.contains { $0.hasSuffix("not reached at two or more dimensions; no exponent") })
            #expect(figure.panels.count == 2)
        }
        #expect(lines.contains { $0.hasPrefix("the same fit at other thresholds (every d (fewer than two d ≥ 32 ran)): τ = 0.15") })
    }
}
