import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabModels
import SymLabNumerics

/// One label per orbit, learned from samples: the predictor of `orbit-lookup`.
///
/// Each input is replaced by its orbit's canonical key (``OrbitCanonicalForm/keys(_:)``); an
/// orbit seen in training predicts the majority of its training labels' signs (the labels of the
/// classes with a canonical form are ±1, plus noise; a tie predicts the mean of the orbit's
/// labels), an orbit never seen predicts the training mean. Every prediction depends on the
/// input only through its orbit, so the predictor is exactly invariant under the group.
public struct OrbitLookupTable: Sendable {
    public let form: OrbitCanonicalForm
    /// Orbit key → predicted label, for the orbits seen in training.
    public let table: [UInt64: Double]
    /// The prediction for orbits never seen.
    public let fallback: Double

    public init(form: OrbitCanonicalForm, inputs: Inputs<Double>, labels: Tensor<Double>) {
        self.init(form: form, keys: form.keys(inputs), labels: labels)
    }

    /// The table of training inputs given by their orbit keys.
    public init(form: OrbitCanonicalForm, keys: [UInt64], labels: Tensor<Double>) {
        precondition(labels.count == keys.count, "OrbitLookupTable: \(keys.count) inputs, \(labels.count) labels")
        var votes: [UInt64: (signs: Int, sum: Double, count: Int)] = [:]
        let y = labels.scalars
        for (key, v) in zip(keys, y) {
            votes[key, default: (0, 0, 0)].signs += v < 0 ? -1 : 1
            votes[key]!.sum += v
            votes[key]!.count += 1
        }
        self.form = form
        table = votes.mapValues { $0.signs > 0 ? 1 : $0.signs < 0 ? -1 : $0.sum / Double($0.count) }
        fallback = y.isEmpty ? 0 : y.reduce(0, +) / Double(y.count)
    }

    /// Distinct orbits among the training inputs.
    public var orbitsSeen: Int { table.count }

    public func predict(_ inputs: Inputs<Double>) -> Tensor<Double> { predict(keys: form.keys(inputs)) }

    /// The predictions for inputs of these orbit keys.
    public func predict(keys: [UInt64]) -> Tensor<Double> { Tensor(keys.map { table[$0] ?? fallback }) }

    /// The fraction of `inputs` whose orbit was seen in training.
    public func coverage(_ inputs: Inputs<Double>) -> Double { coverage(keys: form.keys(inputs)) }

    /// The fraction of these orbit keys seen in training.
    public func coverage(keys: [UInt64]) -> Double {
        keys.isEmpty ? 0 : Double(keys.filter { table[$0] != nil }.count) / Double(keys.count)
    }
}

/// `orbit-lookup`: canonicalise each input under the class's group, learn one label per orbit.
///
/// The upper bound beside Kiani et al.'s Theorem 2: a G-invariant Boolean function is a table over
/// the orbits, so it is learnt once the orbits that carry most of the input mass have been seen.
/// Its samples-to-learn is governed by the number of orbits (for C_n, most orbits have n elements
/// and roughly #orbits · ln(1/ε) samples cover all but ε of the mass), or more precisely by the
/// effective number 1/‖p_O‖² — the quantity the SQ lower bound grows with. `SamplesToLearn` measures it.
///
/// Classes: those that state an ``OrbitCanonicalForm`` (``GroupInvariantClass``): `symmetric-boolean`
/// under its group, `cyclic-pattern-parity` and `cyclic-frame-parity` under C_n, `er-parity` under
/// node relabelling up to 8 nodes (canonicalised by trying all n! relabellings).
///
/// Metrics: test losses, `orbits_seen` (distinct orbits in the training samples),
/// `test_orbit_coverage` (fraction of test inputs whose orbit was seen), `samples_used`.
public struct OrbitLookupScheme: TrainingScheme {
    public static let schemeName = "orbit-lookup"
    public static let summary = "canonicalise each input under the class's group and predict the majority training label of its orbit (training mean for unseen orbits)"
    public static let optionDocs = [SampleLimit.doc]
    let samples: SampleLimit

    public init(options: [String: String]) throws { samples = try SampleLimit(options: options, scheme: Self.schemeName) }

    /// The table (a key, a vote, a sum and a count per training orbit, with the hash table's slack:
    /// 8 numbers per training sample at most) and the orbit keys of the test set. Graphs add the
    /// edge-slot signs of a set and the list of all m! edge permutations of the canonical form.
    /// Graphs beyond 8 nodes have no canonical form: the run fails at its start.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        let used = samples.count(nTrain: run.nTrain)
        var network = saturatingProduct([used, 8]), working = saturatingSum([run.nTest, used])
        if case .graphs(let m, _) = run.input {
            guard m <= 8 else { return .failsAtStart }
            let edges = m * (m - 1) / 2
            network = saturatingSum([network, saturatingProduct([(1...m).reduce(1, *), edges])])
            working = saturatingSum([working, saturatingProduct([Swift.max(used, run.nTest), edges])])
        }
        return SchemeMemory(networkNumbers: network, workingNumbers: working)
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        guard let invariant = c.functionClass as? any GroupInvariantClass else {
            throw SchemeError.unsupportedData(scheme: Self.schemeName, reason:
                "needs a class invariant under a group with an orbit canonical form (symmetric-boolean, cyclic-pattern-parity, cyclic-frame-parity, er-parity with n ≤ 8); \(c.functionClass.name) is not one")
        }
        let form: OrbitCanonicalForm
        do { form = try invariant.orbitCanonicalForm() } catch {
            throw SchemeError.unsupportedData(scheme: Self.schemeName, reason: "\(error)")
        }
        let train = try samples.training(c, scheme: Self.schemeName)
        let trainKeys = form.keys(train.inputs)
        let table = OrbitLookupTable(form: form, keys: trainKeys, labels: train.labels)
        let testKeys = form.keys(c.test.inputs), prediction = table.predict(keys: testKeys)
        return SchemeResult(metrics: [
            SchemeMetric.testMSE: meanSquaredError(prediction, c.test.labels),
            SchemeMetric.testLossNormalized: Diagnostics.normalizedLoss(predictions: prediction, labels: c.test.labels),
            SchemeMetric.trainMSE: meanSquaredError(table.predict(keys: trainKeys), train.labels),
            SchemeMetric.testLabelVariance: populationVariance(c.test.labels),
            "orbits_seen": Double(table.orbitsSeen),
            "test_orbit_coverage": table.coverage(keys: testKeys),
            "samples_used": Double(train.count),
        ])
    }
}
