import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// The input distribution of a class, as far as γ's computation needs it: whether (and how) every
/// input can be listed with its probability, for exact correlations.
enum InputSpace: Sendable {
    /// x uniform on {−1, +1}^d.
    case hypercube(dimension: Int)
    /// Graphs of G(n, p) as adjacency tensors with constant node features.
    case erdosRenyi(nodes: Int, p: Double)
    /// A continuous distribution (Gaussian features): never enumerated.
    case continuous

    /// Rows per batch of enumerated inputs (bounds the memory of a batch's tensors).
    static let batchRows = 4096

    /// Whether `method` asks for exact values here, refusing `exact`/`both` where they are impossible.
    func usesExact(_ method: BoundsSettings.Method) throws -> Bool {
        switch method {
        case .monteCarlo: return false
        case .auto: return autoExact
        case .exact, .both:
            guard enumerable else {
                throw TheoryError.invalidArgument("exact correlations enumerate every input; \(limitText), use --method monte-carlo or auto")
            }
            return true
        }
    }

    /// `auto` enumerates {−1,+1}^d up to d = 16 and graphs up to 7 nodes, as `theory correlations` does.
    var autoExact: Bool {
        switch self {
        case .hypercube(let d): d <= CorrelationStudy.autoExactHypercube
        case .erdosRenyi(let n, _): n <= CorrelationStudy.autoExactGraphNodes
        case .continuous: false
        }
    }

    /// The hard limits of enumeration through the class's own evaluation: 2^20 points, 2^21 graphs.
    var enumerable: Bool {
        switch self {
        case .hypercube(let d): d <= Correlations.maxExactHypercubeDimension
        case .erdosRenyi(let n, _): n <= CorrelationStudy.autoExactGraphNodes
        case .continuous: false
        }
    }

    var limitText: String {
        switch self {
        case .hypercube(let d): "{−1,+1}^\(d) has 2^\(d) points (≤ 2^\(Correlations.maxExactHypercubeDimension) supported)"
        case .erdosRenyi(let n, _): "G(\(n), p) has 2^\(n * (n - 1) / 2) graphs (≤ \(CorrelationStudy.autoExactGraphNodes) nodes supported)"
        case .continuous: "the inputs are continuous (Gaussian)"
        }
    }

    /// "all 2^16 inputs", "all 2^21 graphs".
    var exactText: String {
        switch self {
        case .hypercube(let d): "all 2^\(d) inputs"
        case .erdosRenyi(let n, _): "all 2^\(n * (n - 1) / 2) graphs"
        case .continuous: "—"
        }
    }

    /// Calls `body` with every input in batches, with the probabilities of its rows (nil: uniform,
    /// so sums of ±1 values stay integers and the caller divides once by ``exactCount``).
    func forEachExactBatch(_ body: (Inputs<Double>, [Double]?) throws -> Void) rethrows {
        switch self {
        case .hypercube(let d):
            // Point `mask`: x_b = −1 where bit b of mask is set (the order of Correlations.exactOnHypercube).
            let total = 1 << d
            var start = 0
            while start < total {
                let rows = Swift.min(Self.batchRows, total - start)
                var x = [Double](repeating: 1, count: rows * d)
                for r in 0..<rows { let mask = start + r; for b in 0..<d where mask >> b & 1 == 1 { x[r * d + b] = -1 } }
                try body(.dense(Tensor(shape: [rows, d], scalars: x)), nil)
                start += rows
            }
        case .erdosRenyi(let n, let p):
            // Graph `mask`: edge e (in the order (0,1), (0,2), …, (n−2, n−1)) present where bit e is set.
            var endpoints: [(Int, Int)] = []
            for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) { endpoints.append((i, j)) } }
            let edges = endpoints.count, total = 1 << edges
            var start = 0
            while start < total {
                let rows = Swift.min(Self.batchRows, total - start)
                var a = [Double](repeating: 0, count: rows * n * n)
                var weights: [Double]? = p == 0.5 ? nil : []
                for r in 0..<rows {
                    let mask = start + r
                    for (e, (i, j)) in endpoints.enumerated() where mask >> e & 1 == 1 {
                        a[(r * n + i) * n + j] = 1; a[(r * n + j) * n + i] = 1
                    }
                    if weights != nil {
                        let present = mask.nonzeroBitCount
                        var w = 1.0
                        for _ in 0..<present { w *= p }
                        for _ in 0..<(edges - present) { w *= 1 - p }
                        weights!.append(w)
                    }
                }
                try body(.graphs(GraphBatch(adjacency: Tensor(shape: [rows, n, n], scalars: a))), weights)
                start += rows
            }
        case .continuous:
            preconditionFailure("InputSpace: continuous inputs cannot be enumerated")
        }
    }

    /// The number of inputs ``forEachExactBatch(_:)`` lists.
    var exactCount: Int {
        switch self {
        case .hypercube(let d): 1 << d
        case .erdosRenyi(let n, _): 1 << (n * (n - 1) / 2)
        case .continuous: 0
        }
    }
}

/// Calls `body` with `samples` inputs drawn by `sampler` (a member of the class: its input
/// distribution), in batches of at most `batch` rows, all from `rng` in order.
func forEachSampledBatch(samples: Int, batch: Int, from sampler: any Target, rng: inout RandomStream,
                         _ body: (Inputs<Double>) throws -> Void) rethrows {
    var drawn = 0
    while drawn < samples {
        let rows = Swift.min(batch, samples - drawn)
        try body(sampler.sampleInputs(count: rows, rng: &rng))
        drawn += rows
    }
}

/// `count` members drawn by the class itself, member i from sub-stream `.familyMember(i)` of the
/// row's stream (so adding members keeps the first ones).
func drawnMembers(of c: some FunctionClass, count: Int, rng: RandomStream) -> [any Target] {
    (0..<count).map { i in var r = rng.substream(.familyMember(UInt64(i))); return c.drawTarget(rng: &r) }
}

/// Correlations E[f_i f_j] of members given as the class's own targets, each evaluated with
/// `Target.evaluate` on the class's inputs: exactly over every input, or by Monte Carlo.
enum MemberCorrelations {
    /// Exact, over every input of `space`.
    static func exact(_ members: [any Target], space: InputSpace) -> CorrelationMatrix {
        let m = members.count
        var gram = GramAccumulator(columns: m)
        var uniform = true
        space.forEachExactBatch { inputs, weights in
            let values = members.map { $0.evaluate(inputs).scalars }
            for r in 0..<inputs.count {
                gram.addRow({ row in for i in 0..<m { row[i] = values[i][r] } }, weight: weights?[r] ?? 1)
            }
            if weights != nil { uniform = false }
        }
        // Uniform: integer sums, one division (exact for ±1 members); otherwise the weights sum to 1.
        return CorrelationMatrix(innerProducts: Correlations.symmetric(gram.finish(), m, scale: uniform ? 1 / Double(space.exactCount) : 1))
    }

    /// Monte Carlo from `samples` inputs drawn by the first member, with Bonferroni γ bound.
    static func monteCarlo(_ members: [any Target], samples: Int, confidence: Double, rng: inout RandomStream) -> MonteCarloCorrelations {
        let m = members.count
        var gram = GramAccumulator(columns: m, squares: true)
        forEachSampledBatch(samples: samples, batch: 1024, from: members[0], rng: &rng) { inputs in
            let values = members.map { $0.evaluate(inputs).scalars }
            for r in 0..<inputs.count { gram.addRow { row in for i in 0..<m { row[i] = values[i][r] } } }
        }
        return Correlations.monteCarloResult(sum: gram.finish(), sumOfSquares: gram.finishSquares(), samples: samples,
                                             columns: m, confidence: confidence)
    }

    /// Measures `members` as `settings` asks: exact where `space` allows (and the method wants
    /// it), Monte Carlo otherwise or in addition (`both`). The matrices are returned for the tests.
    /// `unitNorm`: the members are ±1-valued (or of norm exactly 1), so the inner products are the correlations.
    static func measure(_ members: [any Target], space: InputSpace, settings: BoundsSettings, rng: inout RandomStream,
                        unitNorm: Bool, theoremGamma: Double? = nil) throws -> (FamilyMeasurement, exact: CorrelationMatrix?, monteCarlo: MonteCarloCorrelations?) {
        let useExact = try space.usesExact(settings.method)
        let useMC = !useExact || settings.method == .both
        let exact = useExact ? Self.exact(members, space: space) : nil
        let mc = useMC ? Self.monteCarlo(members, samples: settings.memberSamples, confidence: settings.confidence, rng: &rng) : nil
        let measurement = FamilyMeasurement(
            over: "\(members.count) members" + (useExact ? ", \(space.exactText)" : "") + (useMC ? ", \(settings.memberSamples) MC samples" : ""),
            members: members.count, exactGamma: exact?.gamma, estimate: mc?.estimate.gamma,
            upperBound: mc.map { unitNorm ? min(1, $0.gammaUpperBound) : normalizedGammaUpperBound($0) },
            samples: useMC ? settings.memberSamples : 0, theoremGamma: theoremGamma)
        return (measurement, exact, mc)
    }

    /// An upper confidence bound on max_{i≠j} |E f_i f_j| / (‖f_i‖‖f_j‖) for members whose norms
    /// are themselves estimated (real-valued members): the inner products' upper ends over the
    /// norms' lower ends, simultaneous over the pairs and the diagonal (Bonferroni); 1 when a norm's
    /// lower end is not positive. For ±1 members ``MonteCarloCorrelations/gammaUpperBound`` is the bound.
    static func normalizedGammaUpperBound(_ mc: MonteCarloCorrelations) -> Double {
        let m = mc.estimate.count, ip = mc.estimate.innerProducts
        let perEntry = Correlations.normalQuantile(0.5 + mc.confidence / 2)
        let z = Correlations.normalQuantile(1 - (1 - mc.confidence) / Double(2 * (m * (m - 1) / 2 + m)))
        let se = mc.halfWidths.map { $0.map { $0 / perEntry } }
        var upper = 0.0
        for i in 0..<m { for j in (i + 1)..<max(i + 1, m) {
            let norms = max(0, ip[i][i] - z * se[i][i]) * max(0, ip[j][j] - z * se[j][j])
            upper = max(upper, norms > 0 ? (abs(ip[i][j]) + z * se[i][j]) / norms.squareRoot() : 1)
        } }
        return min(1, upper)
    }
}
