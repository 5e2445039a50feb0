import Foundation
import SymLabExperiments
import SymLabTestSupport
import Testing

/// Issue 28: the fully resolved config stored with every run (item 3), tags, notes and filters
/// on `runs list` (item 10), `runs export --format csv|jsonl|npz` with one column per resolved
/// parameter (item 12) — each through the built `symlab` binary.
@Suite struct RunProvenanceTests {
    /// A spec that writes none of the defaults asserted below (weight_decay, batch_size,
    /// init_scale, noise, loss, patience).
    static func spec(tags: String? = nil) -> String {
        sparseParityMLPSpec("prov", train: 32, val: 8, test: 32, width: 8, steps: 4, evalEvery: 2, seeds: "[0, 1]", sweepWidths: [4, 8])
            + (tags.map { "\ntags: \($0)" } ?? "")
    }

    /// The run ids symlab gave this spec before resolved configs and tags existed (main at
    /// b754927): neither may change them, or every old sweep would run again.
    static let idsBefore = ["9ddd5948b6dbb032-s0", "9ddd5948b6dbb032-s1", "f85b8640a96e847e-s0", "f85b8640a96e847e-s1"]

    static func ids(_ dir: String) throws -> [String] {
        let csv = try HostileInputTests.run(["runs", "list", "--db", "r.sqlite", "--format", "csv"], in: dir)
        return csv.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }.sorted()
    }

    /// Item 3.
    @Test func runsShowPrintsEveryDefaultOfTheResolvedConfigAndAnOldDatabaseStillOpens() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.spec().write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        // --dry-run shows the resolved config the runs will store.
        let dry = try HostileInputTests.run(["run", "spec.yaml", "--dry-run"], in: dir)
        #expect(dry.stdout.split(separator: "\n").filter { $0.hasPrefix("    resolved {") && $0.contains(#""weight_decay":0"#) && $0.contains(#""init_scale":1"#) }.count == 2,
                "\(dry.stdout)")
        let run = try HostileInputTests.run(["run", "spec.yaml", "--db", "r.sqlite"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.ids(dir) == Self.idsBefore)

        let show = try HostileInputTests.run(["runs", "show", "--db", "r.sqlite", Self.idsBefore[0]], in: dir)
        #expect(show.status == 0, "\(show.stderr)")
        // The config as written is still shown, and hashed: it holds no default.
        #expect(show.stdout.contains(#"config {"data":{"class":"sparse-parity","n_test":32"#) && !show.stdout.contains(#""weight_decay""#), "\(show.stdout)")
        for line in ["resolved config (every default explicit):", "  optimizer.weight_decay = 0", "  optimizer.name = adam", "  optimizer.lr = 0.01",
                     "  optimizer.schedule = constant", "  training.batch_size = 0", "  training.loss = mse", "  training.patience = 0",
                     "  training.eval_every = 2", "  model.options.init_scale = 1", "  model.options.depth = 2", "  model.options.width = 4",
                     "  model.options.activation = relu", "  data.options.noise = 0", "  data.n_val = 8", "  precision = f64", "  threads = 1"] {
            #expect(show.stdout.contains(line + "\n"), "missing '\(line)' in\n\(show.stdout)")
        }

        // A database written before the column existed (only migration v1): read-only commands
        // open it unchanged and show what it has.
        try StoreTampering.execute("""
            ALTER TABLE runs DROP COLUMN resolved_config; ALTER TABLE runs DROP COLUMN note; DROP TABLE run_tags; DROP TABLE checkpoints;
            DELETE FROM grdb_migrations WHERE identifier != 'v1';
            """, on: dir + "/r.sqlite")
        let old = try HostileInputTests.run(["runs", "show", "--db", "r.sqlite", Self.idsBefore[0]], in: dir)
        #expect(old.status == 0 && old.stdout.contains("resolved config: not recorded") && old.stdout.contains("test_mse"), "\(old.stdout)\(old.stderr)")
        #expect(try Self.ids(dir) == Self.idsBefore)
        let export = try HostileInputTests.run(["runs", "export", "--db", "r.sqlite", "--format", "csv", "--out", "old"], in: dir)
        #expect(export.status == 0, "\(export.stderr)")
        let header = try String(contentsOfFile: dir + "/old/runs.csv", encoding: .utf8).split(separator: "\n")[0]
        #expect(header.contains(",optimizer.lr,") && !header.contains("weight_decay"), "\(header)")
        // A command that writes migrates it; the runs it has keep no resolved config (it would
        // state today's defaults, not the ones they ran with).
        #expect(try HostileInputTests.run(["runs", "tag", "--db", "r.sqlite", Self.idsBefore[0], "old"], in: dir).status == 0)
        #expect(try HostileInputTests.run(["runs", "show", "--db", "r.sqlite", Self.idsBefore[0]], in: dir).stdout.contains("resolved config: not recorded"))
    }

    /// Item 10: tags (spec and command), notes (escaped), `--tag` and `--filter`.
    @Test func tagsNotesAndFiltersSelectRunsAndNotesReachTheTerminalEscaped() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.spec(tags: "[baseline]").write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        #expect(try HostileInputTests.run(["run", "spec.yaml", "--db", "r.sqlite"], in: dir).status == 0)
        // Tagging a spec does not change its run ids.
        #expect(try Self.ids(dir) == Self.idsBefore)
        func list(_ args: [String]) throws -> [String] {
            let r = try HostileInputTests.run(["runs", "list", "--db", "r.sqlite", "--format", "csv"] + args, in: dir)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            return r.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }.sorted()
        }
        #expect(try list(["--tag", "baseline"]) == Self.idsBefore)
        let id = Self.idsBefore[3]
        let tag = try HostileInputTests.run(["runs", "tag", "--db", "r.sqlite", id, "lr-scan", "keep"], in: dir)
        #expect(tag.status == 0 && tag.stdout.contains("baseline, keep, lr-scan"), "\(tag.stdout)\(tag.stderr)")
        #expect(try HostileInputTests.run(["runs", "tag", "--db", "r.sqlite", id, "has space"], in: dir).status != 0)
        #expect(try HostileInputTests.run(["runs", "tag", "--db", "r.sqlite", "no-such-run", "x"], in: dir).stderr.contains("no run 'no-such-run'"))
        #expect(try list(["--tag", "lr-scan", "--tag", "baseline"]) == [id])
        #expect(try list(["--filter", "tag=keep"]) == [id])
        #expect(try list(["--filter", "tag!=keep"]) == Array(Self.idsBefore.prefix(3)))

        // MLflow-style conditions on resolved config keys (a default too), metrics and run fields.
        #expect(try list(["--filter", "model.options.width=8", "--filter", "status=done"]) == Array(Self.idsBefore.suffix(2)))
        #expect(try list(["--filter", "width>=8", "--filter", "seed!=0"]) == [id])
        #expect(try list(["--filter", "model=mlp", "--filter", "optimizer.weight_decay=0", "--filter", "init_scale=1"]) == Self.idsBefore)
        #expect(try list(["--filter", "metric.test_mse<1e9"]) == Self.idsBefore)
        #expect(try list(["--filter", "lr>0.01"]) == [])
        let typo = try HostileInputTests.run(["runs", "list", "--db", "r.sqlite", "--filter", "wdth=8"], in: dir)
        #expect(typo.status != 0 && typo.stderr.contains("did you mean 'width'"), "\(typo.stderr)")

        // A note with a terminal escape and a spreadsheet formula: shown, not executed.
        let note = "=HYPERLINK(\"http://x\")\u{1B}]0;owned\u{07} second"
        #expect(try HostileInputTests.run(["runs", "note", "--db", "r.sqlite", id, note], in: dir).status == 0)
        let show = try HostileInputTests.run(["runs", "show", "--db", "r.sqlite", id], in: dir)
        #expect(show.stdout.contains("note =HYPERLINK(\"http://x\")\\u{1B}]0;owned\\u{7} second") && show.stdout.contains("tags baseline, keep, lr-scan"),
                "\(show.stdout)")
        let table = try HostileInputTests.run(["runs", "list", "--db", "r.sqlite"], in: dir)
        #expect(table.status == 0 && table.stdout.split(separator: "\n")[0].split(separator: " ").suffix(2) == ["tags", "note"], "\(table.stdout)")
        #expect(!table.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" } && !show.stdout.unicodeScalars.contains { $0 == "\u{1B}" })
        #expect(try list(["--filter", "note=" + note]) == [id])
        // An empty note clears it.
        #expect(try HostileInputTests.run(["runs", "note", "--db", "r.sqlite", id, ""], in: dir).status == 0)
        #expect(try !HostileInputTests.run(["runs", "show", "--db", "r.sqlite", id], in: dir).stdout.contains("note "))
    }

    /// Item 12: one row per run with every resolved parameter, status, seed and final metrics as
    /// columns, and the curves, as CSV (no formulas), JSON lines and npz.
    @Test func runsExportWritesOneRowPerRunWithEveryResolvedParameterInEachFormat() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.spec().write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        #expect(try HostileInputTests.run(["run", "spec.yaml", "--db", "r.sqlite"], in: dir).status == 0)
        #expect(try HostileInputTests.run(["runs", "note", "--db", "r.sqlite", Self.idsBefore[0], "=1+2"], in: dir).status == 0)
        #expect(try HostileInputTests.run(["runs", "tag", "--db", "r.sqlite", Self.idsBefore[0], "@risk"], in: dir).status == 0)

        for format in ["csv", "jsonl", "npz"] {
            let r = try HostileInputTests.run(["runs", "export", "--db", "r.sqlite", "--format", format, "--out", format], in: dir)
            #expect(r.status == 0 && r.stdout.contains("wrote \(format)/runs.\(format)") && r.stdout.contains("wrote \(format)/curves.\(format)"),
                    "\(r.stdout)\(r.stderr)")
        }
        // CSV: one row per run; parameters the spec never wrote are columns with their values.
        let csv = try String(contentsOfFile: dir + "/csv/runs.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let columns = csv[0].split(separator: ",").map(String.init)
        #expect(csv.count == 5)
        for c in ["id", "seed", "status", "tags", "note", "optimizer.weight_decay", "training.batch_size", "model.options.init_scale",
                  "data.options.noise", "model.options.width", "metric.test_mse"] {
            #expect(columns.contains(c), "no column \(c) in \(columns)")
        }
        let first = csv.first { $0.hasPrefix(Self.idsBefore[0] + ",") } ?? ""
        func cell(_ line: String, _ column: String) -> String {
            // No quoted commas in these rows' cells before the config column.
            String(line.split(separator: ",", omittingEmptySubsequences: false)[columns.firstIndex(of: column)!])
        }
        // Text a spreadsheet would evaluate is prefixed with ' (OWASP); numbers stay numbers.
        #expect(cell(first, "note") == "'=1+2" && cell(first, "tags") == "'@risk", "\(first)")
        #expect(cell(first, "status") == "done" && cell(first, "seed") == "0" && Double(cell(first, "metric.test_mse")) != nil)
        #expect(try String(contentsOfFile: dir + "/csv/curves.csv", encoding: .utf8).hasPrefix("run_id,step,split,metric,value\n"))

        // JSON lines: numbers as numbers.
        let jsonl = try String(contentsOfFile: dir + "/jsonl/runs.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(jsonl.count == 4)
        let row = try JSONSerialization.jsonObject(with: Data(jsonl[0].utf8)) as? [String: Any] ?? [:]
        #expect(row["training.batch_size"] as? Int == 0 && row["optimizer.weight_decay"] as? Double == 0 && row["model.options.init_scale"] as? Int == 1,
                "\(row)")
        #expect(row["note"] as? String == "=1+2" && row["status"] as? String == "done")

        // npz: a zip of one .npy per column (python/tests load it).
        let npz = try Data(contentsOf: URL(fileURLWithPath: dir + "/npz/runs.npz"))
        #expect(npz.prefix(2) == Data("PK".utf8) && npz.range(of: Data("optimizer.weight_decay.npy".utf8)) != nil)

        // The selection flags of runs list apply.
        let some = try HostileInputTests.run(["runs", "export", "--db", "r.sqlite", "--format", "jsonl", "--out", "sel", "--filter", "seed=1"], in: dir)
        #expect(some.status == 0)
        #expect(try String(contentsOfFile: dir + "/sel/runs.jsonl", encoding: .utf8).split(separator: "\n").count == 2)
        // The older spelling still works.
        #expect(try HostileInputTests.run(["runs", "export", "--db", "r.sqlite", "--csv", "legacy"], in: dir).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/legacy/metrics.csv"))
    }
}
