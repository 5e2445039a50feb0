import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// The spiked-Wishart inputs of the autoencoder figure: the spectrum check passes on the class's
/// inputs and fails on isotropic ones, and the PCA errors are the exact residual variances.
@Suite struct SpikedWishartClassTests {
    func target(_ options: [String: String], seed: UInt64 = 3) throws -> SpikedWishartTarget {
        let c = try FunctionClassRegistry.make("spiked-wishart", options: options)
        var rng = RandomStream(seed: seed)
        return try #require(c.drawTarget(rng: &rng) as? SpikedWishartTarget)
    }

    @Test(arguments: [["d": "40"], ["d": "60", "thetas": "2,9,0.5"], ["d": "30", "thetas": "4,4"]])
    func definingPropertyHolds(options: [String: String]) throws {
        let c = try FunctionClassRegistry.make("spiked-wishart", options: options)
        var rng = RandomStream(seed: 11)
        let r = c.checkDefiningProperty(rng: &rng)
        #expect(r.passed, "\(r)")
    }

    /// Isotropic inputs have no outliers: the eigenvalue lines fail.
    @Test func isotropicInputsFailTheSpectrumCheck() throws {
        let t = try target(["d": "40"])
        var rng = RandomStream(seed: 5)
        let x: Tensor<Double> = rng.normal([4000, 40])
        var r = PropertyReport(property: "isotropic")
        SpikedWishartClass.spectrumChecks(&r, inputs: x, target: t)
        #expect(!r.passed)
        #expect(r.checks.filter { $0.name.hasPrefix("empirical eigenvalue") }.allSatisfy { !$0.passed })
    }

    /// PCA_m = ½(1 + Σ_{k>m} θ_k − m/d), strengths sorted whatever the option order; the
    /// principal directions follow the same order and the empirical residual matches.
    @Test func pcaErrorsAreTheResidualVariances() throws {
        let t = try target(["d": "50", "thetas": "9,25"])
        let eigenvalues: [Double] = [1251, 451]
        #expect(t.eigenvalues == eigenvalues)
        let expected: [Double] = [17.5, 0.5 * (10 - 0.02), 0.5 * (1 - 0.04), 0.5 * (1 - 0.06)]
        for (m, e) in expected.enumerated() {
            let gap = abs(t.pcaError(components: m) - e)
            #expect(gap < 1e-12, "PCA\(m)")
        }
        var rng = RandomStream(seed: 8)
        let x = t.sampleInputs(count: 20000, rng: &rng).dense
        // Residual after projecting on the top direction, per coordinate, halved.
        let u = t.principalDirections[0]
        var total = 0.0
        for i in 0..<20000 {
            var p = 0.0
            for j in 0..<50 { p += x[i, j] * u[j] }
            for j in 0..<50 { let r = x[i, j] - p * u[j]; total += r * r }
        }
        let empirical: Double = total / (2 * 20000 * 50)
        let relative: Double = abs(empirical / t.pcaError(components: 1) - 1)
        #expect(relative < 0.04, "\(empirical) vs \(t.pcaError(components: 1))")
        #expect(t.evaluate(.dense(x)).scalars.allSatisfy { $0 == 0 })
    }
}
