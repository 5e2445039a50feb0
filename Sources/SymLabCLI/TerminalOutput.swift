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
        } catch let raw {
            let error = FileErrorText.readable(raw)
            code = exitCode(for: error)
            let message = UntrustedText.forTerminal(fullMessage(for: error))
            if !message.isEmpty {
                if code == .success { Swift.print(message) } else { writeToStandardError(message + "\n") }
            }
        }
        Foundation.exit(code.rawValue)   // C's exit flushes what print buffered
    }
}

/// A note on standard error (`note: …`), escaped like everything else printed: what the reader
/// should know that is not an error, such as a key read under its canonical spelling.
/// A note shared by several specs (an override's, applied to each) is printed once.
func printNotes(_ notes: [String]) {
    var seen = Set<String>()
    for n in notes where seen.insert(n).inserted { writeToStandardError(UntrustedText.forTerminal("note: " + n) + "\n") }
}

/// Foundation's file errors print as `Error Domain=NSCocoaErrorDomain Code=4 "…" UserInfo={…}`
/// (or, through `localizedDescription`, "The operation could not be completed"): internal names
/// and no path. This says which path failed and the system's reason, so the user can act on it.
enum FileErrorText {
    /// "PATH: No such file or directory" (without the path when the caller names it), or nil
    /// for an error that is not a Foundation file error.
    static func describe(_ error: any Error, withPath: Bool = true) -> String? {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain else { return nil }
        let path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        // The underlying POSIX error is stored as a Swift error, not always an NSError.
        let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
        var reason: String
        if let u = underlying, u.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(u.code)))
            if u.code == Int(ENOENT) { reason += " (does the folder exist?)" }
        } else if ns.code == CocoaError.Code.fileNoSuchFile.rawValue || ns.code == CocoaError.Code.fileReadNoSuchFile.rawValue {
            reason = "No such file or directory (does the folder exist?)"
        } else if ns.code == CocoaError.Code.fileWriteNoPermission.rawValue || ns.code == CocoaError.Code.fileReadNoPermission.rawValue {
            reason = "Permission denied"
        } else {
            reason = "the file system refused (Foundation error \(ns.code))"
        }
        return withPath ? path.map { "\($0): \(reason)" } ?? reason : reason
    }

    /// `error` as a ``CommandFailure`` with ``describe(_:)``'s text when it is a file error.
    static func readable(_ error: any Error) -> any Error {
        describe(error).map { CommandFailure($0) } ?? error
    }
}
