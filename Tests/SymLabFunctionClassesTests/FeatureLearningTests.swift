import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import Testing

// MARK: - Hermite polynomials

@Test("orthonormal Hermite polynomials are orthonormal under Gauss–Hermite quadrature")
func hermiteOrthonormality() {
    let (x, w) = Hermite.quadrature(points: 24)
    #expect(abs(w.reduce(0, +) - 1) < 1e-13)
    for j in 0...12 {
        for k in 0...12 {
            let e = zip(x, w).reduce(0.0) { $0 + $1.1 * Hermite.orthonormal(j, $1.0) * Hermite.orthonormal(k, $1.0) }
            #expect(abs(e - (j == k ? 1 : 0)) < 1e-10, "E[h_\(j) h_\(k)] = \(e)")
        }
    }
    // h_k = He_k/√k!, with He_3 = z³ − 3z.
    #expect(abs(Hermite.probabilists(3, 1.7) - (1.7 * 1.7 * 1.7 - 3 * 1.7)) < 1e-12)
    #expect(abs(Hermite.orthonormal(4, 0.3) - Hermite.probabilists(4, 0.3) / 24.0.squareRoot()) < 1e-14)
    // The rule is exact for E z^{2m} = (2m − 1)!!.
    #expect(abs(zip(x, w).reduce(0.0) { $0 + $1.1 * pow8($1.0) } - 105) < 1e-9)
}

private func pow8(_ z: Double) -> Double { let s = z * z; return s * s * s * s }

@Test func informationExponentOfLinks() {
    #expect(Hermite.informationExponent([0, 0, 1]) == 2)
    #expect(Hermite.informationExponent([0.5, 0, 0, 1]) == 3)
    let c = Hermite.coefficients(of: { $0 * $0 * $0 }, upTo: 4)   // z³ = h_1·3 + h_3·√6
    #expect(abs(c[1] - 3) < 1e-12 && abs(c[3] - 6.0.squareRoot()) < 1e-12 && abs(c[2]) < 1e-12)
}

// MARK: - Index models

@Test("multi-index U has orthonormal rows and labels depend on Ux only", arguments: [["r": "3"], ["r": "4", "g": "random", "linear": "true"]])
func multiIndex(options: [String: String]) {
    var rng = RandomStream(seed: 13)
    let c = make("multi-index", options.merging(["d": "16"]) { a, _ in a })
    let t = c.drawTarget(rng: &rng) as! IndexTarget
    let u = t.projection
    let r = Int(options["r"]!)!
    #expect(u.shape == [r, 16])
    #expect(maxAbsDifference(Tensor.matmul(u, u, transposeB: true), .identity(r)) < 1e-12)
    let x = t.sampleInputs(count: 5000, rng: &rng).dense
    let y = t.evaluate(.dense(x))
    let noise: Tensor<Double> = rng.normal([5000, 16])
    let perp = noise - Tensor.matmul(Tensor.matmul(noise, u, transposeB: true), u)
    #expect(maxAbsDifference(y, t.evaluate(.dense(x + perp))) < 1e-9)
    let m = moments(y)
    #expect(abs(m.mean) < 0.1 && abs(m.variance - 1) < 0.15, "\(m)")
}

@Test("multi-index g=additive is Σᵢσ(uᵢ·x)/√r with σ's coefficients normalised and c0 dropped")
func multiIndexAdditive() throws {
    var rng = RandomStream(seed: 17)
    let c = make("multi-index", ["d": "12", "r": "3", "g": "additive", "coefficients": "5,0,1,0,1"])
    let t = c.drawTarget(rng: &rng) as! IndexTarget
    #expect(t.projection.shape == [3, 12])
    let x = t.sampleInputs(count: 400, rng: &rng).dense
    let z = Tensor.matmul(x, t.projection, transposeB: true)
    let s = 0.5.squareRoot()
    let expected = Tensor((0..<400).map { i in (0..<3).reduce(0.0) { $0 + s * (Hermite.orthonormal(2, z[i, $1]) + Hermite.orthonormal(4, z[i, $1])) } / 3.0.squareRoot() })
    #expect(maxAbsDifference(t.evaluate(.dense(x)), expected) < 1e-10)
    // Options it does not read for g=additive are rejected; a link with only c0 is rejected.
    #expect(throws: FunctionClassError.self) { try FunctionClassRegistry.make("multi-index", options: ["g": "additive", "degree": "4"]) }
    #expect(throws: FunctionClassError.self) { try FunctionClassRegistry.make("multi-index", options: ["g": "additive", "coefficients": "1,0"]) }
    #expect(throws: FunctionClassError.self) { try FunctionClassRegistry.make("multi-index", options: ["coefficients": "0,0,1"]) }
}

@Test("single-index labels have the documented moments", arguments: [["exponent": "1", "degree": "3"], ["exponent": "2"], ["coefficients": "0.5,1,0,1"]])
func singleIndexMoments(options: [String: String]) {
    var rng = RandomStream(seed: 19)
    let c = make("single-index", options.merging(["d": "16"]) { a, _ in a })
    let d: Dataset<Double> = c.sample(count: 20000, rng: &rng)
    let doc = c.documentedMoments!
    let m = d.labelMoments
    #expect(abs(m.mean - doc.mean) < 0.05 && abs(m.variance / doc.variance - 1) < 0.2, "\(m.description) vs \(doc.description)")
}

@Test("spiked covariance: the empirical covariance is close to I + θμμᵀ")
func spikedCovariance() {
    var rng = RandomStream(seed: 23)
    let c = try! SpikedCovarianceClass(options: ["d": "32", "beta": "0.5"])
    let t = c.drawTarget(rng: &rng) as! IndexTarget
    let n = 20000
    let x = t.sampleInputs(count: n, rng: &rng).dense
    let mu = t.projection.reshaped([32])
    let (ratio, worst) = SpikedCovarianceClass.covarianceDeviation(x, mu: mu, theta: c.theta)
    #expect(abs(ratio - 1) < 5 * (2.0 / Double(n)).squareRoot())
    #expect(worst < 6)
    // The standardised index ⟨x, μ⟩/√(1+θ) is N(0, 1).
    let z = Tensor.matvec(x, mu).scaled(by: 1 / (1 + c.theta).squareRoot())
    #expect(abs(moments(z).variance - 1) < 0.05)
    #expect(abs(c.theta - 32.0.squareRoot()) < 1e-12)
}

// MARK: - Documented label variances

@Test("labels have the documented mean 0 and variance 1", arguments: [
    ("sparse-parity", [String: String]()), ("relu-teacher", [:]), ("staircase", [:]), ("staircase", ["kind": "parity"]),
    ("hierarchical", [:]), ("hierarchical", ["feature": "hermite", "d": "12", "k": "3", "q": "2"]),
    ("invariant-polynomial", [:]), ("multi-index", ["g": "random", "degree": "3"]),
])
func documentedVariance(name: String, options: [String: String]) {
    var rng = RandomStream(seed: 29)
    let c = make(name, options)
    #expect(c.documentedMoments == LabelMoments(mean: 0, variance: 1))
    let d: Dataset<Double> = c.sample(count: 20000, rng: &rng)
    let m = d.labelMoments
    let tolerance = name == "hierarchical" ? 0.25 : 0.06
    #expect(abs(m.mean) < 0.06 && abs(m.variance - 1) < tolerance, "\(name) \(options): \(m)")
}

@Test("staircase leap: x1 + x1x2 + x1x2x3 has leap 1, x1x2x3 leap 3")
func leaps() throws {
    #expect(try StaircaseClass(options: [:]).leap == 1)
    #expect(try StaircaseClass(options: ["kind": "parity"]).leap == 3)
    #expect(try StaircaseClass(options: ["kind": "custom", "monomials": "1;1,2,3"]).leap == 2)
    #expect(try StaircaseClass(options: ["kind": "custom", "monomials": "1,2,3;1;1,2"]).leap == 1)
}

@Test("the parity zig-zag is a ReLU network computing (−1)^m at the integers")
func zigZag() {
    let m = 9
    let (b, v, c) = ParityZigZag.reluWeights(maxCount: m)
    for x in stride(from: 0.0, through: Double(m), by: 0.25) {
        let net = c + zip(b, v).reduce(0.0) { $0 + $1.1 * max(0, x - $1.0) }
        #expect(abs(net - ParityZigZag.value(x, maxCount: m)) < 1e-12)
        if x == x.rounded() { #expect(net == (Int(x) % 2 == 0 ? 1 : -1)) }
    }
}

// MARK: - Hierarchical: the degree-≤2 plateau

private func hierarchicalTarget(d: Int, q: Int, seed: UInt64) throws -> HierarchicalTarget {
    var rng = RandomStream(seed: seed)
    let c = try HierarchicalClass(options: ["d": "\(d)", "q": "\(q)"])
    return try #require(c.drawTarget(rng: &rng) as? HierarchicalTarget)
}

@Test("degree-2 plateau for g ∝ z³: the general formula equals the closed form c_i = C(3μ_i + 24μ_i³), and tends to 1 − 9/15 as d grows")
func degreeTwoPlateauClosedForm() throws {
    for (d, seed) in [(5, 1 as UInt64), (16, 2), (32, 3)] {
        let t = try hierarchicalTarget(d: d, q: 3, seed: seed)
        let mu = try #require(t.eigenvalues)
        // E p³ = 8 Σ μ³; Var(p³) from the exact moments; E[h w_i] = C·(6μ + 48μ³), E w_i² = 2.
        let m = t.featureMoments, c2 = 1 / (m[6] - m[3] * m[3])
        var cubes = 0.0, fourths = 0.0, squaredCoefficients = 0.0
        for u in mu {
            let u3: Double = u * u * u
            let ci: Double = 3 * u + 24 * u3
            cubes += u3; fourths += u3 * u; squaredCoefficients += ci * ci
        }
        #expect(abs(m[3] - 8 * cubes) < 1e-12)
        let closed: Double = 1 - 2 * c2 * squaredCoefficients
        let general = try #require(t.degreeTwoLoss)
        #expect(abs(general - closed) < 1e-10, "d = \(d): \(general) vs \(closed)")
        let kurtosis = try #require(t.featureExcessKurtosis)
        #expect(abs(kurtosis - 48 * fourths) < 1e-10)
    }
    // p is a sum of d independent terms: Gaussian as d → ∞, where the plateau is 1 − E[g′(p)]²/E[g(p)²] = 0.4.
    // The corrections are O(1/d) (excess kurtosis of p ≈ 24/d).
    let big = try #require(try hierarchicalTarget(d: 1000, q: 3, seed: 4).degreeTwoLoss)
    let mid = try #require(try hierarchicalTarget(d: 200, q: 3, seed: 4).degreeTwoLoss)
    let small = try #require(try hierarchicalTarget(d: 16, q: 3, seed: 5).degreeTwoLoss)
    #expect(abs(big - 0.4) < 0.01, "d = 1000: \(big)")
    #expect(0.4 < big && big < mid && mid < small && small > 0.5, "d = 1000, 200, 16: \(big), \(mid), \(small)")
    // q = 1: h ∝ p is itself of degree 2.
    #expect(abs(try #require(try hierarchicalTarget(d: 8, q: 1, seed: 6).degreeTwoLoss)) < 1e-12)
}

@Test("degree-2 plateau matches least squares on all monomials of degree ≤ 2 (Monte Carlo, q = 2, d = 6)")
func degreeTwoPlateauMonteCarlo() throws {
    let d = 6, n = 200_000
    let t = try hierarchicalTarget(d: d, q: 2, seed: 7)
    var rng = RandomStream(seed: 8)
    let x = t.sampleInputs(count: n, rng: &rng).dense
    let y = t.evaluate(.dense(x))
    // Features 1, x_i, x_i x_j (i ≤ j).
    var cols: [(Int, Int)] = [(-1, -1)] + (0..<d).map { (-1, $0) }
    for i in 0..<d { for j in i..<d { cols.append((i, j)) } }
    let m = cols.count, xs = x.scalars
    var f = [Double](repeating: 0, count: n * m)
    for r in 0..<n {
        for (k, (i, j)) in cols.enumerated() {
            f[r * m + k] = i < 0 ? (j < 0 ? 1 : xs[r * d + j]) : xs[r * d + i] * xs[r * d + j]
        }
    }
    let phi = Tensor(shape: [n, m], scalars: f)
    let beta = try Linalg.choleskySolve(Tensor.matmul(phi, phi, transposeA: true), Tensor.matvec(phi, y, transpose: true))
    let resid = y - Tensor.matvec(phi, beta)
    let ys = y.scalars, mean = ys.reduce(0, +) / Double(n)
    let fraction = Tensor.dot(resid, resid) / ys.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    let exact = try #require(t.degreeTwoLoss)
    #expect(exact > 0.1 && abs(fraction - exact) < 0.03, "Monte Carlo \(fraction) vs exact \(exact)")
}
