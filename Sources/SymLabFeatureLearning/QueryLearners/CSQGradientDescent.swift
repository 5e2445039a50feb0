import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim
import SymLabTheory
import SymLabTraining

/// `csq-gd`: gradient descent on the square loss as a correlational statistical-query algorithm
/// (the hardness paper's Example 1; docs/statistical-queries.md §1 and §3).
///
/// For L(θ) = E[(f_θ(x) − y)²], ∇L = 2E[f ∇f] − 2E[y ∇f]. The first term does not involve the
/// labels and is computed exactly on the step's inputs; the second is asked of the CSQ oracle
/// (``StatisticalQueryOracle``), one query per parameter per step, so a run makes
/// steps × parameters queries at tolerance τ.
///
/// Normalisation (the oracle takes values in [−1, 1] only): on the step's N samples, the query for
/// parameter p is φ_p(x) = ∂_p f(x) / B_p with B_p = max_i |∂_p f(x_i)| (1 if that is 0), and the
/// labels are divided by Y = max_i |y_i|. The oracle answers a_p ≈ E[φ_p(x)·y/Y]; the learner uses
/// B_p·Y·a_p for E[y ∂_p f]. So τ is relative to the step's largest gradient entry and label — the
/// scale in which the SQ model states its bounds — and an answer within τ moves the gradient by up
/// to 2τ·B_p·Y. The bounds are the sample's own, read off exact per-sample gradients (one forward
/// and backward pass per sample), so every query value really is in [−1, 1].
///
/// With τ = 0 (any mode) this is plain gradient descent on the same batches, up to rounding. With
/// the adversarial oracle and τ above every normalised correlation, every answer is the null
/// answer 0 and the run is gradient descent on E[f²] alone: the labels never enter.
public struct CSQGradientDescentScheme: TrainingScheme {
    public static let schemeName = "csq-gd"
    public static let summary = "gradient descent on the square loss whose label term E[y·∇f] is asked of a CSQ oracle at tolerance τ (one query per parameter per step)"
    public static let optionDocs = [
        OptionDoc("model", "mlp", "registered model trained (any model of `symlab model --help`)"),
        OptionDoc("model.KEY", "", "an option KEY of the model (e.g. model.width=64)"),
        OptionDoc("widths", "64", "hidden widths of the mlp, when no model.width/model.widths/model.depth is given"),
        OptionDoc("tolerance", "0", "τ ≥ 0 of the oracle, relative to the normalised queries"),
        OptionDoc("oracle", "none", "none (empirical mean), random (± U(−τ, τ)) or adversarial (the null answer 0 when within τ)"),
        OptionDoc("steps", "200", "gradient steps"),
        OptionDoc("lr", "0.05", "learning rate of plain gradient descent on E[(f − y)²]"),
        OptionDoc("batch", "1000", "samples per step (0 with fresh=false: the whole training split)"),
        OptionDoc("fresh", "true", "true: every step draws new samples; false: batches from the training split"),
        OptionDoc("eval_every", "10", "steps between curve points"),
    ]
    public let model: String
    public let modelOptions: [String: String]
    public let tolerance: Double
    public let mode: StatisticalQueryOracle.Mode
    public let steps: Int, batch: Int, evalEvery: Int
    public let lr: Double
    public let fresh: Bool

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        model = try o.choice("model", default: "mlp", among: ModelRegistry.names)
        var m: [String: String] = [:]
        for key in options.keys.sorted() where key.hasPrefix("model.") { m[String(key.dropFirst(6))] = o.string(key) }
        let widths = o.string("widths") ?? "64"
        if model == "mlp" && m["width"] == nil && m["widths"] == nil && m["depth"] == nil { m["widths"] = widths }
        else if options["widths"] != nil { throw o.fail("widths", allowed: "absent when model.width, model.widths or model.depth is given, or for a model other than mlp", got: widths) }
        let known = try ModelRegistry.registry.member(named: model)
        for key in m.keys.sorted() where !known.optionDocs.map(\.key).contains(key) && !(known.takesBackboneOptions && key.hasPrefix("backbone.")) {
            throw o.fail("model." + key, allowed: "an option of model \(model) (\(known.optionDocs.map(\.key).joined(separator: ", ")))", got: m[key]!)
        }
        modelOptions = m
        tolerance = try o.double("tolerance", default: 0, in: .nonNegative)
        mode = StatisticalQueryOracle.Mode(rawValue: try o.choice("oracle", default: "none", among: StatisticalQueryOracle.Mode.allCases.map(\.rawValue)))!
        steps = try o.int("steps", default: 200, range: 1...10_000_000)
        lr = try o.double("lr", default: 0.05, in: .positive)
        batch = try o.int("batch", default: 1000, range: 0...10_000_000)
        fresh = try o.bool("fresh", default: true)
        if fresh && batch == 0 { throw o.fail("batch", allowed: "≥ 1 with fresh=true", got: "0") }
        evalEvery = try o.int("eval_every", default: 10, range: 1...10_000_000)
        try o.finish()
    }

    /// The network (values, gradient), the per-sample gradients of one step ([batch, parameters])
    /// and its samples, plus the forward pass of an evaluation over the largest split (counted
    /// together with the step: an over-estimate by at most the smaller of the two).
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard let size = try? ModelRegistry.architecture(model, options: modelOptions, input: run.input).size else { return .failsAtStart }
        let rows = stepSamples(trainCount: run.nTrain)
        let perSample: Int
        switch run.input {
        case .dense(let shape): perSample = saturatingSum([shape.reduce(1, *), 2])
        case .graphs(let nodes, let features): perSample = saturatingSum([saturatingProduct([nodes, saturatingSum([nodes, features])]), 2])
        }
        return SchemeMemory(networkNumbers: saturatingProduct([size.parameters, 3]),
                            workingNumbers: saturatingSum([saturatingProduct([rows, size.parameters]), saturatingProduct([rows, perSample]),
                                                           size.activationsPerSample,
                                                           saturatingProduct([Swift.max(run.nTrain, run.nTest), size.activationsPerSample])]))
    }

    /// Samples one step sees.
    func stepSamples(trainCount: Int) -> Int { fresh ? batch : (batch == 0 ? trainCount : Swift.min(batch, trainCount)) }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        var initRNG = c.rng.substream(.initialisation)
        let net: any Model<Double> = try ModelRegistry.make(model, options: modelOptions, input: InputDescription(c.train.inputs), rng: &initRNG)
        var oracle = try StatisticalQueryOracle(tolerance: tolerance, mode: mode, noise: c.rng.substream(.queryNoise))
        let optimizer = Optimizer<Double>(.sgd, learningRate: lr)
        let store = net.parameters
        let rows = stepSamples(trainCount: c.train.count)
        guard rows >= 1 else { throw SchemeError.unsupportedData(scheme: name, reason: "needs ≥ 1 training sample with fresh=false") }
        let test = LabelledSet(inputs: c.test.inputs, labels: c.test.cleanLabels)
        let train = LabelledSet(c.train)
        var batchRNG = c.rng.substream(.batchOrder)
        var permutation: [Int] = [], cursor = train.count   // the first step draws an order
        var nullAnswers = 0

        func mse(_ set: LabelledSet<Double>) -> Double {
            guard set.count > 0 else { return .nan }
            let d = net.predict(set.inputs) - set.labels
            return Tensor.dot(d, d) / Double(set.count)
        }
        func evaluate(_ step: Int) {
            c.observer?.record([CurvePoint(step: step, split: "train", metric: "mse", value: mse(train)),
                                CurvePoint(step: step, split: "test", metric: "mse", value: mse(test))])
        }

        evaluate(0)
        var status = RunStatus.done, message: String? = nil, done = 0
        for step in 0..<steps {
            if c.shouldStop { status = .interrupted; message = "stopped at step \(step) on request"; break }
            let samples: LabelledSet<Double>
            if fresh {
                samples = LabelledSet(c.freshSamples(rows, stream: 1000 + UInt64(step)))
            } else if rows == train.count {
                samples = train
            } else {
                if cursor + rows > train.count { permutation = batchRNG.permutation(train.count); cursor = 0 }
                samples = train.samples(at: Array(permutation[cursor..<(cursor + rows)]))
                cursor += rows
            }
            guard let answers = try CSQGradient.step(net, samples, oracle: &oracle) else {
                status = .diverged; message = "diverged at step \(step): a prediction or per-sample gradient is not finite"; break
            }
            if mode == .adversarial { nullAnswers += answers.nullAnswers }
            guard answers.gradient.allSatisfy(\.isFinite) else {
                status = .diverged; message = "diverged at step \(step): the gradient is not finite"; break
            }
            answers.gradient.withUnsafeBufferPointer { g in
                store.flatGradients.withSharedMutablePointer { p in for i in 0..<g.count { p[i] = g[i] } }
            }
            optimizer.step(store)
            done = step + 1
            guard store.flatValues.isFinite else { status = .diverged; message = "diverged at step \(done): parameters are not finite"; break }
            if done % evalEvery == 0 || done == steps { evaluate(done) }
        }
        let testMSE = mse(test), variance = test.labelVariance
        var metrics: [String: Double] = [
            SchemeMetric.testMSE: testMSE, SchemeMetric.trainMSE: mse(train), SchemeMetric.testLabelVariance: variance,
            SchemeMetric.testLossNormalized: variance > 0 ? testMSE / variance : .nan,
            "queries": Double(oracle.queries), "tolerance": tolerance, "parameters": Double(store.count),
            "largest_deviation": oracle.largestDeviation,
            "steps_run": Double(done), "samples_used": Double(fresh ? done * rows : train.count),
        ]
        if mode == .adversarial { metrics["null_answer_fraction"] = oracle.queries > 0 ? Double(nullAnswers) / Double(oracle.queries) : .nan }
        return SchemeResult(metrics: metrics, status: status, message: message)
    }
}

/// One step of ``CSQGradientDescentScheme``: the gradient of E[(f − y)²] with its label term from
/// the oracle. Separate so that the tests can compare it with the trainer's gradient.
enum CSQGradient {
    struct Step {
        /// 2(E[f ∇f] − B·Y·a), one entry per parameter.
        var gradient: [Double]
        /// Answers equal to the null answer 0 (the adversarial oracle hid the correlation).
        var nullAnswers: Int
    }

    /// nil when a prediction or a per-sample gradient is not finite: the run has diverged, and the
    /// oracle would refuse the query as out of range — that is a result (`diverged`), not a failure.
    static func step(_ net: any Model<Double>, _ samples: LabelledSet<Double>, oracle: inout StatisticalQueryOracle) throws -> Step? {
        let (jacobian, predictions) = perSampleGradients(net, samples.inputs)
        let n = samples.count, p = net.parameters.count
        guard predictions.allSatisfy(\.isFinite), jacobian.isFinite else { return nil }
        let y = samples.labels.scalars
        // The exact label-free term E[f ∇f], then the column bounds B_p, then φ = ∂f / B in place.
        var labelFree = [Double](repeating: 0, count: p), bound = [Double](repeating: 0, count: p)
        jacobian.withUnsafePointer { g in
            for i in 0..<n {
                let r = g + i * p, f = predictions[i]
                for q in 0..<p { labelFree[q] += f * r[q]; bound[q] = Swift.max(bound[q], abs(r[q])) }
            }
        }
        for q in 0..<p where !(bound[q] > 0) { bound[q] = 1 }
        // Division (not a product with 1/B): correctly rounded and monotone, so |∂f/B| ≤ 1 exactly.
        jacobian.withSharedMutablePointer { g in
            for i in 0..<n { let r = g + i * p; for q in 0..<p { r[q] /= bound[q] } }
        }
        let labelBound = y.reduce(0) { Swift.max($0, abs($1)) }
        let scale = labelBound > 0 ? labelBound : 1
        let answers = try oracle.correlational(values: jacobian, labels: y.map { $0 / scale })
        var gradient = [Double](repeating: 0, count: p), nulls = 0
        for q in 0..<p {
            if answers[q] == 0 { nulls += 1 }
            gradient[q] = 2 * (labelFree[q] / Double(n) - bound[q] * scale * answers[q])
        }
        return Step(gradient: gradient, nullAnswers: nulls)
    }

    /// ∇_θ f(x_i) for every sample (row i of [N, parameters]) and f(x_i): one forward and backward
    /// pass per sample on one reused tape, exact for any registered model (graphs included).
    static func perSampleGradients(_ net: any Model<Double>, _ inputs: Inputs<Double>) -> (Tensor<Double>, [Double]) {
        let store = net.parameters, n = inputs.count, p = store.count
        let jacobian = Tensor<Double>(uninitializedShape: [n, p])
        var predictions = [Double](repeating: 0, count: n)
        let tape = Tape<Double>()
        defer { tape.reset() }
        jacobian.withSharedMutablePointer { out in
            for i in 0..<n {
                tape.reset()
                store.zeroGradients()
                let f = net.forward(inputs.samples(i..<(i + 1)), on: tape)
                tape.backward(f)
                predictions[i] = f.value.scalars[0]
                store.flatGradients.withUnsafePointer { g in (out + i * p).update(from: g, count: p) }
            }
        }
        return (jacobian, predictions)
    }
}
