import ArgumentParser
import Foundation
import SymLabCore
import SymLabExperiments
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics
import SymLabReport
import SymLabTraining

extension SymLab {
    /// `symlab data …`: draw, describe and export samples of the function classes.
    public struct Data: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "data",
            abstract: "Describe and export seeded samples of the reference papers' function classes.",
            discussion: "Classes: \(FunctionClassRegistry.names.joined(separator: ", ")). Their options and defaults: `symlab data list [CLASS]`.",
            subcommands: [List.self, Describe.self, Export.self])

        public init() {}
    }
}

extension SymLab.Data {
    /// `symlab data list [CLASS]`: the catalogue the other commands' help points to.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "List the function classes with their options and defaults (or one class's).")
        @Argument(help: ArgumentHelp("Only this class.", valueName: "class")) public var className: String?
        public init() {}

        public func run() throws {
            try printCatalogue(of: "function class", plural: "classes", names: FunctionClassRegistry.names, all: FunctionClassRegistry.helpText,
                               only: className, entry: FunctionClassRegistry.helpText(for:))
        }
    }

    /// The class and how to draw from it, shared by both subcommands.
    public struct ClassOptions: ParsableArguments {
        @Argument(help: ArgumentHelp("The function class, one of: \(FunctionClassRegistry.names.joined(separator: ", ")).", valueName: "class"))
        public var className: String
        @Option(name: .customLong("option"), help: ArgumentHelp("A class option key=value (repeatable), e.g. --option n=16 --option p=0.5.", valueName: "key=value"))
        public var options: [String] = []
        @Option(parsing: .unconditional, help: "Seed: the same seed gives the same target and data, bit for bit.")
        public var seed: UInt64 = 0
        @Option(name: .customLong("samples"), parsing: .unconditional, help: "Number of samples (per split with --split).")
        public var samples: Int = 1000
        /// `--n`, the old name of `--samples` (read with a note): `n` is a class option (nodes, dimension).
        @Option(name: .customLong("n"), parsing: .unconditional, help: .hidden)
        public var legacySamples: Int?
        public var count: Int { legacySamples ?? samples }

        public init() {}

        public func validate() throws {
            if legacySamples != nil { printNotes(["--n is spelled --samples (read as that): the class option n is the size of an input"]) }
            guard count > 0 else { throw ValidationError("--samples must be positive, got \(count)") }
            do { _ = try build() } catch let e as FunctionClassError { throw ValidationError(e.description) }
        }

        func build() throws -> any FunctionClass {
            try FunctionClassRegistry.make(className, options: parseOptionList(options))
        }

        /// The target (substream 0) and `count` samples (substream 1): the training split of
        /// `splits(nTrain: count, nVal: 0, nTest: 0, seed:)`.
        func draw() throws -> (any FunctionClass, Dataset<Double>) {
            let c = try build()
            do { try Preflight.requireDataSet(c, samples: count) }   // before any sample is drawn
            catch let e as MemoryError { throw CommandFailure(e.description) }
            let s: DatasetSplits<Double> = c.splits(nTrain: count, nVal: 0, nTest: 0, seed: seed)
            return (c, s.train)
        }

        /// `count` samples of every split, as a run with this seed and class options draws them.
        func drawSplits() throws -> DatasetSplits<Double> {
            let c = try build()
            do { try Preflight.requireDataSet(c, samples: 3 * count) }
            catch let e as MemoryError { throw CommandFailure(e.description) }
            return c.splits(nTrain: count, nVal: count, nTest: count, seed: seed)
        }
    }

    /// `symlab data describe CLASS`: parameters, label moments and the defining-property check.
    public struct Describe: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Draw a sample and print its parameters, label mean and variance, and the check of the class's defining property.",
            discussion: "Options of a class (pass as --option key=value): `symlab data list CLASS`.")

        @OptionGroup public var common: ClassOptions
        public init() {}

        public func run() throws {
            let (c, data) = try common.draw()
            print("class: \(c.name)")
            print("seed: \(common.seed)  samples: \(data.count)  generator: \(RandomStream.algorithm)")
            print("parameters:")
            for (k, v) in data.parameters.sorted(by: { $0.key < $1.key }) { print("  \(k) = \(v)") }
            let m = data.labelMoments
            print("labels: mean \(NumberFormat.significantAsPrintf(m.mean, 6)), variance \(NumberFormat.significantAsPrintf(m.variance, 6))")
            if let d = c.documentedNoisyMoments {
                print("documented: mean \(NumberFormat.significantAsPrintf(d.mean, 6)), variance \(NumberFormat.significantAsPrintf(d.variance, 6)) (noise included)")
            } else {
                print("documented: no exact moments for this class")
            }
            var rng = RandomStream(seed: common.seed, stream: 99)
            let report = c.checkDefiningProperty(rng: &rng)
            print(report)
            if !report.passed { throw ExitCode(1) }
        }
    }

    /// `symlab data export CLASS --out FILE.csv|FILE.npz [--split …]`.
    public struct Export: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Write a sample as CSV or NumPy .npz for other tools.",
            discussion: """
                --split picks the run's split (train, val, test; all writes each, as FILE.train.EXT …): \
                the samples a run with the same seed, class options and --samples per split draws. \
                npz (numpy.load): y, y_clean, parameters (JSON: the class and every option and drawn \
                target parameter); dense x [N, …]; graphs in PyTorch Geometric's layout: x [nodes, F], \
                edge_index [2, E] (global node indices, both directions), batch, ptr, num_nodes. \
                CSV: dense, one row per sample (sample, x0, x1, …, label, clean_label); graphs, \
                FILE.csv the edge list (sample, source, target; local node indices), FILE.labels.csv \
                (sample, nodes, label, clean_label), FILE.nodes.csv node features when not all 1. \
                python/symlab loads both.

                Options of a class (pass as --option key=value): `symlab data list CLASS`.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, npz }
        enum SplitChoice: String, ExpressibleByArgument, CaseIterable { case train, val, test, all }

        @OptionGroup public var common: ClassOptions
        @Option(help: "Output file (.csv or .npz).") public var out: String
        @Option(help: "csv or npz (default: from --out's extension, else csv).") var format: Format?
        @Option(help: "The split: train, val, test or all (default train).") var split: SplitChoice = .train
        public init() {}

        public func run() throws {
            let format = self.format ?? (out.hasSuffix(".npz") ? .npz : .csv)
            let stem = out.hasSuffix(".\(format.rawValue)") ? String(out.dropLast(format.rawValue.count + 1)) : out
            let splits = try common.drawSplits()
            let chosen: [(String, Dataset<Double>)] = switch split {
            case .train: [("train", splits.train)]
            case .val: [("val", splits.validation)]
            case .test: [("test", splits.test)]
            case .all: [("train", splits.train), ("val", splits.validation), ("test", splits.test)]
            }
            for (name, data) in chosen {
                let base = split == .all ? "\(stem).\(name)" : stem
                switch format {
                case .npz:
                    try NPZWriter.dataset(data).write(to: base + ".npz")
                    print("wrote \(base).npz")
                case .csv:
                    for (path, text) in CSVExporter.datasetFiles(data, baseName: base + ".csv") {
                        try text.write(toFile: path, atomically: true, encoding: .utf8)
                        print("wrote \(path)")
                    }
                }
            }
        }
    }
}

/// `data list` and `model list`: a registry's catalogue, or one member's entry; an unknown name
/// is an error with the closest known one.
func printCatalogue(of kind: String, plural: String, names: [String], all: String, only name: String?, entry: (String) -> String) throws {
    guard let name else { return print(all) }
    guard names.contains(name) else {
        throw CommandFailure("unknown \(kind) '\(UntrustedText.forTerminal(name))'\(Suggestion.hint(for: name, among: names)); the \(plural) are \(names.joined(separator: ", "))")
    }
    print(entry(name))
}
