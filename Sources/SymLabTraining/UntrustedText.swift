/// Text that other people wrote — spec names and values, metric and experiment names from a
/// shared results database — on its way to a terminal or into a script. Control characters
/// there are commands, not text: an escape sequence clears the screen or retitles the terminal
/// window, a line break ends a gnuplot command so that the next line runs as one. The one place
/// that decides what becomes of them.
public enum UntrustedText {
    /// True for C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// `s` on one line, for a plot title or a script comment: tabs and line breaks become
    /// spaces, every other control character U+FFFD (�).
    public static func oneLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if !isControl(scalar) { out.append(scalar) }
            else if [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029].contains(scalar.value) { out.append(" ") }
            else { out.append("\u{FFFD}") }
        }
        return String(out)
    }

    /// `s` for a terminal: line breaks and tabs stay (messages span lines), every other control
    /// character is shown as a Swift-style escape (`\u{1B}`), so a reader sees what the file holds
    /// and the terminal executes none of it.
    public static func forTerminal(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else { return s }
        var out = ""
        for scalar in s.unicodeScalars {
            if isControl(scalar) && scalar != "\n" && scalar != "\t" {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
