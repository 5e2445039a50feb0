import Foundation
import GRDB

/// Results databases damaged on purpose, as a stranger's file may be: pages with flipped bytes,
/// a migration of a newer symlab, a renamed column, a truncated shard. Each acts on a closed file
/// (no symlab process may have it open) and leaves it with no `-wal` beside it, so that what is
/// tested is the main file alone.
public enum StoreTampering {
    /// Runs `sql` on the file, as another program (or a newer symlab) would.
    public static func execute(_ sql: String, on path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }

    /// Moves everything from a `-wal` into the file itself (the last connection to close does).
    public static func settle(_ path: String) throws {
        try DatabaseQueue(path: path).close()
    }

    /// XORs `count` bytes at the start of the middle leaf page of `table` (found with SQLite's
    /// `dbstat`): its b-tree page header and cell pointers, damage `PRAGMA quick_check` reports.
    /// Returns the byte offset flipped.
    @discardableResult
    public static func flipBytes(inPagesOf table: String, of path: String, count: Int = 64) throws -> UInt64 {
        let queue = try DatabaseQueue(path: path)
        let (pages, pageSize) = try queue.read { db in
            (try Int.fetchAll(db, sql: "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", arguments: [table]),
             try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096)
        }
        try queue.close()
        guard pages.count >= 3 else { throw TamperingError("table \(table) of \(path) has \(pages.count) leaf page(s); write more rows") }
        let offset = UInt64((pages[pages.count / 2] - 1) * pageSize)
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? h.close() }
        try h.seek(toOffset: offset)
        let bytes = try h.read(upToCount: count) ?? Data()
        try h.seek(toOffset: offset)
        try h.write(contentsOf: Data(bytes.map { $0 ^ 0xFF }))
        return offset
    }

    /// Cuts the file to `fraction` of its size, as a copy or a disk that stopped half-way would.
    public static func truncate(_ path: String, to fraction: Double) throws {
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try h.truncate(atOffset: UInt64(Double(size) * fraction))
        try h.close()
    }

    /// The files beside `path` that SQLite adds while writing (`-wal`, `-shm`, `-journal`).
    public static func sidecars(of path: String) -> [String] {
        ["-wal", "-shm", "-journal"].map { path + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    public struct TamperingError: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }
}
