import Foundation
import SymLabExperiments
import SymLabFunctionClasses
import SymLabModels
import Testing

/// The spec reference documents exactly the keys the readers accept, and docs/spec-reference.md is
/// its current text (issue 28, item 13).
@Suite struct SpecReferenceTests {
    @Test func everySectionDocumentsExactlyTheKeysItsReaderAccepts() {
        let documented = Dictionary(uniqueKeysWithValues: SpecReference.sections.map { ($0.section, $0.keys.map(\.key)) })
        #expect(Set(documented.keys) == Set(SpecReference.readerKeys.keys))
        for (section, keys) in SpecReference.readerKeys {
            #expect(Set(documented[section] ?? []) == Set(keys), "section '\(section)': documented \(documented[section] ?? []), read \(keys)")
        }
    }

    @Test func theReferenceNamesEveryClassModelAndScheme() {
        let text = SpecReference.markdown
        for name in FunctionClassRegistry.names + ModelRegistry.names { #expect(text.contains(name), "\(name)") }
    }

    /// Regenerate with `.build/release/symlab reference > docs/spec-reference.md`.
    @Test func docsSpecReferenceIsTheGeneratedText() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("docs/spec-reference.md").path
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text == SpecReference.markdown, "docs/spec-reference.md is stale: regenerate it with `symlab reference > docs/spec-reference.md`")
    }
}
