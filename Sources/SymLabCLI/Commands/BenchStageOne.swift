import ArgumentParser
import SymLabBench
import SymLabFeatureLearning

extension SymLab.Bench {
    /// `symlab bench stage1`: the layer-wise scheme's stage-1 ridge, feature matrix vs span.
    struct StageOne: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stage1",
            abstract: "The layer-wise scheme's stage-1 ridge by the n × m₁ feature matrix and by the span of the features, on the same data: time, peak memory, prediction difference.",
            discussion: """
                Data: g(xᵀAx) as in hierarchical-k2 (n_val 4096, n_test 8192), m₁ = d(d+1) random \
                (v·x)² features. --samples is stage 1's n, one per --dims entry (the figure's stage 1 \
                uses half its n). Each route runs once; its peak is the resident memory it adds.
                """)
        @Option(help: "Dimensions (comma-separated).") var dims = "48,96"
        @Option(help: "Stage-1 sample counts, one per dimension (comma-separated).") var samples = "9216,36864"
        @Option(help: "Routes (comma-separated): features, span.") var routes = "features,span"
        @Option(help: "BLAS threads.") var threads = 1
        @Option(help: "Seed of the data and the directions.") var seed: UInt64 = 0

        func list(_ s: String) -> [Int]? {
            let p = s.split(separator: ",").map { Int($0.trimmingCharacters(in: " ")) }
            return p.isEmpty || p.contains(where: { ($0 ?? 0) < 1 }) ? nil : p.map { $0! }
        }
        var parsedRoutes: [LayerwiseScheme.StageOneRoute]? {
            let p = routes.split(separator: ",").map { LayerwiseScheme.StageOneRoute(rawValue: $0.trimmingCharacters(in: " ")) }
            return p.isEmpty || p.contains(where: { $0 == nil }) ? nil : p.map { $0! }
        }

        func validate() throws {
            guard let d = list(dims), let n = list(samples), d.count == n.count else {
                throw ValidationError("--dims and --samples must be comma-separated positive integers, as many of each")
            }
            guard parsedRoutes != nil else { throw ValidationError("--routes must list features and/or span, got '\(routes)'") }
            guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1") }
        }

        func run() throws {
            try StageOneBenchmark(dims: list(dims)!, samples: list(samples)!, routes: parsedRoutes!, threads: threads, seed: seed).run { print($0) }
        }
    }
}
