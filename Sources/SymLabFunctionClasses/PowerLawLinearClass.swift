import Foundation
import SymLabCore
import SymLabNumerics

/// Linear regression with Gaussian inputs of power-law covariance: x ~ N(0, H), H = diag(λ),
/// y = ⟨w*, x⟩ + ε, ε ~ N(0, σ²) — the setting of the overparameterized SGD analyses (Zou et
/// al. 2021; Wu, Zou, Braverman, Gu, Kakade, ICML 2022), where the excess risk of w is
/// (w − w*)ᵀH(w − w*) and depends on the spectrum and on w*'s coefficients in its eigenbasis.
///
/// Why H is diagonal: SGD on Gaussian data is rotation-equivariant (rotating x and w* together
/// rotates every iterate), so the risk of any first-order method from w₀ = 0 depends only on
/// (λ_i, w*_i) in the eigenbasis; a random rotation would cost d² per sample and change nothing.
///
/// Spectrum (`spectrum`): `power`, λ_i = i^(−a); `log-power`, λ_i = i⁻¹·log⁻²(i + 1) (summable
/// but with a heavier tail than any i^(−a), a > 1). Teacher: w*_i = i^(−b) (b = 0: flat). Neither
/// is normalised: the label variance Σ λ_i w*_i² is documented instead.
public struct PowerLawLinearClass: RegisteredFunctionClass {
    public static let className = "power-law-linear"
    public static let summary = "linear y = ⟨w*, x⟩ + noise, x ~ N(0, diag(λ)), λ_i = i^(−a) or i⁻¹log⁻²(i+1), w*_i = i^(−b) (Wu et al. 2022)"
    public static let optionDocs = [
        OptionDoc("d", "2000", "input dimension (1...1000000)"),
        OptionDoc("spectrum", "power", "power (λ_i = i^(−a)) or log-power (λ_i = i⁻¹·log⁻²(i+1))"),
        OptionDoc("a", "2", "decay exponent of the power spectrum (> 0)"),
        OptionDoc("b", "1", "decay exponent of the teacher, w*_i = i^(−b) (≥ 0; 0 is flat)"),
        noiseDoc,
    ]
    public let d: Int, spectrum: String, a: Double, b: Double, noise: Double
    public let parameters: [String: String]

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 2000, range: 1...1_000_000)
        spectrum = try o.choice("spectrum", default: "power", among: ["power", "log-power"])
        a = try o.double("a", default: 2, in: .positive)
        b = try o.double("b", default: 1, in: .nonNegative)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    /// λ_i for i = 1…d.
    public var eigenvalues: [Double] {
        (1...d).map { i in
            let x = Double(i)
            return spectrum == "power" ? Foundation.pow(x, -a) : 1 / (x * Foundation.pow(Foundation.log(x + 1), 2))
        }
    }

    public var teacher: [Double] { (1...d).map { Foundation.pow(Double($0), -b) } }

    /// E y = 0, Var y = Σ λ_i w*_i² (noise-free).
    public var documentedMoments: LabelMoments? {
        LabelMoments(mean: 0, variance: zip(eigenvalues, teacher).reduce(0) { $0 + $1.0 * $1.1 * $1.1 })
    }

    /// Nothing is random in the target: the spectrum and teacher are the options'.
    public func drawTarget(rng: inout RandomStream) -> any Target {
        LinearGaussianTarget(eigenvalues: Tensor(shape: [d], scalars: eigenvalues), teacher: Tensor(shape: [d], scalars: teacher))
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng) as! LinearGaussianTarget
        let count = 4000
        let x = t.sampleInputs(count: count, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "E x_i² = λ_i (diagonal covariance of the stated spectrum); y = ⟨w*, x⟩ exactly; moments as documented")
        // Standardised deviation of each coordinate's second moment: Var(x_i²) = 2λ_i².
        let lambda = t.eigenvalues.scalars, xs = x.scalars
        var worst = 0.0
        for i in 0..<d {
            var m = 0.0
            for n in 0..<count { m += xs[n * d + i] * xs[n * d + i] }
            m /= Double(count)
            worst = Swift.max(worst, abs(m - lambda[i]) / (lambda[i] * (2 / Double(count)).squareRoot()))
        }
        r.atMost("max standardised |mean x_i² − λ_i|", worst, 6)
        let direct = Tensor.matvec(x, t.teacher)
        r.atMost("max relative |y − ⟨w*, x⟩|", maxRelativeDifference(y, direct), 1e-12)
        momentChecks(&r, labels: y, documented: documentedMoments)
        return r
    }
}

/// A linear teacher on Gaussian inputs with diagonal covariance: what a linear-regression learner
/// needs to compute its exact excess risk (w − w*)ᵀH(w − w*).
public struct LinearGaussianTarget: Target {
    /// The diagonal of H, [d].
    public let eigenvalues: Tensor<Double>
    /// w*, [d].
    public let teacher: Tensor<Double>
    public var d: Int { eigenvalues.count }

    public var parameters: [String: String] {
        ["trace_h": NumberFormat.shortest(eigenvalues.scalars.reduce(0, +)),
         "teacher_norm": NumberFormat.shortest(Tensor.dot(teacher, teacher).squareRoot())]
    }

    /// x = √λ ⊙ z, z ~ N(0, I), row by row.
    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        var x: Tensor<Double> = rng.normal([count, d])
        let scale = eigenvalues.scalars.map { $0.squareRoot() }
        x.withUnsafeMutablePointer { p in
            for n in 0..<count { for i in 0..<d { p[n * d + i] *= scale[i] } }
        }
        return .dense(x)
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> { Tensor.matvec(inputs.dense, teacher) }

    /// (w − w*)ᵀH(w − w*): the excess population risk of the linear predictor w.
    public func excessRisk(_ w: Tensor<Double>) -> Double {
        let l = eigenvalues.scalars, s = teacher.scalars
        return w.withUnsafePointer { wp in
            var r = 0.0
            for i in 0..<l.count { let e = wp[i] - s[i]; r += l[i] * e * e }
            return r
        }
    }
}
