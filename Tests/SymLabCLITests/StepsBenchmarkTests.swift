import Foundation
import Testing

/// `symlab bench steps` through the executable (it sets the process-wide BLAS thread count, so it
/// must not run inside the test process): its JSON lines, the networks' definitions shared with
/// the peer scripts, and a missing peer interpreter.
@Suite(.serialized) struct StepsBenchmarkTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs `symlab bench steps ARGS --json FILE` and returns its exit status and JSON records.
    static func steps(_ args: [String]) throws -> (status: Int32, records: [[String: Any]]) {
        let json = SweepResumeTests.tempDir() + "/steps.jsonl"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SweepResumeTests.executable)
        p.arguments = ["bench", "steps"] + args + ["--json", json]
        p.currentDirectoryURL = URL(fileURLWithPath: repository)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let text = (try? String(contentsOfFile: json, encoding: .utf8)) ?? ""
        let records = text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        return (p.terminationStatus, records)
    }

    /// The parameter counts bench/peers/models.py documents ("… 33,793 params"), by model name.
    static func documentedPeerParameters() throws -> [String: Int] {
        let text = try String(contentsOfFile: repository + "/bench/peers/models.py", encoding: .utf8)
        var counts: [String: Int] = [:], current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(separator: " ")
            if line.hasPrefix("  "), !line.hasPrefix("   "), let first = words.first { current = String(first) }
            if let current, let i = words.firstIndex(of: "params"), i > 0, let n = Int(words[i - 1].replacingOccurrences(of: ",", with: "")) {
                counts[current] = n
            }
        }
        return counts
    }

    @Test func everyNetworkIsMeasuredWithTheParameterCountThePeersDocument() throws {
        let documented = try Self.documentedPeerParameters()
        #expect(Set(documented.keys) == ["mlp2", "mlp3", "gnn", "cnn", "gnn-hard", "cnn-hard"])
        let (status, records) = try Self.steps(["--precision", "f32", "--threads", "1", "--steps", "10", "--warmup", "0", "--gemm-size", "32"])
        #expect(status == 0)
        let ours = records.filter { $0["library"] as? String == "symlab" }
        #expect(ours.count == documented.count)
        for r in ours {
            let name = r["model"] as? String ?? "?"
            #expect(r["params"] as? Int == documented[name], "\(name): SymmetryLab has \(r["params"] ?? "?") parameters")
            let p10 = r["p10_us"] as? Double ?? -1, median = r["median_us"] as? Double ?? -1, p90 = r["p90_us"] as? Double ?? -1
            #expect(0 < p10 && p10 <= median && median <= p90, "\(name): p10 \(p10), median \(median), p90 \(p90)")
        }
        #expect(records.contains { $0["library"] as? String == "gemm" && ($0["f32_gflops"] as? Double ?? 0) > 0 })
    }

    @Test func aMissingPeerInterpreterBecomesErrorLinesNotACrash() throws {
        let (status, records) = try Self.steps(["--peers", "--python", "/nonexistent/python3", "--models", "cnn", "--precision", "f32",
                                                "--threads", "1", "--steps", "10", "--warmup", "0", "--gemm-size", "32"])
        #expect(status == 0)
        for lib in ["torch", "jax"] {
            let r = records.first { $0["library"] as? String == lib }
            #expect(r?["model"] as? String == "cnn")
            #expect((r?["error"] as? String)?.contains("exited with status") == true, "\(lib): \(r ?? [:])")
        }
        #expect(records.contains { $0["library"] as? String == "symlab" && $0["model"] as? String == "cnn" })
    }

    @Test func badArgumentsAreRejectedNamingTheProblem() throws {
        for (args, needle) in [(["--models", "mlp9"], "mlp9"), (["--precision", "f16"], "--precision"), (["--threads", "0"], "--threads")] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: SweepResumeTests.executable)
            p.arguments = ["bench", "steps"] + args
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus != 0)
            #expect(message.contains(needle), "\(args): \(message)")
        }
    }
}
