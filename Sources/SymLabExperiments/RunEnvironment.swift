import Foundation
import SymLabNumerics

/// Where and with what a run was computed: recorded with every run, because results differ in
/// the last bits with the thread count (BLAS threads, and the data-parallel shards a step is cut
/// into: one per thread) and the library build.
public struct RunEnvironment: Sendable {
    public var host: String
    public var pid: Int
    public var gitCommit: String
    public var gitDirty: Bool
    public var swiftVersion: String
    public var blas: String
    public var blasThreads: Int
    public var rng: String

    /// The path of the running `symlab` (what sweep workers and Slurm batch scripts start):
    /// /proc/self/exe where there is one, else argv[0] made absolute.
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    public static func current(blasThreads: Int) -> RunEnvironment {
        let (commit, dirty) = sourceState
        return RunEnvironment(host: hostName(), pid: Int(getpid()), gitCommit: commit, gitDirty: dirty,
                              swiftVersion: swiftCompilerVersion, blas: BLAS.info, blasThreads: blasThreads,
                              rng: RandomStream.algorithm)
    }

    public static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The compiler that built this binary.
    public static var swiftCompilerVersion: String {
        #if compiler(>=7.0)
        return "≥7.0"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// ``gitState()`` once per process: it starts two git processes (≈ 40 ms of wall time here,
    /// `git status` scanning the tree), which per run was 15% of a sweep of short trainings and,
    /// with two workers running git at once, most of what kept them from scaling. The binary a
    /// process runs does not change while it runs.
    static let sourceState: (String, Bool) = gitState()

    /// The git commit of the source tree this binary was built from (found from the executable's
    /// location, `.build/<config>/symlab`), and whether that tree had uncommitted changes.
    static func gitState() -> (String, Bool) {
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(".git").path) {
                let commit = run(["git", "-C", dir.path, "rev-parse", "HEAD"]) ?? "unknown"
                let status = run(["git", "-C", dir.path, "status", "--porcelain", "--untracked-files=no"]) ?? ""
                return (commit, !status.isEmpty)
            }
            dir = dir.deletingLastPathComponent()
        }
        let cwdCommit = run(["git", "rev-parse", "HEAD"])
        return (cwdCommit ?? "unknown", !(run(["git", "status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty)
    }

    static func run(_ args: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
