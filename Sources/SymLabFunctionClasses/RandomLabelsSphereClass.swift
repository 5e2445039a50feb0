import Foundation
import SymLabCore
import SymLabNumerics

/// Random ±1 labels on a sphere: x uniform on the sphere of radius r in R^d (r = 1 by default:
/// S^{d−1}), y uniform in {−1, +1} and
/// independent of x — the memorisation setting of the width bounds for interpolation (Munteanu,
/// Omlor, Song, Woodruff, ICML 2022, and the over-parameterisation analyses it improves), where
/// nothing can be learnt and the only question is how wide a network must be to fit n points.
///
/// Why a keyed hash and not a label stream: a ``Target`` labels any input it is given, so the
/// label is a function of x — here a keyed hash of x's bit pattern (as ``OrbitLabellingTarget``
/// labels orbits). Distinct inputs get independent fair signs, the same input always the same
/// sign, and the key is drawn per target: every seed has its own labelling, reproducible bit for
/// bit, and training, validation and test points (drawn from their own streams) are labelled
/// independently of each other and of where they lie. Test error is therefore 1/2 for every
/// learner; only training error is meaningful.
///
/// Why a radius: the analyses the paper builds on (Du et al. 2019, Song & Yang 2019) take
/// ‖x‖ = 1 with first-layer weights w ~ N(0, I_d), so a pre-activation w·x has variance 1. The
/// `mlp` in NTK parameterisation divides by √d instead, so on the unit sphere its pre-activations
/// have variance 1/d; on the sphere of radius √d they have variance 1, as in the paper's scaling.
public struct RandomLabelsSphereClass: RegisteredFunctionClass {
    public static let className = "random-labels-sphere"
    public static let summary = "x uniform on the sphere of radius r in R^d (default S^(d−1)), y = ±1 fair and independent of x (memorisation; Munteanu et al. 2022)"
    public static let optionDocs = [
        OptionDoc("d", "16", "input dimension (2...4096); x lies on the sphere of radius `radius` in R^d"),
        OptionDoc("radius", "1", "radius r > 0 of the sphere (‖x‖ = r); r = √d gives an `mlp` in NTK parameterisation pre-activations of variance 1, the scaling of Du et al. / Song & Yang"),
        noiseDoc,
    ]
    public let d: Int
    /// ‖x‖ for every input.
    public let radius: Double
    public let noise: Double
    public let parameters: [String: String]

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 16, range: 2...4096)
        // Read only when given, so that the resolved options (and every file that records them) of
        // a spec on the unit sphere stay as they were.
        radius = o.has("radius") ? try o.double("radius", default: 1, in: .positive) : 1
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    /// Fair signs: E y = 0, E y² = 1.
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }

    public func drawTarget(rng: inout RandomStream) -> any Target { RandomSignTarget(d: d, key: rng.next(), radius: radius) }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng)
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        var r = PropertyReport(property: "x on the sphere of radius \(NumberFormat.shortest(radius)) in R^d; y = ±1, balanced, independent of x; the same x always the same y")
        Self.checkSphereAndIndependence(&r, inputs: x, radius: radius) { t.evaluate(.dense($0)) }
        return r
    }

    /// The checks that make labels random on the sphere, for any inputs and labelling (the tests
    /// run them on labellings that are *not* random, to see them fail): ‖x‖ = r; y ∈ {±1}; the
    /// moments of a fair sign; no linear dependence on x (each E[y x_i] is 0, with standard error
    /// r/√(N d) since E x_i² = r²/d on the sphere); no odd or even dependence (y(x) and y(−x) agree
    /// half the time: sign(x₁)-like labels never agree, |x₁|-like labels always do); and the same
    /// inputs labelled twice get the same labels.
    public static func checkSphereAndIndependence(_ r: inout PropertyReport, inputs x: Tensor<Double>, radius: Double = 1,
                                                  label: (Tensor<Double>) -> Tensor<Double>) {
        let n = x.shape[0], d = x.shape[1], xs = x.scalars
        let y = label(x), ys = y.scalars
        var worstNorm = 0.0
        for i in 0..<n {
            var s = 0.0
            for j in 0..<d { s += xs[i * d + j] * xs[i * d + j] }
            worstNorm = Swift.max(worstNorm, abs(s.squareRoot() - radius) / radius)
        }
        r.atMost(radius == 1 ? "max |‖x‖ − 1|" : "max |‖x‖ − r|/r", worstNorm, 1e-12)
        r.exactly("labels other than ±1", Double(ys.filter { $0 != 1 && $0 != -1 }.count), 0)
        momentChecks(&r, labels: y, documented: LabelMoments(mean: 0, variance: 1), kurtosis: 1)
        var worst = 0.0
        for j in 0..<d {
            var c = 0.0
            for i in 0..<n { c += ys[i] * xs[i * d + j] }
            worst = Swift.max(worst, abs(c / Double(n)) * (Double(n) * Double(d)).squareRoot() / radius)
        }
        r.atMost("max over i of |mean(y·x_i)| in standard errors \(radius == 1 ? "" : "r")/√(N d)", worst, 5)
        let agree = Double(zip(ys, label(-x).scalars).filter { $0 == $1 }.count) / Double(n)
        r.atMost("|P(y(x) = y(−x)) − 1/2| in standard errors 1/(2√N)", abs(agree - 0.5) * 2 * Double(n).squareRoot(), 5)
        r.exactly("labels changed when the same inputs are labelled again", mismatchCount(y, label(x)), 0)
    }
}

/// One random labelling: y(x) = ±1 from a keyed hash of the bits of x's coordinates.
public struct RandomSignTarget: Target {
    public let d: Int
    public let key: UInt64
    /// ‖x‖ of every sampled input.
    public let radius: Double
    /// The radius is recorded only off the unit sphere, so unit-sphere targets record what they did before it existed.
    public var parameters: [String: String] { radius == 1 ? ["key": "\(key)"] : ["key": "\(key)", "radius": NumberFormat.shortest(radius)] }

    public init(d: Int, key: UInt64, radius: Double = 1) {
        self.d = d; self.key = key; self.radius = radius
    }

    /// z ~ N(0, I_d), x = r·z/‖z‖: uniform on the sphere of radius r.
    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        var x: Tensor<Double> = rng.normal([count, d])
        x.withUnsafeMutablePointer { p in
            for i in 0..<count {
                var s = 0.0
                for j in 0..<d { s += p[i * d + j] * p[i * d + j] }
                let inv = radius / s.squareRoot()
                for j in 0..<d { p[i * d + j] *= inv }
            }
        }
        return .dense(x)
    }

    /// The sign of one input: SplitMix64 chained over its coordinates' bit patterns from the key.
    public func label(_ row: UnsafeBufferPointer<Double>) -> Double {
        var h = key
        for v in row {
            var m = SplitMix64(state: h ^ (v.bitPattern &* 0x9E37_79B9_7F4A_7C15))
            h = m.next()
        }
        return h >> 63 == 0 ? 1 : -1
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = inputs.dense
        precondition(x.rank == 2 && x.shape[1] == d, "random-labels-sphere: inputs must be [N, \(d)], got \(x.shape)")
        let n = x.shape[0]
        return x.withUnsafePointer { p in
            Tensor((0..<n).map { i in label(UnsafeBufferPointer(start: p + i * d, count: d)) })
        }
    }
}
