import Foundation
import Testing
@testable import SanctionsEngine

/// `sanctions bench` measures what it says; the figures themselves are never asserted
/// (they belong to docs/performance.md, not to tests).
@Suite(.serialized) struct CLIBenchTests {
    let workload = "Fixtures/bench/workload-2k.jsonl"

    @Test func benchMeasuresEachThreadCountTheBaselineAndStartUp() throws {
        let run = try CLI.run(["bench", workload, "--threads", "1,2", "--repeat", "1", "--rules", "Fixtures/engine/rules", "--brief",
                               "--baseline", "sleep 0.05; wc -l \(workload)"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let rows = lines.filter { $0.hasPrefix("sanctions, ") || $0.hasPrefix("sanctions --brief, ") || $0.hasPrefix("baseline") }
        #expect(rows.count == 5, "\(run.stdout)")
        for row in rows {
            // configuration, seconds, records/s, MB/s, peak MiB: every figure a positive number.
            let figures = row.split(separator: " ").suffix(4).map { Double($0.replacingOccurrences(of: ",", with: "")) }
            #expect(figures.count == 4 && figures.allSatisfy { ($0 ?? 0) > 0 }, "\(row)")
        }
        #expect(run.stdout.contains("2,000 records"))
        #expect(run.stdout.contains("start-up (empty input, rules loaded and compiled):"))
        #expect(run.stdout.contains("speed-up, sanctions, 2 threads over 1 thread:"))
        #expect(run.stdout.contains("fastest sanctions configuration over the baseline:"))
        // --brief is compared with its own one-thread run, not with the full one.
        #expect(run.stdout.contains("speed-up, sanctions --brief, 2 threads over 1 thread:"))
        #expect(!run.stdout.contains("speed-up, sanctions --brief, 1 thread over 1 thread:"))
        #expect(run.stdout.contains("fastest sanctions --brief configuration over the baseline:"))
    }

    /// The configurations run in turn, one run of each per round (a slow spell of the
    /// machine falls on all of them alike), and `--runs-log` lists every run in that order.
    @Test func configurationsRunInTurnRoundByRound() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("bench-runs-\(UUID().uuidString).tsv").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let run = try CLI.run(["bench", workload, "--threads", "1,2", "--repeat", "2", "--rules", "Fixtures/engine/rules", "--brief",
                               "--baseline", "true", "--runs-log", log])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.first == ["round", "configuration", "seconds", "peak MiB"])
        let configurations = ["sanctions, 1 thread", "sanctions, 2 threads", "sanctions --brief, 1 thread",
                              "sanctions --brief, 2 threads", "baseline"]
        let expected = [1, 2].flatMap { round in configurations.map { ["\(round)", $0] } } + (1...11).map { ["\($0)", "start-up"] }
        #expect(rows.dropFirst().map { Array($0.prefix(2)) } == expected)
        #expect(rows.dropFirst().allSatisfy { $0.count == 4 && (Double($0[2]) ?? -1) >= 0 && (Double($0[3]) ?? -1) >= 0 })

        let unwritable = try CLI.run(["bench", workload, "--threads", "1", "--repeat", "1", "--runs-log", "/no-such-directory/runs.tsv"])
        #expect(unwritable.status == 2)
        #expect(unwritable.stderr.contains("/no-such-directory/runs.tsv: cannot be written"))
    }

    @Test func parsersCompareTheEnginesReaderWithFoundationOnTheSameLines() throws {
        let run = try CLI.run(["bench", workload, "--threads", "1", "--repeat", "1", "--rules", "Fixtures/engine/rules", "--parsers"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("engine documents") || $0.hasPrefix("engine reader") || $0.hasPrefix("Foundation JSONSerialization")
        }
        #expect(rows.count == 3, "\(run.stdout)")
        // seconds, records/s, MB/s, parsed: positive figures, and every reader read every line
        // (the workload's lines are all in the documents' plain subset).
        for row in rows {
            let figures = row.split(separator: " ").suffix(4).map { Double($0.replacingOccurrences(of: ",", with: "")) }
            #expect(figures.count == 4 && figures.allSatisfy { ($0 ?? 0) > 0 }, "\(row)")
            #expect(row.hasSuffix(" 2,000"), "\(row)")
        }
        #expect(run.stdout.contains("the engine's reader over Foundation:"))
        #expect(run.stdout.contains("documents (what most records are judged on;"))
    }

    @Test func markdownGivesATable() throws {
        let run = try CLI.run(["bench", workload, "--threads", "2", "--repeat", "1", "--rules", "Fixtures/engine/rules",
                               "--format", "markdown"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("| configuration | seconds | records/s | MB/s | peak MiB |\n|---|---|---|---|---|\n| sanctions, 2 threads |"))
    }

    @Test func aFailingRunIsReportedNotTimed() throws {
        let missing = try CLI.run(["bench", "no-such-file.jsonl"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no-such-file.jsonl: cannot be read"))
        let failing = try CLI.run(["bench", workload, "--threads", "1", "--repeat", "1", "--rules", "Fixtures/engine/broken-rules"])
        #expect(failing.status == 2)
        #expect(failing.stderr.contains("exited with status 2"))
        let badThreads = try CLI.run(["bench", workload, "--threads", "0"])
        #expect(badThreads.status != 0)
        #expect(badThreads.stderr.contains("--threads"))
    }

    @Test func assessRejectsANonsenseThreadCount() throws {
        let run = try CLI.run(["assess", "--threads", "0", "Fixtures/records/sample.jsonl"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--threads must be between 1 and 256"))
    }
}
