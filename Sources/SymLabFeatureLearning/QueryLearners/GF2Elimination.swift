import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabModels
import SymLabNumerics

/// A linear system over GF(2), solved by Gaussian elimination as its equations arrive.
///
/// Hand-written: no Swift library does elimination over GF(2) (LAPACK and the BLAS work over R and
/// C). An equation is a row of `unknowns` coefficient bits and one right-hand-side bit, packed 64
/// to a `UInt64` word (the right-hand side is bit `unknowns`), so adding two rows is a word-wise
/// XOR. Each kept row has a pivot, its lowest coefficient bit, and no two kept rows share one: a
/// new equation is reduced by the kept row of its lowest bit until it has a new pivot (kept: the
/// rank grows) or no coefficient left (0 = 0: redundant; 0 = 1: a contradiction). Cost per
/// equation: at most rank × words XORs.
public struct GF2LinearSystem: Sendable {
    public let unknowns: Int
    /// Words per row: the coefficients and the right-hand-side bit.
    private let width: Int
    private var rows: [[UInt64]] = []
    /// The pivot column of each kept row.
    private var pivots: [Int] = []
    /// The kept row whose pivot is column c, or −1.
    private var rowOfPivot: [Int]
    /// Equations added.
    public private(set) var equations = 0
    /// Equations that reduced to 0 = 1: each one proves that no solution exists.
    public private(set) var contradictions = 0

    public init(unknowns: Int) {
        precondition(unknowns >= 0, "GF2LinearSystem: unknowns must be ≥ 0, got \(unknowns)")
        self.unknowns = unknowns
        width = unknowns / 64 + 1
        rowOfPivot = [Int](repeating: -1, count: unknowns)
    }

    /// The rank of the coefficient matrix of the equations so far.
    public var rank: Int { rows.count }
    /// True while some assignment satisfies every equation.
    public var isConsistent: Bool { contradictions == 0 }
    /// True when the equations determine every unknown.
    public var isDetermined: Bool { rank == unknowns }

    /// Adds the equation ⟨coefficients, x⟩ = rhs.
    public mutating func add(_ coefficients: GF2Vector, rhs: Bool) {
        precondition(coefficients.count == unknowns, "GF2LinearSystem.add: \(coefficients.count) coefficients for \(unknowns) unknowns")
        equations += 1
        var r = coefficients.words
        while r.count < width { r.append(0) }
        if rhs { r[unknowns >> 6] |= 1 << UInt64(unknowns & 63) }
        var from = 0
        while let c = lowestCoefficient(r, from: from) {
            let k = rowOfPivot[c]
            guard k >= 0 else {
                rowOfPivot[c] = rows.count
                rows.append(r)
                pivots.append(c)
                return
            }
            // The kept row has no bits below c, so the words before c's are untouched.
            for w in (c >> 6)..<width { r[w] ^= rows[k][w] }
            from = c + 1
        }
        if (r[unknowns >> 6] >> UInt64(unknowns & 63)) & 1 == 1 { contradictions += 1 }
    }

    /// The lowest coefficient bit of `r` at or after column `from`, or nil.
    private func lowestCoefficient(_ r: [UInt64], from: Int) -> Int? {
        var w = from >> 6
        guard from < unknowns else { return nil }
        var word = r[w] & (~0 << UInt64(from & 63))
        while true {
            if word != 0 {
                let c = w * 64 + word.trailingZeroBitCount
                return c < unknowns ? c : nil
            }
            w += 1
            guard w < width, w * 64 < unknowns else { return nil }
            word = r[w]
        }
    }

    /// A solution with every undetermined (free) unknown 0, or nil when the system is inconsistent.
    /// Back substitution from the highest pivot down: a kept row's other bits are all above its
    /// pivot, so they are known when its pivot is set.
    public func solution() -> GF2Vector? {
        guard isConsistent else { return nil }
        var x = [UInt64](repeating: 0, count: width)
        for k in rows.indices.sorted(by: { pivots[$0] > pivots[$1] }) {
            let r = rows[k]
            var bit = (r[unknowns >> 6] >> UInt64(unknowns & 63)) & 1
            // x never has the right-hand-side bit set, so the AND counts coefficients only.
            for w in 0..<width { bit ^= UInt64((r[w] & x[w]).nonzeroBitCount & 1) }
            if bit == 1 { x[pivots[k] >> 6] |= 1 << UInt64(pivots[k] & 63) }
        }
        var v = GF2Vector(count: unknowns)
        for c in 0..<unknowns where (x[c >> 6] >> UInt64(c & 63)) & 1 == 1 { v[c] = true }
        return v
    }
}

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
