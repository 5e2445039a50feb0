import SymLabNumerics

// Parsing and validating the `key=value` options every function class, model and scheme is
// built from. One parser for all of them, so that every bad value is reported the same way: the
// member, the parameter, its allowed range and what was given.

/// A function class (or a model or scheme: they read their options the same way) could not be
/// built from the options it was given. Named for the registry it served first.
public enum FunctionClassError: Error, CustomStringConvertible, Equatable {
    /// A parameter is outside its allowed range, or is not of the right type.
    case invalidParameter(className: String, parameter: String, allowed: String, got: String)
    case unknownOption(className: String, option: String, known: [String])
    case unknownClass(name: String, known: [String])
    /// A `key=value` string without the `=`.
    case malformedOption(String)

    public var description: String {
        switch self {
        case let .invalidParameter(c, p, allowed, got):
            "\(c): parameter '\(p)' must be \(allowed), got '\(got)'"
        case let .unknownOption(c, o, known):
            "\(c): unknown option '\(o)'\(Suggestion.hint(for: o, among: known)); the options of \(c) are \(known.sorted().joined(separator: ", "))"
        case let .unknownClass(name, known):
            "unknown function class '\(name)'\(Suggestion.hint(for: name, among: known)); the classes are \(known.joined(separator: ", "))"
        case let .malformedOption(s):
            "option '\(s)' is not of the form key=value"
        }
    }

    /// The parameter an `.invalidParameter` error names (nil for the other cases).
    public var parameter: String? {
        if case let .invalidParameter(_, p, _, _) = self { return p }
        return nil
    }
}

/// An interval of reals with open or closed ends, printed the way the error messages show it.
public struct Interval: Sendable, CustomStringConvertible {
    public var lower: Double, upper: Double
    public var lowerOpen: Bool, upperOpen: Bool
    public init(_ lower: Double, _ upper: Double, lowerOpen: Bool = false, upperOpen: Bool = false) {
        self.lower = lower; self.upper = upper; self.lowerOpen = lowerOpen; self.upperOpen = upperOpen
    }
    public static let unit = Interval(0, 1)
    public static let nonNegative = Interval(0, .infinity, upperOpen: true)
    public static let positive = Interval(0, .infinity, lowerOpen: true, upperOpen: true)

    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        let lo = lowerOpen ? x > lower : x >= lower
        let hi = upperOpen ? x < upper : x <= upper
        return lo && hi
    }
    public var description: String {
        func f(_ v: Double) -> String { v.isInfinite ? (v > 0 ? "∞" : "−∞") : NumberFormat.shortest(v) }
        return "a number in \(lowerOpen ? "(" : "[")\(f(lower)), \(f(upper))\(upperOpen ? ")" : "]")"
    }
}

/// Splits `["n=16", "p=0.5"]` into a dictionary.
public func parseOptionList(_ list: [String]) throws -> [String: String] {
    var out: [String: String] = [:]
    for item in list {
        guard let eq = item.firstIndex(of: "=") else { throw FunctionClassError.malformedOption(item) }
        let key = item[..<eq].trimmingWhitespace, value = item[item.index(after: eq)...].trimmingWhitespace
        guard !key.isEmpty else { throw FunctionClassError.malformedOption(item) }
        out[key] = value
    }
    return out
}

/// The one spelling of keys: every key a user writes (spec keys, class, model and scheme
/// options, reported parameters) is snake_case (`n_train`, `init_scale`), every name (classes,
/// models, schemes, figures, choice values, command-line flags) kebab-case (`er-parity`,
/// `--n-train`). A key written with `-` is read as the same key with `_`, and the caller notes
/// the respelling: old specs and stored configs keep working, and one setting has one name.
public enum KeySpelling {
    public static func canonical(_ key: String) -> String { String(key.map { $0 == "-" ? "_" : $0 }) }
    public static func kebab(_ key: String) -> String { String(key.map { $0 == "_" ? "-" : $0 }) }
}

/// Reads typed, range-checked options and records the value each resolved to (given or
/// default), so a data set carries every parameter that produced it.
public struct OptionReader {
    public let className: String
    private let given: [String: String]
    /// Every option read so far, with the value it resolved to.
    public private(set) var resolved: [String: String] = [:]

    /// A key given in both spellings (`init-scale` and `init_scale`): refused by ``finish()``.
    private let givenTwice: String?

    /// Keys are read in their canonical spelling (``KeySpelling``): `init-scale` is `init_scale`.
    public init(className: String, options: [String: String]) {
        self.className = className
        var canonical: [String: String] = [:], twice: String? = nil
        for key in options.keys.sorted() {
            let c = KeySpelling.canonical(key)
            if canonical[c] != nil { twice = twice ?? c }
            canonical[c] = options[key]
        }
        self.given = canonical
        self.givenTwice = twice
    }

    private func invalid(_ key: String, _ allowed: String, _ got: String) -> FunctionClassError {
        .invalidParameter(className: className, parameter: key, allowed: allowed, got: got)
    }

    public func has(_ key: String) -> Bool { given[key] != nil }

    public mutating func int(_ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        let allowed = range.upperBound == .max ? "an integer ≥ \(range.lowerBound)" : "an integer in \(range.lowerBound)...\(range.upperBound)"
        var v = value
        if let s = given[key] {
            guard let parsed = Int(s) else { throw invalid(key, allowed, s) }
            v = parsed
        }
        guard range.contains(v) else { throw invalid(key, allowed, given[key] ?? "\(v)") }
        resolved[key] = "\(v)"
        return v
    }

    public mutating func double(_ key: String, default value: Double, in interval: Interval) throws -> Double {
        var v = value
        if let s = given[key] {
            guard let parsed = Double(s) else { throw invalid(key, interval.description, s) }
            v = parsed
        }
        guard interval.contains(v) else { throw invalid(key, interval.description, given[key] ?? "\(v)") }
        resolved[key] = NumberFormat.shortest(v)
        return v
    }

    public mutating func choice(_ key: String, default value: String, among choices: [String]) throws -> String {
        let v = given[key] ?? value
        guard choices.contains(v) else { throw invalid(key, "one of \(choices.joined(separator: ", "))", v) }
        resolved[key] = v
        return v
    }

    public mutating func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let s = given[key] else { resolved[key] = "\(value)"; return value }
        switch s.lowercased() {
        case "true", "yes", "1": resolved[key] = "true"; return true
        case "false", "no", "0": resolved[key] = "false"; return false
        default: throw invalid(key, "true or false", s)
        }
    }

    /// A comma-separated list of numbers, each in `interval`; nil when absent.
    public mutating func doubles(_ key: String, in interval: Interval = Interval(-.infinity, .infinity, lowerOpen: true, upperOpen: true),
                                 count: ClosedRange<Int> = 1...Int.max) throws -> [Double]? {
        guard let s = given[key] else { return nil }
        let allowed = "a comma-separated list of \(count.upperBound == .max ? "at least \(count.lowerBound)" : "\(count.lowerBound)...\(count.upperBound)") numbers"
        let parts = s.split(separator: ",").map { Double($0.trimmingWhitespace) }
        guard parts.allSatisfy({ $0 != nil }), count.contains(parts.count) else { throw invalid(key, allowed, s) }
        let values = parts.map { $0! }
        for v in values where !interval.contains(v) { throw invalid(key, "a list of numbers, each \(interval)", s) }
        resolved[key] = values.map(NumberFormat.shortest).joined(separator: ",")
        return values
    }

    /// A raw string option (parsed by the caller, which reports its own errors through ``fail(_:allowed:got:)``).
    public mutating func string(_ key: String) -> String? {
        guard let s = given[key] else { return nil }
        resolved[key] = s
        return s
    }

    public func fail(_ key: String, allowed: String, got: String) -> FunctionClassError { invalid(key, allowed, got) }

    /// Throws if any option was given that no one read (a typo must not silently fall back to a default).
    public func finish() throws {
        if let twice = givenTwice {
            throw invalid(twice, "given once (it was given both as \(twice) and as \(KeySpelling.kebab(twice)))", given[twice] ?? "")
        }
        for key in given.keys.sorted() where resolved[key] == nil {
            throw FunctionClassError.unknownOption(className: className, option: key, known: Array(resolved.keys))
        }
    }
}

/// One option declared once: its key, help and default, which both the help text (``doc``) and
/// the reading (``read(_:)``) use, so the documented default cannot drift from the one applied.
/// A default computed from the inputs (a width of n) is documented as text ("n") and passed to
/// ``read(_:default:)`` where it is known.
public struct DeclaredOption<Value: Sendable>: Sendable {
    public let key: String
    public let help: String
    /// The default as help shows it.
    public let defaultText: String
    let defaultValue: Value?
    let parse: @Sendable (inout OptionReader, _ key: String, _ default: Value) throws -> Value

    public init(_ key: String, default value: Value?, shownAs text: String, help: String,
                parse: @escaping @Sendable (inout OptionReader, _ key: String, _ default: Value) throws -> Value) {
        self.key = key; self.help = help; self.defaultText = text; self.defaultValue = value; self.parse = parse
    }

    public var doc: OptionDoc { OptionDoc(key, defaultText, help) }

    /// The given value, or the declared default.
    public func read(_ o: inout OptionReader) throws -> Value {
        guard let d = defaultValue else { preconditionFailure("option \(key): its default is computed; pass it to read(_:default:)") }
        return try parse(&o, key, d)
    }

    /// The given value, or `value` (a default computed from the inputs).
    public func read(_ o: inout OptionReader, default value: Value) throws -> Value { try parse(&o, key, value) }
}

extension DeclaredOption where Value == Int {
    /// An integer in `range`; `default` nil when it is computed (documented as `shownAs`).
    public static func int(_ key: String, _ value: Int?, shownAs text: String? = nil, in range: ClosedRange<Int>, _ help: String) -> Self {
        Self(key, default: value, shownAs: text ?? value.map { "\($0)" } ?? "", help: help) { o, k, d in try o.int(k, default: d, range: range) }
    }
}

extension DeclaredOption where Value == Double {
    public static func number(_ key: String, _ value: Double, in interval: Interval, _ help: String) -> Self {
        Self(key, default: value, shownAs: NumberFormat.shortest(value), help: help) { o, k, d in try o.double(k, default: d, in: interval) }
    }
}

extension DeclaredOption where Value == Bool {
    public static func flag(_ key: String, _ value: Bool, _ help: String) -> Self {
        Self(key, default: value, shownAs: "\(value)", help: help) { o, k, d in try o.bool(k, default: d) }
    }
}

extension DeclaredOption where Value == String {
    /// One of `choices` (the error lists them).
    public static func choice(_ key: String, _ value: String, among choices: [String], _ help: String) -> Self {
        Self(key, default: value, shownAs: value, help: help) { o, k, d in try o.choice(k, default: d, among: choices) }
    }
}

extension DeclaredOption {
    /// A case of a string enum, by raw value (the error lists every case).
    public static func choice(_ key: String, _ value: Value, _ help: String) -> Self
    where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
        Self(key, default: value, shownAs: value.rawValue, help: help) { o, k, d in
            Value(rawValue: try o.choice(k, default: d.rawValue, among: Value.allCases.map(\.rawValue)))!
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing white space (`Character.isWhitespace`): option values and list items.
    public var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
