import Foundation
import SymLabModels

/// Gaussian averages of activations that the reduced ODEs of online learning are written in
/// (Saad & Solla 1995; Goldt et al. 2019; Refinetti & Goldt 2022; Lee et al. 2022): for jointly
/// Gaussian pre-activations with covariance C (indices in the order of the arguments), closed
/// forms of I₂ = E[g(x₁)g(x₂)], I₃ = E[g′(x₁) x₂ g(x₃)], I₄ = E[g′(x₁)g′(x₂)g(x₃)g(x₄)],
/// J₂ = E[g′(x₁)g′(x₂)] and the autoencoder's J = E[x g(x)]/Var x, A = E[g′(x₁)x₁x₂], B = E[g′(x₁)x₂²].
///
/// Closed forms exist for g(z) = erf(z/√2) (``Activation/erf``), ReLU and the identity; that is
/// why these papers use those activations, and why any other activation is refused here. Every
/// formula is checked against Monte Carlo in the tests (the ReLU I₂ of the authors' code is half
/// the true value; ours is the Cho–Saul arc-cosine form, tested).
public enum GaussianIntegrals {
    /// Whether `g` has the closed forms below.
    public static func supports(_ g: Activation) -> Bool { [.erf, .relu, .identity].contains(g) }

    /// E[g(x₁)g(x₂)] for Var x₁ = c11, Cov = c12, Var x₂ = c22.
    public static func i2(_ g: Activation, _ c11: Double, _ c12: Double, _ c22: Double) -> Double {
        switch g {
        case .erf: return 2 / .pi * asin(c12 / ((1 + c11) * (1 + c22)).squareRoot())
        case .relu:
            let norm = (c11 * c22).squareRoot()
            guard norm > 0 else { return 0 }
            let rho = Swift.min(1, Swift.max(-1, c12 / norm))
            return (Swift.max(0, c11 * c22 - c12 * c12).squareRoot() + c12 * (.pi / 2 + asin(rho))) / (2 * .pi)
        case .identity: return c12
        default: preconditionFailure(unsupported(g))
        }
    }

    /// E[g′(x₁) x₂ g(x₃)] for the 3 × 3 covariance `c` of (x₁, x₂, x₃).
    public static func i3(_ g: Activation, _ c: [[Double]]) -> Double {
        switch g {
        case .erf:
            let lambda3 = (1 + c[0][0]) * (1 + c[2][2]) - c[0][2] * c[0][2]
            return 2 / .pi * (c[1][2] * (1 + c[0][0]) - c[0][1] * c[0][2]) / ((1 + c[0][0]) * lambda3.squareRoot())
        case .relu:
            let det13 = Swift.max(0, c[0][0] * c[2][2] - c[0][2] * c[0][2])
            let rho = Swift.min(1, Swift.max(-1, c[0][2] / (c[0][0] * c[2][2]).squareRoot()))
            return c[0][1] * det13.squareRoot() / (2 * .pi * c[0][0]) + c[1][2] * asin(rho) / (2 * .pi) + c[1][2] / 4
        case .identity: return c[1][2]
        default: preconditionFailure(unsupported(g))
        }
    }

    /// J = E[x g(x)]/Var x for Var x = c11 (= E[g′(x)], Stein): the slope of the best linear
    /// fit of g(x) on x, i.e. how much of a direction's variance one unit passes on (the drift of
    /// an autoencoder's decoder towards the encoder's direction, Refinetti & Goldt 2022).
    public static func j(_ g: Activation, _ c11: Double) -> Double {
        switch g {
        case .erf: return (2 / Double.pi).squareRoot() / (1 + c11).squareRoot()
        case .relu: return 0.5
        case .identity: return 1
        default: preconditionFailure(unsupported(g))
        }
    }

    /// A = E[g′(x₁) x₁ x₂] and B = E[g′(x₁) x₂²] for Var x₁ = c11, Cov = c12, Var x₂ = c22: the
    /// encoder drift of an autoencoder unit along a direction that its own decoder reads (x₂ the
    /// decoder's projection μ of the input; Refinetti & Goldt's ODE).
    public static func a(_ g: Activation, _ c11: Double, _ c12: Double, _ c22: Double) -> Double {
        switch g {
        case .erf: return (2 / Double.pi).squareRoot() * c12 / Foundation.pow(1 + c11, 1.5)
        case .relu: return c12 / 2
        case .identity: return c12
        default: preconditionFailure(unsupported(g))
        }
    }

    /// B = E[g′(x₁) x₂²]; see ``a(_:_:_:_:)``.
    public static func b(_ g: Activation, _ c11: Double, _ c12: Double, _ c22: Double) -> Double {
        switch g {
        case .erf: return (2 / Double.pi).squareRoot() * (c22 * (1 + c11) - c12 * c12) / Foundation.pow(1 + c11, 1.5)
        case .relu: return c22 / 2
        case .identity: return c22
        default: preconditionFailure(unsupported(g))
        }
    }

    /// Whether `g` has the closed form of I₄ (erf and identity; ReLU's is not elementary).
    public static func supportsI4(_ g: Activation) -> Bool { g == .erf || g == .identity }

    /// E[g′(x₁)g′(x₂)g(x₃)g(x₄)] for the 4 × 4 covariance `c` (the learning-rate² term of the
    /// committee-machine ODE), for erf(z/√2) and the identity.
    public static func i4(_ g: Activation, _ c: [[Double]]) -> Double {
        switch g {
        case .erf: return erfI4(c)
        case .identity: return c[2][3]
        default: preconditionFailure(unsupported(g) + " for I4")
        }
    }

    private static func erfI4(_ c: [[Double]]) -> Double {
        let lambda4 = (1 + c[0][0]) * (1 + c[1][1]) - c[0][1] * c[0][1]
        let lambda0 = lambda4 * c[2][3] - c[1][2] * c[1][3] * (1 + c[0][0]) - c[0][2] * c[0][3] * (1 + c[1][1])
            + c[0][1] * c[0][2] * c[1][3] + c[0][1] * c[0][3] * c[1][2]
        let lambda1 = lambda4 * (1 + c[2][2]) - c[1][2] * c[1][2] * (1 + c[0][0]) - c[0][2] * c[0][2] * (1 + c[1][1])
            + 2 * c[0][1] * c[0][2] * c[1][2]
        let lambda2 = lambda4 * (1 + c[3][3]) - c[1][3] * c[1][3] * (1 + c[0][0]) - c[0][3] * c[0][3] * (1 + c[1][1])
            + 2 * c[0][1] * c[0][3] * c[1][3]
        return 4 / (.pi * .pi) / lambda4.squareRoot() * asin(lambda0 / (lambda1 * lambda2).squareRoot())
    }

    /// E[g′(x₁)g′(x₂)] (the label-noise and learning-rate² terms of the ODEs).
    public static func j2(_ g: Activation, _ c11: Double, _ c12: Double, _ c22: Double) -> Double {
        switch g {
        case .erf: return 2 / .pi / (1 + c11 + c22 + c11 * c22 - c12 * c12).squareRoot()
        case .relu:
            let norm = (c11 * c22).squareRoot()
            guard norm > 0 else { return 0.25 }
            return 0.25 + asin(Swift.min(1, Swift.max(-1, c12 / norm))) / (2 * .pi)
        case .identity: return 1
        default: preconditionFailure(unsupported(g))
        }
    }

    private static func unsupported(_ g: Activation) -> String {
        "GaussianIntegrals: no closed form for activation \(g) (erf, relu and identity have one)"
    }
}

extension Activation {
    /// g(z) on one scalar, for the activations with closed-form integrals: the hand-written
    /// batch-1 steps of the dynamics (K ≤ a few pre-activations per step) do not pay for a tensor
    /// and ``UnaryOp``'s vector kernels. The same formulas are tested against the tape by the
    /// steps' finite-difference tests.
    func closedFormValue(_ z: Double) -> Double {
        switch self {
        case .erf: Foundation.erf(z / 2.0.squareRoot())
        case .relu: Swift.max(z, 0)
        case .identity: z
        default: preconditionFailure("activation \(self) has no closed-form dynamics (erf, relu, identity)")
        }
    }

    /// g′(z) for ``closedFormValue(_:)`` (ReLU′(0) = 0, as the tape's).
    func closedFormDerivative(_ z: Double) -> Double {
        switch self {
        case .erf: (2 / Double.pi).squareRoot() * Foundation.exp(-z * z / 2)
        case .relu: z > 0 ? 1 : 0
        default: 1
        }
    }
}
