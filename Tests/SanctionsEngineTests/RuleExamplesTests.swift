import Testing
@testable import SanctionsEngine

/// Every rule in the bundled rulebook carries examples; each must give what its file says.
@Suite struct RuleExamplesTests {
    @Test func bundledRulebookLoads() throws {
        let rulebook = try Rulebook.bundled()
        #expect(rulebook.rules.count >= 5)
        #expect(rulebook.digest.hasPrefix("sha256:"))
    }

    @Test func everyRuleExampleGivesItsVerdict() throws {
        let rulebook = try Rulebook.bundled()
        let (checked, failures) = ExampleCheck.run(rulebook)
        #expect(checked >= rulebook.rules.count * 2)
        for failure in failures { Issue.record("\(failure)") }
    }
}
