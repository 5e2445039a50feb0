import Foundation
import SymLabNumerics

/// CPU time other processes used during a measurement, in cores: (busy time of the whole
/// machine from /proc/stat − this process's and its reaped children's CPU time) / wall time.
/// On a shared machine this says whether a benchmark's numbers can be trusted (nil off Linux).
struct ForeignLoad {
    private let busy: Double?, own: Double, wall: Double

    init() { busy = Self.machineBusySeconds(); own = Self.ownSeconds(); wall = Clock.seconds() }

    /// Foreign cores since `init`.
    var cores: Double? {
        guard let b0 = busy, let b1 = Self.machineBusySeconds() else { return nil }
        let dt = Clock.seconds() - wall
        guard dt > 0 else { return nil }
        return Swift.max(0, (b1 - b0) - (Self.ownSeconds() - own)) / dt
    }

    /// "foreign load 0.02 cores" with a warning above 0.1 cores.
    var report: String {
        guard let c = cores else { return "foreign load: unknown (no /proc/stat)" }
        return "foreign load during these measurements: \(NumberFormat.rounded(c, 2)) cores" + (c > 0.1 ? " — the machine was busy; numbers are not trustworthy" : "")
    }

    static func machineBusySeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard f.count >= 8 else { return nil }
        // user nice system idle iowait irq softirq steal: everything but idle and iowait.
        return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func ownSeconds() -> Double {
        var total = 0.0
        for who in [RUSAGE_SELF, RUSAGE_CHILDREN] {
            var u = rusage()
            #if os(Linux)
            getrusage(__rusage_who_t(who.rawValue), &u)
            #else
            getrusage(who, &u)
            #endif
            total += Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) * 1e-6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) * 1e-6
        }
        return total
    }
}
