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
}
