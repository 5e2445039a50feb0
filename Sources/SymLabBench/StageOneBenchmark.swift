import Foundation
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabNumerics

/// The layer-wise scheme's stage-1 ridge by its two routes (``LayerwiseScheme/StageOneRoute``)
/// on the same data, side by side: wall time, the peak resident memory each route adds, and how
/// far apart their predictions on a test set are. Data as in `hierarchical-k2`: g(xᵀAx), with
/// the figure's n_val = 4096 and n_test = 8192; `n` is stage 1's sample count.
public struct StageOneBenchmark {
    public let dims: [Int], samples: [Int], routes: [LayerwiseScheme.StageOneRoute], threads: Int, seed: UInt64
    public init(dims: [Int], samples: [Int], routes: [LayerwiseScheme.StageOneRoute], threads: Int, seed: UInt64) {
        precondition(dims.count == samples.count && !dims.isEmpty && !routes.isEmpty && threads >= 1)
        self.dims = dims; self.samples = samples; self.routes = routes; self.threads = threads; self.seed = seed
    }

    public func run(_ print: (String) -> Void) throws {
        BLAS.setThreads(threads)
        print("stage-1 ridge of the layer-wise scheme (k = 2, m₁ = d(d+1)), BLAS threads \(BLAS.threads); peak = VmHWM above the RSS before the fit (reset per route)")
        for (d, n) in zip(dims, samples) {
            let scheme = try LayerwiseScheme(options: [:])
            let c = SchemeContext.make(try FunctionClassRegistry.make("hierarchical", options: ["d": "\(d)"]), nTrain: n, nValidation: 4096, nTest: 8192,
                                       seed: seed, rng: RandomStream(seed: seed, stream: 99))
            let x = try c.matrix(c.train, scheme: "bench"), xv = try c.matrix(c.validation, scheme: "bench"), xt = try c.matrix(c.test, scheme: "bench")
            var rng = RandomStream(seed: seed, stream: 7)
            var v: Tensor<Double> = rng.normal([scheme.featureCount(d: d), d])
            v = v / v.map(.square).sum(axes: [1], keepDims: true).map(.sqrt)
            var predictions: [LayerwiseScheme.StageOneRoute: [Double]] = [:]
            for route in routes {
                let base = ResidentMemory.resetPeak()
                let t0 = Clock.seconds()
                let fit = try scheme.fitStageOne(x, c.train.labels, validation: xv, c.validation.labels, directions: v, route: route)
                let p = fit.predict(xt).scalars
                let seconds = Clock.seconds() - t0
                let peak = ResidentMemory.peak().map { $0 - (base ?? 0) }
                predictions[route] = p
                print("d = \(d), n = \(n), m₁ = \(scheme.featureCount(d: d)), D = \(PowerFeatureSpan.dimension(d: d, power: 2)): \(route.rawValue): "
                      + String(format: "%.1f s", seconds) + ", peak " + (peak.map { String(format: "%.2f GB", Double($0) / 1e9) } ?? "unknown")
                      + ", ridge \(fit.ridge.ridge), validation MSE \(fit.ridge.validationMSE)")
            }
            if let a = predictions[.features], let b = predictions[.span] {
                let diff = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot(), norm = a.map { $0 * $0 }.reduce(0, +).squareRoot()
                print("  span vs features on \(a.count) test points: ‖Δ‖/‖φ‖ = \(String(format: "%.2e", diff / norm))")
            }
        }
    }
}

/// Resident memory from /proc/self (Linux): the peak (VmHWM) and its reset.
enum ResidentMemory {
    /// Resets the peak to the current RSS (writing 5 to /proc/self/clear_refs) and returns the
    /// current RSS in bytes (nil where /proc is unavailable).
    static func resetPeak() -> Int? {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return field("VmRSS")
    }
    static func peak() -> Int? { field("VmHWM") }
    static func field(_ name: String) -> Int? {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in s.split(separator: "\n") where line.hasPrefix(name + ":") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}
