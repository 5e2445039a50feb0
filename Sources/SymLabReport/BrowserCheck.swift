import Foundation

/// Opens a report in headless Chromium (Debian's `chromium`) and reports what a reader would
/// see: every `<img>` and `<svg>` with its laid-out size and whether its image decoded, the
/// page's errors (resources that failed to load, script errors, console messages), whether each
/// SVG figure is readable (``FigureGeometry``: no key over a plot area, no clipped or
/// overprinted text), and a screenshot at a normal screen size.
///
/// How: a copy of the page with a small script in its `<head>` (the report itself has no
/// scripts) records load errors and `console.error`/`warn`, and after the `load` event writes
/// the measurements into the DOM, which `--dump-dom` prints. Console messages also reach
/// Chromium's log (`--enable-logging=stderr`), which is scanned as a second witness.
public enum BrowserCheck {
    public struct Element: Sendable, Codable, Equatable {
        public let tag: String
        public let source: String
        public let width: Double
        public let height: Double
        /// The decoded image's width (0 when an `<img>` did not load; 0 for `<svg>`).
        public let naturalWidth: Double
    }

    public struct Result: Sendable {
        public let elements: [Element]
        /// Load errors, script errors and console errors or warnings seen by the page.
        public let pageErrors: [String]
        /// Console lines from Chromium's log.
        public let consoleLines: [String]
        public let screenshot: String
        /// Width × height of the screenshot, read from its PNG header.
        public let screenshotSize: (width: Int, height: Int)?
        /// The measured readability of every SVG figure the page shows.
        public let figures: [FigureGeometry.Measurement]
        /// SVG figures that could not be measured (no layout file beside them), with why.
        public let unmeasured: [String]

        /// Elements drawn with no area, or images that did not decode.
        public var emptyElements: [Element] {
            elements.filter { $0.width <= 0 || $0.height <= 0 || ($0.tag == "IMG" && $0.naturalWidth <= 0) }
        }
        public var problems: [String] {
            var out: [String] = emptyElements.map { "\($0.tag.lowercased()) \($0.source) has size \($0.width)×\($0.height) (decoded width \($0.naturalWidth))" }
            out += pageErrors
            out += consoleLines
            out += figures.flatMap(\.problems)
            return out + unmeasured
        }
    }

    public enum CheckError: Error, CustomStringConvertible {
        case browserMissing
        case browserFailed(status: Int32, output: String)
        case noMeasurements(dom: String)
        public var description: String {
            switch self {
            case .browserMissing: "chromium is not installed (apt-get install -y chromium)"
            case .browserFailed(let s, let out): "chromium exited with status \(s): \(out.suffix(2000))"
            case .noMeasurements(let dom): "the page did not finish loading within the time budget (no measurements in the DOM): \(dom.prefix(500))"
            }
        }
    }

    /// The Chromium executable, if installed.
    public static func browser() -> String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let marker = "symlab-browser-check"

    static let probe = """
        <script>
        (function () {
          var errors = [];
          window.addEventListener('error', function (e) {
            var t = e.target;
            errors.push(t && t !== window && (t.src || t.href) ? 'failed to load ' + (t.src || t.href) : 'script error: ' + e.message);
          }, true);
          ['error', 'warn'].forEach(function (level) {
            var original = console[level];
            console[level] = function () { errors.push('console.' + level + ': ' + Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
          });
          window.addEventListener('load', function () {
            var out = Array.prototype.map.call(document.querySelectorAll('img, svg'), function (el) {
              var r = el.getBoundingClientRect();
              return { tag: el.tagName, source: el.getAttribute('src') || el.id || '', width: r.width, height: r.height, naturalWidth: el.naturalWidth || 0 };
            });
            var pre = document.createElement('pre');
            pre.id = '\(marker)';
            pre.textContent = JSON.stringify({ elements: out, errors: errors });
            document.body.appendChild(pre);
          });
        })();
        </script>
        """

    /// Checks `page` (an HTML file) and writes a screenshot of its first screen to `screenshot`.
    public static func check(page: String, screenshot: String, width: Int = 1280, height: Int = 800,
                             timeBudgetMilliseconds: Int = 10_000) throws -> Result {
        guard let chromium = browser() else { throw CheckError.browserMissing }
        let pageURL = URL(fileURLWithPath: page).standardizedFileURL
        let text = try String(contentsOf: pageURL, encoding: .utf8)
        // The probe copy sits beside the page, so its relative links resolve the same way.
        let probeURL = pageURL.deletingLastPathComponent().appendingPathComponent(".\(marker)-\(UUID().uuidString).html")
        let withProbe = text.replacingOccurrences(of: "<head>", with: "<head>\n" + probe, options: [], range: text.range(of: "<head>"))
        try withProbe.write(to: probeURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: probeURL) }
        let profile = NSTemporaryDirectory() + "\(marker)-profile-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: profile) }

        // No host name resolves: anything the page would fetch from the network fails to load
        // and is reported, so a passing check also shows the report is self-contained.
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
                      "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(profile)", "--window-size=\(width),\(height)",
                      "--enable-logging=stderr", "--v=0"]
        let dump = try run(chromium, common + ["--virtual-time-budget=\(timeBudgetMilliseconds)", "--dump-dom", probeURL.absoluteString])
        guard let start = dump.stdout.range(of: "<pre id=\"\(marker)\">"),
              let end = dump.stdout.range(of: "</pre>", range: start.upperBound..<dump.stdout.endIndex) else {
            throw dump.status != 0 ? CheckError.browserFailed(status: dump.status, output: dump.stderr) : CheckError.noMeasurements(dom: dump.stdout)
        }
        let json = unescapeDOM(String(dump.stdout[start.upperBound..<end.lowerBound]))
        struct Measured: Decodable { let elements: [Element]; let errors: [String] }
        let measured = try JSONDecoder().decode(Measured.self, from: Data(json.utf8))

        let shot = try run(chromium, common + ["--screenshot=\(screenshot)", pageURL.absoluteString])
        guard FileManager.default.fileExists(atPath: screenshot) else {
            throw CheckError.browserFailed(status: shot.status, output: shot.stderr)
        }
        let console = (dump.stderr + "\n" + shot.stderr).split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        let geometry = try measureFigures(page: pageURL, html: text, chromium: chromium, arguments: common + ["--virtual-time-budget=\(timeBudgetMilliseconds)"])
        return Result(elements: measured.elements, pageErrors: measured.errors, consoleLines: console, screenshot: screenshot,
                      screenshotSize: pngSize(screenshot), figures: geometry.figures, unmeasured: geometry.unmeasured)
    }

    /// Lays out every SVG figure of the page (with its `.layout.json` from gnuplot) in one probe
    /// page and measures it (``FigureGeometry``). An SVG that does not exist is skipped here:
    /// the page check already reports it as failing to load.
    static func measureFigures(page: URL, html: String, chromium: String, arguments: [String]) throws
        -> (figures: [FigureGeometry.Measurement], unmeasured: [String]) {
        let directory = page.deletingLastPathComponent()
        var figures: [(name: String, svg: String, layout: FigureGeometry.Layout)] = [], unmeasured: [String] = []
        for source in FigureGeometry.svgSources(inPage: html) {
            let svgURL = directory.appendingPathComponent(source.removingPercentEncoding ?? source)
            guard let svg = try? String(contentsOf: svgURL, encoding: .utf8) else { continue }
            let layoutURL = svgURL.deletingPathExtension().appendingPathExtension("layout.json")
            guard let data = try? Data(contentsOf: layoutURL) else {
                unmeasured.append("figure \(source): no \(layoutURL.lastPathComponent) beside it (gnuplot writes it when drawing the figure), so its legend and text could not be measured")
                continue
            }
            do { figures.append((source, svg, try JSONDecoder().decode(FigureGeometry.Layout.self, from: data))) }
            catch { unmeasured.append("figure \(source): \(layoutURL.lastPathComponent) is not a layout file: \(error)") }
        }
        guard !figures.isEmpty else { return ([], unmeasured) }
        let probeURL = directory.appendingPathComponent(".\(marker)-figures-\(UUID().uuidString).html")
        try FigureGeometry.probePage(figures.map { ($0.name, $0.svg) }, marker: marker).write(to: probeURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: probeURL) }
        let dump = try run(chromium, arguments + ["--dump-dom", probeURL.absoluteString])
        guard let start = dump.stdout.range(of: "<pre id=\"\(marker)\">"),
              let end = dump.stdout.range(of: "</pre>", range: start.upperBound..<dump.stdout.endIndex) else {
            throw dump.status != 0 ? CheckError.browserFailed(status: dump.status, output: dump.stderr) : CheckError.noMeasurements(dom: dump.stdout)
        }
        struct Measured: Decodable { struct Figure: Decodable { let name: String; let texts: [FigureGeometry.Text] }; let figures: [Figure] }
        let measured = try JSONDecoder().decode(Measured.self, from: Data(unescapeDOM(String(dump.stdout[start.upperBound..<end.lowerBound])).utf8))
        return (zip(figures, measured.figures).map { FigureGeometry.measure(figure: $0.name, layout: $0.layout, texts: $1.texts) }, unmeasured)
    }

    /// The text of a `<pre>` as `--dump-dom` serialises it.
    static func unescapeDOM(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&nbsp;", with: "\u{00A0}").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Width and height from a PNG's IHDR chunk.
    public static func pngSize(_ path: String) -> (width: Int, height: Int)? {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 24,
              Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        let b = Array(data[16..<24])
        func be(_ s: ArraySlice<UInt8>) -> Int { s.reduce(0) { $0 << 8 | Int($1) } }
        return (be(b[0..<4]), be(b[4..<8]))
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw CheckError.browserMissing }
        // Read both pipes concurrently so that neither fills and blocks the browser.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
