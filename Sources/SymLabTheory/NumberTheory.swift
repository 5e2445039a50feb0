import BigInt
import SymLabNumerics

/// Small exact arithmetic the orbit formulas need: divisors, Euler's φ, Möbius μ, binomials,
/// factorials and base-2 logarithms of integers far beyond Double's range.
public enum NumberTheory {
    /// The prime factorisation of n ≥ 1 as (prime, exponent) pairs, by trial division.
    public static func factorize(_ n: Int) -> [(prime: Int, exponent: Int)] {
        precondition(n >= 1, "factorize: n must be ≥ 1, got \(n)")
        var m = n, result: [(prime: Int, exponent: Int)] = []
        var p = 2
        while p * p <= m {
            if m % p == 0 {
                var e = 0
                while m % p == 0 { m /= p; e += 1 }
                result.append((p, e))
            }
            p += p == 2 ? 1 : 2
        }
        if m > 1 { result.append((m, 1)) }
        return result
    }

    /// The divisors of n ≥ 1 in increasing order.
    public static func divisors(_ n: Int) -> [Int] {
        var ds = [1]
        for (p, e) in factorize(n) {
            var next: [Int] = []
            for d in ds {
                var q = d
                for _ in 0...e { next.append(q); q *= p }
            }
            ds = next
        }
        return ds.sorted()
    }

    /// Euler's totient φ(n): the number of k in 1...n coprime to n.
    public static func totient(_ n: Int) -> Int {
        factorize(n).reduce(n) { acc, f in acc / f.prime * (f.prime - 1) }
    }

    /// The Möbius function μ(n): 0 if n has a square factor, else (−1)^(number of primes).
    public static func mobius(_ n: Int) -> Int {
        let f = factorize(n)
        if f.contains(where: { $0.exponent > 1 }) { return 0 }
        return f.count % 2 == 0 ? 1 : -1
    }

    public static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (abs(a), abs(b))
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    /// 2^k as an arbitrary-precision integer.
    public static func powerOfTwo(_ k: Int) -> BigUInt {
        precondition(k >= 0, "powerOfTwo: exponent must be ≥ 0, got \(k)")
        return BigUInt(1) << k
    }

    /// n! exactly.
    public static func factorial(_ n: Int) -> BigUInt {
        precondition(n >= 0, "factorial: n must be ≥ 0, got \(n)")
        var r = BigUInt(1)
        if n >= 2 { for k in 2...n { r *= BigUInt(k) } }
        return r
    }

    /// The binomial coefficient C(n, k) exactly (0 outside 0...n).
    public static func binomial(_ n: Int, _ k: Int) -> BigUInt {
        guard k >= 0, k <= n else { return 0 }
        let k = min(k, n - k)
        var r = BigUInt(1)
        if k > 0 {
            // r·(n−k+i)/i stays an integer at every step: it is C(n−k+i, i).
            for i in 1...k { r = r * BigUInt(n - k + i) / BigUInt(i) }
        }
        return r
    }

    /// log2(x) for x > 0, accurate to Double precision at any size (Double(x) overflows past 2^1024).
    public static func log2(_ x: BigUInt) -> Double {
        precondition(!x.isZero, "log2: x must be positive")
        let width = x.bitWidth
        if width <= 64 { return _log2(Double(UInt64(x))) }
        let top = UInt64(x >> (width - 64))
        return _log2(Double(top)) + Double(width - 64)
    }
}

/// log2 from IEEE operations and `portableLog`, so tables print the same digits everywhere.
@inline(__always) func _log2(_ x: Double) -> Double {
    if x > 0, x.significand == 1 { return Double(x.exponent) }   // exact for powers of two
    return portableLog(x) / 0.6931471805599453
}

/// A non-negative rational number p/q in lowest terms, for exact probabilities such as ‖p_O‖².
public struct ExactFraction: Hashable, Sendable, CustomStringConvertible {
    public let numerator: BigUInt
    public let denominator: BigUInt

    public init(_ numerator: BigUInt, _ denominator: BigUInt) {
        precondition(!denominator.isZero, "ExactFraction: zero denominator")
        let g = numerator.greatestCommonDivisor(with: denominator)
        self.numerator = numerator / g
        self.denominator = denominator / g
    }

    /// The nearest Double (to ~1 ulp; 0 on underflow). Exact digits live in ``numerator`` / ``denominator``.
    public var doubleValue: Double {
        if numerator.isZero { return 0 }
        // q = ⌊p·2^s / d⌋ has about 64 bits, so Double(q)·2^−s is accurate without overflow.
        let s = 64 - (numerator.bitWidth - denominator.bitWidth)
        let q = s >= 0 ? (numerator << s) / denominator : numerator / (denominator << -s)
        return Double(sign: .plus, exponent: -s, significand: Double(q))
    }

    /// log2(p/q); −∞ for 0.
    public var log2Value: Double {
        numerator.isZero ? -.infinity : NumberTheory.log2(numerator) - NumberTheory.log2(denominator)
    }

    public var description: String { "\(numerator)/\(denominator)" }
}
