import Foundation
import SymLabExperiments
import Testing

/// `training.save_weights: true` (issue 28, item 12) writes each finished run's parameters to
/// weights/RUN_ID.npz beside the database, one array per layer under the model's names, without
/// changing the run (its id and results equal those of the same spec without the key).
@Suite struct SavedWeightsTests {
    @Test func finishedRunsSaveTheirWeightsAsNpzWithLayerNames() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = sparseParityMLPSpec("weights", train: 32, val: 8, test: 16, width: 4, steps: 6, evalEvery: 3, seeds: "[0, 1]")
        let saving = plain.replacingOccurrences(of: "training: {steps: 6, eval_every: 3}", with: "training: {steps: 6, eval_every: 3, save_weights: true}")
        #expect(saving != plain)
        try plain.write(toFile: dir + "/plain.yaml", atomically: true, encoding: .utf8)
        try saving.write(toFile: dir + "/saving.yaml", atomically: true, encoding: .utf8)
        #expect(try HostileInputTests.run(["run", "plain.yaml", "--db", "plain/results.sqlite"], in: dir).status == 0)
        let r = try HostileInputTests.run(["run", "saving.yaml", "--db", "saving/results.sqlite"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let store = try ResultsStore(path: dir + "/saving/results.sqlite", readOnly: true)
        let reference = try ResultsStore(path: dir + "/plain/results.sqlite", readOnly: true)
        let runs = try store.runs()
        #expect(runs.map(\.id).sorted() == (try reference.runs().map(\.id).sorted()), "saving weights does not change the run ids")
        for run in runs {
            #expect(try store.metrics(runID: run.id) == reference.metrics(runID: run.id))
            let file = dir + "/saving/weights/\(run.id).npz"
            #expect(run.message?.contains("weights saved to") == true, "\(run.message ?? "")")
            let listing = try Self.unzipList(file)
            for name in ["layer1.weight.npy", "layer1.bias.npy", "readout.weight.npy", "readout.bias.npy", "run.npy"] {
                #expect(listing.contains(name), "\(name) not in \(listing)")
            }
        }
        // Not asked, not written.
        #expect(!FileManager.default.fileExists(atPath: dir + "/plain/weights"))
    }

    /// The archive's member names (python/tests loads the arrays with numpy).
    static func unzipList(_ file: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", "import sys, zipfile; print(' '.join(zipfile.ZipFile(sys.argv[1]).namelist()))", file]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text
    }
}
