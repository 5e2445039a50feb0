import SymLabNumerics

/// A permutation σ of the points 0..<degree, stored as its images: point i goes to `images[i]` = σ(i).
///
/// The one permutation type of SymmetryLab: function classes, models and the theory all use it,
/// with these conventions (stated here only):
/// - **Composition** is that of functions, right to left: (σ * τ)(i) = σ(τ(i)), first τ, then σ.
/// - **Action** on a vector x (of reals, or of signs in {−1,+1}^degree) moves coordinate i to
///   position σ(i): (σ·x)_{σ(i)} = x_i, that is (σ·x)_i = x_{σ⁻¹(i)}. Graphs are relabelled the same
///   way (node i becomes node σ(i)), and so is an axis of a tensor (``act(onAxis1:)``).
/// - With both, σ·(τ·x) = (σ * τ)·x: a left action, so a product acts as its factors applied
///   right to left, and a group's orbits are the same whether its elements or their inverses act.
public struct Permutation: Hashable, Sendable, CustomStringConvertible {
    public let images: [Int]

    /// `images` must list every point of 0..<images.count exactly once (a programming error
    /// otherwise); use ``init(checking:)`` for lists that come from users.
    public init(_ images: [Int]) {
        precondition(Permutation.isPermutation(images), "Permutation: \(images) is not a permutation of 0..<\(images.count)")
        self.images = images
    }

    /// Throws ``PermutationError/notAPermutation(_:)`` unless `images` lists every point of
    /// 0..<images.count exactly once.
    public init(checking images: [Int]) throws {
        guard Permutation.isPermutation(images) else { throw PermutationError.notAPermutation(images) }
        self.images = images
    }

    /// For images known to be a permutation (the constructions below).
    init(unchecked images: [Int]) { self.images = images }

    static func isPermutation(_ images: [Int]) -> Bool {
        var seen = [Bool](repeating: false, count: images.count)
        for v in images {
            guard v >= 0, v < images.count, !seen[v] else { return false }
            seen[v] = true
        }
        return true
    }

    public static func identity(_ degree: Int) -> Permutation { Permutation(unchecked: Array(0..<degree)) }

    /// The cyclic shift i ↦ i + s (mod n); s = 1 is the n-cycle that generates C_n.
    public static func shift(_ s: Int, degree n: Int) -> Permutation {
        Permutation(unchecked: (0..<n).map { (($0 + s) % n + n) % n })
    }

    /// The reflection i ↦ −i (mod n).
    public static func reflection(degree n: Int) -> Permutation { Permutation(unchecked: (0..<n).map { (n - $0) % n }) }

    /// The transposition of the distinct points a and b of 0..<degree.
    public static func transposition(_ a: Int, _ b: Int, degree: Int) -> Permutation {
        precondition(a >= 0 && b >= 0 && a < degree && b < degree && a != b,
                     "Permutation.transposition(\(a), \(b)): needs two distinct points in 0..<\(degree)")
        var p = Array(0..<degree)
        p.swapAt(a, b)
        return Permutation(unchecked: p)
    }

    public var degree: Int { images.count }
    public var isIdentity: Bool { images.enumerated().allSatisfy { $0.offset == $0.element } }

    /// σ(point).
    public subscript(_ point: Int) -> Int { images[point] }

    /// σ * τ = σ ∘ τ: first τ, then σ.
    public static func * (sigma: Permutation, tau: Permutation) -> Permutation {
        precondition(sigma.degree == tau.degree, "Permutation *: degrees \(sigma.degree) and \(tau.degree) differ")
        return Permutation(unchecked: tau.images.map { sigma.images[$0] })
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

    /// The number of cycles c(σ): σ fixes exactly 2^c(σ) sign vectors (constant on each cycle).
    public var cycleCount: Int { cycleLengths.count }

    /// Cycle type as length → number of cycles of that length.
    public var cycleType: [Int: Int] { cycleLengths.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

    /// σ·x: (σ·x)_{σ(i)} = x_i.
    public func act<T>(on x: [T]) -> [T] {
        precondition(x.count == degree, "Permutation.act: vector of length \(x.count), permutation of degree \(degree)")
        var out = x
        for i in 0..<degree { out[images[i]] = x[i] }
        return out
    }

    /// σ acting on axis 1 of a tensor [N, degree, …] (the coordinates of each sample).
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

/// Why a permutation or a permutation group given by a user was refused.
public enum PermutationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An image list that is not a permutation of 0..<degree.
    case notAPermutation([Int])
    /// Generators (or a point set) of different degrees.
    case degreeMismatch(expected: Int, got: Int)
    /// The group closure would exceed the element cap; the closure is enumerated element by element.
    case groupTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .notAPermutation(let images):
            let shown = images.count <= 20 ? "\(images)" : "\(Array(images.prefix(20)))… (\(images.count) entries)"
            return "not a permutation of 0..<\(images.count): \(shown); every value in 0..<\(images.count) must appear exactly once"
        case .degreeMismatch(let expected, let got):
            return "permutation degree mismatch: expected \(expected) points, got \(got)"
        case .groupTooLarge(let limit):
            return "the group has more than \(limit) elements, too many to enumerate; "
                + "use a named family (cyclic, dihedral, symmetric, graphs), whose counts come from cycle types, "
                + "or raise elementLimit"
        }
    }
}

// MARK: - Edges of a labelled graph

/// Indexing of the n(n−1)/2 edges {i, j} (i < j) of a graph on vertices 0..<n, in lexicographic
/// order (0,1), (0,2), …, (0,n−1), (1,2), …: the coordinates S_n permutes when it acts on graphs.
public enum EdgeIndexing {
    public static func edgeCount(vertices n: Int) -> Int { n * (n - 1) / 2 }

    /// The position of edge {i, j} in the lexicographic list.
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
