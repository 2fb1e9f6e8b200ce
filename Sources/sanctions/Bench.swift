import ArgumentParser
import Foundation
import SanctionsEngine
#if canImport(Glibc)
import Glibc
#endif

/// `sanctions bench`: end-to-end throughput of `sanctions assess` (JSON Lines in, JSON Lines
/// out) on a workload file, per thread count, with the peak memory of each run, the
/// start-up time, and optionally a baseline command measured in the same run.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput, memory and start-up of 'sanctions assess' on a workload.",
        discussion: """
        Each configuration runs 'sanctions assess WORKLOAD --format jsonl --threads N' as a child \
        process, output to /dev/null; the figure is the median wall time of --repeat runs, and \
        the peak resident memory the largest of them. The configurations (the baseline among \
        them) run in turn, one run of each per round, so that a slow spell of the machine falls \
        on all of them alike. Start-up is the median of 11 runs on an empty file (loading and \
        compiling the rules). --runs-log keeps every run's time, in the order run.

        The workload of docs/performance.md is made by the project's generator:
          python3 ../shared/bench/gen.py -n 1000000 -o /tmp/data_1m.jsonl --designated /tmp/designated.txt
          sanctions bench /tmp/data_1m.jsonl --baseline "python3 ../shared/bench/run_python.py /tmp/data_1m.jsonl --designated /tmp/designated.txt"
        scripts/bench.sh does both, and the rule-count and record-size series.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown
    }

    @Argument(help: ArgumentHelp("A JSON Lines workload.", valueName: "WORKLOAD"))
    var workload: String

    @Option(help: ArgumentHelp("Thread counts to measure, comma-separated.", valueName: "N,N"))
    var threads: String = "1,2"

    @Option(name: .customLong("repeat"), help: "Runs per configuration (the median is reported).")
    var runs: Int = 3

    @Option(help: ArgumentHelp("A shell command to measure the same way, e.g. the Python baseline.", valueName: "COMMAND"))
    var baseline: String?

    @OptionGroup var rules: RuleOptions

    @Option(help: "Output: text or markdown (a table for docs/performance.md).")
    var format: Format = .text

    @Flag(help: "Also measure 'assess --brief' (verdicts without their reasons) at each thread count.")
    var brief = false

    @Flag(help: "Also measure parsing alone, in this process on one thread: the documents most records are judged on, the engine's full JSON Lines reader, and Foundation's JSONSerialization.")
    var parsers = false

    @Option(name: .customLong("runs-log"), help: ArgumentHelp(
        "Also write every run to FILE in the order run: round, configuration, wall seconds, peak MiB (tab-separated, one line each).",
        valueName: "FILE"))
    var runsLog: String?

    /// One thing to measure: a command line and what to call it.
    struct Configuration {
        let label: String
        /// `sanctions` or `sanctions --brief` (nil for the baseline and start-up).
        var mode: String? = nil
        var threads: Int? = nil
        let arguments: [String]
    }

    struct Measurement {
        let label: String
        /// `sanctions` or `sanctions --brief` (nil for the baseline and start-up).
        var mode: String? = nil
        var threads: Int? = nil
        let seconds: Double
        let peakKiB: Int
    }

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard !threadCounts.isEmpty, threadCounts.allSatisfy({ $0 >= 1 && $0 <= 256 }) else {
            throw ValidationError("--threads takes thread counts between 1 and 256, e.g. 1,2")
        }
    }

    var threadCounts: [Int] { threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() throws {
        guard let (records, bytes) = Bench.count(workload) else {
            Output.error("\(workload): cannot be read")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        if let runsLog, !FileManager.default.createFile(atPath: runsLog, contents: Data("round\tconfiguration\tseconds\tpeak MiB\n".utf8)) {
            Output.error("\(runsLog): cannot be written")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        let executable = Bench.executablePath()
        let ruleArguments = rules.directories.flatMap { ["--rules", $0] }
        var configurations: [Configuration] = []
        for mode in brief ? ["sanctions", "sanctions --brief"] : ["sanctions"] {
            let options = mode == "sanctions" ? [] : ["--brief"]
            for count in threadCounts {
                let arguments = [executable, "assess", workload, "--format", "jsonl"] + options + ["--threads", String(count)] + ruleArguments
                configurations.append(Configuration(label: "\(mode), \(count) thread\(count == 1 ? "" : "s")", mode: mode, threads: count,
                                                    arguments: arguments))
            }
        }
        if let baseline { configurations.append(Configuration(label: "baseline", arguments: ["/bin/sh", "-c", baseline])) }
        var results = try measure(configurations, runs: runs)
        let baselineResult = baseline == nil ? nil : results.removeLast()
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("sanctions-bench-empty-\(getpid()).jsonl").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let startupArguments = [executable, "assess", empty, "--format", "jsonl", "--threads", "1"] + ruleArguments
        let startup = try measure([Configuration(label: "start-up", arguments: startupArguments)], runs: 11)[0]

        var out = OutputBuffer()
        out.write(report(records: records, bytes: bytes, results: results, baseline: baselineResult, startup: startup))
        if parsers { out.write("\n" + (try parserReport(records: records, bytes: bytes))) }
        out.flush()
    }

    /// Parsing alone, median of `--repeat` runs: every line of the workload read and parsed
    /// into values by the engine's reader, then by Foundation's `JSONSerialization` (lines
    /// split the same way, each parsed into Foundation objects).
    func parserReport(records: Int, bytes: Int) throws -> String {
        func median(_ body: () throws -> Int) throws -> (seconds: Double, parsed: Int) {
            var times: [Double] = []
            var parsed = 0
            for _ in 0..<runs {
                let start = Date()
                parsed = try body()
                times.append(Date().timeIntervalSince(start))
            }
            times.sort()
            return (times[times.count / 2], parsed)
        }
        let engine = try median {
            var parsed = 0
            try RecordReader.read(path: workload, format: .jsonl) { raw in
                if case .success = raw.value { parsed += 1 }
            }
            return parsed
        }
        let documents = try median { try RecordReader.readDocuments(path: workload).documents }
        let foundation = try median {
            guard let handle = FileHandle(forReadingAtPath: workload) else { throw ExitCode(Sanctions.Exit.cannotRun) }
            defer { try? handle.close() }
            var parsed = 0
            var pending = Data()
            func parse(_ line: Data) {
                guard line.contains(where: { $0 != 32 && $0 != 9 && $0 != 13 }) else { return }
                if (try? JSONSerialization.jsonObject(with: line)) != nil { parsed += 1 }
            }
            while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
                pending.append(block)
                var start = pending.startIndex
                while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    parse(pending[start..<newline])
                    start = newline + 1
                }
                pending = Data(pending[start...])
            }
            parse(pending)
            return parsed
        }
        let rows = [("engine documents (Document tape)", documents), ("engine reader (JSONParser → Value)", engine),
                    ("Foundation JSONSerialization", foundation)].map { label, measured in
            [label, String(format: "%.2f", measured.seconds), Bench.grouped(Int((Double(records) / measured.seconds).rounded())),
             String(format: "%.1f", Double(bytes) / measured.seconds / 1_000_000), Bench.grouped(measured.parsed)]
        }
        let header = ["parser (1 thread, parsing alone)", "seconds", "records/s", "MB/s", "parsed"]
        let note = "median of \(runs) run\(runs == 1 ? "" : "s") each, in this process; the engine's reader over Foundation: \(String(format: "%.2f", foundation.seconds / engine.seconds))×"
        let tape = "documents (what most records are judged on; a line outside their subset is parsed in full instead) over the full parser: \(String(format: "%.2f", engine.seconds / documents.seconds))×"
        return table(header: header, rows: rows, notes: [note, tape])
    }

    func report(records: Int, bytes: Int, results: [Measurement], baseline: Measurement?, startup: Measurement) -> String {
        func row(_ measurement: Measurement) -> [String] {
            let rate = Double(records) / measurement.seconds
            return [measurement.label, String(format: measurement.seconds < 1 ? "%.3f" : "%.2f", measurement.seconds),
                    Bench.grouped(Int(rate.rounded())),
                    String(format: "%.1f", Double(bytes) / measurement.seconds / 1_000_000),
                    String(format: "%.1f", Double(measurement.peakKiB) / 1024)]
        }
        let header = ["configuration", "seconds", "records/s", "MB/s", "peak MiB"]
        let rows = (results + (baseline.map { [$0] } ?? [])).map(row)
        var notes: [String] = []
        notes.append("workload: \(workload), \(Bench.grouped(records)) records, \(Bench.grouped(bytes)) bytes (\(bytes / max(records, 1)) bytes per record)")
        notes.append("median of \(runs) run\(runs == 1 ? "" : "s") each; start-up (empty input, rules loaded and compiled): \(String(format: "%.1f", startup.seconds * 1000)) ms")
        // Each mode (full results, --brief) against its own one-thread run and the baseline.
        let modes = results.reduce(into: [String]()) { modes, result in
            if let mode = result.mode, !modes.contains(mode) { modes.append(mode) }
        }
        for mode in modes {
            let runs = results.filter { $0.mode == mode }
            if let one = runs.first(where: { $0.threads == 1 }) {
                for other in runs where other.label != one.label {
                    notes.append("speed-up, \(other.label) over 1 thread: \(String(format: "%.2f", one.seconds / other.seconds))×")
                }
            }
            if let baseline, let best = runs.min(by: { $0.seconds < $1.seconds }) {
                notes.append("fastest \(mode) configuration over the baseline: \(String(format: "%.2f", baseline.seconds / best.seconds))×")
            }
        }
        return table(header: header, rows: rows, notes: notes)
    }

    /// `rows` under `header` as `--format` asks, then the notes.
    func table(header: [String], rows: [[String]], notes: [String]) -> String {
        switch format {
        case .markdown:
            var text = "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
            for cells in rows { text += "| " + cells.joined(separator: " | ") + " |\n" }
            return text + "\n" + notes.map { "- \($0)\n" }.joined()
        case .text:
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { column, cell in
                    column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[column] - cell.count) + cell
                }.joined(separator: "  ") + "\n"
            }
            return line(header) + rows.map(line).joined() + "\n" + notes.map { $0 + "\n" }.joined()
        }
    }

    /// Runs each configuration `runs` times (standard output to /dev/null), in rounds of one
    /// run of each in turn, and reports for each the median wall time and the largest peak
    /// resident memory. Each run is written to `--runs-log` as it ends.
    func measure(_ configurations: [Configuration], runs: Int) throws -> [Measurement] {
        var times = [[Double]](repeating: [], count: configurations.count)
        var peaks = [Int](repeating: 0, count: configurations.count)
        let log = runsLog.flatMap { FileHandle(forWritingAtPath: $0) }
        defer { try? log?.close() }
        _ = try? log?.seekToEnd()
        for round in 1...runs {
            for (index, configuration) in configurations.enumerated() {
                let start = Date()
                let (status, maxRSS) = try Bench.spawn(configuration.arguments)
                let seconds = Date().timeIntervalSince(start)
                // assess exits 1 when it finds violations: that is a normal run here.
                guard status == 0 || status == 1 else {
                    Output.error("\(configuration.label): '\(configuration.arguments.joined(separator: " "))' exited with status \(status)")
                    throw ExitCode(Sanctions.Exit.cannotRun)
                }
                times[index].append(seconds)
                peaks[index] = max(peaks[index], maxRSS)
                let line = "\(round)\t\(configuration.label)\t\(String(format: "%.3f", seconds))\t\(String(format: "%.1f", Double(maxRSS) / 1024))\n"
                try? log?.write(contentsOf: Data(line.utf8))
            }
        }
        return configurations.indices.map { index in
            let sorted = times[index].sorted()
            let configuration = configurations[index]
            return Measurement(label: configuration.label, mode: configuration.mode, threads: configuration.threads,
                               seconds: sorted[sorted.count / 2], peakKiB: peaks[index])
        }
    }

    /// Runs a child process with standard output to /dev/null; returns its exit status and
    /// peak resident memory in KiB.
    static func spawn(_ arguments: [String]) throws -> (status: Int32, maxRSS: Int) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            Output.error("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else {
                Output.error("cannot wait for \(arguments[0])")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
        }
        let exited = (status & 0x7F) == 0
        return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), Int(usage.ru_maxrss))
    }

    /// Records (non-blank lines) and bytes of a JSON Lines file, read in blocks.
    static func count(_ path: String) -> (records: Int, bytes: Int)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var records = 0, bytes = 0
        var lineHasContent = false
        while let block = try? handle.read(upToCount: 1 << 20), !block.isEmpty {
            bytes += block.count
            for byte in block {
                if byte == UInt8(ascii: "\n") {
                    if lineHasContent { records += 1 }
                    lineHasContent = false
                } else if byte != 32, byte != 9, byte != 13 {
                    lineHasContent = true
                }
            }
        }
        if lineHasContent { records += 1 }
        return (records, bytes)
    }

    /// This executable's path, so that the children are the same build.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func grouped(_ number: Int) -> String {
        let digits = String(number)
        var out = ""
        for (position, character) in digits.enumerated() {
            if position > 0, (digits.count - position) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }
}
