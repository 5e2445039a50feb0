import ArgumentParser
import Foundation
import SymLabCLI
import Testing

@Suite struct TheoryCommandTests {
    /// Bad grids and sizes stop at parse time with the option named.
    @Test func badArgumentsNameTheOption() {
        for (args, option) in [
            (["theory", "er-parity", "--n", "8,abc"], "--n"),
            (["theory", "er-parity", "--n", "200"], "--n"),
            (["theory", "er-parity", "--exact-max-n", "9"], "--exact-max-n"),
            (["theory", "correlations", "--n", "30", "--method", "exact"], "--n ≤ 20"),
            (["theory", "correlations", "--n", "10", "--functions", "1"], "--functions"),
            (["theory", "correlations", "--n", "10", "--tau", "0"], "--tau"),
            (["theory", "bounds", "--tau", "0.05"], "--class"),
            (["theory", "bounds", "--class", "relu-teacher"], "sparse-parity"),
            (["theory", "bounds", "--class", "sparse-parity", "--sizes", "8,abc"], "--sizes"),
            (["theory", "bounds", "--class", "sparse-parity", "--m", "10"], "calculator"),
            (["theory", "summary", "--functions", "1"], "--functions"),
        ] {
            do {
                _ = try SymLab.parseAsRoot(args)
                Issue.record("expected a validation error for \(args)")
            } catch {
                #expect(SymLab.message(for: error).contains(option), "\(args): \(SymLab.message(for: error))")
            }
        }
    }

    /// The parity family's correlation matrix, exactly, written as CSV: the identity.
    @Test func correlationsMatrixOfParitiesIsTheIdentity() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("symlab-theory-\(UInt64.random(in: 0...UInt64.max)).csv").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var command = try SymLab.parseAsRoot(["theory", "correlations", "--n", "6", "--order", "2", "--method", "exact", "--matrix", file])
        try command.run()
        let rows = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 15)   // C(6, 2)
        for (i, row) in rows.enumerated() {
            let values = row.split(separator: ",").dropFirst().map { Double($0)! }
            #expect(values == (0..<15).map { $0 == i ? 1.0 : 0.0 })
        }
    }

    /// `theory bounds --class`: one CSV line per size, m = C(n, k) for sparse parities.
    @Test func boundsOfAClassOverSizesAsCSV() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("symlab-bounds-\(UInt64.random(in: 0...UInt64.max)).csv").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var command = try SymLab.parseAsRoot(["theory", "bounds", "--class", "sparse-parity", "--sizes", "6...7,10", "--option", "k=2", "--csv", file])
        try command.run()
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        let header = lines[0].split(separator: ",").map(String.init)
        let mColumn = try #require(header.firstIndex(of: "m")), sizeColumn = try #require(header.firstIndex(of: "size"))
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.map { $0[sizeColumn] } == ["6", "7", "10"])
        #expect(rows.map { $0[mColumn] } == ["15", "21", "45"])
    }

    /// `theory summary`: one row per hard class, at the sizes the figures use where a figure uses the class.
    @Test func summaryHasOneRowPerHardClass() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("symlab-summary-\(UInt64.random(in: 0...UInt64.max)).csv").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var command = try SymLab.parseAsRoot(["theory", "summary", "--samples", "2000", "--member-samples", "200", "--functions", "3", "--csv", file])
        try command.run()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 9)
        #expect(lines.contains { $0.hasPrefix("er-parity,n,16,") && $0.contains("kiani-fig1/fig1-gnn-hard") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("cyclic-pattern-parity,n,32,") && $0.contains("width=4") }, "\(text)")
    }
}
