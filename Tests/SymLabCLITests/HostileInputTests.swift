import Foundation
import SymLabExperiments
import SymLabTraining
import Testing

/// Specs and results databases are shared between people: each test feeds the `symlab`
/// executable something a hostile or careless author could write (issue 24's rows 1–3, 10, 12,
/// 14, 15, 17, 18) and checks that it ends in a clear error or in correct output, and that
/// nothing it carries runs as a command.
@Suite(.serialized) struct HostileInputTests {
    static let marker = "symlab-injected-marker"

    /// A small valid spec; `extra` lines are appended.
    static func spec(name: String = "hostile", _ extra: String = "") -> String {
        """
        name: \(name)
        data: {class: sparse-parity, options: {n: 6, k: 2}, n_train: 40, n_test: 20}
        model: {name: mlp, options: {width: 8}}
        optimizer: {name: adam, lr: 0.01}
        training: {steps: 4, eval_every: 2}
        seeds: 0
        \(extra)
        """
    }

    /// Runs `symlab args` in `directory`, returning the exit status, standard output and error,
    /// and the child's CPU seconds and peak resident memory. GNU time measures them (it forks a
    /// small copy of itself, so the peak is symlab's own: a child spawned straight from this test
    /// process would inherit the test process's peak through the kernel's accounting at exec).
    static func run(_ args: [String], in directory: String) throws -> (status: Int32, stdout: String, stderr: String, cpu: Double, maxRSSBytes: Int) {
        let stats = directory + "/.time-\(UUID().uuidString)", out = stats + ".out", err = stats + ".err"
        defer { for f in [stats, out, err] { try? FileManager.default.removeItem(atPath: f) } }
        for f in [out, err] { FileManager.default.createFile(atPath: f, contents: nil) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        p.arguments = ["-f", "%U %S %M", "-o", stats, SweepResumeTests.executable] + args
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        p.standardOutput = FileHandle(forWritingAtPath: out)
        p.standardError = FileHandle(forWritingAtPath: err)
        try p.run()
        p.waitUntilExit()
        let fields = ((try? String(contentsOfFile: stats, encoding: .utf8)) ?? "").split(whereSeparator: \.isWhitespace).suffix(3).compactMap { Double($0) }
        return (p.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", (try? String(contentsOfFile: err, encoding: .utf8)) ?? "",
                fields.count == 3 ? fields[0] + fields[1] : .infinity, fields.count == 3 ? Int(fields[2]) * 1024 : .max)
    }

    static func files(under dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []).sorted()
    }

    // MARK: - Row 1: text that reaches gnuplot

    /// A sweep value with a line break and a gnuplot `system(…)` command, through `symlab run`
    /// (its figures) and `symlab report`: the command never runs, the legend shows the text.
    @Test func sweepValueWithANewlineRunsNoCommandInGnuplot() throws {
        let dir = SweepResumeTests.tempDir()
        let payloads = ["a\\nsystem(\\\"touch \(Self.marker)\\\")\\nb", "c\\r\\nsystem('touch \(Self.marker)') #\\\\"]
        let text = Self.spec("sweep: {product: {data.n_train: [20, 40], description: [\"\(payloads[0])\", \"\(payloads[1])\"]}}")
        try text.write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        let run = try Self.run(["run", "spec.yaml", "--db", "r/results.sqlite"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try Self.run(["report", "r/results.sqlite", "--out", "report"], in: dir)
        #expect(report.status == 0, "\(report.stderr)")
        let all = Self.files(under: dir)
        #expect(!all.contains { $0.hasSuffix(Self.marker) }, "an injected command ran: \(all.filter { $0.hasSuffix(Self.marker) })")
        let scripts = all.filter { $0.hasSuffix(".gp") }
        #expect(!scripts.isEmpty)
        for s in scripts {
            let script = try String(contentsOfFile: dir + "/" + s, encoding: .utf8)
            // The injected command is in the script only inside a quoted title, never on a line of its own.
            for line in script.split(separator: "\n") where line.contains("system(") {
                #expect(line.contains("title '") || line.contains("set title") || line.hasPrefix("#"), "\(s): \(line)")
            }
        }
    }

    /// The same from a crafted database: a metric name and a run message with line breaks.
    @Test func databaseTextWithANewlineRunsNoCommandInGnuplot() throws {
        let dir = SweepResumeTests.tempDir()
        try Self.spec().write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        let spec = try ExperimentSpec.load(path: dir + "/spec.yaml")
        let store = try ResultsStore(path: dir + "/crafted.sqlite")
        try store.enqueue(spec.runs)
        let run = try #require(try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)))
        let hostile = "x\nsystem(\"touch \(Self.marker)\")\n"
        try store.appendCurves(runID: run.id, [CurvePoint(step: 0, split: "test", metric: hostile, value: 1),
                                               CurvePoint(step: 2, split: "test", metric: hostile, value: 0.5),
                                               CurvePoint(step: 0, split: "train", metric: "mse", value: 1),
                                               CurvePoint(step: 2, split: "train", metric: "mse", value: 0.5)], stepsCompleted: 2)
        try store.finish(runID: run.id, status: .done, message: hostile, metrics: [hostile: 1, "test_mse": 0.5],
                         stepsCompleted: 2, divergedStep: nil, lastFiniteLoss: nil)
        let report = try Self.run(["report", "crafted.sqlite", "--out", "report"], in: dir)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(!Self.files(under: dir).contains { $0.hasSuffix(Self.marker) }, "an injected command ran")
        let page = try String(contentsOfFile: dir + "/report/index.html", encoding: .utf8)
        #expect(!page.contains("<script") || !page.contains("system(\"touch"))
    }

    // MARK: - Row 2: alias bombs

    /// "Billion laughs": nine levels of nine aliases. Refused with a clear error, quickly and
    /// in little memory (before: more than 3 GB and no answer). CPU time and peak memory are the
    /// child's own (rusage), so a loaded machine does not change them.
    @Test func aliasBombIsRefusedQuicklyInLittleMemory() throws {
        let dir = SweepResumeTests.tempDir()
        var lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
        for k in 1...9 { lines.append("l\(k): &l\(k) [" + Array(repeating: "*l\(k - 1)", count: 9).joined(separator: ", ") + "]") }
        for (file, last) in [("value.yaml", "description: *l9"), ("key.yaml", "? *l9\n: x")] {
            try (lines + [last]).joined(separator: "\n").appending("\n" + Self.spec(name: "bomb")).write(toFile: dir + "/" + file, atomically: true, encoding: .utf8)
            let r = try Self.run(["run", file, "--db", "r.sqlite"], in: dir)
            #expect(r.status == 1, "\(file): status \(r.status), \(r.stderr)")
            #expect(r.stderr.contains(file) && r.stderr.contains("anchors") && r.stderr.contains("line 1"), "\(r.stderr)")
            #expect(r.cpu < 2, "\(file): \(r.cpu) CPU s")
            #expect(r.maxRSSBytes < 200 << 20, "\(file): \(r.maxRSSBytes >> 20) MiB")
        }
        // A harmless alias is refused too, by name.
        try (Self.spec(name: "&n aliased") + "\ndescription: *n").write(toFile: dir + "/harmless.yaml", atomically: true, encoding: .utf8)
        let r = try Self.run(["run", "harmless.yaml", "--db", "r.sqlite"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("anchors (&name) are not allowed"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
    }

    // MARK: - Row 3: deep key paths

    @Test func anOverrideOfFortyThousandComponentsIsAClearError() throws {
        let dir = SweepResumeTests.tempDir()
        try Self.spec().write(toFile: dir + "/one.yaml", atomically: true, encoding: .utf8)
        let deep = String(repeating: "a.", count: 40_000) + "a=1"
        let r = try Self.run(["run", "one.yaml", deep, "--db", "r.sqlite"], in: dir)
        #expect(r.status == 1, "status \(r.status) (139 is the old SIGSEGV)")
        #expect(r.stderr.contains("one.yaml") && r.stderr.contains("40001 components") && r.stderr.contains("at most \(SpecLimits.maxDepth)"), "\(r.stderr.prefix(600))")
        // Nested YAML deeper than the cap, in the file itself.
        try (Self.spec() + "\nx: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000))
            .write(toFile: dir + "/nested.yaml", atomically: true, encoding: .utf8)
        let n = try Self.run(["run", "nested.yaml", "--db", "r.sqlite"], in: dir)
        #expect(n.status == 1 && n.stderr.contains("nested") && n.stderr.contains("nested.yaml"), "\(n.stderr.prefix(600))")
    }

    // MARK: - Row 10: names that are paths

    @Test func namesOfDotsOrStartingWithADotAreRefused() throws {
        let dir = SweepResumeTests.tempDir()
        for name in ["..", ".", "...", ".hidden", "'" + String(repeating: "n", count: 101) + "'"] {
            try Self.spec(name: name).write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
            for command in [["run", "spec.yaml"], ["sweep", "run", "spec.yaml"], ["sweep", "submit", "spec.yaml", "--slurm"]] {
                let r = try Self.run(command, in: dir)
                #expect(r.status == 1 && r.stderr.contains("key 'name'") && r.stderr.contains("does not start with '.'"), "\(name) \(command): \(r.stderr)")
            }
        }
        #expect(Self.files(under: dir) == ["spec.yaml"], "\(Self.files(under: dir))")
    }

    // MARK: - Row 12: an override the sweep would overwrite

    @Test func anOverrideOfASweptKeyIsAnErrorNamingBoth() throws {
        let dir = SweepResumeTests.tempDir()
        try Self.spec("sweep: {product: {model.options.width: [8, 16]}}").write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        for o in ["model.options.width=512", "model.options={width: 512}", "model={name: mlp, options: {width: 512}}"] {
            let r = try Self.run(["run", "spec.yaml", o, "--db", "r.sqlite"], in: dir)
            #expect(r.status == 1 && r.stderr.contains("sweep.product.model.options.width") && r.stderr.contains("'\(o)'"), "\(o): \(r.stderr)")
        }
        // Overrides of other keys, and of the sweep itself, still work.
        let ok = try Self.run(["run", "spec.yaml", "model.options.depth=2", "sweep={product: {model.options.width: [4]}}", "--db", "r.sqlite"], in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    // MARK: - Row 14: control characters on the terminal

    @Test func controlCharactersInAnErrorAreShownEscaped() throws {
        let dir = SweepResumeTests.tempDir()
        try Self.spec(name: "\"a\\e[2Jb\\e]0;pwned\\u0007c\\u0000d\"").write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        let r = try Self.run(["run", "spec.yaml"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("key 'name'"), "\(r.stderr)")
        #expect(!r.stderr.unicodeScalars.contains { UntrustedText.isControl($0) && $0 != "\n" }, "raw control characters on the terminal: \(r.stderr.debugDescription)")
        #expect(r.stderr.contains("\\u{1B}[2J") && r.stderr.contains("\\u{7}"), "\(r.stderr)")
    }

    // MARK: - Row 15: sizes

    @Test func oversizedStringsAndFilesAreRefusedBeforeAnythingIsStored() throws {
        let dir = SweepResumeTests.tempDir()
        try Self.spec("description: " + String(repeating: "x", count: SpecLimits.maxStringLength + 1)).write(toFile: dir + "/long.yaml", atomically: true, encoding: .utf8)
        let long = try Self.run(["run", "long.yaml", "--db", "r.sqlite"], in: dir)
        #expect(long.status == 1 && long.stderr.contains("long.yaml") && long.stderr.contains("at most \(SpecLimits.maxStringLength)"), "\(long.stderr.prefix(400))")
        // A 3 MB sweep list: refused by the file cap before it is parsed.
        let values = Array(repeating: "1", count: 1_500_000).joined(separator: ",")
        try Self.spec("sweep: {product: {optimizer.lr: [\(values)]}}").write(toFile: dir + "/huge.yaml", atomically: true, encoding: .utf8)
        let huge = try Self.run(["run", "huge.yaml", "--db", "r.sqlite"], in: dir)
        #expect(huge.status == 1 && huge.stderr.contains("huge.yaml") && huge.stderr.contains("1 MiB"), "\(huge.stderr.prefix(400))")
        #expect(huge.cpu < 2 && huge.maxRSSBytes < 200 << 20, "\(huge.cpu) s, \(huge.maxRSSBytes >> 20) MiB")
        let override = try Self.run(["run", "long.yaml", "description=" + String(repeating: "y", count: SpecLimits.maxStringLength + 1), "--db", "r.sqlite"], in: dir)
        #expect(override.status == 1 && override.stderr.contains("at most \(SpecLimits.maxStringLength)"), "\(override.stderr.prefix(400))")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
    }

    // MARK: - Rows 17 and 18: numbers that must not mislead

    @Test func aBoundWhoseMarginIsRoundingIsVacuous() throws {
        let r = try Self.run(["theory", "bounds", "--m", "1e30", "--gamma", "0.0025", "--tau", "0.05"], in: SweepResumeTests.tempDir())
        #expect(r.status == 0 && r.stdout.contains("bound: vacuous"), "\(r.stdout)\(r.stderr)")
    }

    @Test func describeAcceptsCorrectSamplesOfHighDegreeLinks() throws {
        for cls in ["single-index", "spiked-covariance"] {
            let r = try Self.run(["data", "describe", cls, "--seed", "3", "--samples", "3000", "--option", "d=8", "--option", "exponent=3", "--option", "degree=5"],
                                 in: SweepResumeTests.tempDir())
            #expect(r.status == 0 && !r.stdout.contains("FAIL"), "\(cls): \(r.stdout)\(r.stderr)")
        }
    }

    // MARK: - The fuzzer's rendering check

    /// A short `symlab fuzz`: every input a clear error or a valid spec, and the valid specs that
    /// sweep over text rendered through gnuplot and the HTML report with nothing injected.
    @Test func fuzzedSpecsRenderWithoutInjection() throws {
        let r = try Self.run(["fuzz", "--count", "1500", "--seed", "24"], in: SweepResumeTests.tempDir())
        #expect(r.status == 0, "\(r.stdout)\(r.stderr.suffix(2000))")
        #expect(r.stdout.contains("injected:      0"), "\(r.stdout)")
        let rendered = r.stdout.split(separator: "\n").first { $0.contains("rendered:") }.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
        #expect((rendered ?? 0) >= 3, "\(r.stdout)")
    }
}
