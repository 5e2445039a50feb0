// swift-tools-version:6.0
// SymmetryLab: testable learning theory for (equivariant) neural networks.
//
// One target per layer of the system; dependencies point one way, downwards:
//   COpenBLAS, CSymLabKernels → SymLabNumerics → SymLabCore, SymLabAutodiff → SymLabOptim → … → SymLabCLI → symlab
import PackageDescription

let package = Package(
    name: "SymmetryLab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "symlab", targets: ["symlab"]),
        .library(name: "SymLabNumerics", targets: ["SymLabNumerics"]),
        .library(name: "SymLabCore", targets: ["SymLabCore"]),
        .library(name: "SymLabAutodiff", targets: ["SymLabAutodiff"]),
        .library(name: "SymLabOptim", targets: ["SymLabOptim"]),
        .library(name: "SymLabFunctionClasses", targets: ["SymLabFunctionClasses"]),
        .library(name: "SymLabModels", targets: ["SymLabModels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: - Implementation details
        /// BLAS/LAPACK. OpenBLAS on Linux; on macOS the same symbols come from Accelerate.
        .systemLibrary(
            name: "COpenBLAS",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        /// SymmetryLab's C kernels (register-blocked small products, fused ReLU epilogues, the direct
        /// circular convolution, Adam): compiled C, so the build tracks them. -Os in release, measured
        /// (`symlab bench steps`, interleaved with the kernels inlined into Swift from a header, as
        /// before): -O3 made the cyclic CNN's step 24 % slower (f32), SwiftPM's default -O2 the GNN's
        /// 5–8 % (f64); -Os kept every line within about 3 %.
        .target(
            name: "CSymLabKernels",
            cSettings: [.unsafeFlags(["-Os"], .when(configuration: .release))]),
        /// prctl(PR_SET_PDEATHSIG) for `sweep worker` processes (variadic in C, so not callable from
        /// Swift) and mallopt (its header is not in Swift's Glibc module).
        .target(name: "CProcessControl"),

        // MARK: - Public API, bottom to top
        /// Dense tensors, BLAS/LAPACK, seeded random streams.
        .target(
            name: "SymLabNumerics",
            dependencies: [
                .target(name: "COpenBLAS", condition: .when(platforms: [.linux])),
                .target(name: "CSymLabKernels", condition: .when(platforms: [.linux])),
                "CProcessControl",
                .product(name: "RealModule", package: "swift-numerics"),
            ]),
        /// The vocabulary the layers above share: a data set's inputs (dense tensors or graph batches)
        /// and splits, permutations, `key=value` options and their errors, the registry pattern, the
        /// memory budget.
        .target(name: "SymLabCore", dependencies: ["SymLabNumerics"]),
        /// Reverse-mode automatic differentiation over coarse tensor ops.
        .target(name: "SymLabAutodiff", dependencies: ["SymLabNumerics"]),
        /// Optimizers over one flat parameter buffer, schedules, parameter groups.
        .target(
            name: "SymLabOptim",
            dependencies: ["SymLabNumerics", "SymLabAutodiff", .target(name: "CSymLabKernels", condition: .when(platforms: [.linux]))]),
        /// The function classes of the reference papers: seeded data-set generators.
        .target(name: "SymLabFunctionClasses", dependencies: ["SymLabNumerics", "SymLabCore"]),
        /// The students: MLPs, GNNs, cyclic CNNs, frame- and group-averaged networks.
        .target(name: "SymLabModels", dependencies: ["SymLabAutodiff", "SymLabFunctionClasses"]),
        /// Kernel baselines: KRR, RBF/Laplace, ReLU NNGP/NTK, empirical NTK, graph kernels, random features.
        .target(name: "SymLabKernels", dependencies: ["SymLabModels"]),
        /// The trainer: GD/SGD, curves, early stopping, the divergence guard.
        .target(name: "SymLabTraining", dependencies: ["SymLabModels", "SymLabOptim"]),
        /// The feature-learning side: the papers' training schemes (one-step, layer-wise), their
        /// diagnostics and sample-complexity fits, networks and kernels on the same data, and the
        /// statistical-query learners (which ask SymLabTheory's oracle; Theory never imports this).
        .target(name: "SymLabFeatureLearning", dependencies: ["SymLabTraining", "SymLabKernels", "SymLabTheory"]),
        /// Experiment specs (YAML), the SQLite results store, runs, sweeps and the paper figures.
        .target(
            name: "SymLabExperiments",
            dependencies: [
                "SymLabTraining",
                "SymLabFeatureLearning",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        /// Figures (gnuplot), summaries, CSV exports, the theory plots and the paper figures: each a
        /// folder of YAML specs (resources, in a bundle beside the executable) and a Swift file with its builder.
        .target(name: "SymLabReport", dependencies: ["SymLabExperiments", "SymLabTheory"],
                resources: [.copy("PaperFigures/specs")]),
        /// Exact orbit counts, (C)SQ quantities and bounds, the statistical-query oracle, and the
        /// studies `symlab theory` runs.
        .target(
            name: "SymLabTheory",
            dependencies: ["SymLabNumerics", "SymLabFunctionClasses", .product(name: "BigInt", package: "BigInt")]),
        /// The benchmark harness behind `symlab bench`: timing, the core/models/steps/sweep benchmarks,
        /// the PyTorch and JAX peer processes, result tables.
        .target(
            name: "SymLabBench",
            dependencies: [
                "SymLabNumerics", "SymLabAutodiff", "SymLabOptim", "SymLabFunctionClasses", "SymLabModels", "SymLabTraining", "SymLabExperiments", "SymLabFeatureLearning",
                .target(name: "COpenBLAS", condition: .when(platforms: [.linux])),
                .target(name: "CSymLabKernels", condition: .when(platforms: [.linux])),
            ]),
        /// The `symlab` command tree: each command parses its arguments and calls one library function.
        .target(
            name: "SymLabCLI",
            dependencies: [
                "SymLabNumerics", "SymLabFunctionClasses", "SymLabModels", "SymLabKernels", "SymLabFeatureLearning", "SymLabTheory", "SymLabTraining", "SymLabExperiments", "SymLabReport", "SymLabBench", "CProcessControl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "symlab", dependencies: ["SymLabCLI", "SymLabNumerics"]),

        // MARK: - Tests (one target per module)
        .target(name: "SymLabTestSupport", dependencies: ["SymLabNumerics", "SymLabAutodiff", .product(name: "GRDB", package: "GRDB.swift")],
                path: "Tests/SymLabTestSupport"),
        .testTarget(
            name: "SymLabNumericsTests",
            dependencies: ["SymLabNumerics", "SymLabTestSupport", .target(name: "CSymLabKernels", condition: .when(platforms: [.linux]))]),
        .testTarget(name: "SymLabCoreTests", dependencies: ["SymLabCore", "SymLabTestSupport"]),
        .testTarget(name: "SymLabAutodiffTests", dependencies: ["SymLabAutodiff", "SymLabTestSupport"]),
        .testTarget(name: "SymLabOptimTests", dependencies: ["SymLabOptim", "SymLabTestSupport"]),
        .testTarget(name: "SymLabFunctionClassesTests", dependencies: ["SymLabFunctionClasses", "SymLabTestSupport"]),
        .testTarget(name: "SymLabModelsTests", dependencies: ["SymLabModels", "SymLabOptim", "SymLabTestSupport"]),
        .testTarget(name: "SymLabKernelsTests", dependencies: ["SymLabKernels", "SymLabTestSupport"]),
        .testTarget(name: "SymLabTrainingTests", dependencies: ["SymLabTraining", "SymLabTestSupport"]),
        .testTarget(name: "SymLabFeatureLearningTests", dependencies: ["SymLabFeatureLearning", "SymLabExperiments", "SymLabTestSupport"]),
        .testTarget(name: "SymLabExperimentsTests", dependencies: ["SymLabExperiments", "SymLabTestSupport"]),
        .testTarget(name: "SymLabReportTests", dependencies: ["SymLabReport", "SymLabExperiments", "SymLabTraining"]),
        .testTarget(name: "SymLabTheoryTests", dependencies: ["SymLabTheory", "SymLabFunctionClasses", "SymLabTestSupport"]),
        .testTarget(name: "SymLabBenchTests", dependencies: ["SymLabBench", "SymLabModels", "SymLabNumerics"]),
        .testTarget(name: "SymLabCLITests", dependencies: ["SymLabCLI", "SymLabExperiments", "SymLabTestSupport",
                                                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ]
)
