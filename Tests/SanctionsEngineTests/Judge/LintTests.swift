import Testing
@testable import SanctionsEngine

@Suite struct LintTests {
    let lint = Lint.run(directories: [Fixtures.path("Fixtures/lint/rules")])

    func find(_ file: String, _ line: Int, _ severity: Diagnostic.Severity, _ words: String) -> Diagnostic? {
        lint.diagnostics.first {
            $0.position.file.hasSuffix(file) && $0.position.line == line && $0.severity == severity && $0.message.contains(words)
        }
    }

    @Test func everyKindOfMistakeIsReportedAtItsPosition() {
        let all = lint.diagnostics.map(\.description).joined(separator: "\n")
        #expect(find("duplicate.yaml", 2, .error, "rule id 'TEST-COAL-2371' is already used") != nil, "\(all)")
        #expect(find("mistakes.yaml", 9, .warning, "'in_force.until' without 'superseded_by'") != nil, "\(all)")
        #expect(find("mistakes.yaml", 14, .warning, "'goods.hsc' is not a field of a shipment record")?.message.contains("did you mean 'goods.hs'") == true, "\(all)")
        #expect(find("mistakes.yaml", 16, .warning, "exemption WORKERS of TEST-MISTAKES can never apply") != nil, "\(all)")
        #expect(find("mistakes.yaml", 24, .error, "example v1 of TEST-MISTAKES: expected violation") != nil, "\(all)")
        #expect(find("operator.yaml", 6, .error, "needs a 'paragraph'") != nil, "\(all)")
        #expect(find("operator.yaml", 9, .error, "the rule would never be in force") != nil, "\(all)")
        #expect(find("operator.yaml", 14, .error, "did you mean 'equals'") != nil, "\(all)")
        #expect(find("operator.yaml", 16, .error, "did you mean 'rajin-port-names'") != nil, "\(all)")
        #expect(find("overlap.yaml", 2, .warning, "TEST-COAL-OVERLAP overlaps TEST-COAL-2371") != nil, "\(all)")
        #expect(lint.errors == 7 && lint.warnings == 4, "\(all)")
        #expect(lint.diagnostics.filter { $0.severity == .warning }.allSatisfy { $0.hint != nil })
    }

    @Test func warningsFailOnlyWhenStrict() throws {
        let clean = Lint.run(directories: [Fixtures.path("Fixtures/lint/rules")])
            .restricted(to: Set(lint.diagnostics.map(\.position.file).filter { $0.hasSuffix("overlap.yaml") }))
        #expect(clean.errors == 0 && clean.warnings == 1)
        #expect(!clean.fails(strict: false))
        #expect(clean.fails(strict: true))
    }

    @Test func theBundledRulebookHasNoErrors() throws {
        let directory = try #require(Rulebook.bundledDirectory())
        let bundled = Lint.run(directories: [directory])
        #expect(bundled.errors == 0, "\(bundled.diagnostics.filter { $0.severity == .error })")
        #expect(!bundled.diagnostics.contains { $0.code == "unknown-field" }, "the record schema covers every field the rules use")
        #expect(bundled.rulesChecked == (try Rulebook.bundled()).rules.count)
    }

    @Test func aRuleThatOnlyWarnsStillLoads() throws {
        let rulebook = try Rulebook.load(directories: [Fixtures.path("Fixtures/engine/rules")])
        #expect(rulebook.rules.count == 5)
        #expect(Lint.run(directories: [Fixtures.path("Fixtures/engine/rules")]).warnings > 0)
    }

    @Test(arguments: [
        ("goods.hs", RecordKind.shipment, true),
        ("goods.hsc", .shipment, false),
        ("goods", .vesselEvent, true),
        ("event.counterpart.flag", .vesselEvent, true),
        ("worker.nationality", .shipment, false),
        ("venture.partners.country", .jointVenture, true),
        ("flow", .financial, true),
    ])
    func theRecordSchemaKnowsTheContract(_ path: String, _ kind: RecordKind, _ known: Bool) {
        #expect(RecordSchema.standard.knows(path, kinds: [kind]) == known)
    }
}
