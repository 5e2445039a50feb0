import BigInt

/// Partitions of n: the conjugacy classes of S_n. Burnside over S_n only needs one representative
/// cycle type per class and the class size n!/z_λ, so S_n is never enumerated.
public enum IntegerPartitions {
    /// One part size and how often it occurs.
    public typealias Block = (part: Int, multiplicity: Int)

    /// Calls `body` once per partition of n ≥ 0, as blocks with distinct parts in decreasing order.
    /// There are p(n) of them: 42 for n = 10, 190,569,292 for n = 100, so keep n modest.
    public static func forEach(_ n: Int, _ body: ([Block]) -> Void) {
        precondition(n >= 0, "IntegerPartitions.forEach: n must be ≥ 0, got \(n)")
        var blocks: [Block] = []
        func extend(_ remaining: Int, _ maxPart: Int) {
            if remaining == 0 { body(blocks); return }
            var part = min(maxPart, remaining)
            while part >= 1 {
                var m = remaining / part
                while m >= 1 {
                    blocks.append((part, m))
                    extend(remaining - part * m, part - 1)
                    blocks.removeLast()
                    m -= 1
                }
                part -= 1
            }
        }
        extend(n, n)
    }

    /// p(n), the number of partitions, by the standard recurrence over largest parts.
    public static func count(_ n: Int) -> BigUInt {
        precondition(n >= 0, "IntegerPartitions.count: n must be ≥ 0, got \(n)")
        var p = [BigUInt](repeating: 0, count: n + 1)
        p[0] = 1
        if n >= 1 { for k in 1...n { for m in k...n { p[m] += p[m - k] } } }
        return p[n]
    }

    /// z_λ = Π_k k^{m_k} m_k!, the order of the centralizer of a permutation of cycle type λ.
    public static func centralizerOrder(_ blocks: [Block]) -> BigUInt {
        blocks.reduce(BigUInt(1)) { $0 * BigUInt($1.part).power($1.multiplicity) * NumberTheory.factorial($1.multiplicity) }
    }

    /// The number of permutations of n points with cycle type λ: n!/z_λ.
    public static func classSize(_ blocks: [Block]) -> BigUInt {
        let n = blocks.reduce(0) { $0 + $1.part * $1.multiplicity }
        return NumberTheory.factorial(n) / centralizerOrder(blocks)
    }

    /// The cycle type on the n(n−1)/2 edges of the vertex permutation of type λ:
    /// inside one k-cycle, ⌊(k−1)/2⌋ cycles of length k, plus one of length k/2 if k is even;
    /// between two k-cycles, k cycles of length k; between an i- and a j-cycle, gcd(i, j) of length lcm(i, j).
    public static func edgeCycleType(_ blocks: [Block]) -> [Int: Int] {
        var t: [Int: Int] = [:]
        for (a, (i, mi)) in blocks.enumerated() {
            t[i, default: 0] += mi * ((i - 1) / 2)
            if i % 2 == 0 { t[i / 2, default: 0] += mi }
            t[i, default: 0] += i * (mi * (mi - 1) / 2)
            for (j, mj) in blocks[(a + 1)...] {
                let g = NumberTheory.gcd(i, j)
                t[i / g * j, default: 0] += g * mi * mj
            }
        }
        return t.filter { $0.value > 0 }
    }

    /// The number of cycles of that edge permutation: Σ m_k⌊k/2⌋ + Σ k·C(m_k, 2) + Σ_{i<j} m_i m_j gcd(i, j).
    public static func edgeCycleCount(_ blocks: [Block]) -> Int {
        var c = 0
        for (a, (i, mi)) in blocks.enumerated() {
            c += mi * (i / 2) + i * (mi * (mi - 1) / 2)
            for (j, mj) in blocks[(a + 1)...] { c += mi * mj * NumberTheory.gcd(i, j) }
        }
        return c
    }
}
