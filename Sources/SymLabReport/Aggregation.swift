import SymLabExperiments
import SymLabTraining

/// Curves and final metrics of an experiment's runs, summarised over seeds. Runs that diverged or
/// failed are listed, never averaged in.
public struct ExperimentResults: Sendable {
    public let experiment: String
    public let runs: [RunRecord]
    public var finished: [RunRecord] { runs.filter { $0.status == .done } }
    public var problems: [RunRecord] { runs.filter { $0.status == .diverged || $0.status == .failed } }
    public let curves: [String: [CurvePoint]]      // by run id
    public let metrics: [String: [String: Double]]  // by run id

    public init(store: ResultsStore, experiment: String) throws {
        self.experiment = experiment
        runs = try store.runs(experiment: experiment)
        var c: [String: [CurvePoint]] = [:], m: [String: [String: Double]] = [:]
        for r in runs {
            c[r.id] = try store.curves(runID: r.id)
            m[r.id] = try store.metrics(runID: r.id)
        }
        curves = c; metrics = m
    }

    /// Mean and standard deviation over the finished runs of `points` of one curve, at the steps
    /// every run logged. A run that the stop rule ended (`stopped_by_train_mse` = 1: it fitted)
    /// counts at later steps with its last logged value, so that the others' curves go on past it.
    public func curve(split: String, metric: String = "mse", points: Set<Int>? = nil) -> (steps: [Double], mean: [Double], std: [Double]) {
        let selected = finished.filter { points?.contains($0.pointIndex) ?? true }
        var byStep: [Int: [Double]] = [:]
        var heldAfter: [(step: Int, value: Double)] = []
        for r in selected {
            let c = (curves[r.id] ?? []).filter { $0.split == split && $0.metric == metric }
            for p in c { byStep[p.step, default: []].append(p.value) }
            if metrics[r.id]?["stopped_by_train_mse"] == 1, let last = c.max(by: { $0.step < $1.step }) { heldAfter.append((last.step, last.value)) }
        }
        for (s, values) in byStep {
            byStep[s] = values + heldAfter.filter { $0.step < s }.map(\.value)
        }
        let steps = byStep.keys.sorted().filter { byStep[$0]!.count == selected.count }
        let stats = steps.map { meanAndStd(byStep[$0]!) }
        return (steps.map(Double.init), stats.map(\.mean), stats.map(\.std))
    }

    /// Mean and standard deviation of a final metric over the finished runs of `points`.
    public func final(_ name: String, points: Set<Int>? = nil) -> (mean: Double, std: Double, count: Int) {
        let values = finished.filter { points?.contains($0.pointIndex) ?? true }.compactMap { metrics[$0.id]?[name] }.filter(\.isFinite)
        let s = meanAndStd(values)
        return (s.mean, s.std, values.count)
    }

    /// One line per diverged or failed run, for summaries and reports.
    public var problemLines: [String] {
        problems.map { "  \($0.status.rawValue): run \($0.id) (point \($0.pointIndex), seed \($0.seed))\($0.divergedStep.map { " at step \($0)" } ?? ""): \($0.message ?? "")" }
    }
}

/// A mean ± std band as a ``Series``.
public func bandSeries(_ title: String, _ c: (steps: [Double], mean: [Double], std: [Double]), colour: Int, dashed: Bool = false,
                       floor: Double? = nil) -> Series {
    // On log axes mean − std can be ≤ 0: there the band stops a decade below the mean.
    let lo = zip(c.mean, c.std).map { m, s in floor != nil ? Swift.max(m - s, m / 10, floor!) : (m - s) }
    let hi = zip(c.mean, c.std).map { $0 + $1 }
    return Series(title: title, x: c.steps, y: c.mean, lower: lo, upper: hi, dashed: dashed, colour: colour)
}
