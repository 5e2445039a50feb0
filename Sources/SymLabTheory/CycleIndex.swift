import BigInt
import SymLabFunctionClasses

extension PermutationGroup {
    /// The cycle index, collected from the listed elements (a family too large to list, S_n with
    /// n > 8, has its cycle index from ``GroupAction/cycleIndex()``, by partitions of n).
    public var cycleIndex: CycleIndex {
        guard let elements else { preconditionFailure("PermutationGroup.cycleIndex: \(name) does not list its elements; use GroupAction's formulas") }
        var counts: [[Int: Int]: Int] = [:]
        for g in elements { counts[g.cycleType, default: 0] += 1 }
        return CycleIndex(degree: degree, terms: counts.map { .init(cycleType: $0.key, count: BigUInt($0.value)) })
    }

    /// Burnside: the number of orbits on {−1,+1}^degree is (1/|G|) Σ_g 2^c(g).
    public var orbitCount: BigUInt { cycleIndex.orbitCount() }
}

/// The cycle index of a permutation group: how many elements have each cycle type.
///
/// Everything Burnside's lemma needs; families fill it from formulas (divisors, partitions of n),
/// enumerated groups from their elements.
public struct CycleIndex: Sendable {
    public struct Term: Sendable {
        /// Cycle length → number of cycles of that length (on the points the group acts on).
        public let cycleType: [Int: Int]
        /// The number of group elements with this cycle type.
        public let count: BigUInt
        public var cycleCount: Int { cycleType.values.reduce(0, +) }
        public init(cycleType: [Int: Int], count: BigUInt) { self.cycleType = cycleType; self.count = count }
    }

    public let degree: Int
    public let terms: [Term]

    public init(degree: Int, terms: [Term]) { self.degree = degree; self.terms = terms }

    /// |G| = Σ of the term counts.
    public var groupOrder: BigUInt { terms.reduce(BigUInt(0)) { $0 + $1.count } }

    /// Burnside's lemma: #orbits on colourings of the points with `colors` colours = (1/|G|) Σ_g colors^c(g).
    /// The division is exact for a genuine group; a remainder means the terms were not one.
    public func orbitCount(colors: Int = 2) -> BigUInt {
        precondition(colors >= 1, "CycleIndex.orbitCount: colors must be ≥ 1, got \(colors)")
        let base = BigUInt(colors)
        var sum = BigUInt(0)
        for t in terms {
            sum += t.count * (colors == 2 ? BigUInt(1) << t.cycleCount : base.power(t.cycleCount))
        }
        let (q, r) = sum.quotientAndRemainder(dividingBy: groupOrder)
        precondition(r.isZero, "CycleIndex.orbitCount: Burnside sum \(sum) not divisible by |G| = \(groupOrder); not a group")
        return q
    }
}
