import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// Random features φ(x) = σ_w/√M · act(Wᵀx/√d + σ_b·b), W [d, M] and b [M] with N(0, 1) entries
/// drawn once from `seed`: the first layer of a two-layer network frozen at initialisation.
/// Ridge regression on them is "the network without feature learning" baseline (Rahimi & Recht;
/// Ba et al. 2022), and ⟨φ(x), φ(x′)⟩ → the depth-2 NNGP as M → ∞ (σ_w² = 2, relu: the arc-cosine kernel).
public struct RandomFeatures: Kernel, Sendable {
    public let activation: UnaryOp
    public let count: Int
    public let inputDimension: Int
    public let weightVariance: Double
    public let biasVariance: Double
    public let seed: UInt64
    let weights: Tensor<Double>
    let biases: Tensor<Double>

    public init(activation: UnaryOp = .relu, count: Int, inputDimension: Int, weightVariance: Double = 2,
                biasVariance: Double = 0, seed: UInt64) throws {
        guard count >= 1, inputDimension >= 1 else {
            throw KernelError.invalidOption(kernel: "random-features", option: "feature count and input dimension", allowed: "≥ 1", got: "\(count), \(inputDimension)")
        }
        guard weightVariance > 0, biasVariance >= 0 else {
            throw KernelError.invalidOption(kernel: "random-features", option: "weight / bias variance", allowed: "> 0 / ≥ 0", got: "\(weightVariance) / \(biasVariance)")
        }
        self.activation = activation; self.count = count; self.inputDimension = inputDimension
        self.weightVariance = weightVariance; self.biasVariance = biasVariance; self.seed = seed
        var rng = RandomStream(seed: seed, stream: 0x5246)
        weights = rng.normal([inputDimension, count])
        biases = rng.normal([count])
    }

    public var name: String { "random-features(\(activation), M = \(count), σw² \(weightVariance), σb² \(biasVariance), seed \(seed))" }

    public func validate(_ inputs: Inputs<Double>) throws {
        let x = try flatRows(inputs, kernel: "random-features")
        guard x.shape[1] == inputDimension else {
            throw KernelError.unsupportedInputs(kernel: "random-features", reason: "drawn for inputs of dimension \(inputDimension), got \(x.shape[1])")
        }
    }

    /// φ(x) for every input, [N, M].
    public func features(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = denseMatrix(inputs)
        let pre = Tensor.matmul(x, weights) * (1 / Double(inputDimension).squareRoot()) + biases * biasVariance.squareRoot()
        return pre.map(activation) * (weightVariance / Double(count)).squareRoot()
    }

    public func block(_ a: Inputs<Double>, _ b: Inputs<Double>) -> Tensor<Double> {
        Tensor.matmul(features(a), features(b), transposeB: true)
    }

    public func scratchBytes(rows: Int, cols: Int) -> Int { MemoryBudget.doubles(MemoryBudget.product(rows &+ cols, count)) }
}

/// Ridge regression of the readout on random features, tuned on the validation set.
///
/// With M ≤ n features it works in the primal (``FeatureRidge`` in its kernel-matched mode): one
/// eigh of the M×M matrix ΦᵀΦ serves every ridge. With M > n it is kernel ridge regression with
/// k = ⟨φ, φ⟩. The two give the same predictor, and the relative ridge has the same meaning
/// (s = tr(ΦᵀΦ)/n = tr(ΦΦᵀ)/n).
public enum RandomFeaturesRegression {
    public static func fit(_ rf: RandomFeatures, train: Dataset<Double>, validation: Dataset<Double>, test: Dataset<Double>,
                           ridges: [Double] = KernelRidge.defaultRidges, tiling: Tiling = Tiling()) throws -> RegressionReport {
        if rf.count > train.count {
            return try KernelRegression.fit(rf, train: train, validation: validation, test: test, ridges: ridges, tiling: tiling)
        }
        try KernelRegression.checkSplits(rf.name, train: train, validation: validation, ridges: ridges)
        try rf.validate(train.inputs); try rf.validate(validation.inputs); try rf.validate(test.inputs)
        let m = rf.count, n = train.count
        let rowsAll = n &+ validation.count &+ test.count
        try tiling.memory.require(MemoryBudget.doubles(MemoryBudget.product(rowsAll, m) &* 2, MemoryBudget.product(m, m) &* 4),
                                  for: "random-features regression with \(m) features on \(n) training samples")
        let phi = rf.features(train.inputs)
        let fit = try FeatureRidge(features: phi, labels: train.labels, validationFeatures: rf.features(validation.inputs),
                                   validationLabels: validation.labels, ridges: ridges, mode: .kernelMatched)
        return KernelRegression.report(rf.name, fit.ridge, ridges, fit.validationMSEs,
                                       train: meanSquaredError(fit.predict(phi), train.labels),
                                       validation: fit.validationMSE, testPred: fit.predict(rf.features(test.inputs)), testLabels: test.labels)
    }
}
