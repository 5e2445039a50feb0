import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// The kernel baselines by name — the one place that turns a name and its settings into a
/// fitted, validation-tuned regression, for `symlab kernel fit` and for the `kernel` scheme alike.
///
/// rbf / laplace: the bandwidth given, or the median pairwise distance of the training inputs.
/// relu-nngp / relu-ntk: the closed-form kernels of a fully connected ReLU network; on graph
/// inputs, of the sum GNN f(G) = Σ_i g((A + I)X)_i with g that network. random-features: a frozen
/// random first layer and ridge on its features (dense inputs only).
public enum KernelBaseline: String, CaseIterable, Sendable {
    case rbf, laplace
    case reluNNGP = "relu-nngp", reluNTK = "relu-ntk"
    case randomFeatures = "random-features"

    public struct Settings: Sendable {
        /// Weight layers of the ReLU network kernels (2 or 3).
        public var depth: Int
        /// σ_b² of the ReLU kernels and random features; nil: 0 on vectors, 1 on graphs.
        public var biasVariance: Double?
        /// RBF/Laplace bandwidth; nil: the median heuristic.
        public var bandwidth: Double?
        public var features: Int
        public var activation: UnaryOp
        /// Seed of the random features' first layer.
        public var featureSeed: UInt64
        /// A fixed relative ridge (``KernelRidge``'s convention); nil: tuned on validation.
        public var ridge: Double?

        public init(depth: Int = 2, biasVariance: Double? = nil, bandwidth: Double? = nil, features: Int = 1024,
                    activation: UnaryOp = .relu, featureSeed: UInt64 = 0, ridge: Double? = nil) {
            self.depth = depth; self.biasVariance = biasVariance; self.bandwidth = bandwidth
            self.features = features; self.activation = activation; self.featureSeed = featureSeed
            self.ridge = ridge
        }
    }

    /// Numbers a fit keeps beside its data, for the memory preflight of `symlab kernel fit` and of
    /// the `kernel` scheme: with `features` (random features), the feature matrices [N, m] of every
    /// split and the m × m normal equations (three copies); otherwise the n_train² kernel matrix
    /// with its eigendecomposition (used to tune the ridge) and the cross-kernels to validation
    /// and test.
    public static func workingNumbers(nTrain: Int, nValidation: Int, nTest: Int, features: Int?) -> Int {
        if let m = features {
            let f = saturatingProduct([saturatingSum([nTrain, nValidation, nTest]), m])
            return saturatingSum([f, saturatingProduct([m, m, 3])])
        }
        let square = saturatingProduct([nTrain, nTrain])
        let cross = saturatingProduct([saturatingSum([nValidation, nTest]), nTrain])
        return saturatingSum([saturatingProduct([square, 3]), cross])
    }

    /// Fits the baseline on `train`, tunes the ridge on `validation` (or takes `settings.ridge`),
    /// and scores `test`.
    public func fit(train: Dataset<Double>, validation: Dataset<Double>, test: Dataset<Double>, settings s: Settings) throws -> RegressionReport {
        let isGraph: Bool = { if case .graphs = train.inputs { return true } else { return false } }()
        func regression(_ k: any Kernel) throws -> RegressionReport {
            if let r = s.ridge { return try KernelRegression.fit(k, train: train, validation: validation, test: test, fixedRidge: r) }
            return try KernelRegression.fit(k, train: train, validation: validation, test: test)
        }
        switch self {
        case .rbf, .laplace:
            let profile: RadialKernel.Profile = self == .rbf ? .rbf : .laplace
            let k = try s.bandwidth.map { try RadialKernel(profile, bandwidth: $0) } ?? RadialKernel(profile, medianHeuristicOn: train.inputs)
            return try regression(k)
        case .reluNNGP, .reluNTK:
            let kind: NetworkKernelKind = self == .reluNNGP ? .nngp : .ntk
            let k: any Kernel = isGraph
                ? try GraphNetworkKernel(kind, depth: s.depth, biasVariance: s.biasVariance ?? 1)
                : try ReLUNetworkKernel(kind, depth: s.depth, biasVariance: s.biasVariance ?? 0)
            return try regression(k)
        case .randomFeatures:
            if s.ridge != nil {
                throw KernelError.invalidOption(kernel: "random-features", option: "ridge", allowed: "absent (random features tune their ridge on validation)", got: "\(s.ridge!)")
            }
            guard case .dense(let x) = train.inputs else {
                throw KernelError.unsupportedInputs(kernel: "random-features", reason: "takes dense inputs; use relu-nngp or relu-ntk (the graph kernels) for graph classes")
            }
            let d = x.count / Swift.max(x.shape[0], 1)
            let rf = try RandomFeatures(activation: s.activation, count: s.features, inputDimension: d,
                                        biasVariance: s.biasVariance ?? 0, seed: s.featureSeed)
            return try RandomFeaturesRegression.fit(rf, train: train, validation: validation, test: test)
        }
    }
}
