import Foundation
import SymLabCore
import SymLabExperiments
import SymLabFunctionClasses
import SymLabNumerics

/// Tidy CSV files of a results database: runs.csv (one row per run, config as JSON), curves.csv
/// (run, step, split, metric, value) and metrics.csv (run, name, value); and of a drawn data set
/// (`symlab data export`: one row per sample, or edge/label/node tables for graphs).
public enum CSVExporter {
    /// runs.csv, curves.csv and metrics.csv of the runs of `experiment` (all when nil) in
    /// `directory`: ``RunsExport`` in CSV (the HTML report's export/ folder).
    public static func export(store: ResultsStore, experiment: String?, to directory: String) throws -> [String] {
        try RunsExport.write(try store.runs(experiment: experiment), store: store, format: .csv, to: directory)
    }

    /// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, its
    /// quotes doubled. A cell that a spreadsheet would run as a formula (text starting with =, +,
    /// -, @, a tab or a carriage return: a note, a message, a tag from a shared database) gets a
    /// leading `'`, as OWASP's "CSV injection" advice says; a number ("-0.5", "+1e3") is left as
    /// it is, so numeric columns stay numeric. python/symlab's readers strip that quote again.
    public static func field(_ s: String) -> String {
        var s = s
        if let c = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(c), Double(s) == nil { s = "'" + s }
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
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
