import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics

/// Damian, Lee and Soltanolkotabi (COLT 2022), as in their code (`adamian98/COLT2022/main.py`,
/// research note §1):
/// 1. subtract the label mean C₀ and the linear fit ⟨C₁, x⟩, C₁ = (1/n)Σ y_i x_i, from every
///    split's labels (the same C₀, C₁ for all), so the step sees the non-linear part only;
/// 2. from the symmetric initialisation (f ≡ 0), one full-batch gradient step on the first layer,
///    normalised: W ← −∇_W L / √(mean_j ‖∇_{w_j} L‖²) (the initial W is discarded; `step=false`
///    skips this: the same network as random features);
/// 3. ridge on the second layer over relu(Wx + b), the ridge tuned on the validation split.
///
/// The step uses the training split; the head is fitted on the same samples (as the code does)
/// or on fresh ones (`fresh_head=true`). With `resample_bias=true` the first-layer biases are
/// drawn afresh from N(0, 1) after the step and before the head (the paper's Algorithm 1
/// re-initialises them between the stages; the code keeps the initial ones): the step has
/// moved W only, so fresh biases spread the ReLU kinks of the learned directions independently
/// of the ones the gradient was taken at. Off by default, so existing runs are unchanged. The reported loss is the *excess* loss: MSE against the
/// noise-free residual labels / their variance (the code reports test MSE − σ²).
///
/// Transfer (`transfer_n` > 0): keep the learned first layer and refit only the head on
/// `transfer_n` fresh samples of a new target g′(Ux) = Σ_i h₃(u_i·x)/√r with the same U (no
/// degree-2 part: nothing the step itself could have picked up), against random features on the
/// same samples. Needs a single- or multi-index class.
public struct DamianScheme: TrainingScheme {
    public static let schemeName = "damian-onestep"
    public static let summary = "Damian–Lee–Soltanolkotabi: remove linear part, one normalised gradient step from symmetric init, ridge head"
    public static let optionDocs = [
        OptionDoc("width", "1000", "hidden neurons m (even)"),
        OptionDoc("step", "true", "take the gradient step (false: random features with the same head)"),
        OptionDoc("remove_linear", "true", "subtract the label mean and linear fit before the step"),
        OptionDoc("fresh_head", "false", "fit the head on n_train fresh samples instead of the step's"),
        OptionDoc("transfer_n", "0", "samples of the transfer target g′ for the refitted head (0: no transfer)"),
        OptionDoc("resample_bias", "false", "draw fresh biases b ~ N(0, 1) after the step, before the head (the paper's Algorithm 1)"),
    ]
    public let width: Int, step: Bool, removeLinear: Bool, freshHead: Bool, transferN: Int, resampleBias: Bool

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        width = try o.int("width", default: 1000, range: 2...1_000_000)
        guard width % 2 == 0 else { throw o.fail("width", allowed: "an even integer (symmetric initialisation pairs neurons)", got: "\(width)") }
        step = try o.bool("step", default: true)
        removeLinear = try o.bool("remove_linear", default: true)
        freshHead = try o.bool("fresh_head", default: false)
        transferN = try o.int("transfer_n", default: 0, range: 0...10_000_000)
        resampleBias = try o.bool("resample_bias", default: false)
        try o.finish()
    }

    /// The stepped network; the larger of the step (n_train × width), the head (features of the
    /// head's samples, validation and test, with fresh samples when `fresh_head`) and the
    /// transfer head (features of its three sets, and those fresh samples).
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let d = run.vectorDimension else { return .failsAtStart }
        let n = run.nTrain, nv = run.nValidation, nt = run.nTest
        let head = saturatingSum([SchemeMemory.ridgeHead(width: width, rows: [n, nv, nt]), freshHead ? run.sampleNumbers(n, dimension: d) : 0])
        var working = Swift.max(SchemeMemory.firstLayerGradient(width: width, rows: n), head)
        if transferN > 0 {
            let sets = [transferN, Swift.max(nv, 1), Swift.max(nt, 1)]
            working = Swift.max(working, saturatingSum([SchemeMemory.ridgeHead(width: width, rows: sets),
                                                        run.sampleNumbers(saturatingSum(sets), dimension: d)]))
        }
        return SchemeMemory(networkNumbers: SchemeMemory.steppedTwoLayerNetwork(width: width, dimension: d), workingNumbers: working)
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        let x = try c.matrix(c.train, scheme: name)
        let n = x.shape[0], d = x.shape[1]
        // Step 1: C₀ and C₁ from the step's samples.
        let y = c.train.labels
        let c0 = removeLinear ? y.mean().scalar : 0
        let c1 = removeLinear ? Tensor.matvec(x, y - c0, transpose: true).scaled(by: 1 / Double(n)) : Tensor<Double>.zeros([d])
        func residual(_ data: Dataset<Double>, clean: Bool = false) throws -> (Tensor<Double>, Tensor<Double>) {
            let xs = try c.matrix(data, scheme: name)
            return (xs, (clean ? data.cleanLabels : data.labels) - c0 - Tensor.matvec(xs, c1))
        }
        var rng = c.rng.substream(.initialisation)
        var net = TwoLayerNetwork.symmetric(width: width, inputDimension: d, rng: &rng)
        let w0 = net.weights
        let u = Diagnostics.subspace(of: c.target)
        var metrics: [String: Double] = [:]
        if let u { metrics[SchemeMetric.alignmentInit] = Diagnostics.alignment(weights: w0, subspace: u) }

        // Step 2: one normalised gradient step on W.
        let (_, yr) = try residual(c.train)
        if step {
            let g = net.firstLayerGradient(x, labels: yr)
            let meanSquaredNorm = Tensor.dot(g, g) / Double(width)
            guard meanSquaredNorm > 0, meanSquaredNorm.isFinite else {
                throw SchemeError.failed(scheme: name, reason: "the first-layer gradient is \(meanSquaredNorm == 0 ? "zero (no neuron active on any sample, or labels ≡ 0 after removing the linear part)" : "not finite")")
            }
            net.weights = g.scaled(by: -1 / meanSquaredNorm.squareRoot())
            metrics.merge(try Diagnostics.updateSpectrum(initial: w0, final: net.weights, subspace: u)) { $1 }
        }
        if let u { metrics[SchemeMetric.alignment] = Diagnostics.alignment(weights: net.weights, subspace: u) }
        if resampleBias {
            // Its own sub-stream, so the initial network (and every run without the option) is
            // drawn exactly as before.
            var biasRNG = c.rng.substream(.headFeatures)
            net.biases = biasRNG.normal([width])
        }

        // Step 3: ridge on the second layer.
        let (xh, yh) = freshHead ? try residual(c.freshSamples(n, stream: 1)) : (x, yr)
        let (xv, yv) = try residual(c.validation)
        let fh = net.features(xh)
        let head = try FeatureRidge(features: fh, labels: yh, validationFeatures: net.features(xv), validationLabels: yv)
        let (xt, yt) = try residual(c.test, clean: true)
        let pred = head.predict(net.features(xt))
        metrics[SchemeMetric.testLossNormalized] = Diagnostics.normalizedLoss(predictions: pred, labels: yt)
        metrics[SchemeMetric.testMSE] = meanSquaredError(pred, yt)
        metrics[SchemeMetric.trainMSE] = meanSquaredError(head.predict(fh), yh)
        metrics[SchemeMetric.validationMSE] = head.validationMSEs[head.ridges.firstIndex(of: head.ridge)!]
        metrics[SchemeMetric.testLabelVariance] = populationVariance(yt)
        metrics[SchemeMetric.ridge] = head.ridge
        metrics["ridge_at_grid_edge"] = head.ridgeAtGridEdge ? 1 : 0

        if transferN > 0 {
            guard let u else {
                throw SchemeError.unsupportedData(scheme: name, reason: "transfer needs a target with a relevant subspace U (single-index or multi-index), got class \(c.functionClass.name)")
            }
            let newTarget = TransferTarget(projection: u, inner: c.target)
            let tr = c.freshSamples(transferN, of: newTarget, stream: 2)
            let tv = c.freshSamples(Swift.max(c.validation.count, 1), of: newTarget, stream: 3)
            let tt = c.freshSamples(Swift.max(c.test.count, 1), of: newTarget, stream: 4)
            let xtr = try c.matrix(tr, scheme: name), xtv = try c.matrix(tv, scheme: name), xtt = try c.matrix(tt, scheme: name)
            for (prefix, first) in [("transfer", net.weights), ("transfer_rf", w0)] {
                let m = TwoLayerNetwork(weights: first, biases: net.biases, readout: net.readout)
                let h = try FeatureRidge(features: m.features(xtr), labels: tr.labels, validationFeatures: m.features(xtv), validationLabels: tv.labels)
                metrics[prefix + "_" + SchemeMetric.testLossNormalized] = Diagnostics.normalizedLoss(predictions: h.predict(m.features(xtt)), labels: tt.cleanLabels)
            }
        }
        return SchemeResult(metrics: metrics)
    }
}

/// g′(Ux) = Σ_i h₃(u_i·x)/√r on the inputs of another target (the transfer task of Damian et al.:
/// same U, a different head). Mean 0, variance 1.
struct TransferTarget: Target {
    let projection: Tensor<Double>
    let inner: any Target

    var parameters: [String: String] { ["transfer-head": "sum of h3(u_i.x)/sqrt(r)", "r": "\(projection.shape[0])"] }

    func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { inner.sampleInputs(count: count, rng: &rng) }

    func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let z = Tensor.matmul(inputs.dense, projection, transposeB: true)     // [N, r]
        let r = projection.shape[0], n = z.shape[0]
        let s = 1 / Double(r).squareRoot()
        return Tensor((0..<n).map { i in (0..<r).reduce(0.0) { $0 + Hermite.orthonormal(3, z[i, $1]) } * s })
    }
}
