import SymLabExperiments
import SymLabFunctionClasses
import SymLabNumerics
import SymLabTheory

/// A function class a paper figure trains on, with the options of its first use.
public struct FigureClassUse: Sendable, Equatable {
    public let className: String
    public let options: [String: String]
    /// `figure/spec` of the first use.
    public let source: String
}

extension PaperFigure {
    /// Every function class the paper figures use, once, with the data options of its first use
    /// (figures in ``all`` order, specs in file order, a sweep's first point): the sizes at which
    /// `theory summary` states each class's query bound, so the bound is the one of the class the
    /// figures actually train on.
    public static func classUses() throws -> [FigureClassUse] {
        var seen = Set<String>(), uses: [FigureClassUse] = []
        for figure in all {
            for file in try figure.specs() {
                let spec = try ExperimentSpec.parse(yaml: file.yaml, file: "\(figure.name)/\(file.name).yaml")
                guard let point = spec.points.first, seen.insert(point.dataClass).inserted else { continue }
                uses.append(FigureClassUse(className: point.dataClass, options: point.dataOptions, source: "\(figure.name)/\(file.name)"))
            }
        }
        return uses
    }
}

/// How large the hard class a hardness figure trains on is, at the size it trains on: how many
/// functions the class draws its target from, how many of its parity bits are near-unbiased, and
/// the family behind its query lower bound with that bound.
///
/// Why every hardness summary states it (issue 27): "the network fails on H_ER,n" is evidence for a
/// hardness claim only if the class is large; at G(16, ½) H_ER,n draws from 8 functions, which a
/// statistical-query learner tells apart with a handful of queries. The numbers are one
/// `symlab theory bounds` row (``BoundsRow`` at its default settings: τ = 0.05, 200 000 Monte Carlo
/// inputs, seed 0), so the summary prints the command that reproduces them. Every hardness builder
/// (kiani-fig1, -fig3, -fig4, -n-sweep, -separation) states it through this one type.
struct HardClassFamily {
    let className: String
    /// The spec's data options (as written, not resolved: the command line repeats them).
    let options: [String: String]
    /// "2·C(4, 3) = 8" for a parity-type class (``ParityStructuredClass/drawnMemberCountText``).
    let drawn: String?
    /// What a draw is: "(S, b)", or "S" when the sign bit is fixed.
    let drawnWhat: String
    /// How many distinct functions those draws are on ``distinctInputs`` random inputs (seed 0).
    let distinct: Int?
    static let distinctInputs = 4096
    let row: BoundsRow?
    /// Why the row could not be computed (a class without a query family).
    let problem: String?

    /// Computes the `theory bounds` row of the class at `options`.
    init(className: String, options: [String: String], settings: BoundsSettings = BoundsSettings()) {
        do {
            self.init(className: className, options: options, row: try BoundsRow(className: className, options: options, settings: settings), problem: nil)
        } catch {
            self.init(className: className, options: options, row: nil, problem: "\(error)")
        }
    }

    /// The class and options of an experiment's runs (of sweep point `point`, or its first run):
    /// nil when it has no runs.
    init?(results: ExperimentResults, point: Int? = nil) {
        guard let run = results.runs.first(where: { point == nil || $0.pointIndex == point }),
              let config = try? RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "db") else { return nil }
        self.init(className: config.dataClass, options: config.dataOptions)
    }

    /// With a row computed already (kiani-separation's builder computes its rows over n).
    init(className: String, options: [String: String], row: BoundsRow?, problem: String?) {
        self.className = className; self.options = options; self.row = row; self.problem = problem
        let parityClass = (try? FunctionClassRegistry.make(className, options: options)) as? any ParityStructuredClass
        drawn = parityClass?.drawnMemberCountText
        drawnWhat = parityClass?.drawsParitySignBit == true ? "(S, b)" : "S"
        distinct = parityClass.flatMap { c in
            var rng = RandomStream(seed: 0)
            return c.distinctDrawnMembers(on: c.drawTarget(rng: &rng).sampleInputs(count: Self.distinctInputs, rng: &rng))
        }
    }

    /// Its size option's value ("16"), or "?".
    var size: String { row.map { "\($0.size)" } ?? "?" }

    /// `symlab theory bounds --class NAME --sizes n --option k=v …`: the command that prints the row.
    var command: String {
        let sizeKey = row?.sizeOption ?? "n"
        let rest = options.filter { $0.key != sizeKey }.sorted { $0.key < $1.key }.map { " --option \($0.key)=\($0.value)" }.joined()
        return "symlab theory bounds --class \(className) --sizes \(options[sizeKey] ?? size)" + rest
    }

    /// "near-unbiased parity bits (|E z| < 0.05): 4, the family uses 4": nil for a class without bits.
    var bitsText: String? {
        guard let r = row, let near = r.bound.extra("near_unbiased_bits") else { return nil }
        let usable = r.bound.extra("usable_bits").map { ", the family uses \(Int($0))" } ?? ""
        return "near-unbiased parity bits (|E z| < \(NumberFormat.shortest(BoundsSettings().threshold))): \(Int(near))\(usable)"
    }

    /// "vacuous (τ² ≤ γ)" or "≥ 12.4 queries".
    var boundText: String {
        guard let r = row else { return "not computed" }
        if r.log10Queries != nil { return "≥ \(r.queriesText) queries" }
        return r.queriesText == "vacuous" ? "vacuous (τ² ≤ γ)" : "none (fewer than two members)"
    }

    /// One line for a table of sizes: "draws (S, b) among 2·C(4, 3) = 8, 8 distinct functions; near-unbiased bits: 4; SQ family m = 4, γ = 0.0133, at τ = 0.05: vacuous (τ² ≤ γ)".
    var short: String {
        guard let r = row else { return "family size not computed (\(problem ?? ""))" }
        var parts: [String] = []
        if let drawn { parts.append("draws \(drawnWhat) among \(drawn)" + (distinct.map { ", \($0) distinct functions" } ?? "")) }
        if let near = r.bound.extra("near_unbiased_bits") { parts.append("near-unbiased bits: \(Int(near))") }
        parts.append("SQ family m = \(r.bound.size), γ = \(NumberFormat.scientific(r.bound.gamma.value)), at τ = \(NumberFormat.shortest(r.tau)): \(boundText)")
        return parts.joined(separator: "; ")
    }

    /// "family size at n = 16: the class draws its target's (S, b) among 2·C(4, 3) = 8, which are 8
    /// distinct functions …; near-unbiased parity bits …: 4 …": the class's size, without its bound.
    func sizeLine(indent: String = "    ") -> String {
        var line = "\(indent)family size at \(row?.sizeOption ?? "n") = \(row.map { "\($0.size)" } ?? options["n"] ?? "?"): "
        line += drawn.map { "the class draws its target's \(drawnWhat) among \($0), which are "
            + (distinct.map { "\($0) distinct functions (on \(Self.distinctInputs) random inputs)" } ?? "not enumerated") } ?? "not a parity-type class (its size is the query family's m)"
        if let bits = bitsText { line += "; \(bits)" }
        return line
    }

    /// The lines under a hard class's result in a summary, indented by `indent`: its size, then its
    /// query family and bound with the command that prints them.
    func lines(indent: String = "    ") -> [String] {
        guard let r = row else { return [sizeLine(indent: indent), "\(indent)  query bound: not computed (\(problem ?? ""))"] }
        return [sizeLine(indent: indent),
                "\(indent)  SQ family m = \(r.bound.size) (\(r.bound.family)); γ = \(NumberFormat.scientific(r.bound.gamma.value)) (\(r.bound.gamma.source.rawValue)), "
                + "τ_min = √γ = \(NumberFormat.scientific(r.tauMin)); at τ = \(NumberFormat.shortest(r.tau)): \(boundText) — `\(command)`"]
    }
}
