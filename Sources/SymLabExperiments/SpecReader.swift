import SymLabCore

/// Reads typed values out of a ``SpecValue`` map, rejecting unknown keys, with errors that name
/// the file, the full key path and what was expected.
struct SpecReader {
    let file: String
    let path: String
    let map: [String: SpecValue]

    init(_ value: SpecValue?, file: String, path: String) throws {
        self.file = file
        self.path = path
        switch value {
        case .map(let m): map = m
        case nil, .null?: map = [:]
        case let other?:
            throw SpecError(file: file, keyPath: path, message: "expected a mapping, got \(other)")
        }
    }

    func key(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }

    func fail(_ k: String, _ message: String) -> SpecError { SpecError(file: file, keyPath: key(k), message: message) }

    /// Unknown keys are errors, not silently ignored (a typo must not change an experiment).
    func allowOnly(_ keys: [String]) throws {
        for k in map.keys.sorted() where !keys.contains(k) {
            throw fail(k, "unknown key\(Suggestion.hint(for: k, among: keys)); allowed here: \(keys.joined(separator: ", "))")
        }
    }

    func string(_ k: String, default d: String? = nil) throws -> String {
        switch map[k] {
        case .string(let s)?: return s
        case .int(let i)?: return "\(i)"
        case nil, .null?:
            if let d { return d }
            throw fail(k, "required: expected a string")
        case let v?: throw fail(k, "expected a string, got \(v)")
        }
    }

    func int(_ k: String, default d: Int? = nil, range: ClosedRange<Int>) throws -> Int {
        let v: Int
        switch map[k] {
        case .int(let i)?: v = i
        case .double(let x)? where x == x.rounded() && Swift.abs(x) < 9e15: v = Int(x)
        case nil, .null?:
            if let d { return d }
            throw fail(k, "required: expected an integer in \(range.lowerBound)…\(range.upperBound)")
        case let other?: throw fail(k, "expected an integer in \(range.lowerBound)…\(range.upperBound), got \(other)")
        }
        guard range.contains(v) else { throw fail(k, "expected an integer in \(range.lowerBound)…\(range.upperBound), got \(v)") }
        return v
    }

    func double(_ k: String, default d: Double? = nil, range: ClosedRange<Double>) throws -> Double {
        let v: Double
        switch map[k] {
        case .double(let x)?: v = x
        case .int(let i)?: v = Double(i)
        case nil, .null?:
            if let d { return d }
            throw fail(k, "required: expected a number in \(range.lowerBound)…\(range.upperBound)")
        case let other?: throw fail(k, "expected a number in \(range.lowerBound)…\(range.upperBound), got \(other)")
        }
        guard v.isFinite, range.contains(v) else { throw fail(k, "expected a number in \(range.lowerBound)…\(range.upperBound), got \(v)") }
        return v
    }

    func bool(_ k: String, default d: Bool) throws -> Bool {
        switch map[k] {
        case .bool(let b)?: return b
        case nil, .null?: return d
        case let other?: throw fail(k, "expected true or false, got \(other)")
        }
    }

    /// One case of `E`, by its raw value (the spec's word): read once here, so that code
    /// downstream switches over cases instead of comparing strings.
    func choice<E: RawRepresentable & CaseIterable>(_ k: String, default d: E) throws -> E where E.RawValue == String {
        let s = try string(k, default: d.rawValue)
        guard let value = E(rawValue: s) else {
            let names = E.allCases.map(\.rawValue)
            throw fail(k, "expected one of \(names.joined(separator: ", ")), got '\(s)'\(Suggestion.hint(for: s, among: names))")
        }
        return value
    }

    /// A flat map of scalar options, as text (class and model options go to their registries).
    func options(_ k: String) throws -> [String: String] {
        switch map[k] {
        case nil, .null?: return [:]
        case .map(let m)?:
            var out: [String: String] = [:]
            for (name, v) in m {
                if case .map = v { throw SpecError(file: file, keyPath: key(k) + "." + name, message: "expected a scalar or a list, got a mapping") }
                out[name] = v.optionText
            }
            return out
        case let v?: throw fail(k, "expected a mapping of options, got \(v)")
        }
    }

    func child(_ k: String) throws -> SpecReader { try SpecReader(map[k], file: file, path: key(k)) }
}
