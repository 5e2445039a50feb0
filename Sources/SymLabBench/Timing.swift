import SymLabNumerics

/// Median and spread of repeated timings.
struct TimingSummary {
    let median: Double, p10: Double, p90: Double

    init(_ samples: [Double]) {
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

/// Fixed-width number formatting without Foundation.
func fmt(_ x: Double, _ digits: Int = 2) -> String {
    guard x.isFinite else { return "\(x)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (x * scale).rounded() / scale
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        if digits == 0 { s = String(s[..<dot]) }
    } else if digits > 0 {
        s += "." + String(repeating: "0", count: digits)
    }
    return s
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}
