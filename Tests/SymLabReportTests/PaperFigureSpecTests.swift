import Foundation
import SymLabCore
import SymLabExperiments
import SymLabKernels
import SymLabReport
import Testing

/// The paper figures' specs are plain YAML files shipped with the package: every one is found,
/// parses, passes the preflight and runs alone; overrides can target one spec by its name.
@Suite struct PaperFigureSpecTests {
    /// A fixed budget, so that the preflight does not depend on this machine's free memory.
    static let budget = MemoryBudget(availableBytes: 16 << 30, source: "the test's 16 GiB")

    @Test func everyFigureShipsSpecFilesThatParsePassThePreflightAndAreNamedAfterTheirFile() throws {
        var experiments: [String] = []
        for figure in PaperFigure.all {
            let files = try figure.specs()
            // A computed figure (nothing to train) ships a README and no specs; every other has specs.
            #expect(files.isEmpty == !figure.runsExperiments, "\(figure.name)")
            for file in files {
                // As `symlab run FILE` reads it: from the file, with no override.
                let spec = try ExperimentSpec.load(path: file.path)
                #expect(spec.name == file.name, "\(figure.name)/\(file.name).yaml runs experiment \(spec.name)")
                #expect(!spec.runs.isEmpty)
                try Preflight.check(spec, budget: Self.budget)
                experiments.append(spec.name)
            }
        }
        // A report finds a figure by its experiments: no two specs may run the same one.
        #expect(Set(experiments).count == experiments.count, "\(experiments)")
        #expect(Set(PaperFigure.all.map(\.name)).count == PaperFigure.all.count)
    }

    /// Each figure's folder has a README.md whose heading is the title and whose first paragraph
    /// says what it reproduces (both printed at the head of the summary and the report).
    @Test func everyFigureHasAReadmeWithATitleAndADescription() throws {
        for figure in PaperFigure.all {
            let d = try figure.described()
            #expect(d.title.count > 10 && d.about.count > 20 && figure.title == d.title, "\(figure.name)")
        }
        let d = try FigureDescription(readme: "\n# A title\n\nfirst line\n  second line\n\nlater notes\n", figure: "f", path: "p")
        #expect(d == FigureDescription(title: "A title", about: "first line second line"))
        #expect(throws: FigureReadmeInvalid.self) { try FigureDescription(readme: "no heading\n\ntext", figure: "f", path: "p") }
        #expect(throws: FigureReadmeInvalid.self) { try FigureDescription(readme: "# only a title\n", figure: "f", path: "p") }
    }

    @Test func theSummariesStateTheSizesTheSpecFilesHold() throws {
        func points(_ figure: String, _ spec: String) throws -> [RunConfig] {
            let file = try #require(try PaperFigure.named(figure)!.specs().first { $0.name == spec })
            return try ExperimentSpec.parse(yaml: file.yaml, file: file.path).points
        }
        func ints(_ p: [RunConfig], _ key: String) -> Set<Int> { Set(p.compactMap { Int($0.dataOptions[key] ?? "") }) }
        for spec in ["spiked-krr", "spiked-net"] {
            let p = try points("spiked-covariance", spec)
            #expect(ints(p, "d") == [PaperFigure.spikedD] && Set(p.map(\.nTrain)) == [4 * PaperFigure.spikedD])
            #expect(Set(p.compactMap { $0.dataOptions["beta"] }) == Set((0...9).map { $0 == 0 ? "0" : "0.\($0)" }))
        }
        #expect(ints(try points("information-exponent", "infoexp-sgd"), "d") == Set(PaperFigure.infoExpDs))
        #expect(ints(try points("staircase", "staircase-sgd"), "d") == Set(PaperFigure.staircaseDs))
        let wu = try points("wu-last-iterate", "wu-sgd")
        #expect(ints(wu, "d") == [PaperFigure.wuDimension] && Set(wu.map(\.nTrain)) == Set(PaperFigure.wuNs))
        #expect(Set(wu.compactMap { Double($0.dataOptions["noise"] ?? "") }) == Set(PaperFigure.wuNoises))
        let wuFile = try #require(try PaperFigure.named("wu-last-iterate")!.specs().first)
        #expect(try ExperimentSpec.parse(yaml: wuFile.yaml, file: wuFile.path).seeds.count == PaperFigure.wuSeeds)
        let krr = try points("tomasini-laplace", "tomasini-krr"), spectrum = try points("tomasini-laplace", "tomasini-spectrum")
        #expect(ints(krr, "d") == Set(PaperFigure.tomasiniDimensions) && Set(krr.map(\.nTrain)) == Set(PaperFigure.tomasiniPs))
        #expect(Set(krr.compactMap { Double($0.dataOptions["chi"] ?? "") }) == Set(PaperFigure.tomasiniChis) && Set(krr.map(\.nTest)) == [PaperFigure.tomasiniTestPoints])
        #expect(Set(krr.compactMap { Double($0.kind.scheme?.options["ridge"] ?? "") }) == Set(PaperFigure.tomasiniRidgeFactors + [PaperFigure.tomasiniRidgeless]))
        // Each point's ridge exponent is the paper's 1/(d + χ).
        for p in krr { if let e = p.kind.scheme?.options["ridge_exponent"], let d = Double(p.dataOptions["d"] ?? ""), let chi = Double(p.dataOptions["chi"] ?? "") {
            #expect(abs(Double(e)! - 1 / (d + chi)) < 1e-12, "\(p.dataOptions)")
        } }
        #expect(Set(spectrum.map(\.nTrain)) == [PaperFigure.tomasiniSpectrumSamples] && spectrum.count == 6)
        #expect(Set(krr.compactMap { Double($0.kind.scheme?.options["bandwidth"] ?? "") }) == [PaperFigure.tomasiniBandwidth]
                && Set(spectrum.compactMap { Double($0.kind.scheme?.options["bandwidth"] ?? "") }) == [PaperFigure.tomasiniBandwidth])
        let krrFile = try #require(try PaperFigure.named("tomasini-laplace")!.specs().first { $0.name == "tomasini-krr" })
        #expect(try ExperimentSpec.parse(yaml: krrFile.yaml, file: krrFile.path).seeds.count == PaperFigure.tomasiniSeeds)
    }

    /// Figure 4 repeats Figure 1's GNN experiment with other optimizers (issue 27): every sweep point
    /// of fig4-optimizers equals fig1-gnn-hard (class, data sizes, network, pooling, step budget,
    /// precision, …) but for the optimizer's name and learning rate (its default and the random
    /// factor), and its seeds extend Figure 1's to the caption's 10 runs per optimizer.
    @Test func figure4IsFigure1sGNNExperimentButForTheOptimizerAndItsLearningRate() throws {
        func spec(_ figure: String, _ name: String) throws -> ExperimentSpec {
            let file = try #require(try PaperFigure.named(figure)?.specs().first { $0.name == name })
            return try ExperimentSpec.parse(yaml: file.yaml, file: file.path)
        }
        let fig1 = try spec("kiani-fig1", "fig1-gnn-hard"), fig4 = try spec("kiani-fig4", "fig4-optimizers")
        #expect(fig1.points.count == 1)
        let base = try #require(fig1.points.first)
        // The whole point but its name, seeds and optimizer: equal as trees and as read.
        func rest(_ c: RunConfig) -> SpecValue { c.tree.removing("name").removing("seeds").removing("optimizer") }
        // The optimizer section without the keys that name it and set its learning rate.
        func otherOptimizerKeys(_ c: RunConfig) -> SpecValue? {
            ["name", "lr", "lr_log_uniform_factor"].reduce(c.tree[path: "optimizer"]) { $0?.removing($1) }
        }
        #expect(fig4.points.count == 5)
        for p in fig4.points {
            #expect(rest(p) == rest(base), "\(p.tree.canonicalJSON)")
            #expect(otherOptimizerKeys(p) == otherOptimizerKeys(base))
            #expect(p.dataClass == base.dataClass && p.dataOptions == base.dataOptions && p.precision == base.precision)
            #expect(p.nTrain == base.nTrain && p.nValidation == base.nValidation && p.nTest == base.nTest)
            let t = try #require(p.kind.training), b = try #require(base.kind.training)
            #expect(t.modelName == b.modelName && t.modelOptions == b.modelOptions && t.modelOptions["pooling"] == "mean")
            #expect(t.training.steps == b.training.steps && t.training.batchSize == b.training.batchSize && t.training.evalEvery == b.training.evalEvery)
            #expect(t.optimizer.learningRateLogUniformFactor == 0.1...10)
            #expect(b.optimizer.learningRateLogUniformFactor == nil)
        }
        #expect(fig4.points.compactMap { $0.kind.training?.optimizer.name } == [.sgd, .momentum, .adam, .rmsprop, .adagrad])
        #expect(fig4.seeds == Array(0...9) && Array(fig4.seeds.prefix(fig1.seeds.count)) == fig1.seeds)
    }

    @Test func aTargetedOverrideChangesOnlyTheSpecItNames() throws {
        let figure = PaperFigure.named("kiani-fig1")!
        // The targeted override wins over a plain one of the same key, in any order.
        let planned = try figure.plan(overrides: ["fig1-gnn-hard:training.steps=7", "seeds=0", "training.steps=5"])
        #expect(planned.map { $0.spec.name }.sorted() == ["fig1-cnn-control", "fig1-cnn-frame", "fig1-cnn-hard", "fig1-gnn-control", "fig1-gnn-hard"])
        for (file, spec) in planned {
            #expect(spec.seeds == [0], "\(file.name)")
            #expect(spec.points.allSatisfy { $0.kind.training?.training.steps == (file.name == "fig1-gnn-hard" ? 7 : 5) }, "\(file.name)")
        }
        // A target the figure does not have is refused, naming the figure's specs.
        do {
            _ = try figure.plan(overrides: ["fig1-gnn-hrad:training.steps=7"])
            Issue.record("a misspelt target was accepted")
        } catch let e as SpecError {
            #expect("\(e)".contains("fig1-gnn-hrad") && "\(e)".contains("its specs are fig1-cnn-control, fig1-cnn-frame, fig1-cnn-hard, fig1-gnn-control, fig1-gnn-hard"))
        }
        // A ':' in the value is not a target.
        let described = try figure.plan(overrides: ["description=a:b"])
        #expect(described.allSatisfy { $0.spec.points[0].tree[path: "description"] == .string("a:b") })
    }

    @Test func printedSpecsAreTheFilesVerbatim() throws {
        let figure = PaperFigure.named("kiani-fig1")!
        let files = try figure.specs()
        #expect(try figure.printedSpecs(only: "fig1-cnn-hard") == files.first { $0.name == "fig1-cnn-hard" }!.yaml)
        let all = try figure.printedSpecs()
        #expect(all == files.map { "--- # ==> kiani-fig1/\($0.name).yaml <==\n" + $0.yaml }.joined(separator: "\n"))
        // A figure of one spec prints its file alone.
        let one = PaperFigure.named("staircase")!
        #expect(try one.printedSpecs() == one.specs()[0].yaml)
        #expect(throws: SpecError.self) { try figure.printedSpecs(only: "nope") }
    }
}
