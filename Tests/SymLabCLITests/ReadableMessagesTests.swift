import Foundation
import Testing

/// Messages a user can act on (issue 28, item 11): no internal type or error-domain names, the
/// path that failed with the system's reason, and `seeds: 5` read one way with the other spelled out.
@Suite struct ReadableMessagesTests {
    @Test func fileErrorsNameThePathAndTheReasonNotFoundationsDomain() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for out in ["missing/x.csv", "missing/x.npz"] {
            let r = try HostileInputTests.run(["data", "export", "sparse-parity", "--option", "n=6", "--samples", "4", "--out", out], in: dir)
            #expect(r.status == 1, "\(r.stderr)")
            #expect(r.stderr.contains("missing/x.") && r.stderr.contains("No such file or directory (does the folder exist?)"), "\(r.stderr)")
            #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains("UserInfo"), "\(r.stderr)")
        }
        let m = try HostileInputTests.run(["theory", "correlations", "--n", "6", "--order", "2", "--method", "exact", "--matrix", "missing/m.csv"], in: dir)
        #expect(m.status == 1 && m.stderr.contains("could not write --matrix missing/m.csv: No such file or directory"), "\(m.stderr)")
        #expect(!m.stderr.contains("operation could not be completed"), "\(m.stderr)")
    }

    @Test func kernelErrorsNameTheKernelsAUserCanPick() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try HostileInputTests.run(["kernel", "fit", "er-parity", "--option", "n=6", "--kernel", "rbf", "--n-train", "10", "--n-test", "10"], in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("kernel rbf: takes dense inputs, got graphs; for graph classes use relu-nngp or relu-ntk"), "\(r.stderr)")
        #expect(!r.stderr.contains("GraphNetworkKernel") && !r.stderr.contains("median heuristic"), "\(r.stderr)")
    }

    @Test func aBareSeedIsOneSeedAndTheNoteSpellsTheOtherReading() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sparseParityMLPSpec("seeds", train: 16, val: 0, test: 16, width: 4, steps: 2, evalEvery: 1, seeds: "5")
            .write(toFile: dir + "/s.yaml", atomically: true, encoding: .utf8)
        let r = try HostileInputTests.run(["run", "s.yaml", "--dry-run"], in: dir)
        #expect(r.status == 0 && r.stdout.contains("1 point(s) × 1 seed(s) = 1 run(s); seeds 5"), "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("note: s.yaml: seeds: 5 runs the one seed 5; for 5 seeds write seeds: 0..4"), "\(r.stderr)")
        let list = try HostileInputTests.run(["run", "s.yaml", "--dry-run", "seeds=0,1,2"], in: dir)
        #expect(list.status == 0 && list.stdout.contains("seeds 0, 1, 2") && !list.stderr.contains("note:"), "\(list.stdout) \(list.stderr)")
    }
}
