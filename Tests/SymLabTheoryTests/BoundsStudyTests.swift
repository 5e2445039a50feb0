import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import SymLabTheory
import Testing

/// Small settings: every row below runs in well under a second.
private let quick = BoundsSettings(samples: 20_000, memberSamples: 2_000, functions: 4)

/// A small instance of every hard class.
private let smallOptions: [String: [String: String]] = [
    "er-parity": ["n": "5", "window": "2", "k": "2"],
    "cyclic-pattern-parity": ["n": "8", "width": "3", "k": "2"],
    "cyclic-frame-parity": ["n": "8", "k": "2"],
    "gaussian-gnn": ["n": "4", "d": "6", "k": "2"],
    "group-averaged-cnn": ["n": "6", "d": "2", "k": "2"],
    "symmetric-boolean": ["n": "8"],
    "invariant-polynomial": ["n": "6", "group": "cyclic", "inputs": "boolean"],
    "sparse-parity": ["n": "6", "k": "2"],
]

/// max_{i≠j} |E f_i f_j| by the plain route: every point of {±1}^n, one `evaluate` call per point.
private func bruteForceGamma(_ members: [any Target], n: Int) throws -> Double {
    let functions = members.map { t in { (x: [Double]) in t.evaluate(.dense(Tensor(shape: [1, n], scalars: x))).scalars[0] } }
    return try Correlations.exactOnHypercube(n: n, functions).gamma
}

/// Every k-subset of `ground`, in lexicographic order.
private func subsets(_ ground: [Int], _ k: Int) -> [[Int]] {
    guard k > 0 else { return [[]] }
    guard ground.count >= k else { return [] }
    let rest = Array(ground.dropFirst())
    return subsets(rest, k - 1).map { [ground[0]] + $0 } + subsets(rest, k)
}

private func binomial(_ n: Int, _ k: Int) -> Int { subsets(Array(0..<n), k).count }

@Suite struct BoundsCoverageTests {
    /// The classes that claim (C)SQ hardness are exactly those with a family, once each.
    @Test func everyHardClassHasOneFamily() {
        let hard = FunctionClassRegistry.types.filter { $0.claimsQueryHardness }.map { $0.className }
        let covered = QueryFamilies.all.map { $0.className }
        #expect(Set(hard) == Set(covered), "hard \(hard), covered \(covered)")
        #expect(covered.count == Set(covered).count)
        #expect(hard.count == 8)
        for f in QueryFamilies.all { #expect(!f.defaultSizes.isEmpty && !f.summary.isEmpty) }
    }

    /// Every registered hard class has a bounds row: a family of ≥ 1 member, γ in [0, 1], a measurement.
    @Test func everyRegisteredHardClassHasABoundsRow() throws {
        for type in FunctionClassRegistry.types where type.claimsQueryHardness {
            let options = try #require(smallOptions[type.className], "no small instance for \(type.className)")
            let row = try BoundsRow(className: type.className, options: options, settings: quick)
            #expect(row.bound.size.log10 >= 0, "\(type.className)")
            #expect(row.bound.gamma.value >= 0 && row.bound.gamma.value <= 1, "\(type.className): γ = \(row.bound.gamma.value)")
            #expect(row.bound.measurement != nil, "\(type.className)")
            #expect(row.queriesText != "", "\(type.className)")
        }
    }
}

@Suite struct ParityBoundsTests {
    /// γ of the parity-type families (via their feature bits' Walsh spectrum) equals γ brute-forced
    /// over every pair of the class's own members, and m is C(|B|, k).
    @Test func gammaMatchesBruteForceOnTheHypercube() throws {
        let cases: [(String, [String: String], Int, (([Int]) -> any Target))] = [
            ("sparse-parity", ["n": "6", "k": "2"], 6, { MonomialSumTarget(n: 6, monomials: [$0]) }),
            ("cyclic-pattern-parity", ["n": "8", "width": "3", "k": "2"], 8, { CyclicPatternParityTarget(n: 8, width: 3, patterns: $0, signBit: 0) }),
            ("cyclic-frame-parity", ["n": "8", "k": "2"], 8, { CyclicFrameParityTarget(n: 8, subset: $0) }),
        ]
        for (name, options, n, member) in cases {
            let row = try BoundsRow(className: name, options: options, settings: quick)
            let members = try #require(row.bound.memberSubsets).map(member)
            #expect(members.count >= 2, "\(name)")
            #expect(row.bound.size.description == "\(members.count)", "\(name)")
            #expect(row.bound.gamma.source == .exact, "\(name)")
            #expect(abs(row.bound.gamma.value - (try bruteForceGamma(members, n: n))) < 1e-15, "\(name)")
        }
    }

    /// H_ER,n on 5 nodes: γ from ERParityBits' enumeration equals γ of the members over all 1024 graphs.
    @Test func erParityGammaMatchesBruteForceOverAllGraphs() throws {
        let row = try BoundsRow(className: "er-parity", options: ["n": "5", "window": "2", "k": "2"], settings: quick)
        #expect(row.bound.usableBits == ErdosRenyi.centralDegrees(nodes: 5, p: 0.5, window: 2))
        let members = try #require(row.bound.memberSubsets).map { ERParityTarget(nodes: 5, p: 0.5, subset: $0, signBit: 0) }
        #expect(row.bound.size.description == "\(members.count)")
        var pairs: [(Int, Int)] = []
        for i in 0..<5 { for j in (i + 1)..<5 { pairs.append((i, j)) } }
        let graphs = (0..<(1 << pairs.count)).map { mask -> [Double] in
            var a = [Double](repeating: 0, count: 25)
            for (e, (i, j)) in pairs.enumerated() where mask >> e & 1 == 1 { a[i * 5 + j] = 1; a[j * 5 + i] = 1 }
            return a
        }
        let functions = members.map { t in { (a: [Double]) in t.evaluate(.graphs(GraphBatch(adjacency: Tensor(shape: [1, 5, 5], scalars: a)))).scalars[0] } }
        let brute = try Correlations.exact(functions, support: graphs).gamma
        #expect(row.bound.gamma.source == .exact)
        #expect(abs(row.bound.gamma.value - brute) < 1e-12, "\(row.bound.gamma.value) vs \(brute)")
    }

    /// With all 2^w patterns two members could coincide (c[001] = c[100] for every x, as the de
    /// Bruijn walk enters and leaves 00 equally often); B has 2^{w−1} free patterns and γ < 1.
    @Test func patternFamilyUsesTheFreeCountParities() throws {
        let identical = CyclicPatternParityTarget(n: 12, width: 3, patterns: [0b001, 0b010], signBit: 0)
        let twin = CyclicPatternParityTarget(n: 12, width: 3, patterns: [0b100, 0b010], signBit: 0)
        var rng = RandomStream(seed: 1)
        let x = identical.sampleInputs(count: 500, rng: &rng)
        #expect(identical.evaluate(x) == twin.evaluate(x))
        // At τ = 1 every k-subset of B is the best family (the packings are smaller and γ < 1 anyway).
        var wide = quick
        wide.tau = 1
        for (n, w, k, bits) in [(12, 3, 2, 4), (16, 4, 3, 8)] {
            let row = try BoundsRow(className: "cyclic-pattern-parity", options: ["n": "\(n)", "width": "\(w)", "k": "\(k)"], settings: wide)
            #expect(row.bound.usableBits?.count == bits, "n = \(n), w = \(w): B = \(row.bound.usableBits ?? [])")
            #expect(row.bound.size.description == "\(binomial(bits, k))")
            #expect(row.bound.gamma.value < 1)
        }
    }

    /// Where both run, the Monte Carlo upper bound on γ is at least the exact γ, and close to it.
    @Test func monteCarloBoundCoversTheExactGamma() throws {
        var settings = quick
        settings.method = .both
        settings.samples = 200_000
        for (name, options) in [("cyclic-pattern-parity", ["n": "10", "width": "3", "k": "2"]), ("er-parity", ["n": "6", "window": "2", "k": "2"]),
                                ("cyclic-frame-parity", ["n": "10", "k": "2"])] {
            let m = try #require(try BoundsRow(className: name, options: options, settings: settings).bound.measurement)
            let exact = try #require(m.exactGamma), upper = try #require(m.upperBound), estimate = try #require(m.estimate)
            #expect(exact <= upper, "\(name): exact \(exact) > upper \(upper)")
            #expect(upper - estimate < 0.03, "\(name): \(estimate) ≤ \(upper)")
        }
    }

    /// m is the closed form: C(n, k) for sparse parities (γ = 0 a theorem beyond the enumerable n),
    /// C(#central, k) for H_ER,n.
    @Test func familySizesAreTheClosedForms() throws {
        var settings = quick
        settings.samples = 2_000
        let small = try BoundsRow(className: "sparse-parity", options: ["n": "10", "k": "3"], settings: settings)
        #expect(small.bound.size.description == "120" && small.bound.gamma.value == 0 && small.bound.gamma.source == .exact)
        let large = try BoundsRow(className: "sparse-parity", options: ["n": "40", "k": "3"], settings: settings)
        #expect(large.bound.size.description == "9880" && large.bound.gamma.value == 0 && large.bound.gamma.source == .theorem)
        // m(τ² − γ)/2 with γ = 0: 9880 · 0.0025 / 2.
        #expect(abs(try #require(large.log10Queries) - _log10(9880 * 0.0025 / 2)) < 1e-12)
        settings.tau = 1   // every k-subset is then the best family (see patternFamilyUsesTheFreeCountParities)
        let er = try BoundsRow(className: "er-parity", options: ["n": "16"], settings: settings)
        let central = ErdosRenyi.centralDegrees(nodes: 16, p: 0.5, window: 0.8)
        #expect(er.bound.size.description == "\(binomial(central.count, 3))")
        #expect(er.bound.gamma.source == .monteCarloUpperBound)
    }
}

@Suite struct MemberBoundsTests {
    /// symmetric-boolean: the measured γ of the class's own labellings equals the brute force, and
    /// the Monte Carlo bound covers it.
    @Test func orbitLabellingsMeasuredExactlyAndByMonteCarlo() throws {
        var settings = quick
        settings.method = .both
        settings.memberSamples = 20_000
        let row = try BoundsRow(className: "symmetric-boolean", options: ["n": "8"], settings: settings)
        let m = try #require(row.bound.measurement)
        let exact = try #require(m.exactGamma)
        #expect(exact <= (try #require(m.upperBound)))
        // The same labellings, brute-forced: drawn by the class from substreams 16… of the row's stream.
        let c = try SymmetricBooleanClass(options: ["n": "8"])
        let members: [any Target] = (0..<settings.functions).map { i in var r = settings.stream(for: 8).substream(.familyMember(UInt64(i))); return c.drawTarget(rng: &r) }
        #expect(abs(exact - (try bruteForceGamma(members, n: 8))) < 1e-15)
    }

    /// The probabilistic-method family: m is the largest with m(m − 1) < exp(γ²/(2‖p_O‖²)), ‖p_O‖ from the orbit formulas.
    @Test func orbitLabellingFamilySizeIsTheUnionBound() throws {
        var settings = quick
        settings.functions = 2
        settings.memberSamples = 100
        for n in [16, 32] {
            let row = try BoundsRow(className: "symmetric-boolean", options: ["n": "\(n)"], settings: settings)
            let normSquared = try GroupAction.cyclic(n).orbitNormSquared().doubleValue
            #expect(abs(try #require(row.bound.extra("norm_p_O")) - normSquared.squareRoot()) < 1e-12 * normSquared.squareRoot())
            let gamma = row.bound.gamma.value
            #expect(row.bound.gamma.source == .probabilisticMethod && gamma > 0 && gamma < 0.0025)
            let logE = gamma * gamma / (2 * normSquared)
            if let m = Double(row.bound.size.description) {
                #expect(m * (m - 1) < portableExpForTests(logE) && portableExpForTests(logE) <= (m + 1) * m, "n = \(n): m = \(m), ln E = \(logE)")
            } else {
                #expect(abs(row.bound.size.log10 - logE / 2 / 2.302585092994046) < 1e-9 * row.bound.size.log10, "n = \(n)")
            }
        }
    }

    /// invariant-polynomial: m = ⌊#orbits/terms⌋, orbits counted here by brute force (multi-indices
    /// of degree 3 on 8 coordinates up to rotation); γ = 0, and the measured members agree.
    @Test func invariantPolynomialFamilyIsTheDisjointOrbits() throws {
        var orbits = Set<[Int]>()
        for a in 0..<8 { for b in a..<8 { for c in b..<8 {
            var alpha = [Int](repeating: 0, count: 8)
            alpha[a] += 1; alpha[b] += 1; alpha[c] += 1
            orbits.insert((0..<8).map { s in (0..<8).map { alpha[($0 + s) % 8] } }.min { $0.lexicographicallyPrecedes($1) }!)
        } } }
        let row = try BoundsRow(className: "invariant-polynomial", options: ["n": "8", "group": "cyclic", "inputs": "boolean", "terms": "1"], settings: quick)
        // Boolean inputs: only multilinear monomials, so the orbits are those of 3-subsets.
        let multilinear = orbits.filter { $0.allSatisfy { $0 <= 1 } }.count
        #expect(row.bound.size.description == "\(multilinear)")
        #expect(row.bound.gamma.value == 0 && row.bound.gamma.source == .theorem)
        #expect(try #require(row.bound.measurement?.exactGamma) < 1e-15)
        let gaussian = try BoundsRow(className: "invariant-polynomial", options: ["n": "8", "group": "cyclic", "terms": "2"], settings: quick)
        #expect(gaussian.bound.size.description == "\(orbits.count / 2)")
    }

    /// invariant-polynomial with a hidden support: the overlap identity
    /// ⟨P_{λ,S}, P_{λ,S′}⟩ = falling(|S∩S′|, ℓ)/falling(s, ℓ) against brute force, and m as the closed forms
    /// (every s-subset when ℓ = s; the Gilbert–Varshamov count ⌈C(n, s)/V(u)⌉ otherwise).
    @Test func hiddenSupportFamilyFollowsTheOverlapIdentity() throws {
        // Two members on supports sharing 3 of their 4 coordinates, degree-3 multilinear orbit: 3·2·1/(4·3·2) = 1/4.
        let members: [any Target] = [[0, 1, 2, 3], [1, 2, 3, 5]].map {
            InvariantPolynomialTarget(n: 8, boolean: true, cyclic: false, orbits: [[1, 1, 1]], coefficients: [1], support: $0)
        }
        #expect(abs(try bruteForceGamma(members, n: 8) - 0.25) < 1e-15)
        var settings = quick
        settings.functions = 6
        // degree = s, multilinear: parities on the supports, all C(10, 3) orthogonal.
        let all = try BoundsRow(className: "invariant-polynomial",
                                options: ["n": "10", "support": "3", "degree": "3", "inputs": "boolean"], settings: settings)
        #expect(all.bound.size.description == "120" && all.bound.gamma.value == 0)
        #expect(try #require(all.bound.measurement?.exactGamma) == 0)
        // degree 3 on supports of 4: sharing ≤ 2 coordinates keeps γ = 0; V(2) = C(4,3)C(6,1) + 1 = 25, ⌈210/25⌉ = 9.
        let packed = try BoundsRow(className: "invariant-polynomial",
                                   options: ["n": "10", "support": "4", "degree": "3", "inputs": "boolean"], settings: settings)
        #expect(packed.bound.size.description == "9" && packed.bound.gamma.value == 0 && packed.bound.extra("max_shared") == 2)
        let m = try #require(packed.bound.measurement)
        #expect(try #require(m.exactGamma) == 0 && m.theoremGamma == 0)
    }

    /// The Gaussian classes: the Hermite bound from the members' planes is above what Monte Carlo
    /// measures (up to its noise), and the family obeys its union bound.
    @Test func gaussianFamiliesHermiteBoundHoldsAndPackingIsTheUnionBound() throws {
        var settings = quick
        settings.memberSamples = 20_000
        settings.functions = 6
        for (name, options) in [("gaussian-gnn", ["n": "4", "d": "6", "k": "2"]), ("group-averaged-cnn", ["n": "6", "d": "2", "k": "2"])] {
            let m = try #require(try BoundsRow(className: name, options: options, settings: settings).bound.measurement)
            let theorem = try #require(m.theoremGamma), estimate = try #require(m.estimate)
            #expect(estimate <= theorem + 0.05, "\(name): measured \(estimate), Hermite bound \(theorem)")
        }
        var big = settings
        big.functions = 2
        big.memberSamples = 50
        let row = try BoundsRow(className: "gaussian-gnn", options: ["d": "512", "k": "4"], settings: big)
        let delta = try #require(row.bound.extra("delta"))
        #expect(abs(row.bound.gamma.value - delta * delta * delta * delta) < 1e-15)
        let e = 1 / portableExpForTests(Double(512 - 2) / 2 * portableLog(1 - delta * delta / 2))
        let m = try #require(Double(row.bound.size.description))
        #expect(m > 1 && m * (m - 1) < e && e <= (m + 1) * m, "m = \(m), E = \(e)")
    }
}

@Suite struct BoundsStudyTests {
    @Test func studyVariesTheSizeAndWritesOneCSVLinePerSize() throws {
        let study = try BoundsStudy(className: "sparse-parity", sizes: [6, 8], options: ["k": "2"], settings: quick)
        #expect(study.rows.map(\.size) == [6, 8])
        #expect(study.rows.map { $0.bound.size.description } == ["15", "28"])
        #expect(study.csv.split(separator: "\n").count == 3)
        #expect(study.lines.contains { $0.contains("m(τ² − γ)/2") })
        #expect(throws: TheoryError.self) { try BoundsStudy(className: "sparse-parity", sizes: [6], options: ["n": "6"], settings: quick) }
        #expect(throws: TheoryError.self) { try BoundsStudy(className: "relu-teacher", sizes: [6], settings: quick) }
        #expect(throws: TheoryError.self) { try BoundsStudy(className: "sparse-parity", sizes: [0], settings: quick) }
        // Same seed, same numbers.
        #expect(try BoundsStudy(className: "sparse-parity", sizes: [6, 8], options: ["k": "2"], settings: quick).csv == study.csv)
    }

    /// The summary covers every family, adding the classes the entries miss at their defaults.
    @Test func summaryCoversEveryFamily() throws {
        var settings = quick
        settings.samples = 2_000
        settings.memberSamples = 200
        let summary = try BoundsSummary(entries: [.init(className: "sparse-parity", options: ["n": "8"], source: "test"),
                                                  .init(className: "er-degree-moment", options: [:], source: "a control: skipped")],
                                        settings: settings)
        #expect(summary.rows.map(\.className) == QueryFamilies.names)
        #expect(summary.rows.first { $0.className == "sparse-parity" }?.source == "test")
        #expect(summary.rows.filter { $0.source == "class defaults" }.count == QueryFamilies.all.count - 1)
    }

    /// log10 of the bound for families of any size, and its vacuous case.
    @Test func log10QueriesAgreesWithTheBoundAndIsNilWhenVacuous() throws {
        let b = try QueryBounds.csqLowerBound(functionCount: 1000, gamma: 0.001, tolerance: 0.1)
        #expect(abs(try #require(try QueryBounds.log10Queries(FamilySize(log10: 3), gamma: 0.001, tolerance: 0.1)) - _log10(b.queries)) < 1e-12)
        #expect(try QueryBounds.log10Queries(FamilySize(log10: 40), gamma: 0.0025, tolerance: 0.05) == nil)
        #expect(try QueryBounds.log10Queries(FamilySize(log10: 1e6), gamma: 0, tolerance: 0.05) == 1e6 + _log10(0.0025 / 2))
    }
}

private func _log10(_ x: Double) -> Double { portableLog(x) / 2.302585092994046 }
/// e^x by its Taylor series: accurate to a few ulps for the moderate x (< 10) used here.
private func portableExpForTests(_ x: Double) -> Double {
    var result = 1.0, term = 1.0
    for i in 1...60 { term *= x / Double(i); result += term }
    return result
}
