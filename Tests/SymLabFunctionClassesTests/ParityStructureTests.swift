import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import Testing

// MARK: - GF(2) vectors

@Test func gf2VectorsPackBitsAcrossWords() {
    var v = GF2Vector(count: 130, ones: [0, 63, 64, 129])
    #expect(v.words.count == 3 && v.ones == [0, 63, 64, 129])
    v[63] = false
    #expect(!v[63] && v.ones == [0, 64, 129])
    let u = GF2Vector(count: 130, ones: [0, 64, 100])
    #expect(!u.dot(v))   // common ones 0 and 64: even
    #expect(u.dot(GF2Vector(count: 130, ones: [100])))
    // Appending the constant term crosses into a new word at 64 coordinates.
    let w = GF2Vector(count: 64, ones: [5]).appending(true)
    #expect(w.count == 65 && w.words.count == 2 && w.ones == [5, 64])
    #expect(GF2Vector(count: 3, ones: [1]).description == "010")
}

@Test func gf2ParitiesLabelBySignBitAndSet() {
    let p = GF2Parity(coefficients: GF2Vector(count: 4, ones: [1, 3]), signBit: 1)
    #expect(p.label(GF2Vector(count: 4)) == -1)
    #expect(p.label(GF2Vector(count: 4, ones: [1])) == 1)
    #expect(p.label(GF2Vector(count: 4, ones: [1, 2, 3])) == -1)
}

// MARK: - Each parity class is a parity of its feature map

/// The parity-type classes at small sizes (several word widths and feature maps).
let parityClasses: [(String, [String: String])] = [
    ("sparse-parity", ["n": "20", "k": "3"]),
    ("sparse-parity", ["n": "100", "k": "5"]),
    ("er-parity", ["n": "16"]),
    ("er-parity", ["n": "32", "k": "4"]),
    ("cyclic-pattern-parity", ["n": "16", "width": "3"]),
    ("cyclic-pattern-parity", ["n": "32", "width": "4", "b": "1"]),
    ("cyclic-frame-parity", ["n": "12", "k": "3"]),
]

@Test("labels are (−1)^{b + ⟨s, z(x)⟩} with the class's z and the target's (s, b)", arguments: parityClasses.indices)
func labelsAreTheParityOfTheFeatureMap(index: Int) throws {
    let (name, options) = parityClasses[index]
    let c = try #require(make(name, options) as? any ParityStructuredClass)
    for seed in UInt64(0)..<4 {
        var rng = RandomStream(seed: seed)
        let t = c.drawTarget(rng: &rng)
        let truth = try #require(c.parity(of: t))
        #expect(truth.dimension == c.parityDimension)
        let x = t.sampleInputs(count: 500, rng: &rng)
        let z = c.parityFeatures(x)
        #expect(z.count == 500 && z.allSatisfy { $0.count == c.parityDimension })
        #expect(Tensor(z.map(truth.label)) == t.evaluate(x), "\(name) \(options) seed \(seed)")
        // The labels are not constant: the identity is not met trivially.
        #expect(Set(t.evaluate(x).scalars).count == 2)
    }
}

/// The count a hardness summary states is the number of (s, b) the class really draws: 3000 draws
/// of a small instance hit exactly that many distinct pairs, and none outside |S| = k.
@Test func theDrawnMemberCountIsTheNumberOfDistinctDraws() throws {
    let cases: [(String, [String: String], Double, String)] = [
        ("er-parity", ["n": "16"], 8, "2·C(4, 3) = 8"),                     // the count at G(16, ½)
        ("er-parity", ["n": "16", "b": "1"], 4, "C(4, 3) = 4"),
        ("cyclic-pattern-parity", ["n": "12", "width": "3", "k": "2"], 56, "2·C(8, 2) = 56"),
        ("cyclic-frame-parity", ["n": "8", "k": "2"], 28, "C(8, 2) = 28"),
        ("sparse-parity", ["n": "7", "k": "3"], 35, "C(7, 3) = 35"),
    ]
    for (name, options, count, text) in cases {
        let c = try #require(make(name, options) as? any ParityStructuredClass)
        #expect(c.drawnMemberCount == count && c.drawnMemberCountText == text, "\(name) \(options): \(c.drawnMemberCountText)")
        var rng = RandomStream(seed: 3)
        let drawn = try (0..<3000).map { _ in try #require(c.parity(of: c.drawTarget(rng: &rng))) }
        #expect(drawn.allSatisfy { $0.coefficients.ones.count == c.paritySubsetSize })
        #expect(Double(Set(drawn.map { "\($0)" }).count) == count, "\(name) \(options)")
    }
    // Sizes past Double's integers are written in scientific notation.
    let wide = try #require(make("sparse-parity", ["n": "2000", "k": "9"]) as? any ParityStructuredClass)
    #expect(wide.drawnMemberCountText.hasPrefix("C(2000, 9) = ") && wide.drawnMemberCountText.contains("e+"))
}

/// Distinct functions among the draws: exact on all inputs of a small domain, and the same on as many
/// random inputs; fewer than the draws exactly where the feature bits obey identities.
@Test func distinctDrawnMembersCountFunctionsNotDraws() throws {
    let all = Inputs<Double>.dense(Tensor(shape: [4096, 12], scalars: (0..<4096).flatMap { i in (0..<12).map { Double(1 - 2 * ((i >> $0) & 1)) } }))
    // Pattern counts of width 3 on {±1}^12: 8 count parities of which 4 are free (de Bruijn identities),
    // so the 2·C(8, 2) = 56 draws are at most 2·2^4 = 32 functions.
    let pattern = try #require(make("cyclic-pattern-parity", ["n": "12", "width": "3", "k": "2"]) as? any ParityStructuredClass)
    let exact = try #require(pattern.distinctDrawnMembers(on: all))
    #expect(exact < 56 && exact <= 32 && exact > 1, "\(exact)")
    var rng = RandomStream(seed: 5)
    #expect(pattern.distinctDrawnMembers(on: pattern.drawTarget(rng: &rng).sampleInputs(count: 4096, rng: &rng)) == exact)
    // No identity among sparse parities' coordinates: every draw is its own function.
    let sparse = try #require(make("sparse-parity", ["n": "12", "k": "3"]) as? any ParityStructuredClass)
    #expect(sparse.distinctDrawnMembers(on: all) == 220)
    // er-parity's central degree bits: the 8 draws at G(16, ½) are 8 functions.
    let er = try #require(make("er-parity", ["n": "16"]) as? any ParityStructuredClass)
    #expect(er.distinctDrawnMembers(on: er.drawTarget(rng: &rng).sampleInputs(count: 2000, rng: &rng)) == 8)
}

@Test func parityOfAForeignTargetIsNil() throws {
    let sparse = try #require(make("sparse-parity", ["n": "8"]) as? any ParityStructuredClass)
    var rng = RandomStream(seed: 1)
    let other = make("cyclic-frame-parity", ["n": "8"]).drawTarget(rng: &rng)
    #expect(sparse.parity(of: other) == nil)
    // A sum of two monomials (a staircase-like target) is not a parity.
    #expect(sparse.parity(of: MonomialSumTarget(n: 8, monomials: [[0], [0, 1]])) == nil)
    #expect(make("relu-teacher") as? any ParityStructuredClass == nil)
}

@Test func erParityFeaturesAreTheCentralDegreeCountParities() throws {
    let c = try #require(make("er-parity", ["n": "16"]) as? ERParityClass)
    var rng = RandomStream(seed: 3)
    let g = c.drawTarget(rng: &rng).sampleInputs(count: 50, rng: &rng)
    let histograms = ErdosRenyi.degreeHistograms(g.graphs.adjacency)
    for (z, h) in zip(c.parityFeatures(g), histograms) {
        #expect(z.ones == c.centralDegrees.indices.filter { h[c.centralDegrees[$0]] % 2 == 1 })
    }
}

// MARK: - Orbit canonical forms

@Test("orbit keys are equal exactly on orbits", arguments: ["cyclic", "dihedral", "symmetric"])
func orbitKeysIdentifyOrbits(group: String) throws {
    let c = try #require(make("symmetric-boolean", ["group": group, "n": "9"]) as? any GroupInvariantClass)
    let form = try c.orbitCanonicalForm()
    var rng = RandomStream(seed: 7)
    let x: Tensor<Double> = rng.rademacher([400, 9])
    let keys = form.keys(.dense(x))
    for _ in 0..<5 {
        #expect(form.keys(form.act(form.group.randomElement(rng: &rng), on: .dense(x))) == keys)
    }
    // Keys are the group's canonical bits, so two inputs share one iff their representatives agree.
    let representatives = (0..<400).map { i in form.group.canonicalRepresentative(Array(x.scalars[(i * 9)..<((i + 1) * 9)])) }
    for i in 0..<50 { for j in 0..<50 { #expect((keys[i] == keys[j]) == (representatives[i] == representatives[j])) } }
}

@Test func graphOrbitKeysAreInvariantUnderNodeRelabelling() throws {
    let c = try #require(make("er-parity", ["n": "6"]) as? any GroupInvariantClass)
    let form = try c.orbitCanonicalForm()
    #expect(form.action == .graphNodes(nodes: 6) && form.group.degree == 15)
    var rng = RandomStream(seed: 4)
    let g = c.drawTarget(rng: &rng).sampleInputs(count: 200, rng: &rng).graphs
    let keys = form.keys(.graphs(g))
    let relabelled = g.relabelled(by: (0..<g.count).map { _ in Permutation(rng.permutation(6)) })
    #expect(form.keys(.graphs(relabelled)) == keys)
    // Acting with an edge permutation is a relabelling too, and the identity gives the graphs back.
    #expect(form.act(.identity(15), on: .graphs(g)) == .graphs(g))
    #expect(form.keys(form.act(form.group.randomElement(rng: &rng), on: .graphs(g))) == keys)
    // Isomorphism classes: 156 graphs on 6 nodes, so 200 samples repeat some.
    #expect(Set(keys).count < 156)
}

@Test func largeGraphsHaveNoCanonicalForm() throws {
    let c = try #require(make("er-parity", ["n": "16"]) as? any GroupInvariantClass)
    #expect(throws: OrbitCanonicalFormUnavailable.self) { try c.orbitCanonicalForm() }
    do { _ = try c.orbitCanonicalForm() } catch { #expect("\(error)".contains("n ≤ 8")) }
}

@Test func cyclicClassesUseTheCyclicGroup() throws {
    for name in ["cyclic-pattern-parity", "cyclic-frame-parity"] {
        let c = try #require(make(name, ["n": "10"]) as? any GroupInvariantClass)
        let form = try c.orbitCanonicalForm()
        #expect(form.group.name == "C10" && form.action == .coordinates)
    }
}
