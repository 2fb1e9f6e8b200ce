import Foundation
import Testing
@testable import SanctionsEngine

@Suite struct CaseCheckTests {
    func report(_ file: String) throws -> CaseCheck.Report {
        let cases = try CaseFile.load(paths: [Fixtures.path("Fixtures/engine/cases/\(file)")])
        return CaseCheck.run(cases: cases, rulebook: try Fixtures.engineRules())
    }

    @Test func matchingCasesPass() throws {
        let report = try report("coal-after-ban.yaml")
        #expect(report.results.count == 2)
        #expect(report.results.allSatisfy { $0.passed }, "\(report.results.map(\.problems))")
        #expect(report.casesPerRule.first { $0.rule == "TEST-COAL-2371" }?.cases == 1)
        #expect(report.casesPerRule.first { $0.rule == "TEST-RUGS-2321" }?.cases == 0)
    }

    @Test func aChangedVerdictFailsWithExpectedAndActual() throws {
        let report = try report("wrong-expectation.yaml")
        let result = try #require(report.results.first)
        #expect(!result.passed)
        #expect(result.problems.contains("expected clear, got violation"))
        #expect(result.problems.contains("no violation finding cites 2397 ¶7"))
        #expect(report.failed == 1)
        let text = TestReport.text(report)
        #expect(text.contains("FAIL fixture-wrong-expectation / rug"))
        #expect(text.hasSuffix("\(report.passed) passed, 1 failed\n"))
        let junit = TestReport.junit(report)
        #expect(junit.contains(#"<failure message="expected clear, got violation; no violation finding cites 2397 ¶7"/>"#))
    }

    @Test func malformedCaseFilesAreReportedWithPositions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = """
        id: bad
        title: t
        category: luxury-good
        source: s
        summary: s
        records:
          - {id: r1, kind: shipment, date: 2019-01-01}
        expect:
          - {record: r2, outcome: violaton}
        """
        try text.write(to: directory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        do {
            _ = try CaseFile.load(paths: [directory.path])
            Issue.record("the case must not load")
        } catch {
            let messages = error.diagnostics.map(\.description)
            #expect(messages.contains { $0.contains("bad.yaml:3:11: error: unknown category 'luxury-good'") }, "\(messages)")
            #expect(messages.contains { $0.contains("did you mean 'violation'") }, "\(messages)")
            #expect(messages.contains { $0.contains("record 'r1' has no expectation") }, "\(messages)")
        }
    }
}

/// The historical case library guards the bundled rulebook: a rule edit that changes the
/// verdict on a documented case fails here (and in `sanctions test`).
@Suite struct CaseLibraryTests {
    @Test func everyDocumentedCaseGivesItsExpectedOutcome() throws {
        let cases = try CaseFile.load(paths: [Fixtures.path("Fixtures/cases")])
        #expect(cases.count >= 40)
        let report = CaseCheck.run(cases: cases, rulebook: try Rulebook.bundled())
        for result in report.results where !result.passed {
            Issue.record("\(result.caseID) / \(result.record) (\(result.position)): \(result.problems.joined(separator: "; "))")
        }
    }

    @Test func theCaseLibraryIsSpreadAndHasClearAndExemptCases() throws {
        let cases = try CaseFile.load(paths: [Fixtures.path("Fixtures/cases")])
        let outcomes = cases.flatMap { $0.expectations.map(\.outcome) }
        #expect(outcomes.filter { $0 == .clear || $0 == .exempt }.count >= 10)
        #expect(Set(cases.map(\.category)).count >= 8)
        #expect(cases.allSatisfy { !$0.source.isEmpty })
    }
}
