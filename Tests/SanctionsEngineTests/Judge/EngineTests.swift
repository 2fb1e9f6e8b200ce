import Testing
@testable import SanctionsEngine

@Suite struct EngineTests {
    let engine: Engine

    init() throws {
        engine = Engine(rulebook: try Fixtures.engineRules())
    }

    func assess(_ json: String) throws -> RecordResult {
        engine.assess(try Record(json: json))
    }

    func coal(_ date: String, _ extra: String = "") -> String {
        record(#""from":"KP","to":"CN","goods":[{"hs":"2701","description":"anthracite"}]"# + extra, date: date)
    }

    @Test func aViolationCitesItsParagraphWithTheFactsAndMessage() throws {
        let result = try assess(coal("2018-03-01"))
        #expect(result.outcome == .violation)
        let finding = try #require(result.findings.first)
        #expect(finding.rule == "TEST-COAL-2371")
        #expect(finding.citations.map(\.text) == ["UNSCR 2371 (2017), para. 8"])
        #expect(finding.message == "anthracite (HS 2701) supplied from the DPRK on 2018-03-01")
        #expect(finding.because.contains { $0.path == "goods[0].hs" && $0.value == "2701" })
        #expect(finding.because.contains { $0.path == "from" && $0.value == "KP" })
        #expect(finding.missing.isEmpty)
    }

    @Test func theLawOfTheRecordsDateApplies() throws {
        #expect(try assess(coal("2017-08-04")).outcome == .clear)
        #expect(try assess(coal("2017-08-05", #","contract_date":"2017-09-01""#)).outcome == .violation)
        // A notice rule in force until 2017-08-04 only.
        let worker = record(#""from":"KP","to":"RU","worker":{"nationality":"KP"}"#, kind: "employment", date: "2017-08-04")
        #expect(try assess(worker).outcome == .notice)
        let later = record(#""from":"KP","to":"RU","worker":{"nationality":"KP"}"#, kind: "employment", date: "2017-08-05")
        #expect(try assess(later).outcome == .clear)
    }

    @Test func aPeriodOverlappingTheWindowIsInScope() throws {
        let overlapping = record(#""date_to":"2017-08-05","from":"KP","to":"RU","worker":{"nationality":"KP"}"#, kind: "employment", date: "2017-01-01")
        #expect(try assess(overlapping).findings.contains { $0.rule == "TEST-WORKERS-CONCERN-2321" })
    }

    @Test func theWindDownExemptsOldContractsUntilItsLastDay() throws {
        let lastDay = try assess(coal("2017-09-04", #","contract_date":"2017-07-20""#))
        #expect(lastDay.outcome == .exempt)
        #expect(lastDay.findings.first?.exemption?.id == "wind-down")
        #expect(lastDay.findings.first?.exemption?.status == .applied)
        #expect(try assess(coal("2017-09-05", #","contract_date":"2017-07-20""#)).outcome == .violation)
        #expect(try assess(coal("2017-08-20", #","contract_date":"2017-08-05""#)).outcome == .violation)
    }

    @Test func aWindDownThatCannotBeDecidedIsAPossibleViolation() throws {
        let result = try assess(coal("2017-08-20"))
        #expect(result.outcome == .possibleViolation)
        let finding = try #require(result.findings.first)
        #expect(finding.missing.map(\.path) == ["contract_date"])
        #expect(finding.exemption?.status == .undecided)
    }

    @Test func anExemptionAppliesOrIsUndecidedButNeverSilentlyIgnored() throws {
        let transit = try assess(coal("2018-02-01", #","origin":"RU","ports":{"loading":"Rason"}"#))
        #expect(transit.outcome == .exempt)
        #expect(transit.findings.first?.exemption?.id == "RAJIN-TRANSIT")
        #expect(transit.findings.first?.exemption?.citations.first?.text == "UNSCR 2371 (2017), para. 8")
        // Not applicable: DPRK-origin coal at Rajin.
        #expect(try assess(coal("2018-02-01", #","ports":{"loading":"Rajin"}"#)).outcome == .violation)
        // Undecidable: non-DPRK origin but the loading port is not given.
        let unknownPort = try assess(coal("2018-02-01", #","origin":"RU""#))
        #expect(unknownPort.outcome == .possibleViolation)
        #expect(unknownPort.findings.first?.missing.map(\.path) == ["ports.loading"])
        #expect(unknownPort.findings.first?.exemption?.id == "RAJIN-TRANSIT")
    }

    @Test func anUnknownConditionIsAPossibleViolationNamingTheFact() throws {
        let result = try assess(record(#""from":"CN","to":"KP","goods":[{"hs":"5702","description":"woven rug"}]"#, date: "2019-06-10"))
        #expect(result.outcome == .possibleViolation)
        let finding = try #require(result.findings.first)
        #expect(finding.missing.map(\.path) == ["goods[0].value"])
        #expect(finding.missing.first?.need == "rugs are prohibited above USD 500")
    }

    @Test func theOwnNationalExemptionOfTheWorkersRule() throws {
        let workers = record(#""from":"KP","to":"RU","worker":{"nationality":"KP","count":40}"#, kind: "employment", date: "2019-06-01")
        #expect(try assess(workers).outcome == .clear, "period ends before the deadline")
        let after = record(#""date_to":"2020-01-01","from":"KP","to":"RU","worker":{"nationality":"KP","count":40}"#, kind: "employment", date: "2019-06-01")
        let result = try assess(after)
        #expect(result.outcome == .possibleViolation, "whether the person is the host State's own national is not given")
        let exempt = record(#""date_to":"2020-01-01","from":"KP","to":"RU","worker":{"nationality":"KP","host_national":true}"#, kind: "employment", date: "2019-06-01")
        #expect(try assess(exempt).outcome == .exempt)
        let violation = record(#""date_to":"2020-01-01","from":"KP","to":"RU","worker":{"nationality":"KP","count":40,"host_national":false}"#, kind: "employment", date: "2019-06-01")
        let found = try assess(violation)
        #expect(found.outcome == .violation)
        #expect(found.findings.first?.message == "40 DPRK nationals earning income in RU until 2020-01-01")
    }

    @Test func theOutcomeIsTheWorstFindingAndFindingsAreOrdered() throws {
        let mixed = record(#""from":"KP","to":"KP","goods":[{"hs":"2701"},{"hs":"5701"}]"#, date: "2019-06-10")
        let result = try assess(mixed)
        #expect(result.findings.map(\.verdict) == [.violation, .possibleViolation])
        #expect(result.outcome == .violation)
    }

    @Test func unreadableRecordsBecomeErrorResults() {
        let raw = RawRecord(line: 7, value: .success(.object(["id": .string("x"), "kind": .string("shipment")])))
        let result = engine.assess(raw)
        #expect(result.outcome == .error)
        #expect(result.line == 7)
        #expect(result.id == "x")
        #expect(result.error?.contains("no `date`") == true)
    }

    @Test func everyFixtureRuleExamplePasses() throws {
        let (checked, failures) = ExampleCheck.run(try Fixtures.engineRules())
        #expect(checked == 10)
        #expect(failures.isEmpty, "\(failures)")
    }
}
