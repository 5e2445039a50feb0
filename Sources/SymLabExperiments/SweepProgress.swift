import Foundation
import SymLabNumerics
import SymLabTraining

/// What a sweep tells the person watching it: one line per finished run — its place in the
/// sweep, the values its point sweeps and its final test error — and, on a terminal, one live
/// status line with the counts, the elapsed time and an ETA. Written to a file (nohup, Slurm)
/// it is plain lines only: no `\r` frames.
public enum SweepProgress {
    /// Whether stderr is a terminal: the live line and the trainer's bar are drawn only there.
    public static var isTerminal: Bool { isatty(2) != 0 }

    /// On a terminal a line is written over the live status line (cleared first); elsewhere as is.
    static func emit(_ line: String) -> String { isTerminal ? "\r\u{1B}[K" + line : line }

    /// "[14/27 done, 2 running, 0 failed, 1 diverged]": finished (done or diverged) of all.
    public static func counts(_ c: [RunStatus: Int]) -> String {
        let total = c.values.reduce(0, +)
        let finished = (c[.done] ?? 0) + (c[.diverged] ?? 0)
        return "[\(finished)/\(total) done, \(c[.running] ?? 0) running, \(c[.failed] ?? 0) failed, \(c[.diverged] ?? 0) diverged]"
    }

    /// The live line: counts, elapsed time, and the ETA from the rate of runs finished since this
    /// command started (none before the first one finishes).
    public static func statusLine(_ c: [RunStatus: Int], elapsed: TimeInterval, finishedSinceStart: Int) -> String {
        let total = c.values.reduce(0, +)
        let left = total - (c[.done] ?? 0) - (c[.diverged] ?? 0) - (c[.failed] ?? 0)
        var line = counts(c) + " " + duration(elapsed) + " elapsed"
        if finishedSinceStart > 0, left > 0 { line += ", ETA " + duration(elapsed / Double(finishedSinceStart) * Double(left)) }
        return line
    }

    /// "2m31s", "1h04m", "9s".
    public static func duration(_ t: TimeInterval) -> String {
        let s = Int(t.rounded())
        if s >= 3600 { return "\(s / 3600)h" + String(format: "%02dm", (s % 3600) / 60) }
        if s >= 60 { return "\(s / 60)m" + String(format: "%02ds", s % 60) }
        return "\(s)s"
    }

    /// The line of a finished run: "[3/9 done, …] sep-cpp-cnn data.n_train = 1000, seed 2: done
    /// in 4.0 s, test error 0.0635 (run 88981ad4be5b34c8-s2)". The test error is the normalised
    /// test loss when the run recorded one (the trainer's or a scheme's), else its test MSE.
    public static func runLine(_ run: RunRecord, status: RunStatus, seconds: TimeInterval, swept: [String: String],
                               metrics: [String: Double], counts c: [RunStatus: Int]) -> String {
        // Keys and values come from a spec or a shared database: shown escaped.
        let values = swept.sorted { $0.key < $1.key }.map { UntrustedText.forTerminal("\($0.key) = \($0.value)") }
        var line = counts(c) + " \(run.experiment)" + (values.isEmpty ? "" : " " + values.joined(separator: ", ")) + ", seed \(run.seed): "
        line += "\(status.rawValue) in \(NumberFormat.fixed(seconds, 1)) s"
        for (key, label) in [("test_mse_normalized", "test error"), ("test_loss_normalized", "test error"), ("test_mse", "test MSE")] {
            if let v = metrics[key], v.isFinite { line += ", \(label) \(NumberFormat.significant(v))"; break }
        }
        return line + " (run \(run.id))"
    }

    /// The values of `config` at the key paths that differ between the experiment's points (the
    /// swept keys), as text; nil-valued paths (absent at this point) are left out.
    public static func sweptValues(of config: String, among configs: [String]) -> [String: String] {
        let all = configs.compactMap { try? SpecValue.fromJSON($0) }.map { leaves($0) }
        guard all.count > 1, let mine = try? leaves(SpecValue.fromJSON(config)) else { return [:] }
        let paths = Set(all.flatMap(\.keys))
        var out: [String: String] = [:]
        for p in paths where Set(all.map { $0[p] ?? "∅" }).count > 1 { out[p] = mine[p] }
        return out
    }

    /// Every key of a config (canonical JSON) by its dotted path, as text (`runs diff`).
    public static func keyValues(ofConfig json: String) -> [String: String] {
        (try? SpecValue.fromJSON(json)).map { leaves($0) } ?? [:]
    }

    /// Every scalar (and list) of a tree by its dotted key path.
    static func leaves(_ v: SpecValue) -> [String: String] { v.leaves().mapValues(\.optionText) }
}

extension Dictionary where Key == RunStatus, Value == Int {
    /// Runs that ended (done, diverged or failed): the ETA's rate counts these.
    public var finished: Int { (self[.done] ?? 0) + (self[.diverged] ?? 0) + (self[.failed] ?? 0) }
}
