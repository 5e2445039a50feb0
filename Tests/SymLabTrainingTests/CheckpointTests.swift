import Foundation
import SymLabNumerics
import SymLabOptim
import SymLabTraining
import Testing

/// Resuming from a ``TrainingCheckpoint`` is bit-identical to never having stopped (issue 28,
/// item 5): same curves after the checkpoint, same final parameters and metrics, for stateful
/// optimizers, a schedule, minibatches mid-epoch and early-stopping bookkeeping.
@Suite struct CheckpointTests {
    final class Keeper: TrainingObserver {
        var points: [CurvePoint] = []
        var checkpoints: [TrainingCheckpoint] = []
        func record(_ p: [CurvePoint]) { points += p }
        var shouldStop: Bool { false }
        func saveCheckpoint(_ c: TrainingCheckpoint) { checkpoints.append(c) }
    }

    func trainer(_ rule: OptimizerRule, schedule: LearningRateSchedule) -> (Trainer<Double>, LinearModel) {
        let model = LinearModel(d: 4)
        let optimizer = Optimizer<Double>(rule, learningRate: 0.05, weightDecay: 1e-3, schedule: schedule)
        // 45 steps of 12 out of 64 samples: checkpoints fall mid-epoch, with a partly used permutation.
        let config = TrainingConfig(steps: 45, batchSize: 12, evalEvery: 5, earlyStoppingPatience: 100, checkpointEvery: 10)
        return (Trainer(model: model, optimizer: optimizer, config: config, batchOrder: RandomStream(seed: 7), showProgress: false), model)
    }

    @Test(arguments: [(OptimizerRule.adam, LearningRateSchedule.cosine(totalSteps: 45, minFactor: 0)),
                      (OptimizerRule.momentum(0.9, nesterov: true), LearningRateSchedule.step(every: 15, factor: 0.5))])
    func resumingFromACheckpointIsBitIdenticalToNotStopping(rule: OptimizerRule, schedule: LearningRateSchedule) throws {
        let data = TrainerTests().linearData(seed: 5)
        let (whole, wholeModel) = trainer(rule, schedule: schedule)
        let keeper = Keeper()
        let uninterrupted = whole.train(data, observer: keeper)
        #expect(uninterrupted.status == .done)
        #expect(keeper.checkpoints.map(\.step) == [10, 20, 30, 40])
        for taken in keeper.checkpoints {
            // Through the bytes the store keeps.
            let checkpoint = try TrainingCheckpoint.decoded(taken.encoded())
            #expect(checkpoint == taken)
            let (resumed, resumedModel) = trainer(rule, schedule: schedule)
            let after = Keeper()
            let result = resumed.train(data, observer: after, resumingFrom: checkpoint)
            #expect(result.status == .done && result.stepsCompleted == 45)
            #expect(resumedModel.parameters.flatValues.scalars == wholeModel.parameters.flatValues.scalars, "from step \(checkpoint.step)")
            #expect(after.points == keeper.points.filter { $0.step > checkpoint.step }, "curves from step \(checkpoint.step)")
            #expect(result.metrics == uninterrupted.metrics)
            #expect(result.lastFiniteLoss == uninterrupted.lastFiniteLoss)
        }
    }

    @Test func noCheckpointUnlessAsked() {
        let model = LinearModel(d: 4)
        let t = Trainer(model: model, optimizer: Optimizer(.adam, learningRate: 0.01), config: TrainingConfig(steps: 30, evalEvery: 5),
                        batchOrder: RandomStream(seed: 1), showProgress: false)
        let keeper = Keeper()
        _ = t.train(TrainerTests().linearData(seed: 1), observer: keeper)
        #expect(keeper.checkpoints.isEmpty)
    }
}
