import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import Testing

// MARK: - Every class

@Test("every registered class passes its own defining-property check", arguments: FunctionClassRegistry.names)
func definingProperty(name: String) {
    for seed: UInt64 in [1, 2] {
        var rng = RandomStream(seed: seed, stream: 7)
        let report = make(name).checkDefiningProperty(rng: &rng)
        #expect(report.passed, "\(name), seed \(seed):\n\(report.description)")
    }
}

@Test("same seed gives bit-identical splits; another seed does not", arguments: FunctionClassRegistry.names)
func reproducible(name: String) {
    let c = make(name, ["noise": "0.1"])
    let a: DatasetSplits<Double> = c.splits(nTrain: 20, nVal: 5, nTest: 5, seed: 42)
    let b: DatasetSplits<Double> = c.splits(nTrain: 20, nVal: 5, nTest: 5, seed: 42)
    #expect(a == b)
    let other: DatasetSplits<Double> = c.splits(nTrain: 20, nVal: 5, nTest: 5, seed: 43)
    #expect(a.train.labels != other.train.labels)
    // The splits are independent draws, and a split's size does not change the others.
    let bigger: DatasetSplits<Double> = c.splits(nTrain: 30, nVal: 5, nTest: 5, seed: 42)
    #expect(bigger.test == a.test)
    #expect(a.train.count == 20 && a.validation.count == 5 && a.test.count == 5)
    let f: DatasetSplits<Float> = c.splits(nTrain: 20, nVal: 5, nTest: 5, seed: 42)
    #expect(f.train.labels == a.train.labels.cast(to: Float.self))
}

@Test("a seed's data: the target and each split from their own sub-stream, drawn on demand", arguments: FunctionClassRegistry.names)
func seededData(name: String) {
    let c = make(name, ["noise": "0.1"])
    let data = SeededData(c, seed: 42)
    let a: DatasetSplits<Double> = c.splits(nTrain: 20, nVal: 5, nTest: 5, seed: 42)
    #expect(data.sample(.train, count: 20, as: Double.self) == a.train)
    #expect(data.sample(.test, count: 5, as: Double.self) == a.test)
    // The target of sub-stream `.target`, the training split of `.trainSplit`.
    let root = RandomStream(seed: 42)
    var targetRNG = root.substream(.target), trainRNG = root.substream(.trainSplit)
    let target = c.drawTarget(rng: &targetRNG)
    #expect(c.sample(count: 20, target: target, rng: &trainRNG, as: Double.self) == a.train)
    // Fresh samples are neither split.
    let fresh: Dataset<Double> = data.freshSamples(5, stream: 0)
    #expect(fresh.count == 5 && fresh != a.test && fresh != a.validation)
}

@Test("label noise has the requested standard deviation", arguments: ["sparse-parity", "er-parity"])
func labelNoise(name: String) {
    var rng = RandomStream(seed: 3)
    let d: Dataset<Double> = make(name, ["noise": "0.5"]).sample(count: 4000, rng: &rng)
    let m = moments(d.labels - d.cleanLabels)
    #expect(abs(m.variance.squareRoot() - 0.5) < 0.03)
}

// MARK: - Bad parameters

@Test("bad parameters stop with a message naming the parameter and its range", arguments: [
    ("er-parity", ["n": "0"], "n", "2...128"),
    ("er-parity", ["p": "1.5"], "p", "[0, 1]"),
    ("er-parity", ["p": "-0.1"], "p", "[0, 1]"),
    ("er-parity", ["n": "16", "k": "9"], "k", "1...4"),
    ("cyclic-pattern-parity", ["width": "2", "k": "4"], "k", "1...3"),
    ("cyclic-frame-parity", ["n": "-3"], "n", "2...64"),
    ("gaussian-gnn", ["k": "3"], "k", "even"),
    ("group-averaged-cnn", ["n": "x"], "n", "2...256"),
    ("symmetric-boolean", ["group": "graph-edges", "n": "9"], "n", "2...8"),
    ("symmetric-boolean", ["group": "tetrahedral"], "group", "cyclic"),
    ("invariant-polynomial", ["inputs": "boolean", "terms": "2"], "terms", "1...1"),
    ("invariant-polynomial", ["degree": "3", "terms": "4"], "terms", "1...3"),
    ("invariant-polynomial", ["n": "8", "support": "9"], "support", "1...8"),
    ("invariant-polynomial", ["group": "cyclic", "support": "4"], "support", "group symmetric"),
    ("invariant-polynomial", ["support": "3", "monomials": "multilinear", "degree": "4"], "degree", "1...3"),
    ("invariant-polynomial", ["group": "cyclic", "monomials": "multilinear"], "monomials", "group symmetric"),
    ("sparse-parity", ["n": "5", "k": "6"], "k", "1...5"),
    ("relu-teacher", ["width": "0"], "width", "1...4096"),
    ("single-index", ["exponent": "3", "degree": "2"], "degree", "3...30"),
    ("single-index", ["coefficients": "1,0,0"], "coefficients", "c_k ≠ 0"),
    ("multi-index", ["d": "4", "r": "5"], "r", "1...4"),
    ("hierarchical", ["q": "0"], "q", "1...6"),
    ("spiked-covariance", ["beta": "1"], "beta", "[0, 1)"),
    ("staircase", ["kind": "custom", "monomials": "1;1,30"], "monomials", "1...20"),
    ("staircase", ["noise": "-1"], "noise", "[0, ∞)"),
])
func badParameters(name: String, options: [String: String], parameter: String, range: String) {
    do {
        _ = try FunctionClassRegistry.make(name, options: options)
        Issue.record("\(name) \(options) was accepted")
    } catch let e as FunctionClassError {
        #expect(e.parameter == parameter)
        #expect(e.description.contains("'\(parameter)'") && e.description.contains(range), "\(e)")
    } catch {
        Issue.record("unexpected error \(error)")
    }
}

@Test func unknownOptionsAndClassesAreErrors() {
    #expect(throws: FunctionClassError.self) { try FunctionClassRegistry.make("sparse-parity", options: ["nn": "3"]) }
    #expect(throws: FunctionClassError.self) { try FunctionClassRegistry.make("no-such-class") }
    #expect(throws: FunctionClassError.self) { try parseOptionList(["n"]) }
    #expect((try? parseOptionList(["n=3", " p = 0.5"])) == ["n": "3", "p": "0.5"])
}

@Test func everyDocumentedOptionIsAccepted() throws {
    for t in FunctionClassRegistry.types {
        for doc in t.optionDocs where doc.defaultValue != "-" && !doc.defaultValue.contains("(") {
            _ = try t.init(options: [doc.key: doc.defaultValue == "random" ? "1" : doc.defaultValue])
        }
    }
}
