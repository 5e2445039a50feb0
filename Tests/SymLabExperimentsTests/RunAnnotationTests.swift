import Foundation
import SymLabExperiments
import SymLabTraining
import Testing

/// Tags, notes and `--filter` conditions below the command line: the parts a CLI test cannot
/// reach cheaply (a shard merged over a tagged run, the operators).
@Suite struct RunAnnotationTests {
    func tempPath() -> String { NSTemporaryDirectory() + "symlab-annot-\(UUID().uuidString)/results.sqlite" }

    @Test func filtersParseEveryOperatorAndCompareNumbersAsNumbers() throws {
        let f = try #require(RunFilter("optimizer.lr<=1e-2"))
        #expect(f.key == "optimizer.lr" && f.op == .lessOrEqual && f.value == "1e-2")
        #expect(f.holds("0.01") && f.holds("0.001") && !f.holds("0.1") && !f.holds(nil))
        #expect(RunFilter("status != done")?.op == .notEqual && RunFilter("a>1")?.op == .greater && RunFilter("a>=1")?.op == .greaterOrEqual)
        #expect(RunFilter("note==x")?.value == "=x")      // a value may start with =
        #expect(RunFilter("no operator") == nil && RunFilter("=x") == nil)
        #expect(try #require(RunFilter("model.name=cnn")).holds("cnn") && !RunFilter("model.name=cnn")!.holds("mlp"))
        #expect(RunFilter("width=8")!.holds("8.0") && !RunFilter("model.name<cnn")!.holds("a"))
        let keys: Set = ["model.name", "data.class", "optimizer.lr", "model.options.width", "scheme.options.width"]
        #expect(RunFilter("model=x")!.resolvedKey(among: keys) == .success("model.name"))
        #expect(RunFilter("data=x")!.resolvedKey(among: keys) == .success("data.class"))
        #expect(RunFilter("lr=1")!.resolvedKey(among: keys) == .success("optimizer.lr"))
        guard case .failure(let e) = RunFilter("width=8")!.resolvedKey(among: keys) else { Issue.record("width is ambiguous here"); return }
        #expect(e.description.contains("model.options.width, scheme.options.width"))
    }

    /// A Slurm shard's finished run replaces the queued one of the main database; the tags and
    /// note given to it there stay, and the shard's own tags are added.
    @Test func mergingAShardKeepsTheTagsAndNoteOfTheRunItReplaces() throws {
        let runs = try ExperimentSpec.parse(yaml: SpecTests.base + "\ntags: [spec-tag]", file: "demo.yaml", overrides: ["seeds=0"]).runs
        let main = try ResultsStore(path: tempPath()), shard = try ResultsStore(path: tempPath())
        for s in [main, shard] { try s.enqueue(runs) }
        let id = runs[0].id
        #expect(try main.addTags(["mine"], runID: id) && main.setNote("look at this", runID: id))
        #expect(try !main.addTags(["x"], runID: "nope"))
        _ = try shard.claimNext(environment: RunEnvironment.current(blasThreads: 1))
        try shard.finish(runID: id, status: .done, message: nil, metrics: ["test_mse": 0.5], stepsCompleted: 1, divergedStep: nil, lastFiniteLoss: nil)
        #expect(try shard.addTags(["from-shard"], runID: id))
        #expect(try main.merge(shard: shard.path) == MergeCounts(replaced: 1))
        let merged = try #require(try main.run(id: id))
        #expect(merged.status == .done && merged.note == "look at this" && merged.tags == ["from-shard", "mine", "spec-tag"])
        #expect(merged.resolvedConfigJSON?.contains("\"weight_decay\"") == true)
        // Removing a tag, clearing the note.
        #expect(try main.removeTags(["mine"], runID: id) && main.setNote("", runID: id))
        #expect(try main.run(id: id)?.tags == ["from-shard", "spec-tag"] && main.run(id: id)?.note == nil)
    }
}
