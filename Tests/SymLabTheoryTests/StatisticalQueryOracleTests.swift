import SymLabNumerics
import SymLabTheory
import Testing

/// The oracle's contract in each mode (docs/statistical-queries.md §1), its counters and its refusals.
@Suite struct StatisticalQueryOracleTests {
    /// A sample of 8 labels in [−1, 1] and a CSQ query's values on it.
    let labels: [Double] = [1, -1, 0.5, -0.25, 1, 1, -1, 0]
    let values: [Double] = [0.5, -1, 1, 0.75, -0.5, 0.25, 1, -0.125]
    var empirical: Double { zip(values, labels).reduce(0) { $0 + $1.0 * $1.1 } / 8 }

    func oracle(_ tau: Double, _ mode: StatisticalQueryOracle.Mode, seed: UInt64 = 1) throws -> StatisticalQueryOracle {
        try StatisticalQueryOracle(tolerance: tau, mode: mode, noise: RandomStream(seed: seed))
    }

    @Test func noneAnswersTheEmpiricalMeanExactly() throws {
        var o = try oracle(0.3, .none)
        #expect(try o.correlational(values: values, labels: labels) == empirical)
        // SQ: φ(x_i, y) = y·values[i] is the same query asked as a statistical one.
        #expect(try o.statistical(labels: labels) { i, y in y * values[i] } == empirical)
        // A vector of queries: each coordinate its own mean.
        let m = Tensor<Double>(shape: [8, 2], scalars: values.flatMap { [$0, -$0 / 2] })
        #expect(try o.correlational(values: m, labels: labels) == [empirical, -empirical / 2])
    }

    @Test func randomStaysWithinTauAndRepeatsWithItsSeed() throws {
        var a = try oracle(0.1, .random, seed: 5), b = try oracle(0.1, .random, seed: 5), c = try oracle(0.1, .random, seed: 6)
        let m = Tensor<Double>(shape: [8, 50], scalars: values.flatMap { v in (0..<50).map { v * Double($0 % 7) / 7 } })
        let ra = try a.correlational(values: m, labels: labels), rb = try b.correlational(values: m, labels: labels)
        let rc = try c.correlational(values: m, labels: labels)
        var exact = try oracle(0, .none)
        let means = try exact.correlational(values: m, labels: labels)
        #expect(ra == rb)
        #expect(ra != rc)
        #expect(zip(ra, means).allSatisfy { abs($0 - $1) <= 0.1 })
        // The perturbations are spread over ±τ, not stuck at one value.
        let offsets = zip(ra, means).map { $0 - $1 }
        #expect(offsets.max()! > 0.05 && offsets.min()! < -0.05)
        // τ = 0 draws nothing and answers the mean.
        var zero = try oracle(0, .random)
        #expect(try zero.correlational(values: values, labels: labels) == empirical)
    }

    @Test func adversarialAnswersTheNullWithinTauAndMovesByTauOtherwise() throws {
        // CSQ: the null answer is 0.
        #expect(abs(empirical) > 0.05)
        var hide = try oracle(abs(empirical) + 0.01, .adversarial)
        #expect(try hide.correlational(values: values, labels: labels) == 0)
        var edge = try oracle(abs(empirical), .adversarial)
        #expect(try edge.correlational(values: values, labels: labels) == 0)
        var move = try oracle(0.05, .adversarial)
        let moved = try move.correlational(values: values, labels: labels)
        #expect(abs(moved - (empirical - 0.05 * (empirical > 0 ? 1 : -1))) < 1e-15)
        #expect(abs(moved) < abs(empirical))
        #expect(move.largestDeviation == abs(empirical))

        // SQ: the null answer pairs input i with the label of sample i + 1 (mod N).
        let phi: (Int, Double) -> Double = { i, y in values[i] * y }
        let sq = labels.indices.map { phi($0, labels[$0]) }.reduce(0, +) / 8
        let null = labels.indices.map { phi($0, labels[($0 + 1) % 8]) }.reduce(0, +) / 8
        #expect(abs(sq - null) > 0.1)
        var hideSQ = try oracle(abs(sq - null) + 1e-9, .adversarial)
        #expect(try hideSQ.statistical(labels: labels, phi) == null)
        var moveSQ = try oracle(0.1, .adversarial)
        let a = try moveSQ.statistical(labels: labels, phi)
        #expect(abs(a - (sq - 0.1 * (sq > null ? 1 : -1))) < 1e-15)
    }

    @Test func countsEveryCoordinateAsOneQueryByKind() throws {
        var o = try oracle(0, .none)
        _ = try o.correlational(values: values, labels: labels)
        _ = try o.correlational(values: Tensor<Double>(shape: [8, 3], repeating: 0.5), labels: labels)
        _ = try o.statistical(labels: labels, count: 5) { _, _, out in for q in 0..<5 { out[q] = 0 } }
        _ = try o.statistical(labels: labels) { _, _ in 1 }
        #expect(o.correlationalQueries == 4)
        #expect(o.statisticalQueries == 6)
        #expect(o.queries == 10)
        // A refused query is not counted.
        #expect(throws: StatisticalQueryError.self) { try o.statistical(labels: labels) { _, _ in 2 } }
        #expect(o.queries == 10)
    }

    @Test func refusesValuesOutsideTheUnitIntervalAndBadSettings() throws {
        var o = try oracle(0, .none)
        var outside = values
        outside[3] = 1.5
        #expect(throws: StatisticalQueryError.valueOutOfRange(kind: .correlational, query: 0, sample: 3, value: 1.5)) {
            try o.correlational(values: outside, labels: labels)
        }
        #expect(throws: StatisticalQueryError.self) { try o.correlational(values: values.map { _ in Double.nan }, labels: labels) }
        #expect(throws: StatisticalQueryError.labelOutOfRange(sample: 0, value: 2)) {
            try o.correlational(values: values, labels: [2] + labels.dropFirst())
        }
        #expect(throws: StatisticalQueryError.valueOutOfRange(kind: .statistical, query: 1, sample: 0, value: -3)) {
            try o.statistical(labels: labels, count: 2) { _, _, out in out[0] = 0; out[1] = -3 }
        }
        // SQ labels may be any reals (the query bounds itself); CSQ refuses an empty sample.
        #expect(try o.statistical(labels: [5, -7]) { _, y in y > 0 ? 1 : -1 } == 0)
        #expect(throws: StatisticalQueryError.emptySample) { try o.correlational(values: [], labels: []) }
        #expect(throws: StatisticalQueryError.invalidTolerance(-0.1)) { try oracle(-0.1, .none) }
        #expect(throws: StatisticalQueryError.self) { try oracle(.infinity, .adversarial) }
        #expect(StatisticalQueryError.valueOutOfRange(kind: .statistical, query: 2, sample: 7, value: 1.5).description.contains("normalise"))
    }
}
