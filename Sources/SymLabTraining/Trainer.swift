import Foundation
import SymLabAutodiff
import SymLabModels
import SymLabNumerics
import SymLabOptim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The loss minimised during training.
public enum LossKind: String, Sendable, Codable, CaseIterable {
    /// Mean squared error.
    case mse
    /// Logistic loss for ±1 labels.
    case logistic
    /// Mean squared error of a vector output against the *input* (an autoencoder's
    /// reconstruction, ``Model/outputsPerSample`` = the input size): the labels are not used.
    case reconstruction
}

/// How to train: steps, batching, logging and stopping rules.
public struct TrainingConfig: Sendable, Equatable {
    /// Optimizer steps (an epoch of minibatches counts one step per batch).
    public var steps: Int
    /// Minibatch size; nil or ≥ N_train means full-batch gradient descent.
    public var batchSize: Int?
    /// Curves are evaluated every `evalEvery` steps (and at step 0 and the last step).
    public var evalEvery: Int
    /// Stop when validation MSE has not improved for this many evaluations (nil: never), and
    /// restore the best parameters.
    public var earlyStoppingPatience: Int?
    /// Stop at the first evaluation whose train MSE is ≤ this (nil: never): "train loss ≤ ε or the
    /// step budget", the rule of a figure that trains until the network fits (Kiani et al. Fig. 3
    /// trains its minimal networks to near machine precision). The run records which rule ended
    /// it (metric `stopped_by_train_mse`, 1 or 0) and where (`stop_step`), and says so in its message.
    public var stopTrainMSE: Double?
    /// Record the 0-1 classification error (curves `error` on each split, final `train_error`,
    /// `validation_error`, `test_error`): the fraction of samples with f(x)·y ≤ 0, for ±1 labels.
    /// A classification claim ("zero training error", "90 % test accuracy") is about signs, which
    /// no MSE threshold states; off by default so that regression runs keep their curves.
    public var zeroOneError: Bool
    /// Stop at the first evaluation whose train 0-1 error is ≤ this (nil: never); implies
    /// ``zeroOneError``. The run records `stopped_by_train_error` and `stop_step`.
    public var stopTrainError: Double?
    public var loss: LossKind
    /// Threads a step may use for data-parallel shards of the batch (``BatchGradient``: one shard
    /// per thread while each keeps ≥ 64 samples). Results are reproducible per seed and this
    /// count; 1 (the default) is the plain step.
    public var threads: Int
    /// Save a ``TrainingCheckpoint`` through the observer at the first evaluation at least this
    /// many steps after the last one (nil: never). Checkpoints sit on evaluation steps, so the
    /// curves a resumed run keeps end exactly where it continues.
    public var checkpointEvery: Int?

    public init(steps: Int, batchSize: Int? = nil, evalEvery: Int = 50, earlyStoppingPatience: Int? = nil, stopTrainMSE: Double? = nil,
                zeroOneError: Bool = false, stopTrainError: Double? = nil,
                loss: LossKind = .mse, threads: Int = 1, checkpointEvery: Int? = nil) {
        self.steps = steps; self.batchSize = batchSize; self.evalEvery = evalEvery
        self.earlyStoppingPatience = earlyStoppingPatience; self.stopTrainMSE = stopTrainMSE
        self.zeroOneError = zeroOneError || stopTrainError != nil; self.stopTrainError = stopTrainError
        self.loss = loss; self.threads = threads
        self.checkpointEvery = checkpointEvery
    }
}

/// What a training run ended with.
public struct TrainingResult: Sendable {
    public var status: RunStatus
    public var stepsCompleted: Int
    /// Step at which the loss or the parameters stopped being finite.
    public var divergedAtStep: Int?
    public var lastFiniteLoss: Double?
    public var message: String?
    /// Final metrics: train_mse, validation_mse, test_mse, label_variance, test_mse_normalized, …
    public var metrics: [String: Double]
}

/// Receives curve points as they are computed (so that an interrupted run keeps its curves) and
/// may ask the trainer to stop (a signal, a time limit).
public protocol TrainingObserver: AnyObject {
    func record(_ points: [CurvePoint])
    var shouldStop: Bool { get }
    /// Keeps a checkpoint (``TrainingConfig/checkpointEvery``), replacing the previous one.
    func saveCheckpoint(_ checkpoint: TrainingCheckpoint)
}

extension TrainingObserver {
    public func saveCheckpoint(_ checkpoint: TrainingCheckpoint) {}
}

/// Full-batch gradient descent or minibatch SGD for any ``Model`` and loss, with a divergence
/// guard: a non-finite loss, gradient or parameter ends the run with status `diverged`, the step
/// and the last finite loss — never a crash and never a silent NaN in the results.
public final class Trainer<S: TensorScalar> {
    public let model: any Model<S>
    public let optimizer: Optimizer<S>
    public let config: TrainingConfig
    private var batchRNG: RandomStream
    /// Draws a progress bar on stderr when stderr is a terminal.
    public var showProgress: Bool

    public init(model: any Model<S>, optimizer: Optimizer<S>, config: TrainingConfig, batchOrder: RandomStream,
                showProgress: Bool = isatty(2) != 0) {
        self.model = model; self.optimizer = optimizer; self.config = config
        self.batchRNG = batchOrder; self.showProgress = showProgress
    }

    /// Mean squared error of the model's predictions on `set` (no gradients), per output: for
    /// `reconstruction`, the mean over samples and coordinates of (x̂ − x)².
    public func meanSquaredError(_ set: LabelledSet<S>) -> Double {
        guard set.count > 0 else { return .nan }
        let pred = model.predict(set.inputs)
        let diff = pred - config.loss.target(set, shape: pred.shape)
        return Double(Tensor.dot(diff, diff)) / Double(diff.count)
    }

    /// The variance the test MSE is normalised by: of the labels, or for `reconstruction` of the
    /// input coordinates (mean over coordinates), so `test_mse_normalized` is the fraction of the
    /// input's variance the reconstruction misses.
    public func targetVariance(_ set: LabelledSet<S>) -> Double {
        config.loss == .reconstruction ? set.inputVariance : set.labelVariance
    }

    /// Fraction of `set` with prediction·label ≤ 0 (a zero prediction is an error: it picks no
    /// sign, and a coupled network starts at f ≡ 0). NaN on an empty set, as the MSE.
    public func zeroOneError(_ set: LabelledSet<S>) -> Double {
        guard set.count > 0 else { return .nan }
        let pred = model.predict(set.inputs).scalars, labels = set.labels.scalars
        var wrong = 0
        for i in 0..<set.count where !(Double(pred[i]) * Double(labels[i]) > 0) { wrong += 1 }
        return Double(wrong) / Double(set.count)
    }

    /// Trains from the model's current parameters, or — given `checkpoint` — continues a run from
    /// the step it was taken at, bit for bit as the uninterrupted run (the model, optimizer and
    /// batch-order stream must be built as for that run; the checkpoint puts back their state).
    public func train(_ data: TrainingData<S>, observer: TrainingObserver? = nil, resumingFrom checkpoint: TrainingCheckpoint? = nil) -> TrainingResult {
        let store = model.parameters
        let n = data.train.count
        let batch = Swift.min(config.batchSize ?? n, n)
        var order: [Int] = []
        var cursor = n
        var lastFinite: Double? = nil
        var bestValidation = Double.infinity, bestSnapshot: Tensor<S>? = nil, sinceBest = 0
        var step = 0, lastCheckpoint = 0
        if let c = checkpoint {
            store.restore(TrainingCheckpoint.tensor(c.parameters, count: store.count)!)
            optimizer.restore(buffers: c.optimizerBuffers.map { TrainingCheckpoint.tensor($0, count: store.count)! }, groupSteps: c.optimizerGroupSteps)
            batchRNG = c.batchRNG; order = c.batchOrder; cursor = c.batchCursor
            lastFinite = c.lastFiniteLoss; bestValidation = c.bestValidation; sinceBest = c.sinceBest
            bestSnapshot = c.bestParameters.flatMap { TrainingCheckpoint.tensor($0, count: store.count) }
            step = c.step; lastCheckpoint = c.step
        }
        // With several threads a large enough batch runs data-parallel, one shard per thread.
        let shardCount = BatchGradient<S>.shardCount(batch: batch, threads: config.threads)
        let gradient = BatchGradient(model: model, loss: config.loss)
        defer { gradient.reset() }   // break Variable ↔ tape cycles so nothing outlives the run
        let fullBatchShards = batch == n ? data.train.shards(shardCount) : []
        var result = TrainingResult(status: .running, stepsCompleted: step, metrics: [:])
        let progress = showProgress ? ProgressBar(total: config.steps) : nil

        /// Records the curves at `step`; the rule that stops the run there, if any.
        func evaluate(_ step: Int, gradNorm: Double?) -> StopRule? {
            var points = [
                CurvePoint(step: step, split: "train", metric: "mse", value: meanSquaredError(data.train)),
                CurvePoint(step: step, split: "validation", metric: "mse", value: meanSquaredError(data.validation)),
                CurvePoint(step: step, split: "test", metric: "mse", value: meanSquaredError(data.test)),
            ]
            var trainError: Double? = nil
            if config.zeroOneError {
                trainError = zeroOneError(data.train)
                points += [
                    CurvePoint(step: step, split: "train", metric: "error", value: trainError!),
                    CurvePoint(step: step, split: "validation", metric: "error", value: zeroOneError(data.validation)),
                    CurvePoint(step: step, split: "test", metric: "error", value: zeroOneError(data.test)),
                ]
            }
            if let g = gradNorm { points.append(CurvePoint(step: step, split: "train", metric: "grad_norm", value: g)) }
            observer?.record(points)
            let v = points[1].value
            if v.isFinite && v < bestValidation {
                bestValidation = v; sinceBest = 0
                if config.earlyStoppingPatience != nil { bestSnapshot = store.snapshot() }
            } else { sinceBest += 1 }
            if let epsilon = config.stopTrainMSE, points[0].value <= epsilon { return .trainMSE(points[0].value) }
            if let epsilon = config.stopTrainError, let e = trainError, e <= epsilon { return .trainError(e) }
            if let patience = config.earlyStoppingPatience, sinceBest > patience { return .earlyStopping }
            return nil
        }
        /// Ends the run at `step` by `rule`: the message and the stop metrics say which rule and where.
        var stoppedBy: (rule: StopRule, step: Int)? = nil

        if !store.flatValues.isFinite {
            return diverged(&result, step: step, lastFinite: lastFinite, what: "\(checkpoint == nil ? "initial" : "checkpointed") parameters are not finite")
        }
        // A resumed run's evaluation at its checkpoint step is in the store already.
        if checkpoint == nil, let rule = evaluate(0, gradNorm: nil), rule.fitsTrainingSet { stoppedBy = (rule, 0) }
        /// The state after `step`'s evaluation, for ``TrainingObserver/saveCheckpoint(_:)``.
        func takeCheckpoint() -> TrainingCheckpoint {
            let saved = optimizer.savedState
            return TrainingCheckpoint(step: step, precision: S.precisionName, parameters: TrainingCheckpoint.bytes(store.flatValues),
                                      optimizerBuffers: saved.buffers.map(TrainingCheckpoint.bytes), optimizerGroupSteps: saved.groupSteps,
                                      batchRNG: batchRNG, batchOrder: order, batchCursor: cursor, lastFiniteLoss: lastFinite,
                                      bestValidation: bestValidation, sinceBest: sinceBest, bestParameters: bestSnapshot.map(TrainingCheckpoint.bytes))
        }
        while stoppedBy == nil && step < config.steps {
            if observer?.shouldStop == true {
                result.status = .interrupted
                result.message = "stopped at step \(step) on request"
                break
            }
            // The next minibatch (reshuffled each epoch) or the full batch, in its shards.
            let shards: [LabelledSet<S>]
            if batch == n {
                shards = fullBatchShards
            } else {
                if cursor + batch > n { order = batchRNG.permutation(n); cursor = 0 }
                shards = shardRanges(batch, shardCount).map { r in data.train.samples(at: Array(order[(cursor + r.lowerBound)..<(cursor + r.upperBound)])) }
                cursor += batch
            }
            let lossValue = gradient(shards)
            guard lossValue.isFinite else {
                return diverged(&result, step: step, lastFinite: lastFinite, what: "loss is \(lossValue)")
            }
            lastFinite = lossValue
            let grads = store.flatGradients
            let gradNorm = Double(grads.norm)
            guard gradNorm.isFinite else {
                return diverged(&result, step: step, lastFinite: lastFinite, what: "gradient is not finite")
            }
            optimizer.step(store)
            step += 1
            result.stepsCompleted = step
            guard store.flatValues.isFinite else {
                return diverged(&result, step: step, lastFinite: lastFinite, what: "parameters are not finite after the update")
            }
            progress?.update(step, loss: lossValue)
            if step % Swift.max(config.evalEvery, 1) == 0 || step == config.steps {
                if let rule = evaluate(step, gradNorm: gradNorm) { stoppedBy = (rule, step) }
                if let every = config.checkpointEvery, stoppedBy == nil, step < config.steps, step - lastCheckpoint >= every {
                    observer?.saveCheckpoint(takeCheckpoint())
                    lastCheckpoint = step
                }
            }
        }
        progress?.finish()
        switch stoppedBy {
        case (.earlyStopping, let at)?:
            result.message = "early stopping at step \(at): validation MSE did not improve for \(config.earlyStoppingPatience!) evaluations"
        case (.trainMSE(let mse), let at)?:
            result.message = "stopped at step \(at): train MSE \(mse) ≤ stop_train_mse \(config.stopTrainMSE!)"
        case (.trainError(let error), let at)?:
            result.message = "stopped at step \(at): train 0-1 error \(error) ≤ stop_train_error \(config.stopTrainError!)"
        case nil:
            if let epsilon = config.stopTrainMSE, result.status == .running {
                result.message = "step budget reached (step \(step)) before train MSE ≤ stop_train_mse \(epsilon)"
            } else if let epsilon = config.stopTrainError, result.status == .running {
                result.message = "step budget reached (step \(step)) before train 0-1 error ≤ stop_train_error \(epsilon)"
            }
        }
        if let best = bestSnapshot, config.earlyStoppingPatience != nil { store.restore(best) }
        if result.status == .running { result.status = .done }
        result.lastFiniteLoss = lastFinite
        result.metrics = finalMetrics(data)
        if config.stopTrainMSE != nil {
            if case (.trainMSE, _)? = stoppedBy { result.metrics["stopped_by_train_mse"] = 1 } else { result.metrics["stopped_by_train_mse"] = 0 }
            result.metrics["stop_step"] = Double(stoppedBy?.step ?? step)
        }
        if config.stopTrainError != nil {
            if case (.trainError, _)? = stoppedBy { result.metrics["stopped_by_train_error"] = 1 } else { result.metrics["stopped_by_train_error"] = 0 }
            result.metrics["stop_step"] = Double(stoppedBy?.step ?? step)
        }
        return result
    }

    private func diverged(_ result: inout TrainingResult, step: Int, lastFinite: Double?, what: String) -> TrainingResult {
        result.status = .diverged
        result.divergedAtStep = step
        result.lastFiniteLoss = lastFinite
        result.message = "diverged at step \(step): \(what)" + (lastFinite.map { "; last finite loss \($0)" } ?? "")
        return result
    }

    /// Final train/validation/test MSE and the test MSE normalised by the test label variance
    /// (and the 0-1 errors when ``TrainingConfig/zeroOneError`` is on).
    public func finalMetrics(_ data: TrainingData<S>) -> [String: Double] {
        let test = meanSquaredError(data.test)
        let variance = targetVariance(data.test)
        var metrics = [
            "train_mse": meanSquaredError(data.train),
            "validation_mse": meanSquaredError(data.validation),
            "test_mse": test,
            "label_variance": variance,
            "test_mse_normalized": variance > 0 ? test / variance : .nan,
        ]
        if config.zeroOneError {
            metrics["train_error"] = zeroOneError(data.train)
            metrics["validation_error"] = zeroOneError(data.validation)
            metrics["test_error"] = zeroOneError(data.test)
        }
        return metrics
    }
}

extension LossKind {
    /// What the predictions are compared with: the labels, or the inputs (reconstruction),
    /// shaped as the predictions.
    func target<S>(_ set: LabelledSet<S>, shape: [Int]) -> Tensor<S> {
        self == .reconstruction ? set.inputs.dense.reshaped(shape) : set.labels
    }
}

/// The rules that end a run before its step budget (besides divergence and interruption).
enum StopRule {
    /// Train MSE (the value recorded) ≤ ``TrainingConfig/stopTrainMSE``.
    case trainMSE(Double)
    /// Train 0-1 error (the value recorded) ≤ ``TrainingConfig/stopTrainError``.
    case trainError(Double)
    /// Validation MSE did not improve for ``TrainingConfig/earlyStoppingPatience`` evaluations.
    case earlyStopping

    /// A rule that says the network fits its training set: it may end a run at step 0 already
    /// (early stopping needs evaluations to compare).
    var fitsTrainingSet: Bool {
        switch self { case .trainMSE, .trainError: true; case .earlyStopping: false }
    }
}

/// A one-line progress bar on stderr (drawn only on a terminal: see ``Trainer``'s
/// `showProgress`): steps, rate, ETA and the loss to 4 significant digits.
final class ProgressBar {
    let total: Int
    private var lastDrawn = -1
    private let start = Date()
    init(total: Int) { self.total = Swift.max(total, 1) }

    func update(_ step: Int, loss: Double) {
        let percent = step * 100 / total
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
        let elapsed = Date().timeIntervalSince(start)
        var line = "\r\u{1B}[K[\(bar)] \(percent)% step \(step)/\(total) loss \(NumberFormat.significant(loss, 4))"
        if step > 0, elapsed > 0 {
            let rate = Double(step) / elapsed
            line += " · \(NumberFormat.significant(rate, 3)) steps/s · ETA \(Int((Double(total - step) / rate).rounded())) s"
        }
        writeToStandardError(line)
    }

    func finish() { writeToStandardError("\n") }
}

/// Writes to file descriptor 2 directly (the C `stderr` global is not concurrency-safe in Swift 6).
public func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
