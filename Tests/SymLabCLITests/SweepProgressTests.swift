import Foundation
import SymLabExperiments
import SymLabTraining
import Testing

/// What a sweep prints while it runs (issue 28, item 7): per finished run its place in the sweep,
/// its swept values and its final test error; written to a file (not a terminal), plain lines
/// with no `\r` frames.
@Suite struct SweepProgressTests {
    @Test func linesStateCountsElapsedAndETA() {
        let c: [RunStatus: Int] = [.done: 13, .diverged: 1, .running: 2, .queued: 11]
        #expect(SweepProgress.counts(c) == "[14/27 done, 2 running, 0 failed, 1 diverged]")
        // 151 s for 7 runs finished since the start: 11 queued + 2 running left → 13 × 21.6 s.
        #expect(SweepProgress.statusLine(c, elapsed: 151, finishedSinceStart: 7) == "[14/27 done, 2 running, 0 failed, 1 diverged] 2m31s elapsed, ETA 4m40s")
        #expect(SweepProgress.statusLine(c, elapsed: 9, finishedSinceStart: 0) == "[14/27 done, 2 running, 0 failed, 1 diverged] 9s elapsed")
        #expect(SweepProgress.duration(3840) == "1h04m")
    }

    @Test func sweptValuesAreTheKeysThatDifferBetweenPoints() {
        let a = #"{"name": "x", "data": {"n_train": 100, "class": "parity"}, "model": {"options": {"width": 8}}}"#
        let b = #"{"name": "x", "data": {"n_train": 1000, "class": "parity"}, "model": {"options": {"width": 8}}}"#
        let c = #"{"name": "x", "data": {"n_train": 1000, "class": "parity"}, "model": {"options": {"width": 16}}}"#
        #expect(SweepProgress.sweptValues(of: b, among: [a, b, c]) == ["data.n_train": "1000", "model.options.width": "8"])
        #expect(SweepProgress.sweptValues(of: a, among: [a]).isEmpty)
    }

    @Test func aSweepWrittenToAFileHasPlainLinesWithPlaceValuesAndError() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spec = try FaultTests.write(sparseParityMLPSpec("progress", train: 64, val: 16, test: 64, width: 8, steps: 20, evalEvery: 10,
                                                            seeds: "[0, 1]", sweepWidths: [4, 8]), in: dir)
        for workers in ["1", "2"] {
            let db = dir + "/r\(workers).sqlite"
            let r = try FaultTests.symlab(["run", spec, "--db", db, "--workers", workers])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!r.stderr.contains("\r") && !r.stderr.contains("\u{1B}"), "\(workers) workers: \(r.stderr.debugDescription)")
            let lines = r.stderr.split(separator: "\n").filter { $0.contains(" progress model.options.width = ") }
            #expect(lines.count == 4, "\(r.stderr)")
            #expect(lines.contains { $0.hasPrefix("[4/4 done, 0 running, 0 failed, 0 diverged] progress model.options.width = ") }, "\(r.stderr)")
            #expect(lines.allSatisfy { $0.contains(": done in ") && $0.contains(", test error ") }, "\(r.stderr)")
        }
    }
}
