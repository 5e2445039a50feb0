import ArgumentParser
import Foundation
import SymLabExperiments
import SymLabReport
import SymLabTraining

/// Why the hard classes are shown at these sizes: the n-sweep's verdict, read from its summary
/// when it has been run beside this figure, or how to get it.
func sizeNote(outDirectory dir: String) -> String {
    let sweep = (dir as NSString).deletingLastPathComponent + "/kiani-n-sweep/summary.txt"
    var note = "Sizes: graphs of n = 16 nodes and sequences of length n = 32 (patterns of width 4), 500 training samples.\n"
    if let text = try? String(contentsOfFile: sweep, encoding: .utf8) {
        let verdicts = text.split(separator: "\n").filter { $0.contains("→ learnable") || $0.hasSuffix(":") && !$0.hasPrefix(" ") }
        note += "kiani-n-sweep (\(sweep)) measured where learning stops at this budget:\n" + verdicts.joined(separator: "\n") + "\n"
    } else {
        note += "Run `symlab figure kiani-n-sweep` to measure where learning stops at this budget (its summary is then quoted here).\n"
    }
    return note
}

extension SymLab {
    /// `symlab figure NAME`: one command per figure of the reference papers.
    struct FigureCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "figure",
            abstract: "Reproduce a figure of the reference papers: run its experiments, then write data (CSV), plot (PNG, SVG, gnuplot script) and a summary.",
            discussion: "Figures:\n" + PaperFigure.all.map { "  \($0.name): \($0.title)" }.joined(separator: "\n")
                + "\n\nOverrides (key.path=value) apply to every spec of the figure, e.g. `seeds=0..1 training.steps=100` for a quick look.")

        @Argument(help: "Figure name (\(PaperFigure.all.map(\.name).joined(separator: ", "))).") var name: String
        @Argument(help: "Overrides key.path=value applied to every spec.") var overrides: [String] = []
        @Option(help: "Output directory (default: results/<figure>).") var out: String?
        @Option(help: "Worker processes (default: number of cores).") var workers = ProcessInfo.processInfo.activeProcessorCount
        @Flag(help: "Print the figure's experiment specs and exit.") var printSpecs = false

        func validate() throws {
            guard PaperFigure.named(name) != nil else {
                throw ValidationError("unknown figure '\(name)'; known: \(PaperFigure.all.map(\.name).joined(separator: ", "))")
            }
            guard workers >= 1 && workers <= 256 else { throw ValidationError("--workers must be in 1…256, got \(workers)") }
        }

        func run() throws {
            let figure = PaperFigure.named(name)!
            if printSpecs {
                print(figure.specs.joined(separator: "\n---\n"))
                return
            }
            let dir = out ?? "results/\(figure.name)"
            try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
            let store = try ResultsStore(path: dir + "/results.sqlite")
            let started = Date()
            var specs: [ExperimentSpec] = []
            for (i, yaml) in figure.specs.enumerated() {
                let spec: ExperimentSpec
                do { spec = try ExperimentSpec.parse(yaml: yaml, file: "\(figure.name) spec \(i + 1)", overrides: overrides); try Preflight.check(spec) }
                catch let e as SpecError { throw CommandFailure("\(e)") }
                try yaml.write(toFile: dir + "/specs/\(spec.name).yaml", atomically: true, encoding: .utf8)
                specs.append(spec)
            }
            _ = try SweepRunner.run(specs, store: store, workers: workers)
            let (plot, summaryText) = try figure.build(store)
            let elapsed = Date().timeIntervalSince(started)
            let header = """
                \(figure.title)
                \(figure.about)
                overrides: \(overrides.isEmpty ? "none" : overrides.joined(separator: " "))
                specs: \(dir)/specs/*.yaml (print them with `symlab figure \(figure.name) --print-specs`)
                wall time: \(String(format: "%.0f", elapsed)) s with \(workers) worker(s)

                """
            var summary = header + summaryText + "\n"
            if figure.name == "kiani-fig1" || figure.name == "kiani-fig3" {
                summary += sizeNote(outDirectory: dir)
            }
            try summary.write(toFile: dir + "/summary.txt", atomically: true, encoding: .utf8)
            print(summary)
            var drawError: Error? = nil
            do {
                let output = try Gnuplot.render(plot, in: dir)
                print("plot: \(output.png) (and .svg); data: \(output.csv); gnuplot script: \(output.script); summary: \(dir)/summary.txt; database: \(store.path)")
            } catch {
                drawError = error
            }
            // The same report as `symlab report`, with this figure and its summary first.
            let report = try HTMLReport.write(store: store, to: dir, title: figure.title,
                                              lead: drawError == nil ? [ReportFigure(name: plot.name, caption: "\(figure.about).")] : [],
                                              summary: summary, specsDirectory: dir + "/specs")
            print("report: \(report.index)")
            for w in report.warnings { writeToStandardError(UntrustedText.forTerminal("symlab: figure not drawn: \(w)\n")) }
            if let drawError {
                throw CommandFailure("could not draw the plot: \(drawError) (data, summary, report and database are in \(dir))")
            }
        }
    }
}
