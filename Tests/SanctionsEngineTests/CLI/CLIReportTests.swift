import Foundation
import Testing
@testable import SanctionsEngine

@Suite(.serialized) struct CLIReportTests {
    @Test func reportWritesAWellFormedPageWithEveryRecord() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).html").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CLI.run(["report", "--rules", "Fixtures/engine/rules", "Fixtures/engine/records/petroleum-2018.jsonl",
                               "Fixtures/engine/records/hostile.jsonl", "-o", path])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let reading = XMLReading.read(html)
        #expect(reading.error == nil, "\(reading.error ?? "")")
        for id in ["p1", "p3", "p7", "p-x1"] { #expect(reading.text.contains(id)) }
        #expect(reading.textByID["errors"]?.contains("not valid JSON") == true)
        #expect(reading.elements["svg"] == 2, "one chart per cap period: 2018 and 2019")
    }

    @Test func markdownGoesToStandardOutput() throws {
        let run = try CLI.run(["report", "--format", "markdown", "--rules", "Fixtures/engine/rules", "Fixtures/engine/records/petroleum-2018.jsonl"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("# Sanctions assessment report"))
        #expect(run.stdout.contains("| 2018-05-01 | p3 | 100,000 | 550,000 | 110 | crossed the limit |"))
    }

    @Test func aMissingStateFileIsAnError() throws {
        let run = try CLI.run(["report", "--state", "/nonexistent/state.json", "--rules", "Fixtures/engine/rules",
                               "Fixtures/engine/records/petroleum-2018.jsonl"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("does not exist"))
    }
}
