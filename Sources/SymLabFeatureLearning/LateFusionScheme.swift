import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import SymLabTraining

/// The late-fusion learner of the modality-competition analysis (Huang, Lin, Zhou, Yang, Huang,
/// ICML 2022): one encoder of m smoothed-ReLU neurons per modality on its half of the input
/// x = [x^A, x^B], the encoders' outputs summed into one logit,
///
///   f(x) = Σ_{r trained} Σ_{i=1..m} [σ̃(⟨w_{r,i}, x^r⟩) − σ̃(−⟨w_{r,i}, x^r⟩)],
///
/// with the second layer fixed (odd in each neuron, so a neuron can serve either sign of the
/// label) and only the encoders trained. Uni-modal training is the same network with one encoder.
///
/// Why a hand-written gradient and not the ``Trainer``: the figure needs the encoders' weights
/// along training (their alignment with the class's u_r at every step), which the Trainer's
/// observer does not see; the gradient is two gemms per encoder, checked against central
/// differences in the tests.
public struct LateFusionNetwork: Sendable {
    public let d: Int, width: Int
    /// The activation σ̃ (``UnaryOp/smoothRelu(q:rho:)``).
    public let activation: UnaryOp
    /// Encoder weights [m, d] per modality (index 0 = A, 1 = B); nil for a modality not trained.
    public var encoders: [Tensor<Double>?]

    public init(d: Int, width: Int, activation: UnaryOp, encoders: [Tensor<Double>?]) {
        precondition(encoders.count == 2 && encoders.allSatisfy { $0 == nil || $0!.shape == [width, d] }, "LateFusionNetwork: two encoders [\(width), \(d)] or nil")
        self.d = d; self.width = width; self.activation = activation; self.encoders = encoders
    }

    /// The two halves [N, d] of inputs [N, 2d], copied once so that every product is one gemm.
    public static func split(_ x: Tensor<Double>) -> [Tensor<Double>] {
        let n = x.shape[0], d = x.shape[1] / 2
        return (0..<2).map { m in
            let out = Tensor<Double>(uninitializedShape: [n, d])
            x.withUnsafePointer { p in out.withSharedMutablePointer { o in
                for i in 0..<n { (o + i * d).update(from: p + i * 2 * d + m * d, count: d) }
            } }
            return out
        }
    }

    /// z_r = X_r W_rᵀ [N, m] per trained encoder.
    func preactivations(_ halves: [Tensor<Double>]) -> [Tensor<Double>?] {
        encoders.enumerated().map { r, w in w.map { Tensor.matmul(halves[r], $0, transposeB: true) } }
    }

    /// f from the pre-activations: Σ_r Σ_i σ̃(z_{ri}) − σ̃(−z_{ri}), [N].
    func logits(preactivations zs: [Tensor<Double>?], count n: Int) -> [Double] {
        var f = [Double](repeating: 0, count: n)
        for z in zs {
            guard let z else { continue }
            let h = z.map(activation).scalars, hn = z.map(.neg).map(activation).scalars
            for k in 0..<n { for i in 0..<width { f[k] += h[k * width + i] - hn[k * width + i] } }
        }
        return f
    }

    /// f on the split inputs: [N].
    public func logits(_ halves: [Tensor<Double>]) -> [Double] {
        logits(preactivations: preactivations(halves), count: halves[0].shape[0])
    }

    /// The mean logistic loss (1/N) Σ log(1 + e^{−y f}) and its gradient with respect to each
    /// trained encoder: ∇_{W_r} = Dᵀ X_r with D[k, i] = ℓ′_k·(σ̃′(z_{ki}) + σ̃′(−z_{ki})) / N, z = X_r W_rᵀ.
    public func lossAndGradient(_ halves: [Tensor<Double>], labels y: [Double]) -> (loss: Double, gradients: [Tensor<Double>?]) {
        let n = y.count
        let zs = preactivations(halves)
        let f = logits(preactivations: zs, count: n)
        var loss = 0.0
        var g = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let margin = y[k] * f[k]
            // log(1 + e^{−m}) without overflow; ℓ′ = −y/(1 + e^{m}).
            loss += margin > 0 ? Foundation.log1p(Foundation.exp(-margin)) : -margin + Foundation.log1p(Foundation.exp(margin))
            g[k] = -y[k] / (1 + Foundation.exp(margin)) / Double(n)
        }
        let ones = Tensor<Double>(shape: [n, width], repeating: 1)
        let grads: [Tensor<Double>?] = zs.enumerated().map { r, z in
            guard let z else { return nil }
            let zn = z.map(.neg)
            let up = Tensor.mapBackward(activation, x: z, y: z, dy: ones).scalars
            let down = Tensor.mapBackward(activation, x: zn, y: zn, dy: ones).scalars
            var dz = [Double](repeating: 0, count: n * width)
            for k in 0..<n { for i in 0..<width { dz[k * width + i] = g[k] * (up[k * width + i] + down[k * width + i]) } }
            return Tensor.matmul(Tensor(shape: [n, width], scalars: dz), halves[r], transposeA: true)
        }
        return (loss / Double(n), grads)
    }

    /// max_i |⟨w_{r,i}, u⟩| / ‖w_{r,i}‖ (the best-aligned neuron's |cos| with u,
    /// ``Diagnostics/rowAlignments(weights:subspace:)``) and max_i |⟨w_{r,i}, u⟩| (the feature
    /// strength: the cosine is scale-free, so a modality whose weights barely move can still
    /// turn towards u — the strength says whether it grew), for encoder r and a unit vector u.
    public func alignment(_ r: Int, with u: [Double]) -> (cosine: Double, strength: Double) {
        guard let w = encoders[r] else { return (.nan, .nan) }
        let direction = Tensor(shape: [1, d], scalars: u)
        let cosine = Diagnostics.rowAlignments(weights: w, subspace: direction).filter { !$0.isNaN }.max() ?? 0
        let strength = Tensor.matmul(w, direction, transposeB: true).scalars.map(abs).max() ?? 0
        return (cosine, strength)
    }
}

/// Full-batch gradient descent on the logistic loss of the ``LateFusionNetwork``, jointly on both
/// modalities or on one (class `two-modality`), recording each encoder's alignment with its
/// modality's label direction u_r and its feature strength along training; the test errors on the
/// test split and on a B-only test set (A's signal removed) at the end.
public struct LateFusionScheme: TrainingScheme {
    public static let schemeName = "late-fusion"
    public static let summary = "late-fusion network (one smoothed-ReLU encoder per modality, fixed odd second layer, summed logits) trained by full-batch GD on the logistic loss, jointly or uni-modally; records each encoder's alignment with u_r (Huang et al. 2022, class two-modality)"
    public static let optionDocs = [
        OptionDoc("modalities", "both", "which encoders exist and are trained: both (joint training), a or b (uni-modal)"),
        OptionDoc("width", "10", "neurons m per encoder"),
        OptionDoc("q", "3", "power q of the smoothed ReLU (2...8): xᵠ/(qρ^{q−1}) on [0, ρ]"),
        OptionDoc("rho", "0.1", "ρ > 0 of the smoothed ReLU (where it turns linear)"),
        OptionDoc("init_std", "0.01", "standard deviation of every encoder weight at initialisation"),
        OptionDoc("lr", "0.05", "learning rate of gradient descent (full batch, mean loss)"),
        OptionDoc("steps", "800", "gradient steps"),
    ]
    public static let modalityChoices = ["both", "a", "b"]
    public let modalities: String, width: Int, q: Int, rho: Double, initStd: Double, lr: Double, steps: Int

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        modalities = try o.choice("modalities", default: "both", among: Self.modalityChoices)
        width = try o.int("width", default: 10, range: 1...4096)
        q = try o.int("q", default: 3, range: 2...8)
        rho = try o.double("rho", default: 0.1, in: .positive)
        initStd = try o.double("init_std", default: 0.01, in: .positive)
        lr = try o.double("lr", default: 0.05, in: .positive)
        steps = try o.int("steps", default: 800, range: 1...1_000_000)
        try o.finish()
    }

    /// Which encoders train: [A, B].
    public var trains: [Bool] { [modalities != "b", modalities != "a"] }

    /// Encoders and their gradients (2 × 2·m·d), the split inputs (N·2d) and the [N, m] blocks of a step.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let twoD = run.vectorDimension else { return .failsAtStart }
        let rows = Swift.max(run.nTrain, run.nTest)
        return SchemeMemory(networkNumbers: saturatingProduct([4, width, twoD]),
                            workingNumbers: saturatingSum([saturatingProduct([2, rows, twoD]), saturatingProduct([6, rows, width])]))
    }

    /// The steps alignments are recorded at: ~40 log-spaced and 40 evenly spaced ones (the race
    /// is read on a linear step axis, its start on a log one).
    public func recordedSteps() -> Set<Int> {
        OnlineSGD.recordingSteps(maxSteps: steps).union(stride(from: 0, through: steps, by: Swift.max(1, steps / 40)))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        guard let t = c.target as? TwoModalityTarget else {
            throw SchemeError.unsupportedData(scheme: name, reason: "needs the two-modality class (its label directions u_A, u_B), got class \(c.functionClass.name)")
        }
        let y = c.train.labels.scalars
        guard y.allSatisfy({ $0 == 1 || $0 == -1 }) else {
            throw SchemeError.unsupportedData(scheme: name, reason: "needs ±1 labels (class option noise = 0)")
        }
        let train = LateFusionNetwork.split(try c.matrix(c.train, scheme: name))
        let d = t.d
        var rng = c.rng.substream(.initialisation)
        var net = LateFusionNetwork(d: d, width: width, activation: .smoothRelu(q: q, rho: rho),
                                    encoders: trains.map { $0 ? rng.normal([width, d], std: initStd) : nil })
        let u = [t.uA, t.uB], letters = ["a", "b"]
        let record = recordedSteps()
        var curves: [CurvePoint] = [], best = [0.0, 0.0], metrics: [String: Double] = [:]
        func observe(_ step: Int) {
            for r in 0..<2 where trains[r] {
                let (cosine, strength) = net.alignment(r, with: u[r])
                best[r] = Swift.max(best[r], cosine)
                if step == 0 { metrics["alignment_\(letters[r])_init"] = cosine; metrics["strength_\(letters[r])_init"] = strength }
                if record.contains(step) {
                    curves.append(CurvePoint(step: step, split: "train", metric: "alignment_\(letters[r])", value: cosine))
                    curves.append(CurvePoint(step: step, split: "train", metric: "strength_\(letters[r])", value: strength))
                }
            }
        }
        observe(0)
        for step in 0..<steps {
            if step % 16 == 0, c.shouldStop {
                return SchemeResult(metrics: metrics, curves: curves, status: .interrupted, message: "stopped on request")
            }
            let (loss, grads) = net.lossAndGradient(train, labels: y)
            guard loss.isFinite else {
                return SchemeResult(metrics: metrics, curves: curves, status: .diverged, message: "the loss diverged at step \(step) (lr = \(lr))")
            }
            if record.contains(step) { curves.append(CurvePoint(step: step, split: "train", metric: "loss", value: loss)) }
            for r in 0..<2 { if let g = grads[r] { net.encoders[r] = net.encoders[r]! - lr * g } }
            observe(step + 1)
        }
        func error(_ set: Dataset<Double>) throws -> Double {
            let f = net.logits(LateFusionNetwork.split(try c.matrix(set, scheme: name)))
            return Double(zip(f, set.labels.scalars).filter { $0 * $1 <= 0 }.count) / Double(Swift.max(f.count, 1))
        }
        metrics[SchemeMetric.trainError] = try error(c.train)
        metrics[SchemeMetric.testError] = try error(c.test)
        // The B-only test set: as many fresh samples as the test split, of the same directions
        // with ζ_A = 0, from a fresh-data stream of its own.
        metrics["test_error_b_only"] = try error(c.freshSamples(c.test.count, of: t.withoutSignalA, stream: 31))
        metrics["train_loss"] = net.lossAndGradient(train, labels: y).loss
        metrics["steps"] = Double(steps)
        metrics["d"] = Double(d)
        for r in 0..<2 where trains[r] {
            let (cosine, strength) = net.alignment(r, with: u[r])
            metrics["alignment_\(letters[r])"] = cosine
            metrics["strength_\(letters[r])"] = strength
            metrics["best_alignment_\(letters[r])"] = best[r]
        }
        return SchemeResult(metrics: metrics, curves: curves)
    }
}
