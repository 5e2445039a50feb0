import BigInt
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// A parity-type class (``ParityStructuredClass``: every member is y = (−1)^{b + ⟨s, z(x)⟩} for
/// the class's feature map z) with the members of sign bit 0, g_S = Π_{j∈S} (−1)^{z_j}: sparse
/// parities (z = the coordinates), H_ER,n (the central degree counts' parities), C^B_F (b) (the
/// pattern counts' parities), C^B_F (a) (the canonical rotation's coordinates).
///
/// E[g_S g_S'] = E[χ_{S△S'}], so the correlations of *every* pair of a family {g_S : S ⊆ B, |S| = k}
/// follow from the joint distribution of the bits z_B (Walsh–Hadamard transform: all E[χ_T], T ⊆ B,
/// at once): γ over the whole family, not a sample of it. The bits are the class's own feature map;
/// on the first batch of every measurement the class's members (Target.evaluate) are checked
/// against the product of the bits.
struct ParityFeatures {
    let parityClass: any ParityStructuredClass
    /// Where the inputs come from (the class's input distribution).
    let space: InputSpace
    /// The class's member g_S with sign bit 0 (S: indices into z).
    let member: ([Int]) -> any Target

    /// D, the number of bits z_0 … z_{D−1}.
    var candidateCount: Int { parityClass.parityDimension }
    /// A member whose `sampleInputs` draws the class's inputs.
    var sampler: any Target { member([]) }

    /// true where z_j(x) = 1 (the coordinate's factor is −1), row-major [inputs.count × D].
    func oddBits(_ inputs: Inputs<Double>) -> [Bool] {
        parityClass.parityFeatures(inputs).flatMap { z in (0..<z.count).map { z[$0] } }
    }

    /// Calls `body` with the bits of every input (exact, with probabilities, nil = uniform) or of
    /// `samples` drawn ones, in batches.
    func forEachBitsBatch(exact: Bool, samples: Int, rng: inout RandomStream,
                          _ body: (_ bits: [Bool], _ rows: Int, _ inputs: Inputs<Double>, _ weights: [Double]?) -> Void) {
        if exact {
            space.forEachExactBatch { inputs, weights in body(oddBits(inputs), inputs.count, inputs, weights) }
        } else {
            forEachSampledBatch(samples: samples, batch: 4096, from: sampler, rng: &rng) { inputs in
                body(oddBits(inputs), inputs.count, inputs, nil)
            }
        }
    }
}

/// The moments of a class's feature bits: E z_j for every candidate, and E χ_T for every T ⊆ B.
struct ParityMoments {
    /// Walsh–Hadamard over the usable bits: 2^|B| entries (the limit of ``ERParityBits``).
    static let maxUsableBits = ERParityBits.maxCentralBits

    let exact: Bool
    /// Monte Carlo draws; 0 when exact.
    let samples: Int
    /// E z_j for j = 0…C−1.
    let bias: [Double]
    /// B, as candidate indices.
    let usable: [Int]
    /// E χ_T for T ⊆ B, indexed by the mask of T (bit i ↔ usable[i]).
    let walsh: [Double]

    /// One pass over the inputs (all of them, or `samples` draws from `rng`).
    static func measure(_ f: ParityFeatures, usable: [Int], exact: Bool, samples: Int, rng: inout RandomStream) -> ParityMoments {
        precondition(usable.count <= maxUsableBits, "ParityMoments: at most \(maxUsableBits) usable bits, got \(usable.count)")
        let c = f.candidateCount
        var biasSum = [Double](repeating: 0, count: c)
        var distribution = [Double](repeating: 0, count: 1 << usable.count)
        var total = 0.0, checked = false
        f.forEachBitsBatch(exact: exact, samples: samples, rng: &rng) { bits, rows, inputs, weights in
            if !checked { checkMembers(f, usable: usable, bits: bits, inputs: inputs); checked = true }
            for r in 0..<rows {
                let w = weights?[r] ?? 1
                var mask = 0
                for j in 0..<c { biasSum[j] += bits[r * c + j] ? -w : w }
                for (i, j) in usable.enumerated() where bits[r * c + j] { mask |= 1 << i }
                distribution[mask] += w
                total += w
            }
        }
        walshHadamard(&distribution)
        return ParityMoments(exact: exact, samples: exact ? 0 : samples, bias: biasSum.map { $0 / total }, usable: usable,
                             walsh: distribution.map { $0 / total })
    }

    /// The class's members g_S (Target.evaluate) are the products of the bits, and the class reads
    /// them back as (1_S, 0): checked for a few S on one batch. A mismatch means the family is not
    /// the class's: a programming error.
    static func checkMembers(_ f: ParityFeatures, usable: [Int], bits: [Bool], inputs: Inputs<Double>) {
        let c = f.candidateCount, rows = inputs.count
        let subsets = [Array(usable.prefix(3)), Array(usable.suffix(2)), Array(Set([usable.first, usable.last].compactMap { $0 })).sorted()]
        for s in subsets where !s.isEmpty {
            let target = f.member(s)
            precondition(f.parityClass.parity(of: target) == GF2Parity(coefficients: GF2Vector(count: c, ones: s), signBit: 0),
                         "ParityMoments: the class does not read its member for S = \(s) as (1_S, 0)")
            let y = target.evaluate(inputs).scalars
            for r in 0..<rows {
                let product: Double = s.reduce(1) { $0 * (bits[r * c + $1] ? -1 : 1) }
                precondition(y[r] == product, "ParityMoments: the class's member for S = \(s) is not the product of its feature bits")
            }
        }
    }

    /// The normal-approximation half-width of E χ_T's interval (0 when exact).
    func halfWidth(_ moment: Double, z: Double) -> Double {
        exact ? 0 : Correlations.signMeanHalfWidth(mean: moment, samples: samples, z: z)
    }

    /// The masks T = S △ S' of pairs of distinct k-subsets S, S' of `bits` bits: |T| = 2j with
    /// 1 ≤ j ≤ min(k, bits − k) (S and S' each give j bits of T and share k − j bits outside it).
    static func differenceMasks(bits: Int, k: Int) -> [Int] {
        let top = Swift.min(k, bits - k)
        guard top >= 1 else { return [] }
        return (1..<(1 << bits)).filter { let w = $0.nonzeroBitCount; return w % 2 == 0 && w / 2 <= top }
    }

    /// The distinct masks S △ S' over the pairs of a family given by its members' masks.
    static func differenceMasks(of members: [Int]) -> [Int] {
        var seen = Set<Int>()
        for i in members.indices { for j in members.indices where j > i { seen.insert(members[i] ^ members[j]) } }
        return seen.sorted()
    }

    /// γ = max |E[g_S g_S']| = max |E χ_T| over the difference masks T of a family, the T attaining
    /// it, and (Monte Carlo) an upper confidence bound simultaneous over the masks (Bonferroni).
    func gamma(masks: [Int], confidence: Double) -> (value: Double, upper: Double, worst: [Int], masks: Int) {
        guard !masks.isEmpty else { return (0, 0, [], 0) }
        let z = exact ? 0 : Correlations.normalQuantile(1 - (1 - confidence) / Double(2 * masks.count))
        var best = masks[0], upper = 0.0
        for t in masks {
            upper = Swift.max(upper, abs(walsh[t]) + halfWidth(walsh[t], z: z))
            if abs(walsh[t]) > abs(walsh[best]) { best = t }
        }
        let worst = usable.indices.filter { best >> $0 & 1 == 1 }.map { usable[$0] }
        return (abs(walsh[best]), Swift.min(1, upper), worst, masks.count)
    }

    /// Packings are built when B has at most this many k-subsets to scan.
    static let maxPackingCandidates = 20_000

    /// k-subsets of `bits` bits (as masks, in lexicographic order of their index lists) pairwise
    /// sharing at most `maxShared` bits, chosen greedily: a constant-weight code with distance
    /// ≥ 2(k − maxShared). Every k-subset when maxShared ≥ k − 1; nil when there are more than
    /// ``maxPackingCandidates`` subsets to scan.
    static func packing(bits: Int, k: Int, maxShared: Int) -> [Int]? {
        guard k <= bits, NumberTheory.binomial(bits, k) <= maxPackingCandidates else { return nil }
        var accepted: [Int] = []
        func extend(_ start: Int, _ mask: Int, _ size: Int) {
            if size == k {
                if maxShared >= k - 1 || accepted.allSatisfy({ ($0 & mask).nonzeroBitCount <= maxShared }) { accepted.append(mask) }
                return
            }
            guard bits - start >= k - size else { return }
            for i in start..<bits { extend(i + 1, mask | 1 << i, size + 1) }
        }
        extend(0, 0, 0)
        return accepted
    }

    /// Candidates whose |E z_j| < threshold (point estimate).
    func nearUnbiased(threshold: Double) -> [Int] { bias.indices.filter { abs(bias[$0]) < threshold } }
}

/// Packings are compared up to this many members (the masks of their pairs are listed).
let maxPackingMembers = 5000

/// The bound of a parity-type family: members g_S for k-subsets S of B pairwise sharing at most t
/// bits. t = k − 1 is every k-subset, m = C(|B|, k); a smaller t gives a greedy packing (fewer
/// members) whose pairs have larger symmetric differences, so smaller correlations when the bits
/// are biased: E χ_T of |T| = 2(k − t) or more bits. The t with the largest bound m(τ² − γ)/2 is
/// kept (every k-subset when all are vacuous at τ); the others are listed in the notes with their τ_min = √γ. γ from the bits' Walsh spectrum — exact when the
/// inputs are enumerated, else the Monte Carlo upper bound (and both, for `--method both`).
/// `bitsName` names the bits in the plural ("central degree bits"); `packings: false` keeps every k-subset.
func parityFamilyBound(_ f: ParityFeatures, usable requested: [Int], k: Int, family: String, bitsName: String,
                       settings: BoundsSettings, rng: RandomStream, parameters: [String: String], packings: Bool = true,
                       extras: [(key: String, value: Double)] = [], notes: [String] = []) throws -> FamilyBound {
    var notes = notes
    let usable = Array(requested.prefix(ParityMoments.maxUsableBits))
    if usable.count < requested.count {
        notes.append("B cut to its first \(usable.count) of \(requested.count) \(bitsName) (Walsh–Hadamard over 2^|B| masks); m counts only those")
    }
    let useExact = try f.space.usesExact(settings.method)
    let useMC = !useExact || settings.method == .both
    var measurementRNG = rng.substream(.familyMeasurement)
    let exact = useExact ? ParityMoments.measure(f, usable: usable, exact: true, samples: 0, rng: &measurementRNG) : nil
    let mc = useMC ? ParityMoments.measure(f, usable: usable, exact: false, samples: settings.samples, rng: &measurementRNG) : nil
    return try parityFamilyBound(exact: exact, monteCarlo: mc, k: k, family: family, bitsName: bitsName, inputsText: f.space.exactText,
                                 settings: settings, parameters: parameters, packings: packings, extras: extras, notes: notes)
}

/// ``parityFamilyBound(_:usable:k:family:bitsName:settings:rng:parameters:packings:extras:notes:)`` from the
/// bits' moments, exact and/or Monte Carlo (over the same B); `inputsText` says what "exact" enumerated.
func parityFamilyBound(exact: ParityMoments?, monteCarlo mc: ParityMoments?, k: Int, family: String, bitsName: String, inputsText: String,
                       settings: BoundsSettings, parameters: [String: String], packings: Bool = true,
                       extras: [(key: String, value: Double)] = [], notes: [String] = []) throws -> FamilyBound {
    let usable = (exact ?? mc!).usable
    let useExact = exact != nil, useMC = mc != nil

    // The members sharing ≤ t bits pairwise, their difference masks and the bound, for each t.
    typealias Candidate = (t: Int, size: FamilySize, packing: [Int]?, masks: [Int], gamma: Double, queries: Double?)
    var candidates: [Candidate] = []
    for t in stride(from: k - 1, through: packings ? 0 : k - 1, by: -1) {
        let packing = ParityMoments.packing(bits: usable.count, k: k, maxShared: t)
        guard t == k - 1 || (packing.map { $0.count >= 2 && $0.count <= maxPackingMembers } ?? false) else { continue }
        let size = t == k - 1 ? FamilySize(NumberTheory.binomial(usable.count, k)) : FamilySize(BigUInt(packing!.count))
        let masks = t == k - 1 ? ParityMoments.differenceMasks(bits: usable.count, k: k) : ParityMoments.differenceMasks(of: packing!)
        let gamma = exact?.gamma(masks: masks, confidence: settings.confidence).value ?? mc!.gamma(masks: masks, confidence: settings.confidence).upper
        candidates.append((t, size, packing, masks, gamma, try QueryBounds.log10Queries(size, gamma: gamma, tolerance: settings.tau)))
    }
    // The largest bound (the first, every k-subset, on ties and when every choice is vacuous).
    let choice = candidates.dropFirst().reduce(candidates[0]) { ($1.queries ?? -.infinity) > ($0.queries ?? -.infinity) ? $1 : $0 }
    var notes = notes
    for c in candidates where c.t != choice.t {
        notes.append("alternative: members pairwise sharing ≤ \(c.t) (\(c.t == k - 1 ? "every k-subset" : "greedy packing")): m = \(c.size), "
                     + "γ = \(NumberFormat.significant(c.gamma, 4)) (τ_min = \(NumberFormat.significant(c.gamma.squareRoot(), 3))), "
                     + (c.queries.map { "log10 queries = \(NumberFormat.fixed($0, 2))" } ?? "vacuous"))
    }
    let (t, size, packing) = (choice.t, choice.size, choice.packing)
    let e = exact?.gamma(masks: choice.masks, confidence: settings.confidence)
    let g = mc?.gamma(masks: choice.masks, confidence: settings.confidence)
    let masks = (e ?? g)?.masks ?? 0
    let shared = t == k - 1 ? "all \(size) k-subsets" : "\(size) k-subsets sharing ≤ \(t) pairwise (greedy packing)"
    let over = "\(shared) of the \(usable.count) \(bitsName), via \(masks) difference parities"
        + (useExact ? " (\(inputsText))" : "") + (useMC ? " (\(mc!.samples) MC samples)" : "")
    let measurement = FamilyMeasurement(over: over, members: packing?.count ?? Int(exactly: size.exact ?? 0) ?? .max,
                                        exactGamma: e?.value, estimate: g?.value, upperBound: g?.upper, samples: mc?.samples ?? 0)
    let gamma: FamilyGamma
    let worst = (e ?? g)?.worst ?? []
    let worstText = worst.isEmpty ? "" : "; largest at S △ S' = \(worst)"
    if let e {
        gamma = FamilyGamma(e.value, .exact, "max over all pairs of |E χ_{S△S'}|, \(inputsText)" + worstText)
    } else {
        gamma = FamilyGamma(g!.upper, .monteCarloUpperBound,
                            "\(NumberFormat.fixed(100 * settings.confidence, 1))% upper bound on max |E χ_{S△S'}|, simultaneous over \(masks) masks" + worstText)
    }
    let moments = exact ?? mc!
    var allExtras = [(key: "usable_bits", value: Double(usable.count)),
                     (key: "near_unbiased_bits", value: Double(moments.nearUnbiased(threshold: settings.threshold).count)),
                     (key: "max_shared", value: Double(t))]
    allExtras += extras
    // The members' subsets, for checks, when there are few.
    let subsets = (packing ?? ParityMoments.packing(bits: usable.count, k: k, maxShared: k - 1)).flatMap { masks in
        masks.count <= 5000 ? masks.map { mask in usable.indices.filter { mask >> $0 & 1 == 1 }.map { usable[$0] } } : nil
    }
    return FamilyBound(family: family + (t == k - 1 ? "" : ", pairwise sharing ≤ \(t)"), size: size, gamma: gamma, measurement: measurement,
                       extras: allExtras, notes: notes, parameters: parameters, usableBits: usable, memberSubsets: subsets)
}
