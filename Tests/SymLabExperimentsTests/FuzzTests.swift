import SymLabExperiments
import Testing

/// The short fuzz run of `make test` (the full one is `make fuzz`: 100,000 inputs with a
/// per-input time limit), and the crashes the fuzzer found, kept as regression tests.
@Suite struct FuzzTests {
    /// 3,000 seeded inputs: each ends in a clear error or a valid spec. A crash or a hang ends
    /// the test process (the time limit bounds a hang).
    @Test(.timeLimit(.minutes(5))) func shortFuzzRunEndsInClearErrorsOrValidSpecs() {
        var valid = 0, errors = 0
        for i in 0..<3_000 {
            let input = SpecFuzzer.input(seed: 20_261_123, index: i)
            switch SpecFuzzer.check(input) {
            case .valid: valid += 1
            case .error: errors += 1
            case .unclear(let m): Issue.record("input \(i): \(m)\n\(input)")
            }
        }
        // Both outcomes are reached: the generator is neither all garbage nor all valid.
        #expect(valid > 100 && errors > 1_000, "valid \(valid), errors \(errors)")
    }

    @Test func inputsAreAFunctionOfSeedAndIndex() {
        let a = SpecFuzzer.input(seed: 5, index: 123), b = SpecFuzzer.input(seed: 5, index: 123)
        #expect(a.yaml == b.yaml && a.overrides == b.overrides)
        #expect(SpecFuzzer.input(seed: 5, index: 124).yaml != a.yaml || SpecFuzzer.input(seed: 6, index: 123).yaml != a.yaml)
    }

    static let base = """
        name: regress
        data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 20, n_test: 10}
        model: {name: mlp, options: {width: 4}}
        training: {steps: 2}
        """

    static func verdict(_ yaml: String, _ overrides: [String] = []) -> SpecFuzzer.Verdict {
        SpecFuzzer.check(.init(yaml: yaml, overrides: overrides))
    }

    static func isClearError(_ v: SpecFuzzer.Verdict, mentioning text: String) -> Bool {
        if case .error(let m) = v { return m.contains(text) }
        return false
    }

    /// Found by the fuzzer: `b - a` overflowed (a trap) for a range spanning all of Int.
    @Test func rangesSpanningAllIntegersAreErrors() {
        let v = Self.verdict(Self.base, ["seeds=-9223372036854775808..9223372036854775807"])
        #expect(Self.isClearError(v, mentioning: "seeds"), "\(v)")
    }

    /// Found by the fuzzer: a product of many axes was expanded before it was counted.
    @Test func hugeSweepsAreCountedBeforeTheyAreExpanded() {
        let sweep = "\nsweep:\n  product:\n" + (0..<12).map { "    training.x\($0): [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]" }.joined(separator: "\n")
        #expect(Self.isClearError(Self.verdict(Self.base + sweep), mentioning: "at most 10000"))
    }

    /// Found by the fuzzer: 100,000 nested brackets overflowed the stack of the recursive composer.
    @Test func deepNestingIsAnError() {
        for text in [String(repeating: "[", count: 100_000), String(repeating: "- ", count: 100_000) + "x",
                     String(repeating: "{a: ", count: 50_000) + "1" + String(repeating: "}", count: 50_000)] {
            #expect(Self.isClearError(Self.verdict(text), mentioning: "nest"), "\(Self.verdict(text))")
        }
    }

    /// A value under the string cap (8,192 characters) but far over the message cap.
    @Test func longValuesAreCutInMessages() {
        let v = Self.verdict(Self.base.replacingOccurrences(of: "name: regress", with: "name: " + String(repeating: "é ", count: 4_000) + "x"))
        guard case .error(let m) = v else { Issue.record("\(v)"); return }
        #expect(m.count < 1_000 && m.contains(" characters)"))
    }
}
