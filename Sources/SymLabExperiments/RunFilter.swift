import SymLabCore
import SymLabNumerics

/// One `--filter KEY OP VALUE` of `symlab runs list` / `runs export` (OP one of = != < <= > >=),
/// as MLflow's `search_runs` filters are, but one condition a flag (several flags: all must hold).
///
/// KEY is a field of a run (`id`, `experiment`, `seed`, `status`, `steps`, `tag`, `note`), a
/// key of its resolved config (`optimizer.lr`, `model.options.width`), or a final metric
/// (`metric.test_mse`). A key that is not one of those is taken, in this order, as KEY.name or
/// KEY.class (`model=cnn` → `model.name`, `data=er-parity` → `data.class`), or as the one config
/// key ending in `.KEY` (`lr=0.01` → `optimizer.lr`); two such keys are an error naming both.
/// Values compare as numbers when both sides are numbers, else as text (= and != only).
/// `tag=T` holds when T is one of the run's tags. A run without the key fails every condition
/// but `!=`.
public struct RunFilter: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: String, Sendable, CaseIterable {
        case notEqual = "!=", lessOrEqual = "<=", greaterOrEqual = ">=", equal = "=", less = "<", greater = ">"
    }
    public var key: String
    public var op: Operator
    public var value: String

    public var description: String { "\(key)\(op.rawValue)\(value)" }

    /// Fields every run has beside its config and metrics.
    public static let runFields = ["id", "experiment", "seed", "status", "steps", "tag", "note"]

    /// Parses `key=value`, `key!=value`, `key<value`, …; nil when there is no operator or key.
    public init?(_ text: String) {
        // The first operator character splits; two-character operators first.
        guard let i = text.firstIndex(where: { "=!<>".contains($0) }) else { return nil }
        let key = text[..<i].trimmingWhitespace
        var rest = text[i...]
        var found: Operator? = nil
        for op in [Operator.notEqual, .lessOrEqual, .greaterOrEqual, .equal, .less, .greater] where rest.hasPrefix(op.rawValue) {
            found = op; rest = rest.dropFirst(op.rawValue.count); break
        }
        guard let op = found, !key.isEmpty else { return nil }
        self.key = key; self.op = op; self.value = rest.trimmingWhitespace
    }

    /// The key this filter reads among `keys` (every key the runs have), or a message saying why
    /// none (with the closest key) or which several it could mean.
    public func resolvedKey(among keys: Set<String>) -> Result<String, FilterError> {
        if keys.contains(key) || Self.runFields.contains(key) { return .success(key) }
        for suffix in [".name", ".class"] where keys.contains(key + suffix) { return .success(key + suffix) }
        let ending = keys.filter { $0.hasSuffix("." + key) }.sorted()
        if ending.count == 1 { return .success(ending[0]) }
        if ending.count > 1 { return .failure(FilterError("--filter \(self): '\(key)' could mean \(ending.joined(separator: ", ")); write the whole key")) }
        // Short names too: `wdth` is closest to `width` (→ model.options.width), not to a dotted path.
        let known = Array(keys) + Self.runFields + keys.compactMap { $0.split(separator: ".").last.map(String.init) }
        return .failure(FilterError("--filter \(self): no run has a key '\(key)'\(Suggestion.hint(for: key, among: known)); keys are the run fields \(Self.runFields.joined(separator: ", ")), the resolved config's (e.g. optimizer.lr) and metric.NAME"))
    }

    /// Whether a run whose value at the filter's key is `found` (nil: no such key) passes.
    public func holds(_ found: String?) -> Bool {
        guard let found else { return op == .notEqual }
        if let a = Double(found), let b = Double(value) {
            switch op {
            case .equal: return a == b
            case .notEqual: return a != b
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        }
        switch op {
        case .equal: return found == value
        case .notEqual: return found != value
        default: return false
        }
    }

    /// Whether the run passes, given its fields (config keys, metrics, run fields) and tags.
    public func holds(fields: [String: String], tags: [String], key resolved: String) -> Bool {
        if resolved == "tag" { return op == .notEqual ? !tags.contains(value) : (op == .equal && tags.contains(value)) }
        return holds(fields[resolved])
    }
}

/// A filter that names no key, or several.
public struct FilterError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension RunRecord {
    /// Every field a ``RunFilter`` or an export reads, as text: the run fields, each key of the
    /// resolved config (the written one for a run recorded without it) by its dotted path, and
    /// each metric as `metric.NAME`.
    public func filterFields(metrics: [String: Double]) -> [String: String] {
        var out = SweepProgress.keyValues(ofConfig: effectiveConfigJSON)
        out["id"] = id; out["experiment"] = experiment; out["seed"] = String(seed); out["status"] = status.rawValue
        out["steps"] = String(stepsCompleted ?? 0)
        if let note { out["note"] = note }
        for (k, v) in metrics { out["metric." + k] = v.isFinite ? NumberFormat.shortest(v) : "nan" }
        return out
    }
}

extension Array where Element == RunRecord {
    /// The runs that pass every filter and carry every tag of `tags`; a filter that names no key
    /// the runs have throws a ``FilterError``.
    public func filtered(_ filters: [RunFilter], tags: [String], metrics: (RunRecord) throws -> [String: Double]) throws -> [RunRecord] {
        guard !filters.isEmpty || !tags.isEmpty else { return self }
        let fields = try map { try $0.filterFields(metrics: metrics($0)) }
        let keys = Set(fields.flatMap(\.keys))
        let resolved = try filters.map { f -> String in
            switch f.resolvedKey(among: keys) {
            case .success(let k): return k
            case .failure(let e): throw e
            }
        }
        return indices.filter { i in
            tags.allSatisfy(self[i].tags.contains)
                && zip(filters, resolved).allSatisfy { f, k in f.holds(fields: fields[i], tags: self[i].tags, key: k) }
        }.map { self[$0] }
    }
}
