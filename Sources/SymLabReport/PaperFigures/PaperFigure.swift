import Foundation
import SymLabExperiments

/// A figure of a reference paper: the experiment specs it runs and how their results become a
/// plot and a summary.
///
/// The specs are data, not code: plain YAML files in `PaperFigures/specs/<figure name>/`, shipped
/// with the package as resources, so that what `symlab figure NAME --print-specs` shows is
/// exactly what runs, and each file also runs alone with `symlab run FILE`. A figure's Swift file
/// (`PaperFigures/<Name>.swift`) holds its entry and its builder.
///
/// Adding a figure: a folder of specs, one Swift file with its `PaperFigure` and builder, one
/// entry in ``all``. `PaperFigureSpecTests` picks the new specs up (each parses, passes the
/// preflight and is named after its file).
public struct PaperFigure: Sendable {
    public let name: String
    public let title: String
    /// What the figure reproduces and how its sizes were chosen.
    public let about: String
    /// Results → plot and summary text. Reads the figure's experiments (the specs' `name:`)
    /// from the store.
    public let build: @Sendable (ResultsStore) throws -> (Figure, String)

    /// Every paper figure, in the order `symlab figure --help` lists them.
    public static let all: [PaperFigure] = [
        kianiFig1, kianiFig3, kianiFig4, kianiNSweep,
        damianOnestep, hierarchicalK2, oneStepProportional, spikedCovariance, informationExponent, staircase,
    ]

    public static func named(_ name: String) -> PaperFigure? { all.first { $0.name == name } }
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

    /// The figure's spec files in file-name order (read from disk on each call: only commands
    /// that use a figure's specs touch the resource bundle).
    public func specs() throws -> [FigureSpecFile] {
        let directory = Self.specsRoot.appendingPathComponent(name, isDirectory: true)
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        guard !files.isEmpty else { throw FigureSpecsMissing(figure: name, directory: directory.path) }
        return try files.map { file in
            let path = directory.appendingPathComponent(file).path
            return FigureSpecFile(name: String(file.dropLast(".yaml".count)), path: path, yaml: try String(contentsOfFile: path, encoding: .utf8))
        }
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
    public func plan(overrides: [String]) throws -> [(file: FigureSpecFile, spec: ExperimentSpec)] {
        let files = try specs()
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
            let spec = try ExperimentSpec.parse(yaml: file.yaml, file: "\(name)/\(file.name).yaml", overrides: perSpec[file.name] ?? [])
            try Preflight.check(spec)
            return (file, spec)
        }
    }

    /// `SPEC:key.path=value` → (SPEC, `key.path=value`); nil for an override without a target
    /// (no `:` before the `=`; key paths never hold a `:`, values may).
    static func splitTarget(_ override: String) -> (target: String, override: String)? {
        guard let eq = override.firstIndex(of: "="), let colon = override[..<eq].firstIndex(of: ":") else { return nil }
        return (String(override[..<colon]).trimmingCharacters(in: .whitespaces), String(override[override.index(after: colon)...]))
    }

    /// The spec files as `--print-specs` shows them: one file verbatim, or each file after a
    /// `# ==> figure/spec.yaml <==` line (a YAML comment, so each part is still the file as is).
    public func printedSpecs(only spec: String? = nil) throws -> String {
        let files = try specs()
        if let spec {
            guard let file = files.first(where: { $0.name == spec }) else {
                throw SpecError(file: name, keyPath: "", message: "figure \(name) has no spec '\(spec)'; its specs are \(files.map(\.name).joined(separator: ", "))")
            }
            return file.yaml
        }
        if files.count == 1 { return files[0].yaml }
        return files.map { "# ==> \(name)/\($0.name).yaml <==\n" + $0.yaml }.joined(separator: "\n")
    }
}
