import SymLabExperiments

extension WorkerLauncher {
    /// `symlab sweep worker`, spelled as ``SymLab/Sweep/Worker`` parses it: the one place
    /// the library's workers get their command line (the library knows no argument spelling).
    /// `executable` is the running `symlab` unless given (tests start a built one).
    public static func symlab(executable: String = RunEnvironment.currentExecutable()) -> WorkerLauncher {
        WorkerLauncher(
            executable: executable,
            localWorker: { database, experiments, parent in
                ["sweep", "worker", "--db", database, "--parent", String(parent)] + experiments.flatMap { ["--experiment", $0] }
            },
            slurmTask: { directory, submission, task, threads in
                (submission: [.plain("sweep"), .plain("worker"), .plain("--dir"), directory, .plain("--submission"), submission],
                 task: [.plain("--task"), task, .plain("--threads"), threads])
            })
    }
}
