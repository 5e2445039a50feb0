import Foundation
import SymLabExperiments

/// What a test can observe of other processes through /proc (Linux): who is whose child, and who
/// is stopped. Tests that kill or signal a sweep act on these observations (and on the database),
/// never on the clock.
enum ProcFS {
    /// The fields of /proc/<pid>/stat after the command name: [0] the state, [1] the parent pid.
    static func statFields(_ pid: pid_t) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// The live children of `parent` (zombies, which have exited, are left out).
    static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let f = statFields(pid), f.count > 1 else { return false }
            return f[1] == "\(parent)" && f[0] != "Z"
        }.sorted()
    }

    /// Stopped by a signal (SIGSTOP: state T); a `SYMLAB_PAUSE_AT` fault point stops its process so.
    static func isStopped(_ pid: pid_t) -> Bool { statFields(pid)?.first == "T" }

    /// Whether `signal` has been sent to `pid` and not yet delivered (a stopped process holds it
    /// until SIGCONT): its bit in the pending masks of /proc/<pid>/status.
    static func hasPending(_ signal: Int32, _ pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        return status.split(separator: "\n").contains { line in
            guard line.hasPrefix("ShdPnd:") || line.hasPrefix("SigPnd:"),
                  let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16) else { return false }
            return mask & (1 << UInt64(signal - 1)) != 0
        }
    }

    /// Waits until none of `pids` is alive, sending SIGCONT to any that is stopped (a paused
    /// worker must run to notice it was asked to stop). Returns the pids still alive when the
    /// 60 s guard expires — a failure to report, not a way of waiting.
    static func waitUntilGone(_ pids: [pid_t]) -> [pid_t] {
        let guardDeadline = Date().addingTimeInterval(60)
        while true {
            let alive = pids.filter { processIsAlive(Int($0)) }
            if alive.isEmpty || Date() > guardDeadline { return alive }
            for pid in alive where isStopped(pid) { kill(pid, SIGCONT) }
            usleep(2_000)
        }
    }
}
