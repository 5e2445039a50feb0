import Foundation
import SymLabTraining

/// Renders a ``Figure`` with gnuplot (Debian's `gnuplot-nox`): writes one CSV per series and a
/// tidy CSV of everything, a gnuplot script that reads them, and the PNG and SVG it draws. The
/// script is kept beside the plot so a user can restyle it and run `gnuplot NAME.gp` again.
public enum Gnuplot {
    public struct Output: Sendable {
        public let png: String, svg: String, script: String, csv: String
    }

    public enum RenderError: Error, CustomStringConvertible {
        case gnuplotMissing
        case gnuplotFailed(status: Int32, stderr: String)
        public var description: String {
            switch self {
            case .gnuplotMissing: "gnuplot is not installed (apt-get install -y gnuplot-nox); the data and script were written"
            case .gnuplotFailed(let s, let e): "gnuplot failed with status \(s): \(e)"
            }
        }
    }

    /// Tab-10 colours: distinguishable, and readable for the common colour-vision deficiencies.
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// Pixel geometry of a figure's grid (the SVG's pixels; the PNG uses the same fractions).
    struct Grid {
        let columns: Int, rows: Int, cellWidth: Int, cellHeight: Int, keyWidth: Int, titleHeight: Int
        var width: Int { columns * cellWidth + keyWidth }
        var height: Int { titleHeight + rows * cellHeight }
    }

    /// Average advance of a character of the SVG's 16 px DejaVu Sans, for sizing text boxes
    /// before gnuplot draws them (the browser check measures what it actually drew).
    static let charWidth = 9.6

    /// One key entry as a gnuplot plot item drawing no data (`NaN`): the same in a panel's own
    /// key and in a figure's shared key strip.
    static func keyItems(_ panel: Panel) -> [(title: String, item: String)] {
        panel.series.filter(\.inKey).map { series in
            let style = series.withPoints ? "linespoints pt 7 ps 0.6" : "lines"
            return (series.title, "NaN with \(style) lw 2 dt \(series.dashed ? 2 : 1) lc rgb '\(palette[series.colour % palette.count])' title \(quoted(series.title))")
        } + panel.keyEntries.map { ($0.title, "NaN with lines lw 2 dt \($0.dashed ? 2 : 1) lc rgb '#555555' title \(quoted($0.title))") }
          + panel.references.map { ($0.title, "NaN with lines lw 1.5 dt 3 lc rgb '#000000' title \(quoted($0.title))") }
    }

    /// Tick settings that keep at most `maxTicks` labels on an axis, so that labels of small
    /// panels do not overprint: a 1-2-5 step on linear axes, a power-of-ten factor on log axes.
    static func ticks(_ axis: String, values: [Double], log: Bool, maxTicks: Int) -> String {
        let v = values.filter { $0.isFinite && (!log || $0 > 0) }
        guard let lo = v.min(), let hi = v.max(), hi > lo else { return "set \(axis)tics autofreq" }
        if log {
            let decades = Foundation.log10(hi / lo)
            let factor = Foundation.pow(10, Swift.max(1, (decades / Double(maxTicks)).rounded(.up)))
            return "set \(axis)tics \(num(factor))"
        }
        let raw = (hi - lo) / Double(maxTicks)
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return "set \(axis)tics \(num(step))"
    }

    /// Writes the figure's CSV files and gnuplot script and runs gnuplot on it. Layout: a grid
    /// of panels (``Figure/columns``); the key is never inside the axes — when every panel has
    /// the same key (the facets of a sweep, or a single panel) it is drawn once in a strip right
    /// of the grid, else below each panel. The script also writes `NAME.layout.json`, the plot
    /// area of every panel in SVG pixels (gnuplot's `GPVAL_TERM_*` after each plot), which the
    /// browser check compares with the boxes of the text the SVG shows.
    @discardableResult
    public static func render(_ figure: Figure, in directory: String) throws -> Output {
        let fm = FileManager.default
        let dataDir = directory + "/data"
        try fm.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let n = max(figure.panels.count, 1)
        let columns = figure.columns.map { max(1, min($0, n)) } ?? (n <= 3 ? n : n == 4 ? 2 : 3)
        let rows = (n + columns - 1) / columns
        let keys = figure.panels.map(keyItems)
        let shared = figure.panels.count == 1 || Set(keys.map { $0.map(\.item) }).count == 1
        let longest = keys.flatMap { $0.map { UntrustedText.oneLine($0.title).count } }.max() ?? 0
        // gnuplot sizes the key's box by its own estimate of a character (0.7 em, wider than the
        // glyphs), plus the line sample: the strip is that wide, so that the box is not cut off.
        let keyWidth = shared && !(keys.first ?? []).isEmpty ? min(max(Int(Double(longest + 7) * 0.7 * 16) + 24, 160), 460) : 0
        let cellWidth = columns == 1 ? 640 : columns == 2 ? 560 : 380
        // A key below a panel needs a line per row of entries.
        // A key below a panel: as many lines as gnuplot will lay its entries out in (its estimate
        // of a character, 0.7 em, plus the line sample), in a band reserved under the axis labels.
        let perRow = max(1, Int(Double(cellWidth - 40) / (Double(longest + 7) * 0.7 * 16)))
        let keyLines = shared ? 0 : ((keys.map(\.count).max() ?? 0) + perRow - 1) / perRow
        let keyBand = keyLines == 0 ? 0 : keyLines * 22 + 14
        let grid = Grid(columns: columns, rows: rows, cellWidth: cellWidth, cellHeight: (rows == 1 ? 440 : 330) + keyBand,
                        keyWidth: keyWidth, titleHeight: 50)
        let W = Double(grid.width), H = Double(grid.height)
        func frac(_ x: Double) -> String { String(format: "%.5f", x) }

        var tidy = "panel,series,x,y,lower,upper\n"
        var plots: [String] = []
        for (p, panel) in figure.panels.enumerated() {
            var items: [String] = []
            for (s, series) in panel.series.enumerated() {
                let file = "data/\(figure.name)-p\(p)-s\(s).csv"
                var csv = "x,y,lower,upper\n"
                for i in series.x.indices {
                    let lo = series.lower?[i] ?? series.y[i], hi = series.upper?[i] ?? series.y[i]
                    csv += "\(num(series.x[i])),\(num(series.y[i])),\(num(lo)),\(num(hi))\n"
                    tidy += "\(CSVExporter.field(panel.title)),\(CSVExporter.field(series.title)),\(num(series.x[i])),\(num(series.y[i])),\(num(lo)),\(num(hi))\n"
                }
                try csv.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
                let colour = palette[series.colour % palette.count]
                if series.lower != nil {
                    items.append("'\(file)' using 1:3:4 with filledcurves fillstyle transparent solid 0.18 noborder lc rgb '\(colour)' notitle")
                }
                let style = series.withPoints ? "linespoints pt 7 ps 0.6" : "lines"
                items.append("'\(file)' using 1:2 with \(style) lw 2 dt \(series.dashed ? 2 : 1) lc rgb '\(colour)' \(series.inKey ? "title " + quoted(series.title) : "notitle")")
            }
            for r in panel.references {
                items.append("\(num(r.y)) with lines lw 1.5 dt 3 lc rgb '#000000' title \(quoted(r.title))")
            }
            // The key's style-only entries, drawn when the panel carries its own key.
            if !shared { items += panel.keyEntries.map { "NaN with lines lw 2 dt \($0.dashed ? 2 : 1) lc rgb '#555555' title \(quoted($0.title))" } }
            let row = p / columns, column = p % columns
            let xs = panel.series.flatMap(\.x)
            let ys = panel.yRange.map { [$0.lowerBound, $0.upperBound] }
                ?? panel.series.flatMap { $0.y + ($0.lower ?? []) + ($0.upper ?? []) } + panel.references.map(\.y)
            // A title wider than its cell is set in a smaller font rather than clipped.
            let titleScale = min(1, Double(cellWidth - 30) / max(1, Double(UntrustedText.oneLine(panel.title).count) * charWidth))
            var lines: [String] = [
                "  set origin \(frac(Double(column * cellWidth) / W)), \(frac(Double((rows - 1 - row) * grid.cellHeight) / H))",
                "  set size \(frac(Double(cellWidth) / W)), \(frac(Double(grid.cellHeight) / H))",
                "  set border 31 lw 1.2", "  set tics", "  set grid lt 1 lc rgb '#dddddd'",
                "  set title \(quoted(panel.title)) font sprintf(',%.1f', basefont * \(String(format: "%.2f", max(titleScale, 0.6))))",
                "  set xlabel \(quoted(panel.xLabel))",
                "  set ylabel \(quoted(panel.yLabel))",
                panel.logX ? "  set logscale x" : "  unset logscale x",
                panel.logY ? "  set logscale y" : "  unset logscale y",
                "  set format x '%g'",
                panel.logY ? "  set format y '10^{%L}'" : "  set format y '%g'",
                "  " + ticks("x", values: xs, log: panel.logX, maxTicks: cellWidth >= 500 ? 7 : 4),
                "  " + ticks("y", values: ys, log: panel.logY, maxTicks: grid.cellHeight >= 400 ? 8 : 5),
                "  set xrange [*:*]",
                panel.yRange.map { "  set yrange [\(num($0.lowerBound)):\(num($0.upperBound))]" } ?? "  set yrange [*:*]",
            ]
            // gnuplot's own `key below` sits on the x label; the key is placed in its band instead,
            // the plot's bottom margin leaving room for the tick labels and the x label above it.
            let cellBottom = Double((rows - 1 - row) * grid.cellHeight)
            lines += shared ? ["  unset key", "  set bmargin"]
                : ["  set bmargin at screen \(frac((cellBottom + Double(keyBand) + 80) / H))",
                   "  set key at graph 0.5, screen \(frac((cellBottom + Double(keyBand) + 2) / H)) center top horizontal box maxrows \(keyLines)"]
            lines.append("  plot " + items.joined(separator: ", \\\n       "))
            lines.append("  layout = layout . sprintf('%s{\"panel\": \(p), \"left\": %.2f, \"right\": %.2f, \"top\": %.2f, \"bottom\": %.2f}', "
                         + "\(p == 0 ? "''" : "', '"), GPVAL_TERM_XMIN, GPVAL_TERM_XMAX, \(grid.height) - GPVAL_TERM_YMAX, \(grid.height) - GPVAL_TERM_YMIN)")
            plots.append(lines.joined(separator: "\n"))
        }
        if keyWidth > 0, let entries = keys.first {
            // The shared key: an empty plot in the strip right of the grid, showing only its key.
            plots.append([
                "  set origin \(frac(Double(columns * cellWidth) / W)), 0",
                "  set size \(frac(Double(keyWidth) / W)), \(frac(Double(rows * grid.cellHeight) / H))",
                "  unset title", "  unset xlabel", "  unset ylabel", "  unset border", "  unset tics", "  unset grid",
                "  unset logscale x", "  unset logscale y", "  set xrange [0:1]", "  set yrange [0:1]",
                "  set key at screen \(frac(Double(columns * cellWidth + 8) / W)), screen \(frac((H - Double(grid.titleHeight) - 30) / H)) left top vertical Left reverse box",
                "  plot " + entries.map(\.item).joined(separator: ", \\\n       "),
            ].joined(separator: "\n"))
        }
        let figureTitleScale = min(1, (W - 40) / max(1, Double(UntrustedText.oneLine(figure.title).count) * charWidth * 1.15))
        let script = """
            # \(comment(figure.title))
            # Written by symlab; run `gnuplot \(figure.name).gp` in this directory to redraw \(figure.name).png and .svg
            # (and \(figure.name).layout.json, the panels' plot areas that `symlab report --check` reads).
            set datafile separator ','
            do for [fmt in "png svg"] {
              if (fmt eq "png") {
                set terminal pngcairo size \(grid.width),\(grid.height) font 'DejaVu Sans,12' enhanced
                set output '\(figure.name).png'
                basefont = 12
              } else {
                # SVG sizes are pixels, pngcairo's are points (4/3 px): 16 px reads like the PNG's 12 pt.
                set terminal svg size \(grid.width),\(grid.height) font 'DejaVu Sans,16' enhanced background '#ffffff'
                set output '\(figure.name).svg'
                basefont = 16
              }
              layout = ''
              set multiplot title \(quoted(figure.title)) font sprintf(',%.1f', basefont * \(String(format: "%.2f", 1.15 * max(figureTitleScale, 0.6))))
            \(plots.joined(separator: "\n"))
              unset multiplot
              set output
              if (fmt eq "svg") {
                set print '\(figure.name).layout.json'
                print sprintf('{"width": %d, "height": %d, "panels": [', \(grid.width), \(grid.height)) . layout . ']}'
                set print
              }
            }

            """
        let scriptPath = directory + "/\(figure.name).gp"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let csvPath = directory + "/\(figure.name).csv"
        try tidy.write(toFile: csvPath, atomically: true, encoding: .utf8)
        try runGnuplot(script: "\(figure.name).gp", in: directory)
        return Output(png: directory + "/\(figure.name).png", svg: directory + "/\(figure.name).svg", script: scriptPath, csv: csvPath)
    }

    static func runGnuplot(script: String, in directory: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gnuplot", script]
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { throw RenderError.gnuplotMissing }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationStatus == 127 { throw RenderError.gnuplotMissing }
        if p.terminationStatus != 0 {
            throw RenderError.gnuplotFailed(status: p.terminationStatus, stderr: String(decoding: data, as: UTF8.self))
        }
    }

    static func num(_ x: Double) -> String { x.isFinite ? "\(x)" : "NaN" }
    /// `s` as a gnuplot single-quoted string literal, safe to splice into a script whatever it
    /// holds: titles and labels carry text from specs and results databases that other people
    /// wrote. Inside single quotes gnuplot expands neither backquotes (shell commands) nor `@`
    /// macros, and `''` is a quote; the one way out is a line break, which ends the command so
    /// that the next line runs as a new one (`system("…")`). So the text is put on one line
    /// (``UntrustedText/oneLine(_:)``), and the enhanced-text specials
    /// (`\ ^ _ @ & ~ { }`) are escaped so that they print as written.
    static func quoted(_ s: String) -> String {
        var out = "'"
        for scalar in UntrustedText.oneLine(s).unicodeScalars {
            switch scalar {
            case "'": out += "''"
            case "\\", "^", "_", "@", "&", "~", "{", "}": out += "\\" + String(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    /// `s` as the text of a `#` comment line: control characters as in ``quoted(_:)``, and no
    /// trailing backslash (gnuplot continues a comment that ends in one onto the next line,
    /// which would comment out a command).
    static func comment(_ s: String) -> String {
        var out = UntrustedText.oneLine(s)
        while out.hasSuffix("\\") { out.removeLast() }
        return out
    }
}
