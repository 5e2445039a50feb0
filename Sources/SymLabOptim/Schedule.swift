import RealModule

/// A learning-rate schedule: the factor multiplying the base learning rate at each step
/// (steps count from 0).
public indirect enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// × `factor` every `every` steps.
    case step(every: Int, factor: Double)
    /// Cosine from 1 down to `minFactor` over `totalSteps`, then flat.
    case cosine(totalSteps: Int, minFactor: Double)
    /// Linear from 1/(steps) up to 1 over the first `steps` steps, then `then` (counted from the end of warm-up).
    case warmup(steps: Int, then: LearningRateSchedule)

    public func factor(at step: Int) -> Double {
        switch self {
        case .constant:
            return 1
        case .step(let every, let factor):
            return Double.pow(factor, step / Swift.max(every, 1))
        case .cosine(let total, let minFactor):
            let t = Double(Swift.min(step, total)) / Double(Swift.max(total, 1))
            return minFactor + (1 - minFactor) * (1 + Double.cos(.pi * t)) / 2
        case .warmup(let steps, let then):
            if step < steps { return Double(step + 1) / Double(steps) }
            return then.factor(at: step - steps)
        }
    }
}
