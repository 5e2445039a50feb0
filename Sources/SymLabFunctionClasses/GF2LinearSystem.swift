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
    /// The pivot columns, ascending: the coordinates on which the span of the coefficient rows
    /// projects one to one (each kept row has its pivot as lowest bit, so the rows restricted to
    /// the pivots form a triangular, invertible matrix).
    public var pivotColumns: [Int] { pivots.sorted() }

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
