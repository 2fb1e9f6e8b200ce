import Testing
@testable import SanctionsEngine

@Suite struct ExplanationTests {
    func explain(_ id: String, rules: Rulebook? = nil, only: Set<String>? = nil) throws -> Explanation {
        var found: Record?
        try RecordReader.read(path: Fixtures.path("Fixtures/explain/coal.jsonl"), format: .jsonl) { raw in
            if let value = try? raw.value.get(), value["id"] == .string(id) { found = try Record(value: value, line: raw.line) }
        }
        let record = try #require(found)
        return Explanation(record: record, engine: Engine(rulebook: try rules ?? Fixtures.engineRules()), ruleIDs: only)
    }

    func coal(_ explanation: Explanation) throws -> Explanation.RuleExplanation {
        try #require(explanation.rules.first { $0.rule == "TEST-COAL-2371" })
    }

    @Test func aRuleThatAppliesShowsItsConditionsExemptionsAndMissingFacts() throws {
        let rule = try coal(try explain("wind-down"))
        #expect(rule.status == .applies)
        #expect(rule.finding?.verdict == .possibleViolation)
        #expect(rule.when?.truth == .yes)
        let windDown = try #require(rule.exemptions.first)
        #expect(windDown.id == "wind-down" && windDown.truth == .unknown)
        #expect(windDown.missing.map(\.path) == ["contract_date"])
        #expect(rule.exemptions.last?.id == "RAJIN-TRANSIT" && rule.exemptions.last?.truth == .no)
    }

    @Test func aConditionThatFailsIsNamedWithTheRecordsValue() throws {
        let rule = try coal(try explain("toys"))
        #expect(rule.status == .conditionsNotMet)
        #expect(rule.reason.contains("goods.hs in HS coal, iron-ore — record: goods[0].hs = 9503"), "\(rule.reason)")
        #expect(rule.when?.deciding.map(\.truth) == [.no])
        #expect(rule.finding == nil)
    }

    @Test func anExemptionThatAppliesSaysWhy() throws {
        let rule = try coal(try explain("rajin"))
        #expect(rule.status == .applies)
        #expect(rule.finding?.verdict == .exempt)
        #expect(rule.reason.contains("exemption RAJIN-TRANSIT applies"))
        let rajin = try #require(rule.exemptions.first { $0.id == "RAJIN-TRANSIT" })
        #expect(rajin.truth == .yes)
        #expect(rajin.trace?.deciding.flatMap(\.facts).contains { $0.path == "ports.loading" && $0.value == "Rason" } == true)
    }

    @Test func outOfForceAndOtherKindsAreExplained() throws {
        let early = try coal(try explain("before-ban"))
        #expect(early.status == .notInForce)
        #expect(early.reason.contains("before the rule was in force (2017-08-05 onwards)"))
        let worker = try coal(try explain("worker"))
        #expect(worker.status == .kindNotCovered)
        #expect(worker.reason == "the rule is for shipment, vessel_event records, not employment")
    }

    @Test func theVersionInForceOnTheRecordsDateIsNamed() throws {
        let explanation = try explain("before-ban", rules: try Rulebook.bundled(), only: ["DPRK-COAL-IRON-EXPORT-2371"])
        #expect(explanation.rules.count == 1)
        let rule = try #require(explanation.rules.first)
        #expect(rule.versionInForce == "DPRK-COAL-IRON-EXPORT-2270", "\(rule.reason)")
        #expect(explanation.outcome == .violation)
    }

    @Test func theOutcomeIsTheEnginesOutcome() throws {
        for id in ["wind-down", "before-ban", "toys", "rajin", "worker"] {
            let explanation = try explain(id)
            #expect(explanation.outcome == Engine(rulebook: try Fixtures.engineRules()).assess(explanation.record).outcome)
            let applying = explanation.rules.filter { $0.status == .applies }.compactMap(\.finding).map { Outcome($0.verdict) }
            #expect((applying.max() ?? .clear) == explanation.outcome)
        }
    }
}
