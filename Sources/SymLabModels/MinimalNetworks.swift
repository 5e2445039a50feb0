import SymLabAutodiff
import SymLabFunctionClasses
import SymLabNumerics

/// Hand-set weights of the minimal architectures (one graph or cyclic convolution + a
/// one-hidden-layer MLP) that compute the hard targets of Kiani et al. *exactly*: the existence
/// proofs of Figure 3, and a check that the students can represent what they fail to learn.
///
/// Both follow the same plan. The convolution with ReLU and sum pooling counts things — nodes of
/// degree δ, windows equal to pattern P — and the head computes the zig-zag parity
/// h(x) = c + Σ_j v_j·relu(x − j) (``ParityZigZag``) of the summed counts x, times (−1)^b. All
/// weights are small integers, so in Double (and Float) every intermediate value is an exact
/// integer and the output is exactly ±1.
public enum MinimalNetworks {
    /// A GNN computing g_{S,b}(A) = (−1)^{b + Σ_{δ∈S} c_A[δ]} of H_ER,n (class "er-parity") on
    /// graphs with constant node features 1.
    ///
    /// Graph convolution (sum aggregation, no root term), 3 channels per δ ∈ S: degree − δ + 1,
    /// degree − δ, degree − δ − 1; ReLU; sum over nodes. For integer degrees
    /// relu(d − δ + 1) − 2·relu(d − δ) + relu(d − δ − 1) = 1{d = δ}, so the first hidden layer of
    /// the head sees x = Σ_{δ∈S} c_A[δ] ∈ 0…n, and its n units with biases −j draw the zig-zag.
    public static func erParity<S: TensorScalar>(target: ERParityTarget, as: S.Type = Double.self) -> GNN<S> {
        let n = target.nodes, subset = target.subset
        var rng = RandomStream(seed: 0)
        let c = GNN<S>.Configuration(widths: [3 * subset.count], hidden: [n], aggregation: .sum, pooling: .sum,
                                     activation: .relu, bias: true, rootWeight: false, scheme: .standard)
        let model = GNN<S>(featureSize: 1, configuration: c, name: "hand-set minimal GNN for er-parity S=\(subset) b=\(target.signBit)", rng: &rng)
        let store = model.parameters
        let conv = model.layers[0]
        store.setValue(conv.neighborWeight, Tensor(shape: [1, 3 * subset.count], repeating: 1))
        store.setValue(conv.bias!, Tensor(subset.flatMap { d in [S(-d + 1), S(-d), S(-d - 1)] }))
        let coefficients = subset.flatMap { _ in [S(1), S(-2), S(1)] }
        setZigZagHead(model.head, store: store, coefficients: coefficients, maxCount: n, signBit: target.signBit)
        return model
    }

    /// A CNN computing the C^B_F target of class "cyclic-pattern-parity",
    /// (−1)^{b + Σ_{P∈S} c_x[P]} for x ∈ {±1}^n given as [N, n].
    ///
    /// Circular convolution with one channel per pattern P ∈ S (weights P, bias 1 − w): the
    /// pre-activation ⟨P, window⟩ − w + 1 = 1 − 2·(mismatches), so its ReLU is 1{window = P}; sum
    /// pooling counts the matches; the head's zig-zag takes the parity of the total (≤ n, since a
    /// window matches at most one pattern).
    public static func cyclicPatternParity<S: TensorScalar>(target: CyclicPatternParityTarget, as: S.Type = Double.self) -> CNN<S> {
        let n = target.n, w = target.width, filters = target.filters
        var rng = RandomStream(seed: 0)
        let c = CNN<S>.Configuration(channels: [filters.count], kernelWidths: [w], hidden: [n], pooling: .sum, activation: .relu,
                                     bias: true, layout: .channelsFirst, scheme: .standard)
        let model = CNN<S>(sampleShape: [n], configuration: c, name: "hand-set minimal CNN for cyclic-pattern-parity \(target.parameters["patterns"] ?? "")",
                           rng: &rng)
        let store = model.parameters
        let conv = model.convolutions[0]
        store.setValue(conv.weight, Tensor(shape: [filters.count, 1, w], scalars: filters.flatMap { $0.map { S($0) } }))
        store.setValue(conv.bias!, Tensor(shape: [filters.count], repeating: S(1 - w)))
        setZigZagHead(model.head, store: store, coefficients: [S](repeating: 1, count: filters.count), maxCount: n, signBit: target.signBit)
        return model
    }

    /// Head: hidden unit j = relu(Σ_k coefficients[k]·u_k − j), j = 0…M−1; output (−1)^b·(c + Σ_j v_j·unit_j).
    static func setZigZagHead<S>(_ head: MLPHead<S>, store: ParameterStore<S>, coefficients: [S], maxCount m: Int, signBit: Int) {
        let zz = ParityZigZag.reluWeights(maxCount: m)
        let sign: Double = signBit % 2 == 0 ? 1 : -1
        let hidden = head.hidden[0]
        precondition(hidden.outputSize == m && hidden.inputSize == coefficients.count && head.twin == nil,
                     "MinimalNetworks: head \(hidden.inputSize)→\(hidden.outputSize) does not fit \(coefficients.count) counts and \(m) zig-zag units")
        store.setValue(hidden.weight, Tensor(shape: [coefficients.count, m], scalars: coefficients.flatMap { [S](repeating: $0, count: m) }))
        store.setValue(hidden.bias!, Tensor(zz.biases.map { S(-$0) }))
        store.setValue(head.readout.weight, Tensor(shape: [m, 1], scalars: zz.weights.map { S(sign * $0) }))
        store.setValue(head.readout.bias!, Tensor([S(sign * zz.outputBias)]))
    }
}
