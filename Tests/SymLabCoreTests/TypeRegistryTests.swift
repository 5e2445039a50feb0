import SymLabCore
import Testing

private protocol Shape: RegistryMember, Sendable {}
private struct Square: Shape {
    static let registryName = "square"
    static let summary = "four equal sides"
    static let optionDocs = [OptionDoc("side", "1", "side length")]
}
private struct Circle: Shape {
    static let registryName = "circle"
    static let summary = "all points at one distance"
    static let optionDocs = [OptionDoc("radius", "1", "radius"), OptionDoc("filled", "false", "fill it")]
}
private struct UnknownShape: Error, Equatable { let name: String, known: [String] }

/// The one registry pattern: a list of member types, looked up by name, documented from the list.
@Suite struct TypeRegistryTests {
    private let registry = TypeRegistry<any Shape.Type>([Square.self, Circle.self], describe: { $0 },
                                                        unknown: { UnknownShape(name: $0, known: $1) })

    @Test func looksUpMembersByNameAndRefusesOthersWithTheKnownNames() throws {
        #expect(registry.names == ["square", "circle"])
        #expect(try registry.member(named: "circle") == Circle.self)
        #expect(throws: UnknownShape(name: "hexagon", known: ["square", "circle"])) { try registry.member(named: "hexagon") }
    }

    @Test func helpTextListsEveryMemberWithItsOptions() {
        #expect(registry.helpText == """
              square: four equal sides
                  side=1  side length
              circle: all points at one distance
                  radius=1  radius
                  filled=false  fill it
            """)
    }
}
