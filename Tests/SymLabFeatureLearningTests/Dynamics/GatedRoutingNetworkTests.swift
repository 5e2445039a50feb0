import Foundation
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// The depth-3 routing network's hand-written step against finite differences of its loss, its
/// decoupled dynamics against the depth-3 race, and the gated-linear scheme's measures.
@Suite struct GatedRoutingNetworkTests {
    @Test func stepIsGradientDescentOnTheLoss() {
        let task = GatedRoutingTask(domains: 5)
        let start = GatedRoutingNetwork.orthogonal(task, hidden: 6, gain: 0.7, seed: 3)
        var moved = start
        let eta = 0.05
        moved.step(task, learningRate: eta)
        let h = 1e-6
        func check(_ before: Double, _ after: Double, _ plus: GatedRoutingNetwork, _ minus: GatedRoutingNetwork) {
            let grad = (plus.loss(task) - minus.loss(task)) / (2 * h)
            #expect(Swift.abs(after - before + eta * grad) < 1e-7, "step \(after - before) vs −η·grad \(-eta * grad)")
        }
        for d in [0, 3] {
            for (r, col) in [(0, 0), (5, 3), (2, 1)] {
                var plus = start, minus = start
                plus.inputWeights[d] = bumped(start.inputWeights[d], r, col, h)
                minus.inputWeights[d] = bumped(start.inputWeights[d], r, col, -h)
                check(start.inputWeights[d][r, col], moved.inputWeights[d][r, col], plus, minus)
            }
            for (r, col) in [(0, 0), (6, 5), (3, 2)] {
                var plus = start, minus = start
                plus.outputWeights[d] = bumped(start.outputWeights[d], r, col, h)
                minus.outputWeights[d] = bumped(start.outputWeights[d], r, col, -h)
                check(start.outputWeights[d][r, col], moved.outputWeights[d][r, col], plus, minus)
            }
        }
        for (r, col) in [(0, 0), (4, 1), (5, 5)] {
            var plus = start, minus = start
            plus.hiddenWeights = bumped(start.hiddenWeights, r, col, h)
            minus.hiddenWeights = bumped(start.hiddenWeights, r, col, -h)
            check(start.hiddenWeights[r, col], moved.hiddenWeights[r, col], plus, minus)
        }
    }

    func bumped(_ t: Tensor<Double>, _ r: Int, _ c: Int, _ h: Double) -> Tensor<Double> {
        var s = t.scalars
        s[r * t.shape[1] + c] += h
        return Tensor(shape: t.shape, scalars: s)
    }

    /// The authors' routing net from the decoupled init (b₀ = 0.08, hidden 8) at a quarter of their
    /// lr (0.005, 2000 epochs: the same flow time, GD closer to the flow): each mode crosses half
    /// its singular value within 1.5 % of the epoch the depth-3 race predicts, ends at its singular
    /// value, and every held-out pair is then routed correctly (all pathways share one learned map).
    @Test func decoupledModesFollowTheDepthThreeRace() {
        let task = GatedRoutingTask(domains: 7)
        var net = GatedRoutingNetwork.decoupled(task, hidden: 8, layerStrength: 0.08, seed: 4)
        let eta = 0.005, epochs = 2000
        var modes = [[Double]](repeating: [], count: 4)
        for epoch in 0...epochs {
            for (a, v) in net.modeStrengths(input: 2, output: 3, task).enumerated() { modes[a].append(v) }
            if epoch < epochs { net.step(task, learningRate: eta) }
        }
        let times = (0...epochs).map { eta * Double($0) }
        for a in 0..<4 {
            let s = task.singularValues[a]
            let theory = NeuralRace.routingModeStrengths(target: s, task, layerStrength: 0.08, times: times)
            let simulatedHalf = GatedLinearScheme.crossing(modes[a], level: s / 2)!
            let predictedHalf = GatedLinearScheme.crossing(theory, level: s / 2)!
            #expect(Swift.abs(simulatedHalf - predictedHalf) / predictedHalf < 0.015, "mode \(a): half-way at epoch \(simulatedHalf) vs \(predictedHalf)")
            #expect(Swift.abs(modes[a].last! - s) < 1e-3 * s && Swift.abs(theory.last! - s) < 1e-3 * s)
        }
        #expect(net.routingScore(task, pairs: task.heldOutPairs).accuracy == 1)
    }

    /// The interpolated crossing and the gap measure on hand-made curves.
    @Test func crossingAndGapMeasures() {
        #expect(GatedLinearScheme.crossing([0, 1, 3, 4], level: 2) == 1.5)
        #expect(GatedLinearScheme.crossing([5, 6], level: 2) == 0)
        #expect(GatedLinearScheme.crossing([0, 1], level: 2) == nil)
        // Final value 10: the gap counts from index 1 (value 1 ≥ 10 % of 10), so index 0's 100 % is ignored.
        #expect(GatedLinearScheme.gapAfterTenPercent([0.1, 1, 5, 10], [0.05, 1, 4, 10]) == 0.25)
    }

    /// The scheme's race from the decoupled init at a small size (P = 4, C = 2, 3000 epochs at
    /// lr 0.01): the simulated modes follow the closed form within 5 % and the shared modes rise first.
    @Test func raceSchemeReportsGapAndOrder() throws {
        let scheme = try GatedLinearScheme(options: ["task": "race", "items": "4", "contexts": "2", "hidden": "4", "epochs": "3000", "lr": "0.01"])
        let c = SchemeContext.make(try PowerLawLinearClass(options: ["d": "1"]), nTrain: 1, nValidation: 0, nTest: 1, seed: 0, rng: RandomStream(seed: 1))
        let r = try scheme.run(c)
        #expect(r.status == .done)
        #expect(r.metrics["max_gap"]! < 0.05, "gap \(r.metrics["max_gap"]!)")
        #expect(r.metrics["shared_first"] == 1)
        #expect(r.metrics["epoch_50_shared"]! < r.metrics["epoch_50_specific"]!)
        #expect(Swift.abs(r.metrics["epoch_50_shared"]! - r.metrics["theory_epoch_50_shared"]!) / r.metrics["theory_epoch_50_shared"]! < 0.05)
        #expect(r.curves.contains { $0.metric == "specific_theory" })
    }
}
