import BigInt
import SymLabFunctionClasses
import SymLabNumerics

/// `invariant-polynomial`: members with pairwise disjoint sets of orbits, m = ⌊#orbits / terms⌋.
///
/// A member is Σ_j c_j P_{O_j} with Σ c_j² = 1, each P_O the normalised sum of the monomials of one
/// orbit. Distinct monomials are orthonormal (Hermite polynomials under N(0, I), Walsh characters
/// on {±1}^n), so members whose orbit sets are disjoint share no monomial and are exactly
/// orthogonal whatever their coefficients: γ = 0, a theorem. Members sharing an orbit can be
/// correlated up to 1, so disjointness is what keeps γ at 0; ⌊#orbits/terms⌋ is the most disjoint
/// members there are. The class as registered is invariant on all n coordinates (no hidden
/// support), so its orbit count — the partitions of the degree for S_n, about C(n+k−1, k)/n for
/// C_n — grows at most polynomially: the bound shows the class is *not* exponentially CSQ-hard.
/// The paper's hard class (sparse invariant polynomials, CSQ lower bound and SQ separation) hides a
/// support; see docs/statistical-queries.md §2.
///
/// Measured: members the class draws, kept when their orbits are new; exact for Boolean inputs
/// with n ≤ 16, Monte Carlo otherwise.
enum InvariantPolynomialFamily: QueryFamily {
    static let sizeOption = "n"
    static let defaultSizes = [8, 16, 32, 64]
    static let summary = "members on pairwise disjoint orbit sets: m = ⌊#orbits/terms⌋, γ = 0 (orthonormal Hermite / Walsh monomials)"

    static func bound(_ c: InvariantPolynomialClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let m = c.availableOrbits / c.terms
        var members: [any Target] = [], used = Set<[Int]>()
        var attempt: UInt64 = 0
        while members.count < min(settings.functions, m), attempt < UInt64(200 * settings.functions) {
            var r = rng.substream(.familyMember(attempt))
            attempt += 1
            guard let t = c.drawTarget(rng: &r) as? InvariantPolynomialTarget, used.isDisjoint(with: t.orbits) else { continue }
            used.formUnion(t.orbits)
            members.append(t)
        }
        var measureRNG = rng.substream(.familyMeasurement)
        let measurement = members.count >= 2
            ? try MemberCorrelations.measure(members, space: c.boolean ? .hypercube(dimension: c.n) : .continuous, settings: settings,
                                             rng: &measureRNG, unitNorm: true, theoremGamma: 0).0
            : nil
        let group = c.cyclic ? "C_\(c.n)" : "S_\(c.n)"
        return FamilyBound(
            family: "\(c.terms) orbit sum(s) of degree-\(c.degree) monomials under \(group) per member, orbit sets pairwise disjoint (\(c.boolean ? "Boolean" : "Gaussian") inputs)",
            size: FamilySize(BigUInt(m)),
            gamma: FamilyGamma(0, .theorem, "members on disjoint orbit sets share no monomial, and distinct monomials are orthonormal"),
            measurement: measurement,
            extras: [(key: "available_orbits", value: Double(c.availableOrbits))],
            notes: ["the class has no hidden support: m grows polynomially in n (\(c.availableOrbits) orbits of degree-\(c.degree) monomials under \(group))"],
            parameters: c.parameters)
    }
}
