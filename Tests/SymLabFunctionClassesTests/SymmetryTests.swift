import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import Testing

// MARK: - Graph classes: node relabelling

@Test("H_ER,n labels are exactly invariant under random node relabellings", arguments: [UInt64(11), 12, 13])
func erParityInvariance(seed: UInt64) {
    var rng = RandomStream(seed: seed)
    let c = make("er-parity", ["n": "12"])
    let t = c.drawTarget(rng: &rng)
    let g = t.sampleInputs(count: 300, rng: &rng).graphs
    let moved = g.relabelled(by: (0..<g.count).map { _ in Permutation(rng.permutation(12)) })
    #expect(moved.adjacency != g.adjacency)
    #expect(t.evaluate(.graphs(moved)) == t.evaluate(.graphs(g)))
}

@Test func graphBatchLayoutsAgree() {
    var rng = RandomStream(seed: 5)
    let g = GraphBatch(adjacency: ErdosRenyi.sample(count: 4, nodes: 6, p: 0.5, rng: &rng))
    for b in 0..<g.count {
        for (s, t) in g.edges(ofGraph: b) {
            #expect(g.adjacency[b, s, t] == 1 && g.adjacency[b, t, s] == 1)
        }
        let edges = Int(g.adjacency.rows(b..<(b + 1)).sum().scalar)
        #expect(g.edgeCounts[b] == edges)
    }
    #expect(g.features == Tensor<Double>.ones([4, 6, 1]))
}

@Test("G(n, p) has edge density p", arguments: [0.1, 0.5, 0.9])
func edgeDensity(p: Double) {
    var rng = RandomStream(seed: 9)
    let a = ErdosRenyi.sample(count: 400, nodes: 20, p: p, rng: &rng)
    let pairs = 400.0 * 190
    #expect(abs(ErdosRenyi.edgeDensity(a) - p) < 5 * (p * (1 - p) / pairs).squareRoot())
    // Symmetric with a zero diagonal.
    #expect(a == a.permuted([0, 2, 1]))
}

@Test("degree-count parity bits of G(n, 1/2) near the mean degree are near-unbiased")
func centralParityBits() {
    var rng = RandomStream(seed: 21)
    let n = 20, count = 4000
    let a = ErdosRenyi.sample(count: count, nodes: n, p: 0.5, rng: &rng)
    let central = ErdosRenyi.centralDegrees(nodes: n, p: 0.5, window: 0.8)
    #expect(central.count >= 4)
    for d in central { #expect(abs(parityBitBias(a, degree: d)) < 0.03 + 4 / Double(count).squareRoot(), "degree \(d)") }
    // Far in the tail the bit is almost constant: the hardness needs the central window.
    #expect(abs(parityBitBias(a, degree: 2)) > 0.9)
}

@Test("Gaussian GNN labels are invariant under node relabellings")
func gaussianGNNInvariance() {
    var rng = RandomStream(seed: 4)
    let t = make("gaussian-gnn").drawTarget(rng: &rng)
    let g = t.sampleInputs(count: 200, rng: &rng).graphs
    let moved = g.relabelled(by: (0..<g.count).map { _ in Permutation(rng.permutation(8)) })
    #expect(maxAbsDifference(t.evaluate(.graphs(g)), t.evaluate(.graphs(moved))) < 1e-12)
}

// MARK: - C_n classes: cyclic shifts

@Test("C^B_F classes are exactly invariant under every cyclic shift", arguments: ["cyclic-pattern-parity", "cyclic-frame-parity"])
func cyclicInvariance(name: String) {
    var rng = RandomStream(seed: 8)
    let t = make(name, ["n": "12"]).drawTarget(rng: &rng)
    let x = t.sampleInputs(count: 300, rng: &rng).dense
    let y = t.evaluate(.dense(x))
    for g in PermutationGroup.cyclic(12).elements! { #expect(t.evaluate(.dense(g.act(onAxis1: x))) == y) }
    // …and not invariant under arbitrary permutations (the classes are not trivially symmetric).
    let p = Permutation(rng.permutation(12))
    #expect(t.evaluate(.dense(p.act(onAxis1: x))) != y)
}

@Test func patternCountsSumToN() {
    var rng = RandomStream(seed: 2)
    let c = try! CyclicPatternParityClass(options: ["n": "10", "width": "3"])
    let t = c.drawPatternTarget(rng: &rng)
    let x = t.sampleInputs(count: 50, rng: &rng).dense
    #expect(t.patternCounts(x).allSatisfy { $0.reduce(0, +) == 10 })
}

@Test("group-averaged CNN labels are invariant under cyclic row shifts")
func cnnInvariance() {
    var rng = RandomStream(seed: 6)
    let t = make("group-averaged-cnn").drawTarget(rng: &rng)
    let x = t.sampleInputs(count: 200, rng: &rng).dense
    let y = t.evaluate(.dense(x))
    for g in PermutationGroup.cyclic(8).elements! { #expect(maxAbsDifference(y, t.evaluate(.dense(g.act(onAxis1: x)))) < 1e-12) }
}

// MARK: - H_ρ: every group element

@Test("H_ρ labels are exactly invariant under every element of the group", arguments: [
    ["group": "cyclic", "n": "10"], ["group": "dihedral", "n": "9"], ["group": "symmetric", "n": "6"],
    ["group": "graph-edges", "n": "5"],
])
func orbitLabellingInvariance(options: [String: String]) {
    var rng = RandomStream(seed: 17)
    let c = try! SymmetricBooleanClass(options: options)
    let t = c.drawTarget(rng: &rng)
    let x = t.sampleInputs(count: 200, rng: &rng).dense
    let y = t.evaluate(.dense(x))
    for g in c.group.elements! { #expect(t.evaluate(.dense(g.act(onAxis1: x))) == y) }
}

@Test("canonical representatives count the known orbits")
func orbitCounts() {
    func orbits(_ g: PermutationGroup) -> Int {
        Set((0..<(UInt64(1) << UInt64(g.degree))).map(g.canonicalBits)).count
    }
    #expect(orbits(PermutationGroup.cyclic(8)) == 36)          // binary necklaces
    #expect(orbits(PermutationGroup.cyclic(12)) == 352)
    #expect(orbits(PermutationGroup.dihedral(8)) == 30)        // bracelets
    #expect(orbits(PermutationGroup.symmetric(8)) == 9)        // Hamming weights
    #expect(orbits(PermutationGroup.graphEdges(nodes: 4)) == 11)   // graphs on 4 nodes
    #expect(orbits(PermutationGroup.graphEdges(nodes: 5)) == 34)
    // The representative is in the orbit and is its smallest element.
    var rng = RandomStream(seed: 1)
    let g = PermutationGroup.dihedral(7)
    for _ in 0..<20 {
        let v: Tensor<Double> = rng.rademacher([7])
        let x = v.scalars
        let c = g.canonicalRepresentative(x)
        let images = g.elements!.map { packSigns($0.act(on: x)) }
        #expect(images.contains(packSigns(c)) && images.min() == packSigns(c))
    }
}

@Test("each named family lists exactly the group its generators generate, and canonicalises as it does")
func familiesAreTheClosuresOfTheirGenerators() throws {
    var families: [PermutationGroup] = []
    for n in 1...6 { families += [.cyclic(n), .dihedral(n), .symmetric(n)] }
    for m in 2...5 { families.append(.graphEdges(nodes: m)) }
    for family in families {
        let closure = try PermutationGroup(degree: family.degree, generators: family.generators)
        #expect(Set(family.elements!) == Set(closure.elements!), "\(family.name)")
        #expect(closure.elements!.allSatisfy(family.contains), "\(family.name)")
        let points = (0..<(UInt64(1) << UInt64(family.degree)))
        #expect(points.allSatisfy { family.canonicalBits($0) == closure.canonicalBits($0) }, "\(family.name)")
    }
}

@Test("invariant polynomials are invariant and have unit variance", arguments: [
    ["group": "symmetric", "inputs": "gaussian"], ["group": "cyclic", "inputs": "gaussian"],
    ["group": "symmetric", "inputs": "boolean"], ["group": "cyclic", "inputs": "boolean", "degree": "4", "terms": "3"],
])
func invariantPolynomials(options: [String: String]) {
    var rng = RandomStream(seed: 31)
    let c = make("invariant-polynomial", options.merging(["n": "8"]) { a, _ in a })
    let t = c.drawTarget(rng: &rng)
    let x = t.sampleInputs(count: 6000, rng: &rng).dense
    let y = t.evaluate(.dense(x))
    let g: PermutationGroup = options["group"] == "cyclic" ? PermutationGroup.cyclic(8) : PermutationGroup.symmetric(8)
    for _ in 0..<4 { #expect(maxAbsDifference(y, t.evaluate(.dense(g.randomElement(rng: &rng).act(onAxis1: x)))) < 1e-10) }
    let m = moments(y)
    #expect(abs(m.mean) < 0.1 && abs(m.variance - 1) < 0.2, "\(m)")
}

@Test("S_n orbit sums equal the brute-force sum over distinct monomials")
func symmetricOrbitSumMatchesBruteForce() {
    // e_2(x) for n = 4 Boolean: Σ_{i<j} x_i x_j, normalised by √6.
    let x = Tensor<Double>(shape: [1, 4], scalars: [1, -1, 1, 1])
    let t = InvariantPolynomialTarget(n: 4, boolean: true, cyclic: false, orbits: [[1, 1]], coefficients: [1])
    var e2 = 0.0
    for i in 0..<4 { for j in (i + 1)..<4 { e2 += x[0, i] * x[0, j] } }
    #expect(abs(t.evaluate(.dense(x)).scalars[0] - e2 / 6.0.squareRoot()) < 1e-14)
}

@Test("control targets have their closed-form values")
func controlTargetValues() throws {
    let auto = AutocorrelationTarget(n: 4, lag: 1)
    let x = Tensor<Double>(shape: [2, 4], scalars: [1, 1, -1, 1, 1, 1, 1, 1])
    #expect(auto.evaluate(.dense(x)).scalars == [0, 2])          // (1 − 1 − 1 + 1)/2, 4/2
    // K₄ at p = ½: every degree is 3, μ = 1.5, v = 0.75: 4·(2.25 − 0.75)/(0.75·2) = 4.
    let complete = Tensor<Double>(shape: [1, 4, 4], scalars: (0..<16).map { $0 / 4 == $0 % 4 ? 0 : 1 })
    let moment = DegreeMomentTarget(nodes: 4, p: 0.5, moment: 2)
    #expect(moment.evaluate(.graphs(GraphBatch(adjacency: complete))).scalars == [4])
    // Edge count: K₄ has 6 edges, E|E| = 3, sd = √(6/4): (12 − 6)/(2·√1.5) = √6.
    let edges = DegreeMomentTarget(nodes: 4, p: 0.5, moment: 1)
    #expect(Swift.abs(edges.evaluate(.graphs(GraphBatch(adjacency: complete))).scalar - 6.0.squareRoot()) < 1e-12)
}

@Test("a hidden support: Sym(S)-invariant, blind to the other coordinates, not S_n-invariant; multilinear gives ±Π_{i∈S} x_i",
      arguments: [["support": "4", "degree": "4", "monomials": "multilinear"], ["support": "3", "degree": "4", "terms": "3"],
                  ["support": "5", "degree": "3", "inputs": "boolean"]])
func invariantPolynomialWithHiddenSupport(options: [String: String]) throws {
    let n = 12
    let c = make("invariant-polynomial", options.merging(["n": "\(n)"]) { a, _ in a })
    var rng = RandomStream(seed: 5)
    for seed: UInt64 in [1, 2, 3] {
        var r = RandomStream(seed: seed, stream: 3)
        let report = c.checkDefiningProperty(rng: &r)
        #expect(report.passed, "\(options), seed \(seed):\n\(report)")
    }
    let t = try #require(c.drawTarget(rng: &rng) as? InvariantPolynomialTarget)
    let support = try #require(t.support)
    #expect(support.count == Int(options["support"]!)! && support == support.sorted() && Set(support).count == support.count)
    #expect(t.parameters["support"] == support.map(String.init).joined(separator: " "))
    let x = t.sampleInputs(count: 500, rng: &rng).dense
    let y = t.evaluate(.dense(x))
    // A transposition of a coordinate of S with one outside moves the labels.
    let outside = try #require((0..<n).first { !support.contains($0) })
    #expect(maxAbsDifference(y, t.evaluate(.dense(Permutation.transposition(support[0], outside, degree: n).act(onAxis1: x)))) > 1e-3)
    if options["monomials"] == "multilinear" {
        let product = Tensor((0..<500).map { i in support.reduce(1.0) { $0 * x[i, $1] } })
        let sign = t.coefficients[0]
        #expect(abs(abs(sign) - 1) < 1e-15)
        #expect(maxAbsDifference(y, product.scaled(by: sign)) < 1e-12)
    }
}

@Test("support = n is the class without a support: the same targets and data, drawn the same way")
func invariantPolynomialFullSupportIsUnchanged() {
    for options in [["n": "10"], ["n": "8", "degree": "4", "terms": "3"], ["n": "9", "inputs": "boolean", "degree": "2", "terms": "1"]] {
        let plain = make("invariant-polynomial", options), full = make("invariant-polynomial", options.merging(["support": options["n"]!]) { a, _ in a })
        let a: DatasetSplits<Double> = plain.splits(nTrain: 50, nVal: 5, nTest: 5, seed: 4)
        let b: DatasetSplits<Double> = full.splits(nTrain: 50, nVal: 5, nTest: 5, seed: 4)
        #expect(a.train.inputs == b.train.inputs && a.train.labels == b.train.labels && a.test.labels == b.test.labels, "\(options)")
        // The resolved options without `support` are the ones the class always recorded.
        #expect(plain.parameters["support"] == nil && full.parameters["support"] == options["n"])
    }
}
