import Foundation
import SymLabCore
import SymLabNumerics

/// Two modalities with a shared latent label, the data of the modality-competition analysis
/// (Huang, Lin, Zhou, Yang, Huang, ICML 2022, "Modality competition: what makes joint training of
/// multi-modal network fail in deep learning? (provably)"): y = ±1 fair, and for r ∈ {A, B}
///
///   x^r = ζ_r s_r y u_r + ξ_r,   ζ_r ~ Bernoulli(p_r),   ξ_r ~ N(0, (σ²/d)(I − u_r u_rᵀ)),
///
/// u_r a random unit vector of R^d drawn per target, the input the concatenation [x^A, x^B] ∈ R^{2d}.
/// So E[y x^r] = p_r s_r u_r, and s_A > s_B makes A the stronger modality.
///
/// Why this form and not the paper's: the paper's sparse-coding distribution (a dictionary per
/// modality, the label feature present on part of the samples) could not be read here; this
/// keeps what its argument uses — one label direction per modality, of strength s_r, present
/// with probability p_r, among noise that carries no label information — and the noise is
/// projected off u_r so that ⟨x^r, u_r⟩ ∈ {0, ±s_r} exactly: the signal a modality carries is
/// its stated strength, not a Gaussian-perturbed one.
///
/// Why the label is read back from x: a ``Target`` labels any input. ⟨x^r, u_r⟩ = ζ_r s_r y, so y
/// is the sign of the first modality whose projection is at least s_r/2; when neither carries
/// its signal (ζ_A = ζ_B = 0, possible only for p_A, p_B < 1) nothing in x depends on y, and the
/// label is a fair coin from a keyed hash of x (``RandomSignTarget/label(_:)``).
public struct TwoModalityClass: RegisteredFunctionClass {
    public static let className = "two-modality"
    public static let summary = "two modalities x^r = ζ_r s_r y u_r + noise ⟂ u_r (r = A, B; ζ_r ~ Bernoulli(p_r)), input [x^A, x^B] ∈ R^(2d), label y = ±1 (Huang et al. 2022, modality competition)"
    public static let optionDocs = [
        OptionDoc("d", "100", "dimension of each modality (2...4096); inputs are [x^A, x^B] ∈ R^(2d)"),
        OptionDoc("s_a", "1", "signal strength s_A of modality A (> 0)"),
        OptionDoc("s_b", "0.5", "signal strength s_B of modality B (> 0)"),
        OptionDoc("p_a", "1", "probability p_A that modality A carries its signal, in [0, 1]"),
        OptionDoc("p_b", "1", "probability p_B that modality B carries its signal, in [0, 1]"),
        OptionDoc("sigma", "1", "noise scale σ ≥ 0: ξ_r ~ N(0, (σ²/d)(I − u_r u_rᵀ)), so ‖ξ_r‖ ≈ σ"),
        noiseDoc,
    ]
    public let d: Int
    public let sA: Double, sB: Double, pA: Double, pB: Double, sigma: Double
    public let noise: Double
    public let parameters: [String: String]

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        d = try o.int("d", default: 100, range: 2...4096)
        sA = try o.double("s_a", default: 1, in: .positive)
        sB = try o.double("s_b", default: 0.5, in: .positive)
        pA = try o.double("p_a", default: 1, in: .unit)
        pB = try o.double("p_b", default: 1, in: .unit)
        sigma = try o.double("sigma", default: 1, in: .nonNegative)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    /// Fair signs: E y = 0, E y² = 1.
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        func direction() -> [Double] { (rng.orthonormal(rows: 1, cols: d) as Tensor<Double>).scalars }
        let a = direction(), b = direction()
        return TwoModalityTarget(d: d, uA: a, uB: b, sA: sA, sB: sB, pA: pA, pB: pB, sigma: sigma, key: rng.next())
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        guard let t = drawTarget(rng: &rng) as? TwoModalityTarget else { preconditionFailure("two-modality draws TwoModalityTarget") }
        let n = 4000
        var r = PropertyReport(property: "x^r = ζ_r s_r y u_r + ξ_r with ξ_r ⟂ u_r: E[y x^r] = p_r s_r u_r, ⟨x^r, u_r⟩ ∈ {0, ±s_r} with the sign of y, labels balanced; the B-only variant has no A signal")
        Self.checkModalities(&r, target: t, inputs: t.sampleInputs(count: n, rng: &rng).dense)
        let bOnly = t.withoutSignalA
        let xb = bOnly.sampleInputs(count: 500, rng: &rng).dense
        r.atMost("B-only variant: max |⟨x^A, u_A⟩|", t.projections(xb, modality: 0).map(abs).max() ?? 0, 1e-12)
        // Where B carries its signal the label is its sign; elsewhere (p_B < 1) a fair coin.
        let projB = t.projections(xb, modality: 1), yb = bOnly.evaluate(.dense(xb)).scalars
        r.exactly("B-only variant: labels other than sign⟨x^B, u_B⟩ where B carries its signal",
                  Double(zip(projB, yb).filter { abs($0) >= sB / 2 && ($0 > 0 ? 1.0 : -1.0) != $1 }.count), 0)
        return r
    }

    /// The checks on any inputs [N, 2d] labelled by `target` (the tests run them on inputs that
    /// break the property, to see them fail): labels ±1 and balanced; per modality, the
    /// projection ⟨x^r, u_r⟩ is 0 or ±s_r (noise exactly ⟂ u_r) with the label's sign, present on a
    /// fraction p_r (5 standard errors); E[y x^r] = p_r s_r u_r along u_r and, off u_r, a mean of
    /// norm ≈ σ/√N (bound 5σ/√N); the noise energy E‖ξ_r‖² = σ²(d − 1)/d (5 standard errors).
    public static func checkModalities(_ r: inout PropertyReport, target t: TwoModalityTarget, inputs x: Tensor<Double>) {
        let n = x.shape[0], d = t.d, xs = x.scalars
        let y = t.evaluate(.dense(x)).scalars
        r.exactly("labels other than ±1", Double(y.filter { $0 != 1 && $0 != -1 }.count), 0)
        momentChecks(&r, labels: Tensor(y), documented: LabelMoments(mean: 0, variance: 1), kurtosis: 1)
        let nn = Double(n)
        for (m, name) in ["A", "B"].enumerated() {
            let u = m == 0 ? t.uA : t.uB, s = m == 0 ? t.sA : t.sB, p = m == 0 ? t.pA : t.pB
            let proj = t.projections(x, modality: m)
            var offLevel = 0.0, wrongSign = 0.0, present = 0.0, energy = 0.0
            var mean = [Double](repeating: 0, count: d)
            for i in 0..<n {
                let a = proj[i]
                offLevel = Swift.max(offLevel, Swift.min(abs(a), abs(abs(a) - s)))
                if abs(a) > s / 2 { present += 1; if (a > 0 ? 1.0 : -1.0) != y[i] { wrongSign += 1 } }
                for j in 0..<d {
                    let v = xs[i * 2 * d + m * d + j]
                    mean[j] += y[i] * v / nn
                    let xi = v - a * u[j]
                    energy += xi * xi / nn
                }
            }
            r.atMost("modality \(name): max distance of ⟨x^\(name), u_\(name)⟩ from {0, ±s_\(name)} (noise ⟂ u)", offLevel, 1e-12 * Swift.max(1, s))
            r.exactly("modality \(name): samples whose signal has the wrong sign", wrongSign, 0)
            r.near("modality \(name): fraction carrying the signal", present / nn, p, tolerance: 5 * (p * (1 - p) / nn).squareRoot() + 1e-12)
            let along = zip(mean, u).reduce(0) { $0 + $1.0 * $1.1 }
            r.near("modality \(name): ⟨E[y x^\(name)], u_\(name)⟩", along, p * s, tolerance: 5 * s * (p * (1 - p) / nn).squareRoot() + 1e-10)
            let off = zip(mean, u).reduce(0) { $0 + ($1.0 - along * $1.1) * ($1.0 - along * $1.1) }.squareRoot()
            r.atMost("modality \(name): ‖E[y x^\(name)] − its u_\(name) part‖ in units σ/√N", off / Swift.max(t.sigma, 1e-300) * nn.squareRoot(), 5)
            let expected = t.sigma * t.sigma * Double(d - 1) / Double(d)
            r.near("modality \(name): E‖ξ‖²", energy, expected, tolerance: 5 * t.sigma * t.sigma * (2 / (Double(d) * nn)).squareRoot() + 1e-12)
        }
    }
}

/// One draw of ``TwoModalityClass``: the two unit directions and the key of the no-signal coin.
public struct TwoModalityTarget: Target {
    public let d: Int
    /// The label directions u_A, u_B (unit vectors of R^d).
    public let uA: [Double], uB: [Double]
    public let sA: Double, sB: Double, pA: Double, pB: Double, sigma: Double
    public let key: UInt64

    public init(d: Int, uA: [Double], uB: [Double], sA: Double, sB: Double, pA: Double, pB: Double, sigma: Double, key: UInt64) {
        precondition(uA.count == d && uB.count == d, "two-modality: directions must have d = \(d) entries")
        self.d = d; self.uA = uA; self.uB = uB; self.sA = sA; self.sB = sB; self.pA = pA; self.pB = pB; self.sigma = sigma; self.key = key
    }

    public var parameters: [String: String] {
        ["key": "\(key)", "p_a": NumberFormat.shortest(pA), "u_a[0]": NumberFormat.shortest(uA[0]), "u_b[0]": NumberFormat.shortest(uB[0])]
    }

    /// The same directions with modality A's signal removed (ζ_A = 0): the second test set, on
    /// which a network that learned only A is at chance and one that learned B is not.
    public var withoutSignalA: TwoModalityTarget {
        TwoModalityTarget(d: d, uA: uA, uB: uB, sA: sA, sB: sB, pA: 0, pB: pB, sigma: sigma, key: key)
    }

    /// Per sample, from `rng` in this order: the noise of both modalities as one [count, 2d]
    /// Gaussian block, then per sample y (a fair sign), ζ_A, ζ_B.
    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        var x: Tensor<Double> = rng.normal([count, 2 * d], std: sigma / Double(d).squareRoot())
        var signs = [(y: Double, a: Bool, b: Bool)]()
        signs.reserveCapacity(count)
        for _ in 0..<count {
            let y = rng.rademacher()
            signs.append((y, rng.bernoulli(pA), rng.bernoulli(pB)))
        }
        x.withUnsafeMutablePointer { p in
            for i in 0..<count {
                for (m, u, s, on) in [(0, uA, sA, signs[i].a), (1, uB, sB, signs[i].b)] {
                    let row = p + i * 2 * d + m * d
                    var c = 0.0
                    for j in 0..<d { c += row[j] * u[j] }
                    // ξ − ⟨ξ, u⟩u, then the signal along u.
                    let shift = (on ? s * signs[i].y : 0) - c
                    for j in 0..<d { row[j] += shift * u[j] }
                }
            }
        }
        return .dense(x)
    }

    /// ⟨x^r, u_r⟩ for every row of x [N, 2d]; modality 0 is A, 1 is B.
    public func projections(_ x: Tensor<Double>, modality m: Int) -> [Double] {
        precondition(x.rank == 2 && x.shape[1] == 2 * d, "two-modality: inputs must be [N, \(2 * d)], got \(x.shape)")
        let u = m == 0 ? uA : uB
        return x.withUnsafePointer { p in
            (0..<x.shape[0]).map { i in
                let row = p + i * 2 * d + m * d
                var c = 0.0
                for j in 0..<d { c += row[j] * u[j] }
                return c
            }
        }
    }

    /// y = the sign of ⟨x^A, u_A⟩ if |⟨x^A, u_A⟩| ≥ s_A/2, else of ⟨x^B, u_B⟩ if that is ≥ s_B/2,
    /// else a fair coin keyed on x (no modality carries the label).
    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = inputs.dense
        let a = projections(x, modality: 0), b = projections(x, modality: 1)
        let coin = RandomSignTarget(d: 2 * d, key: key)
        return x.withUnsafePointer { p in
            Tensor((0..<x.shape[0]).map { i in
                if abs(a[i]) >= sA / 2 { return a[i] > 0 ? 1 : -1 }
                if abs(b[i]) >= sB / 2 { return b[i] > 0 ? 1 : -1 }
                return coin.label(UnsafeBufferPointer(start: p + i * 2 * d, count: 2 * d))
            })
        }
    }
}
