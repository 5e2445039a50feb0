import Foundation
import SymLabExperiments
import SymLabTraining
import Testing

/// A run killed after a checkpoint continues from it (issue 28, item 5): `sweep run` after a
/// SIGKILL at the second checkpoint resumes the run at that step and ends with the curves and
/// metrics of an uninterrupted run of the same spec without checkpoints, under the same run id,
/// bit for bit (f64, one BLAS thread).
@Suite struct CheckpointResumeTests {
    static let spec = sparseParityMLPSpec("resume", train: 64, val: 16, test: 32, width: 8, steps: 40, evalEvery: 5, seeds: "[3]")
        .replacingOccurrences(of: "training: {steps: 40, eval_every: 5}", with: "training: {steps: 40, eval_every: 5, batch_size: 12, checkpoint_every: 10}")

    @Test func aRunKilledAfterACheckpointResumesThereAndEndsAsIfNeverStopped() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spec = try FaultTests.write(Self.spec, in: dir)
        #expect(Self.spec.contains("checkpoint_every: 10"))
        // The reference: the same spec without checkpoints, never stopped (asking for checkpoints
        // changes neither the run id nor its randomness).
        let plain = try FaultTests.write(Self.spec.replacingOccurrences(of: ", checkpoint_every: 10", with: ""), in: dir, "plain.yaml")
        let whole = try FaultTests.symlab(["sweep", "run", plain, "--db", dir + "/whole.sqlite", "--workers", "1"])
        #expect(whole.status == 0, "\(whole.stderr)")
        // Killed right after its second checkpoint (step 20) was committed.
        let db = dir + "/killed.sqlite"
        let crashed = try FaultTests.symlab(["sweep", "run", spec, "--db", db, "--workers", "1"], environment: [FaultPoint.crashVariable: "after-checkpoint:2"])
        #expect(crashed.status == SIGKILL, "\(crashed.stderr)")
        let store = try ResultsStore(path: db)
        let held = try #require(try store.runs(status: .running).first)
        #expect(try store.checkpoint(runID: held.id)?.step == 20)
        let resumed = try FaultTests.symlab(["sweep", "run", spec, "--db", db, "--workers", "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let run = try #require(try store.run(id: held.id))
        #expect(run.status == .done && run.attempts == 2)
        #expect(run.message?.contains("resumed from the checkpoint at step 20") == true, "\(run.message ?? "")")
        #expect(try store.checkpoint(runID: held.id) == nil, "the checkpoint is removed when the run ends")
        let reference = try ResultsStore(path: dir + "/whole.sqlite", readOnly: true)
        let ref = try #require(try reference.run(id: held.id))
        #expect(try store.curves(runID: held.id) == reference.curves(runID: ref.id))
        #expect(try store.metrics(runID: held.id) == reference.metrics(runID: ref.id))
        #expect(try store.integrityCheck() == "ok")
    }
}
