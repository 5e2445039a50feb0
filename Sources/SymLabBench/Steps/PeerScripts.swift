import Foundation

/// The PyTorch and JAX scripts that `bench steps` runs beside SymmetryLab (bench/peers), and how
/// they are run: one subprocess per library and thread count, with OMP/MKL/OpenBLAS threads set
/// to that count, reporting one JSON line per model and precision.
public struct PeerScripts {
    /// The peer libraries, in the order they run after ours in each round.
    static let libraries = ["torch", "jax"]

    public let python: String, directory: String

    /// `python` nil: .venv-bench/bin/python if present (`make bench` installs the peers there), else python3.
    public init(python: String?, directory: String) {
        self.python = python ?? (FileManager.default.isExecutableFile(atPath: ".venv-bench/bin/python") ? ".venv-bench/bin/python" : "python3")
        self.directory = directory
    }

    /// The scripts' paths that do not exist, in the order the libraries run.
    public var missingScripts: [String] {
        Self.libraries.map { directory + "/bench_\($0).py" }.filter { !FileManager.default.fileExists(atPath: $0) }
    }

    /// Runs the script of `lib` for every model and precision at `threads`; its JSON lines (or one
    /// error line per model and precision when the script itself fails).
    func run(_ lib: String, models: [StepModel], precisions: [String], threads: Int, steps: Int, warmup: Int) -> [StepsBenchmark.Record] {
        let failed = { (why: String) -> [StepsBenchmark.Record] in
            models.flatMap { m in precisions.map { ["library": lib, "model": m.name, "precision": $0, "threads": threads, "error": why] as StepsBenchmark.Record } }
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, directory + "/bench_\(lib).py", "--models", models.map(\.name).joined(separator: ","),
                       "--precision", precisions.joined(separator: ","), "--threads", "\(threads)",
                       "--steps", "\(steps)", "--warmup", "\(warmup)"]
        var env = ProcessInfo.processInfo.environment
        for key in ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"] { env[key] = "\(threads)" }
        p.environment = env
        // stderr goes to a file: a chatty peer must not block on a full pipe while we read stdout.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("symlab-bench-\(lib)-\(getpid()).stderr").path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle(forWritingAtPath: errPath)
        do { try p.run() } catch { return failed("cannot start \(python): \(error.localizedDescription)") }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        let lines: [StepsBenchmark.Record] = String(decoding: outData, as: UTF8.self).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? StepsBenchmark.Record
        }
        if lines.isEmpty || p.terminationStatus != 0 {
            let tail = String(decoding: errData, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " | ")
            if lines.isEmpty { return failed("\(lib) peer exited with status \(p.terminationStatus): \(tail)") }
        }
        return lines
    }
}
