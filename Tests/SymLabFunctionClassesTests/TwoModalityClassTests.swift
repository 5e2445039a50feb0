import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// `two-modality`: x^r = ζ_r s_r y u_r + noise ⟂ u_r; E[y x^r] = p_r s_r u_r, balanced labels,
/// the B-only variant without A's signal.
@Suite struct TwoModalityClassTests {
    static func target(_ options: [String: String], seed: UInt64 = 1) throws -> TwoModalityTarget {
        try #require(SeededData(try FunctionClassRegistry.make("two-modality", options: options), seed: seed).target as? TwoModalityTarget)
    }
    func failed(_ r: PropertyReport) -> [String] { r.checks.filter { !$0.passed }.map(\.name) }

    @Test func theDefiningCheckPassesAlsoWithSignalsPresentOnPartOfTheSamples() throws {
        for options in [["d": "20"], ["d": "12", "p_a": "0.6", "p_b": "0.3", "s_b": "0.2", "sigma": "2"]] {
            var rng = RandomStream(seed: 4)
            let report = try FunctionClassRegistry.make("two-modality", options: options).checkDefiningProperty(rng: &rng)
            #expect(report.passed, "\(report)")
        }
    }

    /// E[y x^r] = p_r s_r u_r on many samples, the label read back from x equals the drawn one
    /// (checked through the sign of each projection), and moving the noise onto u_A or flipping
    /// the strength makes the checks fail.
    @Test func momentsAndBrokenInputs() throws {
        let t = try Self.target(["d": "10", "p_a": "0.5", "s_a": "2"])
        var rng = RandomStream(seed: 6)
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        var ok = PropertyReport(property: "ok")
        TwoModalityClass.checkModalities(&ok, target: t, inputs: x)
        #expect(ok.passed, "\(ok)")
        // Noise along u_A: the projections leave {0, ±s_A}.
        var noisy = x
        noisy.withUnsafeMutablePointer { p in for i in 0..<4000 { for j in 0..<10 { p[i * 20 + j] += 0.01 * Double(i % 7 - 3) * t.uA[j] } } }
        var bad = PropertyReport(property: "noise along u_A")
        TwoModalityClass.checkModalities(&bad, target: t, inputs: noisy)
        #expect(failed(bad).contains("modality A: max distance of ⟨x^A, u_A⟩ from {0, ±s_A} (noise ⟂ u)"))
        // The same inputs judged against s_A = 1: present samples sit at distance 1 from the levels.
        let weaker = TwoModalityTarget(d: 10, uA: t.uA, uB: t.uB, sA: 1, sB: t.sB, pA: 0.5, pB: 1, sigma: 1, key: t.key)
        var wrong = PropertyReport(property: "wrong strength")
        TwoModalityClass.checkModalities(&wrong, target: weaker, inputs: x)
        #expect(!wrong.passed)
    }

    @Test func theBOnlyVariantKeepsTheDirectionsAndRemovesAsSignal() throws {
        let t = try Self.target(["d": "16"])
        let b = t.withoutSignalA
        #expect(b.uA == t.uA && b.uB == t.uB && b.pA == 0 && b.pB == 1)
        var rng = RandomStream(seed: 2)
        let x = b.sampleInputs(count: 300, rng: &rng).dense
        #expect(t.projections(x, modality: 0).allSatisfy { abs($0) < 1e-12 })
        #expect(t.projections(x, modality: 1).allSatisfy { abs(abs($0) - 0.5) < 1e-12 })
        // Labels: the sign of the B projection, balanced.
        let y = b.evaluate(.dense(x)).scalars
        #expect(zip(y, t.projections(x, modality: 1)).allSatisfy { $0 == ($1 > 0 ? 1 : -1) })
        #expect(abs(y.reduce(0, +)) < 5 * 300.0.squareRoot())
    }

    /// With neither signal present the label is a fair coin fixed by x (the keyed hash).
    @Test func noSignalGivesAFixedFairCoin() throws {
        let t = try Self.target(["d": "8", "p_a": "0", "p_b": "0"])
        var rng = RandomStream(seed: 3)
        let x = t.sampleInputs(count: 2000, rng: &rng)
        let y = t.evaluate(x).scalars
        #expect(y == t.evaluate(x).scalars)
        #expect(abs(y.reduce(0, +)) < 5 * 2000.0.squareRoot())
    }

    @Test func sameSeedSameDataBitForBit() throws {
        let c = try FunctionClassRegistry.make("two-modality", options: ["d": "9"])
        let a: DatasetSplits<Double> = c.splits(nTrain: 50, nVal: 0, nTest: 20, seed: 7)
        let b: DatasetSplits<Double> = c.splits(nTrain: 50, nVal: 0, nTest: 20, seed: 7)
        #expect(a.train.inputs.dense.scalars == b.train.inputs.dense.scalars && a.test.labels.scalars == b.test.labels.scalars)
    }
}
