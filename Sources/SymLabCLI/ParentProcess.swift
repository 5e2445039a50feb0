import CProcessControl
import Foundation
import SymLabExperiments
import SymLabTraining

/// Ties a `sweep worker` to the `sweep run` that spawned it, so that no worker runs a sweep on
/// its own once that process is gone (killed with SIGKILL, which it cannot forward).
///
/// The parent's pid comes from the command line, not from `getppid()` at start-up: a parent
/// killed between spawning the worker and that call would leave the worker reading pid 1 (or a
/// subreaper) as its "parent" and running the whole sweep beside the resumed one.
enum ParentProcess {
    /// Returns false when `parent` is not this process's parent any more (then the caller must
    /// stop before touching the store). Otherwise arranges a stop request when it dies: on Linux
    /// the kernel sends SIGTERM (PR_SET_PDEATHSIG, which survives the start-up re-exec of
    /// `BLASWorkers.restartWithQuietWorkersIfNeeded`, but is set here, after it, anyway); elsewhere,
    /// and as a second line, a thread polls `getppid()`.
    ///
    /// SIGTERM rather than SIGKILL: the worker records its run `interrupted` at the next step, as
    /// on a stop forwarded by a live parent. Install the stop handlers first.
    static func tie(to parent: pid_t) -> Bool {
        #if os(Linux)
        if symlab_set_parent_death_signal(SIGTERM) != 0 {
            writeToStandardError("symlab sweep worker: PR_SET_PDEATHSIG failed (\(String(cString: strerror(errno)))); watching the parent instead\n")
        }
        #endif
        // After the signal is armed: a parent that died before this point is seen here, one that
        // dies after it sends the signal. No gap between the two.
        guard getppid() == parent else { return false }
        Thread.detachNewThread {
            while getppid() == parent { usleep(200_000) }
            StopRequest.requested = SIGTERM
        }
        return true
    }
}
