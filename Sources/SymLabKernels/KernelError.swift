/// What went wrong in a kernel computation that is the user's to fix (inputs, options); a size
/// that does not fit in memory is a ``MemoryError`` (SymLabCore), as for every other computation.
public enum KernelError: Error, CustomStringConvertible, Equatable {
    /// The kernel cannot be evaluated on these inputs (e.g. an RBF kernel on graphs).
    case unsupportedInputs(kernel: String, reason: String)
    /// An option is out of range.
    case invalidOption(kernel: String, option: String, allowed: String, got: String)

    public var description: String {
        switch self {
        case let .unsupportedInputs(kernel, reason): "kernel \(kernel): \(reason)"
        case let .invalidOption(kernel, option, allowed, got): "kernel \(kernel): \(option) must be \(allowed), got \(got)"
        }
    }
}
