import SymLabNumerics

/// `symlab theory orbits`: orbit counts, |G| and log2(1/‖p_O‖²) of permutation-group families
/// on {−1,+1}^d for a range of n, cross-checked by brute force where 2^d is small — as a table
/// for people and as CSV with the exact integers.
public struct OrbitStudy: Sendable {
    /// One table per family, one row per n.
    public let tables: [(family: GroupAction.Family, rows: [OrbitSummary])]

    public init(families: [GroupAction.Family], n: ClosedRange<Int>, bruteForceMaxBits: Int) throws {
        tables = try families.map { family in
            (family, try n.map { try OrbitSummary(try GroupAction.family(family, n: $0), bruteForceMaxDegree: bruteForceMaxBits) })
        }
    }

    /// The tables as printed, with a note on the bounds when some ‖p_O‖ is unknown.
    public var lines: [String] {
        var text: [String] = []
        for (family, rows) in tables {
            if !text.isEmpty { text.append("") }
            text.append(Self.header(family))
            text += rows.map(Self.line)
        }
        if tables.contains(where: { $0.rows.contains { $0.log2InverseOrbitNormSquared == nil } }) {
            text.append("log2(1/‖p_O‖²) in [a, b]: ‖p_O‖ unknown here (no formula, 2^d too many points to enumerate); "
                        + "a = d − log2|G| (orbits have ≤ |G| points), b = log2(#orbits) (Cauchy–Schwarz)")
        }
        return text
    }

    /// Every row of every table, one header.
    public var csv: String {
        var text = "group,n,points,order,orbits,norm_p_O,log2_inv_norm_sq,norm_sq_exact,log2_inv_norm_sq_lower,log2_inv_norm_sq_upper,brute_force_orbits,brute_force_agrees\n"
        for (family, rows) in tables {
            for r in rows {
                let fields: [String] = [
                    family.rawValue, "\(r.n)", "\(r.pointCount)", "\(r.order)", "\(r.orbitCount)",
                    r.orbitNormSquared.map { "\($0.doubleValue.squareRoot())" } ?? "",
                    r.log2InverseOrbitNormSquared.map { "\($0)" } ?? "",
                    r.orbitNormSquared?.description ?? "",
                    "\(r.log2InverseOrbitNormSquaredBounds.lower)", "\(r.log2InverseOrbitNormSquaredBounds.upper)",
                    r.bruteForce.map { "\($0.orbitCount)" } ?? "",
                    r.bruteForceAgrees.map { "\($0)" } ?? "",
                ]
                text += fields.joined(separator: ",") + "\n"
            }
        }
        return text
    }

    /// True when a brute-force count disagrees with a formula (the command then fails).
    public var hasMismatch: Bool { tables.contains { $0.rows.contains { $0.bruteForceAgrees == false } } }

    /// The groups' names in tables and plots.
    public static func name(_ family: GroupAction.Family) -> String {
        switch family {
        case .cyclic: "C_n"
        case .dihedral: "D_n"
        case .symmetric: "S_n"
        case .graphs: "S_n on the edges of K_n"
        case .custom: "a custom group"
        }
    }

    static func header(_ family: GroupAction.Family) -> String {
        typealias F = NumberFormat
        return "\(name(family)) acting on {−1,+1}^d\n"
            + F.cell("n", 5) + F.cell("d", 7) + F.cell("|G|", 24) + F.cell("orbits", 26) + F.cell("‖p_O‖", 12)
            + F.cell("log2(1/‖p_O‖²)", 16) + "  brute force"
    }

    static func line(_ r: OrbitSummary) -> String {
        typealias F = NumberFormat
        let brute: String
        switch (r.bruteForce, r.bruteForceAgrees) {
        case (let b?, true?):
            let sizes = b.sizeDistribution.count
            brute = "ok (\(b.orbitCount) orbits, \(sizes) distinct size\(sizes == 1 ? "" : "s"))"
        case (_?, _): brute = "MISMATCH"
        default: brute = "—"
        }
        // ‖p_O‖ below Double's range (C_n with n ≳ 2000) is shown as a power of two.
        let norm = r.orbitNormSquared.map { p in
            p.doubleValue > 0 ? F.scientific(p.doubleValue.squareRoot()) : "2^" + F.fixed(p.log2Value / 2, 1)
        } ?? "—"
        let bounds = r.log2InverseOrbitNormSquaredBounds
        let bits = r.log2InverseOrbitNormSquared.map { F.fixed($0, 4) } ?? "[\(F.fixed(bounds.lower, 1)), \(F.fixed(bounds.upper, 1))]"
        return F.cell("\(r.n)", 5) + F.cell("\(r.pointCount)", 7) + F.cell(F.abbreviated(r.order), 24)
            + F.cell(F.abbreviated(r.orbitCount), 26) + F.cell(norm, 12) + F.cell(bits, 16) + "  " + brute
    }
}
