import SymLabCLI
import SymLabExperiments
import Testing

/// The library starts workers with the command lines `symlab`'s launcher gives: `symlab` must
/// parse them, and a Slurm batch script must read as it always has.
@Suite struct WorkerLauncherTests {
    static let launcher = WorkerLauncher.symlab(executable: "/opt/symlab")

    @Test func symlabParsesTheLocalWorkerCommandLine() throws {
        let argv = Self.launcher.localWorker("/tmp/results.sqlite", ["a", "b"], 42)
        #expect(argv == ["sweep", "worker", "--db", "/tmp/results.sqlite", "--parent", "42", "--experiment", "a", "--experiment", "b"])
        _ = try SymLab.parseAsRoot(argv)
    }

    @Test func symlabParsesTheSlurmTaskCommandLineAndTheScriptIsUnchanged() throws {
        // With the shell's expansions replaced by the values they take in a task.
        let (submission, task) = Self.launcher.slurmTask(.literal("/tmp/sweep"), .plain("0"), .plain("3"), .plain("2"))
        let argv = (submission + task).map { word -> String in
            switch word {
            case .plain(let s), .literal(let s), .expansion(let s): s
            }
        }
        #expect(argv == ["sweep", "worker", "--dir", "/tmp/sweep", "--submission", "0", "--task", "3", "--threads", "2"])
        _ = try SymLab.parseAsRoot(argv)
        let script = SlurmSweep(directory: "/tmp/sweep").batchScript(submission: 0, name: "x", runs: 1, tasks: 1, options: SlurmOptions(),
                                                                      launcher: Self.launcher)
        #expect(script.hasSuffix("""
            export OPENBLAS_NUM_THREADS="$threads"
            exec '/opt/symlab' sweep worker --dir '/tmp/sweep' --submission 0 \\
                --task "$((offset + SLURM_ARRAY_TASK_ID))" --threads "$threads"

            """))
    }
}
