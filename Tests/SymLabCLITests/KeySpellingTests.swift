import Foundation
import Testing

/// One spelling for every key (issue 28, item 8): keys are snake_case, names and flags
/// kebab-case; the other spelling of a key is read with a note, gives the same runs, and a key
/// written both ways is an error naming it.
@Suite struct KeySpellingTests {
    @Test func aKebabKeyIsReadAsTheSnakeKeyWithANoteAndTheSameRunIDs() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let snake = sparseParityMLPSpec("spell", train: 16, val: 0, test: 16, width: 4, steps: 2, evalEvery: 1, seeds: "[0]")
            .replacingOccurrences(of: "options: {width: 4}", with: "options: {width: 4, init_scale: 0.5}")
        let kebab = snake.replacingOccurrences(of: "init_scale", with: "init-scale").replacingOccurrences(of: "n_train", with: "n-train")
        try snake.write(toFile: dir + "/snake.yaml", atomically: true, encoding: .utf8)
        try kebab.write(toFile: dir + "/kebab.yaml", atomically: true, encoding: .utf8)
        let a = try HostileInputTests.run(["run", "snake.yaml", "--dry-run"], in: dir)
        let b = try HostileInputTests.run(["run", "kebab.yaml", "--dry-run"], in: dir)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(!a.stderr.contains("note:"), "\(a.stderr)")
        #expect(b.stderr.contains("note: kebab.yaml: key 'model.options.init-scale' is spelled 'model.options.init_scale'"), "\(b.stderr)")
        #expect(b.stderr.contains("key 'data.n-train' is spelled 'data.n_train'"), "\(b.stderr)")
        // The same settings: the same config, so the same run ids.
        func configs(_ s: String) -> [Substring] { s.split(separator: "\n").filter { $0.contains("config {") } }
        #expect(!configs(a.stdout).isEmpty && configs(a.stdout) == configs(b.stdout), "\(a.stdout)\n\(b.stdout)")
        // An override in the other spelling is read too, with a note naming the override.
        let o = try HostileInputTests.run(["run", "snake.yaml", "--dry-run", "model.options.init-scale=0.25"], in: dir)
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stderr.contains("note: override 'model.options.init-scale=0.25': key 'model.options.init-scale' is spelled 'model.options.init_scale'"), "\(o.stderr)")
        #expect(configs(o.stdout).allSatisfy { $0.contains(#""init_scale":0.25"#) && !$0.contains("init-scale") }, "\(o.stdout)")
        // Both spellings in one mapping: which was meant cannot be known.
        let both = snake.replacingOccurrences(of: "init_scale: 0.5", with: "init_scale: 0.5, init-scale: 2")
        try both.write(toFile: dir + "/both.yaml", atomically: true, encoding: .utf8)
        let c = try HostileInputTests.run(["run", "both.yaml", "--dry-run"], in: dir)
        #expect(c.status == 1 && c.stderr.contains("model.options.init-scale") && c.stderr.contains("one key written two ways"), "\(c.stderr)")
    }

    /// `--samples` is the flag for a number of samples (`n` is the class option: nodes, dimension);
    /// the old `--n` is read with a note.
    @Test func samplesIsTheFlagAndTheOldNIsReadWithANote() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try HostileInputTests.run(["data", "describe", "sparse-parity", "--option", "n=6", "--samples", "7"], in: dir)
        #expect(a.status == 0 && a.stdout.contains("samples: 7"), "\(a.stdout) \(a.stderr)")
        let b = try HostileInputTests.run(["data", "describe", "sparse-parity", "--option", "n=6", "--n", "7"], in: dir)
        #expect(b.status == 0 && b.stdout.contains("samples: 7"), "\(b.stdout) \(b.stderr)")
        #expect(b.stderr.contains("note: --n is spelled --samples"), "\(b.stderr)")
        // A model option in the other spelling on the command line is the same option.
        let m = try HostileInputTests.run(["model", "describe", "mlp", "--option", "init-scale=0.5", "--samples", "4"], in: dir)
        #expect(m.status == 0, "\(m.stderr)")
    }
}
