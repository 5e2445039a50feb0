import Foundation
import SymLabCLI
import Testing

/// `symlab model exact CLASS`: the hand-set minimal network's train and test MSE on a run's
/// splits, printed by the built binary; classes without one and bad options stop at parse time.
@Suite struct ModelExactCommandTests {
    @Test func printsExactTrainAndTestMSEAtTheFigureSizes() throws {
        let dir = SweepResumeTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (args, network) in [
            (["cyclic-pattern-parity", "--option", "n=32", "--option", "width=4", "--option", "k=3", "--seed", "3"], "hand-set minimal CNN"),
            (["er-parity", "--option", "n=16", "--seed", "2", "--n-train", "200", "--n-test", "300"], "hand-set minimal GNN"),
            (["cyclic-frame-parity", "--option", "n=32", "--precision", "f32"], "frame-averaged MLP"),
        ] {
            let r = try FigureCommandTests.symlab(["model", "exact"] + args, in: dir)
            #expect(r.status == 0, "\(args): \(r.stdout)")
            #expect(r.stdout.contains(network) && r.stdout.contains("\ntrain MSE 0 on ") && r.stdout.contains("\ntest MSE 0 on ")
                    && r.stdout.contains("max |f(x) − g(x)| 0 ") && r.stdout.contains("ok: exact within"), "\(args): \(r.stdout)")
        }
        let sizes = try FigureCommandTests.symlab(["model", "exact", "er-parity", "--n-train", "200", "--n-test", "300"], in: dir)
        #expect(sizes.stdout.contains("on 200 samples (the seed's training split)") && sizes.stdout.contains("on 300 samples (the seed's test split)"))
        // Label noise: the MSE is the noise's, the network still computes the clean target exactly.
        let noisy = try FigureCommandTests.symlab(["model", "exact", "er-parity", "--option", "noise=0.5"], in: dir)
        #expect(noisy.status == 0 && !noisy.stdout.contains("\ntrain MSE 0 on ") && noisy.stdout.contains("max |f(x) − g(x)| 0 "), "\(noisy.stdout)")
    }

    @Test func badArgumentsNameTheProblem() {
        for (args, text) in [
            (["model", "exact", "sparse-parity"], "no hand-set minimal network"),
            (["model", "exact", "er-parity", "--option", "n=1"], "parameter 'n'"),
            (["model", "exact", "er-parity", "--precision", "f16"], "--precision"),
            (["model", "exact", "er-parity", "--n-test", "0"], "--n-test"),
        ] {
            do {
                _ = try SymLab.parseAsRoot(args)
                Issue.record("expected a validation error for \(args)")
            } catch {
                #expect(SymLab.message(for: error).contains(text), "\(args): \(SymLab.message(for: error))")
            }
        }
    }
}
