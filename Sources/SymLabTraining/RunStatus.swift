/// The life of a run, as recorded in the results store.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case queued, running, done, diverged, failed, interrupted

    /// A run in one of these states will not change again unless retried.
    public var isFinished: Bool { self == .done || self == .diverged || self == .failed }
}

/// One logged value of a training curve.
public struct CurvePoint: Sendable, Equatable, Codable {
    public let step: Int
    public let split: String     // "train", "validation", "test"
    public let metric: String    // "mse", "loss", "grad_norm", …
    public let value: Double
    public init(step: Int, split: String, metric: String, value: Double) {
        self.step = step; self.split = split; self.metric = metric; self.value = value
    }
}
