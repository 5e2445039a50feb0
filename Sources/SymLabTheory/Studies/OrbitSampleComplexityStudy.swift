import BigInt
import SymLabNumerics

/// Samples-to-learn of an orbit-by-orbit learner against the orbit counts of its group, over n:
/// the check that `orbit-lookup`'s sample need is governed by the number of orbits (Kiani et al.,
/// Theorem 2's quantity). Each row divides the measured samples-to-learn by the orbit count and by
/// the effective number of orbits 1/‖p_O‖²; the claim is that these ratios stay within a constant
/// factor (the spread, max/min over the sizes reached) while both numbers grow exponentially in n.
///
/// The measurement is passed in (SymLabTheory runs no learners): a figure or a test hands it
/// `SamplesToLearn.measure` of the `orbit-lookup` scheme on `symmetric-boolean` at each n.
public struct OrbitSampleComplexityStudy: Sendable {
    public struct Row: Sendable {
        public let n: Int
        /// Orbits of the group on {−1, +1}^d (exact, by the family's closed form).
        public let orbits: Double
        /// 1/‖p_O‖², when ‖p_O‖ is known exactly (a formula, or 2^d small enough to enumerate).
        public let effectiveOrbits: Double?
        /// The measured samples-to-learn; nil: not reached.
        public let samplesToLearn: Int?

        public var perOrbit: Double? { samplesToLearn.map { Double($0) / orbits } }
        public var perEffectiveOrbit: Double? {
            guard let s = samplesToLearn, let e = effectiveOrbits else { return nil }
            return Double(s) / e
        }
    }

    public let family: GroupAction.Family
    public let rows: [Row]

    /// Measures every n in `sizes`: the orbit numbers of `family` at n and `samplesToLearn(n)`.
    public init(family: GroupAction.Family, sizes: [Int], samplesToLearn: (Int) throws -> Int?) throws {
        self.family = family
        rows = try sizes.map { n in
            let action = try GroupAction.family(family, n: n)
            let orbits = Double(try action.orbitCount())
            // 2^{2d} / Σ_k |O_k|², exact up to the one rounding of the division.
            let effective = (try? action.sumOfSquaredOrbitSizes()).map { ExactFraction(NumberTheory.powerOfTwo(2 * action.pointCount), $0).doubleValue }
            return Row(n: n, orbits: orbits, effectiveOrbits: effective, samplesToLearn: try samplesToLearn(n))
        }
    }

    /// max/min of a ratio over the rows that have it; nil with fewer than two.
    static func spread(_ values: [Double?]) -> Double? {
        let v = values.compactMap { $0 }
        guard v.count >= 2, let lo = v.min(), let hi = v.max(), lo > 0 else { return nil }
        return hi / lo
    }

    /// max/min over n of samples-to-learn / #orbits.
    public var spreadPerOrbit: Double? { Self.spread(rows.map(\.perOrbit)) }
    /// max/min over n of samples-to-learn / (1/‖p_O‖²).
    public var spreadPerEffectiveOrbit: Double? { Self.spread(rows.map(\.perEffectiveOrbit)) }

    /// The table as printed.
    public var lines: [String] {
        typealias F = NumberFormat
        let widths = [4, 10, 12, 18, 14, 16]
        func cell(_ x: Double?) -> String { x.map { F.significant($0, 4) } ?? "–" }
        var out = [F.cells(["n", "orbits", "1/‖p_O‖²", "samples-to-learn", "per orbit", "per 1/‖p_O‖²"], widths)]
        for r in rows {
            out.append(F.cells(["\(r.n)", cell(r.orbits), cell(r.effectiveOrbits), r.samplesToLearn.map(String.init) ?? "not reached",
                                cell(r.perOrbit), cell(r.perEffectiveOrbit)], widths))
        }
        out.append("spread (max/min over n): per orbit \(cell(spreadPerOrbit)), per 1/‖p_O‖² \(cell(spreadPerEffectiveOrbit))")
        return out
    }
}
