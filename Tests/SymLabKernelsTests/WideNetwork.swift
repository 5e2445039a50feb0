import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabModels
import SymLabNumerics

/// The network the closed-form kernels describe, at finite width, as a ``Model``:
/// h¹ = W¹x/√d + σ_b·b¹, hˡ = σ_w·Wˡφ(hˡ⁻¹)/√m + σ_b·bˡ, f = h^L (output width 1), N(0, 1) entries.
/// On graph inputs it is the sum GNN of ``GraphNetworkKernel``: the same network on the aggregated
/// node features Z = (A + I)X, summed over the nodes of each graph.
final class WideNetwork: Model {
    typealias Scalar = Double
    let parameters = ParameterStore<Double>()
    let depth: Int, width: Int, inputDimension: Int
    let activation: UnaryOp
    let weightVariance: Double, biasVariance: Double
    var weights: [ParameterID] = []
    var biases: [ParameterID] = []
    let aggregation: GraphNetworkKernel?

    init(depth: Int, width: Int, inputDimension d: Int, activation: UnaryOp = .relu, weightVariance: Double = 2,
         biasVariance: Double = 0, seed: UInt64, graphs: Bool = false) throws {
        self.depth = depth; self.width = width; self.inputDimension = d; self.activation = activation
        self.weightVariance = weightVariance; self.biasVariance = biasVariance
        aggregation = graphs ? try GraphNetworkKernel(.ntk, depth: depth, biasVariance: biasVariance) : nil
        var rng = RandomStream(seed: seed, stream: 7)
        for l in 0..<depth {
            let fanIn = l == 0 ? d : width, fanOut = l == depth - 1 ? 1 : width
            weights.append(parameters.add("w\(l)", rng.normal([fanIn, fanOut]), group: "layer\(l)"))
            if biasVariance > 0 { biases.append(parameters.add("b\(l)", rng.normal([fanOut]), group: "layer\(l)")) }
        }
    }

    var summary: ModelSummary {
        ModelSummary(name: "wide-\(activation)-net", layers: [.init(name: "all", kind: "dense", outputShape: "[N]", parameterCount: parameters.count)])
    }

    /// Node (or sample) rows the dense network runs on, and the node count to sum over (1 for dense).
    func rows(_ inputs: Inputs<Double>) -> (Tensor<Double>, Int) {
        switch inputs {
        case .dense(let x): return (x.reshaped([x.shape[0], -1]), 1)
        case .graphs(let g): return (aggregation!.aggregatedFeatures(g), g.nodesPerGraph)
        }
    }

    /// Pre-activations of every layer; the last is the output [rows, 1].
    func preactivations(_ x: Tensor<Double>, on tape: Tape<Double>) -> [Variable<Double>] {
        var h = Variable.matmul(tape.constant(x), parameters.bind(weights[0], on: tape)) * (1 / Double(inputDimension).squareRoot())
        if biasVariance > 0 { h = h + parameters.bind(biases[0], on: tape) * biasVariance.squareRoot() }
        var all = [h]
        for l in 1..<depth {
            h = Variable.matmul(h.map(activation), parameters.bind(weights[l], on: tape)) * (weightVariance / Double(width)).squareRoot()
            if biasVariance > 0 { h = h + parameters.bind(biases[l], on: tape) * biasVariance.squareRoot() }
            all.append(h)
        }
        return all
    }

    func forward(_ inputs: Inputs<Double>, on tape: Tape<Double>) -> Variable<Double> {
        let (x, nodes) = rows(inputs)
        let out = preactivations(x, on: tape).last!
        return out.reshaped([inputs.count, nodes]).sum(axes: [1])
    }

    /// σ_w/√m·φ(h^{L−1}): the last hidden layer, whose Gram matrix (+ σ_b²) is the empirical NNGP.
    func lastHiddenFeatures(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let tape = Tape<Double>()
        let (x, _) = rows(inputs)
        let pre = preactivations(x, on: tape)
        return pre[depth - 2].value.map(activation) * (weightVariance / Double(width)).squareRoot()
    }
}
