import Foundation

/// A Slurm command failed or said something we cannot use; the message names the command and
/// quotes Slurm's own words.
public struct SlurmError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

/// The Slurm commands SymmetryLab uses — `sbatch`, `squeue`, `scontrol` — run as processes
/// (nothing of Slurm is linked in, and nothing but the `symlab` binary is needed on the nodes).
/// The runner is a closure so that tests can stand in for a cluster.
public struct SlurmClient: Sendable {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status; self.stdout = stdout; self.stderr = stderr
        }
    }

    /// Runs a command (`arguments[0]` is the program, found on PATH).
    public var run: @Sendable (_ arguments: [String]) throws -> Output

    public init(run: @escaping @Sendable (_ arguments: [String]) throws -> Output) { self.run = run }

    /// The real commands, with this process's environment (so `SLURM_CONF` and the submitter's
    /// variables reach `sbatch`, which exports them to the tasks).
    public static let system = SlurmClient { arguments in
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read stderr on the side: a command filling both pipes must not block on either.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    final class DataBox: @unchecked Sendable { var data = Data() }

    func checked(_ arguments: [String]) throws -> Output {
        let o: Output
        do { o = try run(arguments) } catch { throw SlurmError("could not run \(arguments[0]): \(error)") }
        if o.status == 127 {
            throw SlurmError("\(arguments[0]) not found: is Slurm installed here, and on PATH? (\(o.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        guard o.status == 0 else {
            throw SlurmError("`\(arguments.joined(separator: " "))` failed (exit \(o.status)): \(o.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return o
    }

    /// The cluster's MaxArraySize (`scontrol show config`): array indices must stay below it.
    public func maxArraySize() throws -> Int {
        let o = try checked(["scontrol", "show", "config"])
        for line in o.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "MaxArraySize" {
                guard let n = Int(parts[1]), n >= 1 else { throw SlurmError("scontrol reports MaxArraySize = '\(parts[1])', not a positive integer") }
                return n
            }
        }
        throw SlurmError("`scontrol show config` does not report MaxArraySize")
    }

    /// Submits `script` as an array of `tasks` tasks (indices 0…tasks−1, at most `parallelism` at
    /// once), passing `offset` to the script; returns the job id. A submission that prints no job
    /// id is an error, not a sweep that looks submitted.
    public func submitArray(script: String, tasks: Int, parallelism: Int?, offset: Int, after dependency: String? = nil) throws -> String {
        var args = ["sbatch", "--parsable", "--array=0-\(tasks - 1)" + (parallelism.map { "%\($0)" } ?? "")]
        if let dependency { args.append("--dependency=afterany:\(dependency)") }
        args += [script, String(offset)]
        let o = try checked(args)
        // --parsable prints "jobid" or "jobid;cluster".
        let id = o.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError("sbatch printed no job id (stdout: '\(o.stdout.trimmingCharacters(in: .whitespacesAndNewlines))', stderr: '\(o.stderr.trimmingCharacters(in: .whitespacesAndNewlines))')")
        }
        return id
    }

    /// The array tasks of these jobs that Slurm still holds (pending, running, completing, …), as
    /// job id → task indices. Jobs Slurm has forgotten are simply absent.
    public func activeTasks(jobIDs: [String]) throws -> [String: Set<Int>] {
        guard !jobIDs.isEmpty else { return [:] }
        let o: Output
        do { o = try run(["squeue", "-h", "-r", "-j", jobIDs.joined(separator: ","), "-o", "%i|%T"]) } catch {
            throw SlurmError("could not run squeue: \(error)")
        }
        if o.status == 127 { throw SlurmError("squeue not found: is Slurm installed here, and on PATH?") }
        if o.status != 0 {
            // Every listed job finished long enough ago for Slurm to forget it.
            if o.stderr.contains("Invalid job id") { return [:] }
            throw SlurmError("squeue failed (exit \(o.status)): \(o.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return Self.parseSqueue(o.stdout)
    }

    /// Parses `squeue -h -r -o '%i|%T'`: "123_4|RUNNING", a pending range "123_[5-7%2]|PENDING"
    /// (if not expanded), or "123|RUNNING" for a job that is not an array.
    public static func parseSqueue(_ text: String) -> [String: Set<Int>] {
        var out: [String: Set<Int>] = [:]
        for line in text.split(separator: "\n") {
            let id = line.split(separator: "|").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard !id.isEmpty else { continue }
            guard let us = id.firstIndex(of: "_") else { out[id, default: []].insert(0); continue }
            let job = String(id[..<us])
            var rest = String(id[id.index(after: us)...])
            if rest.hasPrefix("[") {
                rest = String(rest.dropFirst().prefix { $0 != "]" })
                rest = String(rest.prefix { $0 != "%" })
                for part in rest.split(separator: ",") {
                    let bounds = part.split(separator: "-").compactMap { Int($0) }
                    if bounds.count == 2, bounds[0] <= bounds[1] { out[job, default: []].formUnion(bounds[0]...bounds[1]) }
                    else if bounds.count == 1 { out[job, default: []].insert(bounds[0]) }
                }
            } else if let i = Int(rest) {
                out[job, default: []].insert(i)
            }
        }
        return out
    }
}
