import SymLabFunctionClasses
import SymLabNumerics

// The Gaussian classes' members are built on the planar ReLU function of Diakonikolas–Kane–
// Kontonis–Zarifis (2020): g_P(z) = G(Pᵀz) for a random 2-plane P (orthonormal columns u, v), with
// G orthogonal to every polynomial of degree < k (``PlanarReLUFamily``). Two facts give γ from the
// planes alone (the Hermite argument of DKKZ 2020, Lemma-style; Goel et al. 2020 use the same):
//
// * Mehler: for z, z′ ~ N(0, I_d) with E[z z′ᵀ] = ρI, E[g_P(z) g_Q(z′)] = Σ_{j≥k} ρ^j ⟨G_j, (PᵀQ)^{⊗j} G_j⟩,
//   G_j the degree-j Hermite part of G, so |E[g_P(z) g_Q(z′)]| ≤ ‖PᵀQ‖^k · Σ_j ρ^j ‖G_j‖² for ρ ≥ 0.
// * For Haar-random 2-planes in R^d and a fixed one, ‖PᵀQ‖_op² ≤ ‖Pᵀq₁‖² + ‖Pᵀq₂‖² with each term
//   Beta(1, (d−2)/2): P(‖PᵀQ‖_op > δ) ≤ 2(1 − δ²/2)^{(d−2)/2}. A union bound over pairs then shows
//   families of m planes with every overlap ≤ δ: m(m − 1) < (1 − δ²/2)^{−(d−2)/2}.
//
// δ is chosen on a grid to maximise the bound m(τ² − γ(δ))/2.

/// An orthonormal basis (u, v) of a member's plane.
struct Plane {
    let u: [Double], v: [Double]

    /// The plane of a planar ReLU function: spanned by its first weight column (u) and column k/2
    /// (w_{k/2} = v), re-orthonormalised.
    init(_ family: PlanarReLUFamily) {
        let w = family.weights, rows = w.shape[0], cols = w.shape[1], s = w.scalars
        let a = (0..<rows).map { s[$0 * cols] }, b = (0..<rows).map { s[$0 * cols + family.k / 2] }
        self.init(orthonormalising: a, b)
    }

    init(orthonormalising a: [Double], _ b: [Double]) {
        let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let u = a.map { $0 / na }
        let dot = zip(u, b).reduce(0) { $0 + $1.0 * $1.1 }
        let r = zip(b, u).map { $0 - dot * $1 }
        let nr = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
        self.u = u; self.v = r.map { $0 / nr }
    }

    /// ‖Pᵀ S_s Q‖_op with (S_s q)_i = q_{(i+s) mod d} (s = 0: ‖PᵀQ‖), the largest singular value of a 2×2 matrix.
    func overlap(_ q: Plane, shift s: Int = 0) -> Double {
        let d = u.count
        var m = [0.0, 0.0, 0.0, 0.0]
        for i in 0..<d {
            let j = (i + s) % d
            m[0] += u[i] * q.u[j]; m[1] += u[i] * q.v[j]; m[2] += v[i] * q.u[j]; m[3] += v[i] * q.v[j]
        }
        let f = m.reduce(0) { $0 + $1 * $1 }, det = m[0] * m[3] - m[1] * m[2]
        return ((f + Swift.max(0, f * f - 4 * det * det).squareRoot()) / 2).squareRoot()
    }
}

/// ln of (1 − δ²/2)^{−(d−2)/2}: the E of the union bound for planes in R^d with overlaps ≤ δ.
func planePackingLogE(dimension d: Int, delta: Double) -> Double {
    -Double(d - 2) / 2 * portableLog(1 - delta * delta / 2)
}

/// The δ on a grid of (0, δ_max) maximising m(τ² − γ(δ))/2, with ln E(δ) and γ(δ) given.
func bestPacking(deltaMax: Double, tau: Double, logE: (Double) -> Double, gamma: (Double) -> Double)
    -> (delta: Double, gamma: Double, size: FamilySize) {
    var best: (delta: Double, gamma: Double, size: FamilySize, queries: Double)?
    let grid = 400
    for j in 1..<grid {
        let delta = deltaMax * Double(j) / Double(grid)
        let size = unionBoundFamilySize(logE: logE(delta))
        if let q = try? QueryBounds.log10Queries(size, gamma: gamma(delta), tolerance: tau), best.map({ q > $0.queries }) ?? true {
            best = (delta, gamma(delta), size, q)
        }
    }
    // No δ gives two members: the largest δ on the grid, whose (single-member) family is reported.
    let largest = deltaMax * Double(grid - 1) / Double(grid)
    return best.map { ($0.delta, $0.gamma, $0.size) } ?? (largest, gamma(largest), unionBoundFamilySize(logE: logE(largest)))
}

/// `gaussian-gnn` (Kiani et al. Theorem 4): members f_P(X, A) = c·Σ_v g_P((AX)_v) over planes P ⊂ R^d.
///
/// (AX)_v = √deg_v · z_v with z_v ~ N(0, I_d) and E[z_v z_wᵀ] = ρ_vw I, ρ_vw = |N(v) ∩ N(w)|/√(deg_v deg_w) ≥ 0;
/// g_P is 1-homogeneous. By Mehler every term of ⟨f_P, f_Q⟩ is bounded by ‖PᵀQ‖^k times the same
/// term of ‖f_P‖² (which is ≥ 0), and ‖f_P‖ = ‖f_Q‖ by rotation invariance, so
/// |corr(f_P, f_Q)| ≤ ‖PᵀQ‖_op^k: γ = δ^k for a family of planes with overlaps ≤ δ.
enum GaussianGNNFamily: QueryFamily {
    static let sizeOption = "d"
    static let defaultSizes = [8, 16, 32, 64, 128, 256, 512]
    static let summary = "planar ReLU members on random planes P ⊂ R^d with ‖P_iᵀP_j‖ ≤ δ: γ ≤ δ^k (Hermite), m by a union bound (DKKZ 2020)"

    static func bound(_ c: GaussianGNNClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let members = drawnMembers(of: c, count: settings.functions, rng: rng)
        let planes = members.map { Plane(($0 as! GaussianGNNTarget).family) }
        var theorem = 0.0
        for i in planes.indices { for j in planes.indices where j > i { theorem = max(theorem, power(planes[i].overlap(planes[j]), c.k)) } }
        var measureRNG = rng.substream(.familyMeasurement)
        let measurement = try MemberCorrelations.measure(members, space: .continuous, settings: settings, rng: &measureRNG,
                                                         unitNorm: false, theoremGamma: theorem).0
        let k = Double(c.k)
        let best = bestPacking(deltaMax: portableExp(portableLog(settings.tau * settings.tau) / k), tau: settings.tau,
                               logE: { planePackingLogE(dimension: c.d, delta: $0) }, gamma: { portableExp(k * portableLog($0)) })
        return FamilyBound(
            family: "f_P over planes P ⊂ R^\(c.d) with pairwise overlaps ‖P_iᵀP_j‖ ≤ δ = \(NumberFormat.significant(best.delta, 3)) (k = \(c.k), n = \(c.n) nodes)",
            size: best.size,
            gamma: FamilyGamma(best.gamma, .probabilisticMethod,
                               "γ = δ^k (|corr| ≤ ‖PᵀQ‖^k, Hermite); m(m − 1) < (1 − δ²/2)^{−(d−2)/2} random planes have all overlaps ≤ δ"),
            measurement: measurement,
            extras: [(key: "delta", value: best.delta), (key: "k", value: k)],
            notes: ["measured members: Hermite bound max ‖P_iᵀP_j‖^k = \(NumberFormat.scientific(theorem)) over their planes"],
            parameters: c.parameters)
    }
}

/// `group-averaged-cnn`: members f_P(X) = (1/(n√d)) Σ_c Σ_t g_P(S_t X_c), C_n shifting rows, planes P ⊂ R^n.
///
/// Columns are independent and g_P has mean 0, so ⟨f_P, f_Q⟩ = (1/n) Σ_s E[g_P(x) g_Q(S_s x)],
/// x ~ N(0, I_n), bounded by (1/n) Σ_s ‖PᵀS_sQ‖^k; and ‖f_P‖² ≥ (1/n)(1 − a_P) with
/// a_P = Σ_{s≠0} ‖PᵀS_sP‖^k. For planes with a_P ≤ 1/2 and every ‖P_iᵀS_sP_j‖ ≤ δ:
/// γ ≤ 2nδ^k — the group's order n is lost, as in the CNN bound the reviewers restate. The
/// fraction q of Haar planes with a_P ≤ 1/2 is measured (a one-sided lower confidence bound q_lo
/// from 1000 planes); conditioning on it inflates each pair's failure probability by ≤ 1/q², so a
/// union bound over the m(m − 1)/2 pairs and n shifts gives m(m − 1) < q_lo²/(n(1 − δ²/2)^{(n−2)/2}).
/// The statement holds at the stated confidence (the only estimated ingredient is q).
enum GroupAveragedCNNFamily: QueryFamily {
    static let sizeOption = "n"
    static let defaultSizes = [8, 12, 16, 24, 32]
    static let summary = "C_n-averaged planar ReLU members, planes with ‖P_iᵀS_sP_j‖ ≤ δ for all shifts: γ ≤ 2nδ^k, m by a union bound (DKKZ 2020; the |G| loss of Kiani et al.)"
    /// Planes drawn to estimate q.
    static let qDraws = 1000

    /// a_P = Σ_{s≠0} ‖PᵀS_sP‖^k.
    static func selfOverlap(_ p: Plane, k: Int) -> Double {
        (1..<p.u.count).reduce(0) { $0 + power(p.overlap(p, shift: $1), k) }
    }

    static func bound(_ c: GroupAveragedCNNClass, settings: BoundsSettings, rng: RandomStream) throws -> FamilyBound {
        let n = c.n
        let members = drawnMembers(of: c, count: settings.functions, rng: rng)
        let planes = members.map { Plane(($0 as! GroupAveragedCNNTarget).family) }
        // The Hermite bound for the measured members: Σ_s ‖P_iᵀS_sP_j‖^k / √((1 − a_i)(1 − a_j)).
        let a = planes.map { selfOverlap($0, k: c.k) }
        var theorem = 0.0
        for i in planes.indices { for j in planes.indices where j > i {
            let cross = (0..<n).reduce(0.0) { $0 + power(planes[i].overlap(planes[j], shift: $1), c.k) }
            theorem = max(theorem, a[i] < 1 && a[j] < 1 ? min(1, cross / ((1 - a[i]) * (1 - a[j])).squareRoot()) : 1)
        } }
        var measureRNG = rng.substream(.familyMeasurement)
        let measurement = try MemberCorrelations.measure(members, space: .continuous, settings: settings, rng: &measureRNG,
                                                         unitNorm: false, theoremGamma: theorem).0
        // q: Haar planes (the class's draw: rng.orthonormal) with a_P ≤ 1/2.
        var qRNG = rng.substream(.familyPlanes)
        var good = 0
        for _ in 0..<qDraws {
            let uv: Tensor<Double> = qRNG.orthonormal(rows: 2, cols: n)
            let s = uv.scalars
            if selfOverlap(Plane(orthonormalising: Array(s[0..<n]), Array(s[n..<(2 * n)])), k: c.k) <= 0.5 { good += 1 }
        }
        let qHat = Double(good) / Double(qDraws)
        let qLow = good == qDraws
            ? portableExp(portableLog(1 - settings.confidence) / Double(qDraws))
            : max(0, qHat - Correlations.normalQuantile(settings.confidence) * (qHat * (1 - qHat) / Double(qDraws)).squareRoot())
        let k = Double(c.k), tau2 = settings.tau * settings.tau
        let best = qLow > 0
            ? bestPacking(deltaMax: portableExp(portableLog(tau2 / (2 * Double(n))) / k), tau: settings.tau,
                          logE: { planePackingLogE(dimension: n, delta: $0) + 2 * portableLog(qLow) - portableLog(Double(n)) },
                          gamma: { 2 * Double(n) * portableExp(k * portableLog($0)) })
            : (delta: 0, gamma: 1, size: FamilySize(1))
        return FamilyBound(
            family: "C_\(n)-averaged f_P over planes P ⊂ R^\(n), a_P ≤ 1/2, all shifted overlaps ≤ δ = \(NumberFormat.significant(best.delta, 3)) (k = \(c.k), d = \(c.d))",
            size: best.size,
            gamma: FamilyGamma(best.gamma, .probabilisticMethod,
                               "γ = 2nδ^k (Hermite, norms ≥ 1/(2n)); m(m − 1) < q²/(n(1 − δ²/2)^{(n−2)/2}), q ≥ \(NumberFormat.significant(qLow, 4)) at \(NumberFormat.fixed(100 * settings.confidence, 1))%"),
            measurement: measurement,
            extras: [(key: "delta", value: best.delta), (key: "k", value: k), (key: "group_order", value: Double(n)), (key: "q_lower", value: qLow)],
            notes: ["measured members: Hermite bound \(NumberFormat.scientific(theorem)) from their planes; \(good) of \(qDraws) Haar planes have a_P ≤ 1/2"],
            parameters: c.parameters)
    }
}

/// x^k by repeated multiplication (k ≥ 0).
func power(_ x: Double, _ k: Int) -> Double { (0..<k).reduce(1) { acc, _ in acc * x } }
