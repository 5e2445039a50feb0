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
            guard let className else { return print(FunctionClassRegistry.helpText) }
            guard FunctionClassRegistry.names.contains(className) else {
                throw CommandFailure("unknown function class '\(UntrustedText.forTerminal(className))'\(Suggestion.hint(for: className, among: FunctionClassRegistry.names)); the classes are \(FunctionClassRegistry.names.joined(separator: ", "))")
            }
            print(FunctionClassRegistry.helpText(for: className))
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
        @Option(name: .customLong("n"), parsing: .unconditional, help: "Number of samples.")
        public var count: Int = 1000

        public init() {}

        public func validate() throws {
            guard count > 0 else { throw ValidationError("--n must be positive, got \(count)") }
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

    /// `symlab data export CLASS --out FILE.csv`.
    public struct Export: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Write a sample as CSV for other tools.",
            discussion: """
                Dense inputs: one row per sample with columns sample, x0, x1, … (flattened row-major), \
                label, clean_label. Graphs: FILE.csv is the edge list (sample, source, target; both \
                directions of every edge, node indices local to the graph), FILE.labels.csv holds \
                sample, nodes, label, clean_label, and for classes with node features FILE.nodes.csv \
                holds sample, node, f0, f1, ….

                Options of a class (pass as --option key=value): `symlab data list CLASS`.
                """)

        @OptionGroup public var common: ClassOptions
        @Option(help: "Output CSV file.") public var out: String
        public init() {}

        public func run() throws {
            let (_, data) = try common.draw()
            let files = CSVExporter.datasetFiles(data, baseName: out)
            for (path, text) in files {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                print("wrote \(path)")
            }
        }
    }
}
