import ArgumentParser
import Foundation
import SymLabCore
import SymLabExperiments
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics

extension SymLab {
    /// `symlab kernel …`: the kernel baselines the feature-learning and hardness papers compare against.
    public struct Kernel: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "kernel",
            abstract: "Kernel baselines: kernel ridge regression with RBF, Laplace, ReLU NNGP/NTK (graph NNGP/NTK on graph classes) and random features.",
            subcommands: [Fit.self])

        public init() {}
    }
}

extension SymLab.Kernel {
    public typealias KernelChoice = KernelBaseline

    /// `symlab kernel fit CLASS --kernel K …`: validation-tuned KRR (or random-features ridge) on a seeded sample.
    public struct Fit: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Fit a kernel baseline on a function class and print the chosen ridge, train MSE and normalised test MSE.",
            discussion: """
                Data: FunctionClassRegistry splits (train, validation, test) of one target drawn from --seed. \
                The ridge is chosen on the validation set from 10^-8 … 10^2 (relative to the mean kernel \
                diagonal) by one eigendecomposition; the chosen ridge is solved by Cholesky. Labels are \
                centred by the training mean. Normalised test MSE = test MSE / Var(test labels).
                relu-nngp / relu-ntk: closed-form kernels of a fully connected ReLU network of --depth weight \
                layers (NTK parameterisation, σ_w² = 2); on graph classes, of the sum GNN \
                f(G) = Σ_i g((A + I)X)_i with g that network (bias variance 1 by default there). \
                rbf / laplace: bandwidth from --bandwidth or the median pairwise distance. \
                random-features: --features relu (or --activation) features of a frozen random first layer.

                Options of a class (pass as --option key=value; --data-option is the same): `symlab data list CLASS`.
                """)

        @Argument(help: ArgumentHelp("The function class, one of: \(FunctionClassRegistry.names.joined(separator: ", ")).", valueName: "class"))
        public var className: String
        @Option(name: [.customLong("option"), .customLong("data-option")], help: ArgumentHelp("A class option key=value (repeatable).", valueName: "key=value"))
        public var dataOptions: [String] = []
        @Option(help: "rbf, laplace, relu-nngp, relu-ntk or random-features.")
        public var kernel: KernelChoice
        @Option(parsing: .unconditional, help: "Weight layers of the ReLU network (relu-nngp, relu-ntk): 2 or 3.")
        public var depth: Int = 2
        @Option(parsing: .unconditional, help: "Bias variance σ_b² of the ReLU network kernels (default 0 for vectors, 1 for graphs).")
        public var biasVariance: Double?
        @Option(parsing: .unconditional, help: "RBF/Laplace bandwidth σ (default: median pairwise distance of the training inputs).")
        public var bandwidth: Double?
        @Option(parsing: .unconditional, help: "Number of random features.")
        public var features: Int = 1024
        @Option(help: "Activation of the random features: relu, tanh, gelu, sigmoid, softplus, abs.")
        public var activation: String = "relu"
        @Option(parsing: .unconditional, help: "Training samples.") public var nTrain: Int
        @Option(parsing: .unconditional, help: "Validation samples for the ridge (default: n-train/4, at least 10).") public var nVal: Int?
        @Option(parsing: .unconditional, help: "Test samples.") public var nTest: Int
        @Option(parsing: .unconditional, help: "Seed of the target, the data and the random features.") public var seed: UInt64 = 0

        public init() {}

        public func validate() throws {
            guard nTrain >= 1, nTest >= 1 else { throw ValidationError("--n-train and --n-test must be ≥ 1") }
            if let v = nVal, v < 1 { throw ValidationError("--n-val must be ≥ 1 (the ridge is tuned on it)") }
            guard depth == 2 || depth == 3 else { throw ValidationError("--depth must be 2 or 3, got \(depth)") }
            guard features >= 1 else { throw ValidationError("--features must be ≥ 1") }
            if let b = bandwidth, !(b > 0 && b.isFinite) { throw ValidationError("--bandwidth must be positive, got \(b)") }
            if let v = biasVariance, !(v >= 0 && v.isFinite) { throw ValidationError("--bias-variance must be ≥ 0, got \(v)") }
            _ = try activationOp()
        }

        func activationOp() throws -> UnaryOp {
            let ops: [String: UnaryOp] = ["relu": .relu, "tanh": .tanh, "gelu": .gelu, "sigmoid": .sigmoid, "softplus": .softplus, "abs": .abs]
            guard let op = ops[activation] else {
                throw ValidationError("--activation must be one of \(ops.keys.sorted().joined(separator: ", ")), got '\(activation)'")
            }
            return op
        }

        public func run() throws {
            let cls: any FunctionClass
            do { cls = try FunctionClassRegistry.make(className, options: parseOptionList(dataOptions)) }
            catch let e as FunctionClassError { throw ValidationError(e.description) }
            let val = nVal ?? Swift.max(10, nTrain / 4)
            do {   // refused before any data are drawn
                try Preflight.requireKernelFit(cls, nTrain: nTrain, nValidation: val, nTest: nTest, features: kernel == .randomFeatures ? features : nil)
            } catch let e as MemoryError { throw CommandFailure(e.description) }
            let splits: DatasetSplits<Double> = cls.splits(nTrain: nTrain, nVal: val, nTest: nTest, seed: seed)
            let t0 = Clock.seconds()
            let report: RegressionReport
            do {
                report = try kernel.fit(train: splits.train, validation: splits.validation, test: splits.test,
                                        settings: .init(depth: depth, biasVariance: biasVariance, bandwidth: bandwidth, features: features,
                                                        activation: try activationOp(), featureSeed: seed))
            } catch let e as KernelError {
                throw CommandFailure(e.description)   // a run-time refusal, not a usage error
            } catch let e as MemoryError {
                throw CommandFailure(e.description)
            }
            let f = { (v: Double) in NumberFormat.significantAsPrintf(v, 6) }
            print("class: \(cls.name)  seed: \(seed)  n-train: \(nTrain)  n-val: \(val)  n-test: \(nTest)")
            print("kernel: \(report.method)")
            print("ridge: \(f(report.ridge)) (relative to the mean kernel diagonal; grid \(f(report.ridges.first!))…\(f(report.ridges.last!)))")
            print("train MSE: \(f(report.trainMSE))")
            print("validation MSE: \(f(report.validationMSE))")
            print("test MSE: \(f(report.testMSE))")
            print("normalised test MSE: \(f(report.normalizedTestMSE))")
            print("time: \(NumberFormat.fixed(Clock.seconds() - t0, 2)) s")
        }
    }
}

extension KernelBaseline: ExpressibleByArgument {}
