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

    /// Rounds interleave ours and the peers, every round goes to the JSON lines, and the table
    /// shows each side's lowest round median: stand-in peer scripts (shell) report 100 µs in their
    /// first round and 50 µs in their second.
    @Test func roundsKeepEverySideAndReportTheLowestRoundMedian() throws {
        let dir = SweepResumeTests.tempDir() + "/peers"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for lib in ["torch", "jax"] {
            let script = """
                d=$(dirname "$0"); n=$(cat "$d/count-\(lib)" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$d/count-\(lib)"
                if [ $n -eq 1 ]; then m=100; else m=50; fi
                echo "{\\"library\\": \\"\(lib)\\", \\"model\\": \\"cnn\\", \\"precision\\": \\"f32\\", \\"threads\\": 1, \\"params\\": 2721, \\"median_us\\": $m, \\"p10_us\\": $m, \\"p90_us\\": $m}"

                """
            try script.write(toFile: dir + "/bench_\(lib).py", atomically: true, encoding: .utf8)
        }
        let json = SweepResumeTests.tempDir() + "/rounds.jsonl"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SweepResumeTests.executable)
        p.arguments = ["bench", "steps", "--peers", "--python", "/bin/sh", "--peers-dir", dir, "--rounds", "2", "--models", "cnn",
                       "--precision", "f32", "--threads", "1", "--steps", "10", "--warmup", "0", "--gemm-size", "32", "--json", json]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let records = (try? String(contentsOfFile: json, encoding: .utf8))?.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] } ?? []
        for lib in ["symlab", "torch", "jax"] {
            #expect(Set(records.filter { $0["library"] as? String == lib }.compactMap { $0["round"] as? Int }) == [1, 2], "\(lib)")
        }
        // The FMA-peak probe (AVX2+FMA machines): one record, once per run. Its loop must really run:
        // an optimizer that treats the probe as a pure call hoists it out of the timing, and the
        // "rate" becomes millions of GFLOP/s (no core exceeds a few hundred; load only lowers it).
        if text.contains("FMA peak") {
            let peaks = records.filter { $0["library"] as? String == "fma-peak" }
            #expect(peaks.count == 1)
            for key in ["f32_gflops", "f64_gflops"] {
                let rate = peaks.first?[key] as? Double ?? -1
                #expect(rate > 0 && rate < 5_000, "\(key) = \(rate)")
            }
        }
        // The cnn row: model | ours | torch median ratio | jax median ratio | floor | BLAS.
        let row = text.split(separator: "\n").first { $0.hasPrefix("cnn ") && $0.contains("|") }.map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(row?.count == 6, "\(text)")
        if let row, row.count == 6 {
            #expect(row[2].hasPrefix("50 ") && row[3].hasPrefix("50 "), "peer cells: \(row[2]), \(row[3])")
            let ours = records.filter { $0["library"] as? String == "symlab" }.compactMap { $0["median_us"] as? Double }
            #expect(row[1].hasPrefix("\(Int((ours.min() ?? -1).rounded())) "), "ours: \(row[1]), rounds \(ours)")
        }
    }

    @Test func badArgumentsAreRejectedNamingTheProblem() throws {
        for (args, needle) in [(["--models", "mlp9"], "mlp9"), (["--precision", "f16"], "--precision"), (["--threads", "0"], "--threads"),
                               (["--rounds", "0"], "--rounds")] {
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
