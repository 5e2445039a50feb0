import Foundation
import SymLabCore

/// One run to do: a point of a sweep with one seed. Its id is stable: the same spec gives the
/// same ids every time, so a resumed or retried sweep recognises what is already done.
public struct PlannedRun: Sendable, Equatable {
    public let id: String
    public let experiment: String
    public let pointID: String
    public let pointIndex: Int
    public let seed: Int
    public let config: RunConfig
}

/// An experiment spec: a YAML file with a base configuration, `seeds`, and an optional
/// `sweep:` block, after `key.path=value` overrides.
///
/// Sweeps: `sweep:` is a block or a list of blocks (their points are concatenated). A block has
/// `product:` axes (every combination) and/or `zip:` axes (taken together, equal lengths); an axis
/// maps a dotted key path to a list of values, e.g. `model.options.width: [32, 64, 128]`.
public struct ExperimentSpec: Sendable {
    public let file: String
    public let name: String
    public let seeds: [Int]
    public let points: [RunConfig]
    /// What the reader should know but that is not an error: keys written in another spelling
    /// (`model.options.init-scale`, read as `init_scale`). Commands print them as notes.
    public var notes: [String] = []

    /// Every (point, seed) pair, points first.
    public var runs: [PlannedRun] {
        points.enumerated().flatMap { index, config in
            let pointID = Self.pointID(config)
            return seeds.map { seed in
                PlannedRun(id: "\(pointID)-s\(seed)", experiment: config.experiment, pointID: pointID,
                           pointIndex: index, seed: seed, config: config)
            }
        }
    }

    public static func load(path: String, overrides: [String] = []) throws -> ExperimentSpec {
        try parse(yaml: try readText(path), file: path, overrides: overrides)
    }

    /// Every spec at `path`: a directory's `*.yaml`/`*.yml` files (by name), or a file's YAML
    /// documents (separated by `---` lines, as `symlab figure NAME --print-specs` writes them; a
    /// document of comments only is skipped). Plain overrides apply to every spec; `SPEC:key=value`
    /// to the spec named SPEC only (an unknown SPEC is an error). Names must differ: they share
    /// one results database.
    public static func loadAll(path: String, overrides: [String] = []) throws -> [ExperimentSpec] {
        let documents = try documents(at: path)
        let plain = overrides.filter { splitTarget($0) == nil }
        var specs: [ExperimentSpec] = []
        var targeted: [String: [String]] = [:]
        for o in overrides { if let (target, override) = splitTarget(o) { targeted[target, default: []].append(override) } }
        for d in documents {
            // The name decides which targeted overrides apply: read it before the overrides.
            let name = (try? parse(yaml: d.yaml, file: d.file))?.name ?? ""
            specs.append(try parse(yaml: d.yaml, file: d.file, overrides: plain + (targeted[name] ?? [])))
        }
        let names = specs.map(\.name)
        if let unknown = targeted.keys.sorted().first(where: { !names.contains($0) }) {
            throw SpecError(file: path, keyPath: "", message: "an override targets spec '\(unknown)', which is not here; the specs are \(names.joined(separator: ", "))\(Suggestion.hint(for: unknown, among: names))")
        }
        if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw SpecError(file: path, keyPath: "name", message: "two specs are named '\(twice)'; specs run together need distinct names")
        }
        return specs
    }

    /// The spec documents at `path` as ``loadAll(path:overrides:)`` reads them, each with the file
    /// (and document number) it came from; documents of comments only are skipped.
    public static func documents(at path: String) throws -> [(file: String, yaml: String)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SpecError(file: path, keyPath: "", message: "no such file or directory")
        }
        var documents: [(file: String, yaml: String)] = []
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            guard !names.isEmpty else { throw SpecError(file: path, keyPath: "", message: "the directory holds no .yaml or .yml file") }
            for n in names { documents.append((path + "/" + n, try readText(path + "/" + n))) }
        } else {
            let parts = splitDocuments(try readText(path))
            documents = parts.count == 1 ? [(path, parts[0])] : parts.enumerated().map { ("\(path) (document \($0.offset + 1))", $0.element) }
        }
        // Skip documents of comments only; the rest must each be a spec.
        documents = try documents.filter { d in
            if case .null = try SpecValue.parse(yaml: d.yaml, file: d.file) { return false }
            return true
        }
        guard !documents.isEmpty else { throw SpecError(file: path, keyPath: "", message: "no spec in the file") }
        return documents
    }

    /// `SPEC:key.path=value` → (SPEC, `key.path=value`); nil for an override without a target (no
    /// `:` before the `=`; key paths never hold a `:`, values may). A colon right before `=` is
    /// the replacing override `key:=value`, not a target.
    public static func splitTarget(_ override: String) -> (target: String, override: String)? {
        guard let eq = override.firstIndex(of: "=") else { return nil }
        let left = override[..<eq], head = left.hasSuffix(":") ? left.dropLast() : left
        guard let colon = head.firstIndex(of: ":") else { return nil }
        return (String(override[..<colon]).trimmingCharacters(in: .whitespaces), String(override[override.index(after: colon)...]))
    }

    /// A file's YAML documents: the text between lines that are `---` (optionally followed by a
    /// comment). A separator inside a block scalar would split it too; specs have none.
    static func splitDocuments(_ text: String) -> [String] {
        var parts: [String] = [], current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t == "---" || t.hasPrefix("--- #") {
                if !current.isEmpty { parts.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty || parts.isEmpty { parts.append(current.joined(separator: "\n")) }
        return parts
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(file: path, keyPath: "", message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecError(file: path, keyPath: "", message: "the file is not UTF-8 text")
        }
        return text
    }

    public static func parse(yaml: String, file: String, overrides: [String] = []) throws -> ExperimentSpec {
        var tree = try SpecValue.parse(yaml: yaml, file: file)
        guard case .map = tree else { throw SpecError(file: file, keyPath: "", message: "expected a mapping at the top level, got \(tree)") }
        // One spelling per key, before anything reads or hashes the tree: `init-scale` and
        // `init_scale` are the same setting and give the same run ids.
        let (canonical, respelled) = try tree.canonicalKeys(file: file)
        tree = canonical
        var notes = respelled.map { "\(file): key '\($0)' is spelled '\(KeySpelling.canonical($0))' (read as that; keys use '_')" }
        for o in overrides {
            tree = try applyOverride(o, to: tree, file: file)
            if let eq = o.firstIndex(of: "="), KeySpelling.canonical(String(o[..<eq])) != String(o[..<eq]) {
                notes.append("override '\(o)': key '\(overridePath(String(o[..<eq])).path)' is spelled '\(KeySpelling.canonical(overridePath(String(o[..<eq])).path))' (read as that; keys use '_')")
            }
        }

        let seeds: [Int]
        do { seeds = try parseSeeds(tree[path: "seeds"], file: file) } catch let e as SpecError { throw blame(e, overrides: overrides) }
        // `seeds: 5` could be read as "five seeds" (as some tools do); here it is the one seed 5,
        // and the reader is told so with the spelling of the other reading.
        if case .int(let one)? = tree[path: "seeds"], one >= 1 {
            notes.append("\(file): seeds: \(one) runs the one seed \(one); for \(one) seeds write seeds: 0..\(one - 1)")
        }
        var points: [RunConfig] = []
        for (i, pointTree) in try expandSweep(tree, file: file, overrides: overrides).enumerated() {
            do { points.append(try RunConfig(tree: pointTree, file: file)) }
            catch let e as SpecError {
                let blamed = blame(e, overrides: overrides)
                guard tree[path: "sweep"] != nil else { throw blamed }
                throw SpecError(file: blamed.file, keyPath: e.keyPath, message: e.message + " (in sweep point \(i))")
            }
        }
        guard points.count * seeds.count <= maxRuns else {
            throw SpecError(file: file, keyPath: "seeds", message: "\(points.count) point(s) × \(seeds.count) seeds = \(points.count * seeds.count) runs; at most \(maxRuns) are allowed in one spec")
        }
        let name = points.first?.experiment ?? ""
        let ids = points.map(pointID)
        if Set(ids).count != ids.count {
            throw SpecError(file: file, keyPath: "sweep", message: "two sweep points are identical")
        }
        return ExperimentSpec(file: file, name: name, seeds: seeds, points: points, notes: notes)
    }

    /// An error about a key an override set names the override, not only the file: the typo is
    /// on the command line (`trainig.steps=5`), not in the spec.
    static func blame(_ e: SpecError, overrides: [String]) -> SpecError {
        guard !e.keyPath.isEmpty, let o = overrides.last(where: { o in
            o.firstIndex(of: "=").map { keyPathsOverlap(KeySpelling.canonical(overridePath(String(o[..<$0])).path), e.keyPath) } ?? false
        }) else { return e }
        return SpecError(file: "override '\(o)' (on \(e.file))", keyPath: e.keyPath, message: e.message)
    }

    /// The key path of an override's left side, and whether it replaces (`key:=value`) rather
    /// than merges.
    static func overridePath(_ left: String) -> (path: String, replace: Bool) {
        var path = left.trimmingCharacters(in: .whitespaces)
        let replace = path.hasSuffix(":")
        if replace { path = String(path.dropLast()).trimmingCharacters(in: .whitespaces) }
        return (path, replace)
    }

    /// `key.path=value`, the value read as YAML (`model.options.width=512`, `seeds=0..4`,
    /// `data.options.n=[8,12]`). A mapping merges into a mapping already there, key by key and at
    /// every depth (`model.options={depth: 1}` keeps the spec's width), as hydra merges a config
    /// node; `key.path:=value` replaces the node whole. Any other value replaces what was there.
    public static func applyOverride(_ text: String, to tree: SpecValue, file: String) throws -> SpecValue {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw SpecError(file: file, keyPath: "", message: "override '\(text)' must look like key.path=value")
        }
        let (written, replace) = overridePath(String(text[..<eq]))
        let path = KeySpelling.canonical(written)
        let raw = String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        let components = path.split(separator: ".", omittingEmptySubsequences: false)
        guard components.count <= SpecLimits.maxDepth, path.count <= SpecLimits.maxStringLength else {
            throw SpecError(file: file, keyPath: "",
                            message: "the override '\(text.prefix(60))…' has a key path of \(components.count) components and \(path.count) characters; at most \(SpecLimits.maxDepth) components and \(SpecLimits.maxStringLength) characters are allowed")
        }
        guard components.allSatisfy({ !$0.isEmpty }) else {
            throw SpecError(file: file, keyPath: path, message: "override key path has an empty component")
        }
        if let range = parseIntRange(raw) {
            // Refused before it is expanded: a range wider than any spec could use (seeds: the
            // runs of one spec; any other key: the points of one sweep) would otherwise be built
            // in full and only then rejected (fuzz input 40182: 936,570 values, 1.4 CPU s).
            let cap = path == "seeds" ? maxRuns : maxPoints
            guard range.count <= cap else {
                throw SpecError(file: file, keyPath: path, message: "the range \(raw) has \(range.count) values; at most \(cap) are allowed here (\(path == "seeds" ? "the runs of one spec" : "the points of one spec"))")
            }
            return tree.setting(path, to: .list(range.map { .int($0) }))
        }
        let value = try SpecValue.parse(yaml: raw.isEmpty ? "''" : raw, file: "override '\(text)'").canonicalKeys(file: "override '\(text)'").value
        if !replace, let existing = tree[path: path] { return tree.setting(path, to: existing.merging(value)) }
        return tree.setting(path, to: value)
    }

    /// "a..b" → a…b (inclusive).
    static func parseIntRange(_ s: String) -> ClosedRange<Int>? {
        let parts = s.components(separatedBy: "..")
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a <= b else { return nil }
        let (width, overflow) = b.subtractingReportingOverflow(a)
        guard !overflow, width < 1_000_000 else { return nil }
        return a...b
    }

    static func parseSeeds(_ v: SpecValue?, file: String) throws -> [Int] {
        let err = SpecError(file: file, keyPath: "seeds", message: "expected a non-negative integer (one seed), a list of them ([0, 1, 2] or 0,1,2), or a range 'a..b'")
        let seeds: [Int]
        switch v {
        case nil, .null?: seeds = [0]
        case .int(let i)?: seeds = [i]
        case .string(let s)?:
            if let r = parseIntRange(s) { seeds = Array(r) }
            else {
                // `seeds=0,1,2` on the command line: YAML reads it as one string.
                let parts = s.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard parts.count > 1, parts.count <= maxRuns, parts.allSatisfy({ $0 != nil }) else { throw err }
                seeds = parts.map { $0! }
            }
        case .list(let l)?:
            seeds = try l.map { guard case .int(let i) = $0 else { throw err }; return i }
        default: throw err
        }
        guard !seeds.isEmpty, seeds.allSatisfy({ $0 >= 0 }) else { throw err }
        guard Set(seeds).count == seeds.count else {
            throw SpecError(file: file, keyPath: "seeds", message: "seeds repeat: \(seeds)")
        }
        return seeds
    }

    /// The most points one spec may expand to, and the most runs (points × seeds).
    public static let maxPoints = 10_000
    public static let maxRuns = 1_000_000

    /// True when setting one key path changes the value at the other (equal, or one inside the other).
    static func keyPathsOverlap(_ a: String, _ b: String) -> Bool {
        a == b || a.hasPrefix(b + ".") || b.hasPrefix(a + ".")
    }

    /// `overrides`: the command line's `key.path=value` texts; one that sets a key a sweep axis
    /// also sets would be silently replaced by the axis's values at every point, so it is an error.
    static func expandSweep(_ tree: SpecValue, file: String, overrides: [String] = []) throws -> [SpecValue] {
        // The key paths each override sets: a mapping that merges sets only its leaves
        // (`model.options={depth: 1}` leaves a swept width alone); `:=` and scalars set the node.
        let overridden = overrides.flatMap { o -> [(path: String, text: String)] in
            guard let eq = o.firstIndex(of: "=") else { return [] }
            let (written, replace) = overridePath(String(o[..<eq]))
            let path = KeySpelling.canonical(written)
            let raw = String(o[o.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if !replace, case .map? = try? SpecValue.parse(yaml: raw, file: "override"), let value = try? SpecValue.parse(yaml: raw, file: "override") {
                return SweepProgress.leaves(value).keys.map { (path: path + "." + $0, text: o) }
            }
            return [(path: path, text: o)]
        }.filter { !$0.path.hasPrefix("sweep") }
        let base = tree.removing("sweep")
        let blocks: [(SpecValue, String)]
        switch tree[path: "sweep"] {
        case nil, .null?: return [base]
        case .map(let m)?: blocks = [(.map(m), "sweep")]
        case .list(let l)?: blocks = l.enumerated().map { ($1, "sweep[\($0)]") }
        case let v?: throw SpecError(file: file, keyPath: "sweep", message: "expected a block (product:/zip:) or a list of blocks, got \(v)")
        }
        var points: [SpecValue] = []
        for (block, path) in blocks {
            let reader = try SpecReader(block, file: file, path: path)
            try reader.allowOnly(["product", "zip"])
            func axes(_ k: String) throws -> [(String, [SpecValue])] {
                let r = try reader.child(k)
                return try r.map.keys.sorted().map { key in
                    guard case .list(let values) = r.map[key]!, !values.isEmpty else {
                        throw r.fail(key, "expected a non-empty list of values")
                    }
                    if key.hasPrefix("seeds") || key.hasPrefix("sweep") { throw r.fail(key, "cannot sweep over '\(key)'") }
                    guard key.split(separator: ".", omittingEmptySubsequences: false).count <= SpecLimits.maxDepth else {
                        throw r.fail(key, "a sweep axis key path of more than \(SpecLimits.maxDepth) components")
                    }
                    if let o = overridden.first(where: { keyPathsOverlap($0.path, key) }) {
                        throw r.fail(key, "the override '\(o.text)' sets a key this sweep axis also sets, so it would have no effect; drop the override, or change the axis (e.g. override '\(r.key(key))=[…]')")
                    }
                    return (key, values)
                }
            }
            let product = try axes("product"), zip = try axes("zip")
            if let n = zip.first?.1.count, let bad = zip.first(where: { $0.1.count != n }) {
                throw SpecError(file: file, keyPath: "\(path).zip.\(bad.0)", message: "zip axes must have equal lengths (\(n) vs \(bad.1.count))")
            }
            // Counted before expanding: ten axes of ten values must be an error, not 10¹⁰ trees.
            var count = zip.isEmpty ? 1 : zip[0].1.count
            for (_, values) in product {
                let (c, overflow) = count.multipliedReportingOverflow(by: values.count)
                count = overflow ? Int.max : c
            }
            guard count <= maxPoints - points.count else {
                throw SpecError(file: file, keyPath: path, message: "the sweep has \(count == Int.max ? "more than \(Int.max)" : "\(count)") points; at most \(maxPoints) are allowed in one spec")
            }
            var combos: [[(String, SpecValue)]] = [[]]
            for (key, values) in product {
                combos = combos.flatMap { c in values.map { c + [(key, $0)] } }
            }
            if let n = zip.first?.1.count {
                combos = combos.flatMap { c in (0..<n).map { i in c + zip.map { ($0.0, $0.1[i]) } } }
            }
            for c in combos { points.append(c.reduce(base) { $0.setting($1.0, to: $1.1) }) }
        }
        return points
    }

    /// A point's id: the hash of its config without the keys that say how to run it rather than
    /// what to run (`training.checkpoint_every`, `training.save_weights`), so that asking for
    /// checkpoints or saved weights neither changes a run's randomness (seeded by its point) nor
    /// makes finished runs of the spec run again.
    public static let operationalKeys = ["training.checkpoint_every", "training.save_weights"]

    public static func pointID(_ config: RunConfig) -> String {
        stableID(operationalKeys.reduce(config.tree) { $0.removing($1) }.canonicalJSON)
    }

    /// FNV-1a 64-bit of the canonical JSON, in hex: short, stable across machines and versions.
    public static func stableID(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
