import SymLabAutodiff
import SymLabNumerics
import SymLabTestSupport
import Testing

/// Every differentiable op against central differences in Double, on two shapes each, one of
/// them a broadcast case where the op broadcasts. Tolerance: relative error < 1e-6.
@Suite struct GradientTests {
    let tolerance = 1e-6

    func expectGradients(_ inputs: [Tensor<Double>], _ f: ([Variable<Double>]) -> Variable<Double>,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        let errors = gradientRelativeErrors(inputs, f)
        for (k, e) in errors.enumerated() {
            #expect(e < tolerance, "input \(k) of shape \(inputs[k].shape): relative error \(e)", sourceLocation: sourceLocation)
        }
    }

    static let binaryShapes: [([Int], [Int])] = [([3, 4], [3, 4]), ([2, 3, 4], [4]), ([3, 1], [1, 5])]

    @Test(arguments: binaryShapes) func add(_ sa: [Int], _ sb: [Int]) {
        expectGradients([gaussian(sa, seed: 1), gaussian(sb, seed: 2)]) { $0[0] + $0[1] }
    }
    @Test(arguments: binaryShapes) func sub(_ sa: [Int], _ sb: [Int]) {
        expectGradients([gaussian(sa, seed: 3), gaussian(sb, seed: 4)]) { $0[0] - $0[1] }
    }
    @Test(arguments: binaryShapes) func mul(_ sa: [Int], _ sb: [Int]) {
        expectGradients([gaussian(sa, seed: 5), gaussian(sb, seed: 6)]) { $0[0] * $0[1] }
    }
    @Test(arguments: binaryShapes) func div(_ sa: [Int], _ sb: [Int]) {
        expectGradients([gaussian(sa, seed: 7), positive(sb, seed: 8)]) { $0[0] / $0[1] }
    }
    @Test(arguments: binaryShapes) func maximum(_ sa: [Int], _ sb: [Int]) {
        expectGradients([gaussian(sa, seed: 9), gaussian(sb, seed: 10)]) { Variable.maximum($0[0], $0[1]) }
    }

    static let unaryShapes: [[Int]] = [[7], [3, 2, 4]]

    @Test(arguments: unaryShapes) func negAndScalarOps(_ s: [Int]) {
        expectGradients([gaussian(s, seed: 11)]) { x in ((-x[0]) * 2.5 + 1.5 - 0.25) / 3 }
        expectGradients([gaussian(s, seed: 11)]) { x in 0.5 * x[0] }
    }
    @Test(arguments: unaryShapes) func relu(_ s: [Int]) { expectGradients([awayFromZero(s, seed: 12)]) { $0[0].relu() } }
    @Test(arguments: unaryShapes) func leakyRelu(_ s: [Int]) { expectGradients([awayFromZero(s, seed: 13)]) { $0[0].leakyRelu(slope: 0.1) } }
    @Test(arguments: unaryShapes) func abs(_ s: [Int]) { expectGradients([awayFromZero(s, seed: 14)]) { $0[0].abs() } }
    @Test(arguments: unaryShapes) func tanh(_ s: [Int]) { expectGradients([gaussian(s, seed: 15)]) { $0[0].tanh() } }
    @Test(arguments: unaryShapes) func sigmoid(_ s: [Int]) { expectGradients([gaussian(s, seed: 16)]) { $0[0].sigmoid() } }
    @Test(arguments: unaryShapes) func softplus(_ s: [Int]) { expectGradients([gaussian(s, seed: 17)]) { $0[0].softplus() } }
    @Test(arguments: unaryShapes) func gelu(_ s: [Int]) { expectGradients([gaussian(s, seed: 18)]) { $0[0].gelu() } }
    @Test(arguments: unaryShapes) func erf(_ s: [Int]) {
        expectGradients([gaussian(s, seed: 38)]) { $0[0].erf() }
        expectGradients([gaussian(s, seed: 39)]) { $0[0].erf(scale: 0.5.squareRoot()) }
    }
    /// The smoothed ReLU at its joints z = 0 and z = ρ (σ′ continuous there, σ″ not: the central
    /// difference is off by h/(2ρ) at ρ, so h = 1e-8), at 2ρ, inside the cubic piece and below 0.
    @Test(arguments: [0.1, 1]) func smoothRelu(_ rho: Double) {
        let z = Tensor(shape: [7], scalars: [0, rho, 2 * rho, rho / 2, -rho, 0.9 * rho, 3])
        for (k, e) in gradientRelativeErrors([z], step: 1e-8, { $0[0].smoothRelu(q: 3, rho: rho) }).enumerated() {
            #expect(e < tolerance, "input \(k): relative error \(e)")
        }
        expectGradients([gaussian([3, 2, 4], seed: 40)]) { $0[0].smoothRelu(q: 3, rho: rho) }
        // Values: 0 at 0, ρ/3 at ρ from both pieces, z − 2ρ/3 beyond; σ′ = 0, 1/4, 1, 1 at 0, ρ/2, ρ, 2ρ.
        let tape = Tape<Double>()
        let y = tape.constant(z).smoothRelu(q: 3, rho: rho).value.scalars
        #expect(y[0] == 0 && Swift.abs(y[1] - rho / 3) < 1e-15 && Swift.abs(y[2] - 4 * rho / 3) < 1e-15 && y[4] == 0)
        #expect(Swift.abs(y[3] - rho / 24) < 1e-15 && Swift.abs(y[6] - (3 - 2 * rho / 3)) < 1e-15)
        tape.reset()
    }
    @Test(arguments: unaryShapes) func exp(_ s: [Int]) { expectGradients([gaussian(s, seed: 19)]) { $0[0].exp() } }
    @Test(arguments: unaryShapes) func log(_ s: [Int]) { expectGradients([positive(s, seed: 20)]) { $0[0].log() } }
    @Test(arguments: unaryShapes) func square(_ s: [Int]) { expectGradients([gaussian(s, seed: 21)]) { $0[0].square() } }
    @Test(arguments: unaryShapes) func sqrt(_ s: [Int]) { expectGradients([positive(s, seed: 22)]) { $0[0].sqrt() } }
    @Test(arguments: unaryShapes) func power(_ s: [Int]) {
        expectGradients([gaussian(s, seed: 23)]) { $0[0].pow(3) }
        expectGradients([positive(s, seed: 24)]) { $0[0].pow(-1.5) }
        expectGradients([positive(s, seed: 25)]) { $0[0].pow(0.7) }
    }

    @Test(arguments: [([4, 3], [0]), ([2, 3, 4], [0, 2]), ([2, 3, 4], [-1])])
    func sumAndMeanOverAxes(_ s: [Int], _ axes: [Int]) {
        expectGradients([gaussian(s, seed: 26)]) { $0[0].sum(axes: axes) }
        expectGradients([gaussian(s, seed: 27)]) { $0[0].mean(axes: axes, keepDims: true) }
        expectGradients([gaussian(s, seed: 28)]) { $0[0].sum() }
        expectGradients([gaussian(s, seed: 29)]) { $0[0].mean() }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmul(_ ta: Bool, _ tb: Bool) {
        let a = gaussian(ta ? [4, 3] : [3, 4], seed: 30), b = gaussian(tb ? [5, 4] : [4, 5], seed: 31)
        expectGradients([a, b]) { Variable.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
    }
    @Test func matmulOfStackOfRows() {
        expectGradients([gaussian([2, 3, 4], seed: 32), gaussian([4, 5], seed: 33)]) { Variable.matmul($0[0], $0[1]) }
        expectGradients([gaussian([2, 3, 4], seed: 32), gaussian([5, 4], seed: 33)]) { Variable.matmul($0[0], $0[1], transposeB: true) }
    }
    /// The fused layer σ(c·Σₖ xₖWₖ + b): two terms, every activation (those whose derivative is
    /// read off the output and those that keep the pre-activation), with and without bias.
    @Test(arguments: ["relu", "leakyRelu", "tanh", "sigmoid", "softplus", "gelu", "square", "cube", "erf", "smoothRelu", "none"])
    func dense(_ activation: String) {
        let op: UnaryOp? = switch activation {
        case "relu": .relu
        case "leakyRelu": .leakyRelu(slope: 0.1)
        case "tanh": .tanh
        case "sigmoid": .sigmoid
        case "softplus": .softplus
        case "gelu": .gelu
        case "square": .square
        case "cube": .power(3)
        case "erf": .erf(scale: 0.5.squareRoot())
        case "smoothRelu": .smoothRelu(q: 3, rho: 1)
        default: nil
        }
        let inputs = [gaussian([2, 3, 4], seed: 90), gaussian([4, 5], seed: 91), gaussian([2, 3, 2], seed: 92),
                      gaussian([2, 5], seed: 93), gaussian([5], seed: 94)]
        expectGradients(inputs) { v in Variable.dense([(v[0], v[1]), (v[2], v[3])], bias: v[4], scale: 0.7, activation: op) }
        expectGradients(Array(inputs.prefix(2))) { v in Variable.dense([(v[0], v[1])], bias: nil, scale: 1.3, activation: op) }
    }

    /// The fused layer computes exactly what the unfused ops compute (up to rounding).
    @Test func denseMatchesUnfusedOps() {
        let tape = Tape<Double>()
        let x = tape.constant(gaussian([6, 4], seed: 95)), w = tape.constant(gaussian([4, 3], seed: 96))
        let a = tape.constant(gaussian([6, 2], seed: 97)), u = tape.constant(gaussian([2, 3], seed: 98))
        let b = tape.constant(gaussian([3], seed: 99))
        let fused = Variable.dense([(x, w), (a, u)], bias: b, scale: 0.5, activation: .tanh).value
        let unfused = ((Variable.matmul(x, w) + Variable.matmul(a, u)) * 0.5 + b).tanh().value
        #expect(maxAbsDifference(fused, unfused) < 1e-12)
        tape.reset()
    }

    /// Bound as parameters, the fused layer adds its weight and bias gradients straight into the
    /// flat gradient buffer (gemm/gemv with β = 1): the same values as the tape's own gradients
    /// of the same tensors as plain leaves — bit for bit for a weight used in two layers (the
    /// buffer starts at zero), up to the order of summation for a bias that another op uses too.
    @Test func denseAccumulatesParameterGradientsIntoTheStore() {
        let x = gaussian([5, 4], seed: 110), a = gaussian([5, 3], seed: 111)
        let store = ParameterStore<Double>()
        let w = store.add("w", gaussian([4, 3], seed: 112)), u = store.add("u", gaussian([3, 3], seed: 113))
        let b = store.add("b", gaussian([3], seed: 114))
        func loss(_ tape: Tape<Double>, _ w: Variable<Double>, _ u: Variable<Double>, _ b: Variable<Double>) -> Variable<Double> {
            let h = Variable.dense([(tape.constant(x), w), (tape.constant(a), u)], bias: b, scale: 0.7, activation: .tanh)
            let y = Variable.dense([(h, u)], bias: b, activation: .relu)
            return ((y + b) * y).sum()
        }
        let tape = Tape<Double>()
        tape.backward(loss(tape, store.bind(w, on: tape), store.bind(u, on: tape), store.bind(b, on: tape)))
        tape.reset()
        let leaves = [store.value(w).copy(), store.value(u).copy(), store.value(b).copy()]
        let vs = leaves.map { tape.variable($0) }
        tape.backward(loss(tape, vs[0], vs[1], vs[2]))
        // w and u reach the buffer only through the fused layers: the same sums in the same order.
        #expect(store.gradient(w) == tape.gradient(of: vs[0])!)
        #expect(store.gradient(u) == tape.gradient(of: vs[1])!)
        // b also through the broadcast add, whose gradient the tape adds at the end: another order.
        #expect(maxAbsDifference(store.gradient(b), tape.gradient(of: vs[2])!) < 1e-12)
        tape.reset()
        store.zeroGradients()
        expectGradients(leaves) { v in
            let h = Variable.dense([(v[0].tape.constant(x), v[0]), (v[0].tape.constant(a), v[1])], bias: v[2], scale: 0.7, activation: .tanh)
            return Variable.dense([(h, v[1])], bias: v[2], activation: .relu)
        }
    }

    /// On a larger layer (bias copied into the rows, gemm with β = 1, σ in place) the fused node
    /// gives the unfused ops' values exactly, for an activation applied in place and one whose
    /// preactivation is kept.
    @Test func denseMatchesUnfusedOpsExactly() {
        let tape = Tape<Double>()
        let x = tape.constant(gaussian([300, 7], seed: 115)), w = tape.constant(gaussian([7, 200], seed: 116))
        let b = tape.constant(gaussian([200], seed: 117))
        for op in [UnaryOp.relu, .softplus] {
            let fused = Variable.dense([(x, w)], bias: b, activation: op).value
            let unfused = (Variable.matmul(x, w) + b).map(op).value
            #expect(fused == unfused, "\(op)")
        }
        tape.reset()
        expectGradients([gaussian([300, 2], seed: 118), gaussian([2, 120], seed: 119), gaussian([120], seed: 120)]) { v in
            Variable.dense([(v[0], v[1])], bias: v[2], activation: .softplus)
        }
    }

    /// Two terms with bias and ReLU, wider than one panel of the register kernel (which then adds
    /// the bias and applies the ReLU as it stores the second product): the unfused ops' values
    /// exactly, in both precisions.
    @Test func twoTermReLULayerMatchesUnfusedOpsExactly() {
        func check<S: TensorScalar>(_: S.Type) {
            let tape = Tape<S>()
            let x = tape.constant(gaussian([50, 9], seed: 121).cast(to: S.self)), w = tape.constant(gaussian([9, 150], seed: 122).cast(to: S.self))
            let a = tape.constant(gaussian([50, 5], seed: 123).cast(to: S.self)), u = tape.constant(gaussian([5, 150], seed: 124).cast(to: S.self))
            let b = tape.constant(gaussian([150], seed: 125).cast(to: S.self))
            for op in [UnaryOp.relu, nil] {
                let fused = Variable.dense([(x, w), (a, u)], bias: b, activation: op).value
                let sum = Variable.matmul(x, w) + Variable.matmul(a, u) + b
                let unfused = (op.map { sum.map($0) } ?? sum).value
                #expect(fused == unfused, "\(S.self) \(String(describing: op))")
            }
            tape.reset()
        }
        check(Double.self)
        check(Float.self)
    }

    @Test(arguments: [([2, 5, 3], 2), ([3, 4, 1], 4), ([1, 3, 2], 1)])
    func circularWindows(_ s: [Int], _ k: Int) {
        expectGradients([gaussian(s, seed: 100)]) { $0[0].circularWindows(width: k) }
    }

    /// The direct convolution node, feature maps and pooled, with and without bias (identity
    /// activation: ReLU's kink would break the finite differences; the kernels' ReLU is tested
    /// against their reference loops in SymLabNumericsTests).
    @Test(arguments: [([2, 5, 3], 2, 4), ([3, 4, 1], 4, 3), ([1, 3, 2], 1, 2)])
    func circularConvolution(_ s: [Int], _ k: Int, _ cout: Int) {
        let x = gaussian(s, seed: 101), w = gaussian([k * s[2], cout], seed: 102), b = gaussian([cout], seed: 103)
        for pooling: CircularConv1D.Pooling? in [nil, .sum, .mean] {
            expectGradients([x, w, b]) { Variable.circularConvolution($0[0], kernel: $0[1], bias: $0[2], scale: 0.8, relu: false, pooling: pooling) }
            expectGradients([x, w]) { Variable.circularConvolution($0[0], kernel: $0[1], bias: nil, relu: false, pooling: pooling) }
        }
    }

    @Test(arguments: [[5, 3], [2, 4, 3]]) func affine(_ s: [Int]) {
        expectGradients([gaussian(s, seed: 34), gaussian([3, 6], seed: 35), gaussian([6], seed: 36)]) {
            Variable.affine($0[0], $0[1], $0[2])
        }
        expectGradients([gaussian(s, seed: 34), gaussian([3, 6], seed: 35)]) { Variable.affine($0[0], $0[1], nil) }
    }
    @Test(arguments: [([2, 3, 4], [2, 4, 5]), ([1, 2, 2], [1, 2, 3])]) func batchedMatmul(_ sa: [Int], _ sb: [Int]) {
        expectGradients([gaussian(sa, seed: 37), gaussian(sb, seed: 38)]) { Variable.batchedMatmul($0[0], $0[1]) }
    }

    @Test func reshapeTransposePermute() {
        expectGradients([gaussian([2, 6], seed: 39)]) { $0[0].reshaped([3, 4]) }
        expectGradients([gaussian([2, 3, 4], seed: 40)]) { $0[0].reshaped([-1, 4]) }
        expectGradients([gaussian([3, 5], seed: 41)]) { $0[0].transposed() }
        expectGradients([gaussian([2, 3, 4], seed: 42)]) { $0[0].permuted([2, 0, 1]) }
        expectGradients([gaussian([2, 3, 4, 2], seed: 43)]) { $0[0].permuted([1, 3, 0, 2]) }
    }
    @Test func sliceConcatBroadcast() {
        expectGradients([gaussian([5, 3], seed: 44)]) { $0[0].slice(axis: 0, 1..<4) }
        expectGradients([gaussian([2, 6, 3], seed: 45)]) { $0[0].slice(axis: 1, 2..<6) }
        expectGradients([gaussian([2, 3], seed: 46), gaussian([2, 5], seed: 47)]) { Variable.concat($0, axis: 1) }
        expectGradients([gaussian([2, 3], seed: 48), gaussian([4, 3], seed: 49)]) { Variable.concat($0, axis: 0) }
        expectGradients([gaussian([3, 1], seed: 50)]) { $0[0].broadcast(to: [2, 3, 4]) }
        expectGradients([gaussian([4], seed: 51)]) { $0[0].broadcast(to: [3, 4]) }
    }
    @Test func gatherAndScatterAdd() {
        let idx = [2, 0, 2, 1, 3, 3, 0]
        expectGradients([gaussian([4, 3], seed: 52)]) { $0[0].gatherRows(idx) }
        expectGradients([gaussian([7, 3], seed: 53)]) { $0[0].scatterAddRows(idx, segments: 5) }
        expectGradients([gaussian([5], seed: 54)]) { $0[0].gatherRows([4, 4, 1]) }
    }
    @Test(arguments: [([2, 1, 8], [3, 1, 8]), ([3, 2, 7], [4, 2, 3]), ([1, 3, 5], [2, 3, 1])])
    func circularConv1d(_ sx: [Int], _ sw: [Int]) {
        expectGradients([gaussian(sx, seed: 55), gaussian(sw, seed: 56)]) { Variable.circularConv1d($0[0], $0[1]) }
    }
    @Test(arguments: [[6], [3, 4]]) func losses(_ s: [Int]) {
        let target = gaussian(s, seed: 57)
        expectGradients([gaussian(s, seed: 58)]) { Variable.mse($0[0], target) }
        var rng = RandomStream(seed: 59)
        let signs: Tensor<Double> = rng.rademacher(s)
        expectGradients([gaussian(s, seed: 60)]) { Variable.logisticLoss($0[0], signs) }
        expectGradients([gaussian([5, 4], seed: 61)]) { Variable.crossEntropy($0[0], [0, 3, 1, 1, 2]) }
    }
    @Test func stopGradientBlocksFlow() {
        let (_, g) = valueWithGradient(at: [gaussian([3], seed: 62)]) { x in (x[0] * x[0].stopGradient()).sum() }
        let x = gaussian([3], seed: 62)
        #expect(maxAbsDifference(g[0], x) < 1e-15)   // d/dx Σ x·c = c = x, not 2x
    }
    @Test func composedNetworkGradient() {
        // A two-layer network with a shared input used twice: accumulation across uses.
        expectGradients([gaussian([4, 3], seed: 63), gaussian([3, 5], seed: 64), gaussian([5], seed: 65)]) { v in
            let h = Variable.affine(v[0], v[1], v[2]).tanh()
            return (h * h).sum(axes: [1]) + v[0].sum(axes: [1])
        }
    }

    @Test func resetReleasesTheTapeAndItsTensors() {
        // Pullbacks may capture Variables (affine's bias), which refer to the tape: reset must
        // break that cycle, or every evaluation's tensors leak (seen as a 12 GB sweep worker).
        weak var weakTape: Tape<Double>?
        do {
            let tape = Tape<Double>()
            weakTape = tape
            let x = tape.variable(gaussian([2, 3], seed: 1)), w = tape.variable(gaussian([3, 2], seed: 2))
            _ = Variable.affine(x, w, tape.variable(gaussian([2], seed: 3)))
            tape.reset()
        }
        #expect(weakTape == nil)
    }
}
