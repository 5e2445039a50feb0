import Foundation

/// How SymmetryLab writes numbers for people: tables, summaries, option values, benchmark lines.
/// One place, so that a figure's summary, a theory table and `symlab data` spell the same number
/// the same way; each style says where it is used.
public enum NumberFormat {
    /// The shortest text that reads back as the same Double, without ".0" for whole numbers:
    /// option values and parameters (`d=64`, `lr=0.001`).
    public static func shortest(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    /// `digits` significant digits (printf `%g`), with "-0" written "0": summaries and reports
    /// (three digits unless a column needs more or fewer).
    public static func significant(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return "\(x)" }
        var s = String(format: "%.\(digits)g", x)
        if s.hasPrefix("-0"), Double(s) == 0 { s = "0" }
        return s
    }

    /// `digits` digits after the point (printf `%f`): tables with aligned columns.
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        return String(format: "%.\(digits)f", x)
    }

    /// `digits` significant digits exactly as printf `%g` writes them, "-0" included: the
    /// one-line results the CLI prints (`symlab data describe`, `model`, `kernel fit`, `runs list`,
    /// `theory bounds`), whose text predates ``significant(_:_:)`` and is kept byte for byte.
    public static func significantAsPrintf(_ x: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)g", x)
    }

    /// `x` rounded half away from zero to `digits` decimals and written as Swift writes a Double,
    /// zero-padded to `digits` decimals (no point for 0 digits): benchmark
    /// tables (`symlab bench`). Unlike ``fixed(_:_:)`` (printf), a tie rounds away from zero
    /// (0.125 → "0.13"), and very large or small values keep Swift's exponent notation.
    public static func rounded(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (x * scale).rounded() / scale
        var s = "\(r)"
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
            if digits == 0 { s = String(s[..<dot]) }
        } else if digits > 0 {
            s += "." + String(repeating: "0", count: digits)
        }
        return s
    }

    /// ``rounded(_:_:)`` right-aligned in `width` characters: a benchmark table's cell.
    public static func rounded(_ x: Double, _ digits: Int, width: Int) -> String {
        rightAligned(rounded(x, digits), width)
    }

    /// `s` right-aligned in `width` characters, with no separator (longer text is kept whole):
    /// tables that put their own separators between columns.
    public static func rightAligned(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// `s` left-aligned in `width` characters (longer text is kept whole): row labels.
    public static func leftAligned(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// Fixed notation between 10⁻³ and 10⁶ (4 decimals, or 1 from 100 on), else `d.ddde±k`:
    /// quantities that span many decades (correlations, query bounds, probabilities).
    public static func scientific(_ x: Double) -> String {
        if x == 0 || (Swift.abs(x) >= 1e-3 && Swift.abs(x) < 1e6) { return fixed(x, Swift.abs(x) >= 100 ? 1 : 4) }
        return String(format: "%.3e", x)
    }

    /// All digits up to 22, else `d.dddde+k`: exact integers (group orders, orbit counts) that may
    /// have hundreds of digits, kept to a column's width.
    public static func abbreviated(_ x: some CustomStringConvertible) -> String {
        let digits = x.description
        guard digits.count > 22 else { return digits }
        let d = Array(digits)
        return "\(d[0]).\(String(d[1...4]))e+\(d.count - 1)"
    }

    /// A byte count in the largest binary unit it reaches, to one decimal ("1.5 GiB", "820.0 MiB"),
    /// or "640 bytes" below 1 KiB: memory needs and budgets in messages.
    public static func bytes(_ count: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = Double(count), u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        if u == 0 { return "\(count) bytes" }
        let rounded = (v * 10).rounded() / 10
        return "\(rounded) \(units[u])"
    }

    /// Right-aligned cells of the given widths, each followed by a space (width 0: as is).
    public static func cells(_ values: [String], _ widths: [Int]) -> String {
        zip(values, widths).map { $1 == 0 ? $0 : cell($0, $1) }.joined()
    }

    /// `s` right-aligned in `width` characters and a space (longer text is kept whole).
    public static func cell(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : String(repeating: " ", count: width - s.count) + s + " "
    }
}
