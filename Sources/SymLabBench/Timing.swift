import SymLabNumerics

/// Median and spread of repeated timings: what every benchmark line reports.
public struct TimingSummary: Sendable {
    public let median: Double, p10: Double, p90: Double

    public init(_ samples: [Double]) {
        precondition(!samples.isEmpty)
        let s = samples.sorted()
        func q(_ f: Double) -> Double { s[Swift.min(s.count - 1, Int((Double(s.count - 1) * f).rounded()))] }
        median = q(0.5); p10 = q(0.1); p90 = q(0.9)
    }
}

/// Times `body` `count` times individually, after `warmup` untimed calls.
func timeEach(warmup: Int, count: Int, _ body: () -> Void) -> [Double] {
    for _ in 0..<warmup { body() }
    return (0..<count).map { _ in
        let t0 = Clock.nanoseconds()
        body()
        return Double(Clock.nanoseconds() - t0) * 1e-9
    }
}
