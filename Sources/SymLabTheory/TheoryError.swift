/// Why a theory computation refused its input. Every message names the offending value and,
/// where one exists, the limit and the way around it.
public enum TheoryError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A size parameter (n, a sample count, a number of functions, …) out of range.
    case invalidArgument(String)
    /// The point set {−1,+1}^d is too large to enumerate (2^d points).
    case tooManyPoints(degree: Int, maxDegree: Int)
    /// A quantity with no formula for this group; it needs brute force, which is too large here.
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message):
            return message
        case .tooManyPoints(let degree, let maxDegree):
            return "brute force over {−1,+1}^\(degree) needs 2^\(degree) points; the limit is 2^\(maxDegree)"
        case .unavailable(let message):
            return message
        }
    }
}
