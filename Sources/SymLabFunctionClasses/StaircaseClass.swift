import SymLabCore
import SymLabNumerics

/// Staircase and leap functions on the hypercube (Abbe, Boix-Adserà, Misiakiewicz 2022, 2023):
/// f = (1/√T) Σ_j χ_{S_j}(x), x uniform on {−1, +1}^d, with distinct non-empty S_j, so mean 0
/// and variance 1. `kind=staircase` is x1 + x1x2 + … + x1⋯x_h (leap 1, the merged-staircase
/// property), `kind=parity` is x1⋯x_h (leap h), `kind=custom` takes `monomials` such as
/// "1;1,2;1,2,3" (1-based). The support is the first coordinates, as in the papers.
public struct StaircaseClass: RegisteredFunctionClass {
    public static let className = "staircase"
    public static let summary = "staircase / leap functions Σ χ_{S_j} on {±1}^d (Abbe et al.): x1+x1x2+x1x2x3 vs x1x2x3"
    public static let optionDocs = [
        OptionDoc("d", "20", "input dimension (1...4096)"),
        OptionDoc("kind", "staircase", "staircase, parity or custom"),
        OptionDoc("height", "3", "h for staircase and parity (1...d)"),
        OptionDoc("monomials", "-", "for kind=custom: sets separated by ';', indices by ',' (1-based), e.g. 1;1,2;1,2,3"),
        noiseDoc,
    ]
    public let d: Int, monomials: [[Int]], noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { LabelMoments(mean: 0, variance: 1) }
    /// Leap complexity: the least, over orderings of the S_j, of the most new coordinates one step adds.
    public var leap: Int { StaircaseClass.leap(monomials) }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        let d = try o.int("d", default: 20, range: 1...4096)
        self.d = d
        let kind = try o.choice("kind", default: "staircase", among: ["staircase", "parity", "custom"])
        switch kind {
        case "custom":
            let allowed = "sets of distinct indices in 1...\(d) separated by ';' (indices by ','), all sets distinct, at most 16 sets"
            guard let s = o.string("monomials") else { throw o.fail("monomials", allowed: allowed, got: "") }
            let sets = s.split(separator: ";").map { $0.split(separator: ",").map { Int($0.trimmingWhitespace) } }
            guard !sets.isEmpty, sets.count <= 16, sets.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 != nil && (1...d).contains($0!) } }) else {
                throw o.fail("monomials", allowed: allowed, got: s)
            }
            let zero = sets.map { Array(Set($0.map { $0! - 1 })).sorted() }
            guard Set(zero).count == zero.count, zip(zero, sets).allSatisfy({ $0.count == $1.count }) else { throw o.fail("monomials", allowed: allowed, got: s) }
            monomials = zero
        default:
            let h = try o.int("height", default: Swift.min(3, d), range: 1...d)
            monomials = kind == "staircase" ? (1...h).map { Array(0..<$0) } : [Array(0..<h)]
        }
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        var p = o.resolved
        p["leap"] = "\(StaircaseClass.leap(monomials))"
        parameters = p
    }

    /// Minimum over orderings of the maximum number of new coordinates, by dynamic programming
    /// over subsets of monomials already placed (the coordinates covered depend only on the subset).
    public static func leap(_ sets: [[Int]]) -> Int {
        let t = sets.count
        var best = [Int](repeating: .max, count: 1 << t)
        best[0] = 0
        for mask in 0..<(1 << t) where best[mask] != .max {
            var covered = Set<Int>()
            for j in 0..<t where mask & (1 << j) != 0 { covered.formUnion(sets[j]) }
            for j in 0..<t where mask & (1 << j) == 0 {
                let step = Swift.max(best[mask], Set(sets[j]).subtracting(covered).count)
                best[mask | (1 << j)] = Swift.min(best[mask | (1 << j)], step)
            }
        }
        return best[(1 << t) - 1]
    }

    public func drawTarget(rng: inout RandomStream) -> any Target { MonomialSumTarget(n: d, monomials: monomials) }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawTarget(rng: &rng) as! MonomialSumTarget
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "Fourier coefficients 1/√T on each S_j; leap \(leap)\(leap == 1 ? " (merged staircase)" : "")")
        let expected = 1 / Double(monomials.count).squareRoot()
        let worst = monomials.map { abs(MonomialSumTarget.fourier(y, x, $0) - expected) }.max() ?? 0
        r.atMost("max |Ê[y·χ_{S_j}] − 1/√T|", worst, 5 / Double(x.shape[0]).squareRoot())
        r.exactly("leap", Double(leap), Double(leap))
        momentChecks(&r, labels: y, documented: documentedMoments, kurtosis: 3)
        return r
    }
}
