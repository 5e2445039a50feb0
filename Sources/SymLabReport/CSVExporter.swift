import Foundation
import SymLabCore
import SymLabExperiments
import SymLabFunctionClasses
import SymLabNumerics

/// Tidy CSV files of a results database: runs.csv (one row per run, config as JSON), curves.csv
/// (run, step, split, metric, value) and metrics.csv (run, name, value); and of a drawn data set
/// (`symlab data export`: one row per sample, or edge/label/node tables for graphs).
public enum CSVExporter {
    public static func export(store: ResultsStore, experiment: String?, to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let runs = try store.runs(experiment: experiment)
        var runsCSV = "id,experiment,point_id,point_index,seed,status,message,started_at,ended_at,host,git_commit,git_dirty,swift_version,blas,blas_threads,precision,rng,steps_completed,diverged_step,last_finite_loss,attempts,config\n"
        var curvesCSV = "run_id,step,split,metric,value\n", metricsCSV = "run_id,name,value\n"
        for r in runs {
            let fields: [String] = [r.id, r.experiment, r.pointID, "\(r.pointIndex)", "\(r.seed)", r.status.rawValue, r.message ?? "",
                                    r.startedAt ?? "", r.endedAt ?? "", r.host ?? "", r.gitCommit ?? "", r.gitDirty.map { $0 ? "1" : "0" } ?? "",
                                    r.swiftVersion ?? "", r.blas ?? "", r.blasThreads.map(String.init) ?? "", r.precision ?? "", r.rng ?? "",
                                    r.stepsCompleted.map(String.init) ?? "", r.divergedStep.map(String.init) ?? "",
                                    r.lastFiniteLoss.map { "\($0)" } ?? "", "\(r.attempts)", r.configJSON]
            runsCSV += fields.map(field).joined(separator: ",") + "\n"
            for p in try store.curves(runID: r.id) { curvesCSV += "\(r.id),\(p.step),\(p.split),\(p.metric),\(p.value)\n" }
            let m = try store.metrics(runID: r.id)
            for k in m.keys.sorted() { metricsCSV += "\(r.id),\(field(k)),\(m[k]!)\n" }
        }
        let paths = ["runs.csv", "curves.csv", "metrics.csv"].map { directory + "/" + $0 }
        try runsCSV.write(toFile: paths[0], atomically: true, encoding: .utf8)
        try curvesCSV.write(toFile: paths[1], atomically: true, encoding: .utf8)
        try metricsCSV.write(toFile: paths[2], atomically: true, encoding: .utf8)
        return paths
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
    /// One CSV field, quoted when it holds a comma, a quote or a line break.
    public static func field(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// The CSV layouts of a data set: (path, contents) for every file `symlab data export` writes
    /// for `baseName` ("out.csv" → "out.csv", "out.labels.csv", …); the caller writes them.
    public static func datasetFiles(_ data: Dataset<Double>, baseName: String) -> [(String, String)] {
        let stem = baseName.hasSuffix(".csv") ? String(baseName.dropLast(4)) : baseName
        let y = data.labels.scalars, clean = data.cleanLabels.scalars
        switch data.inputs {
        case .dense(let x):
            let width = x.count / Swift.max(x.shape[0], 1), s = x.scalars
            var lines = ["sample," + (0..<width).map { "x\($0)" }.joined(separator: ",") + ",label,clean_label"]
            for i in 0..<data.count {
                lines.append("\(i)," + s[(i * width)..<((i + 1) * width)].map { "\($0)" }.joined(separator: ",") + ",\(y[i]),\(clean[i])")
            }
            return [(stem + ".csv", lines.joined(separator: "\n") + "\n")]
        case .graphs(let g):
            var edges = ["sample,source,target"]
            for b in 0..<g.count { for (s, t) in g.edges(ofGraph: b) { edges.append("\(b),\(s),\(t)") } }
            var labels = ["sample,nodes,label,clean_label"]
            for b in 0..<g.count { labels.append("\(b),\(g.nodeCounts[b]),\(y[b]),\(clean[b])") }
            var out = [(stem + ".csv", edges.joined(separator: "\n") + "\n"), (stem + ".labels.csv", labels.joined(separator: "\n") + "\n")]
            let f = g.features.shape[2], fs = g.features.scalars, n = g.nodesPerGraph
            if !fs.allSatisfy({ $0 == 1 }) {
                var nodes = ["sample,node," + (0..<f).map { "f\($0)" }.joined(separator: ",")]
                for b in 0..<g.count { for i in 0..<n {
                    nodes.append("\(b),\(i)," + fs[((b * n + i) * f)..<((b * n + i + 1) * f)].map { "\($0)" }.joined(separator: ","))
                } }
                out.append((stem + ".nodes.csv", nodes.joined(separator: "\n") + "\n"))
            }
            return out
        }
    }
}
