import BigInt
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// `invariant-polynomial`: without a hidden support, members on pairwise disjoint orbit sets; with
/// one (option `support` s < n), one polynomial moved over supports S that pairwise share few
/// coordinates.
///
/// A member is Σ_j c_j P_{O_j} with Σ c_j² = 1, each P_O the normalised sum of the monomials of one
/// orbit. Distinct monomials are orthonormal (Hermite polynomials under N(0, I), Walsh characters
/// on {±1}^n), so:
///
/// * **No hidden support** (s = n): members whose orbit sets are disjoint share no monomial and are
///   exactly orthogonal whatever their coefficients: γ = 0, m = ⌊#orbits/terms⌋. The orbit count —
///   the partitions of the degree for S_n, about C(n+k−1, k)/n for C_n — grows at most polynomially:
///   the class without a support is *not* exponentially CSQ-hard.
/// * **Hidden support** (the paper's sparse invariant polynomials): the orbit of a monomial of shape
///   λ (ℓ = its number of distinct coordinates) under Sym(S) has falling(s, ℓ)/Π mult! monomials, of
///   which those supported in S ∩ S′ are common to S and S′, so
///   ⟨P_{λ,S}, P_{λ,S′}⟩ = falling(|S∩S′|, ℓ)/falling(s, ℓ) — 0 when |S∩S′| < ℓ — and distinct shapes
///   are orthogonal. The family keeps the class's `terms` shapes with the most coordinates (equal
///   coefficients) and moves them over supports pairwise sharing ≤ u coordinates:
///   γ(u) = falling(u, ℓ_min)/falling(s, ℓ_min), and a greedy choice of supports gives
///   m(u) ≥ ⌈C(n, s)/V(u)⌉, V(u) = Σ_{v>u} C(s, v) C(n−s, s−v) the supports a chosen one excludes
///   (Gilbert–Varshamov); u = s − 1 is every support, m = C(n, s). The u with the largest bound is
///   kept. With degree = s and `monomials: multilinear`, ℓ = s and every support is orthogonal to
///   every other: C(n, s) members with γ = 0, the family of the SQ/CSQ separation (§3).
///
/// Measured: members on supports drawn at random (kept when they share ≤ u coordinates with the
/// ones kept before), exact for Boolean inputs with n ≤ 16, Monte Carlo otherwise.
enum InvariantPolynomialFamily: QueryFamily {
    static let sizeOption = "n"
    static let defaultSizes = [8, 16, 32, 64]
    static let summary = "members on disjoint orbit sets (m = ⌊#orbits/terms⌋, γ = 0), or with a hidden support s one polynomial on supports sharing ≤ u coordinates (m ≥ C(n, s)/V(u), γ = falling(u, ℓ)/falling(s, ℓ))"

    static func bound(_ c: InvariantPolynomialClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        c.support < c.n ? try hiddenSupportBound(c, settings: settings, rng: rng) : try disjointOrbitsBound(c, settings: settings, rng: rng)
    }

    /// s = n: members the class draws, kept when their orbits are new.
    static func disjointOrbitsBound(_ c: InvariantPolynomialClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
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
        let group = c.cyclic ? "C_\(c.n)" : "S_\(c.n)"
        return FamilyBound(
            family: "\(c.terms) orbit sum(s) of degree-\(c.degree) monomials under \(group) per member, orbit sets pairwise disjoint (\(c.boolean ? "Boolean" : "Gaussian") inputs)",
            size: FamilySize(BigUInt(m)),
            gamma: FamilyGamma(0, .theorem, "members on disjoint orbit sets share no monomial, and distinct monomials are orthonormal"),
            measurement: try measure(members, c, settings: settings, rng: rng, theoremGamma: 0),
            extras: [(key: "available_orbits", value: Double(c.availableOrbits))],
            notes: ["no hidden support: m grows polynomially in n (\(c.availableOrbits) orbits of degree-\(c.degree) monomials under \(group)); "
                    + "the hard class hides a support (--option support=s)"],
            parameters: c.parameters)
    }

    /// s < n: the class's `terms` shapes with the most coordinates, moved over supports.
    static func hiddenSupportBound(_ c: InvariantPolynomialClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let (n, s) = (c.n, c.support)
        let shapes = c.boolean || c.multilinear ? [[Int](repeating: 1, count: c.degree)]
            : InvariantPolynomialClass.partitions(of: c.degree, maxParts: s).sorted { $0.count > $1.count }
        let orbits = Array(shapes.prefix(c.terms)), coefficients = [Double](repeating: 1 / Double(orbits.count).squareRoot(), count: orbits.count)
        let coordinates = orbits.map(\.count)
        let ell = coordinates.min()!
        // γ for supports sharing ≤ u coordinates; sizes from the greedy (Gilbert–Varshamov) count.
        let gammaAt = { (u: Int) in fallingFactorial(u, ell) / fallingFactorial(s, ell) }
        var best: (u: Int, size: FamilySize, queries: Double?)?
        for u in Swift.max(0, ell - 1)..<s {
            var excluded = BigUInt(0)
            for v in (u + 1)...s { excluded += NumberTheory.binomial(s, v) * NumberTheory.binomial(n - s, s - v) }
            let (q, r) = NumberTheory.binomial(n, s).quotientAndRemainder(dividingBy: excluded)
            let size = FamilySize(r.isZero ? q : q + 1)
            let queries = try QueryBounds.log10Queries(size, gamma: gammaAt(u), tolerance: settings.tau)
            if best == nil || (queries ?? -.infinity) > (best!.queries ?? -.infinity) { best = (u, size, queries) }
        }
        let u = best!.u
        // Measured: random supports sharing ≤ u coordinates with every kept one.
        var supports: [[Int]] = []
        var attempt: UInt64 = 0
        while supports.count < settings.functions, attempt < UInt64(200 * settings.functions) {
            var r = rng.substream(.familyMember(attempt))
            attempt += 1
            let support = r.permutation(n).prefix(s).sorted()
            if supports.allSatisfy({ Set($0).intersection(support).count <= u }) { supports.append(support) }
        }
        let members: [any Target] = supports.map {
            InvariantPolynomialTarget(n: n, boolean: c.boolean, cyclic: false, orbits: orbits, coefficients: coefficients, support: $0)
        }
        // The identity for these members: Σ_j c_j² falling(|S∩S′|, ℓ_j)/falling(s, ℓ_j), maximised over pairs.
        var theorem = 0.0
        for i in supports.indices { for j in supports.indices where j > i {
            let t = Set(supports[i]).intersection(supports[j]).count
            theorem = Swift.max(theorem, zip(coefficients, coordinates).reduce(0) { $0 + $1.0 * $1.0 * fallingFactorial(t, $1.1) / fallingFactorial(s, $1.1) })
        } }
        let shared = u == s - 1 ? "every s-subset" : "supports pairwise sharing ≤ \(u) coordinates (greedy, Gilbert–Varshamov count)"
        return FamilyBound(
            family: "orbit sum(s) \(orbits.map { "[" + $0.map(String.init).joined(separator: " ") + "]" }.joined(separator: " + ")) under Sym(S), |S| = \(s) of \(n): \(shared)",
            size: best!.size,
            gamma: FamilyGamma(gammaAt(u), .theorem,
                               "⟨P_{λ,S}, P_{λ,S′}⟩ = falling(|S∩S′|, ℓ)/falling(s, ℓ), ℓ = \(ell) coordinates, |S∩S′| ≤ \(u)"),
            measurement: try measure(members, c, settings: settings, rng: rng, theoremGamma: theorem),
            extras: [(key: "support", value: Double(s)), (key: "max_shared", value: Double(u)), (key: "coordinates_per_monomial", value: Double(ell))],
            notes: ["m counts supports pairwise sharing ≤ \(u) of their \(s) coordinates; the measured members are \(supports.count) such supports drawn at random"],
            parameters: c.parameters)
    }

    /// The measured members' correlations (nil for fewer than two).
    static func measure(_ members: [any Target], _ c: InvariantPolynomialClass, settings: BoundsSettings, rng: RandomStream,
                        theoremGamma: Double) throws -> FamilyMeasurement? {
        guard members.count >= 2 else { return nil }
        var measureRNG = rng.substream(.familyMeasurement)
        return try MemberCorrelations.measure(members, space: c.boolean ? .hypercube(dimension: c.n) : .continuous, settings: settings,
                                              rng: &measureRNG, unitNorm: true, theoremGamma: theoremGamma).0
    }
}

/// t(t − 1)⋯(t − ℓ + 1) as a Double (0 when t < ℓ).
func fallingFactorial(_ t: Int, _ ell: Int) -> Double {
    (0..<ell).reduce(1.0) { $0 * Double(t - $1) }
}
