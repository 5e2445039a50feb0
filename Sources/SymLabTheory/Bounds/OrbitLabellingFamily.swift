import BigInt
import SymLabFunctionClasses
import SymLabNumerics

/// `symmetric-boolean` (H_ρ, Kiani et al. Theorem 2): a family of random ±1 labellings of the
/// orbits, which exists by the probabilistic method with a size set by ‖p_O‖.
///
/// With p_k = |O_k|/2^d, two independent uniformly random orbit labellings f, f′ have
/// ⟨f, f′⟩ = Σ_k p_k ε_k ε′_k, a weighted sum of independent fair signs: mean 0, variance
/// Σ_k p_k² = ‖p_O‖², and by Hoeffding P(|⟨f, f′⟩| > γ) ≤ 2 exp(−γ²/(2‖p_O‖²)). A union bound over
/// the m(m − 1)/2 pairs of m random labellings: all pairs have |⟨f_i, f_j⟩| ≤ γ with positive
/// probability when m(m − 1) < exp(γ²/(2‖p_O‖²)), so such a family exists (our derivation, in the
/// spirit of Theorem 2, whose formula was not recovered: docs/statistical-queries.md §2). γ ∈ (0, τ²)
/// is chosen to maximise m(τ² − γ)/2. log m grows like γ²/‖p_O‖²: exponential in the effective number
/// of orbits 1/‖p_O‖². ‖p_O‖ comes from the orbit machinery (``OrbitSummary``: a formula for C_n, D_n,
/// S_n; brute force for graphs up to 7 nodes, beyond which the bound ‖p_O‖² ≤ |G|/2^d is used).
///
/// Measured beside it: the correlations of labellings the class itself draws, exact for d ≤ 16.
enum OrbitLabellingFamily: QueryFamily {
    static let sizeOption = "n"
    static let defaultSizes = [8, 12, 16, 24, 32]
    static let summary = "random ±1 orbit labellings, m(m−1) < exp(γ²/(2‖p_O‖²)) by Hoeffding and a union bound (probabilistic method; Kiani et al. Thm 2)"
    static func bound(_ c: SymmetricBooleanClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let kind = c.parameters["group"] ?? "cyclic", n = Int(c.parameters["n"] ?? "") ?? c.group.degree
        let family: GroupAction.Family = ["dihedral": .dihedral, "symmetric": .symmetric, "graph-edges": .graphs][kind] ?? .cyclic
        let orbits = try OrbitSummary(try GroupAction.family(family, n: n), bruteForceMaxDegree: family == .graphs ? 21 : 0)
        // log2(1/‖p_O‖²): exact, or for large graphs the lower bound d − log2|G| (a valid, smaller family).
        let exactNorm = orbits.log2InverseOrbitNormSquared
        let log2Inverse = exactNorm ?? orbits.log2InverseOrbitNormSquaredBounds.lower
        let best = bestFamily(log2InverseNormSquared: log2Inverse, tau: settings.tau)

        let members = drawnMembers(of: c, count: settings.functions, rng: rng)
        var measureRNG = rng.substream(.familyMeasurement)
        let (measurement, _, _) = try MemberCorrelations.measure(members, space: .hypercube(dimension: c.group.degree), settings: settings,
                                                                rng: &measureRNG, unitNorm: true)
        let norm = pow2(-log2Inverse / 2)
        var notes = ["random labellings: E⟨f, f′⟩ = 0 and E⟨f, f′⟩² = ‖p_O‖², so a typical measured |⟨f, f′⟩| is ≈ ‖p_O‖ = \(NumberFormat.scientific(norm))"]
        if exactNorm == nil {
            notes.append("‖p_O‖ for graphs on \(n) nodes has no formula and 2^\(orbits.pointCount) points are too many to enumerate: ‖p_O‖² ≤ |G|/2^d is used (a smaller family)")
        }
        return FamilyBound(
            family: "random labellings of the \(NumberFormat.abbreviated(orbits.orbitCount)) orbits of \(c.group.name) on {±1}^\(c.group.degree)",
            size: best.size,
            gamma: FamilyGamma(best.gamma, .probabilisticMethod,
                               "exists: m(m − 1) < exp(γ²/(2‖p_O‖²)), γ chosen in (0, τ²) to maximise m(τ² − γ)/2"),
            measurement: measurement,
            extras: [(key: "norm_p_O", value: norm), (key: "log10_inverse_norm_p_O_squared", value: log2Inverse * 0.30102999566398120),
                     (key: "log10_orbits", value: NumberTheory.log2(orbits.orbitCount) * 0.30102999566398120)],
            notes: notes, parameters: c.parameters)
    }

    /// γ is searched on this many points of (0, τ²).
    static let gammaGrid = 400

    /// The γ on the grid maximising m(τ² − γ)/2 with m the union-bound size at γ, given log2(1/‖p_O‖²).
    static func bestFamily(log2InverseNormSquared l: Double, tau: Double) -> (gamma: Double, size: FamilySize) {
        var best: (gamma: Double, size: FamilySize, queries: Double)?
        for j in 1..<gammaGrid {
            let gamma = tau * tau * Double(j) / Double(gammaGrid)
            // ln E = γ²/(2‖p_O‖²) = γ² · 2^l / 2.
            let size = unionBoundFamilySize(logE: gamma * gamma * pow2(l) / 2)
            if let q = try? QueryBounds.log10Queries(size, gamma: gamma, tolerance: tau), best.map({ q > $0.queries }) ?? true {
                best = (gamma, size, q)
            }
        }
        // No γ gives two members: the largest γ on the grid, with its (single-member) family.
        let largest = tau * tau * Double(gammaGrid - 1) / Double(gammaGrid)
        return best.map { ($0.gamma, $0.size) } ?? (largest, unionBoundFamilySize(logE: largest * largest * pow2(l) / 2))
    }
}

/// 2^x for real x, by exact powers of two times ``portableExp`` of the fractional part.
func pow2(_ x: Double) -> Double {
    let whole = x.rounded(.down)
    return Double(sign: .plus, exponent: Int(whole), significand: 1) * portableExp((x - whole) * 0.6931471805599453)
}
