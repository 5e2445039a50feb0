import Foundation

/// Plateaus of a learning curve: stretches where the error stays put while t grows by a factor,
/// the signature of online SGD sitting near a saddle (one per principal component in Refinetti
/// & Goldt's autoencoders). The detector reports the levels it finds rather than testing
/// assumed ones, so a figure can say where a curve dwelt and compare those levels with theory.
public enum Plateaus {
    /// One dwell: the curve stayed within ±`tolerance` of `level` for t in [start, end].
    public struct Dwell: Sendable, Equatable {
        public var start: Double, end: Double
        /// The median of the values in the dwell.
        public var level: Double
        /// end/start: how long (in log t) the curve stayed.
        public var ratio: Double { end / start }
    }

    /// The dwells of the curve (t ascending, t > 0): maximal runs of consecutive points whose
    /// largest and smallest value differ by at most a factor (1 + tolerance)/(1 − tolerance)
    /// (so every value is within ±tolerance of the run's middle), lasting at least
    /// `minimumRatio` in t, found greedily from the left. A slowly creeping curve yields a
    /// dwell wherever it moves by less than that factor over `minimumRatio` in t.
    public static func dwells(t: [Double], y: [Double], tolerance: Double = 0.1, minimumRatio: Double = 1.5) -> [Dwell] {
        precondition(t.count == y.count, "Plateaus.dwells: \(t.count) times for \(y.count) values")
        precondition(tolerance > 0 && tolerance < 1 && minimumRatio > 1, "Plateaus.dwells: tolerance in (0, 1), minimumRatio > 1")
        let points = zip(t, y).filter { $0.0 > 0 && $0.1.isFinite && $0.1 > 0 }
        let spread = (1 + tolerance) / (1 - tolerance)
        var found: [Dwell] = []
        var i = 0
        while i < points.count {
            var lo = points[i].1, hi = lo, j = i
            while j + 1 < points.count {
                let v = points[j + 1].1
                guard Swift.max(hi, v) <= spread * Swift.min(lo, v) else { break }
                lo = Swift.min(lo, v); hi = Swift.max(hi, v); j += 1
            }
            if points[j].0 >= minimumRatio * points[i].0 {
                let values = points[i...j].map(\.1).sorted()
                let median = values.count % 2 == 1 ? values[values.count / 2] : (values[values.count / 2 - 1] + values[values.count / 2]) / 2
                found.append(Dwell(start: points[i].0, end: points[j].0, level: median))
                i = j + 1
            } else {
                i += 1
            }
        }
        return found
    }
}
