import Foundation
import SymLabExperiments
import SymLabTraining

/// The fuzzer's end-to-end check of the escaping: a valid spec whose sweep carries hostile text
/// (``SpecFuzzer/injections``) is given made-up results — curves and metrics for a few of its
/// runs, the run message and a metric name hostile too — in a scratch database, and the HTML
/// report is written from it, drawing every figure with gnuplot in that directory.
public enum InjectionCheck {
    /// True when some sweep axis of the spec has string values (they become legend entries).
    public static func sweepsText(_ spec: ExperimentSpec) -> Bool {
        guard spec.points.count > 1 else { return false }
        let first = spec.points[0].tree
        return spec.points.dropFirst().contains { point in
            guard case .map(let a) = first, case .map(let b) = point.tree else { return false }
            return a.keys.contains { k in
                if case .string(let x)? = a[k], case .string(let y)? = b[k] { return x != y }
                return false
            }
        }
    }

    /// nil when nothing escaped, else what did: the marker file an injected command creates
    /// (gnuplot runs in the figures' directory), or injected markup found raw in the page.
    public static func render(_ spec: ExperimentSpec) -> String? {
        let dir = NSTemporaryDirectory() + "/symlab-fuzz-render-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var page: String?
        do {
            let store = try ResultsStore(path: dir + "/results.sqlite")
            let seed = spec.seeds[0]
            try store.enqueue(Array(spec.runs.filter { $0.seed == seed }.prefix(6)))
            let env = RunEnvironment.current(blasThreads: 1)
            let hostile = SpecFuzzer.injections
            while let run = try store.claimNext(environment: env) {
                let h = hostile[run.pointIndex % hostile.count]
                let curve = [0, 5, 10].flatMap { step in
                    ["train", "test"].map { CurvePoint(step: step, split: $0, metric: "mse", value: 1 / Double(step + 1 + run.pointIndex)) }
                } + [CurvePoint(step: 10, split: "test", metric: h, value: 0.5)]
                try store.appendCurves(runID: run.id, curve, stepsCompleted: 10)
                try store.finish(runID: run.id, status: run.pointIndex == 1 ? .failed : .done, message: h,
                                 metrics: ["test_mse": 0.5 / Double(run.pointIndex + 1), "train_mse": 0.1, h: 1], stepsCompleted: 10,
                                 divergedStep: nil, lastFiniteLoss: nil)
            }
            let report = try HTMLReport.write(store: store, to: dir + "/report", title: "fuzz " + hostile[0])
            page = try? String(contentsOfFile: report.index, encoding: .utf8)
        } catch {
            // Not an injection by itself (a figure gnuplot cannot draw is a warning of the report);
            // whatever ran before the failure is still checked below.
        }
        if let marker = FileManager.default.enumerator(atPath: dir)?.compactMap({ $0 as? String })
            .first(where: { ($0 as NSString).lastPathComponent == SpecFuzzer.injectionMarker }) {
            return "an injected command ran: \(marker) was created while rendering"
        }
        for markup in ["<img src=x", "<script>alert", "<svg onload"] where page?.contains(markup) == true {
            return "injected markup '\(markup)' reached the report's index.html unescaped"
        }
        return nil
    }
}
