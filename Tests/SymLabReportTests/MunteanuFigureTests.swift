import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabReport
import Testing

/// The munteanu-coupled-init figure: its specs hold the default sizes its summary states, and its
/// summary, built from a tiny real sweep, reports m* as the runs measured it.
@Suite struct MunteanuFigureTests {
    static let figure = PaperFigure.named("munteanu-coupled-init")!

    @Test func specsHoldTheDefaultSizesTheSummaryStates() throws {
        let specs = try Self.figure.specs().map { try ExperimentSpec.parse(yaml: $0.yaml, file: $0.path) }
        #expect(specs.map(\.name).sorted() == MunteanuCoupledInit.losses.map(\.experiment).sorted())
        for spec in specs {
            let loss = try #require(MunteanuCoupledInit.losses.first { $0.experiment == spec.name })
            #expect(spec.seeds == MunteanuCoupledInit.seeds)
            #expect(Set(spec.points.map(\.nTrain)) == Set(MunteanuCoupledInit.ns))
            #expect(spec.points.count == MunteanuCoupledInit.ns.count * 2 * MunteanuCoupledInit.widths.count)
            for p in spec.points {
                let t = try #require(p.kind.training)
                #expect(p.dataClass == "random-labels-sphere" && p.dataOptions["d"] == "\(MunteanuCoupledInit.d)" && p.nTest == MunteanuCoupledInit.nTest)
                // The unit-sphere specs leave `radius` out (their run ids predate it); the paper-scale ones give √d.
                #expect(p.dataOptions["radius"].flatMap(Double.init) ?? 1 == loss.radius && (loss.radius == 1) == (p.dataOptions["radius"] == nil))
                #expect(t.modelName == "mlp" && t.modelOptions["parameterization"] == "ntk" && t.modelOptions["depth"] == "2" && t.modelOptions["bias"] == "false" && t.modelOptions["readout_bias"] == "false")
                #expect(t.optimizer.name == .sgd && t.optimizer.learningRate == loss.learningRate && t.training.batchSize == nil)
                #expect(t.training.steps == MunteanuCoupledInit.steps && t.training.evalEvery == MunteanuCoupledInit.evalEvery)
                #expect(p.precision == .f64)
            }
            #expect(Set(spec.points.compactMap { $0.kind.training?.modelOptions["width"] }) == Set(MunteanuCoupledInit.widths.map(String.init)))
            #expect(Set(spec.points.compactMap { $0.kind.training?.modelOptions["symmetric"] }) == ["true", "false"])
        }
        #expect(MunteanuCoupledInit.losses.map(\.radius) == [1, 4, 1, 4] && MunteanuCoupledInit.paperRadius * MunteanuCoupledInit.paperRadius == Double(MunteanuCoupledInit.d))
        for mse in specs where mse.name.hasPrefix("munteanu-mse") {
        #expect(mse.points.allSatisfy { $0.kind.training?.training.stopTrainMSE == MunteanuCoupledInit.mseThreshold && $0.kind.training?.training.loss == .mse })
        }
        for logistic in specs where logistic.name.hasPrefix("munteanu-logistic") {
        #expect(logistic.points.allSatisfy { $0.kind.training?.training.stopTrainError == MunteanuCoupledInit.errorThreshold && $0.kind.training?.training.loss == .logistic })
        #expect(logistic.points.allSatisfy { $0.kind.training?.training.zeroOneError == true && $0.kind.training?.training.stopTrainMSE == nil })
        }
        // The unit-sphere specs keep the run ids they had before the class had a radius (pinned: the ids of the figure's run recorded by the munteanu branch, merged into main at 5a1ba93).
        let unitMSE = try #require(specs.first { $0.name == "munteanu-mse" })
        #expect(Array(unitMSE.runs.map(\.id).prefix(2)) == ["b7dcfa1c1695c45c-s0", "b7dcfa1c1695c45c-s1"])
        let lines = MunteanuCoupledInit.defaultSizes
        #expect(lines[0].hasPrefix("Default sizes: n ∈ {32, 64, 128, 256}") && lines[0].contains("{4, 8, 16, 32, 64, 128, 256, 512, 1024}"))
        #expect(lines[1].contains("at most \(MunteanuCoupledInit.steps) steps"))
        #expect(lines.contains { $0.hasPrefix("From the paper") && $0.contains("~n⁴") && $0.contains("n²") && $0.contains("γ⁻⁸") && $0.contains("γ⁻²") })
        #expect(lines.contains { $0.hasPrefix("choice: ") })
    }

    @Test func summaryOfATinySweepReportsTheLeastWidthOfEachSeed() throws {
        let specs = [
            """
            name: munteanu-mse
            data: {class: random-labels-sphere, options: {d: 4}, n_train: 8, n_test: 4}
            model: {name: mlp, options: {depth: 2, width: 4, parameterization: ntk, bias: false, readout_bias: false, symmetric: false}}
            optimizer: {name: sgd, lr: \(MunteanuCoupledInit.learningRate)}
            training: {steps: 300, eval_every: 25, stop_train_mse: 1.0e-3, loss: mse}
            precision: f64
            threads: 1
            seeds: [0, 1, 2]
            sweep:
              product: {data.n_train: [8, 16], model.options.symmetric: [true, false], model.options.width: [4, 32, 256]}
            """,
            """
            name: munteanu-mse-paper-scale
            data: {class: random-labels-sphere, options: {d: 4, radius: 2}, n_train: 8, n_test: 4}
            model: {name: mlp, options: {depth: 2, width: 4, parameterization: ntk, bias: false, readout_bias: false, symmetric: false}}
            optimizer: {name: sgd, lr: \(MunteanuCoupledInit.learningRatePaperScale)}
            training: {steps: 300, eval_every: 25, stop_train_mse: 1.0e-3, loss: mse}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep:
              product: {data.n_train: [8], model.options.symmetric: [true, false], model.options.width: [4, 64]}
            """,
            """
            name: munteanu-logistic
            data: {class: random-labels-sphere, options: {d: 4}, n_train: 8, n_test: 4}
            model: {name: mlp, options: {depth: 2, width: 4, parameterization: ntk, bias: false, readout_bias: false, symmetric: false}}
            optimizer: {name: sgd, lr: \(MunteanuCoupledInit.learningRate)}
            training: {steps: 300, eval_every: 25, stop_train_error: 0, loss: logistic}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep:
              product: {data.n_train: [8], model.options.symmetric: [true, false], model.options.width: [4, 64]}
            """,
        ]
        let (figure, lines) = try Self.figure.buildFromTinySpecs(specs)
        #expect(lines[0].hasPrefix("Default sizes:"))
        // The logistic runs: m* where every training sign is correct; one n, so no slope.
        for name in ["coupled", "independent"] {
            let line = try #require(lines.first { $0.hasPrefix("logistic loss, \(name) init: m*(n) median n = 8: ") }, "\(lines)")
            #expect(line.components(separatedBy: "; per seed n = 8: ").last!.components(separatedBy: "/").count == 2)
        }
        #expect(lines.contains("  fitted slope (coupled): none — the median reached the criterion at fewer than two n"))
        // Per init: the median m* at each n, then each seed's, on the grid or "> 256" (not reached).
        for name in ["coupled", "independent"] {
            let line = try #require(lines.first { $0.hasPrefix("squared loss, \(name) init: m*(n) median n = 8: ") }, "\(lines)")
            #expect(line.contains("; per seed n = 8: ") && line.contains(", n = 16: "))
            let perSeed = try #require(line.components(separatedBy: "; per seed ").last)
            for part in perSeed.components(separatedBy: ", ") {
                let values = try #require(part.components(separatedBy: ": ").last).components(separatedBy: "/")
                #expect(values.count == 3 && values.allSatisfy { ["4", "32", "256", "> 256"].contains($0) }, "\(part)")
            }
        }
        // The comparison line's verdict agrees with the medians it printed.
        let medians = try ["coupled", "independent"].map { name -> [Int?] in
            let line = try #require(lines.first { $0.hasPrefix("squared loss, \(name) init: m*(n) median ") })
            let head = line.dropFirst("squared loss, \(name) init: m*(n) median ".count).components(separatedBy: "; per seed")[0]
            return head.components(separatedBy: ", ").map { Int($0.components(separatedBy: ": ")[1]) }
        }
        let holds = zip(medians[0], medians[1]).allSatisfy { c, i in i == nil || (c != nil && c! <= i!) }
        let verdict = try #require(lines.first { $0.hasPrefix("squared loss: coupled m* ≤ independent m* (medians) at ") })
        #expect(verdict.contains("every n → holds") == holds, "\(verdict)")
        // f ≡ 0 at coupled init: the train MSE at step 0 is the mean of y² = 1 exactly; independent init adds its output's variance.
        let initial = try #require(lines.first { $0.hasPrefix("squared loss: train MSE at init, mean over runs: coupled 1 (f ≡ 0") }, "\(lines)")
        let independentText = initial.components(separatedBy: "), independent ").dropFirst().first?.components(separatedBy: " ").first ?? ""
        let independent = try #require(Double(independentText), "\(initial)")
        #expect(independent > 1)
        #expect(lines.contains { $0.hasPrefix("squared loss: measured slopes ") && $0.contains("n^4 (independent) and n^2 (coupled)") })
        #expect(initial.hasSuffix("(r²/(2d) = 0.125 at r = 1, d = 4), small against labels of variance 1"), "\(initial)")
        // The paper's scaling (d = 4, r = √d = 2): its own lines, with the initial output variance r²/(2d) = 1/2 named.
        let paper = try #require(lines.first { $0.hasPrefix("squared loss at r = √d: train MSE at init, mean over runs: coupled 1 (f ≡ 0") }, "\(lines)")
        #expect(paper.hasSuffix("(r²/(2d) = 0.5 at r = 2, d = 4), comparable to labels of variance 1: what coupling removes"), "\(paper)")
        let paperIndependent = try #require(Double(paper.components(separatedBy: "), independent ").dropFirst().first?.components(separatedBy: " ").first ?? ""), "\(paper)")
        #expect(paperIndependent > independent, "the output at r = √d is larger than at r = 1")
        #expect(lines.contains { $0.hasPrefix("squared loss at r = √d, coupled init: m*(n) median n = 8: ") })
        #expect(lines.contains { $0.hasPrefix("squared loss at r = √d: coupled m* ≤ independent m* (medians) at ") })
        #expect(lines.contains("logistic loss at r = √d (munteanu-logistic-paper-scale): no finished runs"))
        #expect(figure.panels.count == 6 && figure.panels[0].logX && figure.panels[0].logY && figure.panels[1].title.hasPrefix("squared loss at r = √d") && !figure.panels[5].logY)
    }
}
