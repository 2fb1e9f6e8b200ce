import Testing
@testable import SanctionsEngine

/// `screen:` conditions against the real 1718 lists shipped in Rules/lists.
@Suite struct ScreeningTests {
    let rulebook: Rulebook

    init() throws {
        rulebook = try Rulebook.bundled()
    }

    func screen(_ path: String, _ list: String, _ json: String) throws -> Evaluation {
        let condition = try compileCondition("screen: \(path)\nagainst: \(list)\nthreshold: 0.9", rulebook: rulebook)
        return try evaluate(condition, json)
    }

    /// A name is kept once for all the lists it is screened against: each list's answer is
    /// that list's own (a name on one list and not the other, a name on neither, fuzzy and
    /// exact), through new generations and from another worker's answers.
    @Test func aNameKeepsEachListsOwnAnswer() throws {
        let entities = NameMatcher(list: try #require(rulebook.lists["un-1718-entities"]))
        let individuals = NameMatcher(list: try #require(rulebook.lists["un-1718-individuals"]))
        let screenings = [Screening(matcher: entities, threshold: 0.9, describe: nil),
                          Screening(matcher: individuals, threshold: 0.9, describe: nil),
                          Screening(matcher: entities, threshold: 0.8, describe: nil)]
        let names = ["KOREA RYONBONG GENERAL CORPORATION", "YUN HO-JIN", "RYONGAKSAN GENERAL BANK", "NORTHERN FISHERIES PTE LTD",
                     "YUN HO JIN", ""]
        func shown(_ hit: NameMatcher.NameHit?) -> String {
            hit.map { "\($0.entry) \($0.kind) \($0.text) \($0.score)" } ?? "none"
        }
        var expected: [String] = []
        for name in names {
            for screening in screenings { expected.append(shown(screening.matcher.nameHit(name, threshold: screening.threshold))) }
        }
        #expect(Set(expected).count > 3, "the names differ in what the lists say of them")
        let shared = SharedScreening()
        for cache in [ScreeningCache(), ScreeningCache(capacity: 1), ScreeningCache(capacity: 2, shared: shared),
                      ScreeningCache(shared: shared)] {
            for round in 0..<3 {
                var found: [String] = []
                for name in names {
                    let bytes = Array(name.utf8)
                    for screening in (round == 1 ? screenings.reversed() : screenings) {
                        let hit = bytes.withUnsafeBufferPointer { cache.nameHit(utf8: $0, screening) }
                        found.append(shown(hit))
                    }
                    if round == 1 { found[(found.count - screenings.count)...].reverse() }
                }
                #expect(found == expected, "round \(round)")
            }
        }
    }

    /// The screening cache's byte-keyed map finds what a dictionary finds: every key kept
    /// (empty ones, prefixes of others, lengths across the eight-byte steps of its hash, past
    /// several growths), and no key that was not.
    @Test func theCachesByteMapFindsWhatADictionaryFinds() {
        var generator = SeededGenerator(seed: 2397)
        var map = ByteKeyMap<Int>()
        var reference: [[UInt8]: Int] = [:]
        func random() -> [UInt8] {
            (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 65...70, using: &generator) }
        }
        for value in 0..<3_000 {
            var key = random()
            if value % 7 == 0, let earlier = reference.keys.first { key = earlier + [65] }
            guard reference[key] == nil else { continue }
            key.withUnsafeBufferPointer { map.insert(value, for: $0, hash: ByteKeyMap<Int>.hash($0)) }
            reference[key] = value
        }
        #expect(map.count == reference.count)
        for (key, value) in reference {
            #expect(key.withUnsafeBufferPointer { map.value(for: $0, hash: ByteKeyMap<Int>.hash($0)) } == value)
        }
        var misses = 0
        for _ in 0..<3_000 {
            let key = random()
            guard reference[key] == nil else { continue }
            misses += 1
            #expect(key.withUnsafeBufferPointer { map.value(for: $0, hash: ByteKeyMap<Int>.hash($0)) } == nil)
        }
        #expect(misses > 100)
    }

    @Test func anIdentifierMatchHoldsWhateverTheName() throws {
        let evaluation = try screen("vessel", "un-1718-vessels", record(#""vessel":{"name":"SOME OTHER NAME","imo":"8909575"}"#, date: "2017-01-01"))
        #expect(evaluation.truth == .yes)
        #expect(evaluation.facts.first?.path == "vessel")
        #expect(evaluation.facts.first?.test.contains("identifier match") == true)
        #expect(evaluation.citations.map(\.text) == ["UNSCR 2270 (2016)"])
    }

    @Test func aRecordBeforeTheListingDateIsNotAViolationOfIt() throws {
        let evaluation = try screen("vessel", "un-1718-vessels", record(#""vessel":{"name":"CHONG BONG","imo":"8909575"}"#, date: "2016-03-01"))
        #expect(evaluation.truth == .no)
        #expect(evaluation.facts.first?.test.contains("listed only on 2016-03-02") == true)
    }

    @Test func namesAliasesAndFormerNamesMatchAfterNormalisation() throws {
        let company = try screen("parties", "un-1718-entities", record(#""parties":[{"role":"buyer","name":"Acme"},{"role":"seller","name":"Korea Mining Development Trading Corp."}]"#, date: "2012-01-01"))
        #expect(company.truth == .yes)
        #expect(company.facts.first?.path == "parties[1].name")
        let alias = try screen("parties", "un-1718-entities", record(#""parties":[{"role":"seller","name":"komid"}]"#, date: "2012-01-01"))
        #expect(alias.truth == .yes)
        let former = try screen("vessel", "un-1718-vessels", record(#""vessel":{"name":"Greenlight"}"#, date: "2017-01-01"))
        #expect(former.truth == .yes)
        #expect(former.facts.first?.test.contains("former name") == true)
    }

    @Test func aFuzzyMatchIsUnknownAndShowsTheEntryAndScore() throws {
        let evaluation = try screen("parties", "un-1718-entities", record(#""parties":[{"role":"seller","name":"Korea Minning Development Trading Corp"}]"#, date: "2012-01-01"))
        #expect(evaluation.truth == .unknown)
        let need = try #require(evaluation.missing.first?.need)
        #expect(need.contains("KOREA MINING DEVELOPMENT TRADING CORPORATION (KPe.001)"))
        #expect(need.contains("name similarity 0.9"))
    }

    @Test func commonWordsSharedSurnamesAndAbsentPartiesDoNotMatch() throws {
        for name in ["Kim Trading Co", "Star Shipping Ltd", "Korea", "Pak Trading"] {
            let evaluation = try screen("parties", "un-1718-entities", record(#""parties":[{"role":"seller","name":"\#(name)"}]"#, date: "2019-01-01"))
            #expect(evaluation.truth == .no, "\(name)")
        }
        #expect(try screen("parties", "un-1718-entities", record("", date: "2019-01-01")).truth == .no)
    }

    @Test func screeningMistakesAreExplained() {
        #expect(throws: TestFailure.self) { try compileCondition("screen: parties\nagainst: un-1718-entitys\nthreshold: 0.9", rulebook: rulebook) }
        #expect(throws: TestFailure.self) { try compileCondition("screen: parties\nagainst: un-1718-entities\nthreshold: 3", rulebook: rulebook) }
    }
}

@Suite struct AssetFreezeRuleTests {
    @Test func aFindingOnADesignatedVesselCitesTheListingResolution() throws {
        let engine = Engine(rulebook: try Rulebook.bundled())
        let result = engine.assess(try Record(json: record(#""vessel":{"name":"X","imo":"8909575"},"event":{"type":"port_call"}"#, kind: "vessel_event", date: "2018-01-01")))
        let finding = try #require(result.findings.first { $0.rule == "DPRK-DESIGNATED-VESSEL-ASSET-FREEZE" })
        #expect(finding.verdict == .violation)
        #expect(finding.citations.map(\.text).contains("UNSCR 2270 (2016)"), "the listing resolution, through 'any'")
        #expect(finding.because.contains { $0.test.contains("identifier match") })
    }
}
