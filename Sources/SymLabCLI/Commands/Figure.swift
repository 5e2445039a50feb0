import ArgumentParser
import Foundation
import SymLabExperiments
import SymLabReport
import SymLabTraining

extension SymLab {
    /// `symlab figure NAME`: one command per figure of the reference papers. The figure's specs,
    /// builder and report live in `SymLabReport` (`PaperFigure`); this parses the arguments.
    struct Figure: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "figure",
            abstract: "Reproduce a figure of the reference papers: run its experiments, then write data (CSV), plot (PNG, SVG, gnuplot script) and a summary.",
            discussion: "Figures:\n" + PaperFigure.all.map { "  \($0.name): \($0.title)" }.joined(separator: "\n")
                + "\n\nOverrides (key.path=value) apply to every spec of the figure, e.g. `seeds=0..1 training.steps=100` for a quick look; "
                + "SPEC:key.path=value applies to the spec SPEC only, e.g. `fig1-gnn-hard:training.steps=100`."
                + "\n\nA figure with scales (subfolders of its specs) runs another set of specs with --scale NAME: "
                + PaperFigure.all.filter { !$0.scales.isEmpty }.map { "\($0.name): \($0.scales.joined(separator: ", "))" }.joined(separator: "; ") + "."
                + "\n\nEach spec is a plain YAML file that also runs alone: `symlab figure kiani-fig1 --print-spec fig1-gnn-hard > spec.yaml && symlab run spec.yaml`."
                + "\n\nThe plot, summary and report are drawn from the runs that finished, whatever happened to the others. " + SweepExitStatus.help)

        @Argument(help: "Figure name (\(PaperFigure.all.map(\.name).joined(separator: ", "))).") var name: String
        @Argument(help: "Overrides key.path=value applied to every spec, or SPEC:key.path=value applied to the spec SPEC only.") var overrides: [String] = []
        @Option(help: "Output directory (default: results/<figure>).") var out: String?
        @Option(help: "Worker processes (default: number of cores).") var workers = ProcessInfo.processInfo.activeProcessorCount
        @Flag(help: "Print the figure's spec files (each after a '--- # ==> FIGURE/SPEC.yaml <==' line when there are several: one multi-document file that `symlab run` runs; with overrides, each with them applied) and exit.") var printSpecs = false
        @Option(help: ArgumentHelp("Print the spec file SPEC alone, as is (to run with `symlab run`), and exit.", valueName: "SPEC")) var printSpec: String?
        @Option(help: ArgumentHelp("Run edited specs instead of the shipped ones: a directory of YAML files or one multi-document file (as --print-specs writes them); each spec keeps the name: of the figure's spec it replaces, and the figure is drawn from them.", valueName: "PATH")) var specs: String?
        @Option(help: ArgumentHelp("Run the figure's specs of scale SCALE instead of its default ones (kiani-scaling: paper, demo); the default output directory is then results/<figure>-<scale>.", valueName: "SCALE")) var scale: String?

        func validate() throws {
            guard PaperFigure.named(name) != nil else {
                throw ValidationError("unknown figure '\(name)'; known: \(PaperFigure.all.map(\.name).joined(separator: ", "))")
            }
            guard workers >= 1 && workers <= 256 else { throw ValidationError("--workers must be in 1…256, got \(workers)") }
            if specs != nil && (scale != nil || printSpecs || printSpec != nil) {
                throw ValidationError("--specs runs the edited specs at its path: it does not go with --scale, --print-specs or --print-spec")
            }
            if let scale {
                let scales = PaperFigure.named(name)!.scales
                guard scales.contains(scale) else {
                    throw ValidationError("figure \(name) has no scale '\(scale)'; " + (scales.isEmpty ? "it has only its default specs" : "its scales are \(scales.joined(separator: ", "))"))
                }
            }
        }

        func run() throws {
            let figure = PaperFigure.named(name)!
            let done: PaperFigure.Reproduction
            do {
                if printSpecs || printSpec != nil {
                    print(try figure.printedSpecs(only: printSpec, scale: scale, overrides: overrides), terminator: "")
                    return
                }
                done = try figure.reproduce(overrides: overrides, scale: scale, edited: specs, in: out ?? "results/\(figure.name)\(scale.map { "-\($0)" } ?? "")\(specs == nil ? "" : "-edited")",
                                            workers: .processes(workers, launcher: .symlab()), notes: printNotes)
            } catch let e as SpecError { throw CommandFailure("\(e)") }
            print(done.summary)
            if let plot = done.plot {
                print("plot: \(plot.png) (and .svg); data: \(plot.csv); gnuplot script: \(plot.script); summary: \(done.directory)/summary.txt; database: \(done.database)")
            }
            print("report: \(done.report.index)")
            for w in done.report.warnings { writeToStandardError(UntrustedText.forTerminal("symlab: figure not drawn: \(w)\n")) }
            if let error = done.drawError {
                throw CommandFailure("could not draw the plot: \(error) (data, summary, report and database are in \(done.directory))")
            }
            // Drawn from the runs that finished; the exit status says whether some did not.
            if let sweep = done.sweep { try SweepExitStatus.check("figure \(figure.name)", sweep, db: done.database) }
        }
    }
}
