#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SymLabNumerics

/// How much memory a computation may use, and the check that refuses an oversized one *before*
/// any work starts (a 10⁵-sample kernel matrix is 80 GB: better an error now than swapping for an
/// hour and then being killed). Kernel fits, data sets, training runs and schemes are all checked
/// against one budget, so it sits below all of them.
public struct MemoryBudget: Sendable, Equatable {
    public var availableBytes: Int
    /// Where the number came from, for the error message.
    public var source: String

    public init(availableBytes: Int, source: String = "the given memory limit") {
        self.availableBytes = availableBytes
        self.source = source
    }

    /// The memory the system reports as available now: MemAvailable in /proc/meminfo on Linux
    /// (what can be allocated without swapping), else the physical memory.
    public static var system: MemoryBudget {
        if let kb = readMemAvailableKiB() {
            return MemoryBudget(availableBytes: kb * 1024, source: "MemAvailable in /proc/meminfo")
        }
        #if canImport(Darwin)
        var size: UInt64 = 0
        var len = MemoryLayout<UInt64>.size
        if sysctlbyname("hw.memsize", &size, &len, nil, 0) == 0 {
            return MemoryBudget(availableBytes: Int(size), source: "physical memory (hw.memsize)")
        }
        #endif
        return MemoryBudget(availableBytes: Int.max, source: "unknown (no /proc/meminfo)")
    }

    /// Throws ``MemoryError/insufficientMemory(what:neededBytes:availableBytes:source:)`` when
    /// `bytes` exceeds the budget.
    public func require(_ bytes: Int, for what: String) throws {
        if bytes > availableBytes {
            throw MemoryError.insufficientMemory(what: what, neededBytes: bytes, availableBytes: availableBytes, source: source)
        }
    }

    /// Bytes of `count` Doubles, saturating instead of overflowing (sizes come from users).
    public static func doubles(_ counts: Int...) -> Int {
        var total = 0
        for c in counts {
            let (b, o1) = c.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
            let (t, o2) = total.addingReportingOverflow(b)
            if o1 || o2 { return Int.max }
            total = t
        }
        return total
    }

    /// rows × cols, saturating.
    public static func product(_ a: Int, _ b: Int) -> Int {
        let (p, o) = a.multipliedReportingOverflow(by: b)
        return o ? Int.max / 8 : p
    }

    static func readMemAvailableKiB() -> Int? {
        guard let f = fopen("/proc/meminfo", "r") else { return nil }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0 {
            guard let line else { break }
            let s = String(cString: line)
            if s.hasPrefix("MemAvailable:") {
                let digits = s.dropFirst("MemAvailable:".count).filter { $0.isNumber }
                return Int(digits)
            }
        }
        return nil
    }
}

/// A computation refused before any work because it would not fit in its ``MemoryBudget``.
public enum MemoryError: Error, CustomStringConvertible, Equatable, Sendable {
    case insufficientMemory(what: String, neededBytes: Int, availableBytes: Int, source: String)

    public var description: String {
        switch self {
        case let .insufficientMemory(what, needed, available, source):
            "\(what) needs \(NumberFormat.bytes(needed)) (\(needed) bytes) but only \(NumberFormat.bytes(available)) is available "
                + "(\(source)); use fewer samples, random features, or a smaller model"
        }
    }
}
