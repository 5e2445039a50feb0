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
    /// 1/(t + 1)^power: the classical Robbins–Monro decay (power ∈ (0, 1]).
    case polynomial(power: Double)
    /// Tail-geometric decay over a run of `totalSteps` (Wu et al. 2022; Ge et al. 2019): constant
    /// for the first half, then halved every ⌈N / (2 log₂ N)⌉ steps, so the last phase runs at
    /// about 1/N of the initial rate.
    case tailGeometric(totalSteps: Int)

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
        case .polynomial(let power):
            return Double.pow(Double(step + 1), -power)
        case .tailGeometric(let total):
            let half = total / 2
            if step < half { return 1 }
            return Double.pow(0.5, 1 + (step - half) / Self.tailGeometricPhase(totalSteps: total))
        }
    }

    /// The length of one halving phase of ``tailGeometric(totalSteps:)``: ⌈N / (2 log₂ N)⌉ (≥ 1).
    public static func tailGeometricPhase(totalSteps n: Int) -> Int {
        guard n >= 4 else { return 1 }
        return Swift.max(1, Int((Double(n) / (2 * Double.log2(Double(n)))).rounded(.up)))
    }
}
