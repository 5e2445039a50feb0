import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabTraining

/// Refinetti & Goldt (ICML 2022): a shallow autoencoder with K hidden units trained by online
/// SGD (batch 1, a fresh sample every step) on `spiked-wishart` inputs, its test reconstruction
/// error recorded against t = steps/D, and — for untied networks without biases — the reduced
/// ODE (``AutoencoderODE``) integrated from the run's own initial weights beside it.
///
/// The test error is the exact population error ½E‖x − x̂‖²/D from the order parameters where a
/// closed form exists (no biases: erf, ReLU, identity, tied or untied), and otherwise the mean
/// loss on the spec's test split (a fixed Monte-Carlo sample, the authors' 10⁴ points). The
/// spec's training split is not used: samples are fresh, drawn by ``OnlineTrainer`` (data streams
/// 1000, 1001, …, so the same seed sees the same sample sequence in every variant).
public struct OnlineAutoencoderScheme: TrainingScheme {
    public static let schemeName = "online-autoencoder"
    public static let summary = "Refinetti & Goldt: online SGD of a shallow autoencoder (tied/untied, hidden/output bias) on spiked-Wishart inputs; test error vs t = steps/D, with the reduced ODE for untied networks without bias"
    public static let activations = ["erf", "relu", "identity"]
    public static let optionDocs = [
        OptionDoc("k", "2", "hidden units K (1...16)"),
        OptionDoc("activation", "erf", "erf (erf(z/√2)), relu or identity: the activations with closed-form Gaussian integrals"),
        OptionDoc("tied", "false", "decoder = encoder (x̂ = Σ_k w_k g(λ_k)), one learning rate η"),
        OptionDoc("hidden_bias", "false", "a trained bias β_k on each pre-activation (learning rate η/D)"),
        OptionDoc("hidden_bias_init", "0.5", "β_k at the start (with hidden_bias)"),
        OptionDoc("output_bias", "false", "a trained output bias c ∈ R^D, starting at 0 (learning rate η)"),
        OptionDoc("lr", "0.1", "η: encoder η/D, decoder η per step (the authors' scaling)"),
        OptionDoc("init", "0.1", "standard deviation of every initial weight"),
        OptionDoc("t_max", "500", "training time in units of D steps (steps = t_max·D)"),
        OptionDoc("per_decade", "12", "recording times per decade of t, log-spaced from t = 0.01 (plus t = 0 and t_max)"),
        OptionDoc("ode", "true", "integrate the reduced ODE beside the run (untied, no bias only)"),
        OptionDoc("ode_step", "0.01", "RK4 step of the ODE in t"),
        OptionDoc("chunk", "1000", "fresh samples drawn at a time"),
    ]
    public let k: Int, activation: Activation, tied: Bool, hiddenBias: Bool, hiddenBiasInit: Double, outputBias: Bool
    public let lr: Double, initScale: Double, tMax: Double, perDecade: Int, ode: Bool, odeStep: Double, chunk: Int

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        k = try o.int("k", default: 2, range: 1...16)
        activation = Activation(rawValue: try o.choice("activation", default: "erf", among: Self.activations))!
        tied = try o.bool("tied", default: false)
        hiddenBias = try o.bool("hidden_bias", default: false)
        hiddenBiasInit = try o.double("hidden_bias_init", default: 0.5, in: Interval(-100, 100))
        outputBias = try o.bool("output_bias", default: false)
        lr = try o.double("lr", default: 0.1, in: .positive)
        initScale = try o.double("init", default: 0.1, in: .positive)
        tMax = try o.double("t_max", default: 500, in: Interval(0, 1e6, lowerOpen: true))
        perDecade = try o.int("per_decade", default: 12, range: 1...1000)
        ode = try o.bool("ode", default: true)
        odeStep = try o.double("ode_step", default: 0.01, in: Interval(0, 1, lowerOpen: true))
        chunk = try o.int("chunk", default: 1000, range: 1...1_000_000)
        try o.finish()
    }

    /// Without biases the population error has a closed form in the order parameters.
    public var exactTestError: Bool { !hiddenBias && !outputBias }
    /// The ODE covers untied networks without biases.
    public var hasODE: Bool { ode && exactTestError && !tied }

    /// Encoder, decoder, biases; one chunk of fresh samples and, without a closed-form error, the test split.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let d = run.vectorDimension else { return .failsAtStart }
        return SchemeMemory(networkNumbers: saturatingSum([saturatingProduct([2 * k, d]), d, k]),
                            workingNumbers: saturatingSum([run.sampleNumbers(chunk, dimension: d), d]))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        guard let target = c.target as? SpikedWishartTarget else {
            throw SchemeError.unsupportedData(scheme: name, reason: "needs spiked-Wishart inputs (class spiked-wishart), got class \(c.functionClass.name)")
        }
        let d = target.d
        let testInputs: Tensor<Double>? = exactTestError ? nil : try c.matrix(c.test, scheme: name)
        if let x = testInputs, x.shape[0] == 0 {
            throw SchemeError.unsupportedData(scheme: name, reason: "a network with a bias has no closed-form test error: give the spec a test split (n_test > 0)")
        }
        var rng = c.rng.substream(.initialisation)
        var net = Autoencoder.random(activation: activation, k: k, d: d, tied: tied, scale: initScale,
                                     hiddenBias: hiddenBias ? hiddenBiasInit : nil, outputBias: outputBias, rng: &rng)
        func testError() -> Double {
            if let x = testInputs { return net.meanLoss(x) }
            return net.overlaps(with: target).populationError(activation, meanVariance: target.meanVariance)
        }
        let trainer = OnlineTrainer(dimension: d, schedule: [.init(task: 0, steps: Int((tMax * Double(d)).rounded()))], chunk: chunk)
        let rates = tied ? Autoencoder.LearningRates(encoder: lr, decoder: lr, hiddenBias: lr / Double(d), outputBias: lr)
                         : Autoencoder.LearningRates.scaled(lr, d: d)
        let initialState = hasODE ? AutoencoderODE.initialState(of: net, target: target) : nil
        var curve: [(step: Int, error: Double)] = []
        var scratch = [Double](repeating: 0, count: d)
        let outcome = try scratch.withUnsafeMutableBufferPointer { sp in
            try trainer.run(recordAt: trainer.recordingSteps(fromTime: 0.01, perDecade: perDecade),
                            draw: { stream, count in try c.matrix(c.freshSamples(count, stream: stream), scheme: name).scalars },
                            step: { _, x in net.step(x.baseAddress!, rates: rates, scratch: sp.baseAddress!) },
                            record: { step, _ in curve.append((step, testError())) },
                            shouldStop: { c.shouldStop })
        }
        let step = outcome.stepsRun, stopped = outcome.interrupted, diverged = outcome.divergedAt != nil
        var curves = curve.map { CurvePoint(step: $0.step, split: "test", metric: "test_error", value: $0.error) }
        let final = curve.last!.error
        var metrics: [String: Double] = [
            "test_error": final, "initial_test_error": curve[0].error, "d": Double(d), "k": Double(k), "steps_run": Double(step),
            "t_run": Double(step) / Double(d), "exact_test_error": exactTestError ? 1 : 0, "spikes": Double(target.thetas.count),
        ]
        for m in 0...Swift.max(k, target.thetas.count) { metrics["pca_error_\(m)"] = target.pcaError(components: m) }
        if let beta = net.hiddenBias { metrics["hidden_bias_mean"] = beta.reduce(0, +) / Double(k) }
        if let s = initialState {
            let model = AutoencoderODE(activation: activation, target: target, learningRate: lr)
            let predicted = model.errors(from: s, times: curve.map { Double($0.step) / Double(d) }, maxStep: odeStep)
            curves += zip(curve, predicted).map { CurvePoint(step: $0.0.step, split: "test", metric: "ode_test_error", value: $0.1.error) }
            // The gap the figure checks: max over recorded t ≥ 1 of |sim − ODE|/ODE.
            var worst = 0.0, worstT = Double.nan
            for (point, p) in zip(curve, predicted) where p.t >= 1 {
                let gap = abs(point.error - p.error) / p.error
                if gap > worst || !gap.isFinite { worst = gap; worstT = p.t }
            }
            metrics["ode_max_gap"] = worst
            metrics["ode_max_gap_t"] = worstT
            metrics["ode_final_error"] = predicted.last?.error ?? .nan
            metrics["ode_points"] = Double(predicted.count)
        }
        if diverged || !final.isFinite {
            return SchemeResult(metrics: metrics, curves: curves, status: .diverged, message: "the loss diverged at step \(step) (η = \(lr))")
        }
        if stopped { return SchemeResult(metrics: metrics, curves: curves, status: .interrupted, message: "stopped at step \(step) on request") }
        return SchemeResult(metrics: metrics, curves: curves)
    }
}
