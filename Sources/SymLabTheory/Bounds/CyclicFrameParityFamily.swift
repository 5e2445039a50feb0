import SymLabFunctionClasses
import SymLabNumerics

/// `cyclic-frame-parity` (C^B_F (a)): the members χ_S(canonical rotation of x) for k-subsets S of
/// the positions B of the canonical rotation that the frame does not nearly fix.
///
/// The canonical (lexicographically smallest) rotation starts with its longest run of −1s and ends
/// with +1, so its first and last positions are (almost) constant, and every other position is
/// biased too (at n = 16, E z_j ≈ +0.1…0.2 past the leading run: fewer −1s are left for the rest).
/// B = the positions with |E z_j| < 1/2 (found on inputs separate from those that measure γ; all
/// inputs when they are enumerated). Biased bits make members that differ in few positions
/// correlated (E χ_T ≈ Π_{j∈T} E z_j), which the packing choice of ``parityFamilyBound`` trades
/// against m: members pairwise sharing ≤ t positions. γ from the bits' Walsh spectrum.
enum CyclicFrameParityFamily: QueryFamily {
    static let sizeOption = "n"
    static let defaultSizes = [8, 12, 16, 20, 24]
    static let summary = "χ_S of the canonical rotation over k-subsets S of its not-nearly-fixed positions (|E z_j| < 1/2), or a packing of them (Blum et al. 1994)"
    /// Positions with |E z_j| below this are usable.
    static let maxBias = 0.5
    /// Inputs used to find B when the inputs are not enumerated.
    static let selectionSamples = 100_000

    static func bound(_ c: CyclicFrameParityClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let f = ParityFeatures(parityClass: c, space: .hypercube(dimension: c.n), member: { CyclicFrameParityTarget(n: c.n, subset: $0) })
        var selectionRNG = rng.substream(.familySelection)
        let exact = try f.space.usesExact(settings.method)
        let selection = ParityMoments.measure(f, usable: [], exact: exact, samples: min(settings.samples, selectionSamples), rng: &selectionRNG)
        let free = selection.nearUnbiased(threshold: maxBias)
        return try parityFamilyBound(
            f, usable: free, k: c.k, family: "χ_S(canonical rotation), |S| = \(c.k), S ⊆ the \(free.count) positions with |E z_j| < 1/2",
            bitsName: "canonical-rotation positions", settings: settings, rng: rng, parameters: c.parameters,
            notes: ["B = positions \(free) (|E z_j| < 1/2 on " + (exact ? f.space.exactText : "\(min(settings.samples, selectionSamples)) separate samples") + "); "
                    + "|E z_j| over B up to " + NumberFormat.scientific(free.map { abs(selection.bias[$0]) }.max() ?? 0)])
    }
}
