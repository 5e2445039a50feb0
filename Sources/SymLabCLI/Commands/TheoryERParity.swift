import ArgumentParser
import Foundation
import SymLabReport
import SymLabTheory

extension SymLab.Theory {
    /// `symlab theory er-parity`: the premise of Kiani et al. Theorem 3, measured on a grid of n.
    public struct ERParity: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "er-parity",
            abstract: "Bias and pairwise correlations of the degree-count parity bits (−1)^{c_A[δ]} of G(n, p), vs n.",
            discussion: """
                For each n: E[b_δ] for every degree δ, the near-unbiased bits (|E b_δ| < --threshold), \
                the largest |E[b_δ b_ε]| among them, and E[χ_T] = E[Π_{δ∈T} b_δ] over subsets T of the \
                central degrees H_ER,n draws from. Exact (all 2^{n(n−1)/2} graphs) for n ≤ --exact-max-n; \
                Monte Carlo with --samples graphs from H_ER,n's own sampler (substream n of --seed) beyond, \
                since no cheap closed form for the bias is known (one node's degree is Binomial(n−1, p), \
                but the degrees are dependent and a count's parity is not a per-node quantity). The \
                "indep." column is (1 − 2 P(deg = δ))^n, the bias if degrees were independent: an \
                approximation, for comparison only.
                """)

        @Option(help: "Comma-separated node counts (each 2…128).") public var n: String = "6,8,12,16,24,32,48,64"
        @Option(parsing: .unconditional, help: "The edge probability p.") public var p: Double = 0.5
        @Option(parsing: .unconditional, help: "Graphs per n for Monte Carlo.") public var samples: Int = 20_000
        @Option(parsing: .unconditional, help: "A bit is near-unbiased when |E b_δ| < this.") public var threshold: Double = 0.05
        @Option(parsing: .unconditional, help: "Confidence level of the intervals, in (0, 1).") public var confidence: Double = 0.95
        @Option(parsing: .unconditional, help: "Central degrees (H_ER,n's S) lie within this many standard deviations of the mean degree.") public var window: Double = 0.8
        @Option(parsing: .unconditional, help: "Exact enumeration up to this n (≤ \(ERParityBits.maxExactNodes); 8 takes seconds).") public var exactMaxN: Int = 7
        @Option(parsing: .unconditional, help: "Seed of the Monte Carlo graphs.") public var seed: UInt64 = 0
        @Flag(help: "List every degree (default: those within 3 standard deviations of the mean).") public var allDegrees = false
        @Option(help: "Write the tables (er-parity.txt, er-parity-bits.csv, er-parity-summary.csv) and the plot (er-parity.png, .svg, .gp) to this directory.")
        public var out: String?

        public init() {}

        var grid: [Int] { n.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

        public func validate() throws {
            let parts = n.split(separator: ",", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { (2...128).contains($0) } ?? false }) else {
                throw ValidationError("--n must be a comma-separated list of node counts in 2…128, got '\(n)'")
            }
            guard p >= 0, p <= 1 else { throw ValidationError("--p must be in [0, 1], got \(p)") }
            guard samples >= 2 else { throw ValidationError("--samples must be ≥ 2, got \(samples)") }
            guard threshold > 0, threshold <= 1 else { throw ValidationError("--threshold must be in (0, 1], got \(threshold)") }
            guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be in (0, 1), got \(confidence)") }
            guard window > 0, window.isFinite else { throw ValidationError("--window must be positive, got \(window)") }
            guard (0...ERParityBits.maxExactNodes).contains(exactMaxN) else {
                throw ValidationError("--exact-max-n must be in 0…\(ERParityBits.maxExactNodes) (2^\(ERParityBits.maxExactNodes * (ERParityBits.maxExactNodes - 1) / 2) graphs), got \(exactMaxN)")
            }
        }

        public func run() throws {
            let study = try ERParityStudy(.init(nodes: grid, p: p, samples: samples, threshold: threshold, confidence: confidence,
                                                window: window, exactMaxNodes: exactMaxN, seed: seed, allDegrees: allDegrees))
            for line in study.lines { print(line) }
            if let out {
                try TheoryFiles.makeDirectory(out)
                try TheoryFiles.write(study.lines.joined(separator: "\n") + "\n", to: out + "/er-parity.txt", option: "--out")
                try TheoryFiles.write(study.bitsCSV, to: out + "/er-parity-bits.csv", option: "--out")
                try TheoryFiles.write(study.summaryCSV, to: out + "/er-parity-summary.csv", option: "--out")
                try TheoryFiles.draw(TheoryFigures.erParity(study), in: out)
            }
        }
    }
}
