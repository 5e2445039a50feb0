import SymLabFunctionClasses
import SymLabNumerics

/// `sparse-parity`: the parities χ_S, |S| = k, of x uniform on {±1}^n — the family of Blum et al.
/// (1994) itself. m = C(n, k) and γ = 0: E[χ_S χ_S'] = E[χ_{S△S'}] = 0 for S ≠ S' (a theorem,
/// Fourier orthogonality). The measurement confirms it through the coordinates' Walsh spectrum:
/// exactly for n ≤ 16, by Monte Carlo beyond, over the first 20 coordinates when n > 20.
enum SparseParityFamily: QueryFamily {
    static let sizeOption = "n"
    static let defaultSizes = [8, 12, 16, 24, 32]
    static let summary = "parities χ_S, |S| = k, x uniform on {±1}^n: m = C(n, k), γ = 0 (Blum et al. 1994)"

    static func bound(_ c: SparseParityClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let measured = try parityFamilyBound(
            ParityFeatures(parityClass: c, space: .hypercube(dimension: c.n), member: { MonomialSumTarget(n: c.n, monomials: [$0]) }),
            usable: Array(0..<c.n), k: c.k, family: "χ_S, |S| = \(c.k), S ⊆ {1…\(c.n)}", bitsName: "coordinates",
            settings: settings, rng: rng, parameters: c.parameters, packings: false)
        // The theorem covers every pair of the whole family; the measurement, when it covers all n coordinates exactly, agrees.
        let whole = FamilySize(NumberTheory.binomial(c.n, c.k))
        let gamma = measured.gamma.source == .exact && measured.size == whole
            ? measured.gamma : FamilyGamma(0, .theorem, "distinct parities are orthogonal: E[χ_S χ_S'] = E[χ_{S△S'}] = 0")
        return FamilyBound(family: measured.family, size: whole, gamma: gamma, measurement: measured.measurement,
                           notes: c.n > ParityMoments.maxUsableBits
                               ? ["measured over the first \(ParityMoments.maxUsableBits) coordinates only, as a check: γ = 0 is a theorem"] : [],
                           parameters: c.parameters, usableBits: measured.usableBits, memberSubsets: measured.memberSubsets)
    }
}
