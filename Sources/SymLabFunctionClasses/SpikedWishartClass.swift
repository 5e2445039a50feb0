import Foundation
import SymLabCore
import SymLabNumerics

/// Spiked-Wishart inputs with several spikes, the data of Refinetti & Goldt (ICML 2022, "The
/// dynamics of representation learning in shallow, non-linear autoencoders"):
/// x = Σ_k √(θ_k d)·c_k·u_k + ξ with c_k, ξ standard Gaussian and u_1, …, u_M orthonormal
/// (Haar), so that x ~ N(0, Ω), Ω = I + Σ_k θ_k d·u_k u_kᵀ: M outliers of eigenvalue 1 + θ_k d
/// above a bulk at 1. Autoencoders reconstruct x, so there is nothing to label: the label is 0
/// for every input (documented), and schemes read x alone.
///
/// Why a new class and not `spiked-covariance`: that one is rank one with θ = d^β and a
/// single-index label; the autoencoder papers need M spikes of O(d) strength (θ_k = O(1)) whose
/// order the dynamics learn one by one.
///
/// Why exact random directions and not the authors' estimate: their code draws the spikes'
/// loadings, *estimates* Ω from 10⁴ samples and trains on N(0, Ω̂) (a Marchenko–Pastur-smeared
/// bulk); we sample from Ω itself, so the population quantities (eigenvalues, PCA errors, the
/// ODE's order parameters) are exact.
public struct SpikedWishartClass: RegisteredFunctionClass {
    public static let className = "spiked-wishart"
    public static let summary = "x = Σ_k √(θ_k d) c_k u_k + ξ ~ N(0, I + Σ_k θ_k d u_k u_kᵀ), M orthonormal spikes, label 0 (autoencoder inputs; Refinetti & Goldt 2022)"
    public static let optionDocs = [
        OptionDoc("d", "500", "input dimension (2...65536)"),
        OptionDoc("thetas", "25,9", "spike strengths θ_1, …, θ_M (each > 0, at most d − 1 of them): eigenvalue 1 + θ_k d along u_k"),
        noiseDoc,
    ]
    public let d: Int
    /// θ_k as given (the order of the options; the PCA helpers sort them).
    public let thetas: [Double]
    public let noise: Double
    public let parameters: [String: String]

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 500, range: 2...65536)
        let given = try o.doubles("thetas", in: Interval(0, 1e6, lowerOpen: true), count: 1...(d - 1))
        thetas = given ?? [25, 9]
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        var p = o.resolved
        p["thetas"] = thetas.map(NumberFormat.shortest).joined(separator: ",")
        parameters = p
    }

    /// Every label is exactly 0.
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 0) }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        SpikedWishartTarget(thetas: thetas, directions: rng.orthonormal(rows: thetas.count, cols: d))
    }

    /// The top M eigenvalues of the empirical covariance of 4000 inputs are 1 + θ_k d (relative
    /// standard error √(2/N)) along u_k; the rest are a bulk of mean 1 (Marchenko–Pastur: edges
    /// (1 ± √(d/N))²).
    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng) as! SpikedWishartTarget
        let count = 4000
        let x = t.sampleInputs(count: count, rng: &rng).dense
        var r = PropertyReport(property: "x ~ N(0, I + Σ_k θ_k d u_k u_kᵀ): M outlier eigenvalues 1 + θ_k d along orthonormal u_k, a bulk at 1; label 0")
        orthonormalityCheck(&r, t.directions)
        Self.spectrumChecks(&r, inputs: x, target: t)
        r.exactly("labels other than 0", Double(t.evaluate(.dense(x)).scalars.filter { $0 != 0 }.count), 0)
        return r
    }

    /// The spectrum lines of ``checkDefiningProperty(rng:)`` for any inputs (the tests feed
    /// isotropic inputs to see them fail).
    public static func spectrumChecks(_ r: inout PropertyReport, inputs x: Tensor<Double>, target t: SpikedWishartTarget) {
        let n = x.shape[0], d = x.shape[1], m = t.thetas.count
        let covariance = Tensor.matmul(x, x, transposeA: true).scaled(by: 1 / Double(n))
        guard let (values, vectors) = try? Linalg.eigh(covariance) else {
            r.exactly("eigendecomposition of the empirical covariance failed", 1, 0); return
        }
        let descending = Array(values.scalars.reversed())
        let expected = t.eigenvalues
        let sigmas = 5 * (2 / Double(n)).squareRoot()
        let distinct = Set(t.thetas).count == m
        for k in 0..<m {
            r.near("empirical eigenvalue \(k + 1) / (1 + θ_\(k + 1) d)", descending[k] / expected[k], 1, tolerance: sigmas)
            // The k-th eigenvector (column d − 1 − k of `vectors`) against u_k (sorted by
            // strength); with equal strengths only the spikes' span is defined.
            let column = d - 1 - k
            let overlaps = t.principalDirections.map { u in (0..<d).reduce(0.0) { $0 + vectors.scalars[$1 * d + column] * u[$1] } }
            if distinct {
                r.atMost("1 − |⟨eigenvector \(k + 1), u_\(k + 1)⟩|", 1 - abs(overlaps[k]), 0.05)
            } else {
                r.atMost("1 − ‖projection of eigenvector \(k + 1) on span(u)‖", 1 - overlaps.reduce(0) { $0 + $1 * $1 }.squareRoot(), 0.05)
            }
        }
        let bulk = descending[m...]
        r.near("mean bulk eigenvalue", bulk.reduce(0, +) / Double(bulk.count), 1, tolerance: 5 * (2 / Double(n * bulk.count)).squareRoot() + 0.01)
        let edge = Foundation.pow(1 + (Double(d) / Double(n)).squareRoot(), 2)
        r.atMost("largest bulk eigenvalue / Marchenko–Pastur edge (1 + √(d/N))²", bulk.first! / edge, 1.15)
    }
}

/// One draw of `spiked-wishart`: the spike directions.
public struct SpikedWishartTarget: Target {
    public let thetas: [Double]
    /// u_k as the rows of an [M, d] matrix with orthonormal rows, in the order of `thetas`.
    public let directions: Tensor<Double>
    public var d: Int { directions.shape[1] }
    public var parameters: [String: String] { ["spikes": "\(thetas.count)"] }

    public init(thetas: [Double], directions: Tensor<Double>) {
        precondition(directions.rank == 2 && directions.shape[0] == thetas.count, "SpikedWishartTarget: one direction per θ")
        self.thetas = thetas; self.directions = directions
    }

    /// Spike indices by decreasing θ (PCA's order).
    var order: [Int] { thetas.indices.sorted { thetas[$0] > thetas[$1] || (thetas[$0] == thetas[$1] && $0 < $1) } }

    /// The outlier eigenvalues 1 + θ_k d of Ω, largest first.
    public var eigenvalues: [Double] { order.map { 1 + thetas[$0] * Double(d) } }

    /// The principal directions (unit eigenvectors of the outliers), largest eigenvalue first.
    public var principalDirections: [[Double]] {
        let s = directions.scalars
        return order.map { Array(s[($0 * d)..<(($0 + 1) * d)]) }
    }

    /// tr Ω / d = 1 + Σ_k θ_k: the mean variance of one coordinate.
    public var meanVariance: Double { 1 + thetas.reduce(0, +) }

    /// ½·(1/d)·E‖x − P_m x‖² for P_m the projection on the top m principal directions: the
    /// reconstruction error of the best rank-m linear autoencoder, per output, in the ½·mean
    /// convention of the authors' loss: ½(1 + Σ_{k>m} θ_k − m/d).
    public func pcaError(components m: Int) -> Double {
        precondition(m >= 0, "pcaError: m must be ≥ 0")
        let removed = eigenvalues.prefix(m).reduce(0, +) + Double(Swift.max(0, m - thetas.count))
        return 0.5 * (meanVariance * Double(d) - removed) / Double(d)
    }

    /// x = Σ_k √(θ_k d) c_k u_k + ξ.
    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        var x: Tensor<Double> = rng.normal([count, d])
        let c: Tensor<Double> = rng.normal([count, thetas.count])
        let scale = thetas.map { ($0 * Double(d)).squareRoot() }
        let m = thetas.count, dd = d
        x.withUnsafeMutablePointer { xp in c.withUnsafePointer { cp in directions.withUnsafePointer { up in
            for i in 0..<count {
                for k in 0..<m {
                    let a = scale[k] * cp[i * m + k]
                    for j in 0..<dd { xp[i * dd + j] += a * up[k * dd + j] }
                }
            }
        } } }
        return .dense(x)
    }

    /// 0 for every input: autoencoders reconstruct x.
    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = inputs.dense
        precondition(x.rank == 2 && x.shape[1] == d, "spiked-wishart: inputs must be [N, \(d)], got \(x.shape)")
        return Tensor<Double>(shape: [x.shape[0]])
    }
}
