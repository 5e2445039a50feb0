import Foundation
import Testing

/// `symlab run` on what `--print-specs` writes, on a directory of specs, with targeted overrides,
/// and `--dry-run` (issue 28, items 9 and 10).
@Suite struct RunManySpecsTests {
    @Test func printedFigureSpecsRunAsOneFile() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let printed = try HostileInputTests.run(["figure", "kiani-fig1", "--print-specs"], in: dir)
        #expect(printed.status == 0)
        try printed.stdout.write(toFile: dir + "/fig1.yaml", atomically: true, encoding: .utf8)
        let specs = printed.stdout.components(separatedBy: "--- # ==> kiani-fig1/").count - 1
        #expect(specs >= 4)
        let r = try HostileInputTests.run(["run", "fig1.yaml", "--dry-run", "seeds=[0]", "fig1-gnn-hard:training.steps=7"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("dry run: \(specs) run(s) in \(specs) spec(s); nothing was run"), "\(r.stdout)")
        #expect(r.stdout.contains("fig1-gnn-hard (fig1.yaml (document"), "\(r.stdout)")
        // The targeted override reached its spec only.
        let configs = r.stdout.split(separator: "\n").filter { $0.contains("config {") }
        #expect(configs.filter { $0.contains(#""steps":7"#) }.count == 1, "\(configs)")
        // Nothing was written.
        #expect(!FileManager.default.fileExists(atPath: dir + "/results"))
        // A target that is no spec is an error with the closest name.
        let bad = try HostileInputTests.run(["run", "fig1.yaml", "--dry-run", "fig1-gnn-hrd:training.steps=7"], in: dir)
        #expect(bad.status == 1 && bad.stderr.contains("(did you mean 'fig1-gnn-hard'?)"), "\(bad.stderr)")
    }

    @Test func aDirectoryOfSpecsRunsInOneDatabaseAndADryRunShowsTheSweptValues() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
        try sparseParityMLPSpec("first", train: 32, val: 8, test: 32, width: 8, steps: 4, evalEvery: 2, seeds: "[0]", sweepWidths: [4, 8])
            .write(toFile: dir + "/specs/a.yaml", atomically: true, encoding: .utf8)
        try sparseParityMLPSpec("second", train: 32, val: 8, test: 32, width: 8, steps: 4, evalEvery: 2, seeds: "[0, 1]")
            .write(toFile: dir + "/specs/b.yml", atomically: true, encoding: .utf8)
        let dry = try HostileInputTests.run(["run", "specs", "--dry-run"], in: dir)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("first (specs/a.yaml): 2 point(s) × 1 seed(s) = 2 run(s)"), "\(dry.stdout)")
        #expect(dry.stdout.contains("  point 1: model.options.width = 8 — memory "), "\(dry.stdout)")
        #expect(dry.stdout.contains("dry run: 4 run(s) in 2 spec(s)"), "\(dry.stdout)")
        let r = try HostileInputTests.run(["run", "specs", "--workers", "2"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("first, second: 4 done — results in results/specs/results.sqlite"), "\(r.stdout)")
        // sweep run takes the same and finds everything done.
        let again = try HostileInputTests.run(["sweep", "run", "specs", "--workers", "1"], in: dir)
        #expect(again.status == 0 && again.stdout.contains("4 done"), "\(again.stdout) \(again.stderr)")
    }

    /// `--print-specs` with overrides prints what would run (issue 28, item 9): the same runs as the
    /// figure with those overrides.
    @Test func printedSpecsHonourTheOverrides() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let printed = try HostileInputTests.run(["figure", "kiani-fig1", "--print-specs", "seeds=[0]", "fig1-gnn-hard:training.steps=7"], in: dir)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("# with the overrides seeds=[0] training.steps=7"), "\(printed.stdout)")
        try printed.stdout.write(toFile: dir + "/f.yaml", atomically: true, encoding: .utf8)
        let r = try HostileInputTests.run(["run", "f.yaml", "--dry-run"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").filter { $0.contains("config {") && $0.contains(#""steps":7"#) }.count == 1, "\(r.stdout)")
        #expect(r.stdout.contains("1 seed(s)") && !r.stdout.contains("5 seed(s)"), "\(r.stdout)")
        let bad = try HostileInputTests.run(["figure", "kiani-fig1", "--print-specs", "nope:training.steps=7"], in: dir)
        #expect(bad.status == 1 && bad.stderr.contains("targets spec 'nope'"), "\(bad.stderr)")
    }
}
