import Foundation
import SymLabAutodiff
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim
import SymLabTraining

/// Set by SIGINT, SIGTERM or SIGUSR1 (Slurm's `--signal=USR1@60`): the running trainer stops at
/// its next step, its run is recorded as `interrupted`, and the process exits cleanly.
public enum StopRequest {
    /// 0, or the number of the signal that asked for the stop (so the exit message can name it).
    nonisolated(unsafe) public static var requested: sig_atomic_t = 0

    /// Installs the handlers and unblocks the three signals in the calling thread (call it from
    /// the main thread). A process inherits the signal mask of the thread that spawned it, and
    /// some launchers block these signals there (libdispatch's worker threads block all
    /// asynchronous signals; Swift Testing launches from them): a SIGTERM sent to such a process
    /// stayed pending and the sweep ran on to its end. Threads started later inherit the mask.
    public static func installHandlers() {
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        for s in [SIGINT, SIGTERM, SIGUSR1] {
            signal(s) { StopRequest.requested = $0 }
            sigaddset(&stopSignals, s)
        }
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    }

    /// "SIGTERM" for SIGTERM, and so on, for messages.
    public static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGUSR1: "SIGUSR1"
        default: "signal \(signal)"
        }
    }
}

/// Writes a run's curves to the store as they are computed.
final class StoreObserver: TrainingObserver {
    let store: ResultsStore
    let runID: String
    var stepsCompleted = 0
    var writeError: Error?

    init(store: ResultsStore, runID: String) { self.store = store; self.runID = runID }

    func record(_ points: [CurvePoint]) {
        guard writeError == nil else { return }
        stepsCompleted = points.map(\.step).max() ?? stepsCompleted
        do {
            try store.appendCurves(runID: runID, points, stepsCompleted: stepsCompleted)
            FaultPoint.afterCurves.reached()
        } catch { writeError = error }
    }

    var shouldStop: Bool { StopRequest.requested != 0 || writeError != nil }

    func saveCheckpoint(_ checkpoint: TrainingCheckpoint) {
        guard writeError == nil else { return }
        do {
            try store.saveCheckpoint(runID: runID, checkpoint)
            FaultPoint.afterCheckpoint.reached()
        } catch { writeError = error }
    }
}

/// Executes one claimed run: builds its data, model and optimizer from the stored config, trains,
/// and records the outcome. Any error becomes status `failed` with its message; nothing already
/// saved is touched.
///
/// Randomness: the data come from `(seed)` (points that share a data config see the same data,
/// so comparisons between models are paired); initialisation, batch order and the learning-rate
/// factor come from `(seed, point id)`, so no two points share them.
public enum RunExecutor {
    /// `blasThreads` overrides the run's `threads:` (a Slurm task uses its CPU count).
    public static func execute(_ run: RunRecord, store: ResultsStore, showProgress: Bool = false, blasThreads: Int? = nil) -> RunStatus {
        let outcome: (RunStatus, String?, [String: Double], Int?, Int?, Double?)
        do {
            let config = try RunConfig(tree: SpecValue.fromJSON(run.configJSON), file: "run \(run.id)")
            BLAS.setThreads(blasThreads ?? config.threads)
            let observer = StoreObserver(store: store, runID: run.id)
            switch config.kind {
            case .scheme(let scheme):
                let r = try runScheme(scheme, config: config, run: run, observer: observer)
                var status = r.status, message = r.message
                if let e = observer.writeError { status = .failed; message = "could not write results: \(e)" }
                outcome = (status, message, r.metrics, r.steps, nil, nil)
            case .training(let setup):
                let result: TrainingResult
                switch config.precision {
                case .f32: result = try train(Float.self, setup, config: config, run: run, observer: observer, showProgress: showProgress)
                case .f64: result = try train(Double.self, setup, config: config, run: run, observer: observer, showProgress: showProgress)
                }
                var status = result.status
                var message = result.message
                if let e = observer.writeError {
                    status = .failed
                    message = "could not write results: \(e)"
                }
                outcome = (status, message, result.metrics, result.stepsCompleted, result.divergedAtStep, result.lastFiniteLoss)
            }
        } catch {
            outcome = (.failed, "\(error)", [:], nil, nil, nil)
        }
        FaultPoint.beforeFinish.reached()
        do {
            try store.finish(runID: run.id, status: outcome.0, message: outcome.1, metrics: outcome.2,
                             stepsCompleted: outcome.3, divergedStep: outcome.4, lastFiniteLoss: outcome.5)
        } catch {
            writeToStandardError("symlab: could not record the end of run \(run.id): \(error)\n")
            return .failed
        }
        return outcome.0
    }

    static func train<S: TensorScalar>(_: S.Type, _ setup: TrainingSetup, config: RunConfig, run: RunRecord, observer: StoreObserver,
                                       showProgress: Bool) throws -> TrainingResult {
        let functionClass = try FunctionClassRegistry.make(config.dataClass, options: config.dataOptions)
        let splits = functionClass.splits(nTrain: config.nTrain, nVal: config.nValidation, nTest: config.nTest,
                                          seed: UInt64(run.seed), as: S.self)
        let data = TrainingData(splits)
        let root = runRoot(run)
        var initRNG = root.substream(.initialisation), factorRNG = root.substream(.learningRateFactor)
        let model = try ModelRegistry.make(setup.modelName, options: setup.modelOptions,
                                           input: InputDescription(data.train.inputs), rng: &initRNG, as: S.self)
        var lr = setup.optimizer.learningRate
        if let range = setup.optimizer.learningRateLogUniformFactor {
            lr *= Foundation.exp(factorRNG.uniform(Foundation.log(range.lowerBound), Foundation.log(range.upperBound)))
        }
        let optimizer = Optimizer<S>(setup.optimizer.rule, learningRate: lr, weightDecay: setup.optimizer.weightDecay,
                                     schedule: setup.optimizer.learningRateSchedule(totalSteps: setup.training.steps))
        var training = setup.training
        training.threads = BLAS.threads   // the run's thread count, set by execute: shards the batch
        let trainer = Trainer(model: model, optimizer: optimizer, config: training, batchOrder: root.substream(.batchOrder),
                              showProgress: showProgress)
        // An earlier attempt's checkpoint: the model, optimizer and batch order were built exactly
        // as then, and the checkpoint puts back where they were.
        var resume = try observer.store.checkpoint(runID: run.id)
        var note: String? = nil
        if let c = resume, c.precision != S.precisionName || c.parameters.count != model.parameters.count * MemoryLayout<S>.stride {
            note = "\(CheckpointMismatch(reason: "it holds \(c.precision) parameters of another size than this \(S.precisionName) model's \(model.parameters.count)")); trained from step 0"
            resume = nil
        }
        var result = trainer.train(data, observer: observer, resumingFrom: resume)
        if let c = resume { note = "resumed from the checkpoint at step \(c.step)" }
        if setup.saveWeights, result.status == .done {
            let file = weightsFile(run, databasePath: observer.store.path)
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try weights(model.parameters, run: run).write(to: file)
            note = [note, "weights saved to \(file)"].compactMap { $0 }.joined(separator: "; ")
        }
        if let note { result.message = [note, result.message].compactMap { $0 }.joined(separator: "; ") }
        result.metrics["learning_rate"] = lr
        result.metrics["parameters"] = Double(model.parameters.count)
        result.metrics["train_label_variance"] = trainer.targetVariance(data.train)
        return result
    }

    /// Where `training.save_weights` puts a run's parameters: `weights/RUN_ID.npz` beside the
    /// results database (run ids are hex and `-s`, safe as file names).
    public static func weightsFile(_ run: RunRecord, databasePath: String) -> String {
        ((databasePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("weights/\(run.id).npz")
    }

    /// The parameters as an .npz: one float64 array per parameter under the model's own name
    /// (`layer0.weight`, …, in the store's order, f32 widened exactly), and `run` (JSON: run id,
    /// experiment, seed, config as written) so a file found alone says what produced it.
    static func weights<S: TensorScalar>(_ store: ParameterStore<S>, run: RunRecord) -> NPZWriter {
        var w = NPZWriter()
        let flat = store.flatValues.scalars
        for e in store.entries {
            w.add(e.name, .float64(flat[e.offset..<(e.offset + e.count)].map { Double($0) }, shape: e.shape))
        }
        w.add("run", .text("{\"id\": \(jsonQuote(run.id)), \"experiment\": \(jsonQuote(run.experiment)), \"seed\": \(run.seed), \"config\": \(run.configJSON)}"))
        return w
    }

    /// The root of a run's own randomness (initialisation, batch order, learning-rate factor, a
    /// scheme's stream): its seed and its point, so that no two points share it.
    static func runRoot(_ run: RunRecord) -> RandomStream {
        RandomStream(seed: UInt64(run.seed), stream: UInt64(run.pointID, radix: 16) ?? 0)
    }

    /// A feature-learning scheme as a sweep point: the data of `FunctionClass.splits(seed:)` (so
    /// schemes and the hardness path see the same data for the same seed), the scheme's own
    /// randomness from `(seed, point id)`, its curves and metrics into the store.
    static func runScheme(_ spec: SchemeConfig, config: RunConfig, run: RunRecord, observer: StoreObserver) throws
        -> (status: RunStatus, message: String?, metrics: [String: Double], steps: Int) {
        let functionClass = try FunctionClassRegistry.make(config.dataClass, options: config.dataOptions)
        let scheme = try SchemeRegistry.make(spec.name, options: spec.options)
        let context = SchemeContext.make(functionClass, nTrain: config.nTrain, nValidation: config.nValidation, nTest: config.nTest,
                                         seed: UInt64(run.seed), rng: runRoot(run).substream(.scheme), observer: observer)
        let outcome = try scheme.run(context)
        if !outcome.curves.isEmpty { observer.record(outcome.curves) }
        var metrics = outcome.metrics
        metrics["train_label_variance"] = context.train.labelMoments.variance
        let steps = outcome.curves.map(\.step).max() ?? 0
        var status = outcome.status, message = outcome.message
        let bad = metrics.filter { !$0.value.isFinite }.map(\.key).sorted()
        if status == .done, !bad.isEmpty {
            // Figures list such runs instead of averaging them in.
            status = .diverged
            message = "scheme \(spec.name) produced non-finite metrics: \(bad.joined(separator: ", "))"
        }
        return (status, message, metrics, Swift.max(steps, observer.stepsCompleted))
    }
}
