import SymLabNumerics

/// A statistical-query oracle over one sample: the only way an SQ or CSQ learner (`csq-gd`,
/// `sq-label-transform`) learns anything about the labels, so that its tolerance τ is explicit
/// and its queries are counted (docs/statistical-queries.md §1).
///
/// A query is handed over as its values on the sample — the learner evaluates φ, the oracle
/// averages — and every value must lie in [−1, 1], the range the SQ model's tolerance is relative
/// to (Kearns 1998): a value outside is the learner's mistake, refused with
/// ``StatisticalQueryError/valueOutOfRange(kind:query:sample:value:)`` rather than clipped, since a
/// clipped query would be answered about a different function than the one asked.
///
/// The answer is the empirical mean v̂ perturbed by the ``Mode``:
/// - ``Mode/none``: v̂ itself (the empirical learner; its error is the sampling error).
/// - ``Mode/random``: v̂ + U(−τ, τ), drawn from the oracle's own seeded stream, one draw per query
///   in the order asked (finite precision, noisy gradients).
/// - ``Mode/adversarial``: the answer within τ of v̂ closest to the *null answer* v₀, the value
///   the query would have if the labels carried no information: v₀ when |v̂ − v₀| ≤ τ, else
///   v̂ moved by exactly τ towards v₀. This is the adversary of the lower bounds (Szörényi 2009;
///   Feldman 2017), who answers as if the target were the null function as long as τ allows.
///   CSQ: v₀ = E[φ(x)·0] = 0 (the zero function). SQ: v₀ = E_x E_y φ(x, y) with y independent of x,
///   estimated by pairing each input with the label of the next sample (the cyclic shift
///   i ↦ i + 1 mod N: a fixed permutation without fixed points, so no pair is the sample's own).
public struct StatisticalQueryOracle: Sendable {
    public enum Mode: String, CaseIterable, Sendable {
        case none, random, adversarial
    }

    /// τ ≥ 0: every answer is within τ of the empirical mean.
    public let tolerance: Double
    public let mode: Mode
    /// Draws of ``Mode/random`` (untouched in the other modes).
    private var noise: RandomStream
    /// SQ queries answered (each coordinate of a vector query counts as one).
    public private(set) var statisticalQueries = 0
    /// CSQ queries answered (each coordinate of a vector query counts as one).
    public private(set) var correlationalQueries = 0
    /// All queries answered.
    public var queries: Int { statisticalQueries + correlationalQueries }
    /// The largest |v̂ − v₀| (empirical mean minus null answer) of any query answered: how far from
    /// "the labels carry no information" the learner's queries got. An adversarial oracle with τ
    /// at least this large answered every query with its null answer.
    public private(set) var largestDeviation = 0.0

    /// An oracle of tolerance τ (finite, ≥ 0) answering in `mode`; `noise` is its own stream for
    /// ``Mode/random`` (same stream, same answers, bit for bit).
    public init(tolerance: Double, mode: Mode, noise: RandomStream) throws {
        guard tolerance >= 0, tolerance.isFinite else { throw StatisticalQueryError.invalidTolerance(tolerance) }
        self.tolerance = tolerance; self.mode = mode; self.noise = noise
    }

    // MARK: - SQ

    /// E[φ(x, y)] for one SQ query: `labels` are the sample's labels y_i (any real numbers) and
    /// `query(i, y)` is φ(x_i, y) ∈ [−1, 1] — called with the sample's own label and, in
    /// adversarial mode, with another sample's (for the null answer).
    public mutating func statistical(labels: [Double], _ query: (_ sample: Int, _ label: Double) -> Double) throws -> Double {
        try statistical(labels: labels, count: 1) { i, y, out in out[0] = query(i, y) }[0]
    }

    /// `count` SQ queries at once (one per coordinate; each counts as one query): `query(i, y, &values)`
    /// writes φ_q(x_i, y) for q = 0..<count into `values`.
    public mutating func statistical(labels: [Double], count: Int,
                                     _ query: (_ sample: Int, _ label: Double, _ values: inout [Double]) -> Void) throws -> [Double] {
        let n = labels.count
        guard n >= 1 else { throw StatisticalQueryError.emptySample }
        precondition(count >= 0, "StatisticalQueryOracle: a negative number of queries")
        var row = [Double](repeating: 0, count: count)
        func mean(pairedWith label: (Int) -> Double) throws -> [Double] {
            var sum = [Double](repeating: 0, count: count)
            for i in 0..<n {
                query(i, label(i), &row)
                for q in 0..<count {
                    let v = row[q]
                    guard v >= -1, v <= 1 else { throw StatisticalQueryError.valueOutOfRange(kind: .statistical, query: q, sample: i, value: v) }
                    sum[q] += v
                }
            }
            return sum.map { $0 / Double(n) }
        }
        let empirical = try mean { labels[$0] }
        let null = mode == .adversarial ? try mean { labels[($0 + 1) % n] } : []
        statisticalQueries += count
        return (0..<count).map { q in perturb(empirical[q], null: mode == .adversarial ? null[q] : 0) }
    }

    // MARK: - CSQ

    /// E[φ(x)·y] for one CSQ query: `values[i]` = φ(x_i) ∈ [−1, 1], labels y_i ∈ [−1, 1] (scale
    /// real labels by a bound first). The null answer is 0.
    public mutating func correlational(values: [Double], labels: [Double]) throws -> Double {
        try correlational(values: Tensor(shape: [values.count, 1], scalars: values), labels: labels)[0]
    }

    /// One CSQ query per column of `values` [N, Q] (φ_q(x_i) ∈ [−1, 1] in row i), each counted as
    /// one query: [E[φ_q(x)·y]] for q = 0..<Q, labels y_i ∈ [−1, 1].
    public mutating func correlational(values: Tensor<Double>, labels: [Double]) throws -> [Double] {
        precondition(values.rank == 2 && values.shape[0] == labels.count,
                     "StatisticalQueryOracle: query values \(values.shape) for \(labels.count) labels")
        let n = labels.count, count = values.shape[1]
        guard n >= 1 else { throw StatisticalQueryError.emptySample }
        for (i, y) in labels.enumerated() where !(y >= -1 && y <= 1) {
            throw StatisticalQueryError.labelOutOfRange(sample: i, value: y)
        }
        var sum = [Double](repeating: 0, count: count)
        try values.withUnsafePointer { p in
            for i in 0..<n {
                let y = labels[i], r = p + i * count
                for q in 0..<count {
                    let v = r[q]
                    guard v >= -1, v <= 1 else { throw StatisticalQueryError.valueOutOfRange(kind: .correlational, query: q, sample: i, value: v) }
                    sum[q] += v * y
                }
            }
        }
        correlationalQueries += count
        return sum.map { perturb($0 / Double(n), null: 0) }
    }

    /// The answer to a query with empirical mean `v` and null answer `null`, in this oracle's mode.
    private mutating func perturb(_ v: Double, null: Double) -> Double {
        largestDeviation = Swift.max(largestDeviation, abs(v - null))
        switch mode {
        case .none: return v
        case .random: return tolerance > 0 ? v + noise.uniform(-tolerance, tolerance) : v
        case .adversarial:
            let gap = v - null
            return abs(gap) <= tolerance ? null : v - (gap > 0 ? tolerance : -tolerance)
        }
    }
}

/// Why the oracle refused a query.
public enum StatisticalQueryError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable { case statistical = "SQ", correlational = "CSQ" }
    case invalidTolerance(Double)
    case emptySample
    /// A query value outside [−1, 1]: the learner must normalise its query (by a bound it documents).
    case valueOutOfRange(kind: Kind, query: Int, sample: Int, value: Double)
    /// A CSQ label outside [−1, 1]: real labels must be divided by a bound before a correlational query.
    case labelOutOfRange(sample: Int, value: Double)

    public var description: String {
        switch self {
        case .invalidTolerance(let t): "statistical-query oracle: the tolerance τ must be a finite number ≥ 0, got \(t)"
        case .emptySample: "statistical-query oracle: no samples to answer from"
        case let .valueOutOfRange(kind, q, i, v):
            "statistical-query oracle: \(kind.rawValue) query \(q) has value \(v) on sample \(i), outside [−1, 1]; normalise the query by a bound on its values"
        case let .labelOutOfRange(i, v):
            "statistical-query oracle: label \(v) of sample \(i) is outside [−1, 1]; a correlational query needs labels divided by a bound"
        }
    }
}
