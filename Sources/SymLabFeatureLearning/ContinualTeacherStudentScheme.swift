import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabTraining

/// Catastrophic forgetting in the continual teacher–student set-up (Lee, Sarao Mannelli, Clopath,
/// Goldt, Saxe, ICML 2022, "Maslow's hammer for catastrophic forgetting"): a soft committee machine
/// of K erf units is trained online (one fresh Gaussian input per step, ``OnlineTrainer``) on teacher 1 until
/// t_switch = steps/D, then on teacher 2 until t_end, with continual heads (one output layer per
/// task, only the current task's trained, no copy at the switch). Data: class `teacher-pair`.
///
/// Both tasks' errors are the exact population errors from the order parameters
/// (``CommitteeODE/error(_:task:)``), so no test set is drawn; and each run integrates the mean-field
/// ODE from its own initial overlaps, so every run carries simulation and theory side by side.
/// Forgetting F = ε₁(t_end) − ε₁(t_switch) (the increase of task 1's error over task 2's training),
/// also its largest value after the switch (on the recording grid), ε₁ at the switch (was task 1
/// learned?) and ε₂ at the end (was task 2 learned? small F with large ε₂ is no success).
///
/// Defaults are the authors' paper-era configuration (their repository at commit e108c68):
/// K = 2, weights and heads N(0, 0.001²), η = 0.1 on the hidden weights (step η/√D) and the heads
/// (step η/D, their `scale_head_lr`), t_switch = 250, t_end = 500.
public struct ContinualTeacherStudentScheme: TrainingScheme {
    public static let schemeName = "continual-teacher-student"
    public static let summary = "Lee et al. 2022: online SGD of a K-unit erf committee machine on teacher 1, then teacher 2 (continual heads); exact ε₁(t), ε₂(t) from the overlaps, forgetting, and the mean-field ODE from the same start"
    public static let optionDocs = [
        OptionDoc("hidden", "2", "K, the student's hidden units (1...16)"),
        OptionDoc("init_std", "0.001", "standard deviation of the initial hidden weights and heads"),
        OptionDoc("lr", "0.1", "η: hidden weights step η/√D, heads η/D (t = steps/D is the ODE's time)"),
        OptionDoc("t_switch", "250", "switch from teacher 1 to teacher 2 at t = steps/D"),
        OptionDoc("t_end", "500", "end of training on teacher 2, t = steps/D (> t_switch)"),
        OptionDoc("ode_step", "0.01", "RK4 step of the ODE in t"),
        OptionDoc("chunk", "100", "fresh samples drawn at a time (chunk·D·8 bytes ≤ 1 MiB keeps each chunk in the tensor buffer cache)"),
    ]
    public let hidden: Int, initStd: Double, lr: Double, tSwitch: Double, tEnd: Double, odeStep: Double, chunk: Int

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        hidden = try o.int("hidden", default: 2, range: 1...16)
        initStd = try o.double("init_std", default: 0.001, in: .positive)
        lr = try o.double("lr", default: 0.1, in: .positive)
        tSwitch = try o.double("t_switch", default: 250, in: .positive)
        tEnd = try o.double("t_end", default: 500, in: .positive)
        odeStep = try o.double("ode_step", default: 0.01, in: .positive)
        // Why 100: at D = 1000, chunks of 1024 inputs (8 MB, above ``BufferCache``'s 1 MiB) made a
        // worker's resident memory grow by ~15 MB per chunk (≈ 1 GB after 6·10⁴ steps, measured;
        // the allocator did not reuse the freed blocks); 100 inputs stay in the cache: 40 MB, same speed.
        chunk = try o.int("chunk", default: 100, range: 1...1_000_000)
        guard tEnd > tSwitch else { throw o.fail("t_end", allowed: "> t_switch = \(NumberFormat.shortest(tSwitch))", got: NumberFormat.shortest(tEnd)) }
        try o.finish()
    }

    /// The steps at which overlaps are recorded: 12 log-spaced per decade of t from 0.01 (the early
    /// plateau), 100 evenly spaced over the run, and every Δt = 1 from t_switch − 5 to
    /// t_switch + 30 (the forgetting transient, where the largest increase of ε₁ is read).
    public static func recordingSteps(_ trainer: OnlineTrainer) -> [Int] {
        var s = Set(trainer.recordingSteps(fromTime: 0.01, perDecade: 12, linearCount: 100))
        let d = trainer.dimension, switchStep = trainer.phaseEnds[0], endStep = trainer.totalSteps
        for k in stride(from: switchStep - 5 * d, through: switchStep + 30 * d, by: d) where k >= 0 && k <= endStep { s.insert(k) }
        return s.sorted()
    }

    /// K·D weights, the teachers, one chunk of fresh samples.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let d = run.vectorDimension else { return .failsAtStart }
        return SchemeMemory(networkNumbers: saturatingProduct([hidden + 2, d]), workingNumbers: saturatingSum([run.sampleNumbers(chunk, dimension: d), d]))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        guard let pair = c.target as? TeacherPairTarget else {
            throw SchemeError.unsupportedData(scheme: name, reason: "needs two teachers of known weights (class teacher-pair), got class \(c.functionClass.name)")
        }
        guard c.functionClass.noise == 0 else {
            throw SchemeError.unsupportedData(scheme: name, reason: "labels both tasks itself from the teachers, noise-free (the ODE here has σ = 0); got noise \(c.functionClass.noise)")
        }
        let d = pair.d, dd = Double(d)
        let teachers = CommitteeTeachers(pair)
        var rng = c.rng.substream(.initialisation)
        let weights = (0..<hidden).map { _ in (0..<d).map { _ in initStd * rng.normal() } }
        let heads = (0..<2).map { _ in (0..<hidden).map { _ in initStd * rng.normal() } }
        var student = CommitteeMachine(activation: .erf, weights: weights, heads: heads)
        let ode = CommitteeODE(activation: .erf, teachers: teachers, learningRate: lr, headLearningRate: lr)

        let switchStep = Int((tSwitch * dd).rounded()), endStep = Int((tEnd * dd).rounded())
        let trainer = OnlineTrainer(dimension: d, schedule: [.init(task: 0, steps: switchStep), .init(task: 1, steps: endStep - switchStep)], chunk: chunk)
        let record = Self.recordingSteps(trainer)
        var simulated: [(step: Int, overlaps: CommitteeOverlaps)] = []
        var x = [Double](repeating: 0, count: d)
        let outcome = try trainer.run(recordAt: record, draw: { stream, count in
            try c.matrix(c.freshSamples(count, stream: stream), scheme: name).scalars
        }, step: { task, input in
            x.withUnsafeMutableBufferPointer { b in _ = b.update(fromContentsOf: input) }
            return student.step(task: task, x: x, teachers: teachers, learningRate: lr, headLearningRate: lr)
        }, record: { step, _ in
            simulated.append((step, student.overlaps(with: teachers)))
        }, shouldStop: { c.shouldStop })
        let step = outcome.stepsRun

        let times = record.map { Double($0) / dd }
        let predicted = ode.integrate(from: simulated[0].overlaps, schedule: [(0, Double(switchStep) / dd), (1, Double(endStep - switchStep) / dd)],
                                      times: times, maxStep: odeStep)
        var curves: [CurvePoint] = []
        func addCurves(_ step: Int, _ o: CommitteeOverlaps, split: String) {
            curves.append(CurvePoint(step: step, split: split, metric: "eps1", value: ode.error(o, task: 0)))
            curves.append(CurvePoint(step: step, split: split, metric: "eps2", value: ode.error(o, task: 1)))
            for i in 0..<hidden {
                for k in i..<hidden { curves.append(CurvePoint(step: step, split: split, metric: "Q_\(i + 1)_\(k + 1)", value: o.q[i][k])) }
                for p in 0..<2 { curves.append(CurvePoint(step: step, split: split, metric: "R_\(i + 1)_\(p + 1)", value: o.r[i][p])) }
                for t in 0..<2 { curves.append(CurvePoint(step: step, split: split, metric: "h\(t + 1)_\(i + 1)", value: o.heads[t][i])) }
            }
        }
        for s in simulated { addCurves(s.step, s.overlaps, split: "test") }
        for (s, p) in zip(record, predicted) { addCurves(s, p.overlaps, split: "ode") }

        var metrics: [String: Double] = ["d": dd, "hidden": Double(hidden), "lr": lr, "t_switch": Double(switchStep) / dd, "t_end": Double(endStep) / dd,
                                         "steps": Double(step), "overlap": TeacherPairTarget.dot(pair.teachers[0], pair.teachers[1]) / dd]
        /// F, the largest increase of ε₁ after the switch, ε₁ and ε₂ at the switch and at the end, under `suffix`.
        func summarise(_ points: [(step: Int, overlaps: CommitteeOverlaps)], suffix: String) {
            guard let atSwitch = points.first(where: { $0.step == switchStep }), let last = points.last, last.step == endStep else { return }
            let e1Switch = ode.error(atSwitch.overlaps, task: 0), e1End = ode.error(last.overlaps, task: 0)
            let after = points.filter { $0.step >= switchStep }.map { ode.error($0.overlaps, task: 0) }
            metrics["eps1_initial" + suffix] = ode.error(points[0].overlaps, task: 0)
            metrics["eps1_switch" + suffix] = e1Switch
            metrics["eps2_switch" + suffix] = ode.error(atSwitch.overlaps, task: 1)
            metrics["eps1_end" + suffix] = e1End
            metrics["eps2_end" + suffix] = ode.error(last.overlaps, task: 1)
            metrics["forgetting" + suffix] = e1End - e1Switch
            metrics["max_forgetting" + suffix] = (after.max() ?? e1Switch) - e1Switch
        }
        summarise(simulated, suffix: "")
        summarise(zip(record, predicted).map { ($0, $1.overlaps) }, suffix: "_ode")
        if let f = metrics["forgetting"] { metrics["forgetting_gap"] = f - (metrics["forgetting_ode"] ?? .nan) }

        if let bad = outcome.divergedAt { return SchemeResult(metrics: metrics, curves: curves, status: .diverged, message: "the loss stopped being finite at step \(bad)") }
        if outcome.interrupted { return SchemeResult(metrics: metrics, curves: curves, status: .interrupted, message: "stopped at step \(step) on request") }
        return SchemeResult(metrics: metrics, curves: curves)
    }
}

extension CommitteeTeachers {
    /// The two tasks of a `teacher-pair` target: one unit each, head +1 (the authors' unit-norm head
    /// of a single unit is ±1, and the sign does not matter to an odd g with its own student head).
    public init(_ pair: TeacherPairTarget) {
        self.init(weights: pair.teachers, heads: [[1], [1]], units: [[0], [1]])
    }
}
