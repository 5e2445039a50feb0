import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabReport
import SymLabTheory
import Testing

/// The kiani-separation figure: its summary states each learner's numbers and one verdict per
/// claim, and the verdicts follow the numbers (holds, does not hold, inconclusive when a control
/// failed) — checked on stores whose metrics are set by hand — and its shipped specs run through
/// the builder at tiny sizes.
@Suite struct KianiSeparationFigureTests {
    static let figure = PaperFigure.named("kiani-separation")!

    /// Cheap studies: the bounds with few Monte Carlo samples, orbit-lookup at n = 6…10.
    static let studies = KianiSeparation.Studies(
        bounds: BoundsSettings(tau: 0.05, samples: 2000, memberSamples: 200, functions: 3),
        orbitSizes: Array(6...10),
        orbitSettings: SamplesToLearn.Settings(epsilon: 0.1, seeds: [0, 1, 2], nTest: 1000, start: 4))

    static func temporaryStore() throws -> (ResultsStore, String) {
        let dir = NSTemporaryDirectory() + "symlab-separation-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (try ResultsStore(path: dir + "/results.sqlite"), dir)
    }

    /// The shipped specs' runs (two seeds), finished with the metrics `metrics(experiment, N, seed)`
    /// instead of being run: the builder sees the figure's real grid.
    static func handMadeStore(seeds: String = "[0, 1]", _ metrics: (String, Int, Int) -> [String: Double]) throws -> (ResultsStore, String) {
        let (store, dir) = try temporaryStore()
        let planned = try figure.plan(overrides: ["seeds=\(seeds)"])
        try store.enqueue(planned.flatMap { $0.spec.runs })
        while let run = try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)) {
            let config = try RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "test")
            try store.finish(runID: run.id, status: .done, message: nil, metrics: metrics(run.experiment, config.nTrain, run.seed),
                             stepsCompleted: 1, divergedStep: nil, lastFiniteLoss: nil)
        }
        return (store, dir)
    }

    /// Numbers for which every claim holds: the networks and csq-gd stay near Var(y), gf2 is exact
    /// from 16 samples, sq-label-transform reaches 10⁻²⁰ from 500, orbit-lookup 0.05 from 1024,
    /// and every control learns.
    static func holding(_ experiment: String, _ n: Int, _ seed: Int) -> [String: Double] {
        let error: Double
        var m: [String: Double] = [:]
        switch experiment {
        case let e where e.hasSuffix("-control"): error = 0.05
        case let e where e.hasSuffix("-gf2"): error = n >= 16 ? 0 : 0.4; m["exact_recovery"] = n >= 16 ? 1 : 0
        case "sep-poly-sq": error = n >= 500 ? 1e-20 : 0.5
        case "sep-sym-orbit": error = n >= 1024 ? 0.05 : 0.6
        case let e where e.hasSuffix("-csq"):
            error = 1.0 + 0.01 * Double(seed)
            m["queries"] = 1000; m["tolerance"] = 0.05; m["largest_deviation"] = 0.02; m["null_answer_fraction"] = 1
        default: error = 0.95 + 0.01 * Double(seed)
        }
        // The trainer's name for training runs, the schemes' for scheme runs (both are read).
        let training = ["gnn", "cnn", "mlp"].contains { experiment.hasSuffix("-" + $0) || experiment.contains("-\($0)-control") }
        m[training ? "test_mse_normalized" : SchemeMetric.testLossNormalized] = error
        return m
    }

    static func verdicts(_ summary: String) -> [String] {
        summary.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("verdict: ") }
    }

    @Test func verdictsFollowTheNumbers() throws {
        let (store, dir) = try Self.handMadeStore(Self.holding)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (figure, summary) = try KianiSeparation.build(store, studies: Self.studies)
        let verdicts = Self.verdicts(summary)
        // One per class, one for csq-gd, one for orbit-lookup's scaling.
        #expect(verdicts.count == KianiSeparation.classes.count + 2, "\(summary)")
        // The five verdicts the hand-made numbers decide all hold.
        for v in verdicts where !v.contains("orbit-lookup's samples-to-learn") {
            #expect(v.contains("→ holds"), "\(v)")
        }
        let er = try #require(verdicts.first { $0.contains("recovers er-parity exactly") })
        #expect(er.contains("at n = 64 from ≤ 2n = 128 samples") && er.contains("gf2 exact on every seed from N = 16"), "\(er)")
        let poly = try #require(verdicts.first { $0.hasPrefix("verdict: sq-label-transform") })
        #expect(poly.contains("at N = 10000"), "\(poly)")   // the largest size all three ran at
        // The learners' numbers: medians at every N of the grid.
        #expect(summary.contains("GNN by Adam (sep-er-gnn, 2 seeds): N = 128: 0.955; N = 1000: 0.955; N = 10000: 0.955 (at N = 10000: min 0.95, max 0.96)"), "\(summary)")
        #expect(summary.contains("gf2-elimination (sep-er-gf2, 2 seeds): N = 4: 0.4; N = 8: 0.4; N = 16: 0;"))
        #expect(summary.contains("query bound at n = 64: family m = "))
        // Every spec's own choices, and the builder's.
        for name in try Self.figure.experiments() { #expect(summary.contains("choice: \(name): "), "\(name)") }
        #expect(summary.contains("choice: csq-gd runs behind the adversarial oracle (the lower bound's adversary): its curve at τ = 0.05"))
        #expect(summary.contains("oracle: adversarial, steps: 100, tolerance: 0.05 | 0.5}; er-parity {n: 64}"))
        #expect(figure.panels.count == KianiSeparation.classes.count + 2)
        #expect(figure.panels[0].logX && figure.panels[0].series.count == 4)   // csq-gd above the threshold is its own series
    }

    @Test func aFailedControlMakesAVerdictInconclusiveAndAMissedClaimDoesNotHold() throws {
        let (store, dir) = try Self.handMadeStore { e, n, seed in
            var m = Self.holding(e, n, seed)
            if e == "sep-er-gnn-control" { m["test_mse_normalized"] = 0.9 }               // the GNN learns nothing
            if e == "sep-cpp-gf2" { m[SchemeMetric.testLossNormalized] = 0.4; m["exact_recovery"] = 0 }   // never exact
            if e == "sep-poly-mlp" && n == 10000 { m["test_mse_normalized"] = 0.5 }   // the MLP learns at 10⁴
            if e == "sep-csq-control" { m[SchemeMetric.testLossNormalized] = 0.7 }
            return m
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let verdicts = Self.verdicts(try KianiSeparation.build(store, studies: Self.studies).1)
        #expect(try #require(verdicts.first { $0.contains("recovers er-parity") }).contains("→ inconclusive: the control sep-er-gnn-control did not learn"))
        #expect(try #require(verdicts.first { $0.contains("recovers cyclic-pattern-parity") }).contains("→ does not hold (gf2 exact on every seed from N = none ≤ 64"))
        // 10⁴ no longer separates; 1000 still does.
        #expect(try #require(verdicts.first { $0.hasPrefix("verdict: sq-label-transform") }).contains("→ holds (at N = 1000:"))
        #expect(try #require(verdicts.first { $0.hasPrefix("verdict: csq-gd") }).contains("→ inconclusive: the control did not learn"))
    }

    @Test func aNetworkIsJudgedOnItsMedianTargetAndTheTargetsItLearnedAreNamed() throws {
        // Seed 2's CNN learns its cyclic-pattern-parity target at 10⁴ samples (as measured once at
        // n = 32): the median target still fails, the verdict holds and names the exception.
        func metrics(_ e: String, _ n: Int, _ seed: Int) -> [String: Double] {
            var m = Self.holding(e, n, seed)
            if e == "sep-cpp-cnn" && seed == 2 && n == 10000 { m["test_mse_normalized"] = 0.0635 }
            if e == "sep-er-gnn" && seed >= 1 && n == 10000 { m["test_mse_normalized"] = 0.1 }   // two of three: the median learns
            return m
        }
        let (store, dir) = try Self.handMadeStore(seeds: "[0, 1, 2]", metrics)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let verdicts = Self.verdicts(try KianiSeparation.build(store, studies: Self.studies).1)
        let cpp = try #require(verdicts.first { $0.contains("recovers cyclic-pattern-parity") })
        #expect(cpp.contains("→ holds (") && cpp.contains("network at N = 10000: median 0.95 over 3 targets; below 0.8 on 1: seed 2 0.0635"), "\(cpp)")
        let er = try #require(verdicts.first { $0.contains("recovers er-parity") })
        #expect(er.contains("→ does not hold (") && er.contains("below 0.8 on 2: seed 1 0.1, seed 2 0.1"), "\(er)")
    }

    /// The shipped specs run at tiny sizes (n = 8, a few steps) and the builder reads them.
    @Test func theShippedSpecsRunThroughTheBuilderAtTinySizes() throws {
        let (store, dir) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var overrides = ["seeds=[0, 1]", "data.n_test=200", "sweep={product: {data.n_train: [16, 64]}}"]
        for file in try Self.figure.specs() {
            let spec = try ExperimentSpec.parse(yaml: file.yaml, file: file.name)
            let config = spec.points[0]
            if config.dataOptions["n"] != nil { overrides.append("\(file.name):data.options.n=8") }
            switch config.kind {
            case .training: overrides += ["\(file.name):training.steps=4", "\(file.name):training.batch_size=16"]
            case .scheme(let s) where s.name == "csq-gd": overrides += ["\(file.name):scheme.options.steps=3", "\(file.name):scheme.options.batch=16"]
            case .scheme: break
            }
        }
        let planned = try Self.figure.plan(overrides: overrides)
        _ = try SweepRunner.run(planned.map(\.spec), store: store, workers: .inProcess, log: { _ in })
        let unfinished = try store.runs().filter { $0.status != .done }
        #expect(unfinished.isEmpty, "\(unfinished.map { "\($0.experiment): \($0.message ?? "")" })")
        let (figure, summary) = try KianiSeparation.build(store, studies: Self.studies)
        let verdicts = Self.verdicts(summary)
        #expect(verdicts.count == KianiSeparation.classes.count + 2)
        #expect(verdicts.allSatisfy { $0.contains("→ holds") || $0.contains("→ does not hold") || $0.contains("→ inconclusive") }, "\(verdicts)")
        // 64 samples are not the claim's 10⁴: the parity verdicts say so instead of judging.
        #expect(try #require(verdicts.first { $0.contains("recovers er-parity") }).contains("→ inconclusive: the network's largest N is 64 < 10000"))
        #expect(summary.contains("GNN by Adam (sep-er-gnn, 2 seeds): N = 16: "))
        #expect(summary.contains("query bound at n = 8: family m = "))
        #expect(figure.panels.count == KianiSeparation.classes.count + 2)
    }
}
