import Foundation
import Testing

/// Issue 28, item 4: the report of a 3 × 3 sweep with 3 seeds a point has readable figures, and
/// `symlab report --check` measures it. (On main before the fix the curves figure had a 19-entry
/// key over both panels and the check had no measurement to fail on.)
@Suite(.serialized) struct ReadableSweepFiguresTests {
    static let spec = """
        name: grid
        data: {class: sparse-parity, options: {n: 6, k: 2}, n_train: 32, n_val: 8, n_test: 32}
        model: {name: mlp, options: {width: 8}}
        optimizer: {name: adam, lr: 0.01}
        training: {steps: 6, eval_every: 2}
        seeds: [0, 1, 2]
        sweep:
          product: {data.n_train: [16, 32, 64], model.options.width: [4, 8, 16]}
        """

    @Test func reportOfA3x3SweepWith3SeedsPassesTheReadabilityCheck() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else {
            Issue.record("chromium is not installed (scripts/ensure-deps.sh chromium)"); return
        }
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.spec.write(toFile: dir + "/grid.yaml", atomically: true, encoding: .utf8)
        let run = try HostileInputTests.run(["run", "grid.yaml", "--db", "r/results.sqlite"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try HostileInputTests.run(["report", "r/results.sqlite", "--check"], in: dir)
        #expect(report.status == 0, "\(report.stdout)\n\(report.stderr)")
        // The curves are faceted: one panel per value of one axis, the other in colour (3 values
        // × train/test = 6 lines a panel), the key outside the axes.
        let script = try String(contentsOfFile: dir + "/r/report/figures/grid-curves.gp", encoding: .utf8)
        #expect(script.components(separatedBy: "\n  plot ").count - 1 == 4, "3 panels and the key strip")
        #expect(!script.contains("set key inside"))
        for panel in script.components(separatedBy: "\n  plot ").dropFirst().dropLast() {
            let lines = panel.components(separatedBy: " with lines ").count - 1
            #expect(lines <= 6 + 1, "\(lines) lines in a panel (6 curves and the Var(y) line at most)")
        }
        // The check printed its numbers for every figure: no legend over a plot area, nothing clipped or overprinted.
        let measured = report.stdout.split(separator: "\n").filter { $0.contains("legend over plot area") }
        #expect(measured.contains { $0.contains("figures/grid-curves.svg: 3 panel(s)") }, "\(report.stdout)")
        #expect(!measured.isEmpty && measured.allSatisfy { $0.contains("legend over plot area 0.0 %") && $0.contains(" 0 clipped text(s), 0 overlapping text pair(s)") },
                "\(report.stdout)")
    }
}
