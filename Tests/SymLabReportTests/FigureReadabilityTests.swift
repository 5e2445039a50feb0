import Foundation
import SymLabReport
import Testing

/// The readability measurement of `symlab report --check` (``FigureGeometry``): a key drawn over
/// a panel's plot area, text clipped at the figure's edge and text drawn over text are found and
/// measured; the new faceted curves of a sweep have none of them.
@Suite(.serialized) struct FigureReadabilityTests {
    /// The comparison itself, without a browser: made-up boxes with known overlaps.
    @Test func measurementFindsLegendOverlapClippedAndOverprintedText() throws {
        let layout = try JSONDecoder().decode(FigureGeometry.Layout.self, from: Data("""
            {"width": 600, "height": 400, "panels": [{"panel": 0, "left": 100, "right": 500, "top": 50, "bottom": 350}]}
            """.utf8))
        func text(_ t: String, key: Bool = false, _ x: Double, _ y: Double, _ w: Double, _ h: Double) -> FigureGeometry.Text {
            try! JSONDecoder().decode(FigureGeometry.Text.self, from: Data("""
                {"text": "\(t)", "key": \(key), "x": \(x), "y": \(y), "width": \(w), "height": \(h)}
                """.utf8))
        }
        // A key of two entries inside the plot area: its box is 100 × 40 px of a 400 × 300 px area.
        let inside = FigureGeometry.measure(figure: "f", layout: layout, texts: [
            text("a", key: true, 380, 60, 100, 20), text("b", key: true, 380, 80, 100, 20), text("ok", 10, 10, 50, 20)])
        #expect(inside.legendOverlaps.count == 1 && inside.legendOverlaps[0].pixels == 4000)
        #expect(abs(inside.legendOverlaps[0].fraction - 4000.0 / 120_000) < 1e-12)
        #expect(inside.problems == ["figure f: the legend overlaps the plot area of panel 1 by 4000 px² (3.3 % of it)"])
        // The same key right of the plot area, a title past the right edge, two tick labels on top of each other.
        let outside = FigureGeometry.measure(figure: "f", layout: layout, texts: [
            text("a", key: true, 505, 60, 80, 20), text("long title", 300, 5, 330, 20),
            text("10000", 150, 360, 50, 20), text("15000", 190, 360, 50, 20), text("20000", 245, 360, 50, 20)])
        #expect(outside.legendOverlaps.isEmpty)
        #expect(outside.clipped.count == 1 && outside.clipped[0].pixels == 30)
        #expect(outside.overlapping.count == 1 && outside.overlapping[0].a == "10000" && outside.overlapping[0].width == 10)
        #expect(outside.problems.count == 2)
    }

    /// The old layout of a 3 × 3 sweep's curves (main before issue 28: two panels side by side,
    /// 18 curves and a reference line, the 19-entry key inside the axes) fails the check, which
    /// says which figure and by how much.
    @Test func oldStyleLegendInsideTheAxesFailsTheBrowserCheck() throws {
        try HTMLReportTests.ensureChromium()
        let dir = NSTemporaryDirectory() + "symlab-old-legend-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var items: [String] = []
        for a in [2, 3, 4] { for w in [8, 16, 32] { for split in ["train", "test"] {
            items.append("x**-\(Double(a) / 4) * \(w) with lines lw 2 title 'data.k = \(a), model.width = \(w), \(split)'")
        } } }
        items.append("0.5 with lines dt 3 title 'Var(y), test labels'")
        var plots = ""
        for (p, title) in ["mean squared error", "training loss"].enumerated() {
            plots += """
                set title '\(title)'
                set key inside top right box opaque
                plot [1:100] \(items.joined(separator: ", "))
                layout = layout . sprintf('%s{"panel": \(p), "left": %.2f, "right": %.2f, "top": %.2f, "bottom": %.2f}', \(p == 0 ? "''" : "', '"), GPVAL_TERM_XMIN, GPVAL_TERM_XMAX, 520 - GPVAL_TERM_YMAX, 520 - GPVAL_TERM_YMIN)

                """
        }
        try """
            set terminal svg size 1360,520 font 'DejaVu Sans,16' enhanced background '#ffffff'
            set output 'old.svg'
            layout = ''
            set multiplot layout 1,2 title 'sweep: training curves'
            \(plots)
            unset multiplot
            set output
            set print 'old.layout.json'
            print '{"width": 1360, "height": 520, "panels": [' . layout . ']}'
            set print
            """.write(toFile: dir + "/old.gp", atomically: true, encoding: .utf8)
        let gnuplot = Process()
        gnuplot.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gnuplot.arguments = ["gnuplot", "old.gp"]
        gnuplot.currentDirectoryURL = URL(fileURLWithPath: dir)
        try gnuplot.run()
        gnuplot.waitUntilExit()
        #expect(gnuplot.terminationStatus == 0)
        try "<!DOCTYPE html><html><head><title>old</title></head><body><img src=\"old.svg\" alt=\"old\"></body></html>"
            .write(toFile: dir + "/index.html", atomically: true, encoding: .utf8)
        let result = try BrowserCheck.check(page: dir + "/index.html", screenshot: dir + "/shot.png")
        let figure = try #require(result.figures.first)
        print("old layout: \(figure.summary)")
        for p in figure.problems.prefix(3) { print("old layout: \(p)") }
        #expect(result.figures.count == 1 && figure.figure == "old.svg")
        #expect(figure.legendOverlaps.map(\.panel) == [0, 1], "\(figure.summary)")
        #expect(figure.largestLegendOverlap > 0.3, "\(figure.summary)")
        #expect(result.problems.contains { $0.hasPrefix("figure old.svg: the legend overlaps the plot area of panel 1 by ") }, "\(result.problems)")
    }
}
