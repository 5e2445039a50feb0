import Foundation
import SymLabCore
import SymLabExperiments
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabTraining
import Testing

/// Gaussian elimination over GF(2): the solver on systems with known answers, and the learner's
/// defining property — exact recovery of every parity-type class from about D + 1 samples, and an
/// inconsistent system reported, not hidden, under label noise.
@Suite struct GF2EliminationTests {
    static func context(_ cls: String, _ options: [String: String], n: Int, test: Int = 500, seed: UInt64 = 0) throws -> SchemeContext {
        SchemeContext.make(try FunctionClassRegistry.make(cls, options: options), nTrain: n, nValidation: 0, nTest: test, seed: seed,
                           rng: RandomStream(seed: seed, stream: 99))
    }

    // MARK: - The solver

    @Test func solvesASmallSystemAndReportsItsRank() throws {
        // x0 + x1 = 1, x1 + x2 = 0, x0 + x2 = 1 (dependent: the sum of the first two), x2 = 1.
        var s = GF2LinearSystem(unknowns: 3)
        s.add(GF2Vector(count: 3, ones: [0, 1]), rhs: true)
        s.add(GF2Vector(count: 3, ones: [1, 2]), rhs: false)
        s.add(GF2Vector(count: 3, ones: [0, 2]), rhs: true)
        #expect(s.rank == 2 && !s.isDetermined && s.isConsistent)
        s.add(GF2Vector(count: 3, ones: [2]), rhs: true)
        #expect(s.rank == 3 && s.isDetermined)
        #expect(s.solution() == GF2Vector(count: 3, ones: [1, 2]))
        // A contradiction: x0 + x1 = 0 against the first equation.
        s.add(GF2Vector(count: 3, ones: [0, 1]), rhs: false)
        #expect(!s.isConsistent && s.contradictions == 1 && s.solution() == nil)
    }

    @Test("random systems: the solution satisfies every equation, free unknowns are 0", arguments: [5, 64, 130])
    func randomSystemsAreSolved(unknowns: Int) throws {
        var rng = RandomStream(seed: UInt64(unknowns))
        let truth = GF2Vector(count: unknowns, ones: (0..<unknowns).filter { _ in rng.int(below: 2) == 1 })
        // Fewer equations than unknowns: underdetermined, still consistent.
        var s = GF2LinearSystem(unknowns: unknowns)
        var equations: [GF2Vector] = []
        for _ in 0..<(unknowns / 2 + 1) {
            let a = GF2Vector(count: unknowns, ones: (0..<unknowns).filter { _ in rng.int(below: 2) == 1 })
            equations.append(a)
            s.add(a, rhs: a.dot(truth))
        }
        let x = try #require(s.solution())
        #expect(equations.allSatisfy { $0.dot(x) == $0.dot(truth) })
        #expect(s.rank <= equations.count && !s.isDetermined)
        // Enough random equations determine every unknown, and the solution is the truth.
        for _ in 0..<(unknowns + 40) {
            let a = GF2Vector(count: unknowns, ones: (0..<unknowns).filter { _ in rng.int(below: 2) == 1 })
            s.add(a, rhs: a.dot(truth))
        }
        #expect(s.isDetermined && s.solution() == truth)
    }

    // MARK: - The learner

    /// Each parity class at a small size, with twice its feature count of samples (at least 40).
    static let classes: [(String, [String: String])] = [
        ("sparse-parity", ["n": "20", "k": "3"]),
        ("er-parity", ["n": "16"]),
        ("er-parity", ["n": "24", "k": "2"]),
        ("cyclic-pattern-parity", ["n": "16", "width": "3"]),
        ("cyclic-pattern-parity", ["n": "32", "width": "4"]),
        ("cyclic-frame-parity", ["n": "12", "k": "3"]),
    ]

    @Test("recovers every parity-type class exactly", arguments: classes.indices)
    func recoversEachParityClassExactly(index: Int) throws {
        let (name, options) = Self.classes[index]
        let d = try #require(FunctionClassRegistry.make(name, options: options) as? any ParityStructuredClass).parityDimension
        for seed in UInt64(0)..<3 {
            let m = try GF2EliminationScheme(options: [:]).run(Self.context(name, options, n: Swift.max(2 * d, 40), seed: seed)).metrics
            #expect(m["exact_recovery"] == 1, "\(name) \(options) seed \(seed)")
            #expect(m[SchemeMetric.testMSE] == 0 && m[SchemeMetric.testLossNormalized] == 0 && m[SchemeMetric.trainMSE] == 0)
            #expect(m["gf2_consistent"] == 1 && m["gf2_unknowns"] == Double(d + 1))
            #expect(m["gf2_rank"]! <= Double(d + 1))
        }
    }

    @Test func sparseParityIsRecoveredAsItsExactSetFromNPlusFewSamples() throws {
        // Random ±1 vectors: n + 20 equations in n + 1 unknowns are full rank with probability ≈ 1 − 2^−19.
        let c = try Self.context("sparse-parity", ["n": "100", "k": "5"], n: 120)
        let m = try GF2EliminationScheme(options: [:]).run(c).metrics
        #expect(m["gf2_determined"] == 1 && m["gf2_rank"] == 101 && m["exact_recovery"] == 1 && m[SchemeMetric.testMSE] == 0)
    }

    @Test func tooFewSamplesLeaveTheParityUndetermined() throws {
        let c = try Self.context("sparse-parity", ["n": "40", "k": "3"], n: 100)
        let m = try GF2EliminationScheme(options: ["samples": "10"]).run(c).metrics
        #expect(m["samples_used"] == 10 && m["gf2_rank"] == 10 && m["gf2_determined"] == 0)
        #expect(m["exact_recovery"] == 0 && m[SchemeMetric.testLossNormalized]! > 0.5)
        #expect(m[SchemeMetric.trainMSE] == 0)   // it fits the ten equations it saw
    }

    @Test func labelNoiseIsReportedAsAnInconsistentSystem() throws {
        // σ = 1: about 16 % of the signs flip; 200 equations in 7 unknowns cannot all hold.
        let c = try Self.context("er-parity", ["n": "32", "noise": "1"], n: 200)
        let r = try GF2EliminationScheme(options: [:]).run(c)
        #expect(r.status == .done && r.message == GF2EliminationScheme.inconsistentMessage)
        #expect(r.metrics["gf2_consistent"] == 0 && r.metrics["exact_recovery"] == 0)
        // The fallback predicts the training mean: about the constant predictor's loss.
        let loss = try #require(r.metrics[SchemeMetric.testLossNormalized])
        #expect(loss > 0.9 && loss < 1.2)
    }

    @Test func refusesClassesThatAreNotParitiesAndBadSampleCounts() throws {
        #expect(throws: SchemeError.self) { try GF2EliminationScheme(options: [:]).run(Self.context("symmetric-boolean", ["n": "8"], n: 20)) }
        #expect(throws: FunctionClassError.self) { try GF2EliminationScheme(options: ["samples": "0"]) }
        #expect(throws: FunctionClassError.self) { try GF2EliminationScheme(options: ["samples": "many"]) }
        #expect(throws: SchemeError.self) { try GF2EliminationScheme(options: ["samples": "50"]).run(Self.context("sparse-parity", [:], n: 20)) }
        #expect(try GF2EliminationScheme(options: ["samples": "all"]).run(Self.context("sparse-parity", [:], n: 20)).metrics["samples_used"] == 20)
    }

    @Test func memoryCoversTheLargestFeatureMapAndTheSamplesUsed() throws {
        func size(_ input: InputDescription) -> SchemeRunSize { SchemeRunSize(nTrain: 1000, nValidation: 0, nTest: 500, input: input, threads: 1) }
        // 4096 coordinates: 65 words a row, at most 4097 kept rows.
        let sparse = try GF2EliminationScheme(options: [:]).memory(size(.dense(shape: [4096])))
        #expect(sparse.networkNumbers == 4097 * 65 && sparse.workingNumbers == 1500 * 69)
        // Fewer samples used, a smaller working set; 2^10 pattern bits bound short vectors.
        #expect(try GF2EliminationScheme(options: ["samples": "100"]).memory(size(.dense(shape: [32]))).workingNumbers == 600 * 21)
    }

    // MARK: - Through a spec, the executor and the store

    @Test func specsRunBothQueryLearnersIntoTheStore() throws {
        let yaml = """
            name: query-learners
            data: {class: er-parity, options: {n: 16}, n_train: 64, n_val: 0, n_test: 300}
            scheme: {name: gf2-elimination}
            seeds: 0..1
            sweep:
              product: {scheme.options.samples: [4, 64]}
            """
        let orbitYAML = """
            name: orbit-lookup
            data: {class: symmetric-boolean, options: {group: cyclic, n: 6}, n_train: 400, n_val: 0, n_test: 300}
            scheme: {name: orbit-lookup}
            seeds: [0]
            """
        let specs = [try ExperimentSpec.parse(yaml: yaml, file: "gf2.yaml"), try ExperimentSpec.parse(yaml: orbitYAML, file: "orbit.yaml")]
        let store = try ResultsStore(path: NSTemporaryDirectory() + "symlab-query-\(UUID().uuidString)/results.sqlite")
        for spec in specs { _ = try store.enqueue(spec.runs) }
        var recovered: [Double] = [], coverage: [Double] = []
        while let run = try store.claimNext(environment: RunEnvironment.current(blasThreads: 1)) {
            #expect(RunExecutor.execute(run, store: store) == .done)
            let m = try store.metrics(runID: run.id)
            if let r = m["exact_recovery"] {
                recovered.append(r)
                // 64 samples pin the 5 unknowns (4 central degrees and b); 4 samples cannot.
                let used = try #require(m["samples_used"])
                #expect(used == 4 || used == 64)
                #expect(m["gf2_determined"] == (used == 64 ? 1 : 0))
                if used == 64 { #expect(r == 1 && m[SchemeMetric.testMSE] == 0) }
            } else {
                coverage.append(try #require(m["test_orbit_coverage"]))
                #expect(m["orbits_seen"] == 14 && m[SchemeMetric.testLossNormalized] == 0)
            }
        }
        #expect(recovered.count == 4 && coverage == [1])
        #expect(try store.statusCounts() == [.done: 5])
    }
}
