import Foundation
import Testing

/// Issue 28's silently-wrong cases as a user meets them on the command line (items 1, 2, 6 and 13;
/// the other items have their own suites, listed in the closing note).
@Suite struct DailyLoopTests {
    /// Item 1: `patience` with no validation split is refused before any run, naming the key and
    /// the fix; nothing is written.
    @Test func patienceWithoutAValidationSplitStopsBeforeAnyRun() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spec = sparseParityMLPSpec("early", train: 16, val: 0, test: 16, width: 4, steps: 100, evalEvery: 5, seeds: "[0]")
            .replacingOccurrences(of: "eval_every: 5}", with: "eval_every: 5, patience: 2}")
        try spec.write(toFile: dir + "/early.yaml", atomically: true, encoding: .utf8)
        let r = try HostileInputTests.run(["run", "early.yaml"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("training.patience") && r.stderr.contains("set data.n_val > 0, or drop patience"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/results"))
        let fixed = try HostileInputTests.run(["run", "early.yaml", "--dry-run", "data.n_val=8"], in: dir)
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    /// Item 2: a map override merges into the spec's map (hydra's way): width stays; `:=` replaces.
    @Test func aMapOverrideMergesAndColonEqualsReplaces() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sparseParityMLPSpec("merge", train: 16, val: 0, test: 16, width: 4, steps: 2, evalEvery: 1, seeds: "[0]")
            .write(toFile: dir + "/m.yaml", atomically: true, encoding: .utf8)
        let merged = try HostileInputTests.run(["run", "m.yaml", "--dry-run", "model.options={depth: 3}"], in: dir)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains(#""options":{"depth":3,"width":4}"#), "\(merged.stdout)")
        let replaced = try HostileInputTests.run(["run", "m.yaml", "--dry-run", "model.options:={depth: 3}"], in: dir)
        #expect(replaced.status == 0 && replaced.stdout.contains(#""options":{"depth":3}"#), "\(replaced.stdout) \(replaced.stderr)")
    }

    /// Item 6: a figure whose control did not learn prints "inconclusive", never "holds".
    @Test func aFigureWithAnUnlearnedControlIsInconclusive() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try FigureCommandTests.symlab(["figure", "kiani-fig1", "--out", "fig", "--workers", "1"] + FigureCommandTests.tiny, in: dir)
        #expect(r.status == 0)
        let summary = try String(contentsOfFile: dir + "/fig/summary.txt", encoding: .utf8)
        #expect(summary.contains("NOT learned to ≤ 0.1·Var(y): the hard classes' verdicts are inconclusive"), "\(summary)")
        #expect(!summary.contains("the paper's claim holds here"), "\(summary)")
    }

    /// Item 13: `symlab reference` prints every spec key with its default, and the classes' options.
    @Test func referencePrintsEveryKeyAndOption() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try HostileInputTests.run(["reference"], in: dir)
        #expect(r.status == 0)
        for line in ["| `eval_every` | 50 |", "| `weight_decay` | 0 |", "| `n_val` | 0 |", "| `schedule` | constant |", "init_scale=1", "er-parity: H_ER,n"] {
            #expect(r.stdout.contains(line), "\(line)")
        }
    }
}
