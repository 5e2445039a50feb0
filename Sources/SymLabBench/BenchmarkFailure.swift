/// A benchmark that could not measure what it set out to (a sweep that did not finish its runs):
/// one line saying why, for the command to print.
public struct BenchmarkFailure: Error, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}
