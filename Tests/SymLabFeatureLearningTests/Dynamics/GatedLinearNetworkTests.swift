import Foundation
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// The gated linear network's hand-written step against finite differences, and its decoupled
/// dynamics against the race reduction's closed form.
@Suite struct GatedLinearNetworkTests {
    @Test func stepIsGradientDescentOnTheLoss() {
        let task = GatedRaceTask(items: 4, contexts: 2, strength: 1.5, seed: 1)
        let start = GatedLinearNetwork.random(task, hidden: 5, std: 0.4, seed: 2)
        var moved = start
        moved.step(task, learningRate: 0.1)
        let h = 1e-6
        for p in 0..<task.pathways {
            for index in [[0, 0], [2, 3], [4, 1]] {
                var plus = start, minus = start
                plus.inputWeights[p] = bumped(start.inputWeights[p], index, h)
                minus.inputWeights[p] = bumped(start.inputWeights[p], index, -h)
                let grad = (plus.loss(task) - minus.loss(task)) / (2 * h)
                #expect(Swift.abs(moved.inputWeights[p][index[0], index[1]] - start.inputWeights[p][index[0], index[1]] + 0.1 * grad) < 1e-8)
            }
            for index in [[0, 0], [3, 4]] {
                var plus = start, minus = start
                plus.outputWeights[p] = bumped(start.outputWeights[p], index, h)
                minus.outputWeights[p] = bumped(start.outputWeights[p], index, -h)
                let grad = (plus.loss(task) - minus.loss(task)) / (2 * h)
                #expect(Swift.abs(moved.outputWeights[p][index[0], index[1]] - start.outputWeights[p][index[0], index[1]] + 0.1 * grad) < 1e-8)
            }
        }
    }

    func bumped(_ t: Tensor<Double>, _ index: [Int], _ h: Double) -> Tensor<Double> {
        var s = t.scalars
        s[index[0] * t.shape[1] + index[1]] += h
        return Tensor(shape: t.shape, scalars: s)
    }

    /// P = 8 items, C = 4 contexts, s = 2, decoupled init u₀ = 10⁻³, η = 0.01 for 10⁴ epochs: every
    /// shared mode of the shared pathway and every specific mode of each context's pathway follows
    /// u(τ) with its pathway's rate to within 3 % once it has reached 10 % of s, and the shared modes
    /// reach s/2 first (the race's prediction: rates 2/P against 2/(PC)).
    @Test func decoupledModesFollowTheRaceClosedForm() {
        let task = GatedRaceTask(items: 8, contexts: 4, strength: 2, seed: 5)
        var network = GatedLinearNetwork.decoupled(task, hidden: 16, initialStrength: 1e-3, seed: 6)
        let eta = 0.01
        var worst = 0.0
        var halfway: [Int: Int] = [:]   // pathway → first epoch a tracked mode of it reached s/2
        let tracked = [(0, Array(task.sharedModes))] + (1..<task.pathways).map { ($0, Array(task.specificModes)) }
        for epoch in 0...10_000 {
            if epoch % 50 == 0 {
                for (p, modes) in tracked {
                    let predicted = NeuralRace.modeStrength(target: 2, rate: NeuralRace.rate(task, pathway: p), initial: 1e-3, time: eta * Double(epoch))
                    for m in modes {
                        let u = network.modeStrength(pathway: p, mode: m, task)
                        if u >= 0.2 { worst = Swift.max(worst, Swift.abs(u - predicted) / predicted) }
                        if u >= 1, halfway[p] == nil { halfway[p] = epoch }
                    }
                }
            }
            network.step(task, learningRate: eta)
        }
        #expect(worst < 0.03, "largest relative gap \(worst)")
        #expect(halfway.count == task.pathways)
        #expect((1..<task.pathways).allSatisfy { halfway[0]! < halfway[$0]! })
    }
}
