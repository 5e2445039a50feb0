import Foundation
import SymLabTraining

/// What `symlab report --check` measures in each figure, so that an unreadable figure fails it:
/// a key (legend) drawn over a panel's plot area, text cut off at the figure's edge (a clipped
/// title), and text boxes drawn over each other (overprinted tick labels).
///
/// Two witnesses that do not depend on each other: gnuplot writes the plot area of every panel
/// (`NAME.layout.json`, from `GPVAL_TERM_*` after each plot, see ``Gnuplot/render(_:in:)``), and
/// the browser lays out the SVG and reports the box of every `<text>` it shows, a key entry being
/// a text inside one of gnuplot's `gnuplot_plot_N` groups (the only text gnuplot puts there).
/// The comparison is here, in plain code, so it is tested without a browser.
public enum FigureGeometry {
    /// An axis-aligned box in the SVG's pixels, y downwards.
    public struct Box: Sendable, Codable, Equatable {
        public var x: Double, y: Double, width: Double, height: Double
        public init(x: Double, y: Double, width: Double, height: Double) { self.x = x; self.y = y; self.width = width; self.height = height }
        public var area: Double { max(width, 0) * max(height, 0) }
        public func intersection(_ o: Box) -> Box {
            let x0 = max(x, o.x), y0 = max(y, o.y), x1 = min(x + width, o.x + o.width), y1 = min(y + height, o.y + o.height)
            return Box(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
        }
        public func union(_ o: Box) -> Box {
            let x0 = min(x, o.x), y0 = min(y, o.y)
            return Box(x: x0, y: y0, width: max(x + width, o.x + o.width) - x0, height: max(y + height, o.y + o.height) - y0)
        }
    }

    /// The sidecar gnuplot writes: the canvas and each panel's plot area (inside the axes).
    public struct Layout: Sendable, Decodable {
        public struct PanelArea: Sendable, Decodable { public let panel: Int, left: Double, right: Double, top: Double, bottom: Double }
        public let width: Double, height: Double
        public let panels: [PanelArea]
    }

    /// A text the browser drew: its content, whether it is a key entry, and its box.
    public struct Text: Sendable, Decodable {
        public let text: String
        public let key: Bool
        public let x: Double, y: Double, width: Double, height: Double
        var box: Box { Box(x: x, y: y, width: width, height: height) }
    }

    /// Overlaps smaller than this (pixels, in each direction) are glyph side bearings touching,
    /// not text drawn over text.
    static let tolerance = 2.0
    /// The part of a text's line box (top and bottom together) that holds no glyph ink for
    /// ordinary text: two lines stacked closer than their boxes are not yet drawn over each other.
    static let lineBoxMargin = 0.2

    public struct Measurement: Sendable {
        public let figure: String
        public let panels: Int
        /// Per panel whose plot area a key reaches: the area of the key's box inside it (px²) and
        /// that area as a fraction of the plot area.
        public let legendOverlaps: [(panel: Int, pixels: Double, fraction: Double)]
        /// Texts reaching beyond the figure's edge, and by how many pixels.
        public let clipped: [(text: String, pixels: Double)]
        /// Pairs of texts drawn over each other, with the overlap's width × height.
        public let overlapping: [(a: String, b: String, width: Double, height: Double)]

        public var largestLegendOverlap: Double { legendOverlaps.map(\.fraction).max() ?? 0 }
        public var problems: [String] {
            legendOverlaps.map { "figure \(figure): the legend overlaps the plot area of panel \($0.panel + 1) by \(Int($0.pixels.rounded())) px² (\(percent($0.fraction)) of it)" }
                + clipped.map { "figure \(figure): text '\(UntrustedText.oneLine($0.text))' is clipped by \(Int($0.pixels.rounded())) px at the figure's edge" }
                + overlapping.prefix(5).map { "figure \(figure): texts '\(UntrustedText.oneLine($0.a))' and '\(UntrustedText.oneLine($0.b))' overlap by \(Int($0.width.rounded()))×\(Int($0.height.rounded())) px" }
                + (overlapping.count > 5 ? ["figure \(figure): \(overlapping.count - 5) more overlapping text pair(s)"] : [])
        }
        /// One line of numbers, printed by `symlab report --check` for every figure.
        public var summary: String {
            "\(figure): \(panels) panel(s), legend over plot area \(percent(largestLegendOverlap)) (largest panel), "
                + "\(clipped.count) clipped text(s), \(overlapping.count) overlapping text pair(s)"
        }
        func percent(_ f: Double) -> String { String(format: "%.1f %%", 100 * f) }
    }

    /// Compares the texts the browser drew with the plot areas gnuplot reported.
    public static func measure(figure: String, layout: Layout, texts: [Text]) -> Measurement {
        let drawn = texts.filter { $0.box.area > 0 && !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
        var overlaps: [(Int, Double, Double)] = []
        for p in layout.panels {
            let area = Box(x: p.left, y: p.top, width: p.right - p.left, height: p.bottom - p.top)
            // The key's box: every key text that reaches into the plot area, joined.
            let inside = drawn.filter { $0.key }.map(\.box).filter {
                let i = $0.intersection(area)
                return i.width > tolerance && i.height > tolerance
            }
            guard let first = inside.first, area.area > 0 else { continue }
            let key = inside.dropFirst().reduce(first) { $0.union($1) }.intersection(area)
            overlaps.append((p.panel, key.area, key.area / area.area))
        }
        let canvas = Box(x: 0, y: 0, width: layout.width, height: layout.height)
        let clipped = drawn.compactMap { t -> (String, Double)? in
            let b = t.box
            let out = max(canvas.x - b.x, b.x + b.width - canvas.width, canvas.y - b.y, b.y + b.height - canvas.height)
            return out > tolerance ? (t.text, out) : nil
        }
        var overlapping: [(String, String, Double, Double)] = []
        for i in drawn.indices {
            for j in drawn.indices where j > i && !(drawn[i].key && drawn[j].key) {
                let o = drawn[i].box.intersection(drawn[j].box)
                // A text's box is its line box, ascent to descent: glyphs touch only when the
                // boxes overlap by more than the empty band at their top and bottom.
                if o.width > tolerance && o.height > max(tolerance, lineBoxMargin * min(drawn[i].height, drawn[j].height)) { overlapping.append((drawn[i].text, drawn[j].text, o.width, o.height)) }
            }
        }
        return Measurement(figure: figure, panels: layout.panels.count, legendOverlaps: overlaps, clipped: clipped, overlapping: overlapping)
    }

    /// The figures of a report page: the SVG files its `<img>` elements show, relative to it.
    static func svgSources(inPage html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let r = rest.range(of: "<img src=\"") {
            rest = rest[r.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let src = String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
            if src.hasSuffix(".svg"), !src.contains("://"), !out.contains(src) { out.append(src) }
        }
        return out
    }

    /// A page that lays out each SVG inline and writes the box of every text into the DOM (see
    /// ``BrowserCheck``). The SVG is parsed as XML and stripped of scripts and event handlers
    /// before it is inserted: figure text comes from specs and databases others wrote.
    static func probePage(_ figures: [(name: String, svg: String)], marker: String) throws -> String {
        struct Item: Encodable { let name: String; let svg: String }
        let json = String(decoding: try JSONEncoder().encode(figures.map { Item(name: $0.name, svg: $0.svg) }), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
        return """
            <!DOCTYPE html><html><head><meta charset="utf-8"><style>body { margin: 0; } div { display: block; }</style></head><body>
            <script>
            (function () {
              var figures = \(json), out = [];
              figures.forEach(function (f) {
                var svg = new DOMParser().parseFromString(f.svg, 'image/svg+xml').documentElement;
                Array.prototype.forEach.call(svg.querySelectorAll('script, foreignObject'), function (e) { e.remove(); });
                Array.prototype.forEach.call(svg.querySelectorAll('*'), function (e) {
                  Array.prototype.slice.call(e.attributes).forEach(function (a) { if (/^on/i.test(a.name)) e.removeAttribute(a.name); });
                });
                var holder = document.createElement('div');
                holder.appendChild(document.importNode(svg, true));
                document.body.appendChild(holder);
                var root = holder.firstElementChild.getBoundingClientRect();
                var texts = Array.prototype.map.call(holder.querySelectorAll('text'), function (t) {
                  var r = t.getBoundingClientRect();
                  return { text: t.textContent, key: !!t.closest('g[id^="gnuplot_plot_"]'), x: r.left - root.left, y: r.top - root.top, width: r.width, height: r.height };
                });
                out.push({ name: f.name, texts: texts });
                holder.remove();
              });
              var pre = document.createElement('pre');
              pre.id = '\(marker)';
              pre.textContent = JSON.stringify({ figures: out });
              document.body.appendChild(pre);
            })();
            </script></body></html>
            """
    }
}
