import SymLabNumerics

/// A permutation of 0..<degree, acting on vectors by moving coordinates:
/// (g·x)[images[i]] = x[i]. Composition `a.then(b)` acts as a first, then b.
public struct Permutation: Hashable, Sendable, CustomStringConvertible {
    public let images: [Int]

    public init(_ images: [Int]) {
        precondition(Set(images) == Set(0..<images.count), "Permutation: \(images) is not a permutation of 0..<\(images.count)")
        self.images = images
    }

    public static func identity(_ n: Int) -> Permutation { Permutation(Array(0..<n)) }
    /// The cyclic shift i ↦ i + s mod n.
    public static func shift(_ s: Int, degree n: Int) -> Permutation { Permutation((0..<n).map { (($0 + s) % n + n) % n }) }
    /// The reflection i ↦ −i mod n.
    public static func reflection(degree n: Int) -> Permutation { Permutation((0..<n).map { (n - $0) % n }) }

    public var degree: Int { images.count }

    public var inverse: Permutation {
        var inv = images
        for (i, j) in images.enumerated() { inv[j] = i }
        return Permutation(inv)
    }

    /// self, then `next`.
    public func then(_ next: Permutation) -> Permutation { Permutation(images.map { next.images[$0] }) }

    public func act<T>(on x: [T]) -> [T] {
        precondition(x.count == degree, "Permutation.act: vector of length \(x.count), permutation of degree \(degree)")
        var out = x
        for i in 0..<degree { out[images[i]] = x[i] }
        return out
    }

    /// Acts on axis 1 of a tensor [N, degree, …] (the coordinates of each sample).
    public func act(onAxis1 x: Tensor<Double>) -> Tensor<Double> {
        precondition(x.rank >= 2 && x.shape[1] == degree, "Permutation.act: axis 1 of \(x.shape) is not of length \(degree)")
        let n = x.shape[0], inner = x.shape.dropFirst(2).reduce(1, *), d = degree
        let out = Tensor<Double>(uninitializedShape: x.shape)
        x.withUnsafePointer { src in out.withSharedMutablePointer { dst in
            for s in 0..<n {
                for i in 0..<d { (dst + (s * d + images[i]) * inner).update(from: src + (s * d + i) * inner, count: inner) }
            }
        } }
        return out
    }

    public var description: String { "(" + images.map(String.init).joined(separator: " ") + ")" }
}

/// A permutation group acting on coordinates of {−1, +1}^degree (and of R^degree).
///
/// The canonical orbit representative is the lexicographically smallest image under the
/// group, with −1 < +1: two vectors are in one orbit iff their representatives agree, which
/// is how a random labelling of the orbits (the class H_ρ) is evaluated.
public protocol PermutationGroup: Sendable {
    var name: String { get }
    /// Number of coordinates acted on.
    var degree: Int { get }
    /// |G| (as a Double: |S_n| overflows Int quickly).
    var order: Double { get }
    /// All elements, when there are few enough to list (nil otherwise).
    var elements: [Permutation]? { get }
    func randomElement(rng: inout RandomStream) -> Permutation
    /// The smallest image of a sign vector packed as bits: bit (degree − 1 − i) is set iff x_i = +1,
    /// so that integer order is lexicographic order. Needs degree ≤ 64.
    func canonicalBits(_ bits: UInt64) -> UInt64
}

extension PermutationGroup {
    /// The canonical representative of a ±1 vector's orbit.
    public func canonicalRepresentative(_ x: [Double]) -> [Double] { unpackSigns(canonicalBits(packSigns(x)), degree: degree) }
}

/// Packs x ∈ {−1, +1}^n (n ≤ 64) so that integer order is lexicographic order with −1 < +1.
public func packSigns(_ x: [Double]) -> UInt64 {
    precondition(x.count <= 64, "packSigns: at most 64 coordinates, got \(x.count)")
    var b: UInt64 = 0
    for v in x { b = (b << 1) | (v > 0 ? 1 : 0) }
    return b
}

public func unpackSigns(_ b: UInt64, degree n: Int) -> [Double] {
    (0..<n).map { (b >> UInt64(n - 1 - $0)) & 1 == 1 ? 1 : -1 }
}

/// Applies a permutation to packed signs (coordinate i moves to images[i]).
func permuteBits(_ b: UInt64, _ images: [Int], degree n: Int) -> UInt64 {
    var out: UInt64 = 0
    for i in 0..<n where (b >> UInt64(n - 1 - i)) & 1 == 1 { out |= 1 << UInt64(n - 1 - images[i]) }
    return out
}

/// C_n: cyclic shifts of n coordinates.
public struct CyclicGroup: PermutationGroup {
    public let degree: Int
    public init(_ n: Int) { precondition(n >= 1, "CyclicGroup: n must be ≥ 1"); degree = n }
    public var name: String { "C\(degree)" }
    public var order: Double { Double(degree) }
    public var elements: [Permutation]? { (0..<degree).map { .shift($0, degree: degree) } }
    public func randomElement(rng: inout RandomStream) -> Permutation { .shift(rng.int(below: degree), degree: degree) }
    public func canonicalBits(_ b: UInt64) -> UInt64 { minRotation(b, degree) }
}

/// The smallest of the n rotations of an n-bit word.
func minRotation(_ b: UInt64, _ n: Int) -> UInt64 {
    let mask: UInt64 = n == 64 ? ~0 : (1 << UInt64(n)) - 1
    var best = b, r = b
    for _ in 1..<Swift.max(n, 1) {
        r = ((r << 1) | (r >> UInt64(n - 1))) & mask
        best = Swift.min(best, r)
    }
    return best
}

/// D_n: the symmetries of an n-gon (shifts and reflections), order 2n.
public struct DihedralGroup: PermutationGroup {
    public let degree: Int
    public init(_ n: Int) { precondition(n >= 1, "DihedralGroup: n must be ≥ 1"); degree = n }
    public var name: String { "D\(degree)" }
    public var order: Double { Double(2 * degree) }
    public var elements: [Permutation]? {
        let r = Permutation.reflection(degree: degree)
        return (0..<degree).flatMap { s in [Permutation.shift(s, degree: degree), r.then(.shift(s, degree: degree))] }
    }
    public func randomElement(rng: inout RandomStream) -> Permutation {
        let s = Permutation.shift(rng.int(below: degree), degree: degree)
        return rng.int(below: 2) == 0 ? s : Permutation.reflection(degree: degree).then(s)
    }
    public func canonicalBits(_ b: UInt64) -> UInt64 {
        // Reflection i ↦ −i mod n, then every rotation.
        let reflected = permuteBits(b, Permutation.reflection(degree: degree).images, degree: degree)
        return Swift.min(minRotation(b, degree), minRotation(reflected, degree))
    }
}

/// S_n: all permutations of n coordinates. The orbits of {−1, +1}^n are the Hamming weights.
public struct SymmetricGroup: PermutationGroup {
    public let degree: Int
    public init(_ n: Int) { precondition(n >= 1, "SymmetricGroup: n must be ≥ 1"); degree = n }
    public var name: String { "S\(degree)" }
    public var order: Double { (1...Swift.max(degree, 1)).reduce(1.0) { $0 * Double($1) } }
    public var elements: [Permutation]? { degree <= 8 ? allPermutations(degree).map(Permutation.init) : nil }
    public func randomElement(rng: inout RandomStream) -> Permutation { Permutation(rng.permutation(degree)) }
    /// −1s first: the w ones of the smallest image are the w lowest bits.
    public func canonicalBits(_ b: UInt64) -> UInt64 {
        let w = b.nonzeroBitCount
        return w == 64 ? ~0 : (1 << UInt64(w)) - 1
    }
}

/// S_m acting on the C(m, 2) edge slots of a graph on m nodes (orbits are isomorphism classes).
/// Edge slot order: (0,1), (0,2), …, (0,m−1), (1,2), …; x_e = +1 means the edge is present.
public struct EdgePermutationGroup: PermutationGroup {
    public let nodes: Int
    /// The edge permutation induced by every node permutation (m ≤ 8).
    private let edgeActions: [[Int]]
    public init(nodes m: Int) {
        precondition(m >= 2 && m <= 8, "EdgePermutationGroup: nodes must be in 2...8 (the canonical form enumerates all m! relabellings), got \(m)")
        nodes = m
        edgeActions = allPermutations(m).map { EdgePermutationGroup.edgeImages(ofNodePermutation: $0) }
    }
    public var degree: Int { nodes * (nodes - 1) / 2 }
    public var name: String { "S\(nodes) on edges" }
    public var order: Double { (1...nodes).reduce(1.0) { $0 * Double($1) } }
    public var elements: [Permutation]? { edgeActions.map(Permutation.init) }
    public func randomElement(rng: inout RandomStream) -> Permutation {
        Permutation(EdgePermutationGroup.edgeImages(ofNodePermutation: rng.permutation(nodes)))
    }
    public func canonicalBits(_ b: UInt64) -> UInt64 {
        var best = UInt64.max
        for e in edgeActions { best = Swift.min(best, permuteBits(b, e, degree: degree)) }
        return best
    }

    /// Slot index of the edge {i, j}, i ≠ j.
    public static func slot(_ i: Int, _ j: Int, nodes m: Int) -> Int {
        let (a, b) = (Swift.min(i, j), Swift.max(i, j))
        return a * m - a * (a + 1) / 2 + (b - a - 1)
    }

    static func edgeImages(ofNodePermutation p: [Int]) -> [Int] {
        let m = p.count
        var out: [Int] = []
        for i in 0..<m { for j in (i + 1)..<m { out.append(slot(p[i], p[j], nodes: m)) } }
        return out
    }
}

/// All permutations of 0..<n in lexicographic order (Heap's algorithm would not be ordered).
func allPermutations(_ n: Int) -> [[Int]] {
    var out: [[Int]] = []
    var p = Array(0..<n)
    while true {
        out.append(p)
        guard let i = (0..<Swift.max(n - 1, 0)).last(where: { p[$0] < p[$0 + 1] }) else { break }
        let j = (i + 1..<n).last { p[$0] > p[i] }!
        p.swapAt(i, j)
        p[(i + 1)...].reverse()
    }
    return out
}
