import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// Squared Euclidean distances between the rows of a [M, D] and b [N, D]: ‖a‖² + ‖b‖² − 2·a·bᵀ
/// (one gemm), clamped at 0 against cancellation.
func squaredDistances(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Tensor<Double> {
    let na = rowSquaredNorms(a), nb = rowSquaredNorms(b)
    var g = Tensor.matmul(a, b, transposeB: true)
    let m = a.shape[0], n = b.shape[0]
    g.withUnsafeMutablePointer { p in
        for i in 0..<m { for j in 0..<n { p[i * n + j] = Swift.max(0, na[i] + nb[j] - 2 * p[i * n + j]) } }
    }
    return g
}

/// Radial kernels of the distance: k(x, x′) = exp(−‖x − x′‖²/(2σ²)) (RBF) or exp(−‖x − x′‖/σ)
/// (Laplace). They are the classical "no architecture" baselines of the feature-learning papers.
public struct RadialKernel: Kernel, Sendable {
    public enum Profile: String, Sendable, CaseIterable { case rbf, laplace }
    public let profile: Profile
    /// σ > 0.
    public let bandwidth: Double

    public init(_ profile: Profile, bandwidth: Double) throws {
        guard bandwidth > 0, bandwidth.isFinite else {
            throw KernelError.invalidOption(kernel: profile.rawValue, option: "bandwidth", allowed: "a positive number", got: "\(bandwidth)")
        }
        self.profile = profile
        self.bandwidth = bandwidth
    }

    /// The kernel with σ from the median heuristic on `inputs` (``medianDistance(_:maxPoints:)``).
    public init(_ profile: Profile, medianHeuristicOn inputs: Inputs<Double>) throws {
        let m = try RadialKernel.medianDistance(inputs, kernel: profile.rawValue)
        try self.init(profile, bandwidth: m > 0 ? m : 1)
    }

    public var name: String { "\(profile.rawValue)(σ = \(bandwidth))" }

    public func validate(_ inputs: Inputs<Double>) throws { _ = try flatRows(inputs, kernel: profile.rawValue) }

    public func block(_ a: Inputs<Double>, _ b: Inputs<Double>) -> Tensor<Double> {
        var d2 = squaredDistances(denseMatrix(a), denseMatrix(b))
        let n = d2.count
        switch profile {
        case .rbf:
            let c = -1 / (2 * bandwidth * bandwidth)
            d2.withUnsafeMutablePointer { p in for i in 0..<n { p[i] = Foundation.exp(c * p[i]) } }
        case .laplace:
            let c = -1 / bandwidth
            d2.withUnsafeMutablePointer { p in for i in 0..<n { p[i] = Foundation.exp(c * p[i].squareRoot()) } }
        }
        return d2
    }

    public func scratchBytes(rows: Int, cols: Int) -> Int { MemoryBudget.doubles(rows, cols) }

    /// The median of the pairwise distances ‖x_i − x_j‖, i < j, among the first `maxPoints` inputs:
    /// the standard default bandwidth (it puts k in its informative range for typical pairs).
    /// `kernel`: the kernel the bandwidth is for, named in the error for graph inputs.
    public static func medianDistance(_ inputs: Inputs<Double>, maxPoints: Int = 1000, kernel: String = "rbf") throws -> Double {
        let x = try flatRows(inputs, kernel: kernel)
        let m = Swift.min(maxPoints, x.shape[0])
        guard m >= 2 else { return 1 }
        let d2 = squaredDistances(x.rows(0..<m), x.rows(0..<m))
        var v: [Double] = []
        v.reserveCapacity(m * (m - 1) / 2)
        d2.withUnsafePointer { p in for i in 0..<m { for j in (i + 1)..<m { v.append(p[i * m + j]) } } }
        v.sort()
        let mid = v.count / 2
        let med2 = v.count % 2 == 1 ? v[mid] : 0.5 * (v[mid - 1] + v[mid])
        return med2.squareRoot()
    }
}
