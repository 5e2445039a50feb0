import ArgumentParser
import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import SymLabReport
import SymLabTheory

extension SymLab.Theory {
    /// How `theory bounds --class` and `theory summary` measure γ (shared options).
    public struct BoundsMeasurement: ParsableArguments {
        @Option(parsing: .unconditional, help: "τ: the query tolerance of the bound, in (0, 1].") public var tau: Double = 0.05
        @Option(help: "auto (exact where the inputs can be enumerated: {±1}^d, d ≤ 16; graphs ≤ 7 nodes), exact, monte-carlo or both.")
        public var method: CorrelationStudy.Method = .auto
        @Option(parsing: .unconditional, help: "Monte Carlo inputs for the parity-type classes' bit moments.") public var samples: Int = 200_000
        @Option(parsing: .unconditional, help: "Monte Carlo inputs for the Gram matrix of measured members (each member evaluated on each).")
        public var memberSamples: Int = 20_000
        @Option(parsing: .unconditional, help: "Members measured one against another (2 or more).") public var functions: Int = 16
        @Option(parsing: .unconditional, help: "Confidence of the intervals, in (0, 1); γ upper bounds are simultaneous (Bonferroni).")
        public var confidence: Double = 0.95
        @Option(parsing: .unconditional, help: "A feature bit is near-unbiased when |E z| < this.") public var threshold: Double = 0.05
        @Option(parsing: .unconditional, help: "Seed of every draw (members, Monte Carlo inputs); each size uses its own substream.") public var seed: UInt64 = 0
        @Option(help: "Also write the table as CSV to this file.") public var csv: String?

        public init() {}

        var settings: BoundsSettings {
            BoundsSettings(tau: tau, method: method, samples: samples, memberSamples: memberSamples, functions: functions,
                           confidence: confidence, threshold: threshold, seed: seed)
        }

        public func validate() throws {
            guard tau > 0, tau <= 1 else { throw ValidationError("--tau must be in (0, 1], got \(tau)") }
            guard samples >= 2 else { throw ValidationError("--samples must be ≥ 2, got \(samples)") }
            guard memberSamples >= 2 else { throw ValidationError("--member-samples must be ≥ 2, got \(memberSamples)") }
            guard (2...512).contains(functions) else { throw ValidationError("--functions must be in 2…512, got \(functions)") }
            guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be in (0, 1), got \(confidence)") }
            guard threshold > 0, threshold <= 1 else { throw ValidationError("--threshold must be in (0, 1], got \(threshold)") }
        }
    }

    /// `symlab theory bounds`: m(τ² − γ)/2 from given numbers, or for a registered hard class over sizes.
    public struct Bounds: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "The (C)SQ lower bound m(τ² − γ)/2: from --m and --gamma, or for a hard class (--class) over a range of sizes.",
            discussion: """
                For m functions of unit norm with pairwise |correlation| ≤ γ, each query of tolerance τ \
                can rule out fewer than 2/(τ² − γ) of them (answer 0 to every query), so identifying \
                the target needs at least m(τ² − γ)/2 queries. Vacuous when τ² ≤ γ.

                With --class NAME: the family of that class's members behind its bound (one per hard \
                class, docs/statistical-queries.md §2), at each of --sizes (values of the class option \
                --vary, default the family's size option), with the other options from --option. Per \
                size: the family and its size m, γ (exact by enumerating the inputs, a theorem, a Monte \
                Carlo upper bound simultaneous over every pair, or the probabilistic method), the \
                correlations measured among members, and the bound at --tau. Classes: \
                \(QueryFamilies.names.joined(separator: ", ")).
                """)

        @Option(parsing: .unconditional, help: "γ: the largest off-diagonal |correlation| of the family, in [0, 1] (calculator form).") public var gamma: Double?
        @Option(parsing: .unconditional, help: "m: the number of functions in the family, e.g. 1e30 (calculator form).") public var m: Double?
        @Option(name: .customLong("class"), help: "A hard class: its family's bound over --sizes.") public var className: String?
        @Option(help: "Sizes: comma-separated values and ranges, e.g. 8,12,16 or 8...16 (default: the family's range).")
        public var sizes: String?
        @Option(help: "The class option the sizes set (default: the family's, e.g. n, or d for gaussian-gnn).") public var vary: String?
        @Option(name: .customLong("option"), help: ArgumentHelp("A class option key=value (repeatable), e.g. --option k=4.", valueName: "key=value"))
        public var options: [String] = []
        @Option(help: "Write the table (bounds.txt, bounds.csv) and the plot of log10(queries) against size (bounds.png, .svg, .gp) to this directory.")
        public var out: String?
        @OptionGroup public var measurement: BoundsMeasurement

        public init() {}

        /// The sizes of --sizes: "8,12,16", "8...16" or a mix.
        static func parseSizes(_ text: String) -> [Int]? {
            var out: [Int] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let p = part.trimmingCharacters(in: .whitespaces)
                if let r = p.range(of: "...") {
                    guard let a = Int(p[..<r.lowerBound]), let b = Int(p[r.upperBound...]), a <= b, b - a <= 10_000 else { return nil }
                    out += Array(a...b)
                } else {
                    guard let v = Int(p) else { return nil }
                    out.append(v)
                }
            }
            return out.isEmpty ? nil : out
        }

        public func validate() throws {
            guard let className else {
                guard let gamma, let m else {
                    throw ValidationError("give --m and --gamma (the calculator form), or --class NAME (a hard class over --sizes)")
                }
                do { _ = try QueryBounds.csqLowerBound(functionCount: m, gamma: gamma, tolerance: measurement.tau) } catch let e as TheoryError {
                    throw ValidationError(e.description)
                }
                return
            }
            guard gamma == nil, m == nil else { throw ValidationError("--m and --gamma are the calculator form; with --class the family gives them") }
            do { _ = try QueryFamilies.family(forClass: className) } catch let e as TheoryError { throw ValidationError(e.description) }
            if let sizes { guard Self.parseSizes(sizes) != nil else {
                throw ValidationError("--sizes must be comma-separated integers or ranges a...b, got '\(sizes)'")
            } }
            do { _ = try parseOptionList(options) } catch let e as FunctionClassError { throw ValidationError(e.description) }
        }

        public func run() throws {
            guard let className else {
                let (gamma, m, tau) = (gamma!, m!, measurement.tau)
                let b = try QueryBounds.csqLowerBound(functionCount: m, gamma: gamma, tolerance: tau)
                print("m = \(m), γ = \(gamma), τ = \(tau), τ² − γ = \(NumberFormat.significantAsPrintf(QueryBounds.margin(tau: tau, gamma: gamma), 4))")
                if b.isVacuous {
                    print("bound: vacuous (τ² = \(NumberFormat.significantAsPrintf(tau * tau, 4)) ≤ γ = \(gamma), up to rounding); the argument needs τ² > γ")
                } else {
                    print("bound: at least \(NumberFormat.scientific(b.queries)) queries of tolerance \(tau) (log2 = \(NumberFormat.fixed(b.log2Queries, 2)))")
                }
                return
            }
            let family = try QueryFamilies.family(forClass: className)
            let study: BoundsStudy
            do {
                study = try BoundsStudy(className: className, sizes: sizes.flatMap(Self.parseSizes) ?? family.defaultSizes, sizeOption: vary,
                                        options: try parseOptionList(options), settings: measurement.settings)
            } catch let e as TheoryError { throw CommandFailure(e.description) }
            try TheoryFiles.publish(lines: study.lines, csv: study.csv, csvFile: measurement.csv, out: out, stem: "bounds") { TheoryFigures.bounds(study) }
        }
    }

    /// `symlab theory summary`: every hard class's bound at the sizes the paper figures use.
    public struct Summary: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "One table of the (C)SQ query bounds of every hard class, at the sizes the paper figures train on.",
            discussion: """
                Each class at the data options of its first use in the paper figures' specs (e.g. \
                er-parity n=16 from kiani-fig1), or at its defaults when no figure uses it: the family, \
                its size m, γ, the bound m(τ² − γ)/2 at --tau and, for the parity-type classes, the \
                usable and near-unbiased feature bits. The lab's counterpart of the hardness paper's \
                summary of bounds; docs/statistical-queries.md §2 says which family each class uses.
                """)

        @Option(help: "Write the table (summary.txt, summary.csv) to this directory.") public var out: String?
        @OptionGroup public var measurement: BoundsMeasurement

        public init() {}

        public func run() throws {
            let uses = try PaperFigure.classUses()
            let summary: BoundsSummary
            do {
                summary = try BoundsSummary(entries: uses.map { .init(className: $0.className, options: $0.options, source: $0.source) },
                                            settings: measurement.settings)
            } catch let e as TheoryError { throw CommandFailure(e.description) }
            try TheoryFiles.publish(lines: summary.lines, csv: summary.csv, csvFile: measurement.csv, out: out, stem: "summary")
        }
    }
}
