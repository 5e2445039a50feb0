import SymLabCore
import SymLabNumerics

/// H_ER,n (Kiani et al. 2024, Theorem 3): parities of degree counts of Erdős–Rényi graphs.
///
/// A graph A ~ G(n, p); its degree histogram c_A; the label g_{S,b}(A) = (−1)^{b + Σ_{δ∈S} c_A[δ]},
/// i.e. the zig-zag parity h of Σ_{δ∈S} c_A[δ], with S a random k-subset of the near-central
/// degrees. The paper's p, S and b were not recovered; following research note §1.3 we take
/// p = 1/2, S among the degrees within `window` = 0.8 standard deviations of the mean degree
/// (≈ 0.4√n for p = 1/2, where the count parities measured near-unbiased), and b a sign bit.
/// Inputs are graphs with constant node features. Labels are ±1, so E y² = 1; the mean is
/// only near 0 (the parity bits are near-, not exactly, unbiased) and is reported, not documented.
public struct ERParityClass: RegisteredFunctionClass {
    public static let className = "er-parity"
    public static let claimsQueryHardness = true
    public static let summary = "H_ER,n: parity of degree-histogram counts of G(n, p) graphs (Kiani et al., Thm 3)"
    public static let optionDocs = [
        OptionDoc("n", "16", "nodes per graph (2...128)"),
        OptionDoc("p", "0.5", "edge probability, [0, 1]"),
        OptionDoc("window", "0.8", "S is drawn from degrees within this many standard deviations of the mean degree"),
        OptionDoc("k", "3", "|S|, number of degree counts in the parity (1...number of central degrees)"),
        OptionDoc("b", "random", "sign bit: random, 0 or 1"),
        noiseDoc,
    ]

    public let nodes: Int
    public let p: Double
    public let centralDegrees: [Int]
    public let subsetSize: Int
    /// nil: drawn with each target.
    public let signBit: Int?
    public let noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { nil }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        nodes = try o.int("n", default: 16, range: 2...128)
        p = try o.double("p", default: 0.5, in: .unit)
        let window = try o.double("window", default: 0.8, in: .positive)
        centralDegrees = ErdosRenyi.centralDegrees(nodes: nodes, p: p, window: window)
        guard !centralDegrees.isEmpty else {
            throw o.fail("window", allowed: "wide enough to contain a degree near the mean \(NumberFormat.shortest(Double(nodes - 1) * p))", got: NumberFormat.shortest(window))
        }
        subsetSize = try o.int("k", default: Swift.min(3, centralDegrees.count), range: 1...centralDegrees.count)
        let b = try o.choice("b", default: "random", among: ["random", "0", "1"])
        signBit = Int(b)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        var prm = o.resolved
        prm["central_degrees"] = centralDegrees.map(String.init).joined(separator: ",")
        parameters = prm
    }

    public func drawTarget(rng: inout RandomStream) -> any Target { drawParityTarget(rng: &rng) }

    public func drawParityTarget(rng: inout RandomStream) -> ERParityTarget {
        let pick = rng.permutation(centralDegrees.count).prefix(subsetSize).map { centralDegrees[$0] }.sorted()
        let b = signBit ?? rng.int(below: 2)
        return ERParityTarget(nodes: nodes, p: p, subset: pick, signBit: b)
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawParityTarget(rng: &rng)
        let count = 2000
        let g = t.sampleInputs(count: count, rng: &rng).graphs
        let y = t.evaluate(.graphs(g))
        var report = PropertyReport(property: "labels are invariant under node relabelling; G(n, p) edge density is p; central count-parity bits are near-unbiased")
        let relabelled = g.relabelled(by: (0..<count).map { _ in Permutation(rng.permutation(nodes)) })
        report.exactly("labels changed by a random node relabelling (of \(count))", mismatchCount(y, t.evaluate(.graphs(relabelled))), 0)
        let pairs = Double(count * nodes * (nodes - 1) / 2)
        report.near("edge density", ErdosRenyi.edgeDensity(g.adjacency), p, tolerance: 5 * (p * (1 - p) / pairs).squareRoot())
        let bias = t.subset.map { abs(parityBitBias(g.adjacency, degree: $0)) }.max() ?? 0
        report.atMost("max |E(−1)^{c_A[δ]}| over δ ∈ S", bias, 0.05 + 4 / Double(count).squareRoot())
        momentChecks(&report, labels: y, documented: nil)
        return report
    }
}

/// E[(−1)^{c_A[δ]}] over a batch: the bias of one count-parity bit.
public func parityBitBias(_ adjacency: Tensor<Double>, degree: Int) -> Double {
    let h = ErdosRenyi.degreeHistograms(adjacency)
    return h.reduce(0.0) { $0 + ($1[degree] % 2 == 0 ? 1 : -1) } / Double(Swift.max(h.count, 1))
}

/// One member g_{S,b} of H_ER,n.
public struct ERParityTarget: Target {
    public let nodes: Int
    public let p: Double
    /// S, as degrees δ (the paper's index i = δ + 1).
    public let subset: [Int]
    public let signBit: Int

    /// The member g_{S,b} with S = `subset` (degrees) and b = `signBit`.
    public init(nodes: Int, p: Double, subset: [Int], signBit: Int) {
        self.nodes = nodes; self.p = p; self.subset = subset; self.signBit = signBit
    }

    public var parameters: [String: String] {
        ["subset_degrees": subset.map(String.init).joined(separator: ","), "sign_bit": "\(signBit)"]
    }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        .graphs(GraphBatch(adjacency: ErdosRenyi.sample(count: count, nodes: nodes, p: p, rng: &rng)))
    }

    /// h(Σ_{δ∈S} c_A[δ]) with the sign bit: (−1)^{b + Σ_{δ∈S} c_A[δ]}.
    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let h = ErdosRenyi.degreeHistograms(inputs.graphs.adjacency)
        return Tensor(h.map { c in (subset.reduce(signBit) { $0 + c[$1] }) % 2 == 0 ? 1.0 : -1.0 })
    }
}
