import SymLabCore
import Testing

/// The one options reader behind function classes, models and schemes.
@Suite struct OptionsTests {
    @Test func readsTypedValuesAndRecordsWhatTheyResolvedTo() throws {
        var o = OptionReader(className: "demo", options: ["n": "16", "p": "0.50", "kind": "b", "flag": "yes", "xs": " 1, 2.5 ,3"])
        #expect(try o.int("n", default: 8, range: 1...64) == 16)
        #expect(try o.double("p", default: 0.1, in: .unit) == 0.5)
        #expect(try o.double("q", default: 2, in: .positive) == 2)
        #expect(try o.choice("kind", default: "a", among: ["a", "b"]) == "b")
        #expect(try o.bool("flag", default: false))
        #expect(try o.doubles("xs") == [1, 2.5, 3])
        #expect(try o.doubles("absent") == nil)
        try o.finish()
        #expect(o.resolved == ["n": "16", "p": "0.5", "q": "2", "kind": "b", "flag": "true", "xs": "1,2.5,3"])
    }

    @Test func badValuesNameTheClassTheParameterAndTheRange() {
        var o = OptionReader(className: "demo", options: ["n": "100", "p": "x", "kind": "c"])
        #expect(throws: FunctionClassError.invalidParameter(className: "demo", parameter: "n", allowed: "an integer in 1...64", got: "100")) {
            try o.int("n", default: 8, range: 1...64)
        }
        #expect(throws: FunctionClassError.invalidParameter(className: "demo", parameter: "p", allowed: "a number in [0, 1]", got: "x")) {
            try o.double("p", default: 0.5, in: .unit)
        }
        #expect(throws: FunctionClassError.invalidParameter(className: "demo", parameter: "kind", allowed: "one of a, b", got: "c")) {
            try o.choice("kind", default: "a", among: ["a", "b"])
        }
        #expect(Interval.positive.description == "a number in (0, ∞)")
        let e = FunctionClassError.invalidParameter(className: "demo", parameter: "n", allowed: "an integer in 1...64", got: "100")
        #expect(e.description == "demo: parameter 'n' must be an integer in 1...64, got '100'" && e.parameter == "n")
    }

    @Test func unreadAndMalformedOptionsAreErrors() throws {
        var o = OptionReader(className: "demo", options: ["n": "3", "typo": "1"])
        _ = try o.int("n", default: 1, range: 1...9)
        #expect(throws: FunctionClassError.unknownOption(className: "demo", option: "typo", known: ["n"])) { try o.finish() }
        #expect(try parseOptionList(["n = 16", "p=0.5"]) == ["n": "16", "p": "0.5"])
        #expect(throws: FunctionClassError.malformedOption("n")) { try parseOptionList(["n"]) }
        #expect(throws: FunctionClassError.malformedOption("=3")) { try parseOptionList(["=3"]) }
    }

    /// A declared option documents the default it applies.
    @Test func declaredOptionsDocumentTheirDefault() throws {
        let width = DeclaredOption<Int>.int("width", 256, in: 1...4096, "hidden units")
        let lr = DeclaredOption<Double>.number("lr", 0.001, in: .positive, "learning rate")
        #expect(width.doc.key == "width" && width.doc.defaultValue == "256" && width.doc.help == "hidden units")
        #expect(lr.doc.defaultValue == "0.001")
        var o = OptionReader(className: "demo", options: ["lr": "0.01"])
        #expect(try width.read(&o) == 256)
        #expect(try lr.read(&o) == 0.01)
        let computed = DeclaredOption<Int>.int("channels", nil, shownAs: "n", in: 1...64, "channels (default: the input length)")
        #expect(computed.doc.defaultValue == "n")
        #expect(try computed.read(&o, default: 12) == 12)
        #expect(o.resolved == ["width": "256", "lr": "0.01", "channels": "12"])
    }
}
