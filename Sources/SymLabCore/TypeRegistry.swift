// The one registry pattern of the project: function classes, models and training schemes are
// each a type that names and documents itself, and each registry is a list of those types.
// Adding a member is one type and one list entry; help text, name look-up and the tests that
// iterate a registry pick it up from the list.

/// One documented option of a registry member (a function class, a model, a scheme): its key,
/// its default as help shows it, and one line of help.
public struct OptionDoc: Sendable {
    public let key: String
    public let defaultValue: String
    public let help: String
    public init(_ key: String, _ defaultValue: String, _ help: String) {
        self.key = key; self.defaultValue = defaultValue; self.help = help
    }
}

/// What a registry knows of one member type: its name, one line of summary, its options.
public protocol RegistryMember {
    /// The name used on the command line and in specs.
    static var registryName: String { get }
    /// One line: what it is and where it comes from.
    static var summary: String { get }
    /// Every option with its default, in the order help shows them.
    static var optionDocs: [OptionDoc] { get }
    /// The heading of the member in help text (default "name: summary").
    static var helpHeading: String { get }
}

extension RegistryMember {
    public static var helpHeading: String { "\(registryName): \(summary)" }
}

/// A list of member types (`Member` is an existential metatype such as
/// `any RegisteredFunctionClass.Type`), looked up by name. An unknown name throws the error of
/// the registry's own domain, listing the known names.
public struct TypeRegistry<Member: Sendable>: Sendable {
    public let members: [Member]
    private let describe: @Sendable (Member) -> any RegistryMember.Type
    private let unknown: @Sendable (_ name: String, _ known: [String]) -> any Error

    /// `describe` upcasts a member to ``RegistryMember`` (write `{ $0 }`: Swift cannot constrain
    /// `Member` to "a metatype of a protocol refining RegistryMember").
    public init(_ members: [Member], describe: @escaping @Sendable (Member) -> any RegistryMember.Type,
                unknown: @escaping @Sendable (_ name: String, _ known: [String]) -> any Error) {
        self.members = members
        self.describe = describe
        self.unknown = unknown
        let names = members.map { describe($0).registryName }
        precondition(Set(names).count == names.count, "TypeRegistry: duplicate names in \(names)")
    }

    public var names: [String] { members.map { describe($0).registryName } }

    public func member(named name: String) throws -> Member {
        guard let m = members.first(where: { describe($0).registryName == name }) else { throw unknown(name, names) }
        return m
    }

    /// Every member with its summary and options (`key=default  help`), for `--help`.
    public var helpText: String { helpText(only: nil) }

    /// Every member with its options and defaults, or only the member `name` (nil when no member
    /// is named so): what `symlab data list` and `symlab model list` print.
    public func helpText(only name: String?) -> String {
        members.filter { name == nil || describe($0).registryName == name }.map { m in
            let t = describe(m)
            let opts = t.optionDocs.map { "      \($0.key)=\($0.defaultValue)  \($0.help)" }.joined(separator: "\n")
            return "  \(t.helpHeading)\n\(opts)"
        }.joined(separator: "\n")
    }
}
