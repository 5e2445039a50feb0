import SymLabOptim

/// The `optimizer:` section of a training run's spec. Names are enums, read once by the spec
/// reader (an unknown name is an error naming the key and the allowed values), so nothing
/// downstream compares strings or falls through to a default.
public struct OptimizerConfig: Sendable, Equatable {
    /// `optimizer.name`; the raw values are the spec's words.
    public enum Name: String, Sendable, CaseIterable {
        case sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad
    }

    /// `optimizer.schedule`; the raw values are the spec's words.
    public enum ScheduleName: String, Sendable, CaseIterable {
        case constant, cosine, step
        case warmupCosine = "warmup-cosine"
    }

    public var name: Name
    public var learningRate: Double
    public var weightDecay: Double
    public var momentum: Double
    /// Multiplies the learning rate by a factor drawn log-uniformly from this range with the run's
    /// own seed (Kiani et al. Figure 4: default × [0.1, 10]).
    public var learningRateLogUniformFactor: ClosedRange<Double>?
    public var schedule: ScheduleName
    public var warmupSteps: Int
    public var stepEvery: Int
    public var stepFactor: Double

    /// The rule, with PyTorch defaults for the moment parameters.
    public var rule: OptimizerRule {
        switch name {
        case .sgd: .sgd
        case .momentum: .momentum(momentum, nesterov: false)
        case .nesterov: .momentum(momentum, nesterov: true)
        case .adam: .adam
        case .adamw: .adamW
        case .rmsprop: .rmsprop
        case .adagrad: .adagrad
        }
    }

    public func learningRateSchedule(totalSteps: Int) -> LearningRateSchedule {
        switch schedule {
        case .constant: .constant
        case .cosine: .cosine(totalSteps: totalSteps, minFactor: 0)
        case .step: .step(every: stepEvery, factor: stepFactor)
        case .warmupCosine: .warmup(steps: warmupSteps, then: .cosine(totalSteps: Swift.max(totalSteps - warmupSteps, 1), minFactor: 0))
        }
    }

    /// The keys of the section.
    public static let keys = ["name", "lr", "weight_decay", "momentum", "lr_log_uniform_factor", "schedule", "warmup_steps", "step_every", "step_factor"]

    /// Reads and checks the section.
    init(reading opt: SpecReader) throws {
        try opt.allowOnly(Self.keys)
        var factor: ClosedRange<Double>? = nil
        if let f = opt.map["lr_log_uniform_factor"] {
            guard case .list(let l) = f, l.count == 2, let lo = l[0].number, let hi = l[1].number, lo > 0, hi >= lo else {
                throw opt.fail("lr_log_uniform_factor", "expected [low, high] with 0 < low ≤ high, got \(f)")
            }
            factor = lo...hi
        }
        name = try opt.choice("name", default: Name.adam)
        learningRate = try opt.double("lr", default: 1e-3, range: 0...1e6)
        weightDecay = try opt.double("weight_decay", default: 0, range: 0...1e6)
        momentum = try opt.double("momentum", default: 0.9, range: 0...1)
        learningRateLogUniformFactor = factor
        schedule = try opt.choice("schedule", default: ScheduleName.constant)
        warmupSteps = try opt.int("warmup_steps", default: 0, range: 0...100_000_000)
        stepEvery = try opt.int("step_every", default: 1000, range: 1...100_000_000)
        stepFactor = try opt.double("step_factor", default: 0.1, range: 0...1)
    }
}
