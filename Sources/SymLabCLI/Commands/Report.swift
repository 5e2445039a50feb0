import ArgumentParser
import Foundation
import SymLabExperiments
import SymLabReport
import SymLabTraining

extension SymLab {
    /// `symlab report DB [--out DIR]`: the HTML report of a results database.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write a self-contained HTML report of a results database: per experiment the spec, environment, figures (SVG/PNG with CSV and gnuplot script), final metrics and the runs that diverged or failed.",
            discussion: """
                The report is DIR/index.html with its figures in DIR/figures and the database as CSV in DIR/export; \
                it needs no network to view. When the database holds every experiment of a paper figure \
                (`symlab figure NAME`), that figure and its summary are drawn first. \
                With --check the report is opened in headless Chromium, a screenshot is taken (DIR/screenshot.png) \
                and every figure is checked to be drawn with a non-zero size, the page to load without errors, and \
                every figure to be readable: no legend over a panel's plot area, no text clipped at the figure's edge, \
                no text (tick labels, titles) drawn over other text. It prints what it measured for each figure.
                """)

        @Argument(help: "The results database (e.g. results/kiani-fig1/results.sqlite).") var db: String
        @Option(help: "Output directory (default: a 'report' directory beside the database).") var out: String?
        @Option(help: "Title of the report (default: 'SymmetryLab report:' and the database's directory name).") var title: String?
        @Flag(help: "Open the written report in headless Chromium and check that it loads with every figure readable.") var check = false

        func run() throws {
            // Read-only: a missing path, a directory or a damaged file is refused by the store,
            // naming it, before the report directory is made.
            let store = try ResultsStore(path: db, readOnly: true)
            let dbDir = (db as NSString).deletingLastPathComponent
            let dir = out ?? ((dbDir.isEmpty ? "." : dbDir) + "/report")
            let specs = (dbDir.isEmpty ? "." : dbDir) + "/specs"
            let folder = (((dbDir.isEmpty ? FileManager.default.currentDirectoryPath : dbDir) as NSString).standardizingPath as NSString).lastPathComponent
            let written: (report: HTMLReport.Output, warnings: [String])
            do {
                written = try PaperFigure.writeReport(of: try PaperFigure.present(in: store), store: store, to: dir, title: title ?? "SymmetryLab report: \(folder)",
                                                      specsDirectory: FileManager.default.fileExists(atPath: specs) ? specs : nil)
            } catch let e as HTMLReport.ReportError { throw CommandFailure("\(e)") }
            print("report: \(written.report.index)")
            for w in written.warnings { writeToStandardError("symlab: figure not drawn: \(w)\n") }
            if check {
                let result: BrowserCheck.Result
                do { result = try BrowserCheck.check(page: written.report.index, screenshot: dir + "/screenshot.png") }
                catch { throw CommandFailure("browser check: \(error)") }
                print("browser check: \(result.elements.count) figure(s) drawn, screenshot \(result.screenshot)"
                      + (result.screenshotSize.map { " (\($0.width)×\($0.height))" } ?? ""))
                for f in result.figures { print("  \(f.summary)") }
                for p in result.problems { writeToStandardError("symlab: browser check: \(p)\n") }
                if !result.problems.isEmpty { throw CommandFailure("the report did not load cleanly: \(result.problems.count) problem(s)") }
            }
            if !written.warnings.isEmpty { throw CommandFailure("\(written.warnings.count) figure(s) could not be drawn; the rest of the report is written") }
        }
    }
}
