import Testing
@testable import SanctionsEngine

@Suite struct RuleLoadingTests {
    func problems(in directory: String) -> [Diagnostic] {
        do {
            _ = try Rulebook.load(directories: [Fixtures.path(directory)])
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func theEngineFixtureRulesLoad() throws {
        let rulebook = try Fixtures.engineRules()
        #expect(rulebook.rules.map(\.id) == ["TEST-COAL-2371", "TEST-PETROLEUM-2397", "TEST-RUGS-2321", "TEST-WORKERS-2397", "TEST-WORKERS-CONCERN-2321"])
        #expect(rulebook.lists["rajin-port-names"]?.entry(matching: "rason") != nil)
        let coal = try #require(rulebook.rules.first)
        #expect(coal.citations.first?.text == "UNSCR 2371 (2017), para. 8")
        #expect(coal.inForce.windDown?.until == Day("2017-09-04"))
    }

    @Test func everyProblemInAFileIsReportedWithItsPosition() {
        let diagnostics = problems(in: "Fixtures/engine/broken-rules")
        let text = diagnostics.map(\.description)
        func has(_ line: Int, _ column: Int, _ words: String) -> Bool {
            diagnostics.contains { $0.position.line == line && $0.position.column == column && $0.message.contains(words) }
        }
        #expect(has(3, 11, "did you mean 'sectoral-export-ban'"), "\(text)")
        #expect(has(5, 5, "needs a 'paragraph'"), "\(text)")
        #expect(has(8, 9, "must be an ISO date"), "\(text)")
        #expect(has(10, 1, "unknown key 'whne'"), "\(text)")
        #expect(diagnostics.contains { $0.message.contains("did you mean 'when'") }, "\(text)")
        #expect(diagnostics.contains { $0.message.contains("a rule needs 'when'") }, "\(text)")
        #expect(diagnostics.contains { $0.message.contains("'27x1' is not an HS code") }, "\(text)")
        #expect(diagnostics.contains { $0.message.contains("at least one record under 'violation'") }, "\(text)")
        #expect(diagnostics.allSatisfy { $0.position.file.hasSuffix(".yaml") })
    }

    @Test func aYAMLSyntaxErrorNamesItsLineAndColumn() throws {
        let diagnostics = problems(in: "Fixtures/engine/broken-rules").filter { $0.position.file.hasSuffix("syntax.yaml") }
        let syntax = try #require(diagnostics.first)
        #expect(syntax.message.contains("YAML syntax"))
        #expect(syntax.position.line >= 2)
        #expect(syntax.description.hasPrefix(syntax.position.file + ":\(syntax.position.line):\(syntax.position.column): error:"))
    }

    @Test func duplicateRuleIdsAcrossDirectoriesAreRejected() {
        do {
            _ = try Rulebook.load(directories: [Fixtures.path("Fixtures/engine/rules"), Fixtures.path("Fixtures/engine/rules")])
            Issue.record("loading the same rules twice must fail")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains("rule id 'TEST-COAL-2371' is already used") })
        }
    }

    @Test func theDigestChangesWithTheRules() throws {
        let one = try Fixtures.engineRules()
        let again = try Fixtures.engineRules()
        #expect(one.digest == again.digest)
        let bundled = try Rulebook.bundled()
        #expect(bundled.digest != one.digest)
    }

    @Test(arguments: [
        ("field: goods.hs\nin_hs: [\"2701\"]\nequals: x", "has 2 operators"),
        ("field: goods.hs", "needs one operator"),
        ("feild: goods.hs\nequals: x", "did you mean 'field'"),
        ("field: goods..hs\nequals: x", "is not a field path"),
        ("field: date\nafter: 2019-02-30", "must be an ISO date"),
        ("field: value\ngreater_than: {value: 5, unit: barrel}", "unknown unit 'barrel'"),
        ("field: x\nmatches: \"(a+)+$\"", "exponential"),
        ("field: x\nin_list: no-such-list", "no list named"),
        ("field: goods.hs\nin_hs: [cole]", "neither an HS code nor a scope"),
        ("all: []", "at least one condition"),
        ("field: x\nexists: false", "missing: true"),
    ])
    func conditionMistakesAreExplained(_ yaml: String, _ words: String) {
        do {
            _ = try compileCondition(yaml)
            Issue.record("should not compile: \(yaml)")
        } catch {
            #expect("\(error)".contains(words), "\(error)")
        }
    }

    @Test func aCallsUponRuleCannotFindAViolation() throws {
        let yaml = """
        id: X-1
        title: t
        category: worker-dispatch
        citations: [{resolution: 2321, year: 2016, paragraph: "34", obligation: calls_upon}]
        in_force: {from: 2016-11-30}
        applies_to: [employment]
        when: {field: worker.nationality, equals: KP}
        verdict: violation
        message: m
        examples:
          violation: [{id: a, kind: employment, date: 2017-01-01}]
          not_violation: [{id: b, kind: employment, date: 2017-01-01}]
        """
        let reader = Reader()
        let node = try #require(try YAMLSyntax.documents(yaml, file: "x.yaml").first)
        #expect(RuleChecker(reader: reader, scopes: [:], lists: [:]).rule(node) == nil)
        #expect(reader.diagnostics.contains { $0.message.contains("use 'verdict: notice'") })
    }
}
