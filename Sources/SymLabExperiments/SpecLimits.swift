import CYaml
import Foundation

/// Caps on what one spec may hold. Specs are shared between people, so a spec is untrusted
/// input: without caps a 50 MB `description` is stored in every run row, a "billion laughs"
/// alias bomb expands to gigabytes, and a key path of 40,000 components overflows the stack
/// when its nested maps are freed. Each cap is far above what a real experiment needs.
public enum SpecLimits {
    /// Bytes of one spec file (or of one override's value).
    public static let maxFileBytes = 1 << 20
    /// Characters of one string value or key.
    public static let maxStringLength = 8_192
    /// Nesting of maps and lists, and components of one dotted key path.
    public static let maxDepth = 64
    /// Values (scalars, lists and maps) in one spec.
    public static let maxNodes = 200_000

    /// Refuses YAML whose *shape* is hostile before Yams builds a tree of it: anchors and
    /// aliases (refused outright — a spec has no use for them, and composing an alias bomb, or
    /// hashing one used as a mapping key, takes exponential time and memory inside Yams itself),
    /// nesting deeper than ``maxDepth`` (Yams composes recursively), more than ``maxNodes``
    /// values, and strings longer than ``maxStringLength``.
    ///
    /// Walks libyaml's event stream — the parser underneath Yams, which composes only after
    /// this check — so nothing is expanded or stored while checking. Malformed YAML passes
    /// through: Yams reports it with its own message.
    static func checkShape(yaml: String, file: String) throws {
        guard yaml.utf8.count <= maxFileBytes else {
            throw SpecError(file: file, keyPath: "", message: "the text has \(yaml.utf8.count) bytes; at most \(maxFileBytes) (1 MiB) are allowed in a spec")
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(yaml.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0, nodes = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }   // Yams names the syntax error
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                func refuse(_ message: String) -> SpecError { SpecError(file: file, keyPath: "", message: "line \(line): " + message) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_ALIAS_EVENT:
                    throw refuse("YAML aliases (*name) are not allowed in experiment specs; write the value out (and quote text that starts with '*')")
                case YAML_SCALAR_EVENT:
                    if event.data.scalar.anchor != nil { throw refuse(Self.anchorMessage) }
                    if event.data.scalar.length > maxStringLength {
                        let characters = String(decoding: UnsafeBufferPointer(start: event.data.scalar.value, count: Int(event.data.scalar.length)), as: UTF8.self).count
                        if characters > maxStringLength {
                            throw refuse("a string of \(characters) characters; at most \(maxStringLength) are allowed in a spec value")
                        }
                    }
                    nodes += 1
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                    if anchor != nil { throw refuse(Self.anchorMessage) }
                    depth += 1
                    nodes += 1
                    if depth > maxDepth { throw refuse("lists and maps nested \(depth) deep; at most \(maxDepth) levels are allowed in a spec") }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                default:
                    break
                }
                if nodes > maxNodes { throw refuse("more than \(maxNodes) values; at most \(maxNodes) are allowed in one spec") }
            }
        }
    }

    static let anchorMessage = "YAML anchors (&name) are not allowed in experiment specs; write the value out (and quote text that starts with '&')"
}
