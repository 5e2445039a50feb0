import Foundation
import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// The online protocol: every step a fresh input, never one seen before, from streams in order;
/// the schedule's tasks in order; recording where asked.
@Suite struct OnlineTrainerTests {
    /// Inputs of a real class, drawn as a scheme draws them (`SeededData.freshSamples`).
    static func classInputs(d: Int, seed: UInt64) throws -> (SeededData, (UInt64, Int) -> [Double]) {
        let data = SeededData(try FunctionClassRegistry.make("single-index", options: ["d": "\(d)"]), seed: seed)
        return (data, { stream, count in
            let s: Dataset<Double> = data.freshSamples(count, stream: stream)
            guard case .dense(let x) = s.inputs else { preconditionFailure("single-index gives dense inputs") }
            return x.scalars
        })
    }

    @Test func neverReusesASampleAcrossChunksAndTasks() throws {
        let d = 6
        let (data, draw) = try Self.classInputs(d: d, seed: 4)
        // Chunks of 7 do not divide the phases (45 + 0 + 38 steps): the switch falls inside a chunk.
        let trainer = OnlineTrainer(dimension: d, schedule: [.init(task: 0, steps: 45), .init(task: 2, steps: 0), .init(task: 1, steps: 38)], chunk: 7)
        var seen: [[Double]] = [], tasks: [Int] = []
        let outcome = trainer.run(recordAt: [], draw: draw, step: { task, x in
            seen.append(Array(x)); tasks.append(task); return 0
        }, record: { _, _ in })
        #expect(outcome.stepsRun == 83 && seen.count == 83 && outcome.samplesDrawn == 83)
        #expect(Set(seen).count == seen.count, "an input was used twice")
        #expect(tasks == Array(repeating: 0, count: 45) + Array(repeating: 1, count: 38))
        #expect(outcome.streams == Array(1000..<1012))
        // Fresh: none of them is a training or test input of the same seed.
        let splits: [Dataset<Double>] = [data.sample(.train, count: 200), data.sample(.test, count: 200)]
        for s in splits {
            guard case .dense(let x) = s.inputs else { return }
            let rows = (0..<200).map { Array(x.scalars[($0 * d)..<(($0 + 1) * d)]) }
            #expect(Set(rows).isDisjoint(with: Set(seen)))
        }
        // The same seed gives the same sequence whatever the chunk size.
        var again: [[Double]] = []
        OnlineTrainer(dimension: d, schedule: [.init(task: 0, steps: 83)], chunk: 7).run(recordAt: [], draw: draw, step: { _, x in
            again.append(Array(x)); return 0
        }, record: { _, _ in })
        #expect(again == seen)
    }

    @Test func recordsAtTheAskedStepsWithTheTaskBeingTrained() {
        let trainer = OnlineTrainer(dimension: 10, schedule: [.init(task: 0, steps: 20), .init(task: 1, steps: 30)], chunk: 8)
        let marks = trainer.recordingSteps(fromTime: 0.1, perDecade: 4, linearCount: 5)
        #expect(marks.first == 0 && marks.last == 50 && marks.contains(20) && marks == marks.sorted() && Set(marks).count == marks.count)
        #expect(marks.contains(trainer.step(atTime: 1)) && trainer.time(ofStep: 25) == 2.5)
        var rng = RandomStream(seed: 1)
        var recorded: [(Int, Int)] = [], stepsDone = 0
        trainer.run(recordAt: [0, 5, 20, 21, 50], draw: { _, n in (0..<(n * 10)).map { _ in rng.normal() } }, step: { _, _ in
            stepsDone += 1; return 0
        }, record: { step, task in
            #expect(step == stepsDone, "recorded after exactly the steps it names")
            recorded.append((step, task))
        })
        #expect(recorded.map(\.0) == [0, 5, 20, 21, 50])
        #expect(recorded.map(\.1) == [0, 0, 1, 1, 1], "the state at the switch is recorded as handed to task 1")
    }

    @Test func aLossThatIsNotFiniteStopsTheRunAndAStopRequestInterruptsIt() {
        let trainer = OnlineTrainer(dimension: 3, schedule: [.init(task: 0, steps: 100)], chunk: 4)
        var n = 0
        let diverged = trainer.run(recordAt: [], draw: { _, c in Array(repeating: 1, count: 3 * c) }, step: { _, _ in
            n += 1; return n == 9 ? .nan : 1
        }, record: { _, _ in })
        #expect(diverged.divergedAt == 9 && diverged.stepsRun == 9 && !diverged.interrupted)
        var chunks = 0
        let stopped = trainer.run(recordAt: [], draw: { _, c in chunks += 1; return Array(repeating: 1, count: 3 * c) },
                                  step: { _, _ in 0 }, record: { _, _ in }, shouldStop: { chunks == 2 })
        #expect(stopped.interrupted && stopped.stepsRun == 8 && stopped.divergedAt == nil)
    }
}
