import Foundation
import Testing
@testable import SanctionsEngine

@Suite struct CapLedgerTests {
    let engine: Engine

    init() throws {
        engine = Engine(rulebook: try Fixtures.engineRules())
    }

    func records(_ relative: String = "Fixtures/engine/records/petroleum-2018.jsonl") throws -> [RawRecord] {
        var raws: [RawRecord] = []
        try RecordReader.read(path: Fixtures.path(relative), format: .jsonl) { raws.append($0) }
        return raws
    }

    func byID(_ batch: BatchResult) -> [String: RecordResult] {
        Dictionary(uniqueKeysWithValues: batch.results.compactMap { result in result.id.map { ($0, result) } })
    }

    @Test func theRecordThatCrossesTheLimitAndEveryLaterOneAreViolations() throws {
        let results = byID(engine.assess(batch: try records()))
        #expect(results["p1"]?.outcome == .clear)
        #expect(results["p2"]?.outcome == .notice)
        #expect(results["p2"]?.findings.first?.message == "2018 total 450,000 bbl reaches 90% of the cap (500,000); this record +150,000 from 300,000")
        let crossing = try #require(results["p3"]?.findings.first)
        #expect(crossing.verdict == .violation)
        #expect(crossing.message == "2018 total 550,000 bbl > 500,000; this record +100,000 from 450,000")
        #expect(crossing.citations.first?.text == "UNSCR 2397 (2017), para. 5")
        #expect(crossing.cap?.before == 450_000)
        #expect(crossing.cap?.after == 550_000)
        #expect(results["p4"]?.outcome == .violation, "later records in the period stay over the cap")
        #expect(results["p5"]?.outcome == .clear, "a new year starts from zero")
    }

    @Test func uncountableQuantitiesArePossibleViolationsAndTotalsSaySo() throws {
        let batch = engine.assess(batch: try records())
        let results = byID(batch)
        #expect(results["p6"]?.outcome == .possibleViolation)
        #expect(results["p6"]?.findings.first?.missing.map(\.path) == ["goods[0].quantity"])
        let year2019 = try #require(batch.capTotals.first { $0.period == "2019" })
        #expect(year2019.lines.first?.unknownRecords == 1)
        #expect(year2019.lines.first?.total == 10_000 + 1000 * 7.33, "tonnes convert with the rule's stated factor")
        let year2018 = try #require(batch.capTotals.first { $0.period == "2018" })
        #expect(year2018.lines.first?.crossedBy == "p3")
    }

    @Test func shuffledInputGivesTheSameFindings() throws {
        let ordered = byID(engine.assess(batch: try records()))
        var generator = SeededGenerator(seed: 1718)
        for _ in 0..<5 {
            let shuffled = byID(engine.assess(batch: try records().shuffled(using: &generator)))
            for (id, result) in ordered {
                #expect(shuffled[id]?.outcome == result.outcome, "\(id)")
                #expect(shuffled[id]?.findings.map(\.message) == result.findings.map(\.message), "\(id)")
            }
        }
    }

    @Test func tiesOnADateFollowInputOrder() throws {
        let text = """
        {"id":"a","kind":"shipment","date":"2018-02-01","from":"RU","to":"KP","notified":true,"goods":[{"hs":"2710","quantity":400000,"unit":"bbl"}]}
        {"id":"b","kind":"shipment","date":"2018-02-01","from":"CN","to":"KP","notified":true,"goods":[{"hs":"2710","quantity":200000,"unit":"bbl"}]}
        """
        var raws: [RawRecord] = []
        try RecordReader.read(text: text, format: .jsonl) { raws.append($0) }
        let results = byID(engine.assess(batch: raws))
        #expect(results["a"]?.outcome == .notice)
        #expect(results["b"]?.outcome == .violation)
        let reversed = byID(engine.assess(batch: raws.reversed()))
        #expect(reversed["b"]?.outcome == .clear, "200,000 bbl first is 40% of the cap")
        #expect(reversed["a"]?.outcome == .violation)
    }

    @Test func periodsRepeatFromTheirStart() throws {
        func day(_ text: String) throws -> Day { try #require(Day(text)) }
        let period = Cap.Period(from: try day("2017-12-22"), until: nil, repeatsYearly: true, limits: [])
        let window = try #require(period.window(containing: try day("2018-12-22")))
        #expect(window.lowerBound.description == "2018-12-22")
        #expect(window.upperBound.description == "2019-12-21")
        #expect(period.window(containing: try day("2017-12-21")) == nil)
        let fixed = Cap.Period(from: try day("2017-10-01"), until: Day("2017-12-31"), repeatsYearly: false, limits: [])
        #expect(fixed.window(containing: try day("2018-01-01")) == nil)
        let quarter = try #require(fixed.window(containing: try day("2017-11-11")))
        #expect(CapLedger.label(quarter) == "2017-10-01 to 2017-12-31")
    }

    @Test func stateRoundTripsAndMergesInShardOrder() throws {
        var ledger = CapLedger(rulebook: engine.rulebook)
        for (index, raw) in try records().enumerated() {
            ledger.add(try Record(value: try raw.value.get(), line: raw.line), key: CapLedger.Key(source: 0, index: index))
        }
        var state = CapState(digest: engine.rulebook.digest)
        _ = state.rank(of: "a.jsonl")
        state.add(ledger.entries)
        let decoded = try CapState.decode(state.encoded())
        #expect(decoded.entries == state.entries.sorted { ($0.source, $0.index) < ($1.source, $1.index) })
        var other = CapState(digest: engine.rulebook.digest)
        _ = other.rank(of: "b.jsonl")
        other.add(ledger.entries)
        let merged = try CapState.merge([decoded, other])
        #expect(merged.sources == ["a.jsonl", "b.jsonl"])
        #expect(merged.entries.filter { $0.source == 1 }.count == ledger.entries.count)
        #expect(throws: CapStateError.self) { try CapState.merge([decoded, CapState(digest: "sha256:other")]) }
    }
}

/// A small deterministic generator (SplitMix64) so shuffles are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The caps the bundled rulebook carries: 2397 para. 5, 2397 para. 4, 2375 para. 14, 2321 para. 26.
@Suite struct RulebookCapTests {
    func batch(_ lines: [String]) throws -> [String: RecordResult] {
        let engine = Engine(rulebook: try Rulebook.bundled())
        var raws: [RawRecord] = []
        try RecordReader.read(text: lines.joined(separator: "\n"), format: .jsonl) { raws.append($0) }
        return Dictionary(uniqueKeysWithValues: engine.assess(batch: raws).results.compactMap { result in result.id.map { ($0, result) } })
    }

    func petroleum(_ id: String, _ date: String, _ barrels: Int) -> String {
        #"{"id":"\#(id)","kind":"shipment","date":"\#(date)","from":"RU","to":"KP","notified":true,"purpose":"livelihood","goods":[{"hs":"271019","description":"diesel","quantity":\#(barrels),"unit":"bbl"}]}"#
    }

    @Test func refinedPetroleumOverTheYearlyCapCites2397Paragraph5() throws {
        let results = try batch([
            petroleum("a", "2019-02-01", 200_000), petroleum("b", "2019-05-01", 200_000),
            petroleum("c", "2019-09-01", 200_000), petroleum("d", "2020-01-10", 200_000),
        ])
        #expect(results["a"]?.outcome == .exempt, "notified, livelihood, within the cap")
        #expect(results["b"]?.outcome == .notice, "400,000 of 500,000 is past the 75 per cent alert")
        let crossing = try #require(results["c"]?.findings.first { $0.cap != nil })
        #expect(crossing.verdict == .violation)
        #expect(crossing.citations.map(\.text) == ["UNSCR 2397 (2017), para. 5"])
        #expect(crossing.message.hasPrefix("2019 total 600,000 bbl > 500,000"))
        #expect(results["d"]?.outcome == .exempt, "2020 starts a new period")
    }

    @Test func crudeOilInTonnesCountsWithTheParagraphsOwnRatio() throws {
        let crude = #"{"id":"x","kind":"shipment","date":"2018-03-01","from":"CN","to":"KP","goods":[{"hs":"2709","quantity":530000,"unit":"t"}]}"#
        let finding = try #require(try batch([crude])["x"]?.findings.first { $0.cap != nil })
        #expect(finding.verdict == .violation)
        #expect(finding.citations.first?.text == "UNSCR 2397 (2017), para. 4")
        #expect(finding.message.contains("525,000"))
    }

    @Test func dprkCoalExportsOverThe2321CapAreViolations() throws {
        let coal = { (id: String, date: String, tons: Int) in
            #"{"id":"\#(id)","kind":"shipment","date":"\#(date)","from":"KP","to":"CN","purpose":"livelihood","goods":[{"hs":"2701","quantity":\#(tons),"unit":"t","value":1000}]}"#
        }
        let results = try batch([coal("early", "2017-02-01", 7_000_000), coal("late", "2017-03-01", 600_000)])
        let crossing = try #require(results["late"]?.findings.first { $0.cap != nil })
        #expect(crossing.verdict == .violation)
        #expect(crossing.citations.first?.text == "UNSCR 2321 (2016), para. 26")
        #expect(results["early"]?.findings.contains { $0.cap?.limit.measure == "t" && $0.verdict == .violation } == false)
    }

    /// Cap messages and reports give amounts grouped by thousands, cents only when there are
    /// any, rounded to the cent.
    @Test func amountsAreWrittenInThousandsWithCentsWhenThereAreAny() {
        let cases: [(Double, String)] = [
            (0, "0"), (7, "7"), (999, "999"), (1_000, "1,000"), (530_000, "530,000"), (1_234_567, "1,234,567"),
            (100_000_000, "100,000,000"), (1_234.5, "1,234.50"), (7.33, "7.33"), (0.05, "0.05"), (0.004, "0"),
            (999.999, "1,000"), (-1_234_567.891, "-1,234,567.89"), (-0.5, "-0.50"), (-7, "-7"),
            (1e15, "1,000,000,000,000,000"), (12_345.678, "12,345.68"),
        ]
        for (value, text) in cases {
            #expect(CapLedger.format(value) == text, "\(value)")
        }
    }

    /// Cap findings join a record's findings (in their order: worst first, then by rule id)
    /// as a stable sort of the two would place them: the record's own first among equals,
    /// the cap findings in the order given, whatever it is.
    @Test func capFindingsJoinTheRecordsFindingsInTheirOrder() {
        var generator = SeededGenerator(seed: 2375)
        let rules = ["DPRK-A", "DPRK-B", "DPRK-C", "DPRK-D"]
        func finding(_ label: String) -> Finding {
            Finding(rule: rules.randomElement(using: &generator) ?? "DPRK-A", title: "", verdict: Verdict.allCases.randomElement(using: &generator) ?? .notice,
                    category: "", citations: [], message: label, because: [], missing: [], exemption: nil, status: .verified)
        }
        func stablySorted(_ findings: [Finding]) -> [Finding] {
            findings.indices.sorted { left, right in
                let leftOutcome = Outcome(findings[left].verdict), rightOutcome = Outcome(findings[right].verdict)
                if leftOutcome != rightOutcome { return leftOutcome > rightOutcome }
                let leftRule = findings[left].rule, rightRule = findings[right].rule
                return leftRule != rightRule ? leftRule < rightRule : left < right
            }.map { findings[$0] }
        }
        for round in 0..<400 {
            let own = stablySorted((0..<Int.random(in: 0...8, using: &generator)).map { finding("own \($0)") })
            let caps = (0..<Int.random(in: 1...3, using: &generator)).map { finding("cap \($0)") }
            let outcome = own.map { Outcome($0.verdict) }.max() ?? .clear
            let result = RecordResult(id: "r", line: 1, outcome: outcome, findings: own, error: nil).adding(caps)
            #expect(result.findings.map(\.message) == stablySorted(own + caps).map(\.message), "round \(round)")
            #expect(result.outcome == (own + caps).map { Outcome($0.verdict) }.max())
        }
        let error = RecordResult(id: nil, line: 3, outcome: .error, findings: [], error: "unreadable")
        #expect(error.adding([finding("cap")]).findings.isEmpty, "an error result takes no cap finding")
    }
}
