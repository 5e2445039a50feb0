import Foundation
import SymLabExperiments
import SymLabNumerics
import SymLabTraining

/// A figure drawn before the report is written (a paper figure), shown at the top of it. Its
/// files are `NAME.svg`, `.png`, `.csv` and `.gp` in `directory`, relative to the report.
public struct ReportFigure: Sendable {
    public var name: String
    public var directory: String
    public var caption: String
    public init(name: String, directory: String = "", caption: String) {
        self.name = name; self.directory = directory; self.caption = caption
    }
}

/// A static HTML report of a results database: `index.html` with, per experiment, the spec, the
/// environment the runs were computed in, figures (gnuplot SVG shown, PNG, CSV and script
/// linked), a table of final metrics and the runs that diverged or failed with their messages.
///
/// Self-contained: inline CSS, no scripts, no fonts or anything else from the network; the
/// figures are files beside the page (`figures/`), so the directory can be zipped and shared.
/// The whole database is exported as tidy CSV (`export/`) for other tools.
public enum HTMLReport {
    public struct Output: Sendable {
        /// The path of index.html.
        public let index: String
        /// Figures that could not be drawn (gnuplot missing or failing), with the reason; the
        /// page says so in their place and everything else is written.
        public let warnings: [String]
    }

    public enum ReportError: Error, CustomStringConvertible {
        case empty(database: String)
        public var description: String {
            switch self {
            case .empty(let db): "the results database \(db) holds no runs: nothing to report"
            }
        }
    }

    /// Writes the report of every experiment in `store` to `directory`/index.html.
    /// - Parameters:
    ///   - lead: figures drawn beforehand (a paper figure), shown first.
    ///   - summary: text shown under the lead figures (a figure's summary.txt).
    ///   - specsDirectory: where `EXPERIMENT.yaml` spec files are, if anywhere; shown verbatim.
    @discardableResult
    public static func write(store: ResultsStore, to directory: String, title: String, lead: [ReportFigure] = [],
                             summary: String? = nil, specsDirectory: String? = nil) throws -> Output {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let runs = try store.runs()
        // A computed paper figure (no runs) still has its lead figure and summary to show.
        guard !runs.isEmpty || !lead.isEmpty || summary != nil else { throw ReportError.empty(database: store.path) }
        var experiments: [String] = []
        for r in runs where !experiments.contains(r.experiment) { experiments.append(r.experiment) }
        let exported = try CSVExporter.export(store: store, experiment: nil, to: directory + "/export")
            .map { "export/" + ($0 as NSString).lastPathComponent }

        var warnings: [String] = []
        var body: [String] = []
        body.append("<header><h1>\(html(title))</h1>")
        body.append("<p class=meta>Results database <code>\(html(store.path))</code> · \(runs.count) run(s) in \(experiments.count) experiment(s): \(statusText(runs)) · written \(html(ResultsStoreTime.now()))</p>")
        body.append("<p class=meta>Every run as tidy CSV: " + exported.map { "<a href=\"\(attr($0))\">\(html(($0 as NSString).lastPathComponent))</a>" }.joined(separator: " · ") + "</p>")
        body.append("<nav><b>Experiments:</b> " + experiments.map { "<a href=\"#\(anchor($0))\">\(html($0))</a>" }.joined(separator: " · ") + "</nav></header>")

        if !lead.isEmpty || summary != nil {
            body.append("<section id=\"overview\"><h2>Overview</h2>")
            for f in lead { body.append(figureHTML(f)) }
            if let summary { body.append("<h3>Summary</h3><pre class=summary>\(html(summary))</pre>") }
            body.append("</section>")
        }

        for name in experiments {
            let results = try ExperimentResults(store: store, experiment: name)
            let layout = ExperimentLayout(results)
            body.append("<section id=\"\(anchor(name))\"><h2>\(html(name))</h2>")
            body.append("<p class=meta>\(layout.points.count) point(s) × seeds \(html(seedText(layout.seeds))): \(statusText(results.runs))</p>")

            for f in ExperimentFigures.all(results, layout) {
                do {
                    try Gnuplot.render(f.figure, in: directory + "/figures")
                    body.append(figureHTML(ReportFigure(name: f.figure.name, directory: "figures", caption: f.caption)))
                } catch {
                    warnings.append("\(f.figure.name): \(error)")
                    body.append("<p class=error>Figure <code>\(html(f.figure.name))</code> could not be drawn: \(html("\(error)")). Its data and gnuplot script are in <code>figures/</code>.</p>")
                }
            }
            body.append(metricsTable(results, layout))
            body.append(problemsHTML(results, layout))
            body.append(annotationsHTML(results.runs))
            body.append(specHTML(layout, specsDirectory: specsDirectory))
            body.append(environmentHTML(results.runs))
            body.append("</section>")
        }

        let page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(html(title))</title>
            <style>
            \(css)
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            <footer>Written by symlab. Each figure's gnuplot script redraws it from its CSV files: <code>cd figures && gnuplot NAME.gp</code>.</footer>
            </body>
            </html>

            """
        let index = directory + "/index.html"
        try page.write(toFile: index, atomically: true, encoding: .utf8)
        return Output(index: index, warnings: warnings)
    }

    // MARK: - Parts

    static func figureHTML(_ f: ReportFigure) -> String {
        let base = f.directory.isEmpty ? f.name : "\(f.directory)/\(f.name)"
        let links = [("\(base).png", "PNG"), ("\(base).svg", "SVG"), ("\(base).csv", "data (CSV)"), ("\(base).gp", "gnuplot script")]
            .map { "<a href=\"\(attr($0.0))\">\($0.1)</a>" }.joined(separator: " · ")
        return """
            <figure id="fig-\(anchor(f.name))"><a href="\(attr(base)).svg"><img src="\(attr(base)).svg" alt="\(attr(f.caption))"></a>
            <figcaption>\(html(f.caption)) <span class=files>\(links)</span></figcaption></figure>
            """
    }

    /// Final metrics per sweep point: mean ± std over the seeds that finished.
    static func metricsTable(_ results: ExperimentResults, _ layout: ExperimentLayout) -> String {
        let names = Set(results.metrics.values.flatMap(\.keys))
        let first = ["train_mse", "validation_mse", "test_mse", "test_mse_normalized", "test_loss_normalized", "label_variance", "test_label_variance"].filter(names.contains)
        let metrics = first + names.subtracting(first).sorted()
        guard !metrics.isEmpty else { return "<h3>Final metrics</h3><p>No run of this experiment recorded final metrics.</p>" }
        var rows: [String] = []
        let head = layout.varying.map { "<th>\(html(ExperimentLayout.shortKey($0)))</th>" }.joined() + "<th>runs done</th>"
            + metrics.map { "<th>\(html($0))</th>" }.joined()
        for p in layout.points {
            let done = p.runs.filter { $0.status == .done }.count
            var cells = layout.varying.map { "<td>\(html(p.settings[$0] ?? "—"))</td>" }
            cells.append("<td class=num>\(done) / \(p.runs.count)</td>")
            for m in metrics {
                let f = SeedStatistics.final(results, runs: p.runs, m)
                cells.append(f.count == 0 ? "<td class=num>—</td>"
                             : "<td class=num>\(NumberFormat.significant(f.mean, 4))\(f.count > 1 && f.std > 0 ? " ± \(NumberFormat.significant(f.std, 2))" : "")</td>")
            }
            rows.append("<tr>" + cells.joined() + "</tr>")
        }
        return """
            <h3>Final metrics</h3>
            <p class=note>Mean ± std (population) over the seeds that finished; diverged and failed runs are not averaged in.</p>
            <div class=scroll><table><thead><tr>\(head)</tr></thead><tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table></div>
            """
    }

    /// The runs that diverged, failed or were interrupted, with their messages; and how many
    /// are not finished yet.
    static func problemsHTML(_ results: ExperimentResults, _ layout: ExperimentLayout) -> String {
        let bad = results.runs.filter { [.diverged, .failed, .interrupted].contains($0.status) }
        let pending = results.runs.filter { $0.status == .queued || $0.status == .running }.count
        let pointLabel = Dictionary(layout.points.map { ($0.id, layout.label($0)) }, uniquingKeysWith: { a, _ in a })
        var out = "<h3>Diverged and failed runs</h3>"
        if bad.isEmpty {
            out += "<p>None: every run that ended, ended normally.</p>"
        } else {
            out += "<div class=scroll><table class=problems><thead><tr><th>status</th><th>run</th><th>point</th><th>seed</th><th>step</th><th>last finite loss</th><th>message</th></tr></thead><tbody>\n"
            for r in bad {
                let step = r.divergedStep ?? r.stepsCompleted
                out += "<tr class=\"\(r.status.rawValue)\"><td>\(r.status.rawValue)</td><td><code>\(html(r.id))</code></td><td>\(html(pointLabel[r.pointID].map { $0.isEmpty ? "—" : $0 } ?? "—"))</td>"
                    + "<td class=num>\(r.seed)</td><td class=num>\(step.map(String.init) ?? "—")</td><td class=num>\(r.lastFiniteLoss.map { NumberFormat.significant($0, 4) } ?? "—")</td>"
                    + "<td>\(html(r.message ?? ""))</td></tr>\n"
            }
            out += "</tbody></table></div>"
        }
        if pending > 0 { out += "<p class=error>\(pending) run(s) not finished yet (queued or running): this report shows a partial experiment.</p>" }
        return out
    }

    /// The runs someone tagged or wrote a note on (`symlab runs tag`/`runs note`, `tags:`), with
    /// both; nothing when there are none. Notes and tags are untrusted text: escaped.
    static func annotationsHTML(_ runs: [RunRecord]) -> String {
        let annotated = runs.filter { $0.note != nil || !$0.tags.isEmpty }
        guard !annotated.isEmpty else { return "" }
        var out = "<h3>Tags and notes</h3><div class=scroll><table class=problems><thead><tr><th>run</th><th>seed</th><th>tags</th><th>note</th></tr></thead><tbody>\n"
        for r in annotated {
            out += "<tr><td><code>\(html(r.id))</code></td><td class=num>\(r.seed)</td><td>\(html(r.tags.joined(separator: ", ")))</td><td>\(html(r.note ?? ""))</td></tr>\n"
        }
        return out + "</tbody></table></div>"
    }

    /// The spec file when there is one, and always the resolved settings and sweep axes.
    static func specHTML(_ layout: ExperimentLayout, specsDirectory: String?) -> String {
        var out = "<details open><summary><h3>Spec</h3></summary>"
        // The file as written; command-line overrides may have changed what ran, so the
        // resolved settings say where they differ from it.
        var fromFile: [String: String] = [:]
        if let dir = specsDirectory, let text = try? String(contentsOfFile: dir + "/\(layout.experiment).yaml", encoding: .utf8) {
            out += "<p class=note>The spec file <code>\(html(dir))/\(html(layout.experiment)).yaml</code>, before any command-line overrides:</p><pre>\(html(text))</pre>"
            if let tree = try? SpecValue.parse(yaml: text, file: "spec") { fromFile = ExperimentLayout.flatten(tree.removing("sweep").removing("seeds")) }
        }
        out += "<p class=note>The settings every point ran with (as stored with the runs), seeds \(html(seedText(layout.seeds))):</p>"
        out += "<table class=settings><tbody>" + layout.common.map { s in
            let differs = fromFile.isEmpty || fromFile[s.key] == s.value ? "" : " <span class=error>(spec file: \(html(fromFile[s.key] ?? "not set")))</span>"
            return "<tr><th>\(html(s.key))</th><td><code>\(html(s.value))</code>\(differs)</td></tr>"
        }.joined() + "</tbody></table>"
        if !layout.varying.isEmpty {
            out += "<p class=note>Sweep axes (one row per point):</p><div class=scroll><table><thead><tr><th>point</th>"
                + layout.varying.map { "<th>\(html($0))</th>" }.joined() + "</tr></thead><tbody>"
            for p in layout.points {
                out += "<tr><td class=num>\(p.index)</td>" + layout.varying.map { "<td><code>\(html(p.settings[$0] ?? "—"))</code></td>" }.joined() + "</tr>"
            }
            out += "</tbody></table></div>"
        }
        return out + "</details>"
    }

    /// Distinct environments the runs were computed in, with their run counts.
    static func environmentHTML(_ runs: [RunRecord]) -> String {
        var order: [[String]] = [], counts: [[String]: Int] = [:]
        for r in runs where r.startedAt != nil {
            let key = [(r.gitCommit ?? "—") + (r.gitDirty == true ? " (uncommitted changes)" : ""), r.swiftVersion ?? "—", r.blas ?? "—",
                       r.blasThreads.map(String.init) ?? "—", r.precision ?? "—", r.rng ?? "—", r.host ?? "—"]
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        guard !order.isEmpty else { return "<h3>Environment</h3><p>No run has started.</p>" }
        let rows = order.map { k in "<tr>" + k.map { "<td><code>\(html($0))</code></td>" }.joined() + "<td class=num>\(counts[k]!)</td></tr>" }
        return """
            <h3>Environment</h3>
            <p class=note>Where the runs were computed. Results differ in the last bits with the BLAS thread count and build.</p>
            <div class=scroll><table><thead><tr><th>git commit</th><th>Swift</th><th>BLAS</th><th>BLAS threads</th><th>precision</th><th>RNG</th><th>host</th><th>runs</th></tr></thead><tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table></div>
            """
    }

    static func statusText(_ runs: [RunRecord]) -> String {
        var counts: [RunStatus: Int] = [:]
        for r in runs { counts[r.status, default: 0] += 1 }
        return RunStatus.allCases.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ")
    }

    static func seedText(_ seeds: [Int]) -> String {
        guard let lo = seeds.first, let hi = seeds.last else { return "none" }
        return seeds == Array(lo...hi) && seeds.count > 2 ? "\(lo)…\(hi)" : seeds.map(String.init).joined(separator: ", ")
    }

    // MARK: - HTML text

    /// Text content: escapes the characters HTML gives a meaning.
    public static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// An attribute value (quoted with ").
    static func attr(_ s: String) -> String { html(s) }

    /// An id usable in a URL fragment.
    static func anchor(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    static let css = """
        :root { color-scheme: light; }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1b1b1b; background: #fff;
               max-width: 1240px; margin: 0 auto; padding: 16px 24px 48px; }
        h1 { font-size: 1.6em; margin: 0.2em 0; } h2 { font-size: 1.35em; border-bottom: 2px solid #1f77b4; padding-bottom: 2px; margin-top: 2em; }
        h3 { font-size: 1.08em; margin: 1.2em 0 0.4em; display: inline-block; }
        .meta, .note { color: #555; margin: 0.3em 0; } nav { margin: 0.6em 0; }
        a { color: #1f5fa0; } code, pre { font: 13px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
        pre { background: #f6f7f9; border: 1px solid #e1e4e8; padding: 8px 10px; overflow: auto; max-height: 32em; }
        pre.summary { white-space: pre-wrap; max-height: none; }
        figure { margin: 1em 0 1.6em; } figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e1e4e8; }
        figcaption { color: #333; margin-top: 4px; } .files { white-space: nowrap; margin-left: 0.5em; font-size: 0.92em; }
        .scroll { overflow-x: auto; } table { border-collapse: collapse; margin: 0.3em 0 0.8em; font-size: 13.5px; }
        th, td { border: 1px solid #d6d9de; padding: 3px 8px; text-align: left; vertical-align: top; } thead th { background: #f0f2f5; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.settings th { font-weight: normal; color: #444; background: #fafbfc; }
        tr.diverged td:first-child, tr.failed td:first-child { color: #b00020; font-weight: 600; } tr.interrupted td:first-child { color: #a15c00; }
        .error { color: #b00020; } summary { cursor: pointer; } summary h3 { margin: 0.8em 0 0.3em; }
        footer { margin-top: 3em; color: #666; font-size: 0.9em; }
        """
}

/// ISO 8601 time for "written at".
enum ResultsStoreTime {
    static func now() -> String { UTCTimestamp.now() }
}
