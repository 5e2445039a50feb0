import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// `cyclic-pattern-parity` (C^B_F (b)): members g_{S,0}(x) = Π_{j∈S} (−1)^{c_x[j]} for k-subsets S
/// of a set B of patterns whose count parities are free.
///
/// Not all 2^w patterns can be used: the counts obey linear relations mod 2 for every x. A window
/// count is a walk in the de Bruijn graph, so for every (w−1)-pattern q, #windows starting with q =
/// #windows ending with q (e.g. c[0001] = c[1000] for w = 4: S = {0001, a, b} and {1000, a, b} give
/// the same function, γ = 1), and Σ_j c_x[j] = n. B is chosen so that no nonempty T ⊆ B has χ_T
/// constant: the parity vectors v(x) ∈ GF(2)^{2^w} lie in v(x₀) + V; with an echelon basis of V
/// (spanned by v(x) ⊕ v(x₀) over the inputs seen) whose vectors have distinct lowest set bits, B =
/// those bits, the projection V → GF(2)^B is onto and χ_T, ∅ ≠ T ⊆ B, is never constant. (If the
/// inputs seen miss a direction of V, the projection of the true V is still onto.) For n ≥ 2w
/// |B| = 2^{w−1}, so m = C(2^{w−1}, k); γ from the bits' Walsh spectrum (``ParityFeatures``).
enum CyclicPatternParityFamily: QueryFamily {
    static let sizeOption = "n"
    static let defaultSizes = [8, 12, 16, 24, 32]
    static let summary = "g_{S,0} = Π_{j∈S} (−1)^{c_x[j]} over k-subsets S of the patterns with free count parities: m = C(|B|, k), |B| = 2^{w−1} (Kiani et al. Fig. 1b; Blum et al. 1994)"
    /// Inputs used to find B when the inputs are not enumerated.
    static let selectionSamples = 20_000

    static func bound(_ c: CyclicPatternParityClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let f = ParityFeatures(parityClass: c, space: .hypercube(dimension: c.n),
                               member: { CyclicPatternParityTarget(n: c.n, width: c.width, patterns: $0, signBit: 0) })
        var selectionRNG = rng.substream(.familySelection)
        let exactSelection = try f.space.usesExact(settings.method)
        let free = freePatterns(f, exact: exactSelection, samples: min(settings.samples, selectionSamples), rng: &selectionRNG)
        let name = { (j: Int) in String((0..<c.width).map { (j >> (c.width - 1 - $0)) & 1 == 1 ? "+" : "-" }) }
        return try parityFamilyBound(
            f, usable: free, k: c.subsetSize, family: "g_{S,0}, |S| = \(c.subsetSize), S ⊆ B = \(free.count) of the \(1 << c.width) width-\(c.width) patterns",
            bitsName: "pattern-count parities", settings: settings, rng: rng, parameters: c.parameters,
            extras: [(key: "count_relations", value: Double((1 << c.width) - free.count))],
            notes: ["B = " + free.map(name).joined(separator: " ") + "; the other \((1 << c.width) - free.count) count parities are fixed by B (or constant) for every x"])
    }

    /// B: the pivot columns of the span of v(x) ⊕ v(x₀) (see the type's comment), by elimination
    /// over GF(2) (``GF2LinearSystem``, whose kept rows have distinct lowest bits).
    static func freePatterns(_ f: ParityFeatures, exact: Bool, samples: Int, rng: inout RandomStream) -> [Int] {
        let d = f.candidateCount
        var span = GF2LinearSystem(unknowns: d)
        var first: Set<Int>?
        f.forEachBitsBatch(exact: exact, samples: samples, rng: &rng) { bits, rows, _, _ in
            for r in 0..<rows where span.rank < d {
                let v = Set((0..<d).filter { bits[r * d + $0] })
                guard let x0 = first else { first = v; continue }
                span.add(GF2Vector(count: d, ones: Array(v.symmetricDifference(x0))), rhs: false)
            }
        }
        return span.pivotColumns
    }
}
