import Foundation
import SymLabExperiments
import SymLabTraining

/// The shape of an experiment as recorded: its sweep points (grouped by point id, in point
/// order), the settings they share and the axes along which they differ. Read from the resolved
/// configs stored with the runs, so it works for any database, with or without the spec file.
public struct ExperimentLayout: Sendable {
    /// One sweep point: its id, the runs of its seeds and its flattened config.
    public struct Point: Sendable {
        public let id: String
        public let index: Int
        public let runs: [RunRecord]
        public let settings: [String: String]
    }

    public let experiment: String
    public let points: [Point]
    /// Dotted keys whose value is the same at every point, with that value.
    public let common: [(key: String, value: String)]
    /// Dotted keys whose value differs between points (the sweep axes).
    public let varying: [String]
    public let seeds: [Int]

    public init(_ results: ExperimentResults) {
        experiment = results.experiment
        var order: [String] = [], byID: [String: [RunRecord]] = [:]
        for r in results.runs {
            if byID[r.pointID] == nil { order.append(r.pointID) }
            byID[r.pointID, default: []].append(r)
        }
        let pts = order.map { id -> Point in
            let runs = byID[id]!.sorted { $0.seed < $1.seed }
            let tree = (try? SpecValue.fromJSON(runs[0].configJSON)) ?? .map([:])
            return Point(id: id, index: runs[0].pointIndex, runs: runs, settings: Self.flatten(tree))
        }.sorted { ($0.index, $0.id) < ($1.index, $1.id) }
        points = pts
        let keys = Set(pts.flatMap { $0.settings.keys }).sorted()
        var common: [(String, String)] = [], varying: [String] = []
        for k in keys {
            let values = Set(pts.map { $0.settings[k] ?? "—" })
            if values.count == 1 { common.append((k, values.first!)) } else { varying.append(k) }
        }
        self.common = common.filter { $0.0 != "name" }.map { (key: $0.0, value: $0.1) }
        self.varying = varying
        seeds = Array(Set(results.runs.map(\.seed))).sorted()
    }

    /// `data.options.n` → `data.n`: the short name of an axis in legends and tables.
    public static func shortKey(_ key: String) -> String { key.replacingOccurrences(of: ".options.", with: ".") }

    /// "data.n = 16, model.width = 32", or "" for an experiment with one point.
    public func label(_ point: Point) -> String {
        varying.map { "\(Self.shortKey($0)) = \(point.settings[$0] ?? "—")" }.joined(separator: ", ")
    }

    /// The numeric sweep axis with the most distinct values (at least 3), for plots of final
    /// metrics against it; nil when the sweep has none.
    public var numericAxis: String? {
        let candidates = varying.filter { k in points.allSatisfy { Double($0.settings[k] ?? "") != nil } }
        let best = candidates.max { a, b in
            Set(points.map { $0.settings[a]! }).count < Set(points.map { $0.settings[b]! }).count
        }
        guard let best, Set(points.map { $0.settings[best]! }).count >= 3 else { return nil }
        return best
    }

    /// Dotted paths of every scalar (lists as their YAML text).
    static func flatten(_ value: SpecValue, prefix: String = "") -> [String: String] {
        switch value {
        case .map(let m):
            var out: [String: String] = [:]
            for (k, v) in m { out.merge(flatten(v, prefix: prefix.isEmpty ? k : "\(prefix).\(k)")) { a, _ in a } }
            return out
        default:
            return [prefix: value.description]
        }
    }
}

/// Mean ± std over seeds of what the finished runs of a set recorded.
enum SeedStatistics {
    /// The curve of `split`/`metric` over `runs` (finished runs only), at the steps every one of
    /// them logged with a finite value.
    static func curve(_ results: ExperimentResults, runs: [RunRecord], split: String, metric: String)
        -> (steps: [Double], mean: [Double], std: [Double]) {
        let done = runs.filter { $0.status == .done }
        var byStep: [Int: [Double]] = [:]
        for r in done {
            for p in results.curves[r.id] ?? [] where p.split == split && p.metric == metric && p.value.isFinite {
                byStep[p.step, default: []].append(p.value)
            }
        }
        let steps = byStep.keys.sorted().filter { byStep[$0]!.count == done.count }
        let stats = steps.map { meanAndStd(byStep[$0]!) }
        return (steps.map(Double.init), stats.map(\.mean), stats.map(\.std))
    }

    /// A final metric over the finished runs of `runs`.
    static func final(_ results: ExperimentResults, runs: [RunRecord], _ name: String) -> (mean: Double, std: Double, count: Int) {
        let values = runs.filter { $0.status == .done }.compactMap { results.metrics[$0.id]?[name] }.filter(\.isFinite)
        let s = meanAndStd(values)
        return (s.mean, s.std, values.count)
    }
}
