import ArgumentParser
import Foundation
import SymLabCore
import SymLabExperiments
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabTraining

extension SymLab {
    /// `symlab model …`: describe the students and check their symmetries.
    public struct Model: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "model",
            abstract: "Describe the models (layers, shapes, parameter counts) and check their invariance under sampled group elements.",
            discussion: "Models: \(ModelRegistry.names.joined(separator: ", ")). Their options and defaults: `symlab model list [MODEL]`.",
            subcommands: [List.self, Describe.self, CheckEquivariance.self, Exact.self])

        public init() {}
    }
}

extension SymLab.Model {
    /// `symlab model list [MODEL]`: the catalogue the other commands' help points to.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "List the models with their options and defaults (or one model's).")
        @Argument(help: ArgumentHelp("Only this model.", valueName: "model")) public var modelName: String?
        public init() {}

        public func run() throws {
            try printCatalogue(of: "model", plural: "models", names: ModelRegistry.names, all: ModelRegistry.helpText, only: modelName, entry: ModelRegistry.helpText(for:))
        }
    }

    /// The model, its options, and the data its inputs are drawn from.
    public struct ModelOptions: ParsableArguments {
        @Argument(help: ArgumentHelp("The model, one of: \(ModelRegistry.names.joined(separator: ", ")).", valueName: "model"))
        public var modelName: String
        @Option(name: .customLong("option"), help: ArgumentHelp("A model option key=value (repeatable), e.g. --option width=64.", valueName: "key=value"))
        public var options: [String] = []
        @Option(name: .customLong("data"), help: ArgumentHelp("The function class whose inputs the model takes (default: er-parity for GNNs, gaussian-gnn for the Gaussian GNN, cyclic-pattern-parity otherwise).", valueName: "class"))
        public var dataClass: String?
        @Option(name: .customLong("data-option"), help: ArgumentHelp("A function-class option key=value (repeatable).", valueName: "key=value"))
        public var dataOptions: [String] = []
        @Option(parsing: .unconditional, help: "Seed of the data and of the initial weights.")
        public var seed: UInt64 = 0
        @Option(name: .customLong("samples"), parsing: .unconditional, help: "Number of input samples.")
        public var samples: Int = 64
        /// `--n`, the old name of `--samples` (read with a note): `n` is a class option (nodes, dimension).
        @Option(name: .customLong("n"), parsing: .unconditional, help: .hidden)
        public var legacySamples: Int?
        public var count: Int { legacySamples ?? samples }

        public init() {}

        public func validate() throws {
            if legacySamples != nil { printNotes(["--n is spelled --samples (read as that): the class option n is the size of an input"]) }
            guard count > 0 else { throw ValidationError("--samples must be positive, got \(count)") }
            do { _ = try build() }
            catch let e as ModelError { throw ValidationError(e.description) }
            catch let e as FunctionClassError { throw ValidationError(e.description) }
        }

        var resolvedDataClass: String { dataClass ?? ModelRegistry.defaultDataClass(for: modelName) }

        /// The model (initialised from stream 1 of the seed) and `count` inputs of the class
        /// (the training split of the seed's ``SeededData``).
        func build() throws -> (model: any SymLabModels.Model<Double>, inputs: Inputs<Double>) {
            let modelOptions: [String: String]
            do { modelOptions = try parseOptionList(options) } catch let e as FunctionClassError { throw ValidationError("--option: \(e.description)") }
            let cls = try FunctionClassRegistry.make(resolvedDataClass, options: parseOptionList(dataOptions))
            // The training split of the seed's data alone, without empty validation and test splits
            // (a batched product over zero graphs traps in the numerics layer).
            let inputs = SeededData(cls, seed: seed).sample(.train, count: count, as: Double.self).inputs
            var rng = RandomStream(seed: seed, stream: 1)
            let model = try ModelRegistry.make(modelName, options: modelOptions, input: InputDescription(inputs), rng: &rng, as: Double.self)
            return (model, inputs)
        }
    }

    /// `symlab model describe MODEL`.
    public struct Describe: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Print a model's layers, output shapes, parameter counts and parameter groups.",
            discussion: "Options of a model (pass as --option key=value): `symlab model list MODEL`.")

        @OptionGroup public var common: ModelOptions
        public init() {}

        public func run() throws {
            let (model, inputs) = try common.build()
            print(model.summary)
            print("inputs: \(InputDescription(inputs)) (from \(common.resolvedDataClass))")
            if let s = model as? SymmetricModel { print("invariant to: \(s.symmetry)") }
            let store = model.parameters
            print("parameter groups:")
            for g in store.groups {
                let n = store.ranges(ofGroup: g).reduce(0) { $0 + $1.count }
                let names = store.entries.filter { $0.group == g }.map { "\($0.name) \($0.shape)" }.joined(separator: ", ")
                print("  \(g): \(n) — \(names)")
            }
            let y = model.predict(inputs).scalars
            let mean = y.reduce(0, +) / Double(y.count)
            let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(y.count)
            print("output at init over \(inputs.count) inputs\(model.outputsPerSample > 1 ? " × \(model.outputsPerSample) outputs" : ""): mean \(NumberFormat.significantAsPrintf(mean, 6)), variance \(NumberFormat.significantAsPrintf(variance, 6))")
        }
    }

    /// `symlab model check-equivariance MODEL --samples N`.
    public struct CheckEquivariance: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "check-equivariance",
            abstract: "Apply sampled group elements to the inputs and report max and mean |f(g·x) − f(x)|.",
            discussion: """
                The group is the model's own: node relabellings for GNNs, cyclic shifts for CNNs and \
                frame-averaged networks, the averaged group for group-averaged networks. A model without a \
                built-in symmetry (mlp) is checked against cyclic shifts (dense inputs) or node \
                relabellings (graphs) for comparison. Exits with status 1 if an invariant model's maximum \
                error exceeds --tolerance.
                """)

        @OptionGroup public var common: ModelOptions
        @Option(parsing: .unconditional, help: "Number of sampled group elements.") public var samples: Int = 20
        @Option(parsing: .unconditional, help: "Largest accepted error for an invariant model.") public var tolerance: Double = 1e-9
        public init() {}

        public func validate() throws {
            guard samples > 0 else { throw ValidationError("--samples must be positive, got \(samples)") }
            guard tolerance >= 0 else { throw ValidationError("--tolerance must be ≥ 0, got \(tolerance)") }
        }

        public func run() throws {
            let (model, inputs) = try common.build()
            let own = (model as? SymmetricModel)?.symmetry ?? ModelSymmetry.none
            var symmetry = own
            if case .none = own {
                switch inputs {
                case .graphs: symmetry = .nodeRelabelling
                case .dense: symmetry = .cyclicShifts(axis: 1)
                }
            }
            var rng = RandomStream(seed: common.seed, stream: 2)
            let errors = invarianceErrors(of: model, under: symmetry, inputs: inputs, samples: samples, rng: &rng)
            let scale = model.predict(inputs).scalars.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
            print("model: \(model.summary.name)")
            if case .none = own { print("symmetry: none built in; checking \(symmetry) for comparison") } else { print("symmetry: \(symmetry)") }
            print("inputs: \(inputs.count) from \(common.resolvedDataClass); \(samples) sampled group elements; max |f(x)| = \(NumberFormat.significantAsPrintf(scale, 6))")
            let mean = errors.reduce(0, +) / Double(errors.count)
            print("max error \(NumberFormat.significantAsPrintf(errors.max()!, 6)), mean error \(NumberFormat.significantAsPrintf(mean, 6)) (per element: max over inputs of |f(g·x) − f(x)|)")
            if case .none = own { return }
            if errors.max()! > tolerance {
                print("FAIL: maximum error above tolerance \(NumberFormat.significantAsPrintf(tolerance, 6))")
                throw ExitCode(1)
            }
            print("ok: invariant within \(NumberFormat.significantAsPrintf(tolerance, 6))")
        }
    }
}

extension SymLab.Model {
    /// `symlab model exact CLASS`: representability next to learnability.
    public struct Exact: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Build the hand-set minimal network that computes a hard class's target exactly and print its train and test MSE on fresh samples.",
            discussion: """
                Classes: \(MinimalNetworks.classes.joined(separator: ", ")). The target is the one a run of the same seed \
                draws, and the training and test sets are that run's splits (the network has seen no data). The \
                networks: er-parity, one graph convolution (3 channels per degree in S) + a zig-zag MLP head; \
                cyclic-pattern-parity, one circular convolution (one channel per pattern in S) + the head; \
                cyclic-frame-parity, the canonical-shift frame + an MLP of |S| units + the head. Exits with status 1 \
                if max |f(x) − g(x)| over both sets exceeds --tolerance (g: the noise-free target).

                Options of a class (pass as --option key=value): `symlab data list CLASS`.
                """)

        @Argument(help: ArgumentHelp("The function class, one of: \(MinimalNetworks.classes.joined(separator: ", ")).", valueName: "class"))
        public var className: String
        @Option(name: .customLong("option"), help: ArgumentHelp("A class option key=value (repeatable), e.g. --option n=32 --option width=4.", valueName: "key=value"))
        public var options: [String] = []
        @Option(help: "Seed of the target and the samples (as `symlab run` draws them).")
        public var seed: UInt64 = 0
        @Option(name: .customLong("n-train"), help: "Training-split samples.")
        public var nTrain: Int = 500
        @Option(name: .customLong("n-test"), help: "Test-split samples.")
        public var nTest: Int = 1000
        @Option(help: "f64 (default) or f32.")
        public var precision: String = "f64"
        @Option(help: "Largest accepted max |f(x) − g(x)|.")
        public var tolerance: Double = 1e-10
        public init() {}

        public func validate() throws {
            guard nTrain > 0 else { throw ValidationError("--n-train must be positive, got \(nTrain)") }
            guard nTest > 0 else { throw ValidationError("--n-test must be positive, got \(nTest)") }
            guard ["f64", "f32"].contains(precision) else { throw ValidationError("--precision must be f64 or f32, got '\(UntrustedText.oneLine(precision))'") }
            guard tolerance >= 0 else { throw ValidationError("--tolerance must be ≥ 0, got \(tolerance)") }
            guard MinimalNetworks.classes.contains(className) else {
                throw ValidationError("class '\(UntrustedText.oneLine(className))' has no hand-set minimal network; the classes with one are \(MinimalNetworks.classes.joined(separator: ", "))")
            }
            do { _ = try build() } catch let e as FunctionClassError { throw ValidationError(e.description) }
        }

        func build() throws -> any FunctionClass { try FunctionClassRegistry.make(className, options: parseOptionList(options)) }

        public func run() throws {
            let cls = try build()
            do { try Preflight.requireDataSet(cls, samples: nTrain + nTest) }
            catch let e as MemoryError { throw CommandFailure(e.description) }
            let fit: MinimalNetworks.ExactFit
            do {
                fit = precision == "f32" ? try MinimalNetworks.exactFit(cls, seed: seed, nTrain: nTrain, nTest: nTest, as: Float.self)
                                         : try MinimalNetworks.exactFit(cls, seed: seed, nTrain: nTrain, nTest: nTest, as: Double.self)
            } catch let e as MinimalNetworkError { throw CommandFailure(e.description) }
            func line(_ s: String) { print(s) }   // the module's print escapes control characters
            line("class: \(fit.className)  seed: \(fit.seed)  precision: \(fit.precision)")
            line("parameters: " + fit.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            line("network: \(fit.model) (\(fit.parameterCount) parameters)")
            line("train MSE \(NumberFormat.significantAsPrintf(fit.trainMSE, 6)) on \(fit.nTrain) samples (the seed's training split)")
            line("test MSE \(NumberFormat.significantAsPrintf(fit.testMSE, 6)) on \(fit.nTest) samples (the seed's test split)")
            line("max |f(x) − g(x)| \(NumberFormat.significantAsPrintf(fit.maxError, 6)) over both sets (g: the noise-free target)")
            guard fit.maxError <= tolerance else {
                line("FAIL: above tolerance \(NumberFormat.significantAsPrintf(tolerance, 6))")
                throw ExitCode(1)
            }
            line("ok: exact within \(NumberFormat.significantAsPrintf(tolerance, 6))")
        }
    }
}
