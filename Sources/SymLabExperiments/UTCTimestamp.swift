#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ISO 8601 UTC timestamps ("2026-11-24T02:06:04Z") for the results store, made with the C
/// library's gmtime_r/strftime and read back with timegm.
///
/// Why not Foundation's `ISO8601DateFormatter`: on Linux (swift-corelibs-foundation, Swift 6.3)
/// creating one while another thread does can corrupt the heap (swiftlang/swift-corelibs-foundation
/// #5533), and a sweep, the test suite or a Slurm merge stamp rows from several threads. The
/// C functions used here are reentrant.
public enum UTCTimestamp {
    /// The current time, to the second.
    public static func now() -> String { format(secondsSince1970: time(nil)) }

    public static func format(secondsSince1970 t: Int) -> String {
        var seconds = time_t(t)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Seconds since 1970 of a timestamp written by ``now()`` (nil for any other text).
    public static func secondsSince1970(_ text: String) -> Int? {
        // "YYYY-MM-DDTHH:MM:SSZ": digits at fixed places, these separators between them.
        let chars = Array(text.utf8)
        let separators: [Int: UInt8] = [4: UInt8(ascii: "-"), 7: UInt8(ascii: "-"), 10: UInt8(ascii: "T"), 13: UInt8(ascii: ":"), 16: UInt8(ascii: ":"), 19: UInt8(ascii: "Z")]
        guard chars.count == 20 else { return nil }
        for (i, c) in chars.enumerated() {
            if let s = separators[i] { guard c == s else { return nil } } else { guard c >= 48 && c <= 57 else { return nil } }
        }
        func number(_ from: Int, _ count: Int) -> Int32 { chars[from..<(from + count)].reduce(0) { $0 * 10 + Int32($1 - 48) } }
        var parts = tm()
        parts.tm_year = number(0, 4) - 1900
        parts.tm_mon = number(5, 2) - 1
        parts.tm_mday = number(8, 2)
        parts.tm_hour = number(11, 2)
        parts.tm_min = number(14, 2)
        parts.tm_sec = number(17, 2)
        return Int(timegm(&parts))
    }
}
