import Foundation
import SymLabExperiments
import SymLabTraining

/// A figure the report draws for one experiment, with the sentence printed under it.
public struct ExperimentFigure: Sendable {
    public var figure: Figure
    public var caption: String
    public init(figure: Figure, caption: String) { self.figure = figure; self.caption = caption }
}

/// The figures of one experiment in a report, built from whatever the experiment stored: one
/// panel per curve metric, final metrics against the numeric sweep axis, and the figures of
/// ``builders``.
///
/// Conventions read from the final metrics: `label_variance` or `test_label_variance` (the test
/// label variance) is drawn as a reference line on MSE panels, and so is a metric named
/// `*_plateau` (e.g. a kernel's test MSE at this sample size); a metric named `*_normalized`
/// (an error divided by the label variance) gets the line 1, the error of predicting the mean.
public enum ExperimentFigures {
    /// Builds figures for an experiment; returns none when it does not apply. The place to add
    /// figures specific to some experiments (e.g. sample-complexity fits) without touching the
    /// report: append a builder here.
    public typealias Builder = @Sendable (ExperimentResults, ExperimentLayout) -> [ExperimentFigure]

    public static let builders: [Builder] = [curves, finalMetrics, sampleComplexity]

    public static func all(_ results: ExperimentResults, _ layout: ExperimentLayout) -> [ExperimentFigure] {
        builders.flatMap { $0(results, layout) }
    }

    /// Final metrics that describe the set-up rather than the outcome: kept out of the plots of
    /// outcomes (they stay in the tables).
    static let bookkeeping: Set<String> = ["learning_rate", "parameters", "label_variance", "train_label_variance", "test_label_variance", "ridge"]

    /// A quantity spanning a decade or more (`decades`), all positive, is shown on a log axis:
    /// losses falling from 60 to 1 are unreadable on a linear one.
    public static func spansDecades(_ values: [Double], decades: Double = 1) -> Bool {
        let v = values.filter(\.isFinite)
        guard let lo = v.min(), let hi = v.max(), lo > 0 else { return false }
        return hi / lo >= Foundation.pow(10, decades)
    }

    static func axisLabel(_ metric: String) -> String {
        switch metric {
        case "mse": "mean squared error"
        case "grad_norm": "gradient norm ‖∇L‖ (training batch)"
        case "loss": "training loss"
        default: metric.replacingOccurrences(of: "_", with: " ")
        }
    }

    static func splitOrder(_ s: String) -> Int { ["train": 0, "test": 1, "validation": 2][s] ?? 3 }

    /// Reference lines of an MSE panel: the label variance and any `*_plateau` metric, each when
    /// it is the same (within 10 %) at every point.
    static func references(_ results: ExperimentResults, _ layout: ExperimentLayout) -> [ReferenceLine] {
        let names = Set(results.metrics.values.flatMap(\.keys))
        var out: [ReferenceLine] = []
        for name in (["label_variance", "test_label_variance"] + names.filter { $0.hasSuffix("_plateau") }.sorted()) where names.contains(name) {
            let perPoint = layout.points.map { SeedStatistics.final(results, runs: $0.runs, name).mean }.filter(\.isFinite)
            guard let lo = perPoint.min(), let hi = perPoint.max(), lo > 0, hi / lo <= 1.1 else { continue }
            let mean = perPoint.reduce(0, +) / Double(perPoint.count)
            out.append(ReferenceLine(title: name.hasSuffix("label_variance") ? "Var(y), test labels" : name.replacingOccurrences(of: "_", with: " "), y: mean))
        }
        return out
    }

    /// How a sweep's training curves (and final metrics) are split over panels so that each stays readable: one
    /// axis (the one with the most values that still gives at most ~6 lines a panel) is told
    /// apart by colour, every other axis gets one panel per value (per combination of values).
    /// Seeds never add lines: each point is drawn as its mean with a ± std band.
    struct CurveFacets {
        /// The axis drawn in colour, with its values in point order; nil: colour by nothing.
        let colourAxis: String?
        let colourValues: [String]
        /// The axes with one panel per value, and the panels: a title and the points drawn in it.
        let facetAxes: [String]
        let facets: [(title: String, points: [ExperimentLayout.Point])]

        /// At most ``maxLines`` lines a panel: with train and test curves, 3 colours.
        static let maxLines = 6

        /// Facets over `axes` (default: every swept axis; final metrics leave out their x axis).
        init(_ layout: ExperimentLayout, axes: [String]? = nil, splits: Int) {
            let axes = axes ?? layout.varying
            func values(_ axis: String) -> [String] {
                var seen: [String] = []
                for p in layout.points { let v = p.settings[axis] ?? "—"; if !seen.contains(v) { seen.append(v) } }
                return seen
            }
            let maxColours = Swift.max(1, Self.maxLines / Swift.max(splits, 1))
            // The axis with the most values that fit, the first in the layout's order on a tie.
            var colour: (axis: String, values: [String])?
            for axis in axes {
                let v = values(axis)
                if v.count <= maxColours, v.count > (colour?.values.count ?? 0) { colour = (axis, v) }
            }
            colourAxis = colour?.axis
            colourValues = colour?.values ?? []
            let facetAxes = axes.filter { $0 != colour?.axis }
            self.facetAxes = facetAxes
            var order: [String] = [], members: [String: [ExperimentLayout.Point]] = [:]
            for p in layout.points {
                let title = facetAxes.map { "\(Self.titleKey($0, among: facetAxes)) = \(p.settings[$0] ?? "—")" }.joined(separator: ", ")
                if members[title] == nil { order.append(title) }
                members[title, default: []].append(p)
            }
            facets = order.map { ($0, members[$0]!) }
        }

        /// An axis as a panel title names it: its last key (`noise` for `data.options.noise`) when
        /// no other facet axis ends the same way, else its short key. A panel's title holds one
        /// `key = value` per facet axis, and with four axes the full keys (`data.spectrum = …,
        /// scheme.schedule = …`) no longer fit a panel even in the smallest title font; the
        /// caption names the axes in full.
        static func titleKey(_ axis: String, among axes: [String]) -> String {
            func leaf(_ a: String) -> Substring { a.split(separator: ".").last ?? Substring(a) }
            return axes.filter({ leaf($0) == leaf(axis) }).count == 1 ? String(leaf(axis)) : ExperimentLayout.shortKey(axis)
        }

        /// The colour of a point: the index of its value on the colour axis.
        func colour(_ point: ExperimentLayout.Point) -> Int {
            colourAxis.flatMap { colourValues.firstIndex(of: point.settings[$0] ?? "—") } ?? 0
        }
    }

    /// Training curves, mean ± std over the seeds that finished, train dashed and test solid.
    /// A sweep is faceted (``CurveFacets``): one figure per curve metric with one panel per value
    /// of the facet axes, sharing a y scale and one key outside the axes. Without facet axes (one
    /// point, or one short axis) it is one figure with one panel per curve metric.
    public static func curves(_ results: ExperimentResults, _ layout: ExperimentLayout) -> [ExperimentFigure] {
        var keys: [String: Set<String>] = [:]   // metric → splits
        for points in results.curves.values { for p in points { keys[p.metric, default: []].insert(p.split) } }
        let metrics = keys.keys.sorted { (($0 == "mse" ? 0 : 1), $0) < (($1 == "mse" ? 0 : 1), $1) }
        guard !metrics.isEmpty, !results.finished.isEmpty else { return [] }
        func splits(_ metric: String) -> [String] {
            var splits = keys[metric]!.sorted { splitOrder($0) < splitOrder($1) }
            // Validation curves go to the CSV export; the plot keeps train and test apart.
            if splits.contains("test") { splits.removeAll { $0 == "validation" } }
            return splits
        }
        let facets = CurveFacets(layout, splits: metrics.map { splits($0).count }.max() ?? 1)
        let seeds = layout.points.map { $0.runs.filter { $0.status == .done }.count }.filter { $0 > 0 }
        let seedText = Set(seeds).count == 1 ? "\(seeds[0]) seed(s)" : "\(seeds.min()!)–\(seeds.max()!) seeds per point"
        let colourText = facets.colourAxis.map { "; one colour per \(ExperimentLayout.shortKey($0))" } ?? ""
        let caption = "Training curves, mean ± std over \(seedText) that finished (diverged and failed runs are listed below, not averaged in)"
            + colourText + "; dashed: train, solid: test. Validation curves are in the CSV export."

        /// The panel of `metric` over `points`, or nil when none of them has that curve.
        func panel(_ metric: String, _ points: [ExperimentLayout.Point], title: String) -> Panel? {
            let splits = splits(metric)
            var series: [Series] = []
            for point in points {
                for split in splits {
                    let c = SeedStatistics.curve(results, runs: point.runs, split: split, metric: metric)
                    guard !c.steps.isEmpty else { continue }
                    let name = facets.colourAxis.map { "\(ExperimentLayout.shortKey($0)) = \(point.settings[$0] ?? "—")" }
                    // Coloured points name their colour once (on the test line); "train"/"test"
                    // are then key entries of their own.
                    let named = name == nil || splits.count == 1 || split == "test" || !splits.contains("test")
                    series.append(Series(title: name.map { splits.count > 1 && !splits.contains("test") ? "\($0), \(split)" : $0 } ?? split,
                                         x: c.steps, y: c.mean, lower: zip(c.mean, c.std).map { $0 - $1 }, upper: zip(c.mean, c.std).map { $0 + $1 },
                                         dashed: split == "train" && splits.count > 1, colour: facets.colour(point), inKey: named))
                }
            }
            guard !series.isEmpty else { return nil }
            let refs = metric == "mse" ? references(results, layout) : []
            let styleKey = facets.colourAxis != nil && splits.count > 1 && splits.contains("test")
                ? splits.map { KeyEntry(title: $0, dashed: $0 == "train") } : []
            return Panel(title: title, xLabel: "training step", yLabel: axisLabel(metric), series: series, references: refs, keyEntries: styleKey)
        }

        /// Log scale when the means span a decade; bands stop a decade below the smallest mean.
        func scaled(_ panels: [Panel], shareY: Bool) -> [Panel] {
            let means = panels.flatMap { $0.series.flatMap(\.y) }
            let logY = spansDecades(means + panels.flatMap { $0.references.map(\.y) })
            let floor = logY ? (means.filter { $0 > 0 }.min() ?? 1) / 10 : -Double.infinity
            return panels.map { p in
                var p = p
                p.logY = logY
                if logY { p.yLabel += " (log scale)" }
                for i in p.series.indices { p.series[i].lower = p.series[i].lower!.map { Swift.max($0, floor) } }
                if shareY {
                    var all: [Double] = panels.flatMap { $0.references.map(\.y) }
                    for q in panels { for series in q.series { all += series.lower! + series.upper! } }
                    all = all.map { Swift.max($0, floor) }.filter { $0.isFinite && (!logY || $0 > 0) }
                    if let lo = all.min(), let hi = all.max(), hi > lo {
                        let pad = logY ? 1.0 : (hi - lo) * 0.04
                        p.yRange = logY ? lo...(hi * 1.5) : (lo - pad)...(hi + pad)
                    }
                }
                return p
            }
        }

        if facets.facets.count <= 1 {
            // One panel per metric, each on its own scale (log or not).
            let panels = metrics.compactMap { panel($0, layout.points, title: axisLabel($0)) }.map { scaled([$0], shareY: false)[0] }
            guard !panels.isEmpty else { return [] }
            return [ExperimentFigure(
                figure: Figure(name: "\(results.experiment)-curves", title: "\(results.experiment): training curves", panels: panels),
                caption: caption)]
        }
        let facetText = facets.facetAxes.map(ExperimentLayout.shortKey).joined(separator: ", ")
        var figures: [ExperimentFigure] = []
        for metric in metrics {
            let panels = scaled(facets.facets.compactMap { facet in panel(metric, facet.points, title: facet.title) }, shareY: true)
            guard !panels.isEmpty else { continue }
            let name = figures.isEmpty ? "\(results.experiment)-curves" : "\(results.experiment)-curves-\(metric)"
            figures.append(ExperimentFigure(
                figure: Figure(name: name, title: "\(results.experiment): \(axisLabel(metric)) during training, one panel per \(facetText)", panels: panels),
                caption: caption + " One panel per \(facetText), on a shared y scale."))
        }
        return figures
    }

    /// Final metrics against the numeric sweep axis (e.g. n or d), mean ± std over seeds; one
    /// panel per outcome metric. The other axes are faceted as the curves are (``CurveFacets``):
    /// one in colour, a figure per outcome metric with a panel per value of the rest when there
    /// are more, so that no panel holds more than ~6 lines.
    public static func finalMetrics(_ results: ExperimentResults, _ layout: ExperimentLayout) -> [ExperimentFigure] {
        guard let axis = layout.numericAxis, !results.finished.isEmpty else { return [] }
        let others = layout.varying.filter { $0 != axis }
        let names = Set(results.metrics.values.flatMap(\.keys))
        // Panels: train/test MSE together, the normalised test MSE, then every other outcome.
        var panelMetrics: [[String]] = []
        let mse = ["train_mse", "test_mse"].filter(names.contains)
        if !mse.isEmpty { panelMetrics.append(mse) }
        panelMetrics += ["test_mse_normalized", "test_loss_normalized"].filter(names.contains).map { [$0] }
        let shown = Set(panelMetrics.joined()).union(bookkeeping).union(["validation_mse"])
        panelMetrics += names.subtracting(shown).sorted().map { [$0] }
        let facets = CurveFacets(layout, axes: others, splits: panelMetrics.map(\.count).max() ?? 1)

        let xValues = layout.points.compactMap { Double($0.settings[axis]!) }
        let logX = spansDecades(xValues)
        func metricTitle(_ metricsOfPanel: [String]) -> String {
            metricsOfPanel == ["train_mse", "test_mse"] || metricsOfPanel == ["test_mse"] || metricsOfPanel == ["train_mse"]
                ? "final MSE" : metricsOfPanel[0].hasPrefix("test_") && metricsOfPanel[0].hasSuffix("_normalized") ? "final test MSE / Var(y)"
                : "final " + metricsOfPanel[0].replacingOccurrences(of: "_", with: " ")
        }
        /// One panel of `metricsOfPanel` over `points`: a line per colour value (and split).
        func panel(_ metricsOfPanel: [String], _ points: [ExperimentLayout.Point], title: String) -> Panel? {
            var groups: [String] = [], members: [String: [ExperimentLayout.Point]] = [:]
            for p in points {
                let g = facets.colourAxis.map { "\(ExperimentLayout.shortKey($0)) = \(p.settings[$0] ?? "—")" } ?? ""
                if members[g] == nil { groups.append(g) }
                members[g, default: []].append(p)
            }
            // With colours, "train"/"test" are key entries of their own and each colour is named once.
            let styled = facets.colourAxis != nil && metricsOfPanel.count > 1
            var series: [Series] = []
            for group in groups {
                let pts = members[group]!.sorted { Double($0.settings[axis]!)! < Double($1.settings[axis]!)! }
                for metric in metricsOfPanel {
                    var x: [Double] = [], y: [Double] = [], s: [Double] = []
                    for p in pts {
                        let f = SeedStatistics.final(results, runs: p.runs, metric)
                        guard f.count > 0 else { continue }
                        x.append(Double(p.settings[axis]!)!); y.append(f.mean); s.append(f.std)
                    }
                    guard !x.isEmpty else { continue }
                    let split = metric.hasPrefix("train") ? "train" : metric.hasPrefix("test") ? "test" : ""
                    var title = group
                    if metricsOfPanel.count > 1 && !styled { title = title.isEmpty ? split : "\(title), \(split)" }
                    if title.isEmpty { title = split.isEmpty ? metric.replacingOccurrences(of: "_", with: " ") : split }
                    series.append(Series(title: title, x: x, y: y, lower: zip(y, s).map { $0 - $1 }, upper: zip(y, s).map { $0 + $1 },
                                         dashed: split == "train" && metricsOfPanel.count > 1, colour: facets.colour(pts[0]), withPoints: true,
                                         inKey: !styled || split != "train"))
                }
            }
            guard !series.isEmpty else { return nil }
            let refs = metricsOfPanel.count == 1 && metricsOfPanel[0].hasSuffix("_normalized") ? [ReferenceLine(title: "predicting the mean", y: 1)]
                : metricsOfPanel.contains("test_mse") ? references(results, layout) : []
            return Panel(title: title, xLabel: ExperimentLayout.shortKey(axis), yLabel: metricTitle(metricsOfPanel).replacingOccurrences(of: "final ", with: ""),
                         logX: logX, series: series, references: refs,
                         keyEntries: styled ? [KeyEntry(title: "train", dashed: true), KeyEntry(title: "test", dashed: false)] : [])
        }
        /// Log scale when the means span a decade (bands then stop a decade below the mean);
        /// facets of one figure share the y range.
        func scaled(_ panels: [Panel], shareY: Bool) -> [Panel] {
            let logY = spansDecades(panels.flatMap { $0.series.flatMap(\.y) })
            var out = panels.map { p -> Panel in
                var p = p
                p.logY = logY
                if logY {
                    p.yLabel += " (log scale)"
                    for i in p.series.indices { p.series[i].lower = zip(p.series[i].y, p.series[i].lower!).map { Swift.max($1, $0 / 10) } }
                }
                return p
            }
            if shareY {
                var all: [Double] = out.flatMap { $0.references.map(\.y) }
                for q in out { for series in q.series { all += series.lower! + series.upper! } }
                all = all.filter { $0.isFinite && (!logY || $0 > 0) }
                if let lo = all.min(), let hi = all.max(), hi > lo {
                    let range = logY ? lo...(hi * 1.5) : (lo - (hi - lo) * 0.04)...(hi + (hi - lo) * 0.04)
                    for i in out.indices { out[i].yRange = range }
                }
            }
            return out
        }
        let otherText = others.isEmpty ? "." : "; one colour per \(others.map(ExperimentLayout.shortKey).joined(separator: ", "))."
        func caption(_ panels: [Panel], facetText: String) -> String {
            "Final metrics against \(ExperimentLayout.shortKey(axis)), mean ± std over the seeds that finished at each point"
                + (facetText.isEmpty ? otherText : "; one colour per \(facets.colourAxis.map(ExperimentLayout.shortKey) ?? "split"), one panel per \(facetText), on a shared y scale.")
                + (panels.contains { $0.series.contains { $0.dashed } } ? " Dashed: train, solid: test." : "")
        }

        if facets.facets.count <= 1 {
            let panels = panelMetrics.compactMap { panel($0, layout.points, title: metricTitle($0)) }.map { scaled([$0], shareY: false)[0] }
            // At most two panels side by side, so that each stays readable at a normal screen width.
            return stride(from: 0, to: panels.count, by: 2).map { start in
                let part = Array(panels[start..<Swift.min(start + 2, panels.count)])
                let suffix = start == 0 ? "" : "-\(start / 2 + 1)"
                return ExperimentFigure(
                    figure: Figure(name: "\(results.experiment)-final\(suffix)", title: "\(results.experiment): final metrics vs \(ExperimentLayout.shortKey(axis))", panels: part),
                    caption: caption(part, facetText: ""))
            }
        }
        let facetText = facets.facetAxes.map(ExperimentLayout.shortKey).joined(separator: ", ")
        var figures: [ExperimentFigure] = []
        for metricsOfPanel in panelMetrics {
            let panels = scaled(facets.facets.compactMap { panel(metricsOfPanel, $0.points, title: $0.title) }, shareY: true)
            guard !panels.isEmpty else { continue }
            let suffix = figures.isEmpty ? "" : "-\(figures.count + 1)"
            figures.append(ExperimentFigure(
                figure: Figure(name: "\(results.experiment)-final\(suffix)",
                               title: "\(results.experiment): \(metricTitle(metricsOfPanel)) vs \(ExperimentLayout.shortKey(axis)), one panel per \(facetText)", panels: panels),
                caption: caption(panels, facetText: facetText)))
        }
        return figures
    }
}
