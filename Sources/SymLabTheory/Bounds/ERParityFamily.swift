import SymLabFunctionClasses
import SymLabNumerics

/// `er-parity` (H_ER,n, Kiani et al. Theorem 3): the members g_{S,0}(A) = Π_{δ∈S} (−1)^{c_A[δ]}
/// for k-subsets S of the central degrees the class draws from (all of them, m = C(#central, k), or
/// a packing of them pairwise sharing fewer degrees: ``parityFamilyBound``). One sign bit only:
/// g_{S,1} = −g_{S,0} has correlation −1 with it, which would make γ = 1.
///
/// γ = max over pairs of |E χ_{S△S'}| of the degree-count parity bits, from ``ERParityBits``
/// (the statistics of `theory er-parity`): exact by enumerating every graph for n ≤ 7 (≤ 8 with
/// `--method exact`), else a Monte Carlo upper bound simultaneous over the difference masks. The
/// theorem's family is the parities of the near-unbiased bits, of which there are Θ(√n); the class
/// draws S from the central window only, so m is that of the class (the near-unbiased count is
/// reported beside it).
enum ERParityFamily: QueryFamily {
    static let sizeOption = "n"
    static let defaultSizes = [6, 7, 8, 12, 16, 24, 32]
    static let summary = "g_{S,0} = Π_{δ∈S} (−1)^{c_A[δ]} over k-subsets S of the central degrees of G(n, p): m = C(#central, k), γ = max |E χ_{S△S'}| (Kiani et al. Thm 3; Blum et al. 1994)"

    static func bound(_ c: ERParityClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let window = Double(c.parameters["window"] ?? "") ?? 0.8
        // The class's members are the products of the central degree bits ERParityBits measures
        // (the class's feature map indexes the central degrees): checked on 256 graphs.
        let features = ParityFeatures(parityClass: c, space: .erdosRenyi(nodes: c.nodes, p: c.p),
                                      member: { ERParityTarget(nodes: c.nodes, p: c.p, subset: $0.map { c.centralDegrees[$0] }, signBit: 0) })
        var checkRNG = rng.substream(.familySelection)
        let batch = features.sampler.sampleInputs(count: 256, rng: &checkRNG)
        ParityMoments.checkMembers(features, usable: Array(c.centralDegrees.indices), bits: features.oddBits(batch), inputs: batch)

        // ERParityBits enumerates the graphs' parity vectors in Gray-code order: 8 nodes (2^28 graphs) on request.
        let useExact: Bool
        switch settings.method {
        case .monteCarlo: useExact = false
        case .auto: useExact = c.nodes <= CorrelationStudy.autoExactGraphNodes
        case .exact, .both:
            guard c.nodes <= ERParityBits.maxExactNodes else {
                throw TheoryError.invalidArgument("exact er-parity moments enumerate the 2^\(c.nodes * (c.nodes - 1) / 2) graphs; n ≤ \(ERParityBits.maxExactNodes) is supported, use --method monte-carlo or auto")
            }
            useExact = true
        }
        let useMC = !useExact || settings.method == .both
        var mcRNG = rng.substream(.familyMeasurement)
        let exact = useExact ? try ERParityBits.exact(nodes: c.nodes, p: c.p, window: window) : nil
        let mc = useMC ? try ERParityBits.monteCarlo(nodes: c.nodes, p: c.p, window: window, samples: settings.samples, rng: &mcRNG) : nil
        let moments = [exact, mc].map { $0.map { b in
            ParityMoments(exact: b.method == .exact, samples: b.samples, bias: b.bias, usable: b.centralDegrees, walsh: b.centralParityMoments)
        } }
        let row = try parityFamilyBound(
            exact: moments[0], monteCarlo: moments[1], k: c.subsetSize,
            family: "g_{S,0}, |S| = \(c.subsetSize), S ⊆ central degrees \(c.centralDegrees)", bitsName: "central degree bits",
            inputsText: "all 2^\(c.nodes * (c.nodes - 1) / 2) graphs", settings: settings, parameters: c.parameters)
        let stats = exact ?? mc!
        let near = stats.nearUnbiased(threshold: settings.threshold)   // over all degrees, as `theory er-parity` counts them
        return FamilyBound(
            family: row.family, size: row.size, gamma: row.gamma, measurement: row.measurement, extras: row.extras,
            notes: ["near-unbiased degree bits (|E b_δ| < \(NumberFormat.shortest(settings.threshold))) among all degrees: \(near); "
                    + "the class draws S from the central degrees only"],
            parameters: c.parameters, usableBits: row.usableBits, memberSubsets: row.memberSubsets)
    }
}
