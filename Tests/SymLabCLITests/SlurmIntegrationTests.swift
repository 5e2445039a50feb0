import Foundation
import SymLabExperiments
import SymLabTraining
import Testing

/// A one-node Slurm cluster on this machine, for the integration test: munged, slurmctld and
/// slurmd started without systemd (the recipe of machine-probe.md §1), with every file they use
/// — config, state, spool, logs, pid files, the munge socket — under one short directory of its
/// own in /tmp, on ports of their own, so nothing system-wide changes beyond the installed packages.
///
/// Why /tmp and not TMPDIR: slurmd's step daemons listen on Unix sockets named
/// `<SlurmdSpoolDir>/<host>_<jobid>.<stepid>`, and a socket path holds at most 107 bytes
/// (sun_path is 108 with its NUL). Under a TMPDIR a few characters longer (`make test` nests its
/// own) or with a longer host name, the path did not fit, jobs never started, and the test hung
/// without naming the cause. So the directory is `mkdtemp("/tmp/slm.XXXXXX")`, whatever TMPDIR is,
/// the longest socket path is checked before anything starts, and it is removed by ``stop()``.
final class LocalSlurmCluster {
    let dir: String
    let environment: [String: String]
    private(set) var pids: [(name: String, pid: pid_t)] = []

    /// Starting the daemons needs root (munged runs as `munge`, slurmd as root).
    static var canRun: Bool { getuid() == 0 }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Installs slurm-wlm and munge when missing (`make test` already did, through the same script).
    static func ensurePackages() throws {
        let script = repositoryRoot.appendingPathComponent("scripts/ensure-deps.sh").path
        let r = try Shell.run([script, "slurm-wlm", "munge"], environment: ProcessInfo.processInfo.environment)
        guard r.status == 0 else { throw ClusterError("installing slurm-wlm and munge failed: \(r.stderr)") }
    }

    struct ClusterError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// The most a Unix socket path can hold: sun_path's 108 bytes less the terminating NUL.
    static let maxSocketPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// A fresh directory for the cluster's files: `/tmp/slm.XXXXXX`, short and independent of
    /// TMPDIR; 0755, because munged runs as user `munge` and must reach its socket directory.
    static func makeStateDirectory() throws -> String {
        var template = Array("/tmp/slm.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ClusterError("mkdtemp /tmp/slm.XXXXXX failed: \(String(cString: strerror(errno)))") }
        let dir = String(cString: made)
        chmod(dir, 0o755)
        return dir
    }

    /// The files of a cluster in `dir`: one place, so that the configuration and the socket-path
    /// check cannot disagree.
    struct Layout {
        let dir: String
        var spool: String { dir + "/sd" }
        var mungeSocket: String { dir + "/munge/munge.sock" }
        /// slurmd's step sockets, `<spool>/<host>_<jobid>.<stepid>`, at their longest: a job id and
        /// a step id of 10 digits each (a batch step is 4294967291).
        func stepSocket(host: String) -> String { "\(spool)/\(host)_\(UInt32.max).\(UInt32.max)" }
        /// Every Unix socket the daemons create (munged also creates `<socket>.lock`).
        func unixSockets(host: String) -> [String] { [stepSocket(host: host), mungeSocket, mungeSocket + ".lock"] }
    }

    /// Fails, naming the path, when a Unix socket path is longer than a socket address can hold.
    static func checkSocketPaths(_ paths: [String]) throws {
        for path in paths where path.utf8.count > maxSocketPathBytes {
            throw ClusterError("the Unix socket path \(path) is \(path.utf8.count) bytes; a socket address holds at most \(maxSocketPathBytes) (sun_path, 108 with its NUL): use a shorter state directory or host name")
        }
    }

    /// The host name Slurm's node is configured with: the first label of this machine's name.
    static var nodeName: String { String(RunEnvironment.hostName().split(separator: ".").first ?? "localhost") }

    init(maxArraySize: Int) throws {
        dir = try Self.makeStateDirectory()
        let layout = Layout(dir: dir)
        let fm = FileManager.default
        let host = Self.nodeName
        var env = ProcessInfo.processInfo.environment
        env["SLURM_CONF"] = dir + "/slurm.conf"
        environment = env
        do {
            try Self.checkSocketPaths(layout.unixSockets(host: host))
            for d in ["state", "sd", "log", "run", "munge"] { try fm.createDirectory(atPath: dir + "/" + d, withIntermediateDirectories: true) }
            let (ctldPort, slurmdPort) = (Self.freePort(), Self.freePort())
            let conf = """
                ClusterName=symlabtest
                SlurmctldHost=\(host)(127.0.0.1)
                SlurmctldPort=\(ctldPort)
                SlurmdPort=\(slurmdPort)
                SlurmUser=root
                AuthType=auth/munge
                AuthInfo=socket=\(layout.mungeSocket)
                CredType=cred/munge
                MpiDefault=none
                ProctrackType=proctrack/linuxproc
                TaskPlugin=task/none
                ReturnToService=2
                SchedulerType=sched/backfill
                SchedulerParameters=batch_sched_delay=0
                SelectType=select/cons_tres
                SelectTypeParameters=CR_Core
                AccountingStorageType=accounting_storage/none
                JobAcctGatherType=jobacct_gather/none
                JobCompType=jobcomp/filetxt
                JobCompLoc=\(dir)/log/jobcomp.txt
                MailProg=/bin/true
                MaxArraySize=\(maxArraySize)
                StateSaveLocation=\(dir)/state
                SlurmdSpoolDir=\(layout.spool)
                SlurmctldPidFile=\(dir)/run/slurmctld.pid
                SlurmdPidFile=\(dir)/run/slurmd.pid
                SlurmctldLogFile=\(dir)/log/slurmctld.log
                SlurmdLogFile=\(dir)/log/slurmd.log
                NodeName=\(host) NodeAddr=127.0.0.1 CPUs=\(ProcessInfo.processInfo.activeProcessorCount) RealMemory=1024 State=UNKNOWN
                PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP

                """
            try conf.write(toFile: dir + "/slurm.conf", atomically: true, encoding: .utf8)
            // munged must run as `munge` and own its socket directory.
            _ = try Shell.checked(["chown", "munge:munge", dir + "/munge"], environment: env)
            _ = try Shell.checked(["runuser", "-u", "munge", "--", "/usr/sbin/munged", "--socket=\(layout.mungeSocket)",
                                   "--pid-file=\(dir)/munge/munged.pid", "--log-file=\(dir)/munge/munged.log",
                                   "--seed-file=\(dir)/munge/munged.seed"], environment: env)
            try record("munged", pidFile: dir + "/munge/munged.pid", log: dir + "/munge/munged.log")
            _ = try Shell.checked(["/usr/sbin/slurmctld"], environment: env)
            try record("slurmctld", pidFile: dir + "/run/slurmctld.pid", log: dir + "/log/slurmctld.log")
            _ = try Shell.checked(["/usr/sbin/slurmd"], environment: env)
            try record("slurmd", pidFile: dir + "/run/slurmd.pid", log: dir + "/log/slurmd.log")
            let deadline = Date().addingTimeInterval(30)
            while true {
                let r = try Shell.run(["sinfo", "-h", "-o", "%t"], environment: env)
                if r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "idle" { break }
                guard Date() < deadline else {
                    throw ClusterError("the node did not become idle in 30 s: sinfo says '\(r.stdout)\(r.stderr)'\n\(daemonLogs())")
                }
                usleep(100_000)
            }
        } catch {
            stop()
            throw error
        }
    }

    /// The last lines of a log file, indented, for error messages.
    static func tail(of path: String, lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "    (no log at \(path))" }
        return text.split(separator: "\n").suffix(lines).map { "    " + $0 }.joined(separator: "\n")
    }

    /// The tails of slurmctld's and slurmd's logs: what to read when jobs do not start. Read now,
    /// before ``stop()`` removes the directory.
    func daemonLogs() -> String {
        ["slurmctld", "slurmd"].map { "\($0).log (\(dir)/log/\($0).log), last lines:\n" + Self.tail(of: "\(dir)/log/\($0).log") }
            .joined(separator: "\n")
    }

    /// Fails naming the daemon, with the end of its log, when it did not come up.
    static func daemonDidNotStart(_ name: String, _ what: String, log: String) -> ClusterError {
        ClusterError("\(name) did not come up: \(what). The end of its log (\(log)):\n" + tail(of: log))
    }

    /// The daemons fork; their pid files say who they became. Waits for the file to appear (10 s
    /// at most: a failure guard, the daemons write it within milliseconds) and for that process to
    /// be alive.
    private func record(_ name: String, pidFile: String, log: String, timeout: TimeInterval = 10) throws {
        pids.append(try Self.awaitDaemon(name, pidFile: pidFile, log: log, timeout: timeout))
    }

    static func awaitDaemon(_ name: String, pidFile: String, log: String, timeout: TimeInterval) throws -> (name: String, pid: pid_t) {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                guard kill(pid, 0) == 0 else { throw daemonDidNotStart(name, "its pid file \(pidFile) names \(pid), which has exited", log: log) }
                return (name, pid)
            }
            usleep(20_000)
        } while Date() < deadline
        throw daemonDidNotStart(name, "it wrote no pid file (\(pidFile)) in \(Int(timeout)) s", log: log)
    }

    /// Stops the daemons this cluster started, by their pids, newest first: SIGTERM, then
    /// SIGKILL if one is still there after 20 s; then removes the cluster's directory.
    func stop() {
        for (_, pid) in pids.reversed() {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(20)
            while kill(pid, 0) == 0 && Date() < deadline { usleep(50_000) }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        pids = []
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A TCP port nobody listens on now (bound to port 0, the kernel picks).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

enum Shell {
    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// Runs `args` (looked up on PATH) with output to temporary files, and waits for it.
    ///
    /// posix_spawn + waitpid rather than Foundation's Process: the daemons fork, and under the
    /// full, parallel test suite Process.waitUntilExit sometimes never saw `runuser` exit (it sat
    /// as an unreaped zombie and the suite hung). Files, not pipes: a forked daemon keeps
    /// inherited pipe ends open.
    /// posix_spawn and waitpid rather than Foundation's Process: the daemons fork and keep the
    /// descriptors they inherit, and Process watches an inherited descriptor to learn that its
    /// child ended — it would wait for the daemon, not for the command that started it.
    static func run(_ args: [String], environment: [String: String]) throws -> Result {
        let base = NSTemporaryDirectory() + "symlab-shell-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base + ".out"); try? FileManager.default.removeItem(atPath: base + ".err") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/env"] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, envp)
        guard rc == 0 else { throw LocalSlurmCluster.ClusterError("cannot start \(args[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
    }

    static func checked(_ args: [String], environment: [String: String]) throws -> Result {
        let r = try run(args, environment: environment)
        guard r.status == 0 else {
            throw LocalSlurmCluster.ClusterError("`\(args.joined(separator: " "))` failed (exit \(r.status)): \(r.stderr)\(r.stdout)")
        }
        return r
    }
}

/// `symlab sweep submit --slurm` against a real Slurm: a one-node cluster started for the test
/// (skipped, saying so, where the test is not root), with MaxArraySize = 3 so that a 4-task
/// array must be split. Checks: every run exactly once after merge; results bit for bit equal to
/// the same sweep run locally (BLAS at 1 thread in both); a run failed on purpose (the
/// `SYMLAB_FAIL_RUNS` fault-injection variable, set for the first submission only) reported
/// failed, then done after `retry --failed`; merging twice changes nothing; a task killed with
/// SIGKILL mid-run and a task stopped with SIGUSR1 (as before a time limit) leave readable
/// shards, report their runs missing and interrupted, and `retry --missing` completes the sweep
/// with no finished result changed.
@Suite(.serialized) struct SlurmIntegrationTests {
    static let spec = sparseParityMLPSpec("slurm-it", train: 100, val: 20, test: 50, width: 16, steps: 30, evalEvery: 10, seeds: "0..3",
                                          sweepWidths: [8, 16, 32])

    /// Runs long enough to be caught mid-run: 30,000 steps, ≈ 1 s each on the 2-core machine (a
    /// task sometimes finished its second run between the poll that saw it running and the scancel
    /// that was to interrupt it: at 1,500 steps once the per-run overheads went, and again at 10,000
    /// once the layer kernels got faster).
    static let slowSpec = sparseParityMLPSpec("slurm-kill", train: 200, val: 20, test: 50, width: 64, steps: 30000, evalEvery: 50, seeds: "0..1",
                                              sweepWidths: [32, 64])

    @discardableResult
    static func symlab(_ args: [String], _ env: [String: String]) throws -> String {
        let r = try Shell.run([SweepResumeTests.executable] + args, environment: env)
        guard r.status == 0 else { throw LocalSlurmCluster.ClusterError("symlab \(args.joined(separator: " ")) failed (exit \(r.status)): \(r.stderr)") }
        return r.stdout
    }

    /// `sweep status` parsed: state → count, and the array tasks Slurm still holds.
    static func status(_ dir: String, _ env: [String: String]) throws -> (counts: [String: Int], active: Int) {
        let text = try symlab(["sweep", "status", "--dir", dir], env)
        var counts: [String: Int] = [:], active = -1
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, let n = Int(words[1]) { counts[String(words[0])] = n }
            if let r = line.range(of: " array task(s) queued or running") {
                active = Int(line[..<r.lowerBound].split(separator: " ").last ?? "") ?? -1
            }
        }
        return (counts, active)
    }

    /// Polls `sweep status` until Slurm holds none of the sweep's tasks. The timeout is a failure
    /// guard; its error carries the daemons' logs, which say why jobs did not run.
    static func waitUntilIdle(_ dir: String, _ cluster: LocalSlurmCluster, _ env: [String: String], timeout: TimeInterval = 150) throws -> [String: Int] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let s = try status(dir, env)
            if s.active == 0 { return s.counts }
            guard Date() < deadline else {
                throw LocalSlurmCluster.ClusterError("sweep in \(dir) still has \(s.active) task(s) after \(Int(timeout)) s\n\(cluster.daemonLogs())")
            }
            usleep(300_000)
        }
    }

    static func bits(_ store: ResultsStore, _ id: String) throws -> [String] {
        try store.curves(runID: id).map { "\($0.step) \($0.split) \($0.metric) \($0.value.bitPattern)" }
            + store.metrics(runID: id).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.bitPattern)" }
    }

    @Test(.enabled(if: LocalSlurmCluster.canRun, "Slurm integration test skipped: starting munged, slurmctld and slurmd (and installing slurm-wlm) needs root"))
    func sweepAsJobArraysOnARealSlurm() throws {
        try LocalSlurmCluster.ensurePackages()
        let root = NSTemporaryDirectory() + "symlab-slurm-it-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let cluster = try LocalSlurmCluster(maxArraySize: 3)
        defer { cluster.stop() }
        var env = cluster.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        env[SweepRunner.failRunsVariable] = nil

        // The reference: the same sweep run locally, 2 worker processes, BLAS at 1 thread.
        let specPath = root + "/spec.yaml"
        try Self.spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        let planned = try ExperimentSpec.load(path: specPath).runs
        #expect(planned.count == 12)
        try Self.symlab(["sweep", "run", specPath, "--db", root + "/local.sqlite", "--workers", "2"], env)
        let local = try ResultsStore(path: root + "/local.sqlite")

        // 12 runs, 3 per task → 4 tasks → split at MaxArraySize 3 into two jobs. One run fails on purpose.
        let sweepDir = root + "/sweep"
        let failing = planned[5].id
        var failEnv = env
        failEnv[SweepRunner.failRunsVariable] = failing
        let submitted = try Self.symlab(["sweep", "submit", specPath, "--slurm", "--dir", sweepDir, "--points-per-task", "3",
                                         "--array-parallelism", "2", "--cpus-per-task", "1"], failEnv)
        #expect(submitted.contains("12 run(s) as 4 array task(s) in 2 job(s)"), "\(submitted)")
        #expect(FileManager.default.fileExists(atPath: sweepDir + "/slurm/submission-0.sbatch"))
        var counts = try Self.waitUntilIdle(sweepDir, cluster, env)
        #expect(counts["done"] == 11 && counts["failed"] == 1 && counts["missing"] == 0, "\(counts)")
        #expect(try Self.symlab(["sweep", "status", "--dir", sweepDir], env).contains("failed  \(failing): failed on purpose"))
        // Submitting again finds nothing to do (nothing missing; the failure waits for retry --failed).
        #expect(try Self.symlab(["sweep", "submit", specPath, "--slurm", "--dir", sweepDir], env).contains("nothing to submit"))

        #expect(try Self.symlab(["sweep", "merge", "--dir", sweepDir], env).contains("12 added, 0 replaced, 0 unchanged"))
        let merged = try ResultsStore(path: sweepDir + "/results.sqlite")
        let firstMerge = try merged.runs().map { try [$0.id, $0.status.rawValue, $0.endedAt ?? ""] + Self.bits(merged, $0.id) }
        #expect(try Self.symlab(["sweep", "merge", "--dir", sweepDir], env).contains("0 added, 0 replaced, 12 unchanged"))
        #expect(try merged.runs().map { try [$0.id, $0.status.rawValue, $0.endedAt ?? ""] + Self.bits(merged, $0.id) } == firstMerge)
        #expect(try merged.run(id: failing)?.status == .failed)

        // The retry runs only the failed run, with its seed, without the fault-injection variable.
        let retried = try Self.symlab(["sweep", "retry", "--dir", sweepDir, "--failed"], env)
        #expect(retried.contains("submitted 1 run(s) as 1 array task(s)"), "\(retried)")
        counts = try Self.waitUntilIdle(sweepDir, cluster, env)
        #expect(counts["done"] == 12 && counts["failed"] == 0, "\(counts)")
        // The retry's shard replaces the failure; the 11 done runs and the old failed row are unchanged.
        #expect(try Self.symlab(["sweep", "merge", "--dir", sweepDir], env).contains("0 added, 1 replaced, 12 unchanged"))

        // Every run exactly once, equal to the local run bit for bit, with BLAS at 1 thread in both.
        let runs = try merged.runs()
        #expect(runs.count == 12 && Set(runs.map(\.id)) == Set(planned.map(\.id)))
        for r in runs {
            let l = try #require(try local.run(id: r.id))
            #expect(r.status == .done && l.status == .done && r.seed == l.seed && r.configJSON == l.configJSON)
            #expect(r.blasThreads == 1 && l.blasThreads == 1)
            let b = try Self.bits(merged, r.id)
            let localBits = try Self.bits(local, r.id)
            #expect(!b.isEmpty && b == localBits, "run \(r.id) differs from the local run")
        }
        #expect(try merged.run(id: failing)?.attempts == 1)
        #expect(try merged.integrityCheck() == "ok")

        try killedAndPreemptedTasksAreCompletedByRetryMissing(root: root, cluster: cluster, env: env)
    }

    /// Two tasks of two runs each: once each has finished one run and is inside the next, task 0
    /// is killed with SIGKILL and task 1 gets SIGUSR1 (what `--signal=B:USR1@60` sends before a
    /// time limit).
    ///
    /// When is decided by observed state, never by the clock: the tasks run with
    /// `SYMLAB_PAUSE_AT=after-curves:650` and stop themselves (SIGSTOP) at their 650th logged
    /// evaluation — inside their second run, as a run of the slow spec logs 601 — so a loaded
    /// machine cannot let a run end between the poll that saw it running and the signal. SIGUSR1
    /// is delivered once the stopped task holds it pending (then SIGCONT). The retry runs without
    /// the variable.
    func killedAndPreemptedTasksAreCompletedByRetryMissing(root: String, cluster: LocalSlurmCluster, env: [String: String]) throws {
        let specPath = root + "/slow.yaml", sweepDir = root + "/slow"
        try Self.slowSpec.write(toFile: specPath, atomically: true, encoding: .utf8)
        var pausing = env
        pausing[FaultPoint.pauseVariable] = "after-curves:650"
        let out = try Self.symlab(["sweep", "submit", specPath, "--dir", sweepDir, "--points-per-task", "2"], pausing)
        #expect(out.contains("4 run(s) as 2 array task(s) in 1 job(s)"), "\(out)")
        let sweep = SlurmSweep(directory: sweepDir)
        let job = try #require(try sweep.submission(0).jobs.first?.jobID)
        var hit: [Int: String] = [:]          // task → the run caught mid-run
        var doneBefore: [String: [String]] = [:]
        // A guard against a task that never pauses (a failure to report), not a timing of the test.
        let deadline = Date().addingTimeInterval(900)
        while hit.count < 2 && Date() < deadline {
            for t in 0..<2 where hit[t] == nil {
                let path = sweep.shardPath(submission: 0, task: t)
                let rows = try ResultsStore.shardRows(path: path)
                guard rows.contains(where: { $0.status == .done }), rows.contains(where: { $0.status == .running }) else { continue }
                let shard = try ResultsStore(path: path, shard: true)
                guard let victim = try shard.runs(status: .running).first, let pid = victim.pid.map({ pid_t($0) }), ProcFS.isStopped(pid) else { continue }
                for r in try shard.runs(status: .done) { doneBefore[r.id] = try [r.endedAt ?? ""] + Self.bits(shard, r.id) }
                if t == 0 {
                    kill(pid, SIGKILL)
                } else {
                    _ = try Shell.checked(["scancel", "--batch", "--signal=USR1", "\(job)_1"], environment: env)
                    let pendingGuard = Date().addingTimeInterval(120)
                    while !ProcFS.hasPending(SIGUSR1, pid) && Date() < pendingGuard { usleep(20_000) }
                    #expect(ProcFS.hasPending(SIGUSR1, pid), "slurmd should have delivered SIGUSR1 to the paused task")
                    kill(pid, SIGCONT)
                }
                hit[t] = victim.id
            }
            usleep(20_000)
        }
        #expect(hit.count == 2, "both tasks should have been caught inside their second run")
        var counts = try Self.waitUntilIdle(sweepDir, cluster, env)
        #expect(counts["done"] == 2 && counts["missing"] == 1 && counts["interrupted"] == 1, "\(counts)")
        // The killed task's shard is readable: its run is left `running` (no process to finish it).
        let killedShard = try ResultsStore(path: sweep.shardPath(submission: 0, task: 0), shard: true)
        #expect(try killedShard.integrityCheck() == "ok")
        if let k = hit[0] { #expect(try killedShard.run(id: k)?.status == .running) }
        if let p = hit[1] {
            #expect(try ResultsStore(path: sweep.shardPath(submission: 0, task: 1), shard: true).run(id: p)?.status == .interrupted)
        }

        let retried = try Self.symlab(["sweep", "retry", "--dir", sweepDir, "--missing"], env)
        #expect(retried.contains("submitted 2 run(s)"), "\(retried)")
        counts = try Self.waitUntilIdle(sweepDir, cluster, env)
        #expect(counts["done"] == 4, "\(counts)")
        _ = try Self.symlab(["sweep", "merge", "--dir", sweepDir], env)
        let merged = try ResultsStore(path: sweepDir + "/results.sqlite")
        let runs = try merged.runs()
        #expect(runs.count == 4 && runs.allSatisfy { $0.status == .done })
        // Nothing lost: results finished before the kill are merged unchanged.
        #expect(doneBefore.count == 2)
        for (id, before) in doneBefore { #expect(try [merged.run(id: id)?.endedAt ?? ""] + Self.bits(merged, id) == before) }
        // Done exactly once: one evaluation per logged step, split and metric.
        for r in runs {
            let curve = try merged.curves(runID: r.id)
            #expect(!curve.isEmpty && Set(curve.map { "\($0.step) \($0.split) \($0.metric)" }).count == curve.count)
            #expect(r.stepsCompleted == 30000)
        }
    }
}

/// The Slurm test's set-up fails early and says why (issue 24, row 6): its socket paths fit
/// whatever TMPDIR and host name are, a path that cannot fit is named before any daemon starts,
/// and a daemon that does not come up is named with the end of its log. No daemons needed.
@Suite struct SlurmClusterSetUpTests {
    /// The cluster's directory is in /tmp whatever TMPDIR is, and every socket path in it fits
    /// even for a host name of HOST_NAME_MAX (64) characters and 10-digit job and step ids.
    @Test func socketPathsFitWhateverTMPDIRAndHostName() throws {
        let dir = try LocalSlurmCluster.makeStateDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(dir.hasPrefix("/tmp/slm.") && dir.utf8.count == "/tmp/slm.XXXXXX".utf8.count, "\(dir)")
        let longestHost = String(repeating: "h", count: 64)
        try LocalSlurmCluster.checkSocketPaths(LocalSlurmCluster.Layout(dir: dir).unixSockets(host: longestHost))
        // The same files under a long TMPDIR (as before the fix) do not fit: the check names the path.
        let underLongTMPDIR = LocalSlurmCluster.Layout(dir: "/tmp/" + String(repeating: "t", count: 40) + "/symlab-slurm-it-\(UUID().uuidString)/cluster")
        let stepSocket = underLongTMPDIR.stepSocket(host: "node")
        let error = #expect(throws: LocalSlurmCluster.ClusterError.self) {
            try LocalSlurmCluster.checkSocketPaths(underLongTMPDIR.unixSockets(host: "node"))
        }
        #expect(error?.description.contains(stepSocket) == true && error?.description.contains("107") == true, "\(String(describing: error))")
    }

    /// sun_path holds 108 bytes with the NUL: 107 fit, 108 do not.
    @Test func socketPathCheckAllows107BytesAndNoMore() throws {
        #expect(LocalSlurmCluster.maxSocketPathBytes == 107)
        let fits = "/" + String(repeating: "a", count: 106), tooLong = "/" + String(repeating: "a", count: 107)
        try LocalSlurmCluster.checkSocketPaths([fits])
        #expect(throws: LocalSlurmCluster.ClusterError.self) { try LocalSlurmCluster.checkSocketPaths([fits, tooLong]) }
    }

    /// No pid file (the daemon died before writing it), or one naming a process that has exited:
    /// the error names the daemon and the pid file and ends with the last lines of its log.
    @Test func aDaemonThatDoesNotComeUpIsNamedWithTheEndOfItsLog() throws {
        let dir = SweepResumeTests.tempDir()
        let log = dir + "/slurmd.log", pidFile = dir + "/slurmd.pid"
        try (1...40).map { "log line \($0)" }.joined(separator: "\n").appending("\n").write(toFile: log, atomically: true, encoding: .utf8)
        do {
            _ = try LocalSlurmCluster.awaitDaemon("slurmd", pidFile: pidFile, log: log, timeout: 0)
            Issue.record("no error without a pid file")
        } catch {
            let text = "\(error)"
            #expect(text.contains("slurmd did not come up") && text.contains(pidFile) && text.contains(log), "\(text)")
            #expect(text.contains("log line 40") && text.contains("log line 26") && !text.contains("log line 25\n"), "\(text)")
        }
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        try "\(exited.processIdentifier)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        do {
            _ = try LocalSlurmCluster.awaitDaemon("slurmd", pidFile: pidFile, log: log, timeout: 0)
            Issue.record("no error for a pid file naming an exited process")
        } catch {
            #expect("\(error)".contains("slurmd did not come up") && "\(error)".contains("has exited") && "\(error)".contains("log line 40"), "\(error)")
        }
    }
}
