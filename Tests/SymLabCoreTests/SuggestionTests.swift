import SymLabCore
import Testing

/// "Did you mean …?": the closest known name, or none when nothing is close.
@Suite struct SuggestionTests {
    @Test func separatorsAndCaseFirstThenOneTypoPerThreeLetters() {
        let models = ["mlp", "gnn", "cnn", "gnn-minimal", "cnn-minimal"]
        #expect(Suggestion.closest(to: "GNN", among: models) == "gnn")
        #expect(Suggestion.closest(to: "init-scale", among: ["width", "init_scale", "depth"]) == "init_scale")
        #expect(Suggestion.closest(to: "erparity", among: ["parity", "er-parity", "sparse-parity"]) == "er-parity")
        #expect(Suggestion.closest(to: "adamm", among: ["sgd", "adam", "adamw"]) == "adam")
        #expect(Suggestion.closest(to: "trainig", among: ["name", "data", "model", "training", "seeds"]) == "training")
        // Nothing close: no suggestion (a wrong hint is worse than none).
        #expect(Suggestion.closest(to: "no-such-model", among: models) == nil)
        #expect(Suggestion.closest(to: "xy", among: ["mlp"]) == nil)
        #expect(Suggestion.hint(for: "adamm", among: ["adam"]) == " (did you mean 'adam'?)")
        #expect(Suggestion.hint(for: "zzz", among: ["adam"]) == "")
    }

    @Test func editDistanceCountsInsertionsDeletionsSubstitutionsAndTranspositions() {
        #expect(Suggestion.distance(Array("kitten"), Array("sitting")) == 3)
        #expect(Suggestion.distance(Array(""), Array("abc")) == 3)
        #expect(Suggestion.distance(Array("abc"), Array("")) == 3)
        #expect(Suggestion.distance(Array("same"), Array("same")) == 0)
        #expect(Suggestion.distance(Array("widht"), Array("width")) == 1)   // a transposition is one edit
        #expect(Suggestion.distance(Array("ca"), Array("abc")) == 3)
    }
}
