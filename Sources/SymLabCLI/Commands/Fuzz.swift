import ArgumentParser
import Foundation
import SymLabExperiments
import SymLabNumerics
import SymLabReport
import SymLabTraining

extension SymLab {
    /// `symlab fuzz` (hidden; `make fuzz`): feeds ``SpecFuzzer`` inputs to the spec and override
    /// parsers and the preflight checks, in this process, with a watchdog: an input that takes
    /// longer than `--time-limit` seconds is a hang, and a crash prints the input's number before
    /// the process dies, so that `--only N` reproduces either.
    struct Fuzz: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fuzz",
            abstract: "Fuzz the experiment-spec and override parsers with seeded hostile inputs.",
            discussion: """
                Every input must end in a clear error (a spec error naming the file or the override) or a valid spec, within the time limit. \
                At most once per 100 inputs, a valid spec whose sweep has string values is also rendered: made-up results of its runs \
                go through the figure and report code (gnuplot and the HTML page), and no text injected into it may run as a command \
                or reach the page as markup. Exit status 1 if an input fails either check.
                """,
            shouldDisplay: false)

        @Option(help: "Number of inputs.") var count = 100_000
        @Option(parsing: .unconditional, help: "Seed: input i of seed s is always the same.") var seed: UInt64 = 1
        @Option(help: "First input number.") var start = 0
        @Option(help: "CPU seconds one input may take before it counts as a hang.") var timeLimit = 2.0
        @Option(parsing: .unconditional, help: "Run input N alone and print it with its outcome.") var only: Int?
        @Option(help: "Print this many example error messages at the end.") var examples = 8

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be ≥ 1, got \(count)") }
            guard start >= 0 else { throw ValidationError("--start must be ≥ 0, got \(start)") }
            guard timeLimit > 0 && timeLimit.isFinite else { throw ValidationError("--time-limit must be positive, got \(timeLimit)") }
        }

        func run() throws {
            if let n = only {
                let input = SpecFuzzer.input(seed: seed, index: n)
                print(input)
                print("--- outcome ---")
                let verdict = SpecFuzzer.check(input)
                print(verdict)
                if case .valid = verdict, let spec = try? ExperimentSpec.parse(yaml: input.yaml, file: SpecFuzzer.file, overrides: input.overrides),
                   InjectionCheck.sweepsText(spec) {
                    print("rendered: " + (InjectionCheck.render(spec) ?? "no injected text escaped"))
                }
                return
            }
            FuzzWatch.installCrashReport()
            let watchdog = Thread { FuzzWatch.watch(limit: timeLimit) }
            watchdog.start()
            var valid = 0, errors = 0, unclear: [(Int, String)] = []
            var rendered = 0, injected: [(Int, String)] = [], lastRender = -100
            var slowest = (index: -1, seconds: 0.0)
            var messages: [String: Int] = [:]
            let t0 = Date()
            for i in start..<(start + count) {
                let input = SpecFuzzer.input(seed: seed, index: i)
                FuzzWatch.begin(i, seed: seed, input: input)
                let began = Date()
                let verdict = SpecFuzzer.check(input)
                let took = Date().timeIntervalSince(began)
                FuzzWatch.end()
                if took > slowest.seconds { slowest = (i, took) }
                switch verdict {
                case .valid:
                    valid += 1
                    if i - lastRender >= 100, let spec = try? ExperimentSpec.parse(yaml: input.yaml, file: SpecFuzzer.file, overrides: input.overrides),
                       InjectionCheck.sweepsText(spec) {
                        lastRender = i
                        rendered += 1
                        if let problem = InjectionCheck.render(spec) {
                            injected.append((i, problem))
                            writeToStandardError("INJECTED input \(i): \(UntrustedText.forTerminal(problem))\n  reproduce: symlab fuzz --seed \(seed) --only \(i)\n")
                        }
                    }
                case .error(let m):
                    errors += 1
                    // Group messages by their shape (digits and quoted values blurred) for the examples.
                    let shape = String(m.drop(while: { $0 != ":" }).prefix(60))
                    messages[shape, default: 0] += 1
                    if messages[shape] == 1 && messages.count <= examples { writeToStandardError("example error (input \(i)): \(m.prefix(300))\n") }
                case .unclear(let m):
                    unclear.append((i, m))
                    writeToStandardError("UNCLEAR input \(i): \(m.prefix(500))\n  reproduce: symlab fuzz --seed \(seed) --only \(i)\n")
                }
                if (i - start + 1) % 10_000 == 0 {
                    writeToStandardError("\(i - start + 1)/\(count) inputs, \(NumberFormat.fixed(Date().timeIntervalSince(t0), 0)) s\n")
                }
            }
            print("""
                fuzz: \(count) inputs (seed \(seed), inputs \(start)…\(start + count - 1)) in \(NumberFormat.fixed(Date().timeIntervalSince(t0), 1)) s
                  valid specs:   \(valid)
                  clear errors:  \(errors) (\(messages.count) distinct kinds)
                  unclear:       \(unclear.count)
                  crashes, hangs: 0 (time limit \(timeLimit) s per input; slowest input \(slowest.index) took \(NumberFormat.fixed(slowest.seconds, 3)) s)
                  rendered:      \(rendered) valid specs with string sweep values, through gnuplot and the HTML report
                  injected:      \(injected.count) (commands run or markup reaching the page)
                """)
            if !unclear.isEmpty || !injected.isEmpty { throw ExitCode(1) }
        }
    }
}

/// The fuzz loop's watchdog and crash report. State is shared with a watchdog thread and a
/// signal handler, so it is kept in a lock and a preformatted C buffer.
enum FuzzWatch {
    nonisolated(unsafe) static var current: (index: Int, seed: UInt64, input: SpecFuzzer.Input, began: Double)?
    static let lock = NSLock()
    /// "crashed on input N …" for the signal handler, rewritten before every input.
    nonisolated(unsafe) static let crashLine = UnsafeMutablePointer<CChar>.allocate(capacity: 512)
    nonisolated(unsafe) static var crashLineLength = 0

    static func begin(_ index: Int, seed: UInt64, input: SpecFuzzer.Input) {
        lock.lock(); current = (index, seed, input, cpuSeconds()); lock.unlock()
        let line = Array("\nsymlab fuzz: CRASH on input \(index) of seed \(seed); reproduce with: symlab fuzz --seed \(seed) --only \(index)\n".utf8.prefix(511))
        for (k, b) in line.enumerated() { crashLine[k] = CChar(bitPattern: b) }
        crashLineLength = line.count
    }

    static func end() { lock.lock(); current = nil; lock.unlock() }

    static func installCrashReport() {
        for s in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            signal(s) { sig in
                _ = write(2, FuzzWatch.crashLine, FuzzWatch.crashLineLength)
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    /// CPU seconds of this process: the limit is on work done, not on wall time, which on a
    /// shared machine stretches with everyone else's load.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Checks the running input every 50 ms; past the limit (in CPU seconds), prints it and ends the process.
    static func watch(limit: Double) {
        while true {
            usleep(50_000)
            lock.lock()
            let c = current
            lock.unlock()
            if let c, cpuSeconds() - c.began > limit {
                writeToStandardError("symlab fuzz: HANG: input \(c.index) of seed \(c.seed) took more than \(limit) CPU seconds; reproduce with: symlab fuzz --seed \(c.seed) --only \(c.index)\n\(c.input)\n")
                exit(3)
            }
        }
    }
}
