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
    static let className = CyclicPatternParityClass.className
    static let sizeOption = "n"
    static let defaultSizes = [8, 12, 16, 24, 32]
    static let summary = "g_{S,0} = Π_{j∈S} (−1)^{c_x[j]} over k-subsets S of the patterns with free count parities: m = C(|B|, k), |B| = 2^{w−1} (Kiani et al. Fig. 1b; Blum et al. 1994)"
    /// Inputs used to find B when the inputs are not enumerated.
    static let selectionSamples = 20_000

    struct Features: ParityFeatures {
        let n: Int, width: Int
        var candidateCount: Int { 1 << width }
        var space: InputSpace { .hypercube(dimension: n) }
        var sampler: any Target { member([]) }
        func member(_ subset: [Int]) -> any Target { CyclicPatternParityTarget(n: n, width: width, patterns: subset, signBit: 0) }
        func oddBits(_ inputs: Inputs<Double>) -> [Bool] {
            CyclicPatternParityTarget(n: n, width: width, patterns: [], signBit: 0).patternCounts(inputs.dense).flatMap { $0.map { $0 & 1 == 1 } }
        }
    }

    static func bound(options: [String: String], settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let c = try CyclicPatternParityClass(options: options)
        let f = Features(n: c.n, width: c.width)
        var selectionRNG = rng.substream(1)
        let exactSelection = try f.space.usesExact(settings.method)
        let free = freePatterns(f, exact: exactSelection, samples: min(settings.samples, selectionSamples), rng: &selectionRNG)
        let name = { (j: Int) in String((0..<c.width).map { (j >> (c.width - 1 - $0)) & 1 == 1 ? "+" : "-" }) }
        return try parityFamilyBound(
            f, usable: free, k: c.subsetSize, family: "g_{S,0}, |S| = \(c.subsetSize), S ⊆ B = \(free.count) of the \(1 << c.width) width-\(c.width) patterns",
            bitsName: "pattern-count parities", settings: settings, rng: rng, parameters: c.parameters,
            extras: [(key: "count_relations", value: Double((1 << c.width) - free.count))],
            notes: ["B = " + free.map(name).joined(separator: " ") + "; the other \((1 << c.width) - free.count) count parities are fixed by B (or constant) for every x"])
    }

    /// B: the lowest set bits of an echelon basis of the span of v(x) ⊕ v(x₀) (see the type's comment).
    static func freePatterns(_ f: Features, exact: Bool, samples: Int, rng: inout RandomStream) -> [Int] {
        let c = f.candidateCount, words = (c + 63) / 64
        var basis: [Int: [UInt64]] = [:]
        var first: [UInt64]?
        f.forEachBitsBatch(exact: exact, samples: samples, rng: &rng) { bits, rows, _, _ in
            for r in 0..<rows where basis.count < c {
                var v = [UInt64](repeating: 0, count: words)
                for j in 0..<c where bits[r * c + j] { v[j / 64] |= 1 << UInt64(j % 64) }
                guard let x0 = first else { first = v; continue }
                for w in 0..<words { v[w] ^= x0[w] }
                // Reduce by the basis: each step clears the lowest set bit p and changes only bits above p.
                while let p = lowestSetBit(v) {
                    guard let b = basis[p] else { basis[p] = v; break }
                    for w in 0..<words { v[w] ^= b[w] }
                }
            }
        }
        return basis.keys.sorted()
    }

    static func lowestSetBit(_ v: [UInt64]) -> Int? {
        for (w, word) in v.enumerated() where word != 0 { return w * 64 + word.trailingZeroBitCount }
        return nil
    }
}
