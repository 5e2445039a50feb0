import ArgumentParser
import Foundation
import SymLabTraining

/// Everything `symlab`'s commands print goes through here, so that text from a spec or a shared
/// results database (names, messages, configs, metric names) cannot drive the terminal: escape
/// sequences that clear the screen, retitle the window or hide text are shown escaped
/// (``UntrustedText/forTerminal(_:)``). This module-level `print` shadows Swift's in SymLabCLI.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(UntrustedText.forTerminal(items.map { "\($0)" }.joined(separator: separator)), terminator: terminator)
}

extension SymLab {
    /// `ParsableCommand.main()`, with its error message — which quotes spec and database text —
    /// escaped for the terminal before it is printed; the exit codes are ArgumentParser's.
    public static func mainEscapingMessages() -> Never {
        let code: ExitCode
        do {
            var command = try parseAsRoot()
            try command.run()
            code = .success
        } catch {
            code = exitCode(for: error)
            let message = UntrustedText.forTerminal(fullMessage(for: error))
            if !message.isEmpty {
                if code == .success { Swift.print(message) } else { writeToStandardError(message + "\n") }
            }
        }
        Foundation.exit(code.rawValue)   // C's exit flushes what print buffered
    }
}
