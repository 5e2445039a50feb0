import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabReport
import SymLabTraining
import Testing

/// The HTML report of a small real experiment (tiny specs run through the real runner into a
/// temporary database), checked in headless Chromium: every figure drawn with a non-zero size,
/// no load or console errors, a screenshot at 1280×800.
@Suite(.serialized) struct HTMLReportTests {
    /// A 3-point sweep over the training-set size (so the report also plots final metrics
    /// against it) with 2 seeds, and an experiment with a point whose learning rate diverges.
    static let specs = [
        """
        name: report-sweep
        data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 64, n_val: 16, n_test: 64}
        model: {name: mlp, options: {width: 16}}
        optimizer: {name: adam, lr: 0.01}
        training: {steps: 30, eval_every: 10}
        seeds: [0, 1]
        sweep:
          product: {data.n_train: [8, 64, 512]}
        """,
        """
        name: report-diverges
        data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 64, n_val: 16, n_test: 64}
        model: {name: mlp, options: {width: 16}}
        optimizer: {name: sgd, lr: 0.01}
        training: {steps: 30, eval_every: 10}
        seeds: [0]
        sweep:
          product: {optimizer.lr: [0.01, 100000]}
        """,
    ]

    /// Runs the specs once per test process into a fresh database.
    static let database: Result<String, Error> = Result {
        let dir = NSTemporaryDirectory() + "symlab-report-test-\(UUID().uuidString)"
        let store = try ResultsStore(path: dir + "/results.sqlite")
        let parsed = try Self.specs.enumerated().map { try ExperimentSpec.parse(yaml: $1, file: "spec \($0)") }
        _ = try SweepRunner.run(parsed, store: store, workers: .inProcess, log: { _ in })
        return store.path
    }

    static func store() throws -> ResultsStore { try ResultsStore(path: try database.get()) }

    /// Installs Debian's chromium when missing, with the project's installer (apt-get update
    /// first, each step retried once).
    static func ensureChromium() throws {
        if BrowserCheck.browser() != nil { return }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/ensure-deps.sh").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: script)
        p.arguments = ["chromium"]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "scripts/ensure-deps.sh chromium failed")
    }

    @Test func reportOfARealExperimentLoadsInChromiumWithEveryFigure() throws {
        let store = try Self.store()
        let dir = (store.path as NSString).deletingLastPathComponent + "/report"
        let output = try HTMLReport.write(store: store, to: dir, title: "report test")
        #expect(output.warnings.isEmpty, "\(output.warnings)")
        let page = try String(contentsOfFile: output.index, encoding: .utf8)

        // Curves of both experiments, final metrics against the swept n_train; each figure
        // with its SVG, PNG, CSV and gnuplot script on disk.
        let figures = ["report-sweep-curves", "report-sweep-final", "report-diverges-curves"]
        for name in figures {
            #expect(page.contains("src=\"figures/\(name).svg\""), "\(name) is not in the page")
            for ext in ["svg", "png", "csv", "gp"] {
                let path = dir + "/figures/\(name).\(ext)"
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                #expect(size > 0, "\(path) is missing or empty")
            }
        }
        // The diverged run is listed with its message; the environment names the BLAS threads.
        #expect(page.contains("<tr class=\"diverged\">"))
        let diverged = try #require(try store.runs(experiment: "report-diverges").first { $0.status == .diverged })
        #expect(diverged.status == .diverged)
        let message = try #require(diverged.message), commit = try #require(diverged.gitCommit)
        #expect(page.contains(HTMLReport.html(message)))
        #expect(page.contains("BLAS threads") && page.contains(commit))
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("<script"), "the report must not need the network or scripts")

        try Self.ensureChromium()
        let result = try BrowserCheck.check(page: output.index, screenshot: dir + "/screenshot.png")
        let images = page.components(separatedBy: "<img ").count - 1
        #expect(images == figures.count)
        #expect(result.elements.count == images, "\(result.elements)")
        #expect(result.elements.allSatisfy { $0.tag == "IMG" && $0.width > 100 && $0.height > 100 && $0.naturalWidth > 0 }, "\(result.elements)")
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.screenshotSize?.width == 1280 && result.screenshotSize?.height == 800)
        let shotSize = (try FileManager.default.attributesOfItem(atPath: result.screenshot)[.size] as? Int) ?? 0
        #expect(shotSize > 20_000, "screenshot of \(shotSize) bytes: a blank page?")
    }

    /// The check is not vacuous: a page with a missing image, an image from the network and a
    /// console error fails it.
    @Test func browserCheckReportsAMissingImageAndAConsoleError() throws {
        try Self.ensureChromium()
        let dir = NSTemporaryDirectory() + "symlab-report-broken-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
            <!DOCTYPE html><html><head><title>broken</title></head>
            <body><img src="missing.svg" alt="missing"><img src="https://example.com/figure.png" alt="remote"><script>console.error("deliberate")</script></body></html>
            """.write(toFile: dir + "/index.html", atomically: true, encoding: .utf8)
        let result = try BrowserCheck.check(page: dir + "/index.html", screenshot: dir + "/shot.png")
        #expect(result.emptyElements.count == 2)
        #expect(result.pageErrors.contains { $0.contains("missing.svg") })
        #expect(result.pageErrors.contains { $0.contains("https://example.com/figure.png") })
        #expect(result.pageErrors.contains { $0.contains("deliberate") })
        #expect(result.consoleLines.contains { $0.contains("deliberate") })
    }

    /// The table's numbers are the seeds' mean ± std of the stored final metrics.
    @Test func metricsTableShowsTheMeanOverSeedsAndSpecOverridesAreFlagged() throws {
        let store = try Self.store()
        let results = try ExperimentResults(store: store, experiment: "report-sweep")
        let layout = ExperimentLayout(results)
        #expect(layout.points.count == 3 && layout.seeds == [0, 1])
        #expect(layout.varying == ["data.n_train"] && layout.numericAxis == "data.n_train")
        #expect(layout.common.contains { $0.key == "model.options.width" && $0.value == "16" })
        // A spec file that differs from what ran (as after a command-line override) is flagged.
        let dir = (store.path as NSString).deletingLastPathComponent + "/report-table"
        try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
        try Self.specs[0].replacingOccurrences(of: "steps: 30", with: "steps: 999").write(toFile: dir + "/specs/report-sweep.yaml", atomically: true, encoding: .utf8)
        let page = try String(contentsOfFile: try HTMLReport.write(store: store, to: dir, title: "t", specsDirectory: dir + "/specs").index, encoding: .utf8)
        #expect(page.contains("<th>training.steps</th><td><code>30</code> <span class=error>(spec file: 999)</span>"))
        #expect(page.contains("<th>model.options.width</th><td><code>16</code></td>"))
        for point in layout.points {
            let values = point.runs.compactMap { results.metrics[$0.id]?["test_mse"] }
            #expect(values.count == 2)
            let s = meanAndStd(values)
            #expect(page.contains(String(format: "%.4g", s.mean) + " ± " + String(format: "%.2g", s.std)), "point \(point.index): \(s)")
        }
    }

    /// A planted n* ∝ d²: the loss drops from 1 to 0.1 between n = 2d² and 4d² at every d.
    static func plantedLoss(d: Double, n: Double) -> Double { n < 4 * d * d ? 1 : 0.1 }

    /// The n*(d) panel: thresholds, the fitted line through them and a theory line with its
    /// own slope through the same centre, on log–log axes.
    @Test func sampleComplexitySeriesDrawTheFitAndTheTheorySlope() throws {
        var obs: [SampleComplexity.Observation] = []
        for d in [8.0, 16, 32] { for f in [1.0, 2, 4, 8] { for seed in 0..<3 {
            obs.append(.init(d: d, n: f * d * d, seed: seed, loss: Self.plantedLoss(d: d, n: f * d * d)))
        } } }
        let fit = try #require(SampleComplexity.fitExponent(obs, tau: 0.5, resamples: 50, seed: 0))
        let series = sampleComplexitySeries(fit, theoryExponent: 3)
        #expect(series.count == 3)
        let slope = { (s: Series) in (log(s.y.last!) - log(s.y.first!)) / (log(s.x.last!) - log(s.x.first!)) }
        #expect(abs(slope(series[0]) - 2) < 1e-9)          // measured n*
        #expect(abs(slope(series[1]) - 2) < 1e-9)          // fitted line
        #expect(abs(slope(series[2]) - 3) < 1e-9)          // theory
        #expect(zip(series[0].y, series[1].y).allSatisfy { abs($0 / $1 - 1) < 1e-9 })
        #expect(series[1].title.contains("α = 2"))
    }

    /// The report finds a d × n sweep with a normalised loss and draws n*(d) from it (runs with
    /// planted final metrics, recorded through the store as the runner records them).
    @Test func reportDrawsSampleComplexityOfADByNSweep() throws {
        let store = try ResultsStore(path: NSTemporaryDirectory() + "symlab-report-fit-\(UUID().uuidString)/results.sqlite")
        let spec = try ExperimentSpec.parse(yaml: """
            name: report-fit
            data: {class: single-index, options: {d: 8}, n_train: 64, n_test: 64}
            model: {name: mlp, options: {width: 16}}
            training: {steps: 1}
            seeds: [0, 1]
            sweep:
              product: {data.options.d: [8, 16, 32], data.n_train: [64, 128, 256, 512, 1024, 2048, 4096, 8192]}
            """, file: "fit spec")
        try store.enqueue(spec.runs)
        while let run = try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)) {
            let config = try RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "db")
            let loss = Self.plantedLoss(d: Double(config.dataOptions["d"]!)!, n: Double(config.nTrain))
            try store.finish(runID: run.id, status: .done, message: nil, metrics: ["test_mse_normalized": loss],
                             stepsCompleted: 1, divergedStep: nil, lastFiniteLoss: 1)
        }
        let results = try ExperimentResults(store: store, experiment: "report-fit")
        let figures = ExperimentFigures.sampleComplexity(results, ExperimentLayout(results))
        let panel = try #require(figures.first?.figure.panels.first)
        #expect(panel.logX && panel.logY)
        let fitted = try #require(panel.series.first { $0.title.contains("fit α") })
        #expect(fitted.title.contains("α = 2"), "\(fitted.title)")
        #expect(fitted.x == [8, 16, 32])
        let dir = (store.path as NSString).deletingLastPathComponent + "/report"
        let page = try String(contentsOfFile: try HTMLReport.write(store: store, to: dir, title: "fit").index, encoding: .utf8)
        #expect(page.contains("src=\"figures/report-fit-sample-complexity.svg\""))
    }

    /// A sweep over four axes besides its x axis: each panel's title names the facet axes by their
    /// last key (`noise = 1`), short enough to fit a panel; the figure's title names them in full.
    @Test func facetTitlesNameTheAxesByTheirLastKey() throws {
        let store = try ResultsStore(path: NSTemporaryDirectory() + "symlab-report-facets-\(UUID().uuidString)/results.sqlite")
        let spec = try ExperimentSpec.parse(yaml: """
            name: report-facets
            data: {class: power-law-linear, options: {d: 8}, n_train: 64, n_test: 4}
            scheme: {name: streaming-sgd}
            seeds: [0]
            sweep:
              product: {data.options.spectrum: [power, log-power], data.options.noise: [1, 0.1], scheme.options.schedule: [constant, polynomial, tail-geometric],
                        scheme.options.power: [0.5, 1], data.n_train: [64, 128, 256]}
            """, file: "facet spec")
        try store.enqueue(spec.runs)
        while let run = try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)) {
            try store.finish(runID: run.id, status: .done, message: nil, metrics: ["test_loss_normalized": 0.5],
                             stepsCompleted: 1, divergedStep: nil, lastFiniteLoss: 1)
        }
        let results = try ExperimentResults(store: store, experiment: "report-facets")
        let figure = try #require(ExperimentFigures.finalMetrics(results, ExperimentLayout(results)).first?.figure)
        #expect(figure.panels.count >= 4)
        for panel in figure.panels {
            #expect(!panel.title.contains("data.") && !panel.title.contains("scheme."), "\(panel.title)")
            #expect(panel.title.contains("noise = ") && panel.title.contains("spectrum = "), "\(panel.title)")
        }
        #expect(figure.title.contains("data.noise") || figure.title.contains("data.spectrum"), "\(figure.title)")
    }

    @Test func logAxesOnlyForPositiveQuantitiesSpanningDecades() {
        #expect(ExperimentFigures.spansDecades([1e-4, 0.5, 1]))
        #expect(ExperimentFigures.spansDecades([60, 5, 1]))
        #expect(!ExperimentFigures.spansDecades([0.2, 0.9, 1.1]))
        #expect(!ExperimentFigures.spansDecades([-1, 1e-4, 10]))
        #expect(!ExperimentFigures.spansDecades([0, 1e-4, 10]))
        #expect(ExperimentFigures.spansDecades([8, 64, 512]) && !ExperimentFigures.spansDecades([8, 64, 512], decades: 3))
    }

    /// Tags and notes, untrusted text of a shared database, reach the page escaped (issue 28, item 10).
    @Test func tagsAndNotesAreShownEscaped() throws {
        let store = try Self.store()
        let id = try #require(try store.runs(experiment: "report-sweep").first?.id)
        #expect(try store.addTags(["<b>t</b>"], runID: id) && store.setNote("<script>alert(1)</script> & co", runID: id))
        defer { _ = try? store.removeTags(["<b>t</b>"], runID: id); _ = try? store.setNote(nil, runID: id) }
        let dir = (store.path as NSString).deletingLastPathComponent + "/report-notes"
        let page = try String(contentsOfFile: try HTMLReport.write(store: store, to: dir, title: "t").index, encoding: .utf8)
        #expect(page.contains("<h3>Tags and notes</h3>") && page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")
                && page.contains("&lt;b&gt;t&lt;/b&gt;") && !page.contains("<script>alert"))
    }

    @Test func textIsEscaped() {
        #expect(HTMLReport.html("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
    }

    @Test func anEmptyDatabaseIsAClearError() throws {
        let store = try ResultsStore(path: NSTemporaryDirectory() + "symlab-report-empty-\(UUID().uuidString)/results.sqlite")
        #expect(throws: HTMLReport.ReportError.self) { try HTMLReport.write(store: store, to: NSTemporaryDirectory() + "symlab-report-empty-out", title: "t") }
    }
}
