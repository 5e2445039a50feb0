import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import SymLabTraining

/// Online SGD on the sphere for a single-index target (Ben Arous, Gheissari, Jagannath, JMLR
/// 2021; research note §5 and §6F): the student is w ∈ S^{d−1}, the loss the correlation loss
/// L(w; x, y) = −y·h_k(w·x) with k the information exponent of the teacher's link, one fresh
/// sample per step. The population loss is −E[σ*(w*·x) h_k(w·x)] = −c_k·m^k in the overlap
/// m = ⟨w, w*⟩, so the drift of m near a random start (m ≈ 1/√d) is ∝ m^{k−1}: this is what makes
/// the number of samples to weak recovery grow like d (k = 1), d log d (k = 2) and d^{k−1} (k ≥ 3).
public enum OnlineSGD {
    /// What one run of spherical online SGD did.
    public struct Trajectory: Sendable {
        /// (step, overlap m = ⟨w, w*⟩) at the recorded steps, step 0 first.
        public var overlaps: [(step: Int, overlap: Double)]
        /// The first step after which |m| (or m, for odd k) reached the threshold; nil if never.
        public var recoveryStep: Int?
        public var stepsRun: Int
        public var initialOverlap: Double
        public var finalOverlap: Double
        public var interrupted: Bool
    }

    /// The default step size c·d^{−max(1, k/2)}. Why: the normalisation shrinks m by ≈ η²·d·k·m/2
    /// per step while the signal grows it by η·k·m^{k−1}; at the start m ≈ d^{−1/2}, so the signal
    /// wins only for η ≲ d^{−1} (k ≤ 2) and η ≲ d^{−k/2} (k ≥ 3, Ben Arous et al.'s step-size regime).
    public static func defaultLearningRate(d: Int, k: Int, scale: Double) -> Double {
        scale * Foundation.pow(Double(d), -Swift.max(1, Double(k) / 2))
    }

    /// The steps ~40 log-spaced recording points fall on, from 1 to `maxSteps`.
    public static func recordingSteps(maxSteps: Int, count: Int = 40) -> Set<Int> {
        guard maxSteps >= 1 else { return [0] }
        let top = Foundation.log(Double(maxSteps))
        var s: Set<Int> = [0, maxSteps]
        for i in 0...count { s.insert(Int(Foundation.exp(top * Double(i) / Double(count)).rounded())) }
        return s
    }

    /// Runs spherical online SGD from `start` (a unit vector) on samples supplied in chunks by
    /// `chunk(index)` (inputs [c, d] and labels [c]), one sample per step, until the overlap with
    /// `teacher` reaches `threshold` or `maxSteps` steps. Every product is a BLAS level-1 call.
    ///
    /// Update, for g = −y·h_k′(w·x)·x = −y·√k·h_{k−1}(z)·x (the loss gradient, z = w·x):
    /// w ← (w − η(g − (g·w)w)) / ‖·‖, i.e. a step along the tangent space, then back to the sphere.
    /// For even k the loss is invariant under w → −w, so recovery is |m| ≥ threshold.
    public static func run(k: Int, start: Tensor<Double>, teacher: Tensor<Double>, learningRate eta: Double, maxSteps: Int,
                           threshold: Double = 0.5, chunk: (Int) throws -> (x: Tensor<Double>, y: Tensor<Double>),
                           shouldStop: () -> Bool = { false }) rethrows -> Trajectory {
        let d = start.count
        precondition(k >= 1, "OnlineSGD.run: information exponent must be ≥ 1, got \(k)")
        precondition(teacher.count == d, "OnlineSGD.run: start has \(d) entries, teacher \(teacher.count)")
        let symmetric = k % 2 == 0
        var w = start.reshaped([d]).copy()
        let wStar = teacher.reshaped([d])
        let record = recordingSteps(maxSteps: maxSteps)
        let sqrtK = Double(k).squareRoot()
        func overlap() -> Double { Tensor.dot(w, wStar) }
        let m0 = overlap()
        var traj = Trajectory(overlaps: [(0, m0)], recoveryStep: nil, stepsRun: 0, initialOverlap: m0, finalOverlap: m0, interrupted: false)
        var step = 0, chunkIndex = 0
        outer: while step < maxSteps {
            if shouldStop() { traj.interrupted = true; break }
            let (x, y) = try chunk(chunkIndex)
            chunkIndex += 1
            let rows = x.shape[0]
            precondition(x.rank == 2 && x.shape[1] == d && y.count == rows, "OnlineSGD.run: chunk of inputs \(x.shape), labels \(y.shape) for d = \(d)")
            let done: Bool = x.withUnsafePointer { xp in y.withUnsafePointer { yp in w.withUnsafeMutablePointer { wp in
                wStar.withUnsafePointer { sp in
                    for i in 0..<rows {
                        let xi = xp + i * d
                        let z = Double.blasDot(n: d, x: wp, incx: 1, y: xi, incy: 1)
                        let s = -yp[i] * sqrtK * Hermite.orthonormal(k - 1, z)        // g = s·x
                        // w − η(s·x − s·z·w) = (1 + η s z)·w − η s·x
                        Double.blasScal(n: d, alpha: 1 + eta * s * z, x: wp, incx: 1)
                        Double.blasAxpy(n: d, alpha: -eta * s, x: xi, incx: 1, y: wp, incy: 1)
                        let norm = Double.blasDot(n: d, x: wp, incx: 1, y: wp, incy: 1).squareRoot()
                        guard norm > 0, norm.isFinite else { return true }
                        Double.blasScal(n: d, alpha: 1 / norm, x: wp, incx: 1)
                        step += 1
                        let m = Double.blasDot(n: d, x: wp, incx: 1, y: sp, incy: 1)
                        if record.contains(step) { traj.overlaps.append((step, m)) }
                        if (symmetric ? Swift.abs(m) : m) >= threshold {
                            traj.recoveryStep = step
                            if !record.contains(step) { traj.overlaps.append((step, m)) }
                            return true
                        }
                        if step >= maxSteps { return true }
                    }
                    return false
                }
            } } }
            if done { break outer }
        }
        traj.stepsRun = step
        traj.finalOverlap = overlap()
        return traj
    }
}

/// Ben Arous et al.'s experiment as a scheme: spherical online SGD with the correlation loss on a
/// `single-index` target (r = 1, Hermite link, isotropic inputs), from a uniform random start,
/// counting the samples (= steps) until the overlap ⟨w, w*⟩ reaches `threshold` (weak recovery).
///
/// The start is drawn uniformly on the sphere and put in the teacher's hemisphere (m₀ > 0), as in
/// the paper's setting: for odd k the other hemisphere is a separate sign problem, for even k the
/// loss does not see the sign. Samples are fresh (data streams 1000, 1001, …, so the same seed
/// gives the same sample sequence at every point); the spec's splits are not used.
public struct OnlineSGDScheme: TrainingScheme {
    public static let schemeName = "online-sgd"
    public static let summary = "Ben Arous et al.: spherical online SGD with the correlation loss −y·h_k(w·x), samples to weak recovery ⟨w, w*⟩ ≥ threshold"
    public static let optionDocs = [
        OptionDoc("lr_scale", "0.5", "c in the step size η = c·d^(−max(1, k/2))"),
        OptionDoc("lr", "0", "an explicit step size (overrides lr_scale when > 0)"),
        OptionDoc("threshold", "0.5", "weak recovery: the overlap to reach, in (0, 1)"),
        OptionDoc("max_steps", "0", "step budget (0: 40·d^max(1, k−1)·(ln d if k = 2))"),
        OptionDoc("chunk", "2048", "samples drawn at a time"),
    ]
    public let lrScale: Double, lr: Double, threshold: Double, maxSteps: Int, chunk: Int

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        lrScale = try o.double("lr_scale", default: 0.5, in: .positive)
        lr = try o.double("lr", default: 0, in: .nonNegative)
        threshold = try o.double("threshold", default: 0.5, in: Interval(0, 1, lowerOpen: true, upperOpen: true))
        maxSteps = try o.int("max_steps", default: 0, range: 0...1_000_000_000)
        chunk = try o.int("chunk", default: 2048, range: 1...1_000_000)
        try o.finish()
    }

    /// The automatic budget: 40× the predicted order of the samples to weak recovery.
    public static func defaultBudget(d: Int, k: Int) -> Int {
        let dd = Double(d)
        let predicted = Foundation.pow(dd, Double(Swift.max(1, k - 1))) * (k == 2 ? Foundation.log(dd) : 1)
        return Int(Swift.min(40 * predicted, 1e9))
    }

    /// One weight vector of d numbers; one chunk of fresh samples at a time (the splits are not used).
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let d = run.vectorDimension else { return .failsAtStart }
        return SchemeMemory(networkNumbers: saturatingProduct([d, 2]), workingNumbers: run.sampleNumbers(chunk, dimension: d))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        guard let t = c.target as? IndexTarget, t.projection.shape[0] == 1, t.spike == nil,
              case .hermite(let coefficients) = t.link, let k = Hermite.informationExponent(coefficients) else {
            throw SchemeError.unsupportedData(scheme: name, reason: "needs a single-index target with a Hermite link and isotropic inputs (class single-index), got class \(c.functionClass.name)")
        }
        let d = t.d
        let eta = lr > 0 ? lr : OnlineSGD.defaultLearningRate(d: d, k: k, scale: lrScale)
        let budget = maxSteps > 0 ? maxSteps : Self.defaultBudget(d: d, k: k)
        let teacher = t.projection.reshaped([d])
        var rng = c.rng.substream(.initialisation)
        var w: Tensor<Double> = rng.normal([d])
        w = w.scaled(by: 1 / Tensor.dot(w, w).squareRoot())
        if Tensor.dot(w, teacher) < 0 { w = w.scaled(by: -1) }
        let traj = try OnlineSGD.run(k: k, start: w, teacher: teacher, learningRate: eta, maxSteps: budget, threshold: threshold,
                                     chunk: { i in
                                         let s = c.freshSamples(chunk, stream: 1000 + UInt64(i))
                                         return (try c.matrix(s, scheme: name), s.labels)
                                     }, shouldStop: { c.shouldStop })
        var metrics: [String: Double] = [
            "information_exponent": Double(k), "d": Double(d), "learning_rate": eta, "step_budget": Double(budget),
            "steps_run": Double(traj.stepsRun), "initial_overlap": traj.initialOverlap, "final_overlap": traj.finalOverlap,
            "recovered": traj.recoveryStep == nil ? 0 : 1,
        ]
        if let s = traj.recoveryStep { metrics["steps_to_recovery"] = Double(s) }
        let curves = traj.overlaps.map { CurvePoint(step: $0.step, split: "train", metric: "overlap", value: $0.overlap) }
        if traj.interrupted {
            return SchemeResult(metrics: metrics, curves: curves, status: .interrupted, message: "stopped at step \(traj.stepsRun) on request")
        }
        return SchemeResult(metrics: metrics, curves: curves,
                            message: traj.recoveryStep == nil ? "no weak recovery within \(budget) steps (final overlap \(traj.finalOverlap))" : nil)
    }
}

/// The exponent α of a count that grows like d^α (samples to weak recovery, samples to learn a
/// staircase), from per-seed counts at each d: least squares of log(median over seeds) on log d,
/// with a seeded bootstrap over seeds within each d. A run that never got there counts as +∞
/// (it is not left out: leaving it out would bias the median down); a d whose median is +∞ is
/// not fitted.
public enum MedianScaling {
    public struct Fit: Sendable {
        /// (d, median count) at every d with a finite median.
        public var medians: [(d: Double, median: Double)]
        public var exponent: Double, intercept: Double
        /// The central 95% bootstrap interval of the exponent (NaN if < 2 usable resamples).
        public var lower: Double, upper: Double
    }

    /// `counts[d]` = one value per seed (+∞ or NaN: not reached). nil if fewer than two d have a
    /// finite median. `divideBy` (e.g. ln d) divides each count before the fit.
    public static func fit(_ counts: [Double: [Double]], divideBy: (Double) -> Double = { _ in 1 }, resamples: Int = 1000,
                           seed: UInt64 = 0) -> Fit? {
        func medians(_ c: [Double: [Double]]) -> [(Double, Double)] {
            c.keys.sorted().compactMap { d in
                let m = SampleComplexity.median(c[d]!.map { $0.isFinite ? $0 : .infinity }) / divideBy(d)
                return m.isFinite ? (d, m) : nil
            }
        }
        func slope(_ m: [(Double, Double)]) -> (slope: Double, intercept: Double) {
            SampleComplexity.linearFit(x: m.map { Foundation.log($0.0) }, y: m.map { Foundation.log($0.1) })
        }
        let base = medians(counts)
        guard base.count >= 2 else { return nil }
        let (alpha, beta) = slope(base)
        var rng = RandomStream(seed: seed, stream: 0x5363_616C)
        var slopes: [Double] = []
        for _ in 0..<resamples {
            var c: [Double: [Double]] = [:]
            // Sorted keys: a Dictionary's iteration order changes from process to process (seeded
            // hashing), and the same seed must give the same interval bit for bit.
            for d in counts.keys.sorted() { let v = counts[d]!; c[d] = v.map { _ in v[rng.int(below: v.count)] } }
            let m = medians(c)
            if m.count == base.count { slopes.append(slope(m).slope) }
        }
        slopes.sort()
        func q(_ p: Double) -> Double {
            guard slopes.count >= 2 else { return .nan }
            let pos = p * Double(slopes.count - 1), i = Int(pos), f = pos - Double(i)
            return i + 1 < slopes.count ? slopes[i] * (1 - f) + slopes[i + 1] * f : slopes[i]
        }
        return Fit(medians: base.map { ($0.0, $0.1) }, exponent: alpha, intercept: beta, lower: q(0.025), upper: q(0.975))
    }
}
