import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// A Monte Carlo estimate of the NNGP / NTK of a fully connected network whose activation has no
/// closed-form dual kernel (tanh, GELU, softplus, sigmoid, …), as neural-tangents'
/// `monte_carlo_kernel_fn` does.
///
/// **Network** (as ``ReLUNetworkKernel`` with σ_w² free and any activation φ):
/// h¹ = W¹x/√d + σ_b·b¹, hˡ = σ_w·Wˡφ(hˡ⁻¹)/√m + σ_b·bˡ, f = h^L, entries of W, b ~ N(0, 1).
///
/// **Estimate.** The same infinite-width recursion, with the two expectations it needs replaced by
/// averages over the m units of `networks` random networks of width m (weights drawn once from
/// `seed`, so every tile sees the same networks and the matrix is a valid PSD kernel):
///
///     Σ¹ = ⟨x, x′⟩/d + σ_b² (exact),   Σ̂ˡ = σ_w²/m·⟨φ(hˡ⁻¹(x)), φ(hˡ⁻¹(x′))⟩ + σ_b²,
///     Σ̂̇ˡ = σ_w²/m·⟨φ′(hˡ⁻¹(x)), φ′(hˡ⁻¹(x′))⟩,   Θ̂ˡ = Σ̂ˡ + Σ̂̇ˡ·Θ̂ˡ⁻¹.
///
/// The error is O(1/√(m·networks)) per entry. With φ = relu and σ_w² = 2 it estimates
/// ``ReLUNetworkKernel`` (the tests check this).
public struct MonteCarloNetworkKernel: Kernel, Sendable {
    public let kind: NetworkKernelKind
    public let activation: UnaryOp
    public let depth: Int
    public let width: Int
    public let networks: Int
    public let weightVariance: Double
    public let biasVariance: Double
    public let inputDimension: Int
    public let seed: UInt64
    /// Per network: (W [in, m], b [m]) for the depth − 1 hidden layers.
    let layers: [[(w: Tensor<Double>, b: Tensor<Double>)]]

    public init(_ kind: NetworkKernelKind, activation: UnaryOp, depth: Int = 2, inputDimension: Int, width: Int = 4096,
                networks: Int = 1, weightVariance: Double = 2, biasVariance: Double = 0, seed: UInt64) throws {
        let kname = "mc-\(kind.rawValue)"
        guard depth == 2 || depth == 3 else { throw KernelError.invalidOption(kernel: kname, option: "depth", allowed: "2 or 3", got: "\(depth)") }
        guard width >= 1, networks >= 1, inputDimension >= 1 else {
            throw KernelError.invalidOption(kernel: kname, option: "width, networks and input dimension", allowed: "≥ 1", got: "\(width), \(networks), \(inputDimension)")
        }
        guard weightVariance > 0, biasVariance >= 0 else {
            throw KernelError.invalidOption(kernel: kname, option: "weight / bias variance", allowed: "> 0 / ≥ 0", got: "\(weightVariance) / \(biasVariance)")
        }
        self.kind = kind; self.activation = activation; self.depth = depth; self.width = width
        self.networks = networks; self.weightVariance = weightVariance; self.biasVariance = biasVariance
        self.inputDimension = inputDimension; self.seed = seed
        var rng = RandomStream(seed: seed, stream: 0x4D43)
        var all: [[(w: Tensor<Double>, b: Tensor<Double>)]] = []
        for _ in 0..<networks {
            var net: [(w: Tensor<Double>, b: Tensor<Double>)] = []
            for l in 1..<depth {
                let fanIn = l == 1 ? inputDimension : width
                net.append((rng.normal([fanIn, width]), rng.normal([width])))
            }
            all.append(net)
        }
        layers = all
    }

    public var name: String {
        "mc-\(kind.rawValue)(\(activation), depth \(depth), width \(width) × \(networks), σw² \(weightVariance), σb² \(biasVariance), seed \(seed))"
    }

    public func validate(_ inputs: Inputs<Double>) throws {
        let x = try flatRows(inputs, kernel: "mc-\(kind.rawValue)")
        guard x.shape[1] == inputDimension else {
            throw KernelError.unsupportedInputs(kernel: "mc-\(kind.rawValue)", reason: "built for inputs of dimension \(inputDimension), got \(x.shape[1])")
        }
    }

    public func scratchBytes(rows: Int, cols: Int) -> Int {
        MemoryBudget.doubles(MemoryBudget.product(rows &+ cols, width &* 4), MemoryBudget.product(rows, cols) &* 3)
    }

    public func block(_ a: Inputs<Double>, _ b: Inputs<Double>) -> Tensor<Double> {
        let xa = denseMatrix(a), xb = denseMatrix(b)
        let d = Double(inputDimension), m = Double(width)
        let sigma1 = Tensor.matmul(xa, xb, transposeB: true) * (1 / d) + biasVariance
        var total = Tensor<Double>(shape: sigma1.shape)
        let sb = biasVariance.squareRoot(), sw = weightVariance.squareRoot()
        for net in layers {
            var theta = sigma1
            var sigma = sigma1
            var pa = Tensor.matmul(xa, net[0].w) * (1 / d.squareRoot()) + net[0].b * sb
            var pb = Tensor.matmul(xb, net[0].w) * (1 / d.squareRoot()) + net[0].b * sb
            for l in 2...depth {
                let fa = pa.map(activation), fb = pb.map(activation)
                sigma = Tensor.matmul(fa, fb, transposeB: true) * (weightVariance / m) + biasVariance
                if kind == .ntk {
                    let da = Tensor.mapBackward(activation, x: pa, y: fa, dy: .ones(pa.shape))
                    let db = Tensor.mapBackward(activation, x: pb, y: fb, dy: .ones(pb.shape))
                    let sdot = Tensor.matmul(da, db, transposeB: true) * (weightVariance / m)
                    theta = sigma + sdot * theta
                }
                if l < depth {
                    let w = net[l - 1].w, bias = net[l - 1].b
                    pa = Tensor.matmul(fa, w) * (sw / m.squareRoot()) + bias * sb
                    pb = Tensor.matmul(fb, w) * (sw / m.squareRoot()) + bias * sb
                }
            }
            total.add(kind == .nngp ? sigma : theta)
        }
        return total * (1 / Double(networks))
    }
}
