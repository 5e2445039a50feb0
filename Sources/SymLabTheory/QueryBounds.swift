/// A lower bound on the number of statistical queries, with its inputs.
public struct QueryLowerBound: Sendable, CustomStringConvertible {
    public let functionCount: Double
    public let gamma: Double
    public let tolerance: Double
    /// m(τ² − γ)/2, or 0 when τ² ≤ γ up to rounding (the argument then gives nothing).
    public let queries: Double
    public var isVacuous: Bool { queries == 0 }
    /// log2 of ``queries`` (−∞ when vacuous), for bounds beyond Double's range of interest.
    public var log2Queries: Double { queries > 0 ? _log2(queries) : -.infinity }

    public var description: String {
        isVacuous
            ? "vacuous: τ² = \(tolerance * tolerance) ≤ γ = \(gamma) (up to rounding)"
            : "≥ \(queries) queries of tolerance \(tolerance) (m = \(functionCount), γ = \(gamma))"
    }
}

/// Query lower bounds from pairwise correlations: the statistical-dimension argument.
public enum QueryBounds {
    /// A (C)SQ learner that identifies the target among m functions f_1, …, f_m with ‖f_i‖ = 1 and
    /// |⟨f_i, f_j⟩| ≤ γ for i ≠ j, from queries of tolerance τ, needs at least m(τ² − γ)/2 queries.
    ///
    /// Why (Szörényi 2009; the lemma used by Diakonikolas et al. 2020 and Goel et al. 2020, research
    /// note §2): answer every query h (‖h‖ ≤ 1) with 0. That answer is valid for the target f_i unless
    /// |⟨h, f_i⟩| > τ. Let A = {i : ⟨h, f_i⟩ > τ}; then
    ///   τ|A| < ⟨h, Σ_{i∈A} f_i⟩ ≤ ‖Σ_{i∈A} f_i‖ ≤ √(|A| + |A|(|A| − 1)γ),
    /// so |A|(τ² − γ) < 1, and likewise for ⟨h, f_i⟩ < −τ: each query rules out fewer than 2/(τ² − γ)
    /// functions. Until all but one are ruled out the learner can't tell the rest apart, hence
    /// ≈ m(τ² − γ)/2 queries (exactly: more than (m − 1)(τ² − γ)/2). For ±1 labels every SQ query is a
    /// correlational one plus a target-independent term, so the bound holds for SQ too.
    public static func csqLowerBound(functionCount m: Double, gamma: Double, tolerance tau: Double) throws -> QueryLowerBound {
        guard m >= 1, m.isFinite else { throw TheoryError.invalidArgument("the family size m must be a finite number ≥ 1, got \(m)") }
        guard gamma >= 0, gamma <= 1 else { throw TheoryError.invalidArgument("γ is a bound on |correlations| and must be in [0, 1], got \(gamma)") }
        guard tau > 0, tau <= 1 else { throw TheoryError.invalidArgument("the tolerance τ must be in (0, 1], got \(tau)") }
        return QueryLowerBound(functionCount: m, gamma: gamma, tolerance: tau, queries: m * margin(tau: tau, gamma: gamma) / 2)
    }

    /// τ² − γ, or 0 when it is not positive beyond rounding. τ and γ arrive as decimals rounded
    /// to Double (each off by up to half an ulp) and τ² is rounded once more, so the computed
    /// difference is off by up to about 2ε·max(τ², γ): with τ = 0.05 and γ = 0.0025 it is
    /// 5·10⁻¹⁹ where the true value is 0, and m = 10³⁰ would turn that into 2·10¹¹ queries.
    /// A difference within 4ε·max(τ², γ) is treated as 0: the bound is vacuous.
    public static func margin(tau: Double, gamma: Double) -> Double {
        let tau2 = tau * tau, margin = tau2 - gamma
        return margin > 4 * Double.ulpOfOne * max(tau2, gamma) ? margin : 0
    }
}
