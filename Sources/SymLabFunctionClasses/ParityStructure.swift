import SymLabCore
import SymLabNumerics

// The parity-type classes as linear functions over GF(2): for each of them a feature map z from
// inputs to GF(2)^D and, for each member, a pair (s, b) with y = (−1)^{b + ⟨s, z(x)⟩}. This is the
// structure a non-statistical learner (Gaussian elimination, `gf2-elimination`) exploits and an
// SQ learner cannot (docs/statistical-queries.md §3); each class's test checks the identity on samples.

/// A vector over GF(2), packed 64 coordinates to a `UInt64` word: coordinate i is bit i % 64 of
/// word i / 64. Bits past `count` are always 0, so whole-word operations need no masking.
public struct GF2Vector: Sendable, Hashable, CustomStringConvertible {
    public let count: Int
    public private(set) var words: [UInt64]

    /// The zero vector of `count` coordinates.
    public init(count: Int) {
        precondition(count >= 0, "GF2Vector: count must be ≥ 0, got \(count)")
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    /// The vector with 1 exactly at `ones`.
    public init(count: Int, ones: [Int]) {
        self.init(count: count)
        for i in ones { self[i] = true }
    }

    public subscript(i: Int) -> Bool {
        get {
            precondition(i >= 0 && i < count, "GF2Vector: coordinate \(i) outside 0..<\(count)")
            return (words[i >> 6] >> UInt64(i & 63)) & 1 == 1
        }
        set {
            precondition(i >= 0 && i < count, "GF2Vector: coordinate \(i) outside 0..<\(count)")
            let bit: UInt64 = 1 << UInt64(i & 63)
            if newValue { words[i >> 6] |= bit } else { words[i >> 6] &= ~bit }
        }
    }

    /// The coordinates equal to 1, ascending.
    public var ones: [Int] { (0..<count).filter { self[$0] } }

    /// ⟨u, v⟩ over GF(2): the parity of the number of common ones.
    public func dot(_ other: GF2Vector) -> Bool {
        precondition(count == other.count, "GF2Vector.dot: \(count) vs \(other.count) coordinates")
        var acc = 0
        for (a, b) in zip(words, other.words) { acc ^= (a & b).nonzeroBitCount & 1 }
        return acc == 1
    }

    /// The vector with one more coordinate, `bit`, at the end (an equation's constant term).
    public func appending(_ bit: Bool) -> GF2Vector {
        var v = GF2Vector(count: count + 1)
        for w in words.indices { v.words[w] = words[w] }
        v[count] = bit
        return v
    }

    /// Bits as 0/1 characters, coordinate 0 first.
    public var description: String { String((0..<count).map { self[$0] ? "1" : "0" }) }
}

/// A parity over GF(2)^D: the function z ↦ (−1)^{b + ⟨s, z⟩}.
public struct GF2Parity: Sendable, Equatable, CustomStringConvertible {
    /// s, the coefficient vector (D coordinates).
    public let coefficients: GF2Vector
    /// b ∈ {0, 1}, the sign bit.
    public let signBit: Int

    public init(coefficients: GF2Vector, signBit: Int) {
        precondition(signBit == 0 || signBit == 1, "GF2Parity: the sign bit must be 0 or 1, got \(signBit)")
        self.coefficients = coefficients; self.signBit = signBit
    }

    public var dimension: Int { coefficients.count }

    /// b + ⟨s, z⟩ mod 2: 1 where the label is −1.
    public func labelBit(_ z: GF2Vector) -> Bool { coefficients.dot(z) != (signBit == 1) }

    /// (−1)^{b + ⟨s, z⟩}.
    public func label(_ z: GF2Vector) -> Double { labelBit(z) ? -1 : 1 }

    public var description: String { "s = {\(coefficients.ones.map(String.init).joined(separator: ","))}, b = \(signBit)" }
}

/// A class whose members are parities of a fixed feature map: every target is
/// y = (−1)^{b + ⟨s, z(x)⟩} for one z: inputs → GF(2)^D of the class and a member's own (s, b).
///
/// The feature map belongs to the class (it is the hypothesis space a learner may search, like the
/// coordinates of a sparse parity); (s, b) belong to the target and are exposed only so that a
/// learner's result can be compared with the truth. Labels with noise are the parity plus noise.
public protocol ParityStructuredClass: FunctionClass {
    /// D, the length of z(x).
    var parityDimension: Int { get }
    /// What z is, in words, for reports and the docs.
    var parityFeatureMap: String { get }
    /// z(x) of every input.
    func parityFeatures(_ inputs: Inputs<Double>) -> [GF2Vector]
    /// The target's (s, b); nil when `target` is not a parity member of this class.
    func parity(of target: any Target) -> GF2Parity?
    /// |S|: every member's s has this many ones among the D coordinates (the class's k).
    var paritySubsetSize: Int { get }
    /// True when a target's sign bit b is drawn (b ∈ {0, 1}); false when it is fixed (an option, or
    /// a class without one).
    var drawsParitySignBit: Bool { get }
}

extension ParityStructuredClass {
    /// How many members the class draws its targets from: every |S|-subset of the D coordinates,
    /// times 2 when b is drawn. The hardness figures state it (issue 27: a claim about hardness must
    /// say how many functions it is about; 8 functions are told apart by a handful of queries).
    /// It counts draws (s, b), not distinct functions: where the feature bits obey identities
    /// (`cyclic-pattern-parity`'s count relations) several draws are one function, and the query
    /// family of `theory bounds` counts only distinct, nearly uncorrelated members.
    public var drawnMemberCount: Double {
        var c = 1.0
        for i in 0..<paritySubsetSize { c = c * Double(parityDimension - i) / Double(i + 1) }
        return (drawsParitySignBit ? 2 : 1) * c.rounded()
    }

    /// "2·C(4, 3) = 8": the count with how it is made.
    public var drawnMemberCountText: String {
        let count = drawnMemberCount < 1e15 ? String(Int(drawnMemberCount)) : NumberFormat.scientific(drawnMemberCount)
        return (drawsParitySignBit ? "2·" : "") + "C(\(parityDimension), \(paritySubsetSize)) = \(count)"
    }

    /// The most draws ``distinctDrawnMembers(on:)`` enumerates.
    public static var maxEnumeratedDraws: Double { 200_000 }

    /// How many distinct functions the class's draws (s, b) are on `inputs`: draws whose labels
    /// agree on every input count once. On all inputs of a finite domain this is the exact number of
    /// distinct members; on random inputs it is a lower bound that merges only members differing on
    /// a fraction of inputs too small to be seen (e.g. `cyclic-frame-parity`'s χ_S and χ_{S△{0}},
    /// which differ only at x = (+1, …, +1)). Why: ``drawnMemberCount`` counts draws, and where the
    /// feature bits obey identities mod 2 (`cyclic-pattern-parity`: 2^{w−1} free count parities of 2^w)
    /// many draws are one function. nil when there are more than ``maxEnumeratedDraws`` draws.
    public func distinctDrawnMembers(on inputs: Inputs<Double>) -> Int? {
        guard drawnMemberCount <= Self.maxEnumeratedDraws else { return nil }
        let z = parityFeatures(inputs), d = parityDimension, k = paritySubsetSize
        let words = (z.count + 63) / 64
        // Column j: bit r set iff z(x_r)_j = 1, so a member's label bits are the XOR of its columns.
        var columns = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: d)
        for (r, v) in z.enumerated() { for j in v.ones { columns[j][r >> 6] |= 1 << UInt64(r & 63) } }
        let lastMask: UInt64 = z.count % 64 == 0 ? ~0 : (1 << UInt64(z.count % 64)) - 1
        var seen = Set<[UInt64]>()
        func visit(_ start: Int, _ left: Int, _ acc: [UInt64]) {
            if left == 0 {
                seen.insert(acc)
                if drawsParitySignBit {    // b = 1 flips every label
                    var flipped = acc.map { ~$0 }
                    if words > 0 { flipped[words - 1] &= lastMask }
                    seen.insert(flipped)
                }
                return
            }
            guard d - start >= left else { return }
            for j in start..<d { visit(j + 1, left - 1, zip(acc, columns[j]).map { $0 ^ $1 }) }
        }
        visit(0, k, [UInt64](repeating: 0, count: words))
        return seen.count
    }
}

// MARK: - The four parity-type classes

extension SparseParityClass: ParityStructuredClass {
    public var parityDimension: Int { n }
    public var paritySubsetSize: Int { k }
    public var drawsParitySignBit: Bool { false }
    public var parityFeatureMap: String { "the coordinates: z_i = 1 iff x_i = −1 (so χ_S(x) = (−1)^{⟨1_S, z⟩}, b = 0)" }

    public func parityFeatures(_ inputs: Inputs<Double>) -> [GF2Vector] {
        let x = inputs.dense, s = x.scalars, d = x.shape[1]
        return (0..<x.shape[0]).map { r in
            var z = GF2Vector(count: d)
            for i in 0..<d where s[r * d + i] < 0 { z[i] = true }
            return z
        }
    }

    public func parity(of target: any Target) -> GF2Parity? {
        guard let t = target as? MonomialSumTarget, t.n == n, t.monomials.count == 1 else { return nil }
        return GF2Parity(coefficients: GF2Vector(count: n, ones: t.monomials[0]), signBit: 0)
    }
}

extension ERParityClass: ParityStructuredClass {
    /// One bit per central degree (the degrees S is drawn from), not per degree: the parities of
    /// all n degree counts satisfy exact identities (Σ_δ c_A[δ] = n, and the handshake lemma
    /// Σ_{δ odd} c_A[δ] ≡ 0), so (s, b) over all degrees is never unique. Over the central degrees
    /// it is, once the samples span them.
    public var parityDimension: Int { centralDegrees.count }
    public var paritySubsetSize: Int { subsetSize }
    public var drawsParitySignBit: Bool { signBit == nil }
    public var parityFeatureMap: String {
        "the parity of each central degree count: z_j = c_A[δ_j] mod 2 for the central degrees δ = \(centralDegrees.map(String.init).joined(separator: ","))"
    }

    public func parityFeatures(_ inputs: Inputs<Double>) -> [GF2Vector] {
        ErdosRenyi.degreeHistograms(inputs.graphs.adjacency).map { c in
            GF2Vector(count: centralDegrees.count, ones: centralDegrees.indices.filter { c[centralDegrees[$0]] % 2 == 1 })
        }
    }

    public func parity(of target: any Target) -> GF2Parity? {
        guard let t = target as? ERParityTarget, t.nodes == nodes else { return nil }
        let positions = t.subset.compactMap { centralDegrees.firstIndex(of: $0) }
        guard positions.count == t.subset.count else { return nil }
        return GF2Parity(coefficients: GF2Vector(count: centralDegrees.count, ones: positions), signBit: t.signBit)
    }
}

extension CyclicPatternParityClass: ParityStructuredClass {
    /// One bit per pattern (2^w). The counts satisfy identities (they sum to n; each (w−1)-prefix
    /// starts as many windows as it ends), so (s, b) is unique only up to them.
    public var parityDimension: Int { 1 << width }
    public var paritySubsetSize: Int { subsetSize }
    public var drawsParitySignBit: Bool { signBit == nil }
    public var parityFeatureMap: String { "the parity of each pattern count: z_j = c_x[j] mod 2 for the 2^\(width) width-\(width) patterns j" }

    public func parityFeatures(_ inputs: Inputs<Double>) -> [GF2Vector] {
        // The counts do not depend on the member's patterns; any member computes them.
        CyclicPatternParityTarget(n: n, width: width, patterns: [], signBit: 0).patternCounts(inputs.dense).map { c in
            GF2Vector(count: c.count, ones: c.indices.filter { c[$0] % 2 == 1 })
        }
    }

    public func parity(of target: any Target) -> GF2Parity? {
        guard let t = target as? CyclicPatternParityTarget, t.n == n, t.width == width else { return nil }
        return GF2Parity(coefficients: GF2Vector(count: 1 << width, ones: t.patterns), signBit: t.signBit)
    }
}

extension CyclicFrameParityClass: ParityStructuredClass {
    public var parityDimension: Int { n }
    public var paritySubsetSize: Int { k }
    public var drawsParitySignBit: Bool { false }
    public var parityFeatureMap: String { "the coordinates of the canonical rotation c(x): z_i = 1 iff c(x)_i = −1 (b = 0)" }

    public func parityFeatures(_ inputs: Inputs<Double>) -> [GF2Vector] {
        packRows(inputs.dense).map { b in
            let c = minRotation(b, n)
            // Bit n − 1 − i of the packed word is set iff coordinate i is +1.
            return GF2Vector(count: n, ones: (0..<n).filter { (c >> UInt64(n - 1 - $0)) & 1 == 0 })
        }
    }

    public func parity(of target: any Target) -> GF2Parity? {
        guard let t = target as? CyclicFrameParityTarget, t.n == n else { return nil }
        return GF2Parity(coefficients: GF2Vector(count: n, ones: t.subset), signBit: 0)
    }
}
