/// Why a theory computation refused its input. Every message names the offending value and,
/// where one exists, the limit and the way around it.
public enum TheoryError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A size parameter (n, a sample count, a number of functions, …) out of range.
    case invalidArgument(String)
    /// An image list that is not a permutation of 0..<degree.
    case notAPermutation([Int])
    /// Generators (or a point set) of different degrees.
    case degreeMismatch(expected: Int, got: Int)
    /// The group closure would exceed the element cap; the closure is enumerated element by element.
    case groupTooLarge(limit: Int)
    /// The point set {−1,+1}^d is too large to enumerate (2^d points).
    case tooManyPoints(degree: Int, maxDegree: Int)
    /// A quantity with no formula for this group; it needs brute force, which is too large here.
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message):
            return message
        case .notAPermutation(let images):
            let shown = images.count <= 20 ? "\(images)" : "\(Array(images.prefix(20)))… (\(images.count) entries)"
            return "not a permutation of 0..<\(images.count): \(shown); every value in 0..<\(images.count) must appear exactly once"
        case .degreeMismatch(let expected, let got):
            return "permutation degree mismatch: expected \(expected) points, got \(got)"
        case .groupTooLarge(let limit):
            return "the group has more than \(limit) elements, too many to enumerate; "
                + "use a named family (cyclic, dihedral, symmetric, graphs), whose counts come from cycle types, "
                + "or raise elementLimit"
        case .tooManyPoints(let degree, let maxDegree):
            return "brute force over {−1,+1}^\(degree) needs 2^\(degree) points; the limit is 2^\(maxDegree)"
        case .unavailable(let message):
            return message
        }
    }
}
