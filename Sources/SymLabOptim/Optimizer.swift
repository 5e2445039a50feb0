import SymLabAutodiff
import SymLabNumerics

/// The update rule of an ``Optimizer``. Defaults follow PyTorch, so that results can be compared
/// with scripts written there.
public enum OptimizerRule: Sendable, Equatable, CustomStringConvertible {
    /// p ← p − η·(g + λp)
    case sgd
    /// b ← μ·b + (g + λp) (b = g at the first step); p ← p − η·b, or with Nesterov p ← p − η·(g + λp + μ·b).
    case momentum(Double, nesterov: Bool)
    /// Adam with bias correction; weight decay enters the gradient (L2).
    case adam(beta1: Double, beta2: Double, eps: Double)
    /// Adam with decoupled weight decay: p ← (1 − ηλ)·p before the Adam step.
    case adamW(beta1: Double, beta2: Double, eps: Double)
    /// v ← α·v + (1 − α)·g²; p ← p − η·g/(√v + ε).
    case rmsprop(alpha: Double, eps: Double)
    /// s ← s + g²; p ← p − η·g/(√s + ε).
    case adagrad(eps: Double)

    public static let adam = OptimizerRule.adam(beta1: 0.9, beta2: 0.999, eps: 1e-8)
    public static let adamW = OptimizerRule.adamW(beta1: 0.9, beta2: 0.999, eps: 1e-8)
    public static let rmsprop = OptimizerRule.rmsprop(alpha: 0.99, eps: 1e-8)
    public static let adagrad = OptimizerRule.adagrad(eps: 1e-10)

    public var description: String {
        switch self {
        case .sgd: "sgd"
        case .momentum(let mu, let nesterov): nesterov ? "nesterov(\(mu))" : "momentum(\(mu))"
        case .adam(let b1, let b2, let e): "adam(β1=\(b1), β2=\(b2), ε=\(e))"
        case .adamW(let b1, let b2, let e): "adamw(β1=\(b1), β2=\(b2), ε=\(e))"
        case .rmsprop(let a, let e): "rmsprop(α=\(a), ε=\(e))"
        case .adagrad(let e): "adagrad(ε=\(e))"
        }
    }

    var stateBuffers: Int {
        switch self {
        case .sgd: 0
        case .momentum, .rmsprop, .adagrad: 1
        case .adam, .adamW: 2
        }
    }
}

/// How one parameter group is trained: the layer-wise schemes of the feature-learning papers
/// freeze a layer, or give it its own learning rate, by group.
public struct GroupOptions: Sendable, Equatable {
    public var learningRateScale: Double = 1
    public var frozen = false
    /// Overrides the optimizer's weight decay for this group.
    public var weightDecay: Double? = nil
    public init(learningRateScale: Double = 1, frozen: Bool = false, weightDecay: Double? = nil) {
        self.learningRateScale = learningRateScale
        self.frozen = frozen
        self.weightDecay = weightDecay
    }
}

/// A first-order optimizer over a ``ParameterStore``'s flat buffer.
///
/// One ``step(_:)`` applies the rule to every unfrozen group with learning rate
/// η·schedule(t)·scale(group), in one fused pass per contiguous range. Optimizer state (momenta,
/// second moments) is flat too, in the store's layout. Step counts (for Adam's bias correction
/// and the schedule) are kept per group, so a group unfrozen later starts its own count, as a
/// fresh optimizer on that layer would.
public final class Optimizer<S: TensorScalar> {
    public let rule: OptimizerRule
    public var learningRate: Double
    public var weightDecay: Double
    public var schedule: LearningRateSchedule
    public var groupOptions: [String: GroupOptions] = [:]
    /// Completed steps per group.
    public private(set) var groupSteps: [String: Int] = [:]
    private var state: [Tensor<S>] = []

    public init(_ rule: OptimizerRule, learningRate: Double, weightDecay: Double = 0, schedule: LearningRateSchedule = .constant) {
        precondition(learningRate.isFinite && learningRate >= 0, "Optimizer: learning rate must be finite and ≥ 0, got \(learningRate)")
        self.rule = rule
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.schedule = schedule
    }

    public func freeze(_ group: String) { groupOptions[group, default: GroupOptions()].frozen = true }
    public func unfreeze(_ group: String) { groupOptions[group, default: GroupOptions()].frozen = false }
    public func setLearningRateScale(_ scale: Double, for group: String) {
        groupOptions[group, default: GroupOptions()].learningRateScale = scale
    }

    /// The state a checkpoint keeps: the flat state buffers (momenta, moments; empty before the
    /// first step) and the per-group step counts, exactly.
    public var savedState: (buffers: [Tensor<S>], groupSteps: [String: Int]) { (state.map { $0.copy() }, groupSteps) }

    /// Puts back what ``savedState`` returned: the next step is the one an uninterrupted run takes.
    public func restore(buffers: [Tensor<S>], groupSteps: [String: Int]) {
        state = buffers.map { $0.copy() }
        self.groupSteps = groupSteps
    }

    /// Forgets all state (momenta, moments, step counts).
    public func reset() { state = []; groupSteps = [:] }

    /// The learning rate a group gets at its next step.
    public func currentLearningRate(for group: String = "default") -> Double {
        learningRate * schedule.factor(at: groupSteps[group, default: 0]) * (groupOptions[group]?.learningRateScale ?? 1)
    }

    /// Applies one update using the gradients accumulated in `store`.
    @_specialize(where S == Double) @_specialize(where S == Float)
    public func step(_ store: ParameterStore<S>) {
        if state.count != rule.stateBuffers || state.first.map({ $0.count != store.count }) == true {
            state = (0..<rule.stateBuffers).map { _ in Tensor<S>(shape: [store.count]) }
        }
        let kernels = updateKernels(S.self)
        store.withFlatBuffers { values, grads in
            for (group, ranges) in store.groupLayout {
                let options = groupOptions[group] ?? GroupOptions()
                if options.frozen { continue }
                let t = groupSteps[group, default: 0] + 1
                let lr = currentLearningRate(for: group)
                let wd = options.weightDecay ?? weightDecay
                for range in ranges {
                    let p = UnsafeMutableRawPointer(values + range.lowerBound)
                    let g = UnsafeRawPointer(grads + range.lowerBound)
                    let s = state.map { $0.storage.base.advanced(by: $0.offset + range.lowerBound) }
                    let s0 = s.first.map { UnsafeMutableRawPointer($0) }
                    let n = range.count
                    switch rule {
                    case .sgd:
                        kernels.sgd(p, g, nil, n, lr: lr, weightDecay: wd, momentum: 0, nesterov: false, firstStep: t == 1)
                    case .momentum(let mu, let nesterov):
                        kernels.sgd(p, g, s0, n, lr: lr, weightDecay: wd, momentum: mu, nesterov: nesterov, firstStep: t == 1)
                    case .adam(let b1, let b2, let eps):
                        kernels.adam(p, g, s0!, UnsafeMutableRawPointer(s[1]), n, lr: lr, beta1: b1, beta2: b2, eps: eps, step: t,
                                     weightDecay: wd, decoupled: false)
                    case .adamW(let b1, let b2, let eps):
                        kernels.adam(p, g, s0!, UnsafeMutableRawPointer(s[1]), n, lr: lr, beta1: b1, beta2: b2, eps: eps, step: t,
                                     weightDecay: wd, decoupled: true)
                    case .rmsprop(let alpha, let eps):
                        kernels.rmsprop(p, g, s0!, n, lr: lr, alpha: alpha, eps: eps, weightDecay: wd)
                    case .adagrad(let eps):
                        kernels.adagrad(p, g, s0!, n, lr: lr, eps: eps, weightDecay: wd)
                    }
                }
                groupSteps[group] = t
            }
        }
    }
}
