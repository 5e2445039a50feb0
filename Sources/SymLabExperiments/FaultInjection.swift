import Foundation
import SymLabTraining

/// Named fault points for tests, so that a test can stop or kill a sweep at an exact moment of
/// its work instead of at a moment of the clock (a kill "0.3 s after the start" lands anywhere, or
/// nowhere, depending on the machine's speed).
///
/// Two test-only environment variables arm them, each `POINT` or `POINT:N` (the N-th time this
/// process reaches POINT, counted from 1; default 1):
/// - `SYMLAB_CRASH_AT`: the process SIGKILLs itself there (a crash, a power cut);
/// - `SYMLAB_PAUSE_AT`: the process SIGSTOPs itself there; the test reads the frozen state (the
///   database, /proc), acts (kills the parent, sends SIGTERM) and then sends SIGCONT.
///
/// Points, in the order a run passes them:
/// - `after-claim`: a run has just been claimed (`running`, no curve logged yet);
/// - `after-curves`: one evaluation's curve points have just been committed (counted over all the
///   runs of this process: with 41 evaluations per run, `after-curves:43` is the second
///   evaluation of the process's second run);
/// - `after-checkpoint`: a training checkpoint has just been committed (`training.checkpoint_every`);
/// - `before-finish`: the run has ended (every curve logged) and its end is about to be recorded.
///
/// Unset (always, outside tests) they cost one dictionary look-up per process.
public enum FaultPoint: String, CaseIterable, Sendable {
    case afterClaim = "after-claim"
    case afterCurves = "after-curves"
    case afterCheckpoint = "after-checkpoint"
    case beforeFinish = "before-finish"

    public static let crashVariable = "SYMLAB_CRASH_AT"
    public static let pauseVariable = "SYMLAB_PAUSE_AT"

    /// What this process was asked to do, and where: (point, N-th pass, signal).
    private static let armed: [(point: FaultPoint, pass: Int, signal: Int32)] = {
        let env = ProcessInfo.processInfo.environment
        return [(crashVariable, SIGKILL), (pauseVariable, SIGSTOP)].compactMap { variable, signal in
            guard let value = env[variable], !value.isEmpty else { return nil }
            let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
            guard let point = FaultPoint(rawValue: parts[0]), let pass = parts.count == 2 ? Int(parts[1]) : 1, pass >= 1 else {
                writeToStandardError("symlab: ignoring \(variable)=\(value): expected POINT or POINT:N, POINT one of "
                    + FaultPoint.allCases.map(\.rawValue).joined(separator: ", ") + "\n")
                return nil
            }
            return (point, pass, signal)
        }
    }()
    private static let passes = NSLock()
    nonisolated(unsafe) private static var passCount: [FaultPoint: Int] = [:]

    /// Called by the sweep code at this point: SIGKILLs or SIGSTOPs this process if a test armed
    /// the point for this pass.
    public func reached() {
        guard !Self.armed.isEmpty else { return }
        let pass: Int = Self.passes.withLock {
            Self.passCount[self, default: 0] += 1
            return Self.passCount[self]!
        }
        for a in Self.armed where a.point == self && a.pass == pass { raise(a.signal) }
    }
}
