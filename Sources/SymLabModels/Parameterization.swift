import SymLabAutodiff
import SymLabNumerics

/// How weights are initialised and scaled in the forward pass: the choice that decides whether a
/// wide network trains in the lazy (kernel) regime or learns features.
///
/// For a weight matrix with fan-in d (the number of inputs each unit sums over) and the
/// initialisation scale σ (``InitScheme/scale``), a layer computes z = c·(x·W) + b with
///
/// | parameterization | W at init        | multiplier c (hidden) | multiplier c (output layer) |
/// |------------------|------------------|-----------------------|-----------------------------|
/// | `standard`       | N(0, σ²/d)       | 1                     | 1                           |
/// | `ntk`            | N(0, σ²)         | 1/√d                  | 1/√d                        |
/// | `meanField`      | N(0, σ²)         | 1/√d                  | 1/d                         |
///
/// `standard` and `ntk` define the same function at init but different gradient dynamics (NTK
/// puts the 1/√d in the forward pass, so every weight moves O(1/√d) under SGD with lr O(1));
/// `meanField` (μP for the output layer) divides the readout by the width, which keeps the
/// network in the feature-learning regime as the width grows. Biases start at 0 and have no
/// multiplier in every scheme.
public enum Parameterization: String, Sendable, CaseIterable, CustomStringConvertible {
    case standard
    case ntk
    case meanField = "mean-field"

    public var description: String { rawValue }

    /// Standard deviation of the initial weights.
    public func initStd(fanIn: Int, scale: Double) -> Double {
        switch self {
        case .standard: scale / Double(Swift.max(fanIn, 1)).squareRoot()
        case .ntk, .meanField: scale
        }
    }

    /// The forward-pass multiplier c of a layer with this fan-in.
    public func multiplier(fanIn: Int, isOutput: Bool) -> Double {
        let d = Double(Swift.max(fanIn, 1))
        switch self {
        case .standard: return 1
        case .ntk: return 1 / d.squareRoot()
        case .meanField: return isOutput ? 1 / d : 1 / d.squareRoot()
        }
    }
}

/// The initialisation of a whole network.
public struct InitScheme: Sendable, Equatable {
    public var parameterization: Parameterization
    /// σ: multiplies the standard deviation of every initial weight.
    public var scale: Double
    /// Symmetric initialisation: the units of the last hidden layer come in pairs with equal
    /// incoming weights and opposite output weights, so the network is exactly 0 at init (the
    /// "doubling trick" that removes the random initial function from lazy-regime analyses).
    /// The two halves are separate parameters computed by identical operations, which is what
    /// makes the cancellation exact in floating point rather than ≈ 1e-16.
    public var symmetric: Bool

    public init(_ parameterization: Parameterization = .standard, scale: Double = 1, symmetric: Bool = false) {
        precondition(scale.isFinite && scale >= 0, "InitScheme: scale must be finite and ≥ 0, got \(scale)")
        self.parameterization = parameterization
        self.scale = scale
        self.symmetric = symmetric
    }

    public static let standard = InitScheme()

    /// Draws a weight tensor for a layer of fan-in `fanIn`.
    func weight<S: TensorScalar>(_ shape: [Int], fanIn: Int, rng: inout RandomStream, as: S.Type = S.self) -> Tensor<S> {
        let std = parameterization.initStd(fanIn: fanIn, scale: scale)
        if std == 0 { return Tensor(shape: shape) }
        return rng.normal(shape, std: std)
    }

    public var description: String {
        "\(parameterization), scale \(scale)\(symmetric ? ", symmetric" : "")"
    }
}

/// Pointwise nonlinearities of hidden layers.
public enum Activation: String, Sendable, CaseIterable, CustomStringConvertible {
    case relu, tanh, gelu, sigmoid, softplus, identity
    case leakyRelu = "leaky-relu"
    case square
    /// z³: σ₁ of Wang–Nichani–Lee's three-layer network (its first layer must be able to represent
    /// the degree-3 feature p, and an odd σ₁ keeps E[σ₁′] ≠ 0). The op is ``UnaryOp/power(_:)``
    /// with p = 3, whose forward and backward kernels already exist (integral powers are exact
    /// for negative z).
    case cube
    /// erf(z/√2): the committee-machine activation (Saad–Solla, Goldt et al., Refinetti–Goldt),
    /// odd and bounded like tanh but with closed-form Gaussian averages, which the papers' reduced
    /// ODEs of the order parameters are written in.
    case erf
    /// The smoothed ReLU with q = 3, ρ = 1 (``UnaryOp/smoothRelu(q:rho:)``) of Huang et al.'s
    /// modality-competition analysis: a cube near 0, so small weights race at a power law, then
    /// linear. ρ = 1 is the scale of pre-activations of the registered networks (unit-variance at
    /// init); the `late-fusion` scheme, whose weights start far smaller, takes ρ as an option.
    case smoothRelu = "smooth-relu"

    public var description: String { rawValue }

    /// The pointwise op, for layers that fuse it into their own node (nil for the identity).
    public var pointwise: UnaryOp? {
        switch self {
        case .relu: .relu
        case .tanh: .tanh
        case .gelu: .gelu
        case .sigmoid: .sigmoid
        case .softplus: .softplus
        case .identity: nil
        case .leakyRelu: .leakyRelu(slope: 0.01)
        case .square: .square
        case .cube: .power(3)
        case .erf: .erf(scale: 0.5.squareRoot())
        case .smoothRelu: .smoothRelu(q: 3, rho: 1)
        }
    }

    /// Applies the activation on the tape (identity records nothing).
    public func apply<S>(_ x: Variable<S>) -> Variable<S> {
        switch self {
        case .relu: x.relu()
        case .tanh: x.tanh()
        case .gelu: x.gelu()
        case .sigmoid: x.sigmoid()
        case .softplus: x.softplus()
        case .identity: x
        case .leakyRelu: x.leakyRelu(slope: 0.01)
        case .square: x.square()
        case .cube: x.pow(3)
        case .erf: x.erf(scale: 0.5.squareRoot())
        case .smoothRelu: x.smoothRelu(q: 3, rho: 1)
        }
    }
}
