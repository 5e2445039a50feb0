import Foundation
import SymLabExperiments
import SymLabNumerics
import SymLabTraining

extension PaperFigure {
    /// The paper figures whose experiments (those of its default specs, or of one of its scales)
    /// are all in `store`: a report of a figure's database draws the figure too.
    public static func present(in store: ResultsStore) throws -> [PaperFigure] {
        let names = Set(try store.runs().map(\.experiment))
        return try all.filter { f in
            try ([nil] + f.scales).contains { scale in
                let e = try f.specs(scale: scale).map(\.name)
                return !e.isEmpty && e.allSatisfy(names.contains)
            }
        }
    }

    /// Draws each figure into `directory` (PNG, SVG, CSV, gnuplot script) and writes the HTML
    /// report of `store` there with the figures and their summaries first (`symlab report`).
    /// A figure that cannot be built (its runs unfinished, say) or drawn is a warning: the rest
    /// of the report is still written.
    @discardableResult
    public static func writeReport(of figures: [PaperFigure], store: ResultsStore, to directory: String, title: String,
                                   specsDirectory: String? = nil) throws -> (report: HTMLReport.Output, warnings: [String]) {
        var built: [Built] = [], warnings: [String] = []
        for figure in figures {
            do {
                let (plot, summary) = try figure.build(store)
                built.append(Built(figure: figure, plot: plot, summary: summary))
            } catch {
                warnings.append("\(figure.name): \(error)")
            }
        }
        let written = try write(built, store: store, to: directory, title: title, specsDirectory: specsDirectory)
        return (written.report, warnings + written.notDrawn.map { "\($0.figure): \($0.error)" } + written.report.warnings)
    }

    /// What `symlab figure NAME` wrote.
    public struct Reproduction {
        /// The text of summary.txt.
        public let summary: String
        /// The plot's files; nil when it could not be drawn (see `drawError`).
        public let plot: Gnuplot.Output?
        public let drawError: Error?
        public let report: HTMLReport.Output
        /// The output directory and the results database in it.
        public let directory: String
        public let database: String
        /// How the figure's sweep ended (nil for a computed figure): the plot and summary are
        /// drawn from what finished, and the command's exit status says whether that was all.
        public let sweep: SweepRunner.Summary?
    }

    /// `symlab figure NAME`: runs the figure's specs (with `overrides`, see ``plan(overrides:scale:)``;
    /// those of `scale` when given, see ``scales``) into `directory`/results.sqlite, then writes the
    /// summary (summary.txt), the plot and its data, and the HTML report with this figure first.
    /// Runs already done are skipped.
    /// `notes` receives the specs' notes (keys read under another spelling, …) once they are
    /// parsed, before anything runs.
    public func reproduce(overrides: [String], scale: String? = nil, edited: String? = nil, in directory: String,
                          workers: SweepRunner.Workers, notes: ([String]) -> Void = { _ in }) throws -> Reproduction {
        let planned = try plan(overrides: overrides, scale: scale, edited: edited)
        notes(planned.flatMap(\.spec.notes))
        let described = try self.described()
        try FileManager.default.createDirectory(atPath: directory + "/specs", withIntermediateDirectories: true)
        let store = try ResultsStore(path: directory + "/results.sqlite")
        let started = Date()
        for (file, spec) in planned {
            try file.yaml.write(toFile: directory + "/specs/\(spec.name).yaml", atomically: true, encoding: .utf8)
        }
        let sweep = planned.isEmpty ? nil : try SweepRunner.run(planned.map { $0.spec }, store: store, workers: workers)
        let (plot, text) = try build(store)
        let elapsed = Date().timeIntervalSince(started)
        let summary = """
            \(described.title)
            \(described.about)
            \(scale.map { "scale: \($0) (the specs of \(folder($0))/)\n" } ?? "")\(edited.map { "edited specs: \(UntrustedText.oneLine($0)) (\(planned.map(\.file.name).joined(separator: ", ")))\n" } ?? "")overrides: \(overrides.isEmpty ? "none" : overrides.joined(separator: " "))
            \(runsExperiments ? "specs: \(directory)/specs/*.yaml (print them with `symlab figure \(name)\(scale.map { " --scale \($0)" } ?? "") --print-specs`)" : "specs: none (computed from the library, no training runs)")
            wall time: \(NumberFormat.fixed(elapsed, 0)) s\(runsExperiments ? " with \(workers.count) worker(s)" : "")

            """ + text + "\n"
        try summary.write(toFile: directory + "/summary.txt", atomically: true, encoding: .utf8)
        let written = try Self.write([Built(figure: self, plot: plot, summary: summary)], store: store, to: directory, title: described.title,
                                     specsDirectory: directory + "/specs")
        return Reproduction(summary: summary, plot: written.drawn.first, drawError: written.notDrawn.first?.error,
                            report: written.report, directory: directory, database: store.path, sweep: sweep)
    }

    /// A figure built from its results.
    struct Built {
        let figure: PaperFigure
        let plot: Figure
        let summary: String
    }

    /// Draws the built figures and writes the report with them and their summaries first.
    static func write(_ built: [Built], store: ResultsStore, to directory: String, title: String, specsDirectory: String?) throws
        -> (report: HTMLReport.Output, drawn: [Gnuplot.Output], notDrawn: [(figure: String, error: Error)]) {
        var lead: [ReportFigure] = [], drawn: [Gnuplot.Output] = [], notDrawn: [(figure: String, error: Error)] = []
        for b in built {
            do {
                drawn.append(try Gnuplot.render(b.plot, in: directory))
                let described = try b.figure.described()   // its README, shipped beside its specs
                lead.append(ReportFigure(name: b.plot.name, caption: "\(described.title): \(described.about)."))
            } catch {
                notDrawn.append((b.figure.name, error))
            }
        }
        let text = built.map(\.summary)
        let report = try HTMLReport.write(store: store, to: directory, title: title, lead: lead,
                                          summary: text.isEmpty ? nil : text.joined(separator: "\n\n"), specsDirectory: specsDirectory)
        return (report, drawn, notDrawn)
    }
}
