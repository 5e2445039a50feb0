import Foundation
import SymLabExperiments

/// Tidy CSV files of a results database: runs.csv (one row per run, config as JSON), curves.csv
/// (run, step, split, metric, value) and metrics.csv (run, name, value).
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
    static func field(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
