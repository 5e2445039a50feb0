import Foundation
import SymLabCore
import SymLabExperiments
import SymLabFeatureLearning
import SymLabReport
import SymLabTheory
import Testing

/// The kiani-scaling figure: n* at every size follows the hand-set numbers (the smallest grid N
/// whose median reaches 0.2·Var(y), or "not learned ≤ N_max"), the growth laws are fitted and judged
/// on held-out sizes, every class and its family are stated; the shipped specs (and the scales')
/// run through the builder at tiny sizes.
@Suite struct KianiScalingFigureTests {
    static let figure = PaperFigure.named("kiani-scaling")!
    /// Cheap bounds: few Monte Carlo samples and members.
    static let studies = KianiScaling.Studies(bounds: BoundsSettings(tau: 0.05, samples: 2000, memberSamples: 200, functions: 3))

    static func temporaryStore() throws -> (ResultsStore, String) {
        let dir = NSTemporaryDirectory() + "symlab-scaling-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (try ResultsStore(path: dir + "/results.sqlite"), dir)
    }

    /// The shipped specs' runs, finished with `metrics(experiment, size, N, seed)` instead of being run.
    static func handMadeStore(scale: String? = nil, _ error: (String, Int, Int, Int) -> Double) throws -> (ResultsStore, String) {
        let (store, dir) = try temporaryStore()
        let planned = try figure.plan(overrides: [], scale: scale)
        try store.enqueue(planned.flatMap { $0.spec.runs })
        while let run = try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)) {
            let config = try RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "test")
            let size = Int(config.dataOptions[run.experiment.hasPrefix("scale-ggnn") ? "d" : "n"]!)!
            let key = config.kind.scheme == nil ? "test_mse_normalized" : SchemeMetric.testLossNormalized
            try store.finish(runID: run.id, status: .done, message: nil, metrics: [key: error(run.experiment, size, config.nTrain, run.seed)],
                             stepsCompleted: 1, divergedStep: nil, lastFiniteLoss: nil)
        }
        return (store, dir)
    }

    /// The GNN reaches the level at N = 64 for n = 6, 512 for n = 8 and 4096 for n = 12 (a factor 8
    /// per size: exponential in n on these sizes), and nowhere for n ≥ 20; seed 2 is always at 1.
    /// Every other network and learner learns at its grid's second N; the controls at the first.
    static func numbers(_ e: String, _ size: Int, _ n: Int, _ seed: Int) -> Double {
        if e.hasSuffix("-control") { return 0.05 }
        if e == "scale-er-gnn" {
            let needed = [6: 64, 8: 512, 12: 4096][size]
            return seed == 2 ? 1 : (needed.map { n >= $0 } ?? false) ? 0.1 : 0.9
        }
        return n >= 128 ? 0.01 : 0.6
    }

    static func lines(_ summary: String, containing text: String) -> [String] {
        summary.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    @Test func nStarAndTheGrowthLawsFollowTheNumbers() throws {
        let (store, dir) = try Self.handMadeStore(Self.numbers)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (figure, summary) = try KianiScaling.build(store, studies: Self.studies)
        #expect(figure.panels.count == KianiScaling.classes.count)
        // The GNN: medians at each N and n* per size; the unlearned sizes stay in the table.
        #expect(summary.contains("    n = 6: median 0.1 | 0.1 | 0.1 | 0.1 at N = 64 | 512 | 4096 | 32768 → n* = 64 (the grid's smallest N)"), "\(summary)")
        #expect(summary.contains("    n = 8: median 0.9 | 0.1 | 0.1 | 0.1 at N = 64 | 512 | 4096 | 32768 → n* = 512"))
        #expect(summary.contains("    n = 12: median 0.9 | 0.9 | 0.1 | 0.1 at N = 64 | 512 | 4096 | 32768 → n* = 4096"))
        #expect(summary.contains("    n = 32: median 0.9 | 0.9 | 0.9 | 0.9 at N = 64 | 512 | 4096 | 32768 → not learned ≤ 32768"))
        #expect(summary.contains("outcome: the GNN by Adam is learned at the smaller sizes n = 6, 8, 12, not learned ≤ N_max at the larger n = 20, 32; the control is learned at every size"))
        // n* = 64·8^((n − 6)/(2, 4)): exponential in n with β = ln 8 / … — the exponential law predicts
        // n = 12 from n = 6, 8 better than the polynomial; the fitted line says which wins.
        let growth = try #require(Self.lines(summary, containing: "growth of n* over n = 6, 8, 12").first)
        let g = try #require(SampleComplexity.compareGrowth(sizes: [6, 8, 12], nStar: [64, 512, 4096]))
        #expect(growth.hasSuffix(g.better == .exponential ? "→ exponential fits better on held-out sizes" : "→ polynomial fits better on held-out sizes"), "\(growth)")
        #expect(growth.contains("measured 4096"))
        #expect(summary.contains("at n = 20, not learned ≤ 32768: the polynomial law predicts n* = "))
        // gf2-elimination and the others: learned at 128 wherever the grid has it.
        #expect(summary.contains("gf2-elimination (scale-er-gf2, 3 seeds): n = 6: n* = 128;"))
        // A class learned at the same N at every size: n* constant, neither law better.
        let cnn = try #require(Self.lines(summary, containing: "growth of n* over n = 8, 12, 16, 20, 24, 32, 64").first)
        #expect(cnn.hasSuffix("→ neither fits better on held-out sizes (equal leave-one-out errors)"), "\(cnn)")
        // The family at every size, with the parity classes' bits.
        let family = try #require(Self.lines(summary, containing: "family (theory bounds): n = 6: m = ").first)
        #expect(family.contains("|B| = ") && family.contains("near-unbiased") && family.contains("n = 32: m = "), "\(family)")
        #expect(!Self.lines(summary, containing: "family (theory bounds): d = 4: m = ").isEmpty)
        for name in try Self.figure.experiments() { #expect(summary.contains("choice: \(name): "), "\(name)") }
        #expect(!summary.contains("not run here"))
    }

    @Test func aControlThatDoesNotLearnIsNamedAndTooFewLearnableSizesGiveNoFit() throws {
        let (store, dir) = try Self.handMadeStore { e, size, n, seed in
            if e == "scale-er-gnn-control" && size == 32 { return 0.7 }
            if e == "scale-er-gnn" { return size == 6 ? 0.1 : 1 }
            return Self.numbers(e, size, n, seed)
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let summary = try KianiScaling.build(store, studies: Self.studies).1
        #expect(summary.contains("the control is NOT learned ≤ N_max at n = 32, so the network's failure there is not shown to be the class's"), "\(summary)")
        #expect(summary.contains("growth of n*: no comparison (1 learnable size(s); at least 3 are needed to judge a law on held-out sizes)"))
        #expect(summary.contains("control: GNN by Adam on er-degree-moment (scale-er-gnn-control, 3 seeds): n = 6: n* = 64 (the grid's smallest N);"))
        #expect(summary.contains("n = 32: not learned ≤ 32768"))
    }

    @Test func theDemoScaleHoldsTheERParityPartAndTheBuilderSaysWhatItDidNotFind() throws {
        #expect(Self.figure.scales == ["demo", "paper"])
        let demo = try Self.figure.specs(scale: "demo").map(\.name)
        #expect(demo == ["scale-er-gf2", "scale-er-gnn-control", "scale-er-gnn"])   // file-name order
        // Every scale runs experiments of the default set (the builder reads them by name), each named after its file.
        let defaults = Set(try Self.figure.experiments())
        for scale in Self.figure.scales {
            for file in try Self.figure.specs(scale: scale) {
                let spec = try ExperimentSpec.load(path: file.path)
                #expect(spec.name == file.name && defaults.contains(spec.name), "\(scale)/\(file.name)")
                try Preflight.check(spec, budget: MemoryBudget(availableBytes: 16 << 30, source: "the test's 16 GiB"))
            }
        }
        #expect(Set(try Self.figure.specs(scale: "paper").map(\.name)) == defaults)
        #expect(throws: SpecError.self) { try Self.figure.specs(scale: "huge") }
        let (store, dir) = try Self.handMadeStore(scale: "demo", Self.numbers)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (figure, summary) = try KianiScaling.build(store, studies: Self.studies)
        #expect(figure.panels.count == 1)
        #expect(summary.contains("not run here (no finished runs of their network in this database; the demo scale holds the er-parity specs only): cyclic-pattern-parity, cyclic-frame-parity, gaussian-gnn, group-averaged-cnn, invariant-polynomial, symmetric-boolean"), "\(summary)")
        #expect(try PaperFigure.present(in: store).map(\.name) == ["kiani-scaling"])
    }

    /// The shipped specs run at tiny sizes (two small sizes, a few steps) and the builder reads them.
    @Test func theShippedSpecsRunThroughTheBuilderAtTinySizes() throws {
        let (store, dir) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var overrides = ["seeds=[0, 1]", "data.n_test=100"]
        for file in try Self.figure.specs() {
            let spec = try ExperimentSpec.parse(yaml: file.yaml, file: file.name)
            let config = spec.points[0]
            let key = file.name.hasPrefix("scale-ggnn") ? "d" : "n"
            let sizes = file.name.hasPrefix("scale-er") ? "[6, 7]" : "[4, 8]"
            overrides.append("\(file.name):sweep={product: {data.options.\(key): \(sizes), data.n_train: [16, 32]}}")
            if case .training = config.kind { overrides += ["\(file.name):training.steps=3", "\(file.name):training.batch_size=8", "\(file.name):training.eval_every=3"] }
        }
        let planned = try Self.figure.plan(overrides: overrides)
        _ = try SweepRunner.run(planned.map(\.spec), store: store, workers: .inProcess, log: { _ in })
        let unfinished = try store.runs().filter { $0.status != .done && $0.status != .diverged }
        #expect(unfinished.isEmpty, "\(unfinished.map { "\($0.experiment): \($0.message ?? "")" })")
        let (figure, summary) = try KianiScaling.build(store, studies: Self.studies)
        #expect(figure.panels.count == KianiScaling.classes.count)
        #expect(Self.lines(summary, containing: "  outcome: ").count == KianiScaling.classes.count, "\(summary)")
        #expect(summary.contains("    n = 6: median ") && summary.contains("    d = 8: median "))
    }
}
