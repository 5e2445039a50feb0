import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics
import SymLabTraining

/// The mean-field two-layer network of the staircase experiments (Abbe, Boix-Adserà, Misiakiewicz
/// 2022, 2023), f(x) = (1/N)·Σ_j a_j relu(w_j·x/√d + b_j), with W and a of N(0, 1) entries and
/// b ~ N(0, σ_b²), and its full gradient in closed form.
///
/// Why the 1/N readout: it keeps the network in the feature-learning (mean-field) regime, where
/// SGD learns the support one coordinate at a time; with lr = c·N every neuron moves O(c) per step
/// whatever N is. Why random biases: on ±1 inputs a bias-free ReLU unit has no odd Fourier
/// component of degree ≥ 3 at init, so x₁x₂x₃ would start from an exact saddle. Why closed form:
/// online SGD takes 10⁴–10⁵ small steps, each two gemms; the gradient is checked against central
/// differences in the tests.
public struct MeanFieldNetwork: Sendable {
    /// [N, d], one neuron per row.
    public var weights: Tensor<Double>
    public var biases: Tensor<Double>
    public var readout: Tensor<Double>

    public init(weights: Tensor<Double>, biases: Tensor<Double>, readout: Tensor<Double>) {
        precondition(weights.rank == 2 && biases.shape == [weights.shape[0]] && readout.shape == [weights.shape[0]],
                     "MeanFieldNetwork: weights \(weights.shape), biases \(biases.shape), readout \(readout.shape) must be [N, d], [N], [N]")
        self.weights = weights; self.biases = biases; self.readout = readout
    }

    public init(width: Int, inputDimension d: Int, biasStd: Double, rng: inout RandomStream) {
        self.init(weights: rng.normal([width, d]), biases: rng.normal([width], std: biasStd), readout: rng.normal([width]))
    }

    public var width: Int { weights.shape[0] }
    public var inputDimension: Int { weights.shape[1] }

    /// w_j·x/√d + b_j, [B, N].
    public func preactivations(_ x: Tensor<Double>) -> Tensor<Double> {
        Tensor.matmul(x, weights, transposeB: true).scaled(by: 1 / Double(inputDimension).squareRoot()) + biases
    }

    public func predict(_ x: Tensor<Double>) -> Tensor<Double> {
        Tensor.matvec(preactivations(x).map(.relu), readout).scaled(by: 1 / Double(width))
    }

    /// Gradients of L = (1/2B)·Σ_i (f(x_i) − y_i)² with respect to W, b and a, and L.
    /// With r = f − y, H = relu(P), D_ij = 1[P_ij > 0]·r_i·a_j/(B·N):
    /// ∇_a = Hᵀr/(B·N), ∇_b = Σ_i D_i·, ∇_W = DᵀX/√d.
    public func gradients(_ x: Tensor<Double>, labels y: Tensor<Double>) -> (weights: Tensor<Double>, biases: Tensor<Double>, readout: Tensor<Double>, loss: Double) {
        let b = x.shape[0], n = width
        let p = preactivations(x)
        let h = p.map(.relu)
        let r = Tensor.matvec(h, readout).scaled(by: 1 / Double(n)) - y
        let scale = 1 / (Double(Swift.max(b, 1)) * Double(n))
        let gA = Tensor.matvec(h, r, transpose: true).scaled(by: scale)
        let dm = Tensor<Double>(uninitializedShape: [b, n])
        p.withUnsafePointer { pp in r.withUnsafePointer { rp in readout.withUnsafePointer { a in dm.withSharedMutablePointer { dp in
            for i in 0..<b {
                let ri = rp[i] * scale
                for j in 0..<n { dp[i * n + j] = pp[i * n + j] > 0 ? ri * a[j] : 0 }
            }
        } } } }
        let gW = Tensor.matmul(dm, x, transposeA: true).scaled(by: 1 / Double(inputDimension).squareRoot())
        let gB = dm.sum(axes: [0])
        return (gW, gB, gA, 0.5 * Tensor.dot(r, r) / Double(Swift.max(b, 1)))
    }

    /// One SGD step with step size `lr` on every parameter; returns the minibatch loss before it.
    @discardableResult
    public mutating func sgdStep(_ x: Tensor<Double>, labels y: Tensor<Double>, lr: Double) -> Double {
        let g = gradients(x, labels: y)
        weights.add(g.weights, scaledBy: -lr)
        biases.add(g.biases, scaledBy: -lr)
        readout.add(g.readout, scaledBy: -lr)
        return g.loss
    }
}

/// Abbe et al.'s experiment as a scheme: the mean-field two-layer network trained by online
/// minibatch SGD (fresh samples every step) on a `staircase` target, with the test loss and the
/// network's Fourier coefficient on each monomial S_j of the target recorded at ~40 log-spaced
/// sample counts. A merged-staircase target (x₁ + x₁x₂ + x₁x₂x₃) is picked up one monomial at a
/// time; a leap-3 parity (x₁x₂x₃) sits on a plateau with every coefficient ≈ 0, then jumps.
///
/// Metrics: `samples_to_loss` (the first recorded sample count with normalised test loss ≤
/// `tau`, interpolated in log samples; absent if never), `samples_to_monomial_j` (Fourier
/// coefficient on S_j reaching half its target value 1/√T), the final loss and coefficients.
/// Curves (step = samples seen): split "test", metrics "loss_normalized" and "coefficient_j"
/// (the coefficient divided by 1/√T, so 1 means learned).
public struct StaircaseSGDScheme: TrainingScheme {
    public static let schemeName = "staircase-sgd"
    public static let summary = "Abbe et al.: mean-field 2-layer ReLU network, online SGD on fresh ±1 samples; test loss and Fourier coefficients per monomial vs samples"
    public static let optionDocs = [
        OptionDoc("width", "256", "hidden neurons N"),
        OptionDoc("batch", "16", "fresh samples per SGD step"),
        OptionDoc("lr_scale", "0.25", "c in the step size c·N (each neuron moves O(c) per step)"),
        OptionDoc("bias_std", "0.5", "standard deviation of the initial hidden biases"),
        OptionDoc("max_samples", "0", "sample budget (0: 4000·d)"),
        OptionDoc("tau", "0.1", "normalised test loss that counts as learned"),
        OptionDoc("stop_loss", "0.01", "stop once the normalised test loss is below this (0: never)"),
    ]
    public let width: Int, batch: Int, lrScale: Double, biasStd: Double, maxSamples: Int, tau: Double, stopLoss: Double

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        width = try o.int("width", default: 256, range: 1...100_000)
        batch = try o.int("batch", default: 16, range: 1...100_000)
        lrScale = try o.double("lr_scale", default: 0.25, in: .positive)
        biasStd = try o.double("bias_std", default: 0.5, in: .nonNegative)
        maxSamples = try o.int("max_samples", default: 0, range: 0...1_000_000_000)
        tau = try o.double("tau", default: 0.1, in: Interval(0, 1, lowerOpen: true))
        stopLoss = try o.double("stop_loss", default: 0.01, in: Interval(0, 1))
        try o.finish()
    }

    /// The first sample count at which `values` reach `level` (≤ level if `decreasing`, else ≥),
    /// interpolated linearly in log(samples) between the recorded point and the one before; nil
    /// if never. The estimator behind every "samples to …" metric of the staircase figure.
    public static func firstCrossing(samples: [Double], values: [Double], level: Double, decreasing: Bool) -> Double? {
        precondition(samples.count == values.count, "firstCrossing: \(samples.count) sample counts, \(values.count) values")
        func reached(_ v: Double) -> Bool { v.isFinite && (decreasing ? v <= level : v >= level) }
        for i in samples.indices where reached(values[i]) {
            guard i > 0, samples[i - 1] > 0, values[i - 1].isFinite, values[i - 1] != values[i] else { return samples[i] }
            let t = (values[i - 1] - level) / (values[i - 1] - values[i])
            return Foundation.exp(Foundation.log(samples[i - 1]) + t * (Foundation.log(samples[i]) - Foundation.log(samples[i - 1])))
        }
        return nil
    }

    /// The width × d network and its gradient; the test split's hidden layer ([n_test, width],
    /// pre-activations and activations) at every evaluation, one chunk of fresh samples and one
    /// batch's hidden layer.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let d = run.vectorDimension else { return .failsAtStart }
        let chunkSamples = saturatingProduct([Swift.max(1, 8192 / batch), batch])
        return SchemeMemory(networkNumbers: saturatingProduct([saturatingSum([d, 2]), width, 2]),
                            workingNumbers: saturatingSum([saturatingProduct([run.nTest, width, 2]), run.sampleNumbers(chunkSamples, dimension: d),
                                                           saturatingProduct([batch, width, 3])]))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        guard let t = c.target as? MonomialSumTarget, !t.monomials.isEmpty else {
            throw SchemeError.unsupportedData(scheme: name, reason: "needs a sum of monomials on {±1}^d (class staircase), got class \(c.functionClass.name)")
        }
        let d = t.n
        let xt = try c.matrix(c.test, scheme: name), yt = c.test.labels
        let variance = populationVariance(yt)
        guard variance > 0 else { throw SchemeError.failed(scheme: name, reason: "the test labels are constant (n_test = \(yt.count))") }
        let target = 1 / Double(t.monomials.count).squareRoot()
        let budget = maxSamples > 0 ? maxSamples : 4000 * d
        let steps = Swift.max(budget / batch, 1)
        let record = OnlineSGD.recordingSteps(maxSteps: steps)
        var rng = c.rng.substream(.initialisation)
        var net = MeanFieldNetwork(width: width, inputDimension: d, biasStd: biasStd, rng: &rng)
        let lr = lrScale * Double(width)

        var samples: [Double] = [], losses: [Double] = [], coefficients: [[Double]] = t.monomials.map { _ in [] }
        var curves: [CurvePoint] = []
        func evaluate(_ step: Int) -> Double {
            let f = net.predict(xt)
            let loss = meanSquaredError(f, yt) / variance
            let seen = step * batch
            samples.append(Double(seen)); losses.append(loss)
            curves.append(CurvePoint(step: seen, split: "test", metric: "loss_normalized", value: loss))
            for (j, s) in t.monomials.enumerated() {
                let v = MonomialSumTarget.fourier(f, xt, s) / target
                coefficients[j].append(v)
                curves.append(CurvePoint(step: seen, split: "test", metric: "coefficient_\(j + 1)", value: v))
            }
            return loss
        }

        // Fresh samples in chunks from data streams 1000, 1001, … (same seed → same sequence).
        let chunkSteps = Swift.max(1, 8192 / batch)
        var chunk: (x: Tensor<Double>, y: Tensor<Double>)? = nil
        var status = RunStatus.done, message: String? = nil
        var loss = evaluate(0), step = 0
        while step < steps {
            if c.shouldStop { status = .interrupted; message = "stopped after \(step * batch) samples on request"; break }
            let k = step % chunkSteps
            if k == 0 {
                let s = c.freshSamples(chunkSteps * batch, stream: 1000 + UInt64(step / chunkSteps))
                chunk = (try c.matrix(s, scheme: name), s.labels)
            }
            let rows = (k * batch)..<((k + 1) * batch)
            let xb = chunk!.x.rows(rows), yb = chunk!.y.rows(rows)
            let l = net.sgdStep(xb, labels: yb, lr: lr)
            step += 1
            guard l.isFinite, net.weights.scalars.allSatisfy(\.isFinite) else {
                return SchemeResult(metrics: ["samples_seen": Double(step * batch)], curves: curves, status: .diverged,
                                    message: "online SGD diverged after \(step * batch) samples (lr = \(lr))")
            }
            if record.contains(step) || step == steps {
                loss = evaluate(step)
                if stopLoss > 0 && loss <= stopLoss { break }
            }
        }
        var metrics: [String: Double] = [
            "d": Double(d), "leap": Double(StaircaseClass.leap(t.monomials)), "monomials": Double(t.monomials.count),
            "samples_seen": Double(step * batch), "learning_rate": lr, SchemeMetric.testLossNormalized: loss,
            "learned": losses.contains { $0 <= tau } ? 1 : 0,
        ]
        if let s = Self.firstCrossing(samples: samples, values: losses, level: tau, decreasing: true) { metrics["samples_to_loss"] = s }
        for j in t.monomials.indices {
            metrics["coefficient_\(j + 1)"] = coefficients[j].last ?? .nan
            if let s = Self.firstCrossing(samples: samples, values: coefficients[j], level: 0.5, decreasing: false) {
                metrics["samples_to_monomial_\(j + 1)"] = s
            }
        }
        return SchemeResult(metrics: metrics, curves: curves, status: status, message: message)
    }
}
