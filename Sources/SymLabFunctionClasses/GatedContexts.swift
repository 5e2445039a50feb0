import SymLabNumerics

/// The race task of a gated deep linear network (Saxe, Sodhani & Lewallen, ICML 2022, "The neural
/// race reduction"): P one-hot items seen in C contexts; pathway 0 is gated on in every context
/// (shared), pathway c + 1 only in context c (specific). The target of context c is
///
///     Y_c = s·(a_A Z_Aᵀ + σ_c a_B Z_Bᵀ)
///
/// with Z = [Z_A | Z_B] a random orthogonal item basis split in halves, a_A and a_B orthonormal
/// output directions in disjoint output blocks, and context signs σ_c = ±1 summing to 0. The A
/// part is the same in every context (a shared pathway can learn it, C times faster than a
/// context's own pathway); the B part flips sign between contexts, so its average is 0 and only
/// the specific pathways can learn it. A and B must be orthogonal in item *and* output space, else
/// their modes merge and the race does not decouple.
///
/// Labels are matrices, not the [N] labels of a ``FunctionClass``: the task is a plain value that
/// the gated-linear scheme trains on.
public struct GatedRaceTask: Sendable {
    public let items: Int
    public let contexts: Int
    /// Singular value s of every mode of every Y_c.
    public let strength: Double
    /// P × P orthogonal; columns 0..<P/2 are Z_A (shared modes), the rest Z_B.
    public let itemBasis: Tensor<Double>
    /// P × P orthogonal and block diagonal: outputs 0..<P/2 carry A, the rest B.
    public let outputBasis: Tensor<Double>
    /// σ_c: +1 for the first half of the contexts, −1 for the second.
    public let contextSigns: [Double]

    /// Needs an even number of items and of contexts (halves for A/B and for the signs).
    public init(items: Int, contexts: Int, strength: Double, seed: UInt64) {
        precondition(items >= 2 && items % 2 == 0 && contexts >= 2 && contexts % 2 == 0,
                     "GatedRaceTask: items and contexts must be even and ≥ 2, got \(items), \(contexts)")
        var rng = RandomStream(seed: seed)
        let half = items / 2
        self.items = items; self.contexts = contexts; self.strength = strength
        itemBasis = rng.orthonormal(rows: items, cols: items)
        let oa: Tensor<Double> = rng.orthonormal(rows: half, cols: half), ob: Tensor<Double> = rng.orthonormal(rows: half, cols: half)
        var out = [Double](repeating: 0, count: items * items)
        for i in 0..<half { for j in 0..<half { out[i * items + j] = oa[i, j]; out[(half + i) * items + half + j] = ob[i, j] } }
        outputBasis = Tensor(shape: [items, items], scalars: out)
        contextSigns = (0..<contexts).map { $0 < contexts / 2 ? 1 : -1 }
    }

    public var outputs: Int { items }
    public var pathways: Int { contexts + 1 }
    /// Modes 0..<P/2 are shared (A), the rest specific (B).
    public var sharedModes: Range<Int> { 0..<(items / 2) }
    public var specificModes: Range<Int> { (items / 2)..<items }

    /// Pathway 0 is on in every context, pathway c + 1 in context c only.
    public func isActive(pathway p: Int, context c: Int) -> Bool { p == 0 || p == c + 1 }

    /// The fraction of contexts in which `pathway` is on: its learning-rate multiplier in the race.
    public func activeFraction(pathway p: Int) -> Double {
        Double((0..<contexts).filter { isActive(pathway: p, context: $0) }.count) / Double(contexts)
    }

    /// Y_c (outputs × items).
    public func target(context c: Int) -> Tensor<Double> {
        var y = [Double](repeating: 0, count: outputs * items)
        for mode in 0..<items {
            let sign = specificModes.contains(mode) ? contextSigns[c] : 1
            for o in 0..<outputs { for i in 0..<items { y[o * items + i] += strength * sign * outputBasis[o, mode] * itemBasis[i, mode] } }
        }
        return Tensor(shape: [outputs, items], scalars: y)
    }
}

/// The routing task of Saxe, Sodhani & Lewallen (2022; their "solution verification" notebook):
/// M input domains and M output domains, the same 4 one-hot items in every input domain, and the
/// same target in every (input, output) pair: item p maps to the 7 features
/// [6, (4,4,0,0)_p, (0,0,4,4)_p, 3·e_p] (a root, two branches, one leaf per item; singular values
/// 13.60, 6.40, 3, 3). Only the pairs with output j ∈ {i−1, i, i+1, i+2} mod M are trained (4 per
/// input and per output domain, 28 of 49 for M = 7); the other pairs test zero-shot routing: a
/// network whose shared hidden layer learned the items' structure from the trained pairs maps a
/// held-out pair correctly without ever seeing it.
///
/// Like ``GatedRaceTask`` the labels are matrices, so this is a plain value for the gated-linear
/// scheme, not a ``FunctionClass``.
public struct GatedRoutingTask: Sendable {
    public let domains: Int
    public let items = 4
    public let features = 7
    /// Output-domain offsets j − i (mod M) of the trained pairs: the notebook's "4_plus_minus_mod".
    public static let trainedOffsets = [-1, 0, 1, 2]
    /// Y (features × items, columns = items).
    public let target: Tensor<Double>
    /// Singular values of Y, largest first, with its left (features × 4) and right (items × 4)
    /// singular vectors as columns: the modes of the race reduction. The two values 3 are
    /// degenerate, so their vectors are one orthonormal basis of that plane (any basis works for
    /// an initialisation aligned with all of it).
    public let singularValues: [Double]
    public let leftModes: Tensor<Double>
    public let rightModes: Tensor<Double>

    /// Needs M ≥ 4 so that the four offsets name four different output domains.
    public init(domains: Int = 7) {
        precondition(domains >= 4, "GatedRoutingTask: needs at least 4 domains, got \(domains)")
        self.domains = domains
        var y = [Double](repeating: 0, count: 7 * 4)
        for p in 0..<4 {
            y[0 * 4 + p] = 6
            y[1 * 4 + p] = p < 2 ? 4 : 0
            y[2 * 4 + p] = p < 2 ? 0 : 4
            y[(3 + p) * 4 + p] = 3
        }
        target = Tensor(shape: [7, 4], scalars: y)
        // SVD from the 4 × 4 eigenproblem YᵀY = V S² Vᵀ, U = Y V S⁻¹ (Y has full column rank).
        guard let (values, vectors) = try? Linalg.eigh(Tensor.matmul(target, target, transposeA: true)) else {
            fatalError("GatedRoutingTask: eigh of a 4 × 4 Gram matrix failed")
        }
        let order = (0..<4).sorted { values[$0] > values[$1] }
        singularValues = order.map { values[$0].squareRoot() }
        var v = [Double](repeating: 0, count: 16)
        for (k, m) in order.enumerated() { for i in 0..<4 { v[i * 4 + k] = vectors[i, m] } }
        rightModes = Tensor(shape: [4, 4], scalars: v)
        var u = Tensor.matmul(target, rightModes).scalars
        for o in 0..<7 { for k in 0..<4 { u[o * 4 + k] /= singularValues[k] } }
        leftModes = Tensor(shape: [7, 4], scalars: u)
    }

    /// True when the pair (input domain i, output domain j) is trained.
    public func isTrained(input i: Int, output j: Int) -> Bool {
        let offset = ((j - i) % domains + domains) % domains
        return Self.trainedOffsets.contains { ($0 % domains + domains) % domains == offset }
    }

    public var trainedPairs: [(input: Int, output: Int)] {
        (0..<domains).flatMap { i in (0..<domains).filter { isTrained(input: i, output: $0) }.map { (i, $0) } }
    }

    public var heldOutPairs: [(input: Int, output: Int)] {
        (0..<domains).flatMap { i in (0..<domains).filter { !isTrained(input: i, output: $0) }.map { (i, $0) } }
    }
}
