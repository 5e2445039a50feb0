import SymLabCore
import SymLabNumerics

/// Packs each row of a ±1 matrix [N, n] (n ≤ 64) with ``packSigns(_:)``.
func packRows(_ x: Tensor<Double>) -> [UInt64] {
    let n = x.shape[1], s = x.scalars
    return (0..<x.shape[0]).map { i in packSigns(Array(s[(i * n)..<((i + 1) * n)])) }
}

/// Report lines for exact invariance of a Boolean-input target under random elements of `group`.
func booleanInvarianceCheck(_ report: inout PropertyReport, target: any Target, group: PermutationGroup,
                            inputs x: Tensor<Double>, labels y: Tensor<Double>, rng: inout RandomStream, rounds: Int = 3) {
    var changed = 0.0
    for _ in 0..<rounds {
        let g = group.randomElement(rng: &rng)
        changed += mismatchCount(y, target.evaluate(.dense(g.act(onAxis1: x))))
    }
    report.exactly("labels changed by \(rounds) random elements of \(group.name) (of \(x.shape[0]) inputs each)", changed, 0)
}

/// C^B_F, candidate (b) of research note §1.4: the cyclic analogue of H_ER,n.
///
/// x uniform on {−1, +1}^n. A cyclic convolution with the 2^w ±1 filters of width w, followed
/// by the indicator ReLU(⟨P_j, patch⟩ − w + 1) ("this patch is pattern j"), summed over the n
/// positions, gives the pattern-count vector c_x; the label is (−1)^{b + Σ_{j∈S} c_x[j]}, the
/// zig-zag parity of the counts of a random subset S of patterns. Exactly C_n-invariant and
/// computable by one cyclic convolution plus a one-hidden-layer MLP. The paper's definition of
/// C^B_F was not recovered; this is the note's proposal.
public struct CyclicPatternParityClass: RegisteredFunctionClass {
    public static let className = "cyclic-pattern-parity"
    public static let claimsQueryHardness = true
    public static let summary = "C^B_F (b): parity of cyclic pattern counts on {±1}^n (Kiani et al., Fig. 1b)"
    public static let optionDocs = [
        OptionDoc("n", "16", "input length (2...64)"),
        OptionDoc("width", "3", "filter width w (1...min(n, 10))"),
        OptionDoc("k", "3", "|S|, number of patterns whose counts enter the parity (1...2^w − 1)"),
        OptionDoc("b", "random", "sign bit: random, 0 or 1"),
        noiseDoc,
    ]
    public let n: Int, width: Int, subsetSize: Int, signBit: Int?, noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { nil }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        n = try o.int("n", default: 16, range: 2...64)
        width = try o.int("width", default: 3, range: 1...Swift.min(n, 10))
        subsetSize = try o.int("k", default: Swift.min(3, (1 << width) - 1), range: 1...((1 << width) - 1))
        signBit = Int(try o.choice("b", default: "random", among: ["random", "0", "1"]))
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target { drawPatternTarget(rng: &rng) }

    public func drawPatternTarget(rng: inout RandomStream) -> CyclicPatternParityTarget {
        let s = rng.permutation(1 << width).prefix(subsetSize).sorted()
        return CyclicPatternParityTarget(n: n, width: width, patterns: s, signBit: signBit ?? rng.int(below: 2))
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        cyclicInvarianceReport(drawPatternTarget(rng: &rng), n: n, rng: &rng)
    }
}

/// One member of C^B_F (b).
public struct CyclicPatternParityTarget: Target {
    public let n: Int, width: Int
    /// Pattern ids j: position t of pattern j is +1 iff bit (w − 1 − t) of j is set.
    public let patterns: [Int]
    public let signBit: Int

    /// The member with pattern set S = `patterns` (ids below 2^width) and sign bit b.
    public init(n: Int, width: Int, patterns: [Int], signBit: Int) {
        self.n = n; self.width = width; self.patterns = patterns; self.signBit = signBit
    }

    /// The ±1 filters of the patterns in S (the weights of the minimal network's convolution).
    public var filters: [[Double]] { patterns.map { unpackSigns(UInt64($0), degree: width) } }

    public var parameters: [String: String] {
        ["patterns": filters.map { $0.map { $0 > 0 ? "+" : "-" }.joined() }.joined(separator: ","), "sign_bit": "\(signBit)"]
    }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { .dense(rng.rademacher([count, n])) }

    /// c_x[j] for every pattern j: the number of cyclic windows equal to pattern j.
    public func patternCounts(_ x: Tensor<Double>) -> [[Int]] {
        let words = packRows(x), mask = UInt64((1 << width) - 1)
        return words.map { b in
            var c = [Int](repeating: 0, count: 1 << width)
            for t in 0..<n {
                // Window x[t], …, x[t+w−1] (cyclic), as a w-bit word with x[t] the high bit.
                var w: UInt64 = 0
                for s in 0..<width { w = (w << 1) | ((b >> UInt64(n - 1 - (t + s) % n)) & 1) }
                c[Int(w & mask)] += 1
            }
            return c
        }
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        Tensor(patternCounts(inputs.dense).map { c in patterns.reduce(signBit) { $0 + c[$1] } % 2 == 0 ? 1.0 : -1.0 })
    }
}

/// C^B_F, candidate (a) of research note §1.4: frame-averaged parities.
///
/// The frame F(x) is the set of shifts taking x to its canonical (lexicographically smallest)
/// rotation; f_S(x) = mean_{g∈F(x)} χ_S(g⁻¹x) = χ_S(canonical rotation of x), with S a random
/// k-subset of coordinates. Exactly C_n-invariant. Labels are ±1; their mean is not 0 (canonical
/// rotations start with −1s) and is reported, not documented.
public struct CyclicFrameParityClass: RegisteredFunctionClass {
    public static let className = "cyclic-frame-parity"
    public static let claimsQueryHardness = true
    public static let summary = "C^B_F (a): frame-averaged parity χ_S of the canonical rotation of x ∈ {±1}^n"
    public static let optionDocs = [
        OptionDoc("n", "16", "input length (2...64)"),
        OptionDoc("k", "3", "|S|, parity order (1...n)"),
        noiseDoc,
    ]
    public let n: Int, k: Int, noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { nil }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        n = try o.int("n", default: 16, range: 2...64)
        k = try o.int("k", default: Swift.min(3, n), range: 1...n)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target {
        CyclicFrameParityTarget(n: n, subset: rng.permutation(n).prefix(k).sorted())
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        cyclicInvarianceReport(drawTarget(rng: &rng), n: n, rng: &rng)
    }
}

public struct CyclicFrameParityTarget: Target {
    public let n: Int
    public let subset: [Int]
    /// The member χ_S of the canonical rotation, S = `subset` (0-based positions).
    public init(n: Int, subset: [Int]) { self.n = n; self.subset = subset }
    public var parameters: [String: String] { ["subset": subset.map(String.init).joined(separator: ",")] }
    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { .dense(rng.rademacher([count, n])) }
    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        Tensor(packRows(inputs.dense).map { b in
            let c = minRotation(b, n)
            // χ_S = (−1)^{number of −1s at S}.
            let minus = subset.filter { (c >> UInt64(n - 1 - $0)) & 1 == 0 }.count
            return minus % 2 == 0 ? 1.0 : -1.0
        })
    }
}

/// H_ρ (Kiani et al., Theorem 2): a uniformly random ±1 labelling of the orbits of a
/// permutation group acting on {−1, +1}^n, x uniform.
///
/// The label of x is a keyed hash of its canonical orbit representative (the lexicographically
/// smallest image), so the labelling is random per target yet exactly invariant, and never
/// needs the (exponentially long) list of orbits. Groups: cyclic C_n, dihedral D_n, symmetric
/// S_n, and S_m on the C(m, 2) edge slots of a graph ("graph-edges", n = m nodes ≤ 8).
public struct SymmetricBooleanClass: RegisteredFunctionClass {
    public static let className = "symmetric-boolean"
    public static let claimsQueryHardness = true
    public static let summary = "H_ρ: random ±1 labelling of the orbits of C_n, D_n, S_n or S_m on graph edges (Kiani et al., Thm 2)"
    public static let optionDocs = [
        OptionDoc("group", "cyclic", "cyclic, dihedral, symmetric or graph-edges"),
        OptionDoc("n", "12", "input length (1...64); for graph-edges the number of nodes (2...8), input length n(n−1)/2"),
        noiseDoc,
    ]
    public let group: PermutationGroup
    public let noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { nil }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        let kind = try o.choice("group", default: "cyclic", among: ["cyclic", "dihedral", "symmetric", "graph-edges"])
        if kind == "graph-edges" {
            group = .graphEdges(nodes: try o.int("n", default: 5, range: 2...8))
        } else {
            let n = try o.int("n", default: 12, range: 1...64)
            switch kind {
            case "cyclic": group = .cyclic(n)
            case "dihedral": group = .dihedral(n)
            default: group = .symmetric(n)
            }
        }
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        var p = o.resolved
        p["input_length"] = "\(group.degree)"
        parameters = p
    }

    public func drawTarget(rng: inout RandomStream) -> any Target { OrbitLabellingTarget(group: group, key: rng.next()) }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng)
        let x = t.sampleInputs(count: 500, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "labels are invariant under every element of \(group.name)")
        if let all = group.elements, all.count <= 128 {
            let changed = all.reduce(0.0) { $0 + mismatchCount(y, t.evaluate(.dense($1.act(onAxis1: x)))) }
            r.exactly("labels changed by the \(all.count) elements of \(group.name) (of \(x.shape[0]) inputs each)", changed, 0)
        } else {
            booleanInvarianceCheck(&r, target: t, group: group, inputs: x, labels: y, rng: &rng, rounds: 20)
        }
        let orbits = Set(packRows(x).map(group.canonicalBits)).count
        r.checks.append(.init(name: "distinct orbits among \(x.shape[0]) inputs", value: Double(orbits), requirement: "reported", passed: true))
        momentChecks(&r, labels: y, documented: nil)
        return r
    }
}

/// One random orbit labelling: label(x) = ±1 from a keyed hash of x's canonical representative.
public struct OrbitLabellingTarget: Target {
    public let group: PermutationGroup
    public let key: UInt64
    public var parameters: [String: String] { ["group": group.name, "key": "\(key)"] }
    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> { .dense(rng.rademacher([count, group.degree])) }
    /// The label of one orbit, by its canonical bits.
    public func label(canonical c: UInt64) -> Double {
        var h = SplitMix64(state: key ^ (c &* 0x9E37_79B9_7F4A_7C15))
        return h.next() >> 63 == 0 ? 1 : -1
    }
    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        Tensor(packRows(inputs.dense).map { label(canonical: group.canonicalBits($0)) })
    }
}

/// The defining-property check shared by the C_n Boolean classes: exact invariance of a drawn
/// target's labels under cyclic shifts of 2000 uniform inputs, plus their moments.
func cyclicInvarianceReport(_ t: any Target, n: Int, rng: inout RandomStream) -> PropertyReport {
    let x = t.sampleInputs(count: 2000, rng: &rng).dense
    let y = t.evaluate(.dense(x))
    var r = PropertyReport(property: "labels are invariant under cyclic shifts of x")
    booleanInvarianceCheck(&r, target: t, group: .cyclic(n), inputs: x, labels: y, rng: &rng)
    momentChecks(&r, labels: y, documented: nil)
    return r
}
