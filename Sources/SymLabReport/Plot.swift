import SymLabTraining

/// A line with an optional band (mean ± spread over seeds).
public struct Series: Sendable {
    public var title: String
    public var x: [Double]
    public var y: [Double]
    public var lower: [Double]?
    public var upper: [Double]?
    /// Dashed lines for a second family (e.g. train vs test).
    public var dashed: Bool
    /// Index into the colour palette; series sharing a colour belong together.
    public var colour: Int
    public var withPoints: Bool
    /// False for a line the key need not name: the train curve of a sweep point whose test
    /// curve (same colour) is named, the dash style being explained once by a ``KeyEntry``.
    public var inKey: Bool

    public init(title: String, x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
                dashed: Bool = false, colour: Int = 0, withPoints: Bool = false, inKey: Bool = true) {
        precondition(x.count == y.count, "Series '\(title)': \(x.count) x values for \(y.count) y values")
        self.title = title; self.x = x; self.y = y; self.lower = lower; self.upper = upper
        self.dashed = dashed; self.colour = colour; self.withPoints = withPoints; self.inKey = inKey
    }
}

/// A key entry with no data: explains a line style shared by many series ("dashed: train"), so
/// that the key lists each sweep value once instead of once per split.
public struct KeyEntry: Sendable, Equatable {
    public var title: String
    public var dashed: Bool
    public init(title: String, dashed: Bool) { self.title = title; self.dashed = dashed }
}

/// A horizontal reference line (the label variance, a kernel plateau).
public struct ReferenceLine: Sendable {
    public var title: String
    public var y: Double
    public init(title: String, y: Double) { self.title = title; self.y = y }
}

/// One panel of a figure.
public struct Panel: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logX: Bool
    public var logY: Bool
    public var series: [Series]
    public var references: [ReferenceLine]
    /// Style-only key entries (grey), after the series and before the references.
    public var keyEntries: [KeyEntry]
    /// A fixed y range, so that the facets of one figure share a scale; nil: gnuplot's autoscale.
    public var yRange: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false,
                series: [Series], references: [ReferenceLine] = [], keyEntries: [KeyEntry] = [], yRange: ClosedRange<Double>? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.logX = logX; self.logY = logY
        self.series = series; self.references = references; self.keyEntries = keyEntries; self.yRange = yRange
    }
}

/// A figure: panels in a grid (``columns`` wide), rendered by gnuplot to PNG and SVG with its
/// data and script.
public struct Figure: Sendable {
    /// The stem of the figure's files (`NAME.png`, `.svg`, `.csv`, `.gp`): see ``fileStem(_:)``.
    public var name: String
    public var title: String
    public var panels: [Panel]
    /// Panels per row; nil: all in one row up to 3, then rows of 3 (4 panels: 2 × 2).
    public var columns: Int?
    public init(name: String, title: String, panels: [Panel], columns: Int? = nil) {
        self.name = Self.fileStem(name); self.title = title; self.panels = panels; self.columns = columns
    }

    /// A name made safe as a file name in the figure's directory: figures are named after
    /// experiments, and an experiment name read from a shared results database may hold `/`,
    /// `..`, quotes or control characters. Letters, digits, `-`, `_` and `.` are kept, anything
    /// else becomes `-`; no leading dot; at most 120 characters.
    public static func fileStem(_ name: String) -> String {
        var stem = String(name.unicodeScalars.prefix(120).map { c -> Character in
            (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_" || c == ".") && !UntrustedText.isControl(c) ? Character(c) : "-"
        })
        while stem.hasPrefix(".") { stem.removeFirst() }
        return stem.isEmpty ? "figure" : stem
    }
}

/// Mean and (population) standard deviation.
public func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
    guard !values.isEmpty else { return (.nan, .nan) }
    let m = values.reduce(0, +) / Double(values.count)
    let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)
    return (m, v.squareRoot())
}
