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

    @discardableResult
    public static func render(_ figure: Figure, in directory: String) throws -> Output {
        let fm = FileManager.default
        let dataDir = directory + "/data"
        try fm.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
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
                items.append("'\(file)' using 1:2 with \(style) lw 2 dt \(series.dashed ? 2 : 1) lc rgb '\(colour)' title \(quoted(series.title))")
            }
            for r in panel.references {
                items.append("\(num(r.y)) with lines lw 1.5 dt 3 lc rgb '#000000' title \(quoted(r.title))")
            }
            var lines: [String] = [
                "  set title \(quoted(panel.title))",
                "  set xlabel \(quoted(panel.xLabel))",
                "  set ylabel \(quoted(panel.yLabel))",
                panel.logX ? "  set logscale x" : "  unset logscale x",
                panel.logY ? "  set logscale y" : "  unset logscale y",
                panel.logY ? "  set format y '10^{%L}'" : "  set format y '%g'",
            ]
            // A short key goes inside, top right, with headroom above the data so that it hides no
            // curve; a long one (many sweep points) goes outside, right of the plot.
            let entries = panel.series.count + panel.references.count
            lines += entries > 8
                ? ["  set key outside right top box opaque", "  set offsets 0, 0, 0, 0"]
                : ["  set key inside top right box opaque", "  set offsets 0, 0, graph \(keyHeadroom(entries: entries)), 0"]
            lines.append("  plot " + items.joined(separator: ", \\\n       "))
            plots.append(lines.joined(separator: "\n"))
        }
        let width = 640 * max(figure.panels.count, 1) + 80
        let script = """
            # \(comment(figure.title))
            # Written by symlab; run `gnuplot \(figure.name).gp` in this directory to redraw \(figure.name).png and .svg.
            set datafile separator ','
            set key top right box opaque
            set grid lt 1 lc rgb '#dddddd'
            set border lw 1.2
            do for [fmt in "png svg"] {
              if (fmt eq "png") {
                set terminal pngcairo size \(width),520 font 'DejaVu Sans,12' enhanced
                set output '\(figure.name).png'
                titlefont = ',14'
              } else {
                # SVG sizes are pixels, pngcairo's are points (4/3 px): 16 px reads like the PNG's 12 pt.
                set terminal svg size \(width),520 font 'DejaVu Sans,16' enhanced background '#ffffff'
                set output '\(figure.name).svg'
                titlefont = ',18'
              }
              set multiplot layout 1,\(max(figure.panels.count, 1)) title \(quoted(figure.title)) font titlefont
            \(plots.joined(separator: "\n"))
              unset multiplot
              set output
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

    /// The top offset (a fraction of the data's range) that leaves room for a key of `entries`
    /// lines, each about 5 % of the plot's height.
    static func keyHeadroom(entries: Int) -> Double {
        let key = 0.05 * Double(entries)
        return (min(key / (1 - min(key, 0.5)), 1) * 100).rounded() / 100
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
