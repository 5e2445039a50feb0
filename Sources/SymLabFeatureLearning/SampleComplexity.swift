import Foundation
import SymLabNumerics

/// Sample-complexity sweeps (research note §6): for each dimension d, losses at sample sizes n on
/// a geometric grid over several seeds → n*(d), the smallest n at which the loss reaches τ, then
/// the exponent of n* ∝ d^α by least squares on log–log, with a seeded bootstrap interval.
///
/// The searched variable need not be a sample size: `n` is whatever grows until the loss reaches
/// τ and `d` whatever labels a curve. The least width that interpolates n points (Munteanu et al.,
/// `munteanu-coupled-init`) is the same search with `d` = the number of points and `n` = the
/// width, read on the grid itself (`interpolate: false`: "the smallest grid width reaching τ")
/// and per seed (``perSeedThresholds(_:tau:interpolate:)``).
public enum SampleComplexity {
    /// One measured loss: `n` is the searched variable (samples, or a width), `d` the size that
    /// labels the curve.
    public struct Observation: Sendable, Equatable {
        public var d: Double, n: Double, seed: Int, loss: Double
        public init(d: Double, n: Double, seed: Int, loss: Double) { self.d = d; self.n = n; self.seed = seed; self.loss = loss }
    }

    /// The smallest n at which a loss curve reaches `tau`: the first grid point with loss ≤ τ,
    /// interpolated linearly in log n against the loss between it and the point before (so n*
    /// does not jump by whole grid factors). nil when no point reaches τ; the first n when it
    /// already does. Non-finite losses count as not reaching τ. With `interpolate` false, the
    /// grid point itself: where the criterion is all or nothing (a training error of exactly 0)
    /// or the grid is what the question is asked on, a value between grid points means nothing.
    public static func threshold(n: [Double], loss: [Double], tau: Double, interpolate: Bool = true) -> Double? {
        precondition(n.count == loss.count, "SampleComplexity.threshold: \(n.count) sizes, \(loss.count) losses")
        let order = n.indices.sorted { n[$0] < n[$1] }
        for (k, i) in order.enumerated() where loss[i].isFinite && loss[i] <= tau {
            guard k > 0, interpolate else { return n[i] }
            let j = order[k - 1]
            guard loss[j].isFinite, loss[j] > loss[i] else { return n[i] }
            let t = (loss[j] - tau) / (loss[j] - loss[i])
            return Foundation.exp(Foundation.log(n[j]) + t * (Foundation.log(n[i]) - Foundation.log(n[j])))
        }
        return nil
    }

    /// Least-squares slope and intercept of y on x.
    public static func linearFit(x: [Double], y: [Double]) -> (slope: Double, intercept: Double) {
        precondition(x.count == y.count && x.count >= 2, "SampleComplexity.linearFit: need ≥ 2 points, got \(x.count)")
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
        let slope = sxx > 0 ? sxy / sxx : .nan
        return (slope, my - slope * mx)
    }

    /// n*(d) for every d from the median loss over seeds at each (d, n). With `monotone`, the
    /// median curve is first made non-increasing in n (``nonIncreasing(_:)``): the expected loss
    /// does not grow with n, and the first crossing of a noisy curve is biased towards a dip.
    public static func thresholds(_ obs: [Observation], tau: Double, monotone: Bool = false, interpolate: Bool = true) -> [(d: Double, nStar: Double?)] {
        let ds = Array(Set(obs.map(\.d))).sorted()
        return ds.map { d in
            let sub = obs.filter { $0.d == d }
            let ns = Array(Set(sub.map(\.n))).sorted()
            let med = ns.map { n in median(sub.filter { $0.n == n }.map(\.loss)) }
            return (d, threshold(n: ns, loss: monotone ? nonIncreasing(med) : med, tau: tau, interpolate: interpolate))
        }
    }

    /// n*(d) of each seed alone (its own curve, not the median's): what varies from one data set
    /// and initialisation to the next. On the grid (`interpolate` false), with an odd number of
    /// seeds whose curves each stay below τ once they reach it, the median of these is the n* of
    /// the median curve (``thresholds(_:tau:monotone:interpolate:)``).
    public static func perSeedThresholds(_ obs: [Observation], tau: Double, interpolate: Bool = true) -> [(d: Double, seed: Int, nStar: Double?)] {
        let ds = Array(Set(obs.map(\.d))).sorted()
        return ds.flatMap { d in
            let sub = obs.filter { $0.d == d }
            return Array(Set(sub.map(\.seed))).sorted().map { seed in
                let curve = sub.filter { $0.seed == seed }.sorted { $0.n < $1.n }
                return (d, seed, threshold(n: curve.map(\.n), loss: curve.map(\.loss), tau: tau, interpolate: interpolate))
            }
        }
    }

    /// The least-squares non-increasing fit of a sequence (pool adjacent violators, equal
    /// weights): runs that rise are replaced by their mean. Non-finite values stay where they are
    /// and are left out of the pools (they count as not reaching τ in ``threshold``).
    public static func nonIncreasing(_ v: [Double]) -> [Double] {
        let idx = v.indices.filter { v[$0].isFinite }
        var blocks: [(sum: Double, count: Int)] = []
        for i in idx {
            blocks.append((v[i], 1))
            while blocks.count > 1, blocks[blocks.count - 2].sum / Double(blocks[blocks.count - 2].count)
                    < blocks[blocks.count - 1].sum / Double(blocks[blocks.count - 1].count) {
                let last = blocks.removeLast()
                blocks[blocks.count - 1].sum += last.sum
                blocks[blocks.count - 1].count += last.count
            }
        }
        var out = v, k = 0
        for b in blocks {
            for _ in 0..<b.count { out[idx[k]] = b.sum / Double(b.count); k += 1 }
        }
        return out
    }

    /// The fitted exponent α of n* ∝ d^α with a bootstrap interval.
    public struct ExponentFit: Sendable {
        public var tau: Double
        /// n*(d) from all seeds (nil: τ not reached at that d).
        public var thresholds: [(d: Double, nStar: Double?)]
        public var exponent: Double
        public var intercept: Double
        /// The central `level` bootstrap interval of the exponent.
        public var lower: Double, upper: Double
        public var level: Double
        /// Resamples in which every d reached τ (the others give no exponent and are left out).
        public var usableResamples: Int, resamples: Int
    }

    /// Fits α on the d at which τ is reached (at least two needed, else nil); `monotone` and
    /// `interpolate` as in ``thresholds(_:tau:monotone:interpolate:)``. The bootstrap
    /// resamples seeds with replacement within each d (seeds are the independent unit: one seed
    /// is one data set), recomputes the median curves, n*(d) and α, and takes percentiles.
    /// `seed` drives the bootstrap's own ``RandomStream``, so the interval is reproducible.
    public static func fitExponent(_ obs: [Observation], tau: Double, resamples: Int = 1000, level: Double = 0.95,
                                   seed: UInt64 = 0, monotone: Bool = false, interpolate: Bool = true) -> ExponentFit? {
        let base = thresholds(obs, tau: tau, monotone: monotone, interpolate: interpolate)
        let reached = base.compactMap { t in t.nStar.map { (t.d, $0) } }
        guard reached.count >= 2 else { return nil }
        let fit = linearFit(x: reached.map { Foundation.log($0.0) }, y: reached.map { Foundation.log($0.1) })
        let usedDs = reached.map(\.0)
        var rng = RandomStream(seed: seed, stream: 0x426F_6F74)
        var slopes: [Double] = []
        for _ in 0..<resamples {
            var sample: [Observation] = []
            for d in usedDs {
                let sub = obs.filter { $0.d == d }
                let seeds = Array(Set(sub.map(\.seed))).sorted()
                for k in 0..<seeds.count {
                    let s = seeds[rng.int(below: seeds.count)]
                    // A resampled seed gets a new label so a seed drawn twice counts twice.
                    sample += sub.filter { $0.seed == s }.map { Observation(d: $0.d, n: $0.n, seed: k, loss: $0.loss) }
                }
            }
            let t = thresholds(sample, tau: tau, monotone: monotone, interpolate: interpolate)
            guard t.allSatisfy({ $0.nStar != nil }) else { continue }
            slopes.append(linearFit(x: t.map { Foundation.log($0.d) }, y: t.map { Foundation.log($0.nStar!) }).slope)
        }
        slopes.sort()
        let lo = quantile(slopes, (1 - level) / 2), hi = quantile(slopes, 1 - (1 - level) / 2)
        return ExponentFit(tau: tau, thresholds: base, exponent: fit.slope, intercept: fit.intercept, lower: lo, upper: hi,
                           level: level, usableResamples: slopes.count, resamples: resamples)
    }

    /// Two growth laws of n* against a size s, fitted by least squares on ln n*: polynomial
    /// n* = a·s^α (ln n* linear in ln s) and exponential n* = a·e^{βs} (ln n* linear in s), and
    /// how well each predicts sizes it was not fitted on. A fit on the sizes it is judged on would
    /// favour whichever law bends more; held-out sizes do not.
    public struct GrowthComparison: Sendable {
        public enum Law: String, Sendable { case polynomial, exponential }
        public var sizes: [Double], nStar: [Double]
        /// ln a and α of the polynomial law; ln a and β of the exponential law (all sizes).
        public var polynomial: (logA: Double, alpha: Double)
        public var exponential: (logA: Double, beta: Double)
        /// Leave-one-out: the root mean square over sizes of ln n* − ln(prediction by the law fitted without that size).
        public var polynomialLeaveOneOut: Double, exponentialLeaveOneOut: Double
        /// The largest size's n* predicted by each law fitted on the smaller sizes.
        public var polynomialPredictsLargest: Double, exponentialPredictsLargest: Double

        /// The law with the smaller leave-one-out error; nil when they are equal to 10⁻⁹ (e.g. n*
        /// constant: both laws fit it exactly with α = β = 0).
        public var better: Law? {
            let p = polynomialLeaveOneOut, e = exponentialLeaveOneOut
            if abs(p - e) <= 1e-9 * Swift.max(1, abs(p), abs(e)) { return nil }
            return p < e ? .polynomial : .exponential
        }

        public func predict(_ law: Law, at size: Double) -> Double {
            switch law {
            case .polynomial: return Foundation.exp(polynomial.logA + polynomial.alpha * Foundation.log(size))
            case .exponential: return Foundation.exp(exponential.logA + exponential.beta * size)
            }
        }
    }

    /// Fits both laws to (size, n*) pairs with positive sizes; nil for fewer than three distinct
    /// sizes (two points fit either law exactly, and leave-one-out needs two left).
    public static func compareGrowth(sizes: [Double], nStar: [Double]) -> GrowthComparison? {
        precondition(sizes.count == nStar.count, "SampleComplexity.compareGrowth: \(sizes.count) sizes, \(nStar.count) values")
        let order = sizes.indices.filter { sizes[$0] > 0 && nStar[$0] > 0 && sizes[$0].isFinite && nStar[$0].isFinite }.sorted { sizes[$0] < sizes[$1] }
        let s = order.map { sizes[$0] }, y = order.map { Foundation.log(nStar[$0]) }
        guard Set(s).count >= 3, Set(s).count == s.count else { return nil }
        let logS = s.map { Foundation.log($0) }
        func fit(_ x: [Double], _ y: [Double]) -> (slope: Double, intercept: Double) { linearFit(x: x, y: y) }
        func leaveOneOut(_ x: [Double]) -> Double {
            var sum = 0.0
            for i in x.indices {
                let keep = x.indices.filter { $0 != i }
                let f = fit(keep.map { x[$0] }, keep.map { y[$0] })
                let r = y[i] - (f.intercept + f.slope * x[i])
                sum += r * r
            }
            return (sum / Double(x.count)).squareRoot()
        }
        func largest(_ x: [Double]) -> Double {
            let f = fit(Array(x.dropLast()), Array(y.dropLast()))
            return Foundation.exp(f.intercept + f.slope * x.last!)
        }
        let p = fit(logS, y), e = fit(s, y)
        return GrowthComparison(sizes: s, nStar: order.map { nStar[$0] }, polynomial: (p.intercept, p.slope), exponential: (e.intercept, e.slope),
                                polynomialLeaveOneOut: leaveOneOut(logS), exponentialLeaveOneOut: leaveOneOut(s),
                                polynomialPredictsLargest: largest(logS), exponentialPredictsLargest: largest(s))
    }

    /// Median (mean of the two middle values for an even count); NaN for none. Non-finite
    /// losses sort last (a diverged run counts as a bad loss, not as a missing one).
    public static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return .nan }
        let s = v.map { $0.isFinite ? $0 : .infinity }.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    /// Linear-interpolated quantile of sorted values; NaN for none.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let pos = q * Double(sorted.count - 1)
        let i = Int(pos.rounded(.down)), f = pos - Double(i)
        return i + 1 < sorted.count ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i]
    }
}
