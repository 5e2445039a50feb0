import Foundation
import Testing

/// `sweep submit` for clusters that need more than a partition (issue 28, item 12): account,
/// QoS, constraint, GRES, free `#SBATCH` and set-up lines, and `--dry-run`, which writes the
/// batch script without a Slurm controller. `--slurm` is no longer needed.
@Suite struct SlurmSubmitOptionsTests {
    @Test func aDryRunWritesTheScriptWithEveryResourceAndSubmitsNothing() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sparseParityMLPSpec("slurm-dry", train: 32, val: 8, test: 32, width: 8, steps: 5, evalEvery: 5, seeds: "[0, 1, 2]")
            .write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        let r = try HostileInputTests.run(["sweep", "submit", "spec.yaml", "--dry-run", "--dir", "sw", "--points-per-task", "2",
                                           "--account", "lab-42", "--qos", "high", "--constraint", "intel&avx2", "--gres", "gpu:1",
                                           "--sbatch-line=--mail-type=END", "--setup", "module load openblas"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("dry run: 1 point(s) × 3 seed(s) = 3 run(s) in 2 array task(s); nothing submitted"), "\(r.stdout)")
        let script = try String(contentsOfFile: dir + "/sw/slurm/dry-run.sbatch", encoding: .utf8)
        for line in ["#SBATCH --account=lab-42", "#SBATCH --qos=high", "#SBATCH --constraint=intel&avx2", "#SBATCH --gres=gpu:1",
                     "#SBATCH --mail-type=END", "module load openblas"] {
            #expect(script.split(separator: "\n").contains { $0 == line }, "\(line) in\n\(script)")
        }
        // Every #SBATCH line comes before the first command (sbatch stops reading them there), and
        // the set-up line runs before the worker.
        let lines = script.split(separator: "\n").map(String.init)
        let lastDirective = lines.lastIndex { $0.hasPrefix("#SBATCH") }!, firstCommand = lines.firstIndex { !$0.hasPrefix("#") }!
        #expect(lastDirective < firstCommand)
        #expect(lines.firstIndex(of: "module load openblas")! < lines.firstIndex { $0.hasPrefix("exec ") }!)
        // No submission was recorded.
        let slurmFiles = try FileManager.default.contentsOfDirectory(atPath: dir + "/sw/slurm")
        #expect(slurmFiles == ["dry-run.sbatch"], "\(slurmFiles)")
    }

    @Test func aResourceThatWouldBreakTheScriptIsRefusedNamingTheFlag() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sparseParityMLPSpec("slurm-bad", train: 32, val: 8, test: 32, width: 8, steps: 5, evalEvery: 5, seeds: "[0]")
            .write(toFile: dir + "/spec.yaml", atomically: true, encoding: .utf8)
        for (flag, value) in [("--account", "lab\nrm -rf ~"), ("--qos", "a b"), ("--setup", "echo a\necho b"), ("--sbatch-line", "--x=1\nid")] {
            let r = try HostileInputTests.run(["sweep", "submit", "spec.yaml", "--dry-run", "--dir", "sw", flag, value], in: dir)
            #expect(r.status != 0 && r.stderr.contains(flag), "\(flag): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/sw/slurm/dry-run.sbatch"))
    }
}
