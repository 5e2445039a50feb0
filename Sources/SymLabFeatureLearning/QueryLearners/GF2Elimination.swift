import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabModels
import SymLabNumerics

/// `gf2-elimination`: learns a parity-type target exactly by Gaussian elimination over GF(2).
///
/// For a ``ParityStructuredClass`` every label is y = (−1)^{b + ⟨s, z(x)⟩}, so each training sample
/// is one linear equation ⟨(s, b), (z(x), 1)⟩ = [y < 0] in the D + 1 unknowns (s, b) (labels are
/// read by their sign, so Gaussian label noise enters as sign flips). ``GF2LinearSystem`` solves
/// them; free unknowns are set to 0. About D + 1 samples in general position suffice — the
/// classic example that statistical-query hardness is not sample hardness: parities need
/// 2^Ω(n) statistical queries (Blum et al. 1994; Kearns 1998) but O(n) samples. It is not an SQ
/// algorithm: one flipped label changes its answer completely, which is why it does not survive
/// noise (Blum–Kalai–Wasserman 2003), and why it reports an inconsistent system instead of a
/// wrong parity.
///
/// Metrics: the test losses of the recovered parity's ±1 predictions; `exact_recovery` (see
/// ``run(_:)``); `gf2_rank`, `gf2_unknowns` (D + 1), `gf2_determined` (rank = D + 1);
/// `gf2_consistent` (0: the labels fit no parity — the run is `done` with a message and predicts
/// the training mean); `samples_used`.
public struct GF2EliminationScheme: TrainingScheme {
    public static let schemeName = "gf2-elimination"
    public static let summary = "Gaussian elimination over GF(2) for the parity-type classes: solves y = (−1)^{b+⟨s,z(x)⟩} for (s, b) from samples (not an SQ algorithm)"
    public static let optionDocs = [SampleLimit.doc]
    /// The message of a run whose labels no parity fits.
    public static let inconsistentMessage = "labels inconsistent with any parity (label noise?)"
    let samples: SampleLimit

    public init(options: [String: String]) throws { samples = try SampleLimit(options: options, scheme: Self.schemeName) }

    /// The largest feature map of the parity classes for these inputs: n coordinates, or 2^w ≤ 1024
    /// pattern counts (w ≤ min(n, 10)) for vectors of n signs; at most one bit per degree for graphs.
    static func largestDimension(_ input: InputDescription) -> Int {
        switch input {
        case .dense(let shape): let n = shape.reduce(1, *); return Swift.max(n, 1 << Swift.min(n, 10))
        case .graphs(let nodes, _): return nodes
        }
    }

    /// The kept rows of the elimination (at most D + 1, of D/64 + 1 words) and the feature vectors
    /// of the training and test sets (one per sample, each D/64 + 1 words and a small header).
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        let d = Self.largestDimension(run.input), words = d / 64 + 1
        let vectors = saturatingSum([samples.count(nTrain: run.nTrain), run.nTest])
        return SchemeMemory(networkNumbers: saturatingProduct([d + 1, words]),
                            workingNumbers: saturatingProduct([vectors, words + 4]))
    }

    /// Exact recovery is 1 when the solution found is the target's (s, b). When the equations do
    /// not determine every unknown, the solution found (free unknowns 0) may differ from the
    /// target's by a vector the feature map never sees — the identities among pattern-count
    /// parities, a coordinate of the canonical rotation that is almost always −1 — and then
    /// exact recovery is 1 iff the two parities agree on every test input. 0 when inconsistent.
    public func run(_ c: SchemeContext) throws -> SchemeResult {
        guard let parityClass = c.functionClass as? any ParityStructuredClass else {
            throw SchemeError.unsupportedData(scheme: Self.schemeName, reason:
                "needs a parity-type class (sparse-parity, er-parity, cyclic-pattern-parity, cyclic-frame-parity); \(c.functionClass.name) is not one")
        }
        guard let truth = parityClass.parity(of: c.target) else {
            throw SchemeError.failed(scheme: Self.schemeName, reason: "the target of \(c.functionClass.name) is not a single parity")
        }
        let train = try samples.training(c, scheme: Self.schemeName)
        let d = parityClass.parityDimension
        var system = GF2LinearSystem(unknowns: d + 1)
        let trainFeatures = parityClass.parityFeatures(train.inputs), testFeatures = parityClass.parityFeatures(c.test.inputs)
        for (z, y) in zip(trainFeatures, train.labels.scalars) {
            system.add(z.appending(true), rhs: y < 0)
        }
        var metrics: [String: Double] = [
            "samples_used": Double(train.count), "gf2_rank": Double(system.rank), "gf2_unknowns": Double(d + 1),
            "gf2_determined": system.isDetermined ? 1 : 0, "gf2_consistent": system.isConsistent ? 1 : 0,
        ]
        let trainPrediction: Tensor<Double>, testPrediction: Tensor<Double>, recovered: Bool
        if let x = system.solution() {
            let learned = GF2Parity(coefficients: GF2Vector(count: d, ones: x.ones.filter { $0 < d }), signBit: x[d] ? 1 : 0)
            trainPrediction = Tensor(trainFeatures.map(learned.label))
            testPrediction = Tensor(testFeatures.map(learned.label))
            recovered = learned == truth
                || (!system.isDetermined && testFeatures.allSatisfy { learned.labelBit($0) == truth.labelBit($0) })
        } else {
            let mean = train.labels.scalars.reduce(0, +) / Double(train.count)
            trainPrediction = Tensor(shape: [train.count], repeating: mean)
            testPrediction = Tensor(shape: [c.test.count], repeating: mean)
            recovered = false
        }
        metrics["exact_recovery"] = recovered ? 1 : 0
        metrics[SchemeMetric.testMSE] = meanSquaredError(testPrediction, c.test.labels)
        metrics[SchemeMetric.testLossNormalized] = Diagnostics.normalizedLoss(predictions: testPrediction, labels: c.test.labels)
        metrics[SchemeMetric.trainMSE] = meanSquaredError(trainPrediction, train.labels)
        metrics[SchemeMetric.testLabelVariance] = populationVariance(c.test.labels)
        return SchemeResult(metrics: metrics, message: system.isConsistent ? nil : Self.inconsistentMessage)
    }
}
