import SymLabFunctionClasses
import SymLabNumerics

/// The degree-count parity bits of G(n, p), the bits H_ER,n is built from (Kiani et al. 2024,
/// Theorem 3): b_δ(A) = (−1)^{c_A[δ]}, with c_A[δ] the number of nodes of degree δ ∈ 0…n−1.
///
/// The hardness theorem rests on these bits being near-unbiased and near-uncorrelated near the
/// mean degree; this measures both. Exact by enumerating all 2^{n(n−1)/2} graphs for
/// n ≤ ``maxExactNodes``. Beyond that Monte Carlo, with normal-approximation intervals: one node's
/// degree is Binomial(n−1, p), but the degrees are dependent (Σ_v deg v is even) and the parity
/// of a count of nodes is not a per-node quantity, so no cheap closed form for E[b_δ] is known to us.
/// ``independentNodesBias`` is the bias the bits would have if the degrees were independent, shown
/// as an approximation beside the measurement, never in its place.
public struct ERParityBits: Sendable {
    public enum Method: String, Sendable { case exact, monteCarlo = "monte-carlo" }

    /// 2^28 graphs at n = 8 (a few seconds); n = 9 would be 2^36.
    public static let maxExactNodes = 8
    /// The Walsh spectrum over the central bits has 2^c entries.
    public static let maxCentralBits = 20

    public let nodes: Int
    public let p: Double
    public let method: Method
    /// Graphs drawn (Monte Carlo); 0 when exact.
    public let samples: Int
    /// E[b_δ] for δ = 0…n−1.
    public let bias: [Double]
    /// E[b_δ b_ε], n×n (1 on the diagonal).
    public let pairMoments: [[Double]]
    /// The degrees H_ER,n draws its subsets S from (``ErdosRenyi/centralDegrees(nodes:p:window:)``).
    public let centralDegrees: [Int]
    /// E[χ_T] = E[Π_{δ∈T} b_δ] for every T ⊆ ``centralDegrees``, indexed by the bit mask of T
    /// (bit i ↔ centralDegrees[i]). Pairwise correlations of the H_ER,n functions with one sign
    /// bit are entries of it: E[g_S g_S'] = E[χ_{S△S'}].
    public let centralParityMoments: [Double]

    /// The mean degree (n−1)p and its standard deviation √((n−1)p(1−p)).
    public var meanDegree: Double { Double(nodes - 1) * p }
    public var degreeStandardDeviation: Double { (Double(nodes - 1) * p * (1 - p)).squareRoot() }

    /// P(deg v = δ) = C(n−1, δ) p^δ (1−p)^{n−1−δ}: exact (one node's degree is Binomial(n−1, p)).
    public var degreeProbabilities: [Double] { Self.binomialPMF(trials: nodes - 1, p: p) }

    /// (1 − 2q_δ)^n with q_δ = P(deg v = δ): E[b_δ] if the n degrees were independent. An
    /// approximation (they are not independent), for comparison with the measured bias.
    public var independentNodesBias: [Double] {
        degreeProbabilities.map { q in (0..<nodes).reduce(1.0) { a, _ in a * (1 - 2 * q) } }
    }

    /// The half-width at normal quantile z of the interval for a mean of ±1 values with sample mean
    /// `moment`: z·s/√N with s² = N(1 − moment²)/(N − 1). Zero when exact.
    public func halfWidth(_ moment: Double, z: Double) -> Double {
        method == .exact ? 0 : Correlations.signMeanHalfWidth(mean: moment, samples: samples, z: z)
    }

    /// Degrees whose bit has |E[b_δ]| < threshold (the point estimate).
    public func nearUnbiased(threshold: Double) -> [Int] {
        (0..<nodes).filter { abs(bias[$0]) < threshold }
    }

    /// Degrees whose whole confidence interval for E[b_δ] lies inside (−threshold, threshold).
    public func confidentlyNearUnbiased(threshold: Double, confidence: Double) -> [Int] {
        let z = Correlations.normalQuantile(0.5 + confidence / 2)
        return (0..<nodes).filter { abs(bias[$0]) + halfWidth(bias[$0], z: z) < threshold }
    }

    /// The largest |E[b_δ b_ε]| over pairs δ < ε of `degrees`, with an upper confidence bound on it
    /// simultaneous over the pairs (Bonferroni); nil for fewer than two degrees.
    public func maxPairMoment(among degrees: [Int], confidence: Double) -> (degrees: (Int, Int), value: Double, upperBound: Double)? {
        guard degrees.count >= 2 else { return nil }
        let pairs = degrees.count * (degrees.count - 1) / 2
        let z = Correlations.normalQuantile(1 - (1 - confidence) / Double(2 * pairs))
        var best: (degrees: (Int, Int), value: Double, upperBound: Double)?
        var upper = 0.0
        for a in 0..<degrees.count { for b in (a + 1)..<degrees.count {
            let m = pairMoments[degrees[a]][degrees[b]]
            upper = Swift.max(upper, abs(m) + halfWidth(m, z: z))
            if best == nil || abs(m) > best!.value { best = ((degrees[a], degrees[b]), abs(m), 0) }
        } }
        best!.upperBound = upper
        return best
    }

    /// The largest |E[χ_T]| over subsets T of the central degrees with |T| in `orders`, with a
    /// simultaneous (Bonferroni) upper confidence bound; nil when no subset has such a size.
    public func maxCentralParityMoment(orders: ClosedRange<Int>, confidence: Double) -> (subset: [Int], value: Double, upperBound: Double)? {
        let masks = (1..<centralParityMoments.count).filter { orders.contains($0.nonzeroBitCount) }
        guard !masks.isEmpty else { return nil }
        let z = Correlations.normalQuantile(1 - (1 - confidence) / Double(2 * masks.count))
        var bestMask = masks[0], upper = 0.0
        for t in masks {
            let m = centralParityMoments[t]
            upper = Swift.max(upper, abs(m) + halfWidth(m, z: z))
            if abs(m) > abs(centralParityMoments[bestMask]) { bestMask = t }
        }
        let subset = centralDegrees.indices.filter { bestMask >> $0 & 1 == 1 }.map { centralDegrees[$0] }
        return (subset, abs(centralParityMoments[bestMask]), upper)
    }

    // MARK: - Computing

    /// Exact for n ≤ `exactMaxNodes` (≤ ``maxExactNodes``), else Monte Carlo from `samples` graphs
    /// drawn by H_ER,n's own sampler on substream n of `seed` (so each n's numbers do not depend on
    /// the rest of the grid).
    public static func compute(nodes n: Int, p: Double = 0.5, window: Double = 0.8, samples: Int, seed: UInt64,
                               exactMaxNodes: Int = 7) throws -> ERParityBits {
        guard exactMaxNodes <= maxExactNodes else {
            throw TheoryError.invalidArgument("exact enumeration of G(n, p) runs to n = \(maxExactNodes) (2^\(maxExactNodes * (maxExactNodes - 1) / 2) graphs); got \(exactMaxNodes)")
        }
        if n <= exactMaxNodes { return try exact(nodes: n, p: p, window: window) }
        var rng = RandomStream(seed: seed).substream(.graphSize(n))
        return try monteCarlo(nodes: n, p: p, window: window, samples: samples, rng: &rng)
    }

    /// Exact moments by enumerating every graph on n labelled nodes (n ≤ ``maxExactNodes``).
    public static func exact(nodes n: Int, p: Double = 0.5, window: Double = 0.8) throws -> ERParityBits {
        let central = try validate(nodes: n, p: p, window: window)
        guard n <= maxExactNodes else {
            throw TheoryError.invalidArgument("exact enumeration of G(\(n), p) needs 2^\(n * (n - 1) / 2) graphs; n ≤ \(maxExactNodes) is supported, use Monte Carlo beyond")
        }
        let distribution = exactParityDistribution(nodes: n, p: p)
        var gram = GramAccumulator(columns: n + 1)
        var centralDistribution = [Double](repeating: 0, count: 1 << central.count)
        for (mask, w) in distribution.enumerated() where w > 0 {
            gram.addRow({ row in bitRow(mask, n, row) }, weight: w)
            centralDistribution[centralMask(mask, central)] += w
        }
        return ERParityBits(nodes: n, p: p, method: .exact, samples: 0, gram: gram.finish(), total: 1,
                            central: central, centralDistribution: centralDistribution)
    }

    /// Monte Carlo moments from `samples` graphs of G(n, p), drawn with ``ErdosRenyi/sample(count:nodes:p:rng:)``.
    public static func monteCarlo(nodes n: Int, p: Double = 0.5, window: Double = 0.8, samples: Int,
                                  rng: inout RandomStream) throws -> ERParityBits {
        let central = try validate(nodes: n, p: p, window: window)
        guard samples >= 2 else { throw TheoryError.invalidArgument("Monte Carlo needs at least 2 graphs, got \(samples)") }
        var gram = GramAccumulator(columns: n + 1)
        var centralCounts = [Double](repeating: 0, count: 1 << central.count)
        // Batches bound the memory of the adjacency tensors (B·n² Doubles).
        let batch = Swift.max(1, Swift.min(samples, 1 << 22 / (n * n)))
        var drawn = 0
        while drawn < samples {
            let b = Swift.min(batch, samples - drawn)
            let adjacency = ErdosRenyi.sample(count: b, nodes: n, p: p, rng: &rng)
            for histogram in ErdosRenyi.degreeHistograms(adjacency) {
                let odd = histogram.map { $0 & 1 == 1 }   // b_δ = −1 where c_A[δ] is odd
                gram.addRow { row in
                    row[0] = 1
                    for δ in 0..<n { row[δ + 1] = odd[δ] ? -1 : 1 }
                }
                var t = 0
                for (i, δ) in central.enumerated() where odd[δ] { t |= 1 << i }
                centralCounts[t] += 1
            }
            drawn += b
        }
        return ERParityBits(nodes: n, p: p, method: .monteCarlo, samples: samples, gram: gram.finish(),
                            total: Double(samples), central: central, centralDistribution: centralCounts)
    }

    /// P(the parity vector of the degree histogram = mask), mask bit δ = c_A[δ] mod 2, over G(n, p),
    /// by walking all 2^{n(n−1)/2} graphs in Gray-code order (one edge flips per step, so the
    /// degrees and the mask update in O(1)). Counts are kept per edge count, so p enters only at
    /// the end: P(mask) = Σ_e count(mask, e) p^e (1−p)^{E−e}.
    public static func exactParityDistribution(nodes n: Int, p: Double) -> [Double] {
        precondition(n >= 1 && n <= maxExactNodes, "exactParityDistribution: n must be in 1...\(maxExactNodes)")
        let edges = n * (n - 1) / 2
        var endpoints: [(Int, Int)] = []
        for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) { endpoints.append((i, j)) } }
        let stride = edges + 1
        var counts = [UInt64](repeating: 0, count: (1 << n) * stride)
        var degree = [Int](repeating: 0, count: n)
        var present = [Bool](repeating: false, count: edges)
        var mask = n & 1 == 1 ? 1 : 0    // the empty graph: c[0] = n
        var edgeCount = 0
        counts[mask * stride] = 1
        let total: UInt64 = 1 << UInt64(edges)
        var step: UInt64 = 1
        while step < total {
            let e = step.trailingZeroBitCount
            let (i, j) = endpoints[e]
            let add = !present[e]
            present[e] = add
            let change = add ? 1 : -1
            mask ^= 1 << degree[i] ^ 1 << degree[j]
            degree[i] += change; degree[j] += change
            mask ^= 1 << degree[i] ^ 1 << degree[j]
            edgeCount += change
            counts[mask * stride + edgeCount] += 1
            step += 1
        }
        // p^e (1−p)^{E−e} by repeated products (no libm; p = 0 and 1 come out exactly).
        var up = [Double](repeating: 1, count: stride), down = [Double](repeating: 1, count: stride)
        for e in 1..<Swift.max(1, stride) { up[e] = up[e - 1] * p; down[e] = down[e - 1] * (1 - p) }
        return (0..<(1 << n)).map { m in
            (0..<stride).reduce(0.0) { $0 + Double(counts[m * stride + $1]) * up[$1] * down[edges - $1] }
        }
    }

    /// Binomial(trials, p) probabilities of 0…trials (C(t, k) as a Double product, powers by products).
    static func binomialPMF(trials t: Int, p: Double) -> [Double] {
        var up = [Double](repeating: 1, count: t + 1), down = [Double](repeating: 1, count: t + 1)
        for k in stride(from: 1, through: t, by: 1) { up[k] = up[k - 1] * p; down[k] = down[k - 1] * (1 - p) }
        var choose = 1.0
        return (0...t).map { k in
            if k > 0 { choose = choose * Double(t - k + 1) / Double(k) }
            return choose * up[k] * down[t - k]
        }
    }

    // MARK: - Internals

    private static func validate(nodes n: Int, p: Double, window: Double) throws -> [Int] {
        guard n >= 2 else { throw TheoryError.invalidArgument("G(n, p) needs n ≥ 2 nodes, got \(n)") }
        guard n <= 512 else { throw TheoryError.invalidArgument("n ≤ 512 is supported (n² Doubles per graph), got \(n)") }
        guard p >= 0, p <= 1 else { throw TheoryError.invalidArgument("the edge probability p must be in [0, 1], got \(p)") }
        guard window > 0, window.isFinite else { throw TheoryError.invalidArgument("the window must be a positive number of standard deviations, got \(window)") }
        let central = ErdosRenyi.centralDegrees(nodes: n, p: p, window: window)
        guard central.count <= maxCentralBits else {
            throw TheoryError.invalidArgument("the window \(window) holds \(central.count) central degrees; the parity spectrum over them has 2^\(central.count) entries, at most \(maxCentralBits) degrees are supported")
        }
        return central
    }

    /// Row [1, b_0, …, b_{n−1}] of a parity mask (n ≤ 64 here: the exact path only).
    private static func bitRow(_ mask: Int, _ n: Int, _ row: UnsafeMutablePointer<Double>) {
        row[0] = 1
        for δ in 0..<n { row[δ + 1] = mask >> δ & 1 == 1 ? -1 : 1 }
    }

    private static func centralMask(_ mask: Int, _ central: [Int]) -> Int {
        var t = 0
        for (i, δ) in central.enumerated() where mask >> δ & 1 == 1 { t |= 1 << i }
        return t
    }

    /// From the Gram matrix of rows [1, b] (weights summing to `total`) and the distribution of the
    /// central bits: E[b] is its first row, E[b bᵀ] the rest, and E[χ_T] the Walsh–Hadamard
    /// transform of the central distribution.
    private init(nodes: Int, p: Double, method: Method, samples: Int, gram: [Double], total: Double,
                 central: [Int], centralDistribution: [Double]) {
        let w = nodes + 1
        self.nodes = nodes
        self.p = p
        self.method = method
        self.samples = samples
        bias = (0..<nodes).map { gram[$0 + 1] / total }
        pairMoments = (0..<nodes).map { i in (0..<nodes).map { j in gram[(i + 1) * w + j + 1] / total } }
        centralDegrees = central
        var spectrum = centralDistribution.map { $0 / total }
        walshHadamard(&spectrum)
        centralParityMoments = spectrum
    }
}

/// The Walsh–Hadamard transform in place: v[T] ← Σ_x (−1)^{|T ∧ x|} v[x] (length a power of two).
/// Applied to a distribution over bit masks it gives E[χ_T] for every T at once, in c·2^c steps.
func walshHadamard(_ v: inout [Double]) {
    var h = 1
    while h < v.count {
        for start in stride(from: 0, to: v.count, by: 2 * h) {
            for k in start..<(start + h) {
                let a = v[k], b = v[k + h]
                v[k] = a + b; v[k + h] = a - b
            }
        }
        h *= 2
    }
}
