import Foundation
import SymLabCore
import SymLabKernels
import SymLabNumerics

/// A seeded generator of hostile inputs for the experiment-spec parser and the `key=value`
/// override parser, and the check that each one ends in a clear error or a valid spec.
///
/// Input `i` of seed `s` is a pure function of `(s, i)` (``RandomStream`` stream `i`), so a
/// failure found in a run of 100,000 inputs is reproduced alone with `symlab fuzz --seed s
/// --only i`. Inputs mix four kinds: valid specs with a few structural mutations (values
/// replaced by wrong types, out-of-range or huge numbers, unicode; keys removed, added,
/// doubled; sweeps and seeds blown up), the same after character-level damage, free-form
/// garbage (deep nesting, anchors, control characters), and hostile overrides.
///
/// Why a generator of our own rather than libFuzzer: the inputs must be reproducible from a
/// seed inside `make test`, built by the normal release build (no `-sanitize=fuzzer` toolchain
/// build on 2 shared cores), and shaped like specs, so that the checks after parsing (key paths,
/// ranges, sweep sizes, memory) are reached and not only the YAML scanner.
public enum SpecFuzzer {
    /// One generated case: a spec's text and the overrides given with it.
    public struct Input: Sendable, CustomStringConvertible {
        public var yaml: String
        public var overrides: [String]
        public init(yaml: String, overrides: [String] = []) { self.yaml = yaml; self.overrides = overrides }
        public var description: String {
            "--- spec (\(yaml.utf8.count) bytes) ---\n\(yaml.count > 4000 ? String(yaml.prefix(4000)) + "\n… (truncated)" : yaml)\n--- overrides ---\n"
                + overrides.map { "  \($0.count > 400 ? String($0.prefix(400)) + "…" : $0)" }.joined(separator: "\n")
        }
    }

    /// How a case ended.
    public enum Verdict: Sendable, Equatable {
        /// A spec that passed every check, with its number of runs.
        case valid(runs: Int)
        /// A ``SpecError`` naming the file (or the override) with a readable message.
        case error(String)
        /// Anything else: an error of another type, or a message that does not say where or what.
        case unclear(String)
    }

    /// The file name the cases are parsed under (errors must name it).
    public static let file = "fuzz.yaml"

    /// The memory budget the fuzzer checks against: small, so that a case asking for a large model
    /// is refused by the size check instead of being built.
    public static let budget = MemoryBudget(availableBytes: 64 << 20, source: "the fuzzer's 64 MiB budget")

    /// Parses, expands and checks one case (``Preflight`` included).
    public static func check(_ input: Input, budget: MemoryBudget = budget) -> Verdict {
        do {
            let spec = try ExperimentSpec.parse(yaml: input.yaml, file: file, overrides: input.overrides)
            try Preflight.check(spec, budget: budget)
            return .valid(runs: spec.points.count * spec.seeds.count)
        } catch let e as SpecError {
            return isClear(e) ? .error(e.description) : .unclear("SpecError without a clear message: \(e.description)")
        } catch {
            return .unclear("\(type(of: error)): \(error)")
        }
    }

    /// Names the file or the override, says something, stays short enough to read, and does not
    /// leak Swift's debug spelling of values.
    public static func isClear(_ e: SpecError) -> Bool {
        let text = e.description
        return (e.file == file || e.file.hasPrefix("override '")) && !e.message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            && text.count <= SpecError.maxMessageLength + 500
            && !text.contains("Optional(") && !text.contains("Swift.")
    }

    // MARK: - Generation

    /// Input `index` of `seed`.
    public static func input(seed: UInt64, index: Int) -> Input {
        var g = Gen(rng: RandomStream(seed: seed, stream: UInt64(truncatingIfNeeded: index)))
        return g.input()
    }

    /// Valid specs the structural mutations start from (block and flow style, sweeps, zip).
    static let templates: [String] = [
        """
        name: fuzz-mlp
        data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 64, n_val: 16, n_test: 32}
        model: {name: mlp, options: {width: 16}}
        optimizer: {name: adam, lr: 0.01}
        training: {steps: 10, eval_every: 5}
        seeds: 0..2
        """,
        """
        name: fuzz-gnn
        description: a GNN on degree parities
        data:
          class: er-parity
          options:
            n: 8
          n_train: 32
          n_val: 8
          n_test: 16
        model:
          name: gnn
          options:
            depth: 2
            width: 8
            hidden: 8
            pooling: mean
        optimizer:
          name: sgd
          lr: 0.1
          schedule: cosine
        training:
          steps: 5
          batch_size: 8
          patience: 2
        precision: f32
        threads: 1
        seeds: [0, 1]
        sweep:
          product:
            model.options.width: [4, 8]
            optimizer.lr: [0.1, 0.01]
        """,
        """
        name: fuzz-cnn
        data: {class: cyclic-pattern-parity, options: {n: 8, width: 3, k: 2}, n_train: 40, n_test: 20}
        model: {name: cnn, options: {depth: 1, channels: 4, hidden: 8, kernel: 3}}
        optimizer: {name: momentum, lr: 0.05, momentum: 0.9, lr_log_uniform_factor: [0.1, 10]}
        training: {steps: 4, eval_every: 2, loss: mse}
        seeds: 3
        sweep:
          - zip: {data.n_train: [40, 80], training.steps: [4, 8]}
          - product: {model.options.kernel: [1, 3]}
        """,
        """
        name: fuzz-index
        data: {class: single-index, options: {d: 8}, n_train: 50, n_val: 10, n_test: 10}
        model: {name: mlp, options: {depth: 3, width: 8, activation: tanh}}
        optimizer: {name: adamw, lr: 0.001, weight_decay: 0.01, schedule: warmup-cosine, warmup_steps: 2}
        training: {steps: 6, eval_every: 3, loss: mse}
        seeds: 0..1
        """,
    ]

    /// Every key path a spec may hold: the targets of "set this key to something hostile".
    static let keyPaths = [
        "name", "description", "precision", "threads", "seeds", "data", "data.class", "data.options", "data.options.n",
        "data.options.k", "data.options.d", "data.options.width", "data.options.noise", "data.options.p", "data.n_train",
        "data.n_val", "data.n_test", "model", "model.name", "model.options", "model.options.width", "model.options.depth",
        "model.options.widths", "model.options.hidden", "model.options.channels", "model.options.kernel",
        "model.options.activation", "model.options.symmetric", "model.options.backbone", "model.options.group",
        "model.options.parameterization", "model.options.init_scale", "optimizer", "optimizer.name", "optimizer.lr",
        "optimizer.weight_decay", "optimizer.momentum", "optimizer.lr_log_uniform_factor", "optimizer.schedule",
        "optimizer.warmup_steps", "optimizer.step_every", "optimizer.step_factor", "training", "training.steps",
        "training.batch_size", "training.eval_every", "training.patience", "training.loss", "sweep", "sweep.product",
        "sweep.zip", "scheme", "scheme.name", "scheme.options",
    ]

    /// Scalars that break parsers and range checks: limits of Int and Double, YAML's special
    /// spellings, unicode, names that exist in the registries.
    static let scalars = [
        "0", "-0", "1", "-1", "2", "3", "7", "8", "16", "65536", "65537", "1000000", "100000000", "100000001",
        "2147483648", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999999999",
        "1e308", "1e309", "-1e309", "4.9e-324", "1e-320", "1.5", "0.5", "-0.5", "1e6", "1e7", "9.0e15", "1.0",
        ".nan", ".NaN", ".inf", "-.inf", "+.inf", "0x7fffffffffffffff", "0xffffffffffffffffff", "0o777", "0b101", "1_000", "+12",
        "true", "false", "yes", "no", "on", "null", "~", "''", "\"\"", "\" \"", "\"\\u0000\"", "\"\\t\"", "\"a\\nb\"",
        "é", "日本語", "💥", "Ω≈ç√", "\u{202E}evil", "\u{FEFF}bom", "a b", "-", "?", ":", "!!str 12", "!!int x", "!!float 1",
        "!!binary aGk=", "!custom x", "2024-01-01", "12:30:00", "0..5", "5..0", "-3..2", "0..999999", "0..1000000",
        "0..99999999", "-9223372036854775808..9223372036854775807", "9223372036854775806..9223372036854775807",
        "0..9223372036854775807", "a..b", "..", "1..", "sparse-parity", "er-parity", "cyclic-pattern-parity", "single-index",
        "staircase", "gaussian-gnn", "mlp", "gnn", "cnn", "cnn-minimal", "gnn-minimal", "frame-averaged", "group-averaged",
        "adam", "sgd", "f32", "f64", "f16", "mse", "logistic", "cosine", "symmetric", "dihedral", "cyclic", "relu", "tanh",
        "channels-last", "8,8,8", "1,0,3", "65536,65536,65536", "16,", ",", "[1, 2]", "[]", "{}", "{a: 1}", "[[[]]]",
    ] + injections.map(jsonQuote)

    /// The file an injected command would create, in the directory a figure is rendered in
    /// (gnuplot's working directory): `symlab fuzz` checks that it never appears.
    public static let injectionMarker = "symlab-fuzz-injected"

    /// Text that becomes a command if it reaches a gnuplot script, an HTML page or a terminal
    /// unescaped: line breaks that end a quoted title, backquotes, macros, markup, escape
    /// sequences. Used as string values (names, descriptions, sweep values, keys) in every position.
    public static let injections: [String] = [
        "a\nsystem(\"touch \(injectionMarker)\")\nb", "a'\nsystem('touch \(injectionMarker)')\n'", "x\r\nsystem(\"touch \(injectionMarker)\") #",
        "`touch \(injectionMarker)`", "@x `touch \(injectionMarker)`", "t\\\nsystem(\"touch \(injectionMarker)\")",
        "a\u{2028}system(\"touch \(injectionMarker)\")", "a\u{85}system(\"touch \(injectionMarker)\")",
        "<img src=x onerror=alert(1)>", "</code><script>alert(1)</script>", "\"><svg onload=alert(1)>",
        "\u{1B}[2J\u{1B}]0;pwned\u{7}", "\u{1B}[31mred", "nul\u{0}byte", "$(touch \(injectionMarker))", "; touch \(injectionMarker)",
    ]

    /// Values that are often valid, so that mutated specs also pass and reach the size checks.
    static let plausible: [(String, [String])] = [
        ("model.options.width", ["1", "2", "7", "64", "4096", "65536"]), ("model.options.depth", ["1", "2", "3", "8", "9"]),
        ("model.options.hidden", ["1", "2", "16", "65536"]), ("model.options.widths", ["4", "4,8", "65536,65536", "3,0"]),
        ("model.options.activation", ["relu", "tanh", "gelu", "abs"]), ("model.options.symmetric", ["true", "false"]),
        ("model.name", ["mlp", "gnn", "cnn", "cnn-minimal", "gnn-minimal", "frame-averaged", "group-averaged", "gaussian-gnn"]),
        ("data.class", ["sparse-parity", "er-parity", "single-index", "staircase", "cyclic-pattern-parity", "multi-index"]),
        ("data.n_train", ["1", "2", "10", "1000", "1000000", "100000000"]), ("data.n_val", ["0", "1", "5"]),
        ("data.n_test", ["1", "3", "100000"]), ("data.options", ["{}", "{n: 4}", "{d: 16}", "{n: 8, k: 3}", "{d: 65536}"]),
        ("optimizer.lr", ["0", "1e-6", "0.5", "1000000", "2e6"]), ("optimizer.name", ["sgd", "adam", "rmsprop", "adagrad", "nesterov"]),
        ("optimizer.schedule", ["constant", "cosine", "step", "warmup-cosine"]), ("training.steps", ["1", "2", "100000000"]),
        ("training.batch_size", ["0", "1", "7", "1000000"]), ("training.eval_every", ["1", "100000000"]),
        ("training.patience", ["0", "1", "1000000"]), ("training.loss", ["mse", "logistic"]), ("precision", ["f32", "f64"]),
        ("threads", ["1", "2", "256"]), ("seeds", ["0", "[0, 5]", "0..99", "3..3", "[]"]),
        ("sweep", ["{product: {model.options.width: [2, 4]}}", "{zip: {data.n_train: [10, 20], training.steps: [1, 2]}}",
                   "[{product: {optimizer.lr: [0.1, 0.2]}}, {product: {optimizer.lr: [0.3]}}]"]),
    ]

    /// Characters inserted by character-level damage.
    static let damage: [String] = [
        ":", ": ", "-", "- ", "[", "]", "{", "}", ",", "#", "&a ", "*a", "!", "!!", "%", "|", ">", "'", "\"", "\\", "\t", "\n",
        "\n  ", "\r", "\r\n", " ", "  ", "?", "@", "`", "\u{0}", "\u{1}", "\u{7F}", "\u{85}", "\u{A0}", "\u{2028}", "\u{FEFF}",
        "é", "ß", "𝔸", "🙂", "\u{301}", "\u{200B}", "\u{202E}", "0", "9", "e", ".", "..", "=", "---\n", "...\n", "%YAML 1.2\n",
    ]

    /// A tree of YAML text pieces (scalars stay as written, so `.nan` or `0x1F` reach the parser as is).
    indirect enum Node {
        case scalar(String)
        case list([Node])
        case map([(String, Node)])

        init(_ v: SpecValue) {
            switch v {
            case .null: self = .scalar("null")
            case .bool(let b): self = .scalar("\(b)")
            case .int(let i): self = .scalar("\(i)")
            case .double(let d): self = .scalar("\(d)")
            case .string(let s): self = .scalar(s.contains("..") || s.isEmpty ? jsonQuote(s) : s)
            case .list(let l): self = .list(l.map(Node.init))
            case .map(let m): self = .map(m.keys.sorted().map { ($0, Node(m[$0]!)) })
            }
        }

        /// Flow style (`{a: 1, b: [2]}`): one line.
        var flow: String {
            switch self {
            case .scalar(let s): s
            case .list(let l): "[" + l.map(\.flow).joined(separator: ", ") + "]"
            case .map(let m): "{" + m.map { "\($0.0): \($0.1.flow)" }.joined(separator: ", ") + "}"
            }
        }

        /// Block style at `indent`, choosing flow for some children.
        func block(_ indent: Int, _ g: inout Gen) -> String {
            let pad = String(repeating: " ", count: indent)
            switch self {
            case .scalar(let s): return s
            case .list(let l):
                if l.isEmpty || g.chance(0.5) { return flow }
                return l.map { "\n\(pad)- " + $0.block(indent + 2, &g) }.joined()
            case .map(let m):
                if m.isEmpty || (indent > 0 && g.chance(0.4)) { return flow }
                return m.map { k, v in
                    let inner = v.block(indent + 2, &g)
                    return "\n\(pad)\(k):" + (inner.hasPrefix("\n") ? inner : " " + inner)
                }.joined()
            }
        }

        /// The dotted paths of every map entry.
        func paths(_ prefix: String = "") -> [String] {
            guard case .map(let m) = self else { return [] }
            return m.flatMap { k, v in [prefix + k] + v.paths(prefix + k + ".") }
        }

        func setting(_ keys: ArraySlice<String>, to value: Node?) -> Node {
            guard let key = keys.first else { return value ?? .scalar("null") }
            var m: [(String, Node)] = []
            if case .map(let existing) = self { m = existing }
            if let i = m.firstIndex(where: { $0.0 == key }) {
                if keys.count == 1 && value == nil { m.remove(at: i) } else { m[i].1 = m[i].1.setting(keys.dropFirst(), to: value) }
            } else if value != nil {
                m.append((key, Node.map([]).setting(keys.dropFirst(), to: value)))
            }
            return .map(m)
        }

        func value(at keys: ArraySlice<String>) -> Node? {
            guard let key = keys.first else { return self }
            guard case .map(let m) = self, let v = m.first(where: { $0.0 == key })?.1 else { return nil }
            return v.value(at: keys.dropFirst())
        }
    }

    /// The random choices behind one input.
    struct Gen {
        var rng: RandomStream

        mutating func chance(_ p: Double) -> Bool { rng.uniform() < p }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + rng.int(below: range.count) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[rng.int(below: xs.count)] }

        mutating func input() -> Input {
            let kind = rng.uniform()
            var yaml: String
            if kind < 0.08 {
                yaml = garbage()
            } else {
                var tree = Node(try! SpecValue.parse(yaml: pick(templates), file: "template"))
                for _ in 0..<(chance(0.15) ? 0 : int(1...4)) { tree = mutate(tree) }
                yaml = chance(0.3) ? tree.flow : String(tree.block(0, &self).drop { $0 == "\n" })
                if kind > 0.75 { for _ in 0..<int(1...3) { yaml = damageText(yaml) } }
            }
            var overrides: [String] = []
            if chance(0.4) { for _ in 0..<int(1...3) { overrides.append(override()) } }
            return Input(yaml: yaml, overrides: overrides)
        }

        mutating func scalar() -> String {
            switch rng.uniform() {
            case ..<0.6: return pick(scalars)
            case ..<0.75:   // a number of random magnitude and sign
                let magnitude = int(0...19)
                var digits = String(int(1...9))
                for _ in 0..<magnitude { digits += String(int(0...9)) }
                return (chance(0.2) ? "-" : "") + digits + (chance(0.2) ? ".\(int(0...99))" : "") + (chance(0.1) ? "e\(int(-400...400))" : "")
            case ..<0.9: return jsonQuote(unicodeString(int(0...24)))
            case ..<0.95: return String(repeating: pick(["x", "9", "é", "🙂"]), count: int(100...20_000))
            default: return "\(int(0...20))..\(int(-5...2_000_000))"
            }
        }

        mutating func value(_ depth: Int = 0) -> Node {
            switch rng.uniform() {
            case ..<0.7: return .scalar(scalar())
            case ..<0.85 where depth < 4: return .list((0..<int(0...5)).map { _ in value(depth + 1) })
            case ..<1 where depth < 4: return .map((0..<int(0...4)).map { _ in (key(), value(depth + 1)) })
            default: return .scalar(scalar())
            }
        }

        mutating func key() -> String {
            switch rng.uniform() {
            case ..<0.6: return pick(keyPaths).split(separator: ".").last.map(String.init) ?? "x"
            case ..<0.8: return pick(keyPaths)
            default: return jsonQuote(unicodeString(int(0...12)))
            }
        }

        mutating func unicodeString(_ n: Int) -> String {
            var s = ""
            for _ in 0..<n {
                switch rng.uniform() {
                case ..<0.5: s.unicodeScalars.append(Unicode.Scalar(UInt8(int(32...126))))
                case ..<0.6: s.unicodeScalars.append(Unicode.Scalar(UInt8(int(0...31))))
                default:
                    let v = UInt32(int(0x80...0x10FFFF))
                    s.unicodeScalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                }
            }
            return s
        }

        /// One structural change of a spec tree.
        mutating func mutate(_ tree: Node) -> Node {
            let existing = tree.paths()
            switch int(0...13) {
            case 10, 11, 12:   // a known key set to a plausible value (valid specs must be reached too)
                let (path, values) = pick(plausible)
                return tree.setting(path.split(separator: ".").map(String.init)[...], to: .scalar(pick(values)))
            case 0, 1, 2:   // a known key set to something hostile
                return tree.setting(pick(keyPaths).split(separator: ".").map(String.init)[...], to: value())
            case 3:   // an existing key set to something hostile
                return tree.setting(pick(existing).split(separator: ".").map(String.init)[...], to: value())
            case 4:   // a key removed
                return tree.setting(pick(existing).split(separator: ".").map(String.init)[...], to: nil)
            case 5:   // an unknown key added, or a key written twice
                let path = pick(existing).split(separator: ".").map(String.init)
                if chance(0.5), case .map(var m) = tree, let first = m.first {
                    m.append(first)
                    return .map(m)
                }
                return tree.setting((path.dropLast() + [key()])[...], to: value())
            case 6:   // a sweep blown up: many axes, long axes, or axes over odd keys
                let axes = (0..<int(1...12)).map { _ -> (String, Node) in
                    let values = (0..<int(0...(chance(0.3) ? 60 : 4))).map { _ in Node.scalar(scalar()) }
                    return (chance(0.8) ? pick(keyPaths) : key(), .list(values))
                }
                let block = Node.map([(pick(["product", "zip", "prod"]), .map(axes))])
                return tree.setting(["sweep"], to: chance(0.3) ? .list([block, block]) : block)
            case 13:  // a sweep over free text: valid, and its values reach figure legends
                let values = (0..<int(2...4)).map { k in Node.scalar(jsonQuote(k == 0 ? pick(injections) : unicodeString(int(0...12)) + "\(k)")) }
                return tree.setting(["sweep"], to: .map([("product", .map([(pick(["description", "name"]), .list(values))]))]))
            case 7:   // seeds
                return tree.setting(["seeds"], to: chance(0.5) ? .scalar(scalar()) : .list((0..<int(0...6)).map { _ in .scalar(scalar()) }))
            case 8:   // sizes: huge or zero
                let sizes = ["data.n_train", "data.n_val", "data.n_test", "model.options.width", "model.options.hidden",
                             "model.options.channels", "model.options.depth", "data.options.n", "data.options.d",
                             "training.batch_size", "training.steps"]
                return tree.setting(pick(sizes).split(separator: ".").map(String.init)[...],
                                    to: .scalar(pick(["0", "1", "65536", "100000000", "99999999", "1000000", "-1", "4096", "50000"])))
            default:   // a subtree moved somewhere else
                let from = pick(existing).split(separator: ".").map(String.init)
                let to = pick(keyPaths).split(separator: ".").map(String.init)
                return tree.setting(to[...], to: tree.value(at: from[...]) ?? .scalar("~"))
            }
        }

        /// Character-level damage: insertions, deletions, a line repeated or dropped, truncation.
        mutating func damageText(_ text: String) -> String {
            var chars = Array(text)
            guard !chars.isEmpty else { return pick(damage) }
            let at = int(0...chars.count)
            switch int(0...5) {
            case 0, 1: chars.insert(contentsOf: pick(damage), at: at)
            case 2: chars.removeSubrange(at..<min(chars.count, at + int(1...8)))
            case 3:
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let i = int(0...(lines.count - 1))
                if chance(0.5) { lines.insert(lines[i], at: i) } else { lines.remove(at: i) }
                return lines.joined(separator: "\n")
            case 4: chars = Array(chars.prefix(at))
            default:   // indentation changed on one line
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let i = int(0...(lines.count - 1))
                lines[i] = String(repeating: pick([" ", "\t", "  "]), count: int(1...6)) + lines[i]
                return lines.joined(separator: "\n")
            }
            return String(chars)
        }

        /// Free-form text: deep nesting, anchors and aliases (alias bombs among them), documents,
        /// control characters, text over the size caps.
        mutating func garbage() -> String {
            let depth = pick([10, 100, 1_000, 10_000, 100_000])
            switch int(0...13) {
            case 9:   // "billion laughs": nine levels of nine aliases, as a value or a mapping key
                var lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
                for k in 1...9 { lines.append("l\(k): &l\(k) [" + Array(repeating: "*l\(k - 1)", count: 9).joined(separator: ", ") + "]") }
                lines.append(chance(0.5) ? "description: *l9" : "? *l9\n: x")
                return (chance(0.5) ? "name: bomb\n" : "") + lines.joined(separator: "\n")
            case 10:  // a harmless alias inside an otherwise valid spec
                return pick(templates).replacingOccurrences(of: "name: ", with: "name: &n ") + "\ndescription: *n"
            case 11:  // a key path of thousands of components
                return "name: deep\n" + Array(repeating: "a", count: int(65...40_000)).joined(separator: ".") + ": 1"
            case 12:  // over the file-size cap, or one string over the string cap
                return chance(0.5)
                    ? "name: big\ndescription: " + String(repeating: "x", count: SpecLimits.maxFileBytes + int(1...1000))
                    : pick(templates) + "\ndescription: " + String(repeating: pick(["x", "é"]), count: SpecLimits.maxStringLength + int(1...5000))
            case 13:  // hostile text in every string position of a valid spec
                return pick(templates).replacingOccurrences(of: "name: fuzz-", with: "name: " + jsonQuote(pick(injections)) + "\nx-")
            default: break
            }
            switch int(0...8) {
            case 0: return String(repeating: "[", count: depth) + String(repeating: "]", count: chance(0.5) ? depth : 0)
            case 1: return String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth)
            case 2: return String(repeating: "- ", count: depth) + "x"
            case 3: return (0..<min(depth, 2_000)).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1"
            case 4: return "a: &a [1, 2]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\nname: *a"
            case 5: return "name: x\n---\nname: y\n"
            case 6: return unicodeString(int(0...200))
            case 7: return (0..<int(1...40)).map { _ in pick(damage) + scalar() }.joined()
            default: return "&x a: *x\n"
            }
        }

        /// A `key.path=value` override, well-formed or not.
        mutating func override() -> String {
            switch rng.uniform() {
            case ..<0.6: return "\(pick(keyPaths))=\(scalar())"
            case ..<0.7: return "\(pick(keyPaths))=\(value().flow)"
            case ..<0.8: return pick(["", "=", "=1", "noequals", "a.=1", ".a=1", "a..b=1", "seeds", "seeds==1", " = ", "a=b=c",
                                      "model.options.width=", "\u{0}=\u{0}", "é.ß=日本"])
            case ..<0.83: return Array(repeating: pick(["a", "data", "é"]), count: int(60...40_000)).joined(separator: ".") + "=1"
            case ..<0.86: return "\(pick(["name", "description", "data.class", "model.options.activation"]))=\(jsonQuote(pick(injections)))"
            default: return "\(key())=\(scalar())"
            }
        }
    }
}
