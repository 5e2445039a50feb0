import Foundation
import SymLabExperiments

extension PaperFigure {
    /// The experiments the figure's specs run (their `name:`).
    public var experiments: [String] {
        specs.compactMap { try? ExperimentSpec.parse(yaml: $0, file: name).name }
    }

    /// The paper figures whose experiments are all in `store`: a report of a figure's database
    /// draws the figure too.
    public static func present(in store: ResultsStore) throws -> [PaperFigure] {
        let names = Set(try store.runs().map(\.experiment))
        return all.filter { f in let e = f.experiments; return !e.isEmpty && e.allSatisfy(names.contains) }
    }

    /// Draws the figure into `directory` (PNG, SVG, CSV, gnuplot script) and writes the HTML
    /// report of `store` there with the figure and its summary first. Returns the report and
    /// the figure's summary text.
    @discardableResult
    public static func writeReport(of figures: [PaperFigure], store: ResultsStore, to directory: String, title: String,
                                   summaries: [String: String] = [:], specsDirectory: String? = nil) throws -> (report: HTMLReport.Output, warnings: [String]) {
        var lead: [ReportFigure] = [], text: [String] = [], warnings: [String] = []
        for figure in figures {
            // A figure that cannot be built (its runs unfinished, say) is a warning: the rest of
            // the report is still written.
            do {
                let (plot, summary) = try figure.build(store)
                text.append(summaries[figure.name] ?? summary)
                try Gnuplot.render(plot, in: directory)
                lead.append(ReportFigure(name: plot.name, caption: "\(figure.title): \(figure.about)."))
            } catch {
                warnings.append("\(figure.name): \(error)")
            }
        }
        let report = try HTMLReport.write(store: store, to: directory, title: title, lead: lead,
                                          summary: text.isEmpty ? nil : text.joined(separator: "\n\n"), specsDirectory: specsDirectory)
        return (report, warnings + report.warnings)
    }
}
