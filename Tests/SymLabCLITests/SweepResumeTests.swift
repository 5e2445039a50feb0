import Foundation
import SymLabExperiments
import SymLabTraining
import Testing

/// End-to-end tests of the `symlab` executable: a sweep killed with SIGKILL resumes with every
/// point done exactly once, and a diverging run is recorded as such.
@Suite(.serialized) struct SweepResumeTests {
    /// The `symlab` built beside this test bundle.
    static var executable: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("symlab").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return ".build/release/symlab"
    }

    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "symlab-cli-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// Runs long enough (4,000 steps, ≈ 0.1 s) that a run seen running with steps done is still
    /// running when the test's SIGKILL arrives; with 400 steps a fast run finished in between.
    static let spec = sparseParityMLPSpec("resume-test", train: 200, val: 50, test: 100, width: 32, steps: 4000, evalEvery: 200, seeds: "0..7")

    /// Starts `symlab args` with `environment` added to this process's; its standard error goes to
    /// the file `stderr` when given (a file, not a pipe: nobody reads it while it runs).
    @discardableResult
    static func symlab(_ args: [String], wait: Bool = true, environment: [String: String] = [:], stderr: String? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.standardOutput = FileHandle.nullDevice
        if let stderr {
            _ = FileManager.default.createFile(atPath: stderr, contents: nil)
            p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        } else {
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        if wait { p.waitUntilExit() }
        return p
    }

    @Test func killedSweepResumesWithEveryPointDoneOnce() throws {
        let dir = Self.tempDir()
        let specPath = dir + "/spec.yaml", db = dir + "/results.sqlite"
        try Self.spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        let parent = try Self.symlab(["sweep", "run", specPath, "--db", db, "--workers", "2"], wait: false)
        let store = try ResultsStore(path: db)
        // Wait until one run is done and another is running, then SIGKILL the worker running it.
        var killed: String? = nil
        var finishedBefore: [RunRecord] = [], metricsBefore: [[String: Double]] = []
        let deadline = Date().addingTimeInterval(120)
        while killed == nil && Date() < deadline && parent.isRunning {
            let runs = (try? store.runs(experiment: "resume-test")) ?? []
            if runs.contains(where: { $0.status == .done }), let victim = runs.first(where: { $0.status == .running && ($0.stepsCompleted ?? 0) > 0 }),
               let pid = victim.pid {
                kill(pid_t(pid), SIGKILL)
                killed = victim.id
                finishedBefore = runs.filter { $0.status == .done }
                metricsBefore = try finishedBefore.map { try store.metrics(runID: $0.id) }
            }
            usleep(20_000)
        }
        parent.waitUntilExit()
        let victim = try #require(killed, "no run was caught running")
        #expect(!finishedBefore.isEmpty)

        // The sweep finished the killed worker's run itself; a second invocation (resume) finds
        // nothing to do and changes nothing.
        let resume = try Self.symlab(["sweep", "run", specPath, "--db", db, "--workers", "2"])
        #expect(resume.terminationStatus == 0)
        let after = try store.runs(experiment: "resume-test")
        #expect(after.count == 8)
        #expect(after.allSatisfy { $0.status == .done })
        #expect(try store.run(id: victim)?.attempts == 2)
        for (before, m) in zip(finishedBefore, metricsBefore) {
            let now = try #require(try store.run(id: before.id))
            #expect(now.endedAt == before.endedAt && now.attempts == before.attempts)
            #expect(try store.metrics(runID: before.id) == m)
        }
        // Done exactly once: every run has one evaluation per logged step and split.
        for r in after {
            let curve = try store.curves(runID: r.id).filter { $0.metric == "mse" }
            #expect(curve.count == 3 * (4000 / 200 + 1), "run \(r.id) has \(curve.count) curve points")
            #expect(Set(curve.map { "\($0.step)-\($0.split)" }).count == curve.count)
        }
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func hugeLearningRateEndsDivergedWithTheStep() throws {
        let dir = Self.tempDir()
        let specPath = dir + "/spec.yaml", db = dir + "/results.sqlite"
        try Self.spec.replacingOccurrences(of: "lr: 0.01", with: "lr: 1000000").replacingOccurrences(of: "name: adam", with: "name: sgd")
            .replacingOccurrences(of: "seeds: 0..7", with: "seeds: 0").write(toFile: specPath, atomically: true, encoding: .utf8)
        let p = try Self.symlab(["run", specPath, "--db", db])
        #expect(p.terminationStatus == 0)
        let run = try #require(try ResultsStore(path: db).runs(experiment: "resume-test").first)
        #expect(run.status == .diverged)
        #expect((run.divergedStep ?? -1) >= 0)
        #expect(run.lastFiniteLoss?.isFinite == true)
        #expect(run.message?.contains("diverged at step") == true)
    }

    @Test func malformedSpecStopsWithFileAndKey() throws {
        let dir = Self.tempDir()
        let specPath = dir + "/bad.yaml"
        try Self.spec.replacingOccurrences(of: "steps: 4000", with: "stepz: 4000").write(toFile: specPath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.executable)
        p.arguments = ["run", specPath, "--db", dir + "/r.sqlite"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus != 0)
        #expect(text.contains("bad.yaml") && text.contains("training.stepz") && text.contains("unknown key"))
    }
}
