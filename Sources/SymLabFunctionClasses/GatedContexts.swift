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
