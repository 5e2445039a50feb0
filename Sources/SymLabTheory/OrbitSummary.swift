import BigInt

/// One row of an orbit table: the exact counts for one group action, with the brute-force
/// cross-check where 2^d is small enough. What `symlab theory orbits` prints.
public struct OrbitSummary: Sendable {
    public let family: GroupAction.Family
    public let n: Int
    /// d, the number of coordinates the group permutes.
    public let pointCount: Int
    public let order: BigUInt
    /// By the family's closed form.
    public let orbitCount: BigUInt
    /// ‖p_O‖² exactly, when a formula exists or brute force ran; nil otherwise.
    public let orbitNormSquared: ExactFraction?
    /// log2(1/‖p_O‖²), when ``orbitNormSquared`` is known.
    public let log2InverseOrbitNormSquared: Double?
    /// The brute-force enumeration, when d ≤ the brute-force limit.
    public let bruteForce: OrbitEnumeration?
    /// Bounds on log2(1/‖p_O‖²) from exact counts alone, for sizes where ‖p_O‖ itself is out of
    /// reach (graphs beyond brute force). Every orbit has at most |G| points, so
    /// Σ|O_k|² ≤ |G|·2^d gives the lower bound d − log2|G|; Cauchy–Schwarz,
    /// Σ|O_k|² ≥ (2^d)²/#orbits, gives the upper bound log2(#orbits). Both tend to the same value
    /// when almost every orbit is regular (e.g. almost all graphs have no automorphism).
    public var log2InverseOrbitNormSquaredBounds: (lower: Double, upper: Double) {
        (Swift.max(0, Double(pointCount) - NumberTheory.log2(order)), NumberTheory.log2(orbitCount))
    }

    /// Brute force agrees with the formulas on the orbit count and (when both exist) on Σ|O_k|²;
    /// nil when brute force did not run.
    public var bruteForceAgrees: Bool? {
        guard let bruteForce else { return nil }
        return BigUInt(bruteForce.orbitCount) == orbitCount && (orbitNormSquared.map { $0 == bruteForce.orbitNormSquared } ?? true)
    }

    /// Computes a row; brute force runs when d ≤ `bruteForceMaxDegree` (0 points also count).
    public init(_ action: GroupAction, bruteForceMaxDegree: Int = 21) throws {
        family = action.family
        n = action.n
        pointCount = action.pointCount
        order = action.order
        orbitCount = try action.orbitCount()
        let brute = action.pointCount <= bruteForceMaxDegree ? try action.enumerateOrbits(maxDegree: bruteForceMaxDegree) : nil
        bruteForce = brute
        let norm: ExactFraction? =
            action.hasOrbitNormFormula ? try action.orbitNormSquared() : brute?.orbitNormSquared
        orbitNormSquared = norm
        log2InverseOrbitNormSquared = norm.map { 0 - $0.log2Value }   // 0 − x: no −0 for ‖p_O‖ = 1
    }
}
