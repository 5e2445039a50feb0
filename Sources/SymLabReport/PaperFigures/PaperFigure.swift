import Foundation
import SymLabCore
import SymLabExperiments
import SymLabTraining

/// A figure of a reference paper: the experiment specs it runs and how their results become a
/// plot and a summary.
///
/// The figure is data, not code: a folder `PaperFigures/specs/<figure name>/` of plain YAML spec
/// files and a README.md (its title as the heading, what it reproduces as the first paragraph),
/// shipped with the package as resources, so that what `symlab figure NAME --print-specs` shows
/// is exactly what runs, and each file also runs alone with `symlab run FILE`. A figure's Swift
/// file (`PaperFigures/<Name>.swift`) holds its builder.
///
/// Adding a figure: the folder, one Swift file with the builder, one entry in ``all``.
/// `PaperFigureSpecTests` picks the new folder up (each spec parses, passes the preflight and is
/// named after its file; the README has a title and a description).
///
/// A figure with nothing to train (Kiani et al. Figure 2 draws a hand-set network) is *computed*
/// (``init(_:computed:)``): its folder holds the README alone, it has no specs and takes no
/// overrides, and its builder computes from the library; `symlab figure` still writes its data,
/// plot, summary and report (with an empty results database).
public struct PaperFigure: Sendable {
    public let name: String
    /// Results → plot and summary text. Reads the figure's experiments (the specs' `name:`)
    /// from the store.
    public let build: @Sendable (ResultsStore) throws -> (Figure, String)
    /// False for a computed figure: no spec files, no runs.
    public let runsExperiments: Bool

    public init(_ name: String, build: @escaping @Sendable (ResultsStore) throws -> (Figure, String)) {
        self.name = name; self.build = build; runsExperiments = true
    }

    /// A figure computed without training runs: `compute` builds the plot and summary.
    public init(_ name: String, computed compute: @escaping @Sendable () throws -> (Figure, String)) {
        self.name = name; self.build = { _ in try compute() }; runsExperiments = false
    }

    /// Every paper figure, in the order `symlab figure --help` lists them.
    public static let all: [PaperFigure] = [
        PaperFigure("kiani-fig1", build: kianiFig1Figure),
        PaperFigure("kiani-fig2", computed: kianiFig2Figure),
        PaperFigure("kiani-fig3", build: kianiFig3Figure),
        PaperFigure("kiani-fig4", build: optimizerScatter),
        PaperFigure("kiani-n-sweep", build: nSweep),
        PaperFigure("damian-onestep", build: damianFigure),
        PaperFigure("hierarchical-k2", build: hierarchicalFigure),
        PaperFigure("wang-k3", build: wangFigure),
        PaperFigure("one-step-proportional", build: oneStepFigure),
        PaperFigure("spiked-covariance", build: spikedFigure),
        PaperFigure("information-exponent", build: informationExponentFigure),
        PaperFigure("staircase", build: staircaseFigure),
        PaperFigure("kiani-separation", build: kianiSeparationFigure),
        PaperFigure("kiani-scaling", build: kianiScalingFigure),
        PaperFigure("wu-last-iterate", build: wuLastIterateFigure),
        PaperFigure("munteanu-coupled-init", build: munteanuFigure),
        PaperFigure("tomasini-laplace", build: tomasiniLaplaceFigure),
        PaperFigure("brutzkus-patches", build: brutzkusPatchesFigure),
        PaperFigure("modality-competition", build: modalityCompetitionFigure),
        PaperFigure("saxe-neural-race", build: saxeNeuralRaceFigure),
        PaperFigure("refinetti-autoencoder", build: refinettiAutoencoderFigure),
        PaperFigure("maslow-forgetting", build: maslowForgettingFigure),
    ]

    public static func named(_ name: String) -> PaperFigure? { all.first { $0.name == name } }
}

// MARK: - The figure's README

/// A paper figure's title and what it reproduces, from `specs/<figure>/README.md`.
public struct FigureDescription: Sendable, Equatable {
    public let title: String
    /// What the figure shows and how its sizes were chosen: the README's first paragraph.
    public let about: String

    public init(title: String, about: String) { self.title = title; self.about = about }

    /// The heading (`# …`) and the first paragraph after it, its lines joined by spaces; later
    /// paragraphs are for people reading the folder.
    public init(readme text: String, figure: String, path: String) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }[...]
        while lines.first?.isEmpty == true { lines.removeFirst() }
        guard let heading = lines.first, heading.hasPrefix("# "), heading.count > 2 else {
            throw FigureReadmeInvalid(figure: figure, path: path, problem: "does not start with a '# title' line")
        }
        lines.removeFirst()
        while lines.first?.isEmpty == true { lines.removeFirst() }
        let paragraph = lines.prefix { !$0.isEmpty }
        guard !paragraph.isEmpty else {
            throw FigureReadmeInvalid(figure: figure, path: path, problem: "has no paragraph after its title")
        }
        title = String(heading.dropFirst(2)); about = paragraph.joined(separator: " ")
    }
}

/// A figure's README.md is missing or lacks its title or description.
public struct FigureReadmeInvalid: Error, CustomStringConvertible {
    public let figure: String
    public let path: String
    public let problem: String
    public var description: String { "figure '\(figure)': \(path) \(problem)" }
}

extension PaperFigure {
    /// The figure's title and description, read from its README (on each call, like the specs).
    public func described() throws -> FigureDescription {
        let path = Self.specsRoot.appendingPathComponent(name, isDirectory: true).appendingPathComponent("README.md").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FigureReadmeInvalid(figure: name, path: path, problem: "cannot be read")
        }
        return try FigureDescription(readme: text, figure: name, path: path)
    }

    /// The title, for listings (`symlab figure --help`): the name when the README cannot be read.
    public var title: String { (try? described().title) ?? name }
}

// MARK: - The spec files

/// One shipped spec file of a paper figure.
public struct FigureSpecFile: Sendable, Equatable {
    /// The file name without `.yaml`, which is also the spec's `name:` (the experiment it runs).
    public let name: String
    public let path: String
    /// The file's text, verbatim.
    public let yaml: String
}

/// A figure's spec files could not be read (the package's resource bundle is incomplete).
public struct FigureSpecsMissing: Error, CustomStringConvertible {
    public let figure: String
    public let directory: String
    public var description: String { "the spec files of figure '\(figure)' are missing: no YAML files in \(directory)" }
}

extension PaperFigure {
    /// Where the figures' spec folders are: `specs/` in the SwiftPM resource bundle of this module,
    /// which the build puts beside the `symlab` executable.
    public static var specsRoot: URL {
        Bundle.module.url(forResource: "specs", withExtension: nil) ?? Bundle.module.bundleURL.appendingPathComponent("specs", isDirectory: true)
    }

    /// The figure's other scales: the subfolders of its spec folder (`specs/<figure>/<scale>/`), each
    /// a set of spec files at other sizes (a larger grid for a cluster, a smaller one for the demo)
    /// for the same builder. A scale's specs run experiments of the default set's names, so the
    /// builder reads them alike; a scale may hold only some of them (the builder says which parts
    /// it did not find). Most figures have none.
    public var scales: [String] {
        let directory = Self.specsRoot.appendingPathComponent(name, isDirectory: true)
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { entry in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory.appendingPathComponent(entry).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }

    /// The figure's spec files in file-name order (read from disk on each call: only commands
    /// that use a figure's specs touch the resource bundle): the default set, or those of `scale`
    /// (one of ``scales``).
    /// None for a computed figure.
    public func specs(scale: String? = nil) throws -> [FigureSpecFile] {
        guard runsExperiments else { return [] }
        var directory = Self.specsRoot.appendingPathComponent(name, isDirectory: true)
        if let scale {
            guard scales.contains(scale) else {
                throw SpecError(file: name, keyPath: "", message: "figure \(name) has no scale '\(scale)'; " + (scales.isEmpty ? "it has only its default specs" : "its scales are \(scales.joined(separator: ", "))"))
            }
            directory = directory.appendingPathComponent(scale, isDirectory: true)
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        guard !files.isEmpty else { throw FigureSpecsMissing(figure: name, directory: directory.path) }
        return try files.map { file in
            let path = directory.appendingPathComponent(file).path
            return FigureSpecFile(name: String(file.dropLast(".yaml".count)), path: path, yaml: try String(contentsOfFile: path, encoding: .utf8))
        }
    }

    /// Edited specs of this figure at `path` (`--specs`): a directory of YAML files or one
    /// multi-document file, as `--print-specs` writes them. Each spec is matched to the figure's
    /// by its `name:` (the experiment the builder reads), which must be one of the shipped specs'
    /// names (of the default set or a scale); a spec left out is not run, and the builder says
    /// which part it did not find, as for a scale with fewer specs.
    public func specs(editedAt path: String) throws -> [FigureSpecFile] {
        guard runsExperiments else {
            throw SpecError(file: path, keyPath: "", message: "figure \(name) has no specs to edit: it is computed from the library without training runs")
        }
        var known = Set(try specs().map(\.name))
        for scale in scales { known.formUnion(try specs(scale: scale).map(\.name)) }
        var files: [FigureSpecFile] = []
        for d in try ExperimentSpec.documents(at: path) {
            guard case .string(let specName)? = try SpecValue.parse(yaml: d.yaml, file: d.file)[path: "name"] else {
                throw SpecError(file: d.file, keyPath: "name", message: "expected the name of one of figure \(name)'s specs (\(known.sorted().joined(separator: ", ")))")
            }
            guard known.contains(specName) else {
                throw SpecError(file: d.file, keyPath: "name", message: "'\(specName)' is not a spec of figure \(name)\(Suggestion.hint(for: specName, among: known.sorted())); its builder reads the experiments \(known.sorted().joined(separator: ", "))")
            }
            guard !files.contains(where: { $0.name == specName }) else {
                throw SpecError(file: d.file, keyPath: "name", message: "spec '\(specName)' is given twice")
            }
            files.append(FigureSpecFile(name: specName, path: d.file, yaml: d.yaml))
        }
        return files
    }

    /// The experiments the figure's specs run (their file names, which are their `name:`).
    public func experiments() throws -> [String] { try specs().map(\.name) }

    /// Parses every spec of the figure with the command line's overrides and checks it
    /// (``Preflight``) before any work starts.
    ///
    /// An override `key.path=value` applies to every spec; `SPEC:key.path=value` only to the spec
    /// named SPEC (a file name of the figure, e.g. `fig1-gnn-hard:training.steps=100`), after the
    /// plain ones (the more specific wins). A target that is not one of the figure's specs is an
    /// error, not a silent no-op.
    ///
    /// `edited`: run the specs at that path (``specs(editedAt:)``) instead of the shipped ones.
    public func plan(overrides: [String], scale: String? = nil, edited: String? = nil) throws -> [(file: FigureSpecFile, spec: ExperimentSpec)] {
        let files = try edited.map { try specs(editedAt: $0) } ?? specs(scale: scale)
        if !runsExperiments, let o = overrides.first {
            throw SpecError(file: name, keyPath: "", message: "figure \(name) runs no experiments (it is computed), so the override '\(o)' has nothing to change")
        }
        let plain = overrides.filter { Self.splitTarget($0) == nil }
        var perSpec = Dictionary(uniqueKeysWithValues: files.map { ($0.name, plain) })
        for o in overrides {
            guard let (target, override) = Self.splitTarget(o) else { continue }
            guard perSpec[target] != nil else {
                throw SpecError(file: name, keyPath: "", message: "the override '\(o)' targets spec '\(target)', which figure \(name) does not have; its specs are \(files.map(\.name).joined(separator: ", "))")
            }
            perSpec[target]!.append(override)
        }
        return try files.map { file in
            let spec = try ExperimentSpec.parse(yaml: file.yaml, file: edited == nil ? "\(folder(scale))/\(file.name).yaml" : file.path,
                                                overrides: perSpec[file.name] ?? [])
            try Preflight.check(spec)
            return (file, spec)
        }
    }

    /// See ``ExperimentSpec/splitTarget(_:)``: figures and `symlab run` target specs alike.
    static func splitTarget(_ override: String) -> (target: String, override: String)? { ExperimentSpec.splitTarget(override) }

    /// The spec files as `--print-specs` shows them: one file verbatim, or each file after a
    /// `--- # ==> figure/spec.yaml <==` line (`figure/scale/spec.yaml` for a scale's): a YAML document
    /// separator with a comment, so the whole is a multi-document file `symlab run` runs as it is, and
    /// each part is still the file.
    ///
    /// With `overrides` (as `reproduce` takes them), each file is printed with them applied: as
    /// JSON (which YAML reads) after a comment naming them, so what is printed is what would run.
    public func printedSpecs(only spec: String? = nil, scale: String? = nil, overrides: [String] = []) throws -> String {
        var files = try specs(scale: scale)
        if !runsExperiments {
            throw SpecError(file: name, keyPath: "", message: "figure \(name) has no spec files: it is computed from the library without training runs")
        }
        if let spec {
            guard let file = files.first(where: { $0.name == spec }) else {
                throw SpecError(file: name, keyPath: "", message: "figure \(name) has no spec '\(spec)'; its specs are \(files.map(\.name).joined(separator: ", "))")
            }
            files = [file]
        }
        if !overrides.isEmpty {
            _ = try plan(overrides: overrides, scale: scale)   // bad or unknown-target overrides stop here
            files = try files.map { file in
                let mine = overrides.compactMap { o -> String? in
                    guard let (target, override) = ExperimentSpec.splitTarget(o) else { return o }
                    return target == file.name ? override : nil
                }
                var tree = try SpecValue.parse(yaml: file.yaml, file: "\(folder(scale))/\(file.name).yaml")
                for o in mine { tree = try ExperimentSpec.applyOverride(o, to: tree, file: "\(folder(scale))/\(file.name).yaml") }
                let note = mine.isEmpty ? "# no override applies to this spec" : "# with the overrides " + mine.map { UntrustedText.oneLine($0) }.joined(separator: " ")
                return FigureSpecFile(name: file.name, path: file.path, yaml: note + "\n" + tree.canonicalJSON + "\n")
            }
        }
        if files.count == 1 { return files[0].yaml }
        return files.map { "--- # ==> \(folder(scale))/\($0.name).yaml <==\n" + $0.yaml }.joined(separator: "\n")
    }

    /// "figure" or "figure/scale": where a scale's files are below the specs root.
    func folder(_ scale: String?) -> String { scale.map { "\(name)/\($0)" } ?? name }
}
