import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabReport
import Testing

/// The damian-onestep figure: its specs run what the issue asks (r ∈ {1, 2, 4} over three d, the
/// kernel on the same targets, transfer at d ∈ {32, 64, 128} with one n_target), and its summary,
/// built from a tiny real sweep, prints verdicts that follow the printed numbers.
@Suite struct DamianFigureTests {
    static let figure = PaperFigure.named("damian-onestep")!

    func parsed(scale: String? = nil) throws -> [String: ExperimentSpec] {
        let specs = try Self.figure.specs(scale: scale).enumerated().map { try ExperimentSpec.parse(yaml: $1.yaml, file: "spec \($0)") }
        return Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
    }

    @Test(arguments: [nil, "paper"]) func specsSweepRAndDAndPairTheKernelAndTransfer(scale: String?) throws {
        let specs = try parsed(scale: scale)
        let scaling = try #require(specs["damian-scaling"]), kernel = try #require(specs["damian-kernel"])
        let transfer = try #require(specs["damian-transfer"]), resample = try #require(specs["damian-resample"])
        #expect(Set(scaling.points.map { $0.dataOptions["r"]! }) == ["1", "2", "4"])
        for r in ["1", "2", "4"] {
            #expect(Set(scaling.points.filter { $0.dataOptions["r"] == r }.map { $0.dataOptions["d"]! }).count >= 3, "r = \(r)")
        }
        #expect(scaling.seeds.count >= 3)
        // The kernel runs on the r-sweep's targets and data seeds, at n where the network runs.
        func target(_ p: RunConfig) -> [String: String] { p.dataOptions.filter { $0.key != "d" && $0.key != "r" } }
        #expect(Set(kernel.points.map(target)) == Set(scaling.points.map(target)))
        #expect(Set(kernel.seeds).isSubset(of: Set(scaling.seeds)))
        let netCells = Set(scaling.points.map { "\($0.dataOptions["r"]!)/\($0.dataOptions["d"]!)/\($0.nTrain)" })
        for p in kernel.points { #expect(netCells.contains("\(p.dataOptions["r"]!)/\(p.dataOptions["d"]!)/\(p.nTrain)")) }
        #expect(kernel.points.allSatisfy { $0.kind.scheme?.name == "kernel" })
        // Transfer: d ∈ {32, 64, 128}, one transfer_n, source n = d² and 4d² at every d.
        let transferDs = Set(transfer.points.map { Int($0.dataOptions["d"]!)! })
        #expect(transferDs.isSuperset(of: [32, 64, 128]))
        #expect(Set(transfer.points.map { $0.kind.scheme!.options["transfer_n"]! }).count == 1)
        for d in transferDs {
            #expect(transfer.points.filter { $0.dataOptions["d"] == "\(d)" }.map(\.nTrain).sorted() == [d * d, 4 * d * d])
        }
        #expect(resample.points.allSatisfy { $0.kind.scheme?.options["resample_bias"] == "true" })
    }

    /// The option is new; damian-main does not write it, so its run ids are the ones it had
    /// before the option existed (pinned from main at 8115edf).
    @Test func damianMainKeepsItsRunIds() throws {
        let main = try #require(try parsed()["damian-main"])
        #expect(main.points.allSatisfy { $0.kind.scheme?.options["resample_bias"] == nil })
        #expect(main.points.map(ExperimentSpec.pointID).sorted() == ["7ca5a61a97824069", "b04b8df9e845622e"])
    }

    @Test func theorySlopeAndTransferChange() {
        // d²r + dr⁴ at r = 1 is ≈ d² (slope → 2), at r = 4 the d·256 term dominates at small d.
        let two = DamianOnestep.theorySlope(r: 1, p: 4, ds: [16, 32])
        #expect(abs(two - Foundation.log((1024.0 + 32) / (256 + 16)) / Foundation.log(2)) < 1e-12)
        let four = DamianOnestep.theorySlope(r: 4, p: 4, ds: [16, 24, 32])
        #expect(four > 1 && four < 1.5 && four < two)
        #expect(DamianOnestep.transferChange([(64, 0.75), (32, 0.5), (128, 0.625)]) == 0.25)
        #expect(DamianOnestep.transferChange([(32, 0.4)]) == nil)
    }

    @Test func summaryOfATinySweepReportsWhatWasMeasured() throws {
        let target = "{d: 6, r: 1, g: additive, coefficients: '0,0,1,0,1', noise: 0.1}"
        let specs = [
            """
            name: damian-main
            data: {class: single-index, options: {d: 10, exponent: 2, noise: 1}, n_train: 200, n_val: 200, n_test: 400}
            scheme: {name: damian-onestep, options: {width: 40, transfer_n: 50}}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep: {product: {scheme.options.step: [true, false]}}
            """,
            """
            name: damian-resample
            data: {class: single-index, options: {d: 10, exponent: 2, noise: 1}, n_train: 200, n_val: 200, n_test: 400}
            scheme: {name: damian-onestep, options: {width: 40, transfer_n: 50, resample_bias: true}}
            precision: f64
            threads: 1
            seeds: [0, 1]
            """,
            """
            name: damian-scaling
            data: {class: multi-index, options: \(target), n_train: 72, n_val: 300, n_test: 600}
            scheme: {name: damian-onestep, options: {width: 60}}
            precision: f64
            threads: 1
            seeds: [0, 1, 2]
            sweep:
              - product: {data.options.r: [1, 2], data.options.d: [6], data.n_train: [72, 288, 1152]}
              - product: {data.options.r: [1, 2], data.options.d: [8], data.n_train: [128, 512, 2048]}
            """,
            """
            name: damian-kernel
            data: {class: multi-index, options: \(target), n_train: 72, n_val: 300, n_test: 600}
            scheme: {name: kernel, options: {kernel: relu-ntk, bias_variance: 1}}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep: {product: {data.options.r: [1, 2], data.n_train: [72, 288]}}
            """,
            """
            name: damian-transfer
            data: {class: single-index, options: {d: 6, exponent: 2, noise: 1}, n_train: 36, n_val: 200, n_test: 400}
            scheme: {name: damian-onestep, options: {width: 40, transfer_n: 60}}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep:
              - product: {data.options.d: [6], data.n_train: [36]}
              - product: {data.options.d: [12], data.n_train: [144]}
            """,
        ]
        let (figure, lines) = try Self.figure.buildFromTinySpecs(specs)
        #expect(lines[0].hasPrefix("Sizes run: damian-main"))
        #expect(lines.contains { $0.contains("damian-scaling") && $0.contains("r ∈ {1, 2}") && $0.contains("d ∈ {6, 8}") && $0.contains("3 seeds") })
        #expect(lines.filter { $0.hasPrefix("choice: ") }.count >= 5)
        #expect(lines.contains { $0.hasPrefix("From the paper") })
        for r in [1, 2] {
            #expect(lines.contains("r = \(r) (normalised excess loss, median over 3 seeds):"))
            #expect(lines.contains { $0.hasPrefix("  network d = 8: n/d² = 2: ") })
        }
        // The kernel line pairs each n with the network on the same seeds; the verdict follows it.
        let kernelLines = lines.filter { $0.hasPrefix("  relu-ntk KRR d = 6 (2 seeds, network medians over the same seeds): n = 72 (n/d² = 2): kernel ") }
        #expect(kernelLines.count == 2)
        var pairs: [(Double, Double)] = []
        for l in kernelLines {
            for cell in l.split(separator: ";") {
                let parts = cell.components(separatedBy: "kernel ").last!.components(separatedBy: " vs network ")
                #expect(parts.count == 2, "\(cell)")
                pairs.append((try #require(Double(parts[0]), "\(cell)"), try #require(Double(parts[1]), "\(cell)")))
            }
        }
        #expect(pairs.count == 4)
        let verdict = try #require(lines.first { $0.hasPrefix("kernel baseline above the network's loss at every (r, n) where both run (4 cells): ") })
        #expect(verdict.hasSuffix(": yes") == pairs.allSatisfy { $0.0 > $0.1 }, "\(verdict)")
        // Transfer: a line per d and a verdict that follows the printed medians.
        #expect(lines.contains("  source n = 1 d²:"))
        #expect(lines.contains { $0.hasPrefix("    d = 6, n = 36: transfer ") })
        let t = try #require(lines.first { $0.hasPrefix("    d = 12 vs d = 6: ") })
        let change = try #require(Double(t.components(separatedBy: "relative change ").last!.prefix { $0 != " " }))
        #expect(t.contains("NOT within 20%") == (change > 0.2), "\(t)")
        #expect(lines.contains { $0.hasPrefix("  re-sampled biases before the head (damian-resample): excess loss ") && $0.contains("seed 1: ") })
        // Panels: main, one per r, transfer, and n*(d) when a slope was fitted.
        let fitted = lines.contains { $0.hasPrefix("  fitted slope of n* ∝ d^α over ") }
        #expect(figure.panels.count == 4 + (fitted ? 1 : 0))
        #expect(figure.panels.contains { $0.title.hasPrefix("r = 2: excess loss vs n/d², relu-ntk KRR dashed") })
    }
}
