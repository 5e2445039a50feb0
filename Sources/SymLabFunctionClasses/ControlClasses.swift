import SymLabCore
import SymLabNumerics

/// Easy invariant targets: the controls of the hardness experiments. The same networks that
/// fail on H_ER,n and C^B_F must learn these to low test error, so that the failure is shown to
/// be specific to the hard classes and not to the architecture, the data size or the optimizer.

/// A low-degree function of the degree histogram of G(n, p), a centred moment of the degrees:
/// - `moment=1`: y = (Σ_i d_i − n(n−1)p) / (2·√(C(n,2)·p(1−p))), the standardised edge count
///   (Σ_i d_i = 2|E|, |E| ~ Binomial(C(n,2), p)): E y = 0 and E y² = 1 exactly;
/// - `moment=2`: y = (1/√n)·Σ_i ((d_i − μ)² − v)/v with μ = (n−1)p, v = (n−1)p(1−p): E y = 0 exactly,
///   the variance (≈ 2 at p = ½) is reported, not documented (the degrees are dependent).
/// Both are linear in c_A (Σ_δ c_A[δ]·(δ − μ)^k). One message-passing layer on constant features
/// gives d_i; a node-wise MLP and a pooling give y.
public struct ERDegreeMomentClass: RegisteredFunctionClass {
    public static let className = "er-degree-moment"
    public static let summary = "control: a centred moment of the degrees of G(n, p) graphs — the edge count by default (an easy invariant graph target)"
    public static let optionDocs = [
        OptionDoc("n", "16", "nodes per graph (3...128)"),
        OptionDoc("p", "0.5", "edge probability, (0, 1)"),
        OptionDoc("moment", "1", "1 (standardised edge count) or 2 (centred second moment of the degrees)"),
        noiseDoc,
    ]

    public let nodes: Int
    public let p: Double
    public let moment: Int
    public let noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { moment == 1 ? LabelMoments(mean: 0, variance: 1) : nil }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        nodes = try o.int("n", default: 16, range: 3...128)
        p = try o.double("p", default: 0.5, in: Interval(0, 1, lowerOpen: true, upperOpen: true))
        moment = try o.int("moment", default: 1, range: 1...2)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target { DegreeMomentTarget(nodes: nodes, p: p, moment: moment) }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = DegreeMomentTarget(nodes: nodes, p: p, moment: moment)
        let count = 4000
        let g = t.sampleInputs(count: count, rng: &rng).graphs
        let y = t.evaluate(.graphs(g))
        var report = PropertyReport(property: "labels are invariant under node relabelling and have mean 0")
        let relabelled = g.relabelled(by: (0..<count).map { _ in Permutation(rng.permutation(nodes)) })
        report.atMost("max |Δ label| under random node relabellings (of \(count))", maxRelativeDifference(y, t.evaluate(.graphs(relabelled))), 1e-12)
        if moment == 1 {
            momentChecks(&report, labels: y, documented: documentedMoments)
        } else {
            let m = LabelMoments(of: y.scalars)
            report.near("label mean", m.mean, 0, tolerance: 5 * (m.variance / Double(count)).squareRoot())
            momentChecks(&report, labels: y, documented: nil)
        }
        return report
    }
}

public struct DegreeMomentTarget: Target {
    public let nodes: Int
    public let p: Double
    public let moment: Int
    public var parameters: [String: String] { [:] }
    public init(nodes: Int, p: Double, moment: Int = 2) { self.nodes = nodes; self.p = p; self.moment = moment }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        .graphs(GraphBatch(adjacency: ErdosRenyi.sample(count: count, nodes: nodes, p: p, rng: &rng)))
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let mu = Double(nodes - 1) * p, v = Double(nodes - 1) * p * (1 - p)
        let degrees = ErdosRenyi.degrees(inputs.graphs.adjacency)
        if moment == 1 {
            let pairs = Double(nodes * (nodes - 1) / 2)
            let scale = 1 / (2 * (pairs * p * (1 - p)).squareRoot())
            return Tensor(degrees.map { deg in deg.reduce(0.0) { $0 + Double($1) - mu } * scale })
        }
        let scale = 1 / (v * Double(nodes).squareRoot())
        return Tensor(degrees.map { deg in
            deg.reduce(0.0) { acc, d in acc + ((Double(d) - mu) * (Double(d) - mu) - v) } * scale
        })
    }
}

/// The cyclic autocorrelation of x ∈ {−1, +1}ⁿ at a lag: y = (1/√n)·Σ_t x_t·x_{t+lag mod n}.
/// C_n-invariant; for 0 < lag < n/2 the n products are pairwise uncorrelated ±1 variables, so
/// E y = 0 and E y² = 1 exactly. A circular convolution of width lag + 1 sees each product.
public struct CyclicAutocorrelationClass: RegisteredFunctionClass {
    public static let className = "cyclic-autocorrelation"
    public static let summary = "control: cyclic autocorrelation of a ±1 sequence at a lag (an easy C_n-invariant target)"
    public static let optionDocs = [
        OptionDoc("n", "16", "sequence length (3...4096)"),
        OptionDoc("lag", "1", "lag, 1 ≤ lag < n/2"),
        noiseDoc,
    ]

    public let n: Int
    public let lag: Int
    public let noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        n = try o.int("n", default: 16, range: 3...4096)
        lag = try o.int("lag", default: 1, range: 1...Swift.max(1, (n - 1) / 2))
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target { AutocorrelationTarget(n: n, lag: lag) }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = AutocorrelationTarget(n: n, lag: lag)
        let count = 4000
        let x = t.sampleInputs(count: count, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var report = PropertyReport(property: "labels are invariant under cyclic shifts; mean 0, variance 1")
        let s = 1 + rng.int(below: n - 1)
        let shifted = Tensor.concat([x.slice(axis: 1, s..<n), x.slice(axis: 1, 0..<s)], axis: 1)
        report.atMost("max |Δ label| under a cyclic shift by \(s)", maxRelativeDifference(y, t.evaluate(.dense(shifted))), 1e-12)
        momentChecks(&report, labels: y, documented: documentedMoments, kurtosis: 3)
        return report
    }
}

public struct AutocorrelationTarget: Target {
    public let n: Int
    public let lag: Int
    public var parameters: [String: String] { [:] }
    public init(n: Int, lag: Int) { self.n = n; self.lag = lag }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { .dense(rng.rademacher([count, n])) }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = inputs.dense
        let rolled = Tensor.concat([x.slice(axis: 1, lag..<n), x.slice(axis: 1, 0..<lag)], axis: 1)
        return (x * rolled).sum(axes: [1]) / Double(n).squareRoot()
    }
}
