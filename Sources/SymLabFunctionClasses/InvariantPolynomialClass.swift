import SymLabCore
import SymLabNumerics

/// Sparse invariant polynomials (Kiani et al., §1.8 of the note): f = Σ_{j≤m} c_j·P_{O_j}(x),
/// each P_O the normalised sum over the orbit O of one monomial under S_n or C_n.
///
/// Inputs are N(0, I_n) ("gaussian", monomials in the orthonormal Hermite basis
/// Π_i h_{α_i}(x_i)) or uniform on {−1, +1}^n ("boolean", multilinear monomials χ_T). Distinct
/// monomials are orthonormal, so with P_O = |O|^{−1/2} Σ_{α∈O} monomial_α and Σ c_j² = 1 the
/// labels have mean 0 and variance 1 exactly. The m orbits are distinct and drawn at random
/// among the orbits of degree-`degree` monomials. The paper's exact class was not recovered.
///
/// A *hidden support* (`support` s < n, S_n only): the monomials live on a random s-subset S of
/// the coordinates, drawn with the target, and P_O sums the orbit of one monomial under Sym(S), the
/// permutations of S. The label then depends on x_S only and is invariant under Sym(S), not S_n:
/// with `degree` = s and `monomials: multilinear` (the partition 1, …, 1 only), f_S = ±Π_{i∈S} x_i — the family on which SQ and CSQ
/// separate (docs/statistical-queries.md §3: C(n, s) orthonormal members for a correlational learner,
/// n queries nonlinear in y for an SQ one). With s = n (the default) the class is the one above and
/// draws exactly as it always has.
public struct InvariantPolynomialClass: RegisteredFunctionClass {
    public static let className = "invariant-polynomial"
    public static let claimsQueryHardness = true
    public static let summary = "sparse S_n- or C_n-invariant polynomials (orbit sums of monomials) of Gaussian or Boolean x (Kiani et al.)"
    public static let optionDocs = [
        OptionDoc("group", "symmetric", "symmetric (S_n) or cyclic (C_n)"),
        OptionDoc("inputs", "gaussian", "gaussian (Hermite monomials) or boolean (multilinear monomials)"),
        OptionDoc("n", "16", "input dimension (1...64)"),
        OptionDoc("degree", "3", "degree of every monomial (1...12; boolean: ≤ n)"),
        OptionDoc("terms", "2", "number of orbit sums m (1...number of orbits of that degree)"),
        OptionDoc("monomials", "any", "any (orbits of every partition of the degree) or multilinear (only x_{i1}⋯x_{ik}, distinct coordinates; S_n)"),
        OptionDoc("support", "n (no hidden support)", "size s of the hidden support S (1...n; s < n needs group symmetric): monomials on S, orbits under Sym(S)"),
        noiseDoc,
    ]
    public let cyclic: Bool, boolean: Bool, n: Int, degree: Int, terms: Int, noise: Double
    /// s, the size of the hidden support (n: every coordinate, no support drawn).
    public let support: Int
    /// Only the multilinear orbit (partition 1, …, 1): with degree = support, f_S = ±Π_{i∈S} x_i.
    public let multilinear: Bool
    /// Number of orbits of degree-`degree` monomials (the available terms).
    public let availableOrbits: Int
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        cyclic = try o.choice("group", default: "symmetric", among: ["symmetric", "cyclic"]) == "cyclic"
        boolean = try o.choice("inputs", default: "gaussian", among: ["gaussian", "boolean"]) == "boolean"
        n = try o.int("n", default: 16, range: 1...64)
        // Read only when given, so that the resolved options (and every file that records them) of
        // a class without a hidden support stay as they were.
        if o.has("support") { support = try o.int("support", default: n, range: 1...n) } else { support = n }
        if cyclic && support < n {
            throw o.fail("support", allowed: "n (a hidden support needs group symmetric)", got: "\(support)")
        }
        if o.has("monomials") { multilinear = try o.choice("monomials", default: "any", among: ["any", "multilinear"]) == "multilinear" } else { multilinear = false }
        if cyclic && multilinear {
            throw o.fail("monomials", allowed: "any (multilinear orbits are offered for group symmetric)", got: "multilinear")
        }
        degree = try o.int("degree", default: Swift.min(3, support), range: 1...(boolean || multilinear ? Swift.min(12, support) : 12))
        availableOrbits = multilinear ? 1 : InvariantPolynomialClass.orbitCount(n: support, degree: degree, cyclic: cyclic, boolean: boolean)
        terms = try o.int("terms", default: Swift.min(2, availableOrbits), range: 1...Swift.max(1, availableOrbits))
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        var p = o.resolved
        p["available_orbits"] = "\(availableOrbits)"
        parameters = p
    }

    /// Orbits of degree-k monomials: partitions of k into ≤ n parts (S_n, Gaussian), 1 (S_n,
    /// Boolean), or by Burnside for C_n: (1/n) Σ_s fix(shift s), where a monomial fixed by a
    /// shift with g = gcd(s, n) cycles is a monomial of degree k·g/n on the g cycles. Capped at Int.max/2.
    static func orbitCount(n: Int, degree k: Int, cyclic: Bool, boolean: Bool) -> Int {
        if !cyclic { return boolean ? 1 : partitions(of: k, maxParts: n).count }
        func choose(_ a: Int, _ b: Int) -> Double {
            guard b >= 0, b <= a else { return 0 }
            return (0..<b).reduce(1.0) { $0 * Double(a - $1) / Double($1 + 1) }
        }
        var total = 0.0
        for s in 0..<n {
            let g = gcd(s, n), len = n / g
            guard k % len == 0 else { continue }
            let m = k / len
            total += boolean ? choose(g, m) : choose(g + m - 1, m)
        }
        return Int(Swift.min((total / Double(n)).rounded(), Double(Int.max / 2)))
    }

    public func drawTarget(rng: inout RandomStream) -> any Target { drawPolynomial(rng: &rng) }

    /// The target as its own type (the property check reads its support). Draws, in order: the
    /// coefficients, the orbits, then — only when s < n — the support, so that a class without a
    /// hidden support draws exactly what it drew before the option existed.
    func drawPolynomial(rng: inout RandomStream) -> InvariantPolynomialTarget {
        var c = (0..<terms).map { _ in rng.normal() }
        let norm = c.reduce(0) { $0 + $1 * $1 }.squareRoot()
        c = c.map { $0 / norm }
        if !cyclic {
            let all = boolean || multilinear ? [[Int](repeating: 1, count: degree)] : InvariantPolynomialClass.partitions(of: degree, maxParts: support)
            let pick = rng.permutation(all.count).prefix(terms).map { all[$0] }
            let hidden: [Int]? = support < n ? rng.permutation(n).prefix(support).sorted() : nil
            return InvariantPolynomialTarget(n: n, boolean: boolean, cyclic: false, orbits: pick, coefficients: c, support: hidden)
        }
        // C_n: random monomials, kept when their orbit is new (canonical = smallest shift).
        var seen = Set<[Int]>(), orbits: [[Int]] = []
        while orbits.count < terms {
            var alpha = [Int](repeating: 0, count: n)
            if boolean { for i in rng.permutation(n).prefix(degree) { alpha[i] = 1 } }
            else { for _ in 0..<degree { alpha[rng.int(below: n)] += 1 } }
            let canon = (0..<n).map { s in (0..<n).map { alpha[($0 + s) % n] } }.min { $0.lexicographicallyPrecedes($1) }!
            if seen.insert(canon).inserted { orbits.append(canon) }
        }
        return InvariantPolynomialTarget(n: n, boolean: boolean, cyclic: true, orbits: orbits, coefficients: c)
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        if support < n { return checkHiddenSupport(rng: &rng) }
        let t = drawTarget(rng: &rng)
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        let g: PermutationGroup = cyclic ? .cyclic(n) : .symmetric(n)
        var r = PropertyReport(property: "f(g·x) = f(x) for g ∈ \(g.name); E f = 0, E f² = 1")
        var worst = 0.0
        for _ in 0..<3 { worst = Swift.max(worst, maxRelativeDifference(y, t.evaluate(.dense(g.randomElement(rng: &rng).act(onAxis1: x))))) }
        r.atMost("max relative change of labels under 3 random elements of \(g.name)", worst, 1e-10)
        momentChecks(&r, labels: y, documented: documentedMoments, kurtosis: boolean ? 9 : 30)
        return r
    }

    /// With a hidden support S: invariance under Sym(S) (3 random permutations of S), no
    /// dependence on the coordinates outside S (redrawn), and the documented moments E f = 0,
    /// E f² = 1 — exactly, by a product quadrature over x_S when its grid is small (f has degree
    /// ≤ `degree` in each coordinate, so f² is integrated exactly by Gauss–Hermite with degree + 1
    /// nodes, or by the 2 points ±1 for Boolean inputs), else from 20 000 samples.
    func checkHiddenSupport(rng: inout RandomStream) -> PropertyReport {
        let t = drawPolynomial(rng: &rng)
        let hidden = t.support ?? Array(0..<n)
        var r = PropertyReport(property: "f(σ·x) = f(x) for σ ∈ Sym(S), |S| = \(support) hidden; f depends on x_S only; E f = 0, E f² = 1")
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var worst = 0.0
        for _ in 0..<3 {
            var images = Array(0..<n)
            for (a, b) in zip(hidden, rng.permutation(hidden.count).map { hidden[$0] }) { images[a] = b }
            worst = Swift.max(worst, maxRelativeDifference(y, t.evaluate(.dense(Permutation(images).act(onAxis1: x)))))
        }
        r.atMost("max relative change of labels under 3 random permutations of S", worst, 1e-10)
        let redrawn = t.sampleInputs(count: 4000, rng: &rng).dense.scalars
        var outside = x.scalars
        let inS = Set(hidden)
        for i in 0..<outside.count where !inS.contains(i % n) { outside[i] = redrawn[i] }
        r.atMost("max relative change of labels when the coordinates outside S are redrawn",
                 maxRelativeDifference(y, t.evaluate(.dense(Tensor(shape: x.shape, scalars: outside)))), 1e-10)
        let (nodes, weights) = boolean ? ([-1.0, 1.0], [0.5, 0.5]) : Hermite.quadrature(points: degree + 1)
        let gridSize = (0..<hidden.count).reduce(1) { p, _ in p > 20_000 ? p : p * nodes.count }
        guard gridSize <= 20_000 else {
            let z = t.sampleInputs(count: 20_000, rng: &rng)
            momentChecks(&r, labels: t.evaluate(z), documented: documentedMoments, kurtosis: boolean ? 9 : 30)
            return r
        }
        // Every point of the product grid over S (other coordinates 0), with its weight.
        var points = [Double](repeating: 0, count: gridSize * n), w = [Double](repeating: 1, count: gridSize)
        for g in 0..<gridSize {
            var rest = g
            for i in hidden {
                let k = rest % nodes.count; rest /= nodes.count
                points[g * n + i] = nodes[k]; w[g] *= weights[k]
            }
        }
        let f = t.evaluate(.dense(Tensor(shape: [gridSize, n], scalars: points))).scalars
        let mean = zip(w, f).reduce(0) { $0 + $1.0 * $1.1 }, second = zip(w, f).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        r.atMost("|E f| by quadrature over x_S (\(gridSize) points)", abs(mean), 1e-10)
        r.atMost("|E f² − 1| by quadrature over x_S", abs(second - 1), 1e-10)
        return r
    }

    /// Partitions of k into at most `maxParts` parts, each in decreasing order.
    public static func partitions(of k: Int, maxParts: Int) -> [[Int]] {
        func go(_ rest: Int, _ largest: Int) -> [[Int]] {
            if rest == 0 { return [[]] }
            return (1...Swift.min(rest, largest)).reversed().flatMap { p in go(rest - p, p).map { [p] + $0 } }
        }
        return go(k, k).filter { $0.count <= maxParts }
    }
}

func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

/// Σ_j c_j·P_{O_j}. S_n orbits are given by partitions (the exponents, in any order), C_n orbits by
/// a canonical multi-index of length n.
public struct InvariantPolynomialTarget: Target {
    public let n: Int, boolean: Bool, cyclic: Bool
    public let orbits: [[Int]]
    public let coefficients: [Double]
    /// The hidden support S (sorted coordinates) whose monomials the S_n orbits are taken over
    /// (under Sym(S)); nil: all n coordinates.
    public let support: [Int]?

    public init(n: Int, boolean: Bool, cyclic: Bool, orbits: [[Int]], coefficients: [Double], support: [Int]? = nil) {
        precondition(orbits.count == coefficients.count, "InvariantPolynomialTarget: one coefficient per orbit")
        precondition(support == nil || (!cyclic && support!.allSatisfy { (0..<n).contains($0) } && Set(support!).count == support!.count),
                     "InvariantPolynomialTarget: a support is a set of distinct coordinates of an S_n-invariant polynomial")
        self.n = n; self.boolean = boolean; self.cyclic = cyclic; self.orbits = orbits; self.coefficients = coefficients
        self.support = support
    }

    public var parameters: [String: String] {
        var p = ["orbits": orbits.map { $0.map(String.init).joined(separator: " ") }.joined(separator: "; "),
                 "coefficients": coefficients.map { NumberFormat.shortest($0) }.joined(separator: ",")]
        if let s = support { p["support"] = s.map(String.init).joined(separator: " ") }
        return p
    }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        .dense(boolean ? rng.rademacher([count, n]) : rng.normal([count, n]))
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        let x = inputs.dense, count = x.shape[0], s = x.scalars
        let kmax = orbits.flatMap { $0 }.max() ?? 1
        // h_j(x_i) for j ≤ kmax (Boolean: x^0 = 1, x^1 = x; higher powers never occur).
        var table = [Double](repeating: 0, count: count * n * (kmax + 1))
        for e in 0..<(count * n) {
            let h = boolean ? [1, s[e]] + [Double](repeating: 0, count: Swift.max(0, kmax - 1)) : Hermite.orthonormalValues(upTo: kmax, at: s[e])
            for j in 0...kmax { table[e * (kmax + 1) + j] = h[j] }
        }
        var y = [Double](repeating: 0, count: count)
        for (orbit, c) in zip(orbits, coefficients) {
            if cyclic {
                let images = Set((0..<n).map { sh in (0..<n).map { orbit[($0 + sh) % n] } })
                let sparse = images.sorted { $0.lexicographicallyPrecedes($1) }.map { a in a.indices.filter { a[$0] > 0 }.map { ($0, a[$0]) } }
                let w = c / Double(sparse.count).squareRoot()
                for i in 0..<count {
                    var sum = 0.0
                    for mono in sparse { sum += mono.reduce(1.0) { $0 * table[(i * n + $1.0) * (kmax + 1) + $1.1] } }
                    y[i] += w * sum
                }
            } else {
                let (sum, size) = symmetricOrbitSums(orbit, table: table, count: count, kmax: kmax)
                let w = c / size.squareRoot()
                for i in 0..<count { y[i] += w * sum[i] }
            }
        }
        return Tensor(y)
    }

    /// Σ over the S_n-orbit (the Sym(S)-orbit with a support S) of the monomial with exponents
    /// `parts` (distinct coordinates for distinct parts, equal parts unordered), by dynamic
    /// programming over coordinates: the state counts how many parts of each distinct value are
    /// placed. Also returns the orbit size.
    func symmetricOrbitSums(_ parts: [Int], table: [Double], count: Int, kmax: Int) -> ([Double], Double) {
        let values = Array(Set(parts)).sorted(), mult = values.map { v in parts.filter { $0 == v }.count }
        var strides = [Int](repeating: 1, count: values.count), states = 1
        for j in values.indices { strides[j] = states; states *= mult[j] + 1 }
        let coordinates = support ?? Array(0..<n)
        var out = [Double](repeating: 0, count: count)
        for i in 0..<count {
            var dp = [Double](repeating: 0, count: states); dp[0] = 1
            for coord in coordinates {
                var next = dp
                for st in 0..<states where dp[st] != 0 {
                    for j in values.indices where (st / strides[j]) % (mult[j] + 1) < mult[j] {
                        next[st + strides[j]] += dp[st] * table[(i * n + coord) * (kmax + 1) + values[j]]
                    }
                }
                dp = next
            }
            out[i] = dp[states - 1]
        }
        // |O| = s! / ((s − ℓ)! Π mult_j!), s = |S| (n without a support).
        var size = 1.0
        for i in 0..<parts.count { size *= Double(coordinates.count - i) }
        for m in mult { for i in 1...Swift.max(m, 1) { size /= Double(i) } }
        return (out, size)
    }
}
