import SymLabNumerics

/// `symlab theory er-parity`: the premise of Kiani et al. Theorem 3 on a grid of n — the bias of
/// every degree-count parity bit b_δ = (−1)^{c_A[δ]} of G(n, p), which bits are near-unbiased,
/// and the pair and parity moments among the central degrees H_ER,n draws from — as a table,
/// two CSV files and the per-n summaries a plot needs.
public struct ERParityStudy {
    public struct Settings: Sendable {
        public var nodes: [Int], p: Double, samples: Int, threshold: Double, confidence: Double, window: Double
        public var exactMaxNodes: Int, seed: UInt64, allDegrees: Bool
        public init(nodes: [Int], p: Double, samples: Int, threshold: Double, confidence: Double, window: Double,
                    exactMaxNodes: Int, seed: UInt64, allDegrees: Bool) {
            self.nodes = nodes; self.p = p; self.samples = samples; self.threshold = threshold; self.confidence = confidence
            self.window = window; self.exactMaxNodes = exactMaxNodes; self.seed = seed; self.allDegrees = allDegrees
        }
    }

    /// One n's headline numbers, for the plot.
    public struct Summary: Sendable {
        public let n: Int, near: Int, nearCI: Int
        public let pair: Double?, pairUpper: Double?
    }

    public let settings: Settings
    public let stats: [ERParityBits]
    public let summaries: [Summary]
    /// The normal quantile of the intervals, and their level as text ("95.0%").
    public let z: Double, level: String
    /// The report as printed; the per-degree table and the per-n summary as CSV.
    public let lines: [String], bitsCSV: String, summaryCSV: String

    public init(_ s: Settings) throws {
        typealias F = NumberFormat
        settings = s
        let stats = try s.nodes.map { try ERParityBits.compute(nodes: $0, p: s.p, window: s.window, samples: s.samples, seed: s.seed, exactMaxNodes: s.exactMaxNodes) }
        self.stats = stats
        let z = Correlations.normalQuantile(0.5 + s.confidence / 2)
        let level = F.fixed(100 * s.confidence, 1) + "%"
        self.z = z
        self.level = level
        var text: [String] = []
        text.append("G(n, \(s.p)): degree-count parity bits b_δ = (−1)^{c_A[δ]}, c_A[δ] = #nodes of degree δ; near-unbiased: |E b_δ| < \(s.threshold)")
        var bitsCSV = "n,method,graphs,degree,offset,degree_probability,expected_count,bias,lower,upper,independent_nodes_bias,near_unbiased,central\n"
        for st in stats {
            let near = Set(st.nearUnbiased(threshold: s.threshold))
            text.append("")
            text.append("n = \(st.nodes): " + (st.method == .exact ? "exact (all 2^\(st.nodes * (st.nodes - 1) / 2) graphs)" : "Monte Carlo (\(st.samples) graphs, \(level) intervals)")
                        + ", mean degree \(F.fixed(st.meanDegree, 2)), sd \(F.fixed(st.degreeStandardDeviation, 2)), central degrees \(st.centralDegrees)")
            text.append(F.cells(["δ", "δ−mean", "P(deg=δ)", "E c_δ", "E b_δ", "interval", "indep.", ""], [5, 8, 10, 8, 9, 19, 9, 0]))
            let q = st.degreeProbabilities, indep = st.independentNodesBias
            for δ in 0..<st.nodes {
                let offset = Double(δ) - st.meanDegree
                let hw = st.halfWidth(st.bias[δ], z: z)
                if s.allDegrees || abs(offset) <= 3 * st.degreeStandardDeviation {
                    let interval = st.method == .exact ? "exact" : "[\(F.fixed(st.bias[δ] - hw, 4)), \(F.fixed(st.bias[δ] + hw, 4))]"
                    text.append(F.cells([
                        "\(δ)", F.fixed(offset, 1), F.scientific(q[δ]), F.fixed(Double(st.nodes) * q[δ], 3),
                        F.fixed(st.bias[δ], 4), interval, F.fixed(indep[δ], 4),
                        (near.contains(δ) ? "near-unbiased" : "") + (st.centralDegrees.contains(δ) ? (near.contains(δ) ? ", " : "") + "central" : ""),
                    ], [5, 8, 10, 8, 9, 19, 9, 0]))
                }
                bitsCSV += "\(st.nodes),\(st.method.rawValue),\(st.samples),\(δ),\(offset),\(q[δ]),\(Double(st.nodes) * q[δ]),\(st.bias[δ]),\(st.bias[δ] - hw),\(st.bias[δ] + hw),\(indep[δ]),\(near.contains(δ)),\(st.centralDegrees.contains(δ))\n"
            }
        }
        text.append("")
        text.append("summary (γ-type quantities are max |E| over the named set; 'upper' bounds are \(level) simultaneous over it, Bonferroni; exact rows have no interval)")
        let widths = [5, 12, 7, 7, 9, 14, 10, 9, 18, 18]
        text.append(F.cells(["n", "method", "graphs", "near", "near(CI)", "near degrees", "max|Ebb'|", "upper", "max|Eχ_T| |T|=2..4", "max|Eχ_T| all T"], widths))
        var summaryCSV = "n,method,graphs,near_unbiased,near_unbiased_ci,near_lo,near_hi,max_pair,max_pair_upper,central,max_parity_2_4,max_parity_2_4_upper,max_parity_all,max_parity_all_subset\n"
        var summaries: [Summary] = []
        for st in stats {
            let near = st.nearUnbiased(threshold: s.threshold)
            let nearCI = st.confidentlyNearUnbiased(threshold: s.threshold, confidence: s.confidence)
            let pair = st.maxPairMoment(among: near, confidence: s.confidence)
            let low = st.maxCentralParityMoment(orders: 2...4, confidence: s.confidence)
            let all = st.maxCentralParityMoment(orders: 1...max(1, st.centralDegrees.count), confidence: s.confidence)
            let range = near.isEmpty ? "—" : "\(near.first!)…\(near.last!)"
            text.append(F.cells([
                "\(st.nodes)", st.method.rawValue, st.method == .exact ? "all" : "\(st.samples)", "\(near.count)", "\(nearCI.count)", range,
                pair.map { F.fixed($0.value, 4) } ?? "—", pair.map { F.fixed($0.upperBound, 4) } ?? "—",
                low.map { F.fixed($0.value, 4) + (st.method == .exact ? "" : " (≤\(F.fixed($0.upperBound, 3)))") } ?? "—",
                all.map { F.fixed($0.value, 3) + " \($0.subset)" } ?? "—",
            ], widths))
            summaries.append(Summary(n: st.nodes, near: near.count, nearCI: nearCI.count, pair: pair?.value, pairUpper: pair?.upperBound))
            summaryCSV += "\(st.nodes),\(st.method.rawValue),\(st.samples),\(near.count),\(nearCI.count),\(near.first.map(String.init) ?? ""),\(near.last.map(String.init) ?? ""),"
                + "\(pair.map { "\($0.value)" } ?? ""),\(pair.map { "\($0.upperBound)" } ?? ""),\"\(st.centralDegrees.map(String.init).joined(separator: " "))\","
                + "\(low.map { "\($0.value)" } ?? ""),\(low.map { "\($0.upperBound)" } ?? ""),\(all.map { "\($0.value)" } ?? ""),\"\(all.map { $0.subset.map(String.init).joined(separator: " ") } ?? "")\"\n"
        }
        text.append("The bits are not independent: every graph has Π_{δ odd} b_δ = 1 (handshake lemma) and Π_δ b_δ = (−1)^n. What the")
        text.append("hardness argument needs is that parities of few central bits are near 0 (the last two columns): E[g_S g_S'] = E[χ_{S△S'}].")
        self.summaries = summaries
        lines = text
        self.bitsCSV = bitsCSV
        self.summaryCSV = summaryCSV
    }
}
