import Foundation
import Testing
@testable import SanctionsEngine

/// The optimised path agrees with the straightforward one: the truth-only evaluation with
/// the reasoned evaluation, screening through a cache with screening afresh, integer HS
/// matching with string matching, byte encoding with string encoding, and a parallel run
/// with a one-thread run. The records are the first 2,000 of the benchmark workload
/// (Fixtures/bench), the rule examples and the case library.
@Suite struct FastPathTests {
    static let rulebook: Rulebook? = try? Rulebook.bundled()

    /// The benchmark sample, the rule examples and the historical cases, as records.
    static func records() throws -> [Record] {
        let rulebook = try #require(rulebook)
        var records: [Record] = []
        try RecordReader.read(path: Fixtures.path("Fixtures/bench/workload-2k.jsonl"), format: .jsonl) { raw in
            if let value = try? raw.value.get(), let record = try? Record(value: value, line: raw.line) { records.append(record) }
        }
        for rule in rulebook.rules {
            for (example, _) in rule.examples.all {
                if let record = try? Record(value: example.record) { records.append(record) }
            }
        }
        for historical in try CaseFile.load(paths: [Fixtures.path("Fixtures/cases")]) {
            for (value, _) in historical.records { if let record = try? Record(value: value) { records.append(record) } }
        }
        return records
    }

    /// Every condition a rule evaluates, with the program the engine asks for its truth:
    /// its own, its exemptions', its cap's `counts` and `items` (compiled when it was loaded).
    static func conditions(of rule: Rule) -> [(condition: Condition, program: TruthProgram)] {
        var conditions = [(rule.condition, rule.program)] + rule.exemptions.map { ($0.condition, $0.program) }
        if let cap = rule.cap {
            if let counts = cap.counts, let program = cap.countsProgram { conditions.append((counts, program)) }
            conditions.append((cap.items, cap.itemsProgram))
        }
        return conditions
    }

    /// The truth-only evaluation (each condition's compiled program) equals the reasoned
    /// one, with and without the screening cache.
    @Test func truthOnlyEvaluationAgreesWithTheReasonedOneForEveryRuleAndRecord() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let records = try FastPathTests.records()
        #expect(records.count > 2_300)
        var compared = 0, held = 0
        for record in records {
            let plain = Evaluator(record: record)
            let fast = Evaluator(record: record, cache: ScreeningCache())
            for rule in rulebook.rules where rule.appliesTo.contains(record.kind) {
                for (condition, program) in FastPathTests.conditions(of: rule) {
                    let reference = plain.evaluate(condition).truth
                    #expect(fast.truths.truth(program) == reference, "\(rule.id) on \(record.id)")
                    #expect(plain.truths.truth(program) == reference, "\(rule.id) on \(record.id), no cache")
                    compared += 1
                    if reference != .no { held += 1 }
                }
            }
        }
        // Both outcomes are exercised, not only the common "does not apply".
        #expect(compared > 50_000)
        #expect(held > 1_000)
    }

    /// On documents, where `period_end` is decided on a value: the workload's lines.
    @Test func aCompiledConditionOnADocumentIsAsTrueAsTheReasonedEvaluation() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let cache = ScreeningCache()
        var compared = 0, held = 0
        for (bytes, line) in try DocumentTests.workload() {
            let document = try #require(Document(bytes), "line \(line)")
            let record = try Record(value: bytes.withUnsafeBufferPointer { try JSONParser.parse($0) }, line: line)
            let values = Evaluator(record: record)
            document.withRoot { root in
                guard let header = DocumentRecord(root: root, line: line) else {
                    Issue.record("line \(line): no document record")
                    return
                }
                let truths = TruthEvaluator(root: root, date: header.date, periodEnd: header.periodEnd, cache: cache,
                                            directions: header.directions)
                for rule in rulebook.rules where rule.appliesTo.contains(record.kind) {
                    for (condition, program) in FastPathTests.conditions(of: rule) {
                        let reference = values.evaluate(condition).truth
                        #expect(truths.truth(program) == reference, "\(rule.id) on line \(line)")
                        compared += 1
                        if reference != .no { held += 1 }
                    }
                }
            }
        }
        #expect(compared > 20_000 && held > 1_000)
    }

    /// Conditions the bundled rules do not write: screenings of one path at two thresholds
    /// among other children, inside `not` and `some`, and tests of `period_end` at the root
    /// and inside an `any`: compiled, each is as true as written, on values and documents.
    @Test func aCompiledConditionKeepsItsTruthWhereScreeningsAreGrouped() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let screens = """
            any:
              - {screen: parties, against: un-1718-entities, threshold: 0.9}
              - {field: to, equals: KP}
              - {screen: parties, against: un-1718-individuals, threshold: 0.9}
              - {screen: vessel, against: un-1718-vessels, threshold: 0.9}
              - {screen: parties, against: un-1718-entities, threshold: 0.6}
            """
        let indented = screens.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        let conditions = try [
            screens,
            "not:\n" + screens.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"),
            "some: goods\nwhere:\n  any:\n    - {field: hs, in_hs: [refined-petroleum]}\n    - {field: period_end, on_or_after: 2019-01-01}",
            "all:\n  - {field: period_end, on_or_after: 2019-01-01}\n  - any:\n" + indented.split(separator: "\n").dropFirst().map { "  " + $0 }.joined(separator: "\n"),
            "any:\n  - {field: period_end, before: 2018-06-01}\n  - {screen: parties, against: un-1718-entities, threshold: 0.9}",
        ].map { try compileCondition($0, rulebook: rulebook) }
        let lines = [
            record(#""to":"KP","parties":[{"name":"KOMID"},{"name":"Korea Minning Development Trading Corp"}]"#),
            record(#""to":"CN","date_to":"2019-03-01","parties":["Ocean Maritime Management Co., Ltd.",{"name":"ACME"}],"vessel":{"name":"CHON MA SAN"}"#),
            record(#""to":"CN","parties":[{"name":"Golden Star Trading"}],"goods":[{"hs":"2710"},{"hs":"0101"}]"#),
            record(#""to":"CN","parties":[{"name":"Korea Minning Development Trading Corp"}]"#),
            record(#""parties":[{"role":"seller"}],"date_to":"2018-04-01","goods":[{"hs":"0101"}]"#),
            record(#""to":"VN","parties":[{"name":"KOREA MINING DEVELOPMENT TRADING CORPORATION","aliases":["KOMID"]}]"#, date: "2005-01-01"),
            record(""),
        ]
        var compared = 0, held = 0
        var screened: Set<String> = []
        for (line, text) in lines.enumerated() {
            let bytes = Array(text.utf8)
            let document = try #require(Document(bytes), "\(text)")
            let record = try Record(json: text)
            let values = Evaluator(record: record)
            for (position, condition) in conditions.enumerated() {
                let reference = values.evaluate(condition).truth
                let program = TruthProgram(condition)
                #expect(values.truths.truth(program) == reference, "\(text)")
                let onDocument = document.withRoot { root -> Truth? in
                    guard let header = DocumentRecord(root: root, line: line) else { return nil }
                    return TruthEvaluator(root: root, date: header.date, periodEnd: header.periodEnd, cache: ScreeningCache(),
                                          directions: header.directions).truth(program)
                }
                #expect(onDocument == reference, "\(text)")
                if position == 0 { screened.insert("\(reference)") }
                compared += 1
                if reference != .no { held += 1 }
            }
        }
        // Each outcome is reached, and the screenings of parties are one step per threshold group.
        #expect(held > 5 && compared - held > 5)
        #expect(screened == ["yes", "unknown", "no"])
        let grouped = TruthProgram(conditions[0])
        #expect(grouped.steps.filter { $0.operation == .screen }.map(\.count) == [3, 1])
    }

    @Test func aCompiledAnyScreensEachPathOnceForAllItsLists() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let rule = try #require(rulebook.rules.first { $0.id == "DPRK-ASSET-FREEZE-PARTIES-1718" })
        guard case .any(let children) = rule.condition else {
            Issue.record("the asset freeze is no longer an any of screenings")
            return
        }
        var paths: [FieldPath] = []
        for child in children {
            guard case .screen(let path, _) = child else { continue }
            if !paths.contains(path) { paths.append(path) }
        }
        let program = TruthProgram(rule.condition)
        let screens = program.steps.filter { $0.operation == .screen }
        // One step per path, holding all its lists, in the order the paths first appear.
        #expect(screens.count == paths.count && paths.count < children.count)
        #expect(screens.map { program.paths[Int($0.operand)] } == paths)
        #expect(screens.reduce(0) { $0 + Int($1.count) } == children.count)
        #expect(program.steps.first?.operation == .any && program.steps.first?.end == Int32(program.steps.count))
    }

    @Test func screeningThroughACacheFindsWhatScreeningAfreshFinds() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        let records = try FastPathTests.records()
        // A cache of one name forgets at every new name: it must still give the same answers.
        let tiny = ScreeningCache(capacity: 1), large = ScreeningCache()
        // Workers sharing what they screen (as a run's do), one of them forgetting at every
        // name, and a shared store that starts again every few names.
        let shared = SharedScreening(), small = SharedScreening(capacity: 3)
        let workers = [ScreeningCache(shared: shared), ScreeningCache(capacity: 1, shared: shared),
                       ScreeningCache(shared: small), ScreeningCache(capacity: 2, shared: small)]
        for (position, record) in records.enumerated() {
            let afresh = ResultJSON.encode(engine.assess(record))
            #expect(ResultJSON.encode(engine.assess(record, cache: large)) == afresh, "\(record.id)")
            #expect(ResultJSON.encode(engine.assess(record, cache: tiny)) == afresh, "\(record.id)")
            for worker in [workers[position % 2], workers[2 + position % 2]] {
                #expect(ResultJSON.encode(engine.assess(record, cache: worker)) == afresh, "\(record.id)")
            }
        }
    }

    @Test func theEngineMatchesAReferenceJudgeThatEvaluatesEveryRuleInFull() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        for record in try FastPathTests.records() {
            // The reference: every rule evaluated with its reasons, no fast path, no cache.
            var expected: [String: Truth] = [:]
            for rule in rulebook.rules where rule.appliesTo.contains(record.kind)
                && rule.inForce.covers(start: record.date, end: record.periodEnd) {
                expected[rule.id] = Evaluator(record: record).evaluate(rule.condition).truth
            }
            let fired = Set(engine.assess(record).findings.map(\.rule))
            #expect(fired == Set(expected.filter { $0.value != .no }.keys), "\(record.id)")
        }
    }

    /// The paths a condition reads from the record's root (not those inside a `some`).
    static func rootPaths(of condition: Condition) -> [FieldPath] {
        switch condition {
        case .all(let children), .any(let children): return children.flatMap(rootPaths)
        case .not(let child): return rootPaths(of: child)
        case .some(let path, _), .screen(let path, _): return [path]
        case .test(let test): return [test.path]
        }
    }

    /// A path that meets no list leads to one place, found without listing candidates
    /// (`Reasoner.place(of:)`, what the reasoned evaluation of most tests and `some`s
    /// reads): the one candidate the walk finds, at the path as written, with the same
    /// value and the same object holding it. Where it meets a list, the walk names its
    /// elements.
    @Test func aPathThatMeetsNoListLeadsToTheOnePlaceTheWalkFinds() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let paths = rulebook.rules.flatMap { rule in
            FastPathTests.conditions(of: rule).flatMap { FastPathTests.rootPaths(of: $0.condition) }
        }.filter { $0.special == .none }
        var found = 0, absent = 0, lists = 0
        for record in try FastPathTests.records() {
            let reasons = Evaluator(record: record).reasons
            for path in paths {
                let walked = reasons.resolve(path, in: .init(value: reasons.root, prefix: ""), fanOutLeaf: true)
                guard let place = reasons.place(of: path) else {
                    lists += 1
                    #expect(walked.count != 1 || walked[0].path.contains("["), "\(path) on \(record.id)")
                    continue
                }
                if place.value == nil { absent += 1 } else { found += 1 }
                #expect(walked.count == 1, "\(path) on \(record.id)")
                guard let only = walked.first else { continue }
                #expect(only.path == path.description, "\(path) on \(record.id)")
                #expect(only.value?.displayText == place.value?.displayText, "\(path) on \(record.id)")
                #expect(only.parent?.displayText == place.parent?.displayText, "\(path) on \(record.id)")
            }
        }
        #expect(found > 10_000)
        #expect(absent > 10_000)
        #expect(lists > 1_000)
    }

    /// The rule index skips a rule for exactly the direction pairs its `flow` conjuncts
    /// rule out (bit `3 × to + from`, each yes 0, no 1, unknown 2).
    @Test func theIndexSkipsARuleOnlyWhereItsFlowFails() throws {
        func skipped(_ yaml: String) throws -> Set<[Int]> {
            let mask = Engine.RuleBox.skippedDirections(of: try compileCondition(yaml))
            var pairs: Set<[Int]> = []
            for to in 0..<3 {
                for from in 0..<3 where mask & (1 << UInt16(3 * to + from)) != 0 { pairs.insert([to, from]) }
            }
            return pairs
        }
        let goods = "{field: goods.hs, in_hs: [\"2701\"]}"
        #expect(try skipped("all: [{field: flow, equals: to_dprk}, \(goods)]") == [[1, 0], [1, 1], [1, 2]])
        #expect(try skipped("all: [{field: flow, equals: from_dprk}, \(goods)]") == [[0, 1], [1, 1], [2, 1]])
        #expect(try skipped("all: [{field: flow, in: [to_dprk, from_dprk]}, \(goods)]") == [[1, 1]])
        #expect(try skipped("all: [{field: flow, not_in: [to_dprk]}, \(goods)]") == [[0, 0], [0, 1], [0, 2]])
        #expect(try skipped(goods).isEmpty)
        #expect(try skipped("any: [{field: flow, equals: to_dprk}, \(goods)]").isEmpty)
    }

    /// A condition's key is the same for the same tests of the same paths, whatever their
    /// words, and differs when a path, an operator or a value differs.
    @Test func conditionsShareAKeyExactlyWhenTheyTestTheSame() throws {
        func key(_ yaml: String) throws -> String? { try compileCondition(yaml, rulebook: FastPathTests.rulebook).truthKey }
        let base = try key("all: [{field: date, on_or_after: 2016-11-30}, {field: exemption.basis, in: [humanitarian, x]}]")
        #expect(base != nil)
        #expect(try key("all: [{field: date, on_or_after: 2016-11-30, describe: words}, {field: exemption.basis, in: [humanitarian, x]}]") == base)
        for other in ["all: [{field: date, on_or_after: 2016-12-01}, {field: exemption.basis, in: [humanitarian, x]}]",
                      "all: [{field: date, after: 2016-11-30}, {field: exemption.basis, in: [humanitarian, x]}]",
                      "all: [{field: date, on_or_after: 2016-11-30}, {field: exemption.basis, in: [humanitarian]}]",
                      "all: [{field: date, on_or_after: 2016-11-30}, {field: exemption.basis, in: [humanitarian, \"x,\"]}]",
                      "all: [{field: date, on_or_after: 2016-11-30}, {field: exemption.kind, in: [humanitarian, x]}]",
                      "any: [{field: date, on_or_after: 2016-11-30}, {field: exemption.basis, in: [humanitarian, x]}]",
                      "all: [{field: date, on_or_after: 2016-11-30}, {not: {field: exemption.basis, in: [humanitarian, x]}}]"] {
            #expect(try key(other) != base, "\(other)")
        }
        #expect(try key("{field: quantity, at_least: {value: 5, unit: t}}") != key("{field: quantity, at_least: {value: 5, unit: kg}}"))
        #expect(try key("{field: goods.hs, in_hs: [\"2701\"]}") != key("{field: goods.hs, in_hs: [\"2702\"]}"))
        #expect(try key("{field: name, matches: \"[a-z]\"}") != key("{field: name, matches: \"[a-y]\"}"))
        #expect(try key("{field: flag, equals: \"1\"}") != key("{field: flag, equals: 1}"))
        // `in` is a set: its order does not matter, its members do.
        #expect(try key("{field: flag, in: [KP, CN]}") == key("{field: flag, in: [CN, KP]}"))
        #expect(try key("{field: flag, in: [KP, CN]}") != key("{field: flag, not_in: [CN, KP]}"))
        #expect(try key("{field: flag, in: [KP, CN]}") != key("{field: flag, in: [KPCN]}"))
        // A screening has no key: it is never shared.
        #expect(try key("{screen: parties, against: un-1718-entities, threshold: 0.9}") == nil)
    }

    /// The exemption most rules carry (the Committee's, case by case) is decided once a
    /// record; a record's verdicts and exemptions are still those each rule reaches alone
    /// (``Engine/judge(_:by:)`` shares nothing between rules).
    @Test func aConditionManyRulesShareGivesEachRuleItsOwnVerdict() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let slots = Engine.sharedConditionSlots(rulebook.rules)
        #expect(slots.map(\.count) == rulebook.rules.map(\.exemptions.count))
        let committee = zip(rulebook.rules, slots).flatMap { rule, slots in
            zip(rule.exemptions, slots).filter { $0.0.id == "COMMITTEE-HUMANITARIAN" }.map(\.1)
        }
        #expect(committee.count >= 39 && committee.allSatisfy { $0 != nil })
        // Its forms in the rulebook are two conditions: with the date of 2321 (39 rules), and
        // without it (4 exemptions under three ids, their bases in either order). No other
        // exemption is shared.
        #expect(Set(slots.joined().compactMap { $0 }) == [0, 1])
        let engine = Engine(rulebook: rulebook)
        let cache = ScreeningCache()
        var records = try FastPathTests.records()
        // The workload's records with the Committee exemption claimed, without its
        // reference (undecided) and with it (applied), besides as given.
        let claims: [Value] = [.object(["basis": .string("humanitarian")]),
                               .object(["basis": .string("committee_approval"), "reference": .string("1718/2018/7")])]
        for record in records.prefix(600) {
            guard case .object(let members) = record.value else { continue }
            for claim in claims {
                var claimed = members
                claimed["exemption"] = claim
                records.append(try Record(value: .object(claimed)))
            }
        }
        var exempted: [ExemptionNote.Status: Int] = [:]
        for record in records {
            let alone = rulebook.rules.sorted { $0.id < $1.id }.compactMap { engine.judge(record, by: $0) }
            let expected = Set(alone.map { "\($0.rule) \($0.verdict.rawValue) \($0.exemption?.id ?? "-") \($0.exemption?.status.rawValue ?? "-")" })
            let full = engine.assess(record, cache: cache, detail: .reasons).findings
            #expect(Set(full.map { "\($0.rule) \($0.verdict.rawValue) \($0.exemption?.id ?? "-") \($0.exemption?.status.rawValue ?? "-")" }) == expected, "\(record.id)")
            let brief = engine.assess(record, cache: cache, detail: .verdicts).findings
            #expect(Set(brief.map { "\($0.rule) \($0.verdict.rawValue)" }) == Set(alone.map { "\($0.rule) \($0.verdict.rawValue)" }), "\(record.id)")
            for finding in alone where finding.exemption?.id == "COMMITTEE-HUMANITARIAN" {
                if let status = finding.exemption?.status { exempted[status, default: 0] += 1 }
            }
        }
        // The shared exemption is met both ways: applying and undecided.
        #expect(exempted[.applied, default: 0] > 100 && exempted[.undecided, default: 0] > 100, "\(exempted)")
    }

    /// A shared slot is decided once: asked again, even of another program, it answers what
    /// it first found (the engine gives a slot to one condition only).
    @Test func aSharedSlotIsDecidedOnceARecord() throws {
        let record = try Record(json: #"{"id":"r","kind":"shipment","date":"2018-01-01","from":"CN"}"#)
        let truths = Evaluator(record: record).truths
        let holds = TruthProgram(try compileCondition("{field: from, equals: CN}"))
        let fails = TruthProgram(try compileCondition("{field: from, equals: KP}"))
        let unknown = TruthProgram(try compileCondition("{field: to, equals: KP}"))
        #expect(truths.truth(holds, shared: 0) == .yes)
        #expect(truths.truth(fails, shared: 0) == .yes)
        #expect(truths.truth(fails, shared: 1) == .no)
        #expect(truths.truth(holds, shared: 1) == .no)
        #expect(truths.truth(unknown, shared: 63) == .unknown)
        #expect(truths.truth(holds, shared: 63) == .unknown)
        #expect(truths.truth(fails, shared: nil) == .no)
        #expect(truths.truth(holds, shared: nil) == .yes)
    }

    @Test func parallelRunsGiveTheBytesOfAOneThreadRun() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        let input = Run.Input(path: Fixtures.path("Fixtures/bench/workload-2k.jsonl"), format: .jsonl)
        func output(threads: Int) throws -> (String, RunSummary, CapState?) {
            var text = ""
            let totals = try Run(engine: engine, inputs: [input], threads: threads).perform(render: ResultJSON.encode) { _, line in
                text += line + "\n"
            }
            return (text, totals.summary, totals.state)
        }
        let (single, summary, state) = try output(threads: 1)
        #expect(summary.records == 2_000)
        #expect(summary.capTotals.count > 0, "the sample reaches the caps")
        for threads in [2, 3, 8] {
            let (parallel, parallelSummary, parallelState) = try output(threads: threads)
            #expect(parallel == single, "\(threads) threads")
            #expect(parallelSummary.outcomes == summary.outcomes)
            #expect(ResultJSON.encode(parallelSummary) == ResultJSON.encode(summary))
            #expect(parallelState?.encoded() == state?.encoded())
        }
        // Encoded as JSON through the run's own entry point for it (what `assess` uses):
        // the same bytes, on one thread and on two.
        for threads in [1, 2] {
            var encoded: [UInt8] = []
            let totals = try Run(engine: engine, inputs: [input], threads: threads).perform(encoding: { result in
                var json = JSONBytes(capacity: 256)
                ResultJSON.write(result, to: &json)
                return json
            }) { _, json in
                json.withBytes { encoded += $0 }
                encoded.append(UInt8(ascii: "\n"))
            }
            #expect(String(decoding: encoded, as: UTF8.self) == single, "\(threads) threads")
            #expect(ResultJSON.encode(totals.summary) == ResultJSON.encode(summary))
        }
    }

    /// What a brief run writes of a finding, taken from a full finding.
    static func brief(_ finding: Finding) -> String {
        "\(finding.rule) \(finding.verdict.rawValue) \(finding.status.rawValue) \(finding.citations.first?.text ?? "-")"
    }

    @Test func verdictsAloneAreTheVerdictsOfTheReasonedJudge() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        let cache = ScreeningCache()
        var verdicts: [Verdict: Int] = [:]
        for record in try FastPathTests.records() {
            let full = engine.assess(record, cache: cache, detail: .reasons)
            let brief = engine.assess(record, cache: cache, detail: .verdicts)
            #expect(brief.outcome == full.outcome, "\(record.id)")
            #expect(brief.findings.map(FastPathTests.brief) == full.findings.map(FastPathTests.brief), "\(record.id)")
            // The public entry point without a cache gives the same.
            #expect(engine.assess(record, detail: .verdicts).findings.map(FastPathTests.brief) == full.findings.map(FastPathTests.brief))
            for finding in brief.findings {
                #expect(finding.message.isEmpty && finding.because.isEmpty && finding.missing.isEmpty && finding.exemption == nil)
                #expect(finding.citations == rulebook.rules.first { $0.id == finding.rule }?.citations)
            }
            for finding in full.findings { verdicts[finding.verdict, default: 0] += 1 }
        }
        // Every verdict is reached, exemptions and the wind-down included, not only the common ones.
        for verdict in Verdict.allCases { #expect(verdicts[verdict, default: 0] > 10, "\(verdict)") }
    }

    @Test func aBriefRunWritesTheVerdictsOfAFullRun() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        let input = Run.Input(path: Fixtures.path("Fixtures/bench/workload-2k.jsonl"), format: .jsonl)
        func lines(_ detail: Engine.Detail, threads: Int, streams: Bool) throws -> ([String], String) {
            var lines: [String] = []
            let run = Run(engine: engine, inputs: [input], threads: threads, keepsState: !streams, keepsCapPoints: !streams, detail: detail)
            let totals = try run.perform(render: { result in
                var json = JSONBytes()
                if detail == .verdicts { ResultJSON.writeBrief(result, to: &json) } else { ResultJSON.write(result, to: &json) }
                return String(decoding: json.bytes, as: UTF8.self)
            }) { _, line in lines.append(line) }
            return (lines, ResultJSON.encode(totals.summary))
        }
        /// A result line reduced to what both forms write: id, line, outcome; each finding's
        /// rule, verdict, status, first citation and cap.
        func reduced(_ line: String) throws -> String {
            let result = try JSONParser.parse(line)
            let findings = (result["findings"]?.arrayValue ?? []).map { finding in
                let citation = finding["citation"]?.stringValue ?? finding["citations"]?.arrayValue?.first?["text"]?.stringValue ?? "-"
                let cap = finding["cap"].map { cap in
                    ["period", "limit", "measure", "before", "amount", "after"].map { cap[$0]?.displayText ?? "?" }.joined(separator: ",")
                } ?? "-"
                return [finding["rule"], finding["verdict"], finding["status"]].map { $0?.displayText ?? "?" }.joined(separator: " ")
                    + " \(citation) \(cap)"
            }
            return ([result["id"], result["line"], result["outcome"], result["error"]].map { $0?.displayText ?? "-" } + findings)
                .joined(separator: " | ")
        }
        var capped = 0
        for streams in [true, false] {
            let (full, fullSummary) = try lines(.reasons, threads: 1, streams: streams)
            #expect(full.count == 2_000)
            let expected = try full.map(reduced)
            capped = full.filter { $0.contains(#""cap":"#) }.count
            for threads in [1, 2] {
                let (brief, briefSummary) = try lines(.verdicts, threads: threads, streams: streams)
                #expect(try brief.map(reduced) == expected, "\(threads) threads, streaming \(streams)")
                #expect(briefSummary == fullSummary)
                #expect(brief.joined().utf8.count * 3 < full.joined().utf8.count, "brief is brief")
            }
        }
        #expect(capped > 20, "cap findings are compared too")
    }

    @Test func findingsWrittenAsTheyAreJudgedAreTheBytesOfTheReasonedOnes() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        // The workload and designated vessels (an exact match cites the resolution that listed
        // it), then lines outside the document's subset or not records at all (judged from
        // their values, or errors): every path a record can take.
        let designated = [
            #"{"id":"x1","kind":"vessel_event","date":"2019-05-01","vessel":{"name":"BLUE NOUVELLE","imo":"8909575","flag":"SL"},"event":{"type":"port_call","port":"Nampo"}}"#,
            #"{"id":"x2","kind":"shipment","date":"2019-05-01","from":"CN","to":"KP","vessel":{"name":"CHONG CHON GANG","imo":"7937317"},"goods":[{"hs":"2701","quantity":5,"unit":"t"}]}"#,
        ]
        let workload = try String(contentsOfFile: Fixtures.path("Fixtures/bench/workload-2k.jsonl"), encoding: .utf8)
            + designated.joined(separator: "\n") + "\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("encoded-\(UUID().uuidString).jsonl").path
        try (workload + FastPathTests.trickyLines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let input = Run.Input(path: path, format: .jsonl)
        func lines(_ detail: Engine.Detail, threads: Int, streams: Bool) throws -> [String] {
            var lines: [String] = []
            let run = Run(engine: engine, inputs: [input], threads: threads, keepsState: !streams, keepsCapPoints: !streams, detail: detail)
            _ = try run.perform(render: { result in
                var json = JSONBytes()
                ResultJSON.write(result, to: &json)
                return String(decoding: json.bytes, as: UTF8.self)
            }) { _, line in lines.append(line) }
            return lines
        }
        for streams in [true, false] {
            let reasoned = try lines(.reasons, threads: 1, streams: streams)
            #expect(reasoned.count == 2_000 + designated.count + FastPathTests.trickyLines.count)
            for threads in [1, 2] {
                let written = try lines(.json, threads: threads, streams: streams)
                #expect(written.count == reasoned.count)
                for (line, expected) in zip(written, reasoned) where line != expected {
                    Issue.record("\(threads) threads, streaming \(streams):\n\(line)\nexpected\n\(expected)")
                    break
                }
            }
        }

        // Each finding keeps its rule and verdict (what orders a record's findings and sets its
        // outcome); its reasons are in its bytes alone. Screening matches add citations.
        let cache = ScreeningCache()
        var written = 0, addedCitations = 0
        for line in workload.split(separator: "\n") {
            guard let document = Document(Array(line.utf8)) else { continue }
            let (full, encoded) = document.withRoot { root in
                DocumentRecord(root: root, line: 1).map { record in
                    (engine.assess(record, cache: cache, detail: .reasons), engine.assess(record, cache: cache, detail: .json))
                } ?? (nil, nil)
            }
            guard let full, let encoded else { continue }
            #expect(encoded.outcome == full.outcome)
            #expect(encoded.findings.map { "\($0.rule) \($0.verdict)" } == full.findings.map { "\($0.rule) \($0.verdict)" })
            #expect(ResultJSON.encode(encoded) == ResultJSON.encode(full))
            for (finding, reference) in zip(encoded.findings, full.findings) {
                #expect(finding.encoded != nil && finding.message.isEmpty && finding.because.isEmpty)
                #expect(finding.citations == reference.citations)
                if reference.citations.count > (rulebook.rules.first { $0.id == reference.rule }?.citations.count ?? 0) { addedCitations += 1 }
                written += 1
            }
        }
        #expect(written > 1_000)
        #expect(addedCitations >= 2, "findings whose citations a screening match extends are written too")
    }

    /// A rule's conclusion kept for records alike in what it reads is reused for such
    /// records only: each line below, judged in turn through one memo, gives the bytes of its
    /// reasoned judging afresh, though each differs from the one before in something the
    /// rules read (a member, `null` for absent, a nested value, the side of a day a date is
    /// compared with, a date a fact shows) or in something they do not (the date within a
    /// side, the id, a member no rule reads).
    @Test func aConclusionKeptIsReusedOnlyForRecordsAlikeInWhatTheRuleReads() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        let vessel = #""kind":"vessel_event","vessel":{"name":"RIVER HOPE 2","imo":"8589454","flag":"VN"},"event":{"type":"port_call","port":"Kholmsk"}"#
        let claim = #""exemption":{"basis":"humanitarian","reference":"1718-EX-2019-7"}"#
        let textiles = #""kind":"shipment","from":"KP","to":"CN","goods":[{"hs":"6203"}]"#
        // (line, whether it must take a conclusion kept for the lines before it: a key is
        // kept the second time it is met, so a third line alike takes it)
        let lines: [(String, Bool)] = [
            (#"{"id":"v1",\#(vessel),"date":"2016-01-11"}"#, false),
            (#"{"id":"v2",\#(vessel),"date":"2016-03-01"}"#, false),
            (#"{"id":"v3",\#(vessel),"date":"2016-05-02"}"#, true),
            (#"{"id":"v4",\#(vessel),"date":"2019-06-30"}"#, false),
            (#"{"id":"v5",\#(vessel),"date":"2019-06-30"}"#, false),
            (#"{"id":"v6",\#(vessel),"date":"2019-07-01","note":"read by no rule"}"#, true),
            (#"{"id":"v7",\#(vessel),"date":"2019-07-01","to":null}"#, false),
            (#"{"id":"v8",\#(vessel),"date":"2019-07-01","to":"KP"}"#, false),
            (#"{"id":"v9",\#(vessel),"date":"2019-07-01","to":"CN","from":"KP"}"#, false),
            (#"{"id":"v10",\#(vessel),"date":"2019-07-01","to":"CN","from":"KP",\#(claim)}"#, false),
            (#"{"id":"v11",\#(vessel),"date":"2019-07-02","to":"CN","from":"KP",\#(claim)}"#, false),
            (#"{"id":"s1",\#(textiles),"date":"2018-03-01"}"#, false),
            (#"{"id":"s2","kind":"shipment","from":"KP","to":"CN","goods":[{"hs":"6204"}],"date":"2018-03-01"}"#, false),
            (#"{"id":"s3","kind":"shipment","from":"KP","to":"CN","goods":[{"hs":"0901"}],"date":"2018-03-01"}"#, false),
            (#"{"id":"s4",\#(textiles),"date":"2017-11-01"}"#, false),
            (#"{"id":"s5",\#(textiles),"date":"2017-11-01"}"#, false),
            (#"{"id":"s6",\#(textiles),"date":"2017-11-02"}"#, true),
            (#"{"id":"s7",\#(textiles),"date":"2017-11-02","contract_date":"2017-08-01"}"#, false),
            (#"{"id":"s8",\#(textiles),"date":"2017-11-03","contract_date":"2017-08-01"}"#, false),
            (#"{"id":"s9",\#(textiles),"date":"2017-11-03","contract_date":"2017-10-01"}"#, false),
        ]
        let memo = ConclusionMemo()
        let cache = ScreeningCache()
        var previous = ""
        for (line, reuses) in lines {
            let document = try #require(Document(Array(line.utf8)), "\(line)")
            let hitsBefore = memo.hits
            let judged = document.withRoot { root in
                DocumentRecord(root: root, line: 1).map { record in
                    (ResultJSON.encode(engine.assess(record, cache: cache, detail: .reasons)),
                     ResultJSON.encode(engine.assess(record, cache: cache, detail: .json, memo: memo)))
                }
            }
            let (afresh, kept) = try #require(judged, "\(line)")
            #expect(kept == afresh, "\(line)")
            if reuses { #expect(memo.hits > hitsBefore, "\(line) takes what was kept for the line before") }
            #expect(afresh != previous)
            previous = afresh
        }
        #expect(memo.hits > 10 && memo.misses > 20)
    }

    /// What a rule's conclusion is keyed on: the members its conditions read, and the days
    /// its date tests and wind-down compare the record's date with.
    @Test func aRuleIsKeyedOnTheMembersAndDaysItReads() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let textiles = try #require(rulebook.rules.first { $0.id == "DPRK-TEXTILES-2375" })
        let key = ConclusionKey(textiles)
        #expect(key.members == ["contract_date", "end_user", "exemption", "from", "goods", "kind", "origin", "to", "via"])
        let windDownEnd = try #require(textiles.inForce.windDown?.until)
        #expect(key.dateBreaks == [try #require(Day("2016-11-30")), windDownEnd].sorted())
        #expect(key.periodEndBreaks.isEmpty)
        // Its message names the goods, the direction members and the date: kept in pieces around the date.
        #expect(key.messageSlots == [.date])
        var keptMessages = 0
        for rule in rulebook.rules {
            if ConclusionKey(rule).messageSlots != nil { keptMessages += 1 }
            let members = ConclusionKey(rule).members
            #expect(members.contains("kind") && members == members.sorted())
            if Engine.RuleBox.skippedDirections(of: rule.condition) != 0 {
                #expect(Set(["to", "from", "via", "end_user", "origin"]).isSubset(of: members), "\(rule.id)")
            }
        }
        // An amount tested at the root brings its currency and unit; a date tested otherwise
        // than against a day is read as it is; a test of the period's end brings its day.
        let condition = try compileCondition("""
            all:
              - {field: value, greater_than: 10}
              - {field: date, exists: true}
              - {field: period_end, on_or_after: 2019-01-01}
              - some: goods
                where: {field: hs, in_hs: [refined-petroleum]}
            """, rulebook: rulebook)
        let probeKey = ConclusionKey(conditions: [condition], windDown: nil)
        #expect(probeKey.members == ["currency", "date", "goods", "kind", "unit", "value"])
        #expect(probeKey.dateBreaks.isEmpty)
        // A message naming a member the conditions do not read is written afresh for each record.
        let naming = { (path: [String]) in
            MessageTemplate(segments: [.text("on "), .field(FieldPath(components: ["date"])), .text(", "), .field(FieldPath(components: path))])
        }
        #expect(ConclusionKey(conditions: [condition], windDown: nil, message: naming(["goods", "hs"])).messageSlots == [.date])
        #expect(ConclusionKey(conditions: [condition], windDown: nil, message: naming(["vessel", "name"])).messageSlots == nil)
        #expect(keptMessages > rulebook.rules.count / 2)
        #expect(probeKey.periodEndBreaks == [try #require(Day("2019-01-01"))])
    }

    /// Lines that test the first pass's scan: escapes, nulls, nesting, duplicates, types.
    static let trickyLines = [
        #"{"id":"a","kind":"shipment","date":"2018-03-01","to":"K\u0050","goods":[{"hs":"271019","quantity":10,"unit":"bbl"}]}"#,
        #"{"id":"b","kind":"shipment","date":"2018-03-01","to":"kp","goods":[{"hs":"271019","quantity":10,"unit":"bbl"}]}"#,
        #"{"id":"c","kind":"shipment","date":"2018-03-01","to":null,"goods":[{"hs":"271019","quantity":10,"unit":"bbl"}]}"#,
        #"{"id":"d","kind":"shipment","date":"2018-03-01","to":7,"goods":[{"hs":"271019"}]}"#,
        #"{"id":"e","kind":"shipment","date":"2018-03-01","x":{"to":"CN"},"goods":[{"hs":"271019"}]}"#,
        #"{"id":"f","kind":"shipment","date":"2018-03-01","to":"CN","to":"KP","goods":[{"hs":"271019"}]}"#,
        #"{ "id" : "g" , "kind" : "shipment" , "date" : "2018-03-01" , "to" : "CN" , "via" : [ "SG" , 3 , "KP" ] , "goods" : [ {"hs":"271019","quantity":1,"unit":"t"} ] }"#,
        #"{"id":"h","kind":"shipment","date":"2018-03-01","to":"CN","end_user":"KP","goods":[{"hs":"2709","quantity":1,"unit":"t"}]}"#,
        #"{"id":"i","k\u0069nd":"shipment","date":"2018-03-01","to":"KP","goods":[{"hs":"271019"}]}"#,
        #"{"id":"j","kind":"vessel_event","date":"2019-05-01","vessel":{"name":"X"},"goods":[{"hs":"2701","quantity":5,"unit":"t"}],"from":"KP"}"#,
        #"{"id":"k","kind":"shipment","date":"2018-03-01","from":"CN","to":"VN","origin":"KP","goods":[{"hs":"2701","quantity":5,"unit":"t"}]}"#,
        #"{"id":"l","kind":"shipment","date":"2018-03-01","to":"CN","via":"KP","goods":[{"hs":"271019"}]}"#,
        #"{"id":"m","kind":"shipment","date":"2018-03-01","to":"CN","note":"a \"quoted\" } ] text","goods":[{"hs":"271019"}]}"#,
        #"{"id":"n","kind":"shipment","date":"2018-03-01","to":"CN","goods":[{"hs":"271019","quantity":1e2,"unit":"t"}],"from":"KP"}"#,
        #"{"id":"o","kind":"shipment","date":"2018-03-01","goods":[{"hs":"271019","quantity":1,"unit":"t"}]"#,
        #"{"id":"p","kind":"shipment","date":"2018-02-30","to":"KP"}"#,
        #"[{"id":"q","kind":"shipment","date":"2018-03-01","to":"KP"}]"#,
        #"{"id":"r","kind":"shipment","date":"2018-03-01","goods":[{"hs":"2709","description":"crude ] } [ { \"oil\" \\","quantity":5,"unit":"t"}],"to":"KP"}"#,
        #"{"id":"s","kind":"employment","date":"2018-03-01","kind":"shipment","to":"KP","goods":[{"hs":"2709","quantity":5,"unit":"t"}]}"#,
        #"{"id":"t","date":"2018-03-01","kind":"shipment","to":"KP","goods":[{"hs":"2709","quantity":5,"unit":"t"}]}"#,
        #"{"id":"u","kind":"shipment","date":"2001-03-01","to":"KP","goods":[{"hs":"2709","quantity":5,"unit":"t"}]}"#,
        #"{"id":"v","kind":"employment","date":"2018-03-01" this is not JSON"#,
    ]

    /// The scan jumps over nested values eight bytes at a time: at every alignment, with
    /// quotes, escapes and brackets inside their strings, it still finds the top-level members.
    /// A member the scan saw, its texts read from the line.
    enum ScannedText: Equatable {
        case absent, other
        case string(String)
        case strings([String?])
    }

    /// ``TopLevelScan/members(_:keys:enough:)`` with the texts its ranges point at.
    static func scan(_ line: UnsafeBufferPointer<UInt8>, keys: [StaticString]) -> [ScannedText]? {
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self) }
        return TopLevelScan.members(line, keys: keys)?.map { member in
            switch member {
            case .absent: .absent
            case .other: .other
            case .string(let range): .string(text(range))
            case .strings(let ranges): .strings(ranges.map { $0.map(text) })
            }
        }
    }

    @Test func theScanFindsTopLevelMembersAtEveryAlignment() throws {
        let keys: [StaticString] = ["kind", "to", "via"]
        for pad in 0..<17 {
            let padding = String(repeating: "x", count: pad)
            let nested = #"{"a":["\#(padding)]","}{\\","\"[",{"to":"KP","b":[[],{}]}],"via":"\#(padding)"}"#
            for line in [#"{"p":"\#(padding)","x":\#(nested),"kind":"shipment","to":"CN","via":["\#(padding)",null,"KP"]}"#,
                         #"{"x":[\#(nested),\#(nested)],"to":"\#(padding)","kind":"vessel_event"}"#] {
                let value = try JSONParser.parse(line)
                var bytes = Array(line.utf8)
                let members = try #require(bytes.withUnsafeMutableBufferPointer { FastPathTests.scan(UnsafeBufferPointer($0), keys: keys) },
                                           "\(line)")
                for (key, member) in zip(["kind", "to", "via"], members) {
                    switch value[key] {
                    case nil: #expect(member == .absent, "\(key) in \(line)")
                    case .string(let text)?: #expect(member == .string(text), "\(key) in \(line)")
                    case .array(let elements)?: #expect(member == .strings(elements.map(\.stringValue)), "\(key) in \(line)")
                    default: #expect(member == .other, "\(key) in \(line)")
                    }
                }
            }
        }
    }

    /// A cap period covers a day exactly when it has a window holding it.
    @Test func aPeriodCoversTheDaysItHasWindowsFor() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let periods = rulebook.rules.compactMap(\.cap).flatMap(\.periods)
        #expect(periods.count >= 4)
        let first = try #require(Day("2015-01-01"))
        for period in periods {
            for offset in stride(from: 0, to: 5_000, by: 3) {
                let day = first.adding(days: offset)
                #expect(period.covers(day) == (period.window(containing: day) != nil), "\(day)")
            }
        }
    }

    /// Whether a line may hold the text KP: a quoted KP in any case, an escape or a byte
    /// outside ASCII, found at every alignment of the eight-byte scan.
    @Test func theKPCheckFindsEveryTextThatCouldBeKP() {
        func holds(_ line: String) -> Bool {
            var bytes = Array(line.utf8)
            return bytes.withUnsafeMutableBufferPointer { TopLevelScan.mayHoldKP(UnsafeBufferPointer($0)) }
        }
        for pad in 0..<17 {
            let padding = String(repeating: "x", count: pad)
            for text in [#""KP""#, #""kp""#, #""kP""#, #""Kp""#, #""K\u0050""#, #""ǨP""#] {
                #expect(holds(#"{"a":"\#(padding)","to":\#(text)}"#), "\(pad) \(text)")
                #expect(holds(#"{"to":\#(text),"a":"\#(padding)"}"#), "\(pad) \(text)")
            }
            for text in [#""KPX""#, #""XKP""#, #""K P""#, #""CN""#, "KP", #""KK""#] {
                #expect(!holds(#"{"a":"\#(padding)","to":\#(text)}"#), "\(pad) \(text)")
            }
        }
    }

    /// The scan stops once the kind and date rule every cap out, without reading the rest.
    @Test func theScanStopsOnceKindAndDateDecide() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let filter = CapLedger(rulebook: rulebook).lineFilter
        func mayCount(_ line: String) -> Bool {
            var bytes = Array(line.utf8)
            return bytes.withUnsafeMutableBufferPointer { filter.mayCount(UnsafeBufferPointer($0)) }
        }
        #expect(!mayCount(#"{"id":"a","kind":"employment","date":"2018-03-01" and then no JSON at all"#))
        #expect(!mayCount(#"{"id":"a","kind":"shipment","date":"2001-03-01" and then no JSON at all"#))
        #expect(!mayCount(#"{"id":"a","kind":"shipment","date":"2018-02-30" and then no JSON at all"#))
        // Kind and date leave a cap open: the rest is needed, and a line that breaks off is unsure.
        #expect(mayCount(#"{"id":"a","kind":"shipment","date":"2018-03-01" and then no JSON at all"#))
        #expect(mayCount(#"{"id":"a","kind":"shipment","date":"2018-03-01","to":"KP"}"#))
        #expect(!mayCount(#"{"id":"a","kind":"shipment","date":"2018-03-01","to":"CN","from":"VN"}"#))
        // With no text that could be KP, `to` and `from` settle the direction: the scan stops.
        #expect(!mayCount(#"{"id":"a","kind":"shipment","date":"2018-03-01","to":"CN","from":"VN" and then no JSON"#))
        #expect(mayCount(#"{"id":"a","kind":"shipment","date":"2018-03-01","to":"CN","from":"VN","via":["kp"]}"#))
        #expect(mayCount(#"{"id":"a","kind":"shipment","date":"2017-01-15","to":"CN","from":"VN","origin":"KP"}"#))
    }

    /// Kinds and outcomes are looked up by their place in `allCases`, and kinds found by name
    /// by length and first letter: the same as by their raw values, for every name and for
    /// names that differ from one by a letter, a length or case.
    /// KP read from a text's bytes is KP read from the text, non-ASCII texts included.
    @Test func kpFromBytesIsKPFromText() {
        let texts = ["KP", "kp", "Kp", "kP", "K", "P", "KPX", "XKP", "", " KP", "KP ", "ＫＰ", "ǨP", "Kp\u{301}", "ᴋᴘ", "KR", "JP"]
        var kp = 0
        for text in texts {
            var copy = text
            let fromBytes = copy.withUTF8 { Evaluator.isKP(utf8: $0) }
            #expect(fromBytes == Evaluator.isKP(text), "\(text.debugDescription)")
            if fromBytes { kp += 1 }
        }
        #expect(kp == 4)
    }

    @Test func kindsOutcomesAndVerdictsByPlaceAndNameAreThoseByRawValue() {
        for (position, kind) in RecordKind.allCases.enumerated() {
            #expect(kind.ordinal == position)
            #expect(String(decoding: kind.utf8, as: UTF8.self) == kind.rawValue)
        }
        for (position, outcome) in Outcome.allCases.enumerated() {
            #expect(outcome.ordinal == position)
            #expect(outcome.quotedJSON.description == "\"\(outcome.rawValue)\"")
        }
        for (position, verdict) in Verdict.allCases.enumerated() {
            #expect(verdict.ordinal == position)
            #expect(verdict.quotedJSON.description == "\"\(verdict.rawValue)\"")
        }
        var names = RecordKind.allCases.map(\.rawValue) + ["", "s", "Shipment", "SHIPMENT", "shipments", "shipmenT", "servicE",
                                                             "services", "vessel-event", "vessel_even", "registratio", "joint venture",
                                                             "financial ", "employmen", "xhipment", "shipment\u{0}"]
        names += RecordKind.allCases.map { String($0.rawValue.dropLast()) + "x" }
        for name in names { #expect(RecordKind.named(name) == RecordKind(rawValue: name), "\(name.debugDescription)") }
    }

    @Test func theFirstPassPassesOverOnlyLinesThatCannotCount() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let filter = CapLedger(rulebook: rulebook).lineFilter
        var lines: [String] = FastPathTests.trickyLines
        lines += try Fixtures.jsonLines("Fixtures/bench/workload-2k.jsonl").map { String(decoding: $0.bytes, as: UTF8.self) }
        var passedOver = 0, counted = 0
        for (position, line) in lines.enumerated() {
            var ledger = CapLedger(rulebook: rulebook)
            if let record = try? Record(json: line) { ledger.add(record, key: CapLedger.Key(source: 0, index: position)) }
            var bytes = Array(line.utf8)
            let mayCount = bytes.withUnsafeMutableBufferPointer { filter.mayCount(UnsafeBufferPointer($0)) }
            if !mayCount {
                #expect(ledger.entries.isEmpty, "passed over a line that counts: \(line)")
                passedOver += 1
            }
            if !ledger.entries.isEmpty { counted += 1 }
        }
        #expect(passedOver > 1_000, "the scan should rule out most lines")
        #expect(counted > 50, "lines that do count are in the sample")
    }

    @Test func theScanReadsTheMembersTheParserReads() throws {
        var lines: [String] = FastPathTests.trickyLines
        lines += try Fixtures.jsonLines("Fixtures/bench/workload-2k.jsonl").map { String(decoding: $0.bytes, as: UTF8.self) }
        let keys: [StaticString] = ["kind", "to", "via", "end_user"]
        var sure = 0
        for line in lines {
            var bytes = Array(line.utf8)
            guard let members = bytes.withUnsafeMutableBufferPointer({ FastPathTests.scan(UnsafeBufferPointer($0), keys: keys) }),
                  let value = try? JSONParser.parse(line) else { continue }
            sure += 1
            for (key, member) in zip(["kind", "to", "via", "end_user"], members) {
                switch value[key] {
                case nil: #expect(member == .absent, "\(key) in \(line)")
                case .string(let text)?: #expect(member == .string(text), "\(key) in \(line)")
                case .array(let elements)?: #expect(member == .strings(elements.map(\.stringValue)), "\(key) in \(line)")
                default: #expect(member == .other, "\(key) in \(line)")
                }
            }
        }
        #expect(sure > 2_000)
    }

    @Test func integerHSMatchingAgreesWithStringMatching() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let codes = ["27", "2710", "271019", "27101943", "2710194300", "84", "8471", "847130", "01", "0301", "030111",
                     "71", "7101", "7116", "711719", "89", "8901", "890190", "93", "9301", "930190", "99", "00"]
        for scope in rulebook.scopes.values {
            for code in codes {
                let digits = try #require(HSScope.digits(.string(code)))
                #expect(scope.contains(value: digits.value, length: digits.length) == scope.contains(code), "\(code) in \(scope.entries)")
            }
        }
        for text in ["27.10", "2710 19", "271", "27a0", "", "12345678901", "2710.19.43"] {
            let expected = HSScope.normalize(.string(text))
            let digits = HSScope.digits(.string(text))
            #expect(digits?.length == expected?.utf8.count, "\(text)")
            #expect(digits?.value == expected.flatMap { Int($0) }, "\(text)")
        }
        #expect(HSScope.digits(.number(301))?.length == 4)
        #expect(HSScope.digits(.number(2710))?.value == 2710)
    }

    @Test func asciiNormalisationMatchesTheUnicodePath() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        var names = ["Ocean Maritime Management Co., Ltd.", "Buryong3", "Office #39", "O'Neil & Sons", "A`B", "  ", "x--y..z",
                     "GOLDEN STAR TRADING CO LTD", "no. 18", "Tab\there"]
        for list in rulebook.lists.values {
            for entry in list.entries { names += [entry.name] + entry.aliases + entry.formerNames }
        }
        var ascii = 0
        for name in names where name.utf8.allSatisfy({ $0 < 0x80 }) {
            #expect(NameMatcher.asciiTokens(name) == NameMatcher.unicodeTokens(name), "\(name)")
            ascii += 1
        }
        #expect(ascii > 200)
    }

    @Test func theSharedCharacterBoundIsNeverBelowTheScore() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let names = rulebook.lists.values.flatMap { $0.entries.flatMap { [$0.name] + $0.aliases } }
            + ["GOLDEN STAR TRADING", "KOREA MINING", "CHOSON EXPO", "PAEKTUSAN", "KIM CHOL"]
        var checked = 0
        for (position, first) in names.enumerated() where position % 3 == 0 {
            let a = NameMatcher.Form(normalized: NameMatcher.normalize(first))
            for second in names.prefix(120) {
                let b = NameMatcher.Form(normalized: NameMatcher.normalize(second))
                let score = NameMatcher.jaroWinkler(a.scalars, b.scalars)
                let bound = NameMatcher.jaroWinklerBound(a.scalars.count, b.scalars.count, common: a.counts.common(with: b.counts))
                #expect(bound + 1e-12 >= score, "\(first) / \(second)")
                checked += 1
            }
        }
        #expect(checked > 1_000)
    }

    @Test func sharedCharactersAreTheSumOfTheSmallerCounts() {
        // The word arithmetic of CharacterCounts.common against counting character by character.
        func naive(_ a: [UInt32], _ b: [UInt32]) -> Int {
            var left = [Int](repeating: 0, count: CharacterCounts.buckets), right = left
            for scalar in a { left[CharacterCounts.bucket(scalar)] += 1 }
            for scalar in b { right[CharacterCounts.bucket(scalar)] += 1 }
            return zip(left, right).map { min($0, $1) }.reduce(0, +)
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".unicodeScalars.map(\.value))
        var nonZero = 0
        for _ in 0..<2_000 {
            // Up to 126 characters from a few letters: counts near the 127 limit in one bucket.
            let letters = alphabet.shuffled(using: &generator).prefix(Int.random(in: 1...37, using: &generator))
            let a = (0..<Int.random(in: 0...126, using: &generator)).compactMap { _ in letters.randomElement(using: &generator) }
            let b = (0..<Int.random(in: 0...126, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? 65 }
            let common = CharacterCounts(a).common(with: CharacterCounts(b))
            #expect(common == naive(a, b), "\(a) / \(b)")
            if common > 0 { nonZero += 1 }
        }
        #expect(nonZero > 1_000)
        // 128 of one character no longer fit a lane: the counts bound nothing.
        let long = [UInt32](repeating: 65, count: 128)
        #expect(CharacterCounts(long).common(with: CharacterCounts([65, 66])) == Int.max)
        #expect(CharacterCounts([UInt32](repeating: 65, count: 127)).common(with: CharacterCounts(long)) == Int.max)
        #expect(CharacterCounts([UInt32](repeating: 65, count: 127)).common(with: CharacterCounts([65, 65])) == 2)
    }

    /// A finding's parts that are its rule's own (title, category, status, citations, and its
    /// exemption's citations) are written from bytes encoded once per rule, and the missing
    /// facts its tests name from bytes encoded once per test: the same bytes as encoding the
    /// finding afresh, in full and in brief.
    @Test func preEncodedRulePartsAreThePartsEncoded() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        var preEncoded = 0, exemptions = 0, brief = 0, missingEncoded = 0
        func encoded(_ finding: Finding, _ write: (Finding, inout JSONBytes) -> Void) -> String {
            var out = JSONBytes()
            write(finding, &out)
            return String(decoding: out.bytes, as: UTF8.self)
        }
        for record in try FastPathTests.records().prefix(1_500) {
            for detail in [Engine.Detail.reasons, .verdicts] {
                for finding in engine.assess(record, detail: detail).findings {
                    guard finding.ruleJSON != nil else { continue }
                    preEncoded += 1
                    if detail == .verdicts { brief += 1 }
                    if finding.exemption?.citationsJSON != nil { exemptions += 1 }
                    // Missing facts encoded once are written as they are encoded afresh.
                    func plain(_ facts: [MissingFact]) -> [MissingFact] {
                        missingEncoded += facts.count { $0.json != nil }
                        return facts.map { MissingFact(path: $0.path, need: $0.need) }
                    }
                    let note = finding.exemption.map {
                        ExemptionNote(id: $0.id, title: $0.title, citations: $0.citations, status: $0.status, because: $0.because,
                                      missing: plain($0.missing))
                    }
                    let plain = Finding(rule: finding.rule, title: finding.title, verdict: finding.verdict, category: finding.category,
                                        citations: finding.citations, message: finding.message, because: finding.because,
                                        missing: plain(finding.missing), exemption: note, status: finding.status, cap: finding.cap)
                    #expect(encoded(finding, ResultJSON.write) == encoded(plain, ResultJSON.write), "\(finding.rule) on \(record.id)")
                    #expect(encoded(finding, ResultJSON.writeBrief) == encoded(plain, ResultJSON.writeBrief), "\(finding.rule) on \(record.id)")
                }
            }
        }
        #expect(preEncoded > 1_000)
        #expect(brief > 500)
        #expect(exemptions > 20)
        #expect(missingEncoded > 1_000)
        // Every rule's whole brief finding, for every verdict, is the finding encoded afresh.
        for rule in rulebook.rules {
            let json = RuleJSON(rule)
            for verdict in Verdict.allCases {
                let plain = Finding(rule: rule.id, title: rule.title, verdict: verdict, category: rule.category, citations: rule.citations,
                                    message: "", because: [], missing: [], exemption: nil, status: rule.status)
                #expect(String(decoding: json.brief(verdict), as: UTF8.self) == encoded(plain, ResultJSON.writeBrief), "\(rule.id) \(verdict)")
            }
        }
    }

    /// A cap finding's parts that are its cap's own (the cap's title and citations) are
    /// written from bytes encoded once per run: the same bytes as the finding encoded afresh.
    @Test func preEncodedCapPartsAreThePartsEncoded() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let records = try FastPathTests.records()
        var ledger = CapLedger(rulebook: rulebook)
        for (index, record) in records.enumerated() { ledger.add(record, key: CapLedger.Key(source: 0, index: index)) }
        let parts = ledger.findingParts
        let judged = ledger.judgeCompactly().verdicts
        func encoded(_ finding: Finding, _ write: (Finding, inout JSONBytes) -> Void) -> String {
            var out = JSONBytes()
            write(finding, &out)
            return String(decoding: out.bytes, as: UTF8.self)
        }
        var compared = 0, titles = Set<String>()
        for index in records.indices {
            for verdict in judged[CapLedger.Key(source: 0, index: index)] {
                let finding = ledger.finding(verdict, parts: parts), plain = ledger.finding(verdict)
                #expect(finding.ruleJSON != nil && plain.ruleJSON == nil)
                #expect(encoded(finding, ResultJSON.write) == encoded(plain, ResultJSON.write), "\(finding.rule) on \(records[index].id)")
                #expect(encoded(finding, ResultJSON.writeBrief) == encoded(plain, ResultJSON.writeBrief), "\(finding.rule) on \(records[index].id)")
                compared += 1
                titles.insert(finding.title)
            }
        }
        #expect(compared > 100, "\(compared) cap findings compared")
        #expect(titles.count >= 3, "cap titles: \(titles.sorted())")
    }

    @Test func theEscaperWritesJSONStringLiterals() throws {
        let cases: [(String, String)] = [
            ("plain", #""plain""#), ("a \" b \\ c", #""a \" b \\ c""#), ("l\nr\rt\t", #""l\nr\rt\t""#),
            ("\u{01}\u{1F}", #""\u0001\u001f""#), ("조선 Ŏ", "\"조선 Ŏ\""), ("", #""""#),
        ]
        for (text, literal) in cases {
            #expect(JSONWriter.quote(text) == literal, "\(text)")
            #expect(try JSONParser.parse(JSONWriter.quote(text)) == .string(text), "\(text) reads back")
        }
    }

    @Test func byteEncodingEscapesAsTheStringEncoderDoes() {
        var texts = ["plain", "quote \" and \\ backslash", "line\nbreak\r\ttab", "\u{01}\u{1F}", "Ch’oe Ŏ 조선", "", "\u{7F}"]
        // Plain runs are passed over eight bytes at a time: every special byte at every offset.
        for pad in 0..<17 {
            for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}", " ", "é", "조", "\u{7F}", "\"\"", "\u{00}"] {
                texts.append(String(repeating: "a", count: pad) + special + String(repeating: "b", count: 17 - pad) + special)
            }
        }
        for text in texts {
            var bytes = JSONBytes()
            bytes.quote(text)
            #expect(String(decoding: bytes.bytes, as: UTF8.self) == JSONWriter.quote(text), "\(text)")
        }
    }

    /// The encoder writes into room it keeps ahead and grows: whatever it starts with, many
    /// pieces appended (past every growth) come out as written, numbers as `String` writes
    /// them, and `take()` leaves it empty and reusable.
    @Test func theByteEncoderGrowsAndWritesNumbersAsStringDoes() {
        let numbers = [0, 1, -1, 9, 10, -10, 99, 100, 12_345, -987_654_321, Int.max, Int.min, Int.max - 1, Int.min + 1]
        for capacity in [0, 1, 7, 256] {
            var json = capacity == 0 ? JSONBytes() : JSONBytes(capacity: capacity)
            var expected = ""
            for round in 0..<300 {
                let number = numbers[round % numbers.count] &* (round / numbers.count + 1)
                json.number(number)
                json.raw(",")
                json.quote("n\(round)")
                expected += String(number) + "," + JSONWriter.quote("n\(round)")
            }
            #expect(String(decoding: json.bytes, as: UTF8.self) == expected, "capacity \(capacity)")
            #expect(String(decoding: json.take(), as: UTF8.self) == expected, "capacity \(capacity)")
            #expect(json.bytes.isEmpty)
            json.number(-42)
            #expect(json.take() == Array("-42".utf8))
        }
    }

    /// Copies of an encoder share its bytes until one of them writes: each then has its own.
    @Test func aCopiedByteEncoderWritesOnItsOwn() {
        var first = JSONBytes(capacity: 8)
        first.raw("[1")
        var second = first
        first.raw(",2]")
        second.raw(",3,4,5,6,7,8,9]")
        #expect(String(decoding: first.bytes, as: UTF8.self) == "[1,2]")
        #expect(String(decoding: second.bytes, as: UTF8.self) == "[1,3,4,5,6,7,8,9]")
        let kept = second
        #expect(second.take() == Array("[1,3,4,5,6,7,8,9]".utf8))
        second.raw("{}")
        #expect(String(decoding: kept.bytes, as: UTF8.self) == "[1,3,4,5,6,7,8,9]")
        #expect(second.bytes == Array("{}".utf8))
        var set = JSONBytes()
        set.bytes = Array("abc".utf8)
        set.raw("d")
        #expect(set.take() == Array("abcd".utf8))
    }
}
