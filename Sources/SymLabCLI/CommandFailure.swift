/// The one error type of the command tree: a failure after the arguments were accepted (a
/// library error, a refusal, a file that cannot be written), printed as one clear line
/// (`Error: …`, without the usage text) with exit status 1. Usage mistakes are ArgumentParser's
/// `ValidationError`; other exit statuses are `ExitCode`.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
