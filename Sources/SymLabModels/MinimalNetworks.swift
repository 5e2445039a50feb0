import SymLabAutodiff
import SymLabCore
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

    /// A frame-averaged network computing the C^B_F target of class "cyclic-frame-parity",
    /// χ_S(canonical rotation of x) for x ∈ {±1}^n given as [N, n].
    ///
    /// ``FrameAveraged`` (the canonical-shift frame: the lexicographically smallest rotation, the
    /// rotation the class's target reads) around a one-hidden-layer MLP with k = |S| units: the
    /// number of −1s at S is m = Σ_{i∈S} (1 − x_i)/2 ∈ 0…k, so unit j = relu(−½·Σ_{i∈S} x_i + k/2 − j)
    /// = relu(m − j), and the zig-zag head gives (−1)^m = χ_S. The class is named frame-averaged,
    /// so its minimal network is a frame plus the smallest MLP that computes a k-bit parity. The
    /// weights are 0, ±½ and small integers: every intermediate value is a multiple of ½, exact in
    /// Double and Float.
    public static func cyclicFrameParity<S: TensorScalar>(target: CyclicFrameParityTarget, as: S.Type = Double.self) -> FrameAveraged<S> {
        let n = target.n, k = target.subset.count
        var rng = RandomStream(seed: 0)
        let mlp = MLP<S>(inputShape: [n], widths: [k], activation: .relu, bias: true, scheme: .standard, rng: &rng)
        let inS = Set(target.subset)
        setZigZagHead(mlp.head, store: mlp.parameters, coefficients: (0..<n).map { inS.contains($0) ? S(-0.5) : 0 }, maxCount: k,
                      signBit: 0, offset: Double(k) / 2)
        return FrameAveraged(backbone: mlp, axis: 1,
                             name: "hand-set minimal frame-averaged MLP for cyclic-frame-parity S=\(target.subset)")
    }

    /// Head: hidden unit j = relu(Σ_k coefficients[k]·u_k + offset − j), j = 0…M−1; output
    /// (−1)^b·(c + Σ_j v_j·unit_j).
    static func setZigZagHead<S>(_ head: MLPHead<S>, store: ParameterStore<S>, coefficients: [S], maxCount m: Int, signBit: Int,
                                 offset: Double = 0) {
        let zz = ParityZigZag.reluWeights(maxCount: m)
        let sign: Double = signBit % 2 == 0 ? 1 : -1
        let hidden = head.hidden[0]
        precondition(hidden.outputSize == m && hidden.inputSize == coefficients.count && head.twin == nil,
                     "MinimalNetworks: head \(hidden.inputSize)→\(hidden.outputSize) does not fit \(coefficients.count) counts and \(m) zig-zag units")
        store.setValue(hidden.weight, Tensor(shape: [coefficients.count, m], scalars: coefficients.flatMap { [S](repeating: $0, count: m) }))
        store.setValue(hidden.bias!, Tensor(zz.biases.map { S(offset - $0) }))
        store.setValue(head.readout.weight, Tensor(shape: [m, 1], scalars: zz.weights.map { S(sign * $0) }))
        store.setValue(head.readout.bias!, Tensor([S(sign * zz.outputBias)]))
    }
}

// MARK: - Representability next to learnability

extension MinimalNetworks {
    /// The function classes with a hand-set minimal network (``handSet(for:as:)``).
    public static let classes = ["er-parity", "cyclic-pattern-parity", "cyclic-frame-parity"]

    /// The hand-set network computing `target` exactly, or nil for a target of a class without one.
    public static func handSet<S: TensorScalar>(for target: any Target, as: S.Type = Double.self) -> (any Model<S>)? {
        switch target {
        case let t as ERParityTarget: erParity(target: t, as: S.self)
        case let t as CyclicPatternParityTarget: cyclicPatternParity(target: t, as: S.self)
        case let t as CyclicFrameParityTarget: cyclicFrameParity(target: t, as: S.self)
        default: nil
        }
    }

    /// How well a hand-set network fits its target: the evidence that the students can *represent*
    /// what they fail to learn, measured on the samples a training run of the same seed sees.
    public struct ExactFit: Sendable {
        public let className: String
        /// The class's resolved options and the drawn target's parameters (`target.*`).
        public let parameters: [String: String]
        public let seed: UInt64
        public let nTrain: Int, nTest: Int
        /// "f64" or "f32" (``TensorScalar/precisionName``).
        public let precision: String
        public let model: String
        public let parameterCount: Int
        /// MSE against the labels (noise included if the class has any).
        public let trainMSE: Double, testMSE: Double
        /// max |f(x) − g(x)| over both sets against the noise-free target g.
        public let maxError: Double
    }

    /// Draws the target of `seed` (``SeededData``, as a run of that seed does), builds its hand-set
    /// network and measures it on the seed's training and test splits of `nTrain` and `nTest`
    /// samples — fresh to the network, which has seen no data, and the very sets a `symlab run` of
    /// that seed trains and tests on. Throws ``MinimalNetworkError`` for a class without a hand-set
    /// network.
    public static func exactFit<S: TensorScalar>(_ functionClass: any FunctionClass, seed: UInt64, nTrain: Int, nTest: Int,
                                                 as: S.Type = Double.self) throws -> ExactFit {
        precondition(nTrain > 0 && nTest > 0, "MinimalNetworks.exactFit: sample counts must be positive, got \(nTrain), \(nTest)")
        let data = SeededData(functionClass, seed: seed)
        guard let model = handSet(for: data.target, as: S.self) else {
            throw MinimalNetworkError(className: functionClass.name)
        }
        let train: Dataset<S> = data.sample(.train, count: nTrain), test: Dataset<S> = data.sample(.test, count: nTest)
        func errors(_ d: Dataset<S>) -> (mse: Double, maxError: Double) {
            let p = model.predict(d.inputs).scalars
            let y = d.labels.scalars, clean = d.cleanLabels.scalars
            var sum = 0.0, worst = 0.0
            for i in p.indices {
                let e = Double(p[i]) - Double(y[i])
                sum += e * e
                worst = Swift.max(worst, Swift.abs(Double(p[i]) - Double(clean[i])))
            }
            return (sum / Double(p.count), worst)
        }
        let tr = errors(train), te = errors(test)
        return ExactFit(className: functionClass.name, parameters: train.parameters, seed: seed, nTrain: nTrain, nTest: nTest,
                        precision: S.precisionName, model: model.summary.name, parameterCount: model.parameters.count,
                        trainMSE: tr.mse, testMSE: te.mse, maxError: Swift.max(tr.maxError, te.maxError))
    }
}

/// A function class without a hand-set minimal network.
public struct MinimalNetworkError: Error, CustomStringConvertible, Equatable {
    public let className: String
    public init(className: String) { self.className = className }
    public var description: String {
        "class '\(className)' has no hand-set minimal network; the classes with one are \(MinimalNetworks.classes.joined(separator: ", "))"
    }
}
