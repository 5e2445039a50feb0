import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// One row of `theory bounds` / `theory summary`: a class at one size, its family, γ and the
/// statistical-dimension bound m(τ² − γ)/2 at τ.
public struct BoundsRow: Sendable {
    public let className: String
    /// The option the row's size is (n, d, …) and its value.
    public let sizeOption: String
    public let size: Int
    public let bound: FamilyBound
    public let tau: Double
    /// log10 of m(τ² − γ)/2; nil when vacuous (τ² ≤ γ) or the family is empty.
    public let log10Queries: Double?
    /// Where the class's options came from (`theory summary`: a figure's spec, or the defaults).
    public let source: String

    /// The smallest tolerance at which the family gives a bound: √γ.
    public var tauMin: Double { bound.gamma.value.squareRoot() }

    /// Computes the row of class `className` built from `options`.
    public init(className: String, options: [String: String], sizeOption: String? = nil, settings: BoundsSettings, source: String = "") throws {
        try settings.validate()
        let family = try QueryFamilies.family(forClass: className)
        let key = sizeOption ?? family.sizeOption
        let b: FamilyBound
        do {
            // The size's own stream: read from the options, so a row does not depend on its neighbours.
            let size = Int(options[key] ?? "") ?? 0
            b = try family.bound(options: options, settings: settings, rng: settings.stream(for: size))
        } catch let e as FunctionClassError { throw TheoryError.invalidArgument(e.description) }
        guard let size = Int(b.parameters[key] ?? "") else {
            throw TheoryError.invalidArgument("\(className) has no integer option '\(key)' to vary; its options are \(b.parameters.keys.sorted().joined(separator: ", "))")
        }
        self.className = className
        self.sizeOption = key
        self.size = size
        self.bound = b
        self.tau = settings.tau
        self.log10Queries = try QueryBounds.log10Queries(b.size, gamma: b.gamma.value, tolerance: settings.tau)
        self.source = source
    }

    /// "k=3 n=16 width=4": the class's resolved options.
    public var optionsText: String { bound.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

    /// ≥ 10^x queries as a number ("0.0700", "6.20", "2.1e+22"), or "vacuous".
    public var queriesText: String {
        guard let l = log10Queries else { return bound.size.log10 < 0.30102999566398120 ? "m < 2" : "vacuous" }
        return l < 300 ? NumberFormat.scientific(pow10(l)) : "10^" + NumberFormat.fixed(l, 0)
    }

    /// The CSV header of ``csvLine``: numbers first, then the texts (which may hold commas and are quoted).
    static let csvHeader = "class,size_option,size,m,log10_m,gamma,gamma_source,gamma_exact,gamma_estimate,gamma_upper,gamma_theorem,"
        + "mc_samples,tau,tau_min,queries,log10_queries,options,source,extras,family,gamma_reason,measured_over,notes"

    var csvLine: String {
        let b = bound, m = b.measurement
        let fields: [String] = [
            className, sizeOption, "\(size)", b.size.exact.map { "\($0)" } ?? "", "\(b.size.log10)",
            "\(b.gamma.value)", b.gamma.source.rawValue,
            m?.exactGamma.map { "\($0)" } ?? "", m?.estimate.map { "\($0)" } ?? "", m?.upperBound.map { "\($0)" } ?? "",
            m?.theoremGamma.map { "\($0)" } ?? "", m.map { "\($0.samples)" } ?? "",
            "\(tau)", "\(tauMin)", log10Queries.map { $0 < 300 ? "\(pow10($0))" : "" } ?? "", log10Queries.map { "\($0)" } ?? "",
            optionsText, source, b.extras.map { "\($0.key)=\($0.value)" }.joined(separator: ";"),
            b.family, b.gamma.reason, m?.over ?? "", b.notes.joined(separator: " | "),
        ]
        return fields.map(csvField).joined(separator: ",")
    }
}

/// `symlab theory bounds --class NAME`: one class's family, γ and query bound over a range of sizes.
public struct BoundsStudy {
    public let className: String
    public let sizeOption: String
    public let settings: BoundsSettings
    public let rows: [BoundsRow]

    /// The class `className` with `options`, at each of `sizes` for option `sizeOption` (the family's
    /// default size option when nil).
    public init(className: String, sizes: [Int], sizeOption: String? = nil, options: [String: String] = [:], settings: BoundsSettings) throws {
        let family = try QueryFamilies.family(forClass: className)
        let key = sizeOption ?? family.sizeOption
        guard options[key] == nil else {
            throw TheoryError.invalidArgument("option '\(key)' is the size being varied; give its values as sizes, not as an option")
        }
        guard !sizes.isEmpty else { throw TheoryError.invalidArgument("no sizes given") }
        self.className = className
        self.sizeOption = key
        self.settings = settings
        rows = try sizes.map { size in
            var o = options
            o[key] = "\(size)"
            return try BoundsRow(className: className, options: o, sizeOption: key, settings: settings)
        }
    }

    /// The table and the details of each row, as printed.
    public var lines: [String] {
        let family = (try? QueryFamilies.family(forClass: className))?.summary ?? ""
        var out = ["\(className): \(family)"]
        out.append("queries ≥ m(τ² − γ)/2 at τ = \(NumberFormat.shortest(settings.tau)) (τ² = \(NumberFormat.scientific(settings.tau * settings.tau))), "
                   + "Blum et al. 1994, Szörényi 2009; vacuous when τ² ≤ γ, i.e. below τ_min = √γ")
        out += BoundsTable.table(rows, first: (sizeOption, { "\($0.size)" }))
        out.append("")
        for r in rows { out += BoundsTable.details(r, label: "\(sizeOption) = \(r.size)") }
        return out
    }

    public var csv: String { BoundsRow.csvHeader + "\n" + rows.map { $0.csvLine + "\n" }.joined() }
}

/// `symlab theory summary`: every hard class at the sizes the paper figures use (the lab's
/// counterpart of the hardness paper's summary of bounds).
public struct BoundsSummary {
    /// A class and the options to evaluate it at, with where they come from.
    public struct Entry: Sendable {
        public let className: String
        public let options: [String: String]
        public let source: String
        public init(className: String, options: [String: String], source: String) {
            self.className = className; self.options = options; self.source = source
        }
    }

    public let settings: BoundsSettings
    public let rows: [BoundsRow]

    /// One row per entry. The classes with a family but no entry are added at their defaults, so
    /// the summary always covers every family.
    public init(entries: [Entry], settings: BoundsSettings) throws {
        let given = entries.filter { e in QueryFamilies.all.contains { $0.className == e.className } }
        let missing = QueryFamilies.all.filter { f in !given.contains { $0.className == f.className } }
            .map { Entry(className: $0.className, options: [:], source: "class defaults") }
        let ordered = QueryFamilies.all.flatMap { f in (given + missing).filter { $0.className == f.className } }
        self.settings = settings
        rows = try ordered.map { try BoundsRow(className: $0.className, options: $0.options, settings: settings, source: $0.source) }
    }

    public var lines: [String] {
        var out = ["(C)SQ query lower bounds m(τ² − γ)/2 of every hard class, at τ = \(NumberFormat.shortest(settings.tau)) (τ² = \(NumberFormat.scientific(settings.tau * settings.tau)))"]
        out += BoundsTable.table(rows, first: ("class", { "\($0.className) \($0.sizeOption)=\($0.size)" }))
        out.append("")
        for r in rows { out += BoundsTable.details(r, label: "\(r.className) (\(r.optionsText); from \(r.source))") }
        return out
    }

    public var csv: String { BoundsRow.csvHeader + "\n" + rows.map { $0.csvLine + "\n" }.joined() }
}

/// The shared table layout of the two commands.
enum BoundsTable {
    static let widths = [27, 13, 8, 10, 22, 30, 8, 11, 8, 5]

    static func table(_ rows: [BoundsRow], first: (title: String, value: (BoundsRow) -> String)) -> [String] {
        typealias F = NumberFormat
        var out = [F.cells([first.title, "m", "log10 m", "γ", "γ from", "measured γ", "τ_min", "queries ≥", "log10", "bits"], widths)]
        for r in rows {
            let bits = r.bound.extra("usable_bits").map { u in
                "\(Int(u))" + (r.bound.extra("near_unbiased_bits").map { "/\(Int($0))" } ?? "")
            } ?? "—"
            out.append(F.cells([
                first.value(r), r.bound.size.description, F.fixed(r.bound.size.log10, 2),
                F.significant(r.bound.gamma.value, 4), r.bound.gamma.source.rawValue, r.bound.measurement?.text ?? "—",
                F.scientific(r.tauMin), r.queriesText, r.log10Queries.map { F.fixed($0, 2) } ?? "—", bits,
            ], widths))
        }
        out.append("bits: usable feature bits / near-unbiased bits of the parity-type classes (er-parity: central / near-unbiased degrees)")
        return out
    }

    static func details(_ r: BoundsRow, label: String) -> [String] {
        var out = ["\(label): \(r.bound.family)", "  γ = \(NumberFormat.scientific(r.bound.gamma.value)) (\(r.bound.gamma.source.rawValue)): \(r.bound.gamma.reason)"]
        if let m = r.bound.measurement { out.append("  measured over \(m.over): \(m.text)") }
        if !r.bound.extras.isEmpty {
            out.append("  " + r.bound.extras.map { "\($0.key) = \(NumberFormat.significant($0.value, 6))" }.joined(separator: ", "))
        }
        out += r.bound.notes.map { "  " + $0 }
        return out
    }
}

/// 10^x through ``portableExp``.
func pow10(_ x: Double) -> Double { portableExp(x * 2.302585092994046) }

/// A CSV field, quoted when it holds a comma, a quote or a line break.
func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + String(s.flatMap { $0 == "\"" ? "\"\"" : String($0) }) + "\"" : s
}
