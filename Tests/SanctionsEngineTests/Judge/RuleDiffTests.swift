import Testing
@testable import SanctionsEngine

@Suite struct RuleDiffTests {
    func diff() throws -> RuleDiff {
        var records: [RawRecord] = []
        try RecordReader.read(path: Fixtures.path("Fixtures/diff/records.jsonl"), format: .jsonl) { records.append($0) }
        return RuleDiff.run(old: try Fixtures.engineRules(),
                            new: try Rulebook.load(directories: [Fixtures.path("Fixtures/diff/rules-after")]),
                            cases: try CaseFile.load(paths: [Fixtures.path("Fixtures/engine/cases/coal-after-ban.yaml")]),
                            inputs: [("records.jsonl", records)])
    }

    @Test func everyRecordWhoseOutcomeOrCitationsChangeIsListed() throws {
        let diff = try diff()
        #expect(diff.recordsCompared == 4)
        #expect(diff.removed == ["TEST-WORKERS-CONCERN-2321"] && diff.added.isEmpty)
        #expect(diff.changes.map(\.record) == ["in-wind-down", "d-1"])
        let documented = try #require(diff.documentedChanges.first)
        #expect(diff.documentedChanges.count == 1)
        #expect(documented.source == "fixture-coal-after-ban")
        #expect(documented.before.outcome == .possibleViolation && documented.after.outcome == .violation)
        let record = try #require(diff.changes.last)
        #expect(!record.documented)
        #expect(record.before.outcome == .exempt && record.after.outcome == .violation)
        #expect(record.after.citations == ["violation: UNSCR 2371 (2017), para. 8"])
    }

    @Test func theSameRulesChangeNothing() throws {
        let rules = try Fixtures.engineRules()
        let cases = try CaseFile.load(paths: [Fixtures.path("Fixtures/engine/cases")])
        let diff = RuleDiff.run(old: rules, new: rules, cases: cases, inputs: [])
        #expect(diff.changes.isEmpty && diff.recordsCompared > 0)
    }

    @Test func markdownIsATableForAReviewComment() throws {
        let markdown = DiffReport.markdown(try diff())
        #expect(markdown.contains("2 of 4 records change; 1 in documented cases"))
        #expect(markdown.contains("| **case** | `fixture-coal-after-ban` / `in-wind-down`<br>documented: possible_violation | **possible_violation**"))
    }
}
