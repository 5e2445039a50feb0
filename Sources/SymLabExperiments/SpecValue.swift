import Foundation
import SymLabCore
import Yams

/// A YAML value after tag resolution: the untyped tree an experiment spec is read from, and the
/// form in which overrides and sweep axes are applied before the spec is checked.
public indirect enum SpecValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([SpecValue])
    case map([String: SpecValue])

    /// Parses YAML text; errors name `file` and the line. Text over ``SpecLimits``' caps, and
    /// anchors and aliases, are refused before Yams builds a tree of it.
    public static func parse(yaml: String, file: String) throws -> SpecValue {
        try SpecLimits.checkShape(yaml: yaml, file: file)
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return .map([:]) }
            return try SpecValue(node: node, file: file, path: "")
        } catch let e as SpecError {
            throw e
        } catch {
            throw SpecError(file: file, keyPath: "", message: "not valid YAML: \(error)")
        }
    }

    init(node: Node, file: String, path: String) throws {
        switch node {
        case .scalar:
            let v = node.any
            switch v {
            case is NSNull: self = .null
            case let b as Bool: self = .bool(b)
            case let i as Int: self = .int(i)
            case let d as Double: self = .double(d)
            case let s as String: self = .string(s)
            default: self = .string(node.string ?? "\(v)")
            }
        case .sequence(let seq):
            self = .list(try seq.enumerated().map { try SpecValue(node: $1, file: file, path: "\(path)[\($0)]") })
        case .mapping(let mapping):
            var out: [String: SpecValue] = [:]
            for (k, v) in mapping {
                guard let key = k.string else {
                    throw SpecError(file: file, keyPath: path, message: "mapping keys must be strings")
                }
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard out[key] == nil else { throw SpecError(file: file, keyPath: child, message: "key appears twice") }
                out[key] = try SpecValue(node: v, file: file, path: child)
            }
            self = .map(out)
        case .alias:   // refused earlier, by SpecLimits.checkShape; kept for Yams' exhaustive enum
            throw SpecError(file: file, keyPath: path, message: "YAML aliases are not allowed in experiment specs")
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .double(let d): "\(d)"
        case .string(let s): s
        case .list(let l): "[" + l.map(\.description).joined(separator: ", ") + "]"
        case .map(let m): "{" + m.keys.sorted().map { "\($0): \(m[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    /// Canonical JSON (sorted keys, shortest round-trip numbers): the resolved config stored with
    /// every run, and the input of stable point ids.
    public var canonicalJSON: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return "\(i)"
        case .double(let d): return d.isFinite ? "\(d)" : "\"\(d)\""
        case .string(let s): return jsonQuote(s)
        case .list(let l): return "[" + l.map(\.canonicalJSON).joined(separator: ",") + "]"
        case .map(let m): return "{" + m.keys.sorted().map { jsonQuote($0) + ":" + m[$0]!.canonicalJSON }.joined(separator: ",") + "}"
        }
    }

    /// Rebuilds a tree from canonical JSON (as stored in the results database).
    public static func fromJSON(_ json: String) throws -> SpecValue {
        try JSONDecoder().decode(SpecValue.self, from: Data(json.utf8))
    }

    // MARK: - Paths

    /// The value at a dotted key path, if present.
    public subscript(path path: String) -> SpecValue? {
        var cur: SpecValue = self
        for key in path.split(separator: ".").map(String.init) {
            guard case .map(let m) = cur, let next = m[key] else { return nil }
            cur = next
        }
        return cur
    }

    /// A copy with `value` set at a dotted key path (intermediate maps are created).
    public func setting(_ path: String, to value: SpecValue) -> SpecValue {
        let keys = path.split(separator: ".").map(String.init)
        func set(_ node: SpecValue, _ rest: ArraySlice<String>) -> SpecValue {
            guard let key = rest.first else { return value }
            var m: [String: SpecValue] = [:]
            if case .map(let existing) = node { m = existing }
            m[key] = set(m[key] ?? .map([:]), rest.dropFirst())
            return .map(m)
        }
        return set(self, keys[...])
    }

    /// `other` laid over this value: two mappings merge key by key at every depth (`other` wins
    /// where both hold a non-mapping); anything else is `other`.
    public func merging(_ other: SpecValue) -> SpecValue {
        guard case .map(var mine) = self, case .map(let theirs) = other else { return other }
        for (k, v) in theirs { mine[k] = mine[k].map { $0.merging(v) } ?? v }
        return .map(mine)
    }

    /// A copy with every mapping key in its canonical spelling (``KeySpelling``: `init-scale` →
    /// `init_scale`, a sweep axis `model.options.init-scale` → `model.options.init_scale`), and
    /// the key paths that were respelled (`model.options.init-scale`). A mapping holding one key
    /// in both spellings is an error naming it: which of the two was meant is not knowable.
    public func canonicalKeys(file: String, at prefix: String = "") throws -> (value: SpecValue, respelled: [String]) {
        switch self {
        case .map(let m):
            var out: [String: SpecValue] = [:], respelled: [String] = []
            for key in m.keys.sorted() {
                let c = KeySpelling.canonical(key), path = prefix.isEmpty ? key : prefix + "." + key
                if c != key {
                    guard m[c] == nil else {
                        throw SpecError(file: file, keyPath: path, message: "'\(key)' and '\(c)' are one key written two ways; keep one (keys are spelled with '_')")
                    }
                    respelled.append(path)
                }
                let (v, inner) = try m[key]!.canonicalKeys(file: file, at: prefix.isEmpty ? c : prefix + "." + c)
                out[c] = v
                respelled += inner
            }
            return (.map(out), respelled)
        case .list(let l):
            var out: [SpecValue] = [], respelled: [String] = []
            for (i, v) in l.enumerated() {
                let (c, inner) = try v.canonicalKeys(file: file, at: "\(prefix)[\(i)]")
                out.append(c); respelled += inner
            }
            return (.list(out), respelled)
        default:
            return (self, [])
        }
    }

    /// A copy without the key at `path`.
    public func removing(_ path: String) -> SpecValue {
        let keys = path.split(separator: ".").map(String.init)
        func remove(_ node: SpecValue, _ rest: ArraySlice<String>) -> SpecValue {
            guard case .map(var m) = node, let key = rest.first else { return node }
            if rest.count == 1 { m[key] = nil } else if let child = m[key] { m[key] = remove(child, rest.dropFirst()) }
            return .map(m)
        }
        return remove(self, keys[...])
    }

    /// The scalar as registry option text (`[String: String]` options of classes and models).
    /// Every leaf (scalar or list) of a tree by its dotted key path, typed; a tree that is not a
    /// mapping is one leaf at "" (`runs diff`, `runs export`, `--filter`).
    public func leaves(prefix: String = "") -> [String: SpecValue] {
        guard case .map(let m) = self else { return [prefix: self] }
        var out: [String: SpecValue] = [:]
        for (k, child) in m { out.merge(child.leaves(prefix: prefix.isEmpty ? k : prefix + "." + k)) { a, _ in a } }
        return out
    }

    /// The value as a number (an integer or a double), else nil.
    public var numericValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    public var optionText: String {
        switch self {
        case .list(let l): return l.map(\.optionText).joined(separator: ",")
        default: return description
        }
    }
}

/// A JSON string literal (quotes, backslashes and control characters escaped): the canonical
/// configs and every JSON text we write (the npz exports' parameters).
public func jsonQuote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}

/// A problem with an experiment spec: names the file, the key path and what was expected.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let keyPath: String
    public let message: String
    public init(file: String, keyPath: String, message: String) {
        self.file = Self.shortened(file, 200); self.keyPath = Self.shortened(keyPath, 200)
        self.message = Self.shortened(message, Self.maxMessageLength)
    }

    /// Messages quote the offending value; a 20,000-character value is cut, not printed whole.
    public static let maxMessageLength = 600

    static func shortened(_ s: String, _ limit: Int) -> String {
        guard s.count > limit else { return s }
        return String(s.prefix(limit - 40)) + "… (\(s.count) characters)"
    }
    public var description: String {
        keyPath.isEmpty ? "\(file): \(message)" : "\(file): key '\(keyPath)': \(message)"
    }
}

extension SpecValue: Codable {
    // Strict JSON decoding tells the types apart: `true` is not a number, `1.0` not an Int.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let l = try? c.decode([SpecValue].self) { self = .list(l) }
        else { self = .map(try c.decode([String: SpecValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .list(let l): try c.encode(l)
        case .map(let m): try c.encode(m)
        }
    }
}
