import Foundation

/// The online protocol of the teacher–student and autoencoder papers (Saad & Solla 1995; Goldt
/// et al. 2019; Refinetti & Goldt 2022; Lee et al. 2022): every SGD step sees a fresh input that
/// no earlier step saw, time is t = steps/D, and the order parameters are read along the run.
/// One place owns that loop so each learner only writes its batch-1 update, and one test checks
/// for all of them that no sample is ever used twice.
///
/// Inputs are drawn in chunks (one class call per `chunk` steps, so the class's per-call cost
/// is paid once per chunk, not per step) from streams `firstStream`, `firstStream + 1`, … in
/// order: the same seed gives the same sample sequence whatever the recording points.
public struct OnlineTrainer: Sendable {
    /// Train on `task` for `steps` steps.
    public struct Phase: Sendable, Equatable {
        public var task: Int
        public var steps: Int
        public init(task: Int, steps: Int) { self.task = task; self.steps = steps }
    }

    /// What a run did.
    public struct Outcome: Sendable, Equatable {
        public var stepsRun: Int
        /// Inputs drawn (≥ stepsRun: the last chunk may be cut short by a stop).
        public var samplesDrawn: Int
        /// The streams drawn from, in order (strictly increasing).
        public var streams: [UInt64]
        public var interrupted: Bool
        /// The step whose loss was not finite (the run stops there), or nil.
        public var divergedAt: Int?
    }

    /// Input dimension D: t = step/D.
    public var dimension: Int
    public var schedule: [Phase]
    /// Inputs drawn at a time.
    public var chunk: Int
    public var firstStream: UInt64

    public init(dimension: Int, schedule: [Phase], chunk: Int = 1024, firstStream: UInt64 = 1000) {
        precondition(dimension >= 1 && chunk >= 1, "OnlineTrainer: dimension \(dimension) and chunk \(chunk) must be ≥ 1")
        precondition(schedule.allSatisfy { $0.steps >= 0 }, "OnlineTrainer: a phase has a negative number of steps")
        self.dimension = dimension; self.schedule = schedule; self.chunk = chunk; self.firstStream = firstStream
    }

    public var totalSteps: Int { schedule.reduce(0) { $0 + $1.steps } }

    /// t = step/D, the papers' time (one unit of t = D samples).
    public func time(ofStep step: Int) -> Double { Double(step) / Double(dimension) }

    /// The step closest to time t.
    public func step(atTime t: Double) -> Int { Int((t * Double(dimension)).rounded()) }

    /// The steps where the phases end (each switch, and the end).
    public var phaseEnds: [Int] {
        var s = 0
        return schedule.map { s += $0.steps; return s }
    }

    /// Recording steps: step 0, `perDecade` log-spaced points per decade of t from `fromTime` to
    /// the end, every phase end, and `linearCount` evenly spaced points over the whole run (the
    /// phases after a switch are on a linear scale in the papers' plots). Sorted, unique.
    public func recordingSteps(fromTime: Double = 0.01, perDecade: Int = 12, linearCount: Int = 0) -> [Int] {
        let total = totalSteps
        var s: Set<Int> = [0, total]
        s.formUnion(phaseEnds)
        let tEnd = time(ofStep: total)
        if fromTime > 0, tEnd > fromTime, perDecade > 0 {
            let decades = Foundation.log10(tEnd / fromTime)
            let n = Int((decades * Double(perDecade)).rounded(.up))
            for i in 0...n {
                let t = fromTime * Foundation.pow(10, decades * Double(i) / Double(n))
                s.insert(Swift.min(total, Swift.max(0, step(atTime: t))))
            }
        }
        if linearCount > 0 {
            for i in 0...linearCount { s.insert(total * i / linearCount) }
        }
        return s.sorted()
    }

    /// Runs the schedule. `draw(stream, count)` returns `count` fresh inputs of length D, row
    /// after row; `step(task, x)` does one update on input `x` and returns its loss (a loss that
    /// is not finite stops the run as diverged); `record(step, task)` is called before the first
    /// step (step 0) and after each step listed in `recordAt`, with the task being trained then
    /// (the next phase's task at a switch, so curves show the state handed to the new task).
    @discardableResult
    public func run(recordAt: [Int], draw: (_ stream: UInt64, _ count: Int) throws -> [Double],
                    step: (_ task: Int, _ x: UnsafeBufferPointer<Double>) -> Double,
                    record: (_ step: Int, _ task: Int) -> Void,
                    shouldStop: () -> Bool = { false }) rethrows -> Outcome {
        let d = dimension, total = totalSteps
        let marks = Set(recordAt)
        var outcome = Outcome(stepsRun: 0, samplesDrawn: 0, streams: [], interrupted: false, divergedAt: nil)
        var phaseIndex = 0, leftInPhase = schedule.first?.steps ?? 0
        func currentTask() -> Int {
            while phaseIndex < schedule.count - 1 && leftInPhase == 0 { phaseIndex += 1; leftInPhase = schedule[phaseIndex].steps }
            return schedule.isEmpty ? 0 : schedule[phaseIndex].task
        }
        record(0, currentTask())
        var stream = firstStream
        while outcome.stepsRun < total {
            if shouldStop() { outcome.interrupted = true; break }
            let count = Swift.min(chunk, total - outcome.stepsRun)
            let inputs = try draw(stream, count)
            precondition(inputs.count == count * d, "OnlineTrainer: stream \(stream) gave \(inputs.count) numbers for \(count) inputs of dimension \(d)")
            outcome.streams.append(stream)
            outcome.samplesDrawn += count
            stream += 1
            let stopped: Bool = inputs.withUnsafeBufferPointer { all in
                for row in 0..<count {
                    let task = currentTask()
                    let loss = step(task, UnsafeBufferPointer(rebasing: all[(row * d)..<((row + 1) * d)]))
                    leftInPhase -= 1
                    outcome.stepsRun += 1
                    if !loss.isFinite { outcome.divergedAt = outcome.stepsRun; return true }
                    if marks.contains(outcome.stepsRun) { record(outcome.stepsRun, currentTask()) }
                }
                return false
            }
            if stopped { break }
        }
        return outcome
    }
}
