import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import Testing

/// `orbit-lookup`'s defining properties: its predictions are invariant under the class's group,
/// and once every orbit has been seen it makes no error on noise-free labels.
@Suite struct OrbitLookupTests {
    static func context(_ cls: String, _ options: [String: String], n: Int, test: Int = 500, seed: UInt64 = 0) throws -> SchemeContext {
        SchemeContext.make(try FunctionClassRegistry.make(cls, options: options), nTrain: n, nValidation: 0, nTest: test, seed: seed,
                           rng: RandomStream(seed: seed, stream: 99))
    }

    static func table(_ c: SchemeContext) throws -> OrbitLookupTable {
        let form = try #require(c.functionClass as? any GroupInvariantClass).orbitCanonicalForm()
        return OrbitLookupTable(form: form, inputs: c.train.inputs, labels: c.train.labels)
    }

    @Test("predictions are invariant under every element of the group",
          arguments: [("symmetric-boolean", ["group": "cyclic", "n": "10"]), ("symmetric-boolean", ["group": "dihedral", "n": "9"]),
                      ("symmetric-boolean", ["group": "graph-edges", "n": "5"]), ("cyclic-pattern-parity", ["n": "12"]),
                      ("cyclic-frame-parity", ["n": "11"]), ("er-parity", ["n": "6"])])
    func predictionsAreInvariant(name: String, options: [String: String]) throws {
        // Few samples: many test orbits unseen, so both branches (table, training mean) are exercised.
        let c = try Self.context(name, options, n: 20)
        let t = try Self.table(c)
        let p = t.predict(c.test.inputs)
        let coverage = t.coverage(c.test.inputs)
        #expect(coverage > 0 && coverage < 1)
        var rng = RandomStream(seed: 5)
        let elements = t.form.group.elements!
        for g in elements.count <= 24 ? elements : (0..<24).map({ _ in t.form.group.randomElement(rng: &rng) }) {
            #expect(t.predict(t.form.act(g, on: c.test.inputs)) == p, "\(name) \(g)")
        }
    }

    @Test func graphPredictionsAreInvariantUnderNodeRelabelling() throws {
        let c = try Self.context("er-parity", ["n": "7"], n: 100)
        let t = try Self.table(c)
        var rng = RandomStream(seed: 8)
        let g = c.test.inputs.graphs
        let relabelled = g.relabelled(by: (0..<g.count).map { _ in Permutation(rng.permutation(7)) })
        #expect(t.predict(.graphs(relabelled)) == t.predict(c.test.inputs))
    }

    @Test("with every orbit seen the test error is 0",
          arguments: [("symmetric-boolean", ["group": "cyclic", "n": "6"]), ("symmetric-boolean", ["group": "symmetric", "n": "6"]),
                      ("cyclic-frame-parity", ["n": "6"]), ("er-parity", ["n": "4"])])
    func fullCoverageMeansZeroError(name: String, options: [String: String]) throws {
        let m = try OrbitLookupScheme(options: [:]).run(Self.context(name, options, n: 3000)).metrics
        #expect(m["test_orbit_coverage"] == 1 && m[SchemeMetric.testMSE] == 0 && m[SchemeMetric.testLossNormalized] == 0, "\(name)")
        #expect(m[SchemeMetric.trainMSE] == 0 && m["samples_used"] == 3000)
    }

    @Test func orbitsSeenAreCounted() throws {
        // C_6 has 14 orbits on {±1}^6, S_6 has 7; there are 11 graphs on 4 nodes.
        let cases: [(String, [String: String], Double)] = [
            ("symmetric-boolean", ["group": "cyclic", "n": "6"], 14), ("symmetric-boolean", ["group": "symmetric", "n": "6"], 7),
            ("er-parity", ["n": "4"], 11),
        ]
        for (name, options, orbits) in cases {
            #expect(try OrbitLookupScheme(options: [:]).run(Self.context(name, options, n: 3000)).metrics["orbits_seen"] == orbits, "\(name)")
        }
    }

    @Test func theMajorityOfAnOrbitsLabelsWinsUnderNoise() throws {
        // Labels ±1 plus Gaussian noise σ = 0.5: each orbit of C_5 is seen ~100 times; the vote is
        // the clean label even where single signs flip.
        let c = try Self.context("symmetric-boolean", ["group": "cyclic", "n": "5", "noise": "0.5"], n: 800)
        let t = try Self.table(c)
        #expect(t.predict(c.test.inputs) == c.test.cleanLabels)
        #expect(t.table.values.allSatisfy { $0 == 1 || $0 == -1 })
    }

    @Test func unseenOrbitsPredictTheTrainingMean() throws {
        let c = try Self.context("symmetric-boolean", ["group": "cyclic", "n": "16"], n: 5)
        let t = try Self.table(c)
        let mean = c.train.labels.scalars.reduce(0, +) / 5
        #expect(t.fallback == mean && t.orbitsSeen == 5)
        #expect(t.predict(c.test.inputs).scalars.filter { $0 == mean }.count >= 490)
    }

    @Test func refusesClassesWithoutACanonicalForm() throws {
        func reason(_ cls: String, _ options: [String: String]) -> String {
            do { _ = try OrbitLookupScheme(options: [:]).run(Self.context(cls, options, n: 10)); return "" } catch { return "\(error)" }
        }
        #expect(reason("er-parity", ["n": "16"]).contains("n ≤ 8"))
        #expect(reason("sparse-parity", [:]).contains("symmetric-boolean"))
        #expect(throws: FunctionClassError.self) { try OrbitLookupScheme(options: ["sample": "10"]) }
        // The preflight: graphs beyond 8 nodes fail at the start; up to 8, the m! relabellings count.
        let scheme = try OrbitLookupScheme(options: [:])
        func size(_ m: Int) -> SchemeRunSize { SchemeRunSize(nTrain: 100, nValidation: 0, nTest: 100, input: .graphs(nodes: m, features: 1), threads: 1) }
        #expect(scheme.memory(size(16)) == .failsAtStart)
        #expect(scheme.memory(size(8)).networkNumbers >= 40_320 * 28)
    }
}
