import Foundation
import SymLabCore
import SymLabNumerics

/// The stripe model with a depleted decision boundary (Tomasini, Sclocchi, Wyart, ICML 2022,
/// "Failure and success of the spectral bias prediction for Laplace kernel ridge regression: the
/// case of low-dimensional data"): f(x) = sign(x₁) on [−1, 1]^d, where x₁ has density
/// p(x₁) = (χ + 1)/2 · |x₁|^χ and x₂…x_d are uniform on [−1, 1].
///
/// Why this class: χ > 0 makes data scarce near the boundary x₁ = 0, where the target jumps. The
/// paper shows that this is what breaks the spectral-bias (eigenlearning / replica) prediction of
/// kernel ridge regression at small ridge; χ = 0 is the uniform stripe, where it holds.
///
/// Sampling: |x₁| = U^{1/(χ+1)} (inverse CDF of |x₁|, whose CDF is t^{χ+1}) with an independent
/// random sign, so E|x₁|^k = (χ + 1)/(χ + 1 + k). Labels are ±1 (x₁ = 0, probability 2⁻⁵³ per
/// draw, is labelled +1); E y = 0 and Var y = 1.
public struct DepletedStripeClass: RegisteredFunctionClass {
    public static let className = "depleted-stripe"
    public static let summary = "sign(x₁) on [−1,1]^d with x₁ of density ∝ |x₁|^χ (data depleted at the boundary), other coordinates uniform (Tomasini et al. 2022)"
    public static let optionDocs = [
        OptionDoc("d", "2", "input dimension (1...10000)"),
        OptionDoc("chi", "1", "χ ≥ 0: x₁ has density ∝ |x₁|^χ (0: uniform)"),
        noiseDoc,
    ]
    public let d: Int, chi: Double, noise: Double
    public let parameters: [String: String]

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 2, range: 1...10_000)
        chi = try o.double("chi", default: 1, in: Interval(0, 1000))
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }

    /// Nothing is random in the target: the boundary is the hyperplane x₁ = 0.
    public func drawTarget(rng: inout RandomStream) -> any Target { DepletedStripeTarget(d: d, chi: chi) }

    /// E|x₁|^k = (χ+1)/(χ+1+k) for k = 1, 2, 4 (standardised deviations), the fraction of
    /// |x₁| < 0.1 against 0.1^{χ+1}, E x_j² = 1/3 for the other coordinates, labels = sign(x₁).
    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = DepletedStripeTarget(d: d, chi: chi)
        let count = 20_000
        let x = t.sampleInputs(count: count, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "x₁ has density ∝ |x₁|^χ (moments E|x₁|^k = (χ+1)/(χ+1+k)), the other coordinates uniform on [−1, 1], y = sign(x₁)")
        let xs = x.scalars
        let n = Double(count)
        for k in [1.0, 2.0, 4.0] {
            let exact = (chi + 1) / (chi + 1 + k)
            let second = (chi + 1) / (chi + 1 + 2 * k)
            let mean = (0..<count).reduce(0.0) { $0 + Foundation.pow(abs(xs[$1 * d]), k) } / n
            r.atMost("standardised |mean |x₁|^\(Int(k)) − (χ+1)/(χ+1+\(Int(k)))|", abs(mean - exact) / ((second - exact * exact) / n).squareRoot(), 5)
        }
        // The depletion itself: P(|x₁| < 0.1) = 0.1^{χ+1}.
        let near = Double((0..<count).filter { abs(xs[$0 * d]) < 0.1 }.count) / n
        let pNear = Foundation.pow(0.1, chi + 1)
        r.atMost("standardised |P̂(|x₁| < 0.1) − 0.1^(χ+1)|", abs(near - pNear) / (pNear * (1 - pNear) / n).squareRoot(), 5)
        if d > 1 {
            var worst = 0.0
            for j in 1..<d {
                let m = (0..<count).reduce(0.0) { $0 + xs[$1 * d + j] * xs[$1 * d + j] } / n
                // Var(x²) for x uniform on [−1, 1]: 1/5 − 1/9.
                worst = Swift.max(worst, abs(m - 1.0 / 3) / ((1.0 / 5 - 1.0 / 9) / n).squareRoot())
            }
            r.atMost("max standardised |mean x_j² − 1/3|, j ≥ 2", worst, 6)
        }
        let signs = Tensor(shape: [count], scalars: (0..<count).map { xs[$0 * d] >= 0 ? 1.0 : -1.0 })
        r.exactly("labels ≠ sign(x₁)", mismatchCount(y, signs), 0)
        momentChecks(&r, labels: y, documented: documentedMoments, kurtosis: 1)
        return r
    }
}

/// sign(x₁) with x₁ depleted at 0 (``DepletedStripeClass``).
public struct DepletedStripeTarget: Target {
    public let d: Int, chi: Double
    public var parameters: [String: String] { [:] }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        var x = Tensor<Double>(shape: [count, d])
        let power = 1 / (chi + 1)
        x.withUnsafeMutablePointer { p in
            for i in 0..<count {
                let magnitude = Foundation.pow(rng.uniform(), power)
                p[i * d] = rng.rademacher() * magnitude
                if d > 1 { for j in 1..<d { p[i * d + j] = rng.uniform(-1, 1) } }
            }
        }
        return .dense(x)
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = inputs.dense
        let n = x.shape[0]
        return x.withUnsafePointer { p in Tensor(shape: [n], scalars: (0..<n).map { p[$0 * d] >= 0 ? 1.0 : -1.0 }) }
    }
}
