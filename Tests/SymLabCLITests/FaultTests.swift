import Foundation
import SymLabExperiments
import SymLabNumerics
import SymLabTraining
import Testing

/// Faults from outside: the `symlab sweep run` process itself killed with SIGKILL again and
/// again, a disk that fills up under the results database, and sizes that cannot fit.
@Suite(.serialized) struct FaultTests {
    static let sweepSpec = """
        name: fault-test
        data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 200, n_val: 50, n_test: 100}
        model: {name: mlp, options: {width: 64}}
        optimizer: {name: adam, lr: 0.01}
        training: {steps: 3000, eval_every: 50}
        seeds: 0..79
        """
    /// Big enough (80 runs of about 0.5 s, some 20 s of work on 2 idle cores) that 20 kills
    /// 0.1–0.8 s after each start land mid-sweep on a fast machine too (12 runs of 0.1 s once
    /// finished before the 4th kill; with 1,500 steps per run the sweep was done by the 13th kill
    /// once the small networks' steps got faster), and most kills interrupt a run half-way.
    static let sweepRuns = 80, sweepSteps = 3000, evalEvery = 50

    static func write(_ text: String, in dir: String, _ name: String = "spec.yaml") throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `symlab args`, returning its exit status and standard error.
    static func symlab(_ args: [String]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SweepResumeTests.executable)
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    /// Kills the parent `sweep run` 20 times at seeded random moments (0.1–0.8 s after it
    /// started), resuming each time; then lets it finish. Every run ends done exactly once: one
    /// evaluation per logged step and split, runs seen done before a kill never run again, and
    /// the file passes `PRAGMA integrity_check`.
    @Test(.timeLimit(.minutes(4))) func sweepSurvivesTwentySIGKILLsOfItsParent() throws {
        let dir = SweepResumeTests.tempDir()
        let spec = try Self.write(Self.sweepSpec, in: dir), db = dir + "/results.sqlite"
        var rng = RandomStream(seed: 2026, stream: 12)
        var doneBefore: [String: (endedAt: String?, attempts: Int)] = [:]
        var killedWhileRunning = 0
        for _ in 0..<20 {
            let parent = try SweepResumeTests.symlab(["sweep", "run", spec, "--db", db, "--workers", "2"], wait: false)
            usleep(UInt32(rng.uniform(0.1, 0.8) * 1_000_000))
            if parent.isRunning { killedWhileRunning += 1 }
            kill(parent.processIdentifier, SIGKILL)
            parent.waitUntilExit()
            // Workers notice their parent is gone and stop; runs they leave `running` are recovered on resume.
            if let store = try? ResultsStore(path: db) {
                for r in try store.runs(experiment: "fault-test") where r.status == .done && doneBefore[r.id] == nil {
                    doneBefore[r.id] = (r.endedAt, r.attempts)
                }
            }
        }
        #expect(killedWhileRunning >= 15, "only \(killedWhileRunning) of 20 kills found the sweep still running")
        usleep(500_000)   // let the orphaned workers see their parent is gone
        let last = try Self.symlab(["sweep", "run", spec, "--db", db, "--workers", "2"])
        #expect(last.status == 0, "final resume failed: \(last.stderr)")

        let store = try ResultsStore(path: db)
        #expect(try store.integrityCheck() == "ok")
        let runs = try store.runs(experiment: "fault-test")
        #expect(runs.count == Self.sweepRuns && runs.allSatisfy { $0.status == .done })
        for r in runs {
            let curve = try store.curves(runID: r.id).filter { $0.metric == "mse" }
            #expect(curve.count == 3 * (Self.sweepSteps / Self.evalEvery + 1), "run \(r.id) has \(curve.count) curve points")
            #expect(Set(curve.map { "\($0.step)-\($0.split)" }).count == curve.count)
            #expect(try store.metrics(runID: r.id)["test_mse"] != nil)
            if let before = doneBefore[r.id] {
                #expect(r.endedAt == before.endedAt && r.attempts == before.attempts, "run \(r.id) was done and ran again")
            }
        }
        // The kills did land mid-sweep: some runs needed more than one attempt.
        #expect(runs.contains { $0.attempts > 1 })
    }

    /// A results database on an 8 MiB tmpfs: the first sweep fits; then the disk is filled but for
    /// 96 KiB and a second sweep must stop with an error that says the disk is full. Once the
    /// filler is removed the file is readable and sound, the first sweep's runs are as they were,
    /// and the second sweep resumes to the end.
    @Test(.timeLimit(.minutes(2))) func aFullDiskStopsTheSweepAndKeepsTheDatabase() throws {
        guard getuid() == 0 else {
            print("FaultTests: skipping the full-disk test (mounting a tmpfs needs root)")
            return
        }
        let dir = SweepResumeTests.tempDir()
        let mountPoint = dir + "/small-disk"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint]
        try mount.run(); mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            print("FaultTests: skipping the full-disk test (mount -t tmpfs failed: no CAP_SYS_ADMIN in this container?)")
            return
        }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run(); umount.waitUntilExit()
        }
        let db = mountPoint + "/results.sqlite"
        let small = try Self.write(Self.sweepSpec.replacingOccurrences(of: "seeds: 0..79", with: "seeds: 0..1"), in: dir, "small.yaml")
        let first = try Self.symlab(["sweep", "run", small, "--db", db, "--workers", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try ResultsStore(path: db)
        let finished = try before.runs(experiment: "fault-test")
        let finishedMetrics = try finished.map { try before.metrics(runID: $0.id) }
        #expect(finished.count == 2 && finished.allSatisfy { $0.status == .done })

        // Fill what is left of the disk but a little, then run a sweep that logs a lot.
        let filler = mountPoint + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(count: 16 * 1024)
        while (try? h.write(contentsOf: chunk)) != nil {}
        try h.truncate(atOffset: (try h.offset()) - 96 * 1024)
        try h.close()
        // 1,500 steps (as before the kill test's runs were lengthened): with a point per step the
        // database must still fit the small file system once the filler is gone.
        let big = try Self.write(Self.sweepSpec.replacingOccurrences(of: "name: fault-test", with: "name: fault-fill")
            .replacingOccurrences(of: "steps: 3000", with: "steps: 1500")
            .replacingOccurrences(of: "eval_every: 50", with: "eval_every: 1").replacingOccurrences(of: "seeds: 0..79", with: "seeds: 0..5"),
                                 in: dir, "big.yaml")
        let full = try Self.symlab(["sweep", "run", big, "--db", db, "--workers", "1"])
        #expect(full.status != 0)
        #expect(full.stderr.contains("disk is full") && full.stderr.contains(db) && full.stderr.contains("intact"), "stderr: \(full.stderr)")

        try FileManager.default.removeItem(atPath: filler)
        let after = try ResultsStore(path: db)
        #expect(try after.integrityCheck() == "ok")
        let again = try after.runs(experiment: "fault-test")
        #expect(again == finished)
        #expect(try again.map { try after.metrics(runID: $0.id) } == finishedMetrics)
        #expect(try after.runs(experiment: "fault-fill", status: .done).count < 6)

        let resumed = try Self.symlab(["sweep", "run", big, "--db", db, "--workers", "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try after.runs(experiment: "fault-fill").allSatisfy { $0.status == .done })
        #expect(try after.integrityCheck() == "ok")
    }

    // MARK: - Impossible sizes at the command line

    @Test func runAndSweepRefuseImpossibleSizesBeforeWork() throws {
        let dir = SweepResumeTests.tempDir()
        let huge = try Self.write(Self.sweepSpec.replacingOccurrences(of: "sparse-parity, options: {n: 8, k: 2}, n_train: 200",
                                                                       with: "single-index, options: {d: 65536}, n_train: 100000000"), in: dir)
        for command in [["run"], ["sweep", "run"]] {
            let r = try Self.symlab(command + [huge, "--db", dir + "/r.sqlite"])
            #expect(r.status != 0)
            #expect(r.stderr.contains("key 'data.n_train'") && r.stderr.contains("needs") && r.stderr.contains("is available"), "\(r.stderr)")
        }
        // Nothing was started: no database was created.
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
        let zeroWidth = try Self.write(Self.sweepSpec.replacingOccurrences(of: "width: 64", with: "width: 0"), in: dir, "w0.yaml")
        let r = try Self.symlab(["run", zeroWidth, "--db", dir + "/r.sqlite"])
        #expect(r.status != 0 && r.stderr.contains("key 'model.options.width'"), "\(r.stderr)")
    }

    @Test func kernelFitAndDataRefuseImpossibleSizesBeforeDrawing() throws {
        // 10⁸ samples would take minutes to draw: the refusal must come first.
        let kernel = try Self.symlab(["kernel", "fit", "sparse-parity", "--kernel", "relu-ntk", "--n-train", "100000000", "--n-test", "10"])
        #expect(kernel.status != 0)
        #expect(kernel.stderr.contains("kernel matrix") && kernel.stderr.contains("needs") && kernel.stderr.contains("is available"), "\(kernel.stderr)")
        let data = try Self.symlab(["data", "describe", "single-index", "--option", "d=65536", "--n", "100000000"])
        #expect(data.status != 0)
        #expect(data.stderr.contains("100000000 samples") && data.stderr.contains("is available"), "\(data.stderr)")
        let zero = try Self.symlab(["data", "describe", "sparse-parity", "--n", "0"])
        #expect(zero.status != 0 && zero.stderr.contains("--n must be positive"))
    }
}
