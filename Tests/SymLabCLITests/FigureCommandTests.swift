import Foundation
import SymLabExperiments
import Testing

/// `symlab figure` end to end, run from a directory that is not the package's: the spec files are
/// found in the resource bundle, a printed spec runs as is with `symlab run`, and a targeted
/// override reaches only its spec.
@Suite(.serialized) struct FigureCommandTests {
    /// Runs the built `symlab` in `directory`; returns its exit status and standard output.
    static func symlab(_ args: [String], in directory: String, environment: [String: String] = [:]) throws -> (status: Int32, stdout: String) {
        let p = Process()
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        p.executableURL = URL(fileURLWithPath: SweepResumeTests.executable).standardizedFileURL
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = directory + "/stdout-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, try String(contentsOfFile: out, encoding: .utf8))
    }

    static let tiny = ["seeds=0", "training.steps=2", "training.eval_every=1", "data.n_train=20", "data.n_val=10", "data.n_test=20"]

    @Test func aPrintedSpecRunsAsIsFromAnotherDirectory() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let printed = try Self.symlab(["figure", "kiani-fig1", "--print-spec", "fig1-gnn-control"], in: dir)
        #expect(printed.status == 0 && printed.stdout.hasPrefix("# ") && printed.stdout.contains("name: fig1-gnn-control\n"))
        try printed.stdout.write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        let run = try Self.symlab(["run", "spec.yaml", "--db", "db.sqlite"] + Self.tiny, in: dir)
        #expect(run.status == 0)
        let store = try ResultsStore(path: dir + "/db.sqlite", readOnly: true)
        #expect(try store.statusCounts(experiment: "fig1-gnn-control") == [.done: 1])
        // All specs: one `# ==> figure/spec.yaml <==` line before each file.
        let all = try Self.symlab(["figure", "kiani-fig1", "--print-specs"], in: dir)
        #expect(all.stdout.components(separatedBy: "# ==> kiani-fig1/").count - 1 == 5)
        #expect(all.stdout.contains("# ==> kiani-fig1/fig1-gnn-control.yaml <==\n" + printed.stdout))
    }

    /// A figure whose sweep has a failed run still writes its plot, summary and report from the
    /// runs that finished, and exits with the sweep's "some run failed" status (3), as `sweep run`.
    @Test func aFigureWithAFailedRunIsDrawnAndExitsWithTheFailedRunsStatus() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let printed = try Self.symlab(["figure", "kiani-fig1", "--print-specs"] + Self.tiny, in: dir)
        try printed.stdout.write(toFile: dir + "/all.yaml", atomically: true, encoding: .utf8)
        let failing = try #require(try ExperimentSpec.loadAll(path: dir + "/all.yaml").first?.runs.first?.id)
        let r = try Self.symlab(["figure", "kiani-fig1", "--out", "fig", "--workers", "1"] + Self.tiny, in: dir,
                                environment: [SweepRunner.failRunsVariable: failing])
        #expect(r.status == 3, "exit \(r.status)")
        #expect(FileManager.default.fileExists(atPath: dir + "/fig/summary.txt") && FileManager.default.fileExists(atPath: dir + "/fig/index.html"))
        let store = try ResultsStore(path: dir + "/fig/results.sqlite", readOnly: true)
        #expect(try store.runs().filter { $0.status == .failed }.map(\.id) == [failing])
        // Without the fault the failed run is not retried by `figure` (its status stays), so the status stays 3.
        let again = try Self.symlab(["figure", "kiani-fig1", "--out", "fig", "--workers", "1"] + Self.tiny, in: dir)
        #expect(again.status == 3, "exit \(again.status)")
    }

    @Test func aTargetedOverrideReachesOnlyItsSpec() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.symlab(["figure", "kiani-fig1", "--out", "fig", "--workers", "1", "fig1-cnn-hard:training.steps=3"] + Self.tiny, in: dir)
        #expect(r.status == 0)
        let summary = try String(contentsOfFile: dir + "/fig/summary.txt", encoding: .utf8)
        #expect(summary.hasPrefix("Kiani et al. Fig. 1") && summary.contains("overrides: fig1-cnn-hard:training.steps=3 seeds=0"))
        #expect(summary.contains("Sizes: graphs of n = 16 nodes"))
        let store = try ResultsStore(path: dir + "/fig/results.sqlite", readOnly: true)
        for run in try store.runs() {
            let config = try RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "db")
            #expect(config.kind.training?.training.steps == (run.experiment == "fig1-cnn-hard" ? 3 : 2), "\(run.experiment)")
        }
        #expect(Set(try store.runs().map(\.experiment)).count == 5)
        // A target the figure does not have stops before any work.
        let bad = try Self.symlab(["figure", "kiani-fig1", "--out", "bad", "fig1-cnn-hrad:training.steps=3"], in: dir)
        #expect(bad.status != 0 && !FileManager.default.fileExists(atPath: dir + "/bad"))
    }

    /// `--specs PATH` redraws a figure from edited specs (issue 28, item 9): the printed specs,
    /// edited, run and are drawn as the figure; a spec whose name the figure does not read is refused
    /// before any work.
    @Test func editedSpecsRedrawTheFigure() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let printed = try Self.symlab(["figure", "kiani-fig1", "--print-specs"] + Self.tiny, in: dir)
        #expect(printed.status == 0)
        // The edit: the hard CNN trains 3 steps instead of 2.
        let edited = printed.stdout.components(separatedBy: "--- # ==> ").map { document in
            document.hasPrefix("kiani-fig1/fig1-cnn-hard.yaml") ? document.replacingOccurrences(of: #""steps":2"#, with: #""steps":3"#) : document
        }.joined(separator: "--- # ==> ")
        #expect(edited != printed.stdout)
        try edited.write(toFile: dir + "/edited.yaml", atomically: true, encoding: .utf8)
        let r = try Self.symlab(["figure", "kiani-fig1", "--specs", "edited.yaml", "--workers", "1"], in: dir)
        #expect(r.status == 0)
        let summary = try String(contentsOfFile: dir + "/results/kiani-fig1-edited/summary.txt", encoding: .utf8)
        #expect(summary.contains("edited specs: edited.yaml ("), "\(summary)")
        #expect(FileManager.default.fileExists(atPath: dir + "/results/kiani-fig1-edited/kiani-fig1.png"))
        let store = try ResultsStore(path: dir + "/results/kiani-fig1-edited/results.sqlite", readOnly: true)
        let runs = try store.runs()
        #expect(Set(runs.map(\.experiment)).count == 5)
        for run in runs {
            let config = try RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "db")
            #expect(config.kind.training?.training.steps == (run.experiment == "fig1-cnn-hard" ? 3 : 2), "\(run.experiment)")
        }
        // A spec the figure's builder does not read is refused, naming it, before any work.
        try "name: fig1-cnn-hrad\n".write(toFile: dir + "/other.yaml", atomically: true, encoding: .utf8)
        let bad = try HostileInputTests.run(["figure", "kiani-fig1", "--specs", "other.yaml", "--out", "bad"], in: dir)
        #expect(bad.status == 1 && bad.stderr.contains("'fig1-cnn-hrad' is not a spec of figure kiani-fig1 (did you mean 'fig1-cnn-hard'?)"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad"))
    }

    /// A computed figure (nothing to train): no specs to print, no overrides; its data, plot and
    /// summary are written all the same.
    @Test func aComputedFigureWritesItsDataPlotAndSummaryWithoutRuns() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.symlab(["figure", "kiani-fig2", "--out", "fig"], in: dir)
        #expect(r.status == 0)
        let summary = try String(contentsOfFile: dir + "/fig/summary.txt", encoding: .utf8)
        #expect(summary.hasPrefix("Kiani et al. Fig. 2") && summary.contains("specs: none (computed from the library, no training runs)"))
        #expect(summary.contains("max |output − target| over all 1000 graphs: 0 "))
        for file in ["kiani-fig2.png", "kiani-fig2.svg", "kiani-fig2.gp", "kiani-fig2.csv", "index.html"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/fig/" + file), "\(file)")
        }
        let store = try ResultsStore(path: dir + "/fig/results.sqlite", readOnly: true)
        #expect(try store.runs().isEmpty)
        #expect(try Self.symlab(["figure", "kiani-fig2", "--print-specs"], in: dir).status != 0)
        #expect(try Self.symlab(["figure", "kiani-fig2", "--out", "bad", "seeds=0"], in: dir).status != 0)
    }
}
