/// A permutation of the points 0..<degree, stored as the list of images: point i goes to `images[i]`.
///
/// It acts on sign vectors x ∈ {−1,+1}^degree by moving coordinates: (g·x)_{g(i)} = x_i.
/// Products compose right to left, as functions: (g * h)(i) = g(h(i)).
public struct Permutation: Hashable, Sendable, CustomStringConvertible {
    public let images: [Int]

    /// Checks that `images` lists every point of 0..<images.count exactly once.
    public init(_ images: [Int]) throws {
        var seen = [Bool](repeating: false, count: images.count)
        for v in images {
            guard v >= 0, v < images.count, !seen[v] else { throw TheoryError.notAPermutation(images) }
            seen[v] = true
        }
        self.images = images
    }

    /// For images already known to be a permutation (internal constructions).
    init(unchecked images: [Int]) { self.images = images }

    public static func identity(_ degree: Int) -> Permutation { Permutation(unchecked: Array(0..<degree)) }

    /// The cycle i → i+1 (mod n) on n points.
    public static func rotation(_ n: Int) -> Permutation {
        Permutation(unchecked: (0..<n).map { ($0 + 1) % n })
    }

    /// The transposition of points a and b on `degree` points.
    public static func transposition(_ a: Int, _ b: Int, degree: Int) throws -> Permutation {
        guard a >= 0, b >= 0, a < degree, b < degree, a != b else {
            throw TheoryError.invalidArgument("transposition(\(a), \(b)) needs two distinct points in 0..<\(degree)")
        }
        var p = Array(0..<degree)
        p.swapAt(a, b)
        return Permutation(unchecked: p)
    }

    public var degree: Int { images.count }
    public var isIdentity: Bool { images.enumerated().allSatisfy { $0.offset == $0.element } }

    public subscript(_ point: Int) -> Int { images[point] }

    /// g * h: first h, then g.
    public static func * (g: Permutation, h: Permutation) -> Permutation {
        precondition(g.degree == h.degree, "Permutation *: degrees \(g.degree) and \(h.degree) differ")
        return Permutation(unchecked: h.images.map { g.images[$0] })
    }

    public var inverse: Permutation {
        var inv = [Int](repeating: 0, count: degree)
        for (i, v) in images.enumerated() { inv[v] = i }
        return Permutation(unchecked: inv)
    }

    /// The lengths of the cycles (fixed points count as cycles of length 1), in decreasing order.
    public var cycleLengths: [Int] {
        var seen = [Bool](repeating: false, count: degree), lengths: [Int] = []
        for start in 0..<degree where !seen[start] {
            var len = 0, i = start
            while !seen[i] { seen[i] = true; i = images[i]; len += 1 }
            lengths.append(len)
        }
        return lengths.sorted(by: >)
    }

    /// The number of cycles c(g): g fixes exactly 2^c(g) sign vectors (constant on each cycle).
    public var cycleCount: Int { cycleLengths.count }

    /// Cycle type as length → number of cycles of that length.
    public var cycleType: [Int: Int] { cycleLengths.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

    /// Applies g to a sign vector: (g·x)_{g(i)} = x_i.
    public func apply<T>(to x: [T]) -> [T] {
        precondition(x.count == degree, "Permutation.apply: vector has \(x.count) entries, permutation \(degree) points")
        var y = x
        for i in 0..<degree { y[images[i]] = x[i] }
        return y
    }

    /// Cycle notation, e.g. (0 1 2)(3 4); "()" for the identity.
    public var description: String {
        var seen = [Bool](repeating: false, count: degree), parts: [String] = []
        for start in 0..<degree where !seen[start] && images[start] != start {
            var cycle: [Int] = [], i = start
            while !seen[i] { seen[i] = true; cycle.append(i); i = images[i] }
            parts.append("(" + cycle.map(String.init).joined(separator: " ") + ")")
        }
        return parts.isEmpty ? "()" : parts.joined()
    }
}

// MARK: - Edges of a labelled graph

/// Indexing of the n(n−1)/2 edges {i, j} (i < j) of a graph on vertices 0..<n, in lexicographic order.
public enum EdgeIndexing {
    public static func edgeCount(vertices n: Int) -> Int { n * (n - 1) / 2 }

    /// The position of edge {i, j} in the lexicographic list (0,1), (0,2), …, (n−2, n−1).
    public static func index(_ i: Int, _ j: Int, vertices n: Int) -> Int {
        let (a, b) = i < j ? (i, j) : (j, i)
        precondition(a >= 0 && b < n && a != b, "EdgeIndexing.index: {\(i), \(j)} is not an edge on \(n) vertices")
        return a * (2 * n - a - 1) / 2 + (b - a - 1)
    }

    /// The edges in index order.
    public static func edges(vertices n: Int) -> [(Int, Int)] {
        var e: [(Int, Int)] = []
        e.reserveCapacity(edgeCount(vertices: n))
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { e.append((i, j)) } }
        return e
    }

    /// The permutation of edges induced by a permutation σ of the vertices: {i, j} ↦ {σ(i), σ(j)}.
    public static func inducedEdgePermutation(_ sigma: Permutation) -> Permutation {
        let n = sigma.degree
        return Permutation(unchecked: edges(vertices: n).map { index(sigma[$0.0], sigma[$0.1], vertices: n) })
    }
}
