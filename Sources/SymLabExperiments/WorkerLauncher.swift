import Foundation

/// How the library starts a worker process: the program, and its arguments for each kind of
/// worker. The library decides when to start a worker and what it works on; the command-line
/// tool that links the library builds the launcher, because it alone knows its own argument
/// spelling (`symlab sweep worker …`, parsed by that same tool).
public struct WorkerLauncher: Sendable {
    /// The program to start (an absolute path).
    public var executable: String
    /// The arguments (after the program) of a worker of a local sweep: it claims runs of
    /// `experiments` (every experiment when empty) from the results database at `database`,
    /// with BLAS at 1 thread, and stops when process `parent`, the sweep that started it, is gone.
    public var localWorker: @Sendable (_ database: String, _ experiments: [String], _ parent: Int32) -> [String]
    /// The command line of one Slurm array task, as words of its batch script: it runs task
    /// `task` of submission `submission` of the sweep in `directory`, with `threads` BLAS
    /// threads. `task` and `threads` are expansions the batch shell computes as the task starts
    /// (its array index plus the job's offset, its CPU count). The two lines are the script's:
    /// the submission, then the task.
    public var slurmTask: @Sendable (_ directory: ShellWord, _ submission: ShellWord, _ task: ShellWord, _ threads: ShellWord)
        -> (submission: [ShellWord], task: [ShellWord])

    public init(executable: String,
                localWorker: @escaping @Sendable (_ database: String, _ experiments: [String], _ parent: Int32) -> [String],
                slurmTask: @escaping @Sendable (_ directory: ShellWord, _ submission: ShellWord, _ task: ShellWord, _ threads: ShellWord)
                    -> (submission: [ShellWord], task: [ShellWord])) {
        self.executable = executable; self.localWorker = localWorker; self.slurmTask = slurmTask
    }
}

/// One word of a batch script's command line, with how the shell must see it.
public enum ShellWord: Sendable, Equatable {
    /// Written as it is: the tool's own subcommands and flags, numbers. Single-quoted if it
    /// holds a character the shell would read.
    case plain(String)
    /// A literal such as a path: always single-quoted, so that spaces, `$` and quotes stay as
    /// they are whatever the path holds.
    case literal(String)
    /// A parameter or arithmetic expansion the batch shell computes when it runs (`$threads`),
    /// double-quoted so that its value stays one word.
    case expansion(String)

    /// The word as the script writes it.
    public var rendered: String {
        switch self {
        case .plain(let s) where !s.isEmpty && s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0)) }):
            s
        case .plain(let s), .literal(let s): ShellWord.singleQuoted(s)
        case .expansion(let s): "\"" + s + "\""
        }
    }

    /// `s` single-quoted for a POSIX shell (a quote inside becomes '\'').
    static func singleQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
