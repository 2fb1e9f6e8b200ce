import Testing
@testable import SanctionsEngine

@Suite struct NameMatcherTests {
    /// A small list in the shape of the 1718 lists.
    static let list = NamedList(id: "test", title: "Test designations", kind: "designation", source: nil, entries: [
        entry("KOREA PYOLMAE GENERAL TRADING CORPORATION", aliases: ["PYOLCO", "Chosun Pyolmae Trading Co."],
              listedOn: "2016-03-02"),
        entry("Blue Nautilus", formerNames: ["Greenlight", "Chong Haeson"], identifiers: ["9999901", "T3XX1"],
              listedOn: "2017-06-21"),
        entry("HAO FAN 2", identifiers: ["9999902"], listedOn: "2018-03-30"),
        entry("HAO FAN 6", listedOn: "2018-03-30"),
        entry("KIM JONG SIK", aliases: ["Kim Cho'ng-sik"], listedOn: "2013-03-07"),
        entry("KIM CHOL NAM", listedOn: "2016-03-02"),
        entry("OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)", listedOn: "2014-07-28"),
        entry("WOORY STAR", listedOn: "2018-03-30"),
        entry("ALPHA TRADING", listedOn: nil),
    ])

    static func entry(_ name: String, aliases: [String] = [], formerNames: [String] = [], identifiers: [String] = [],
                      listedOn: String?) -> NamedList.Entry {
        NamedList.Entry(name: name, aliases: aliases, formerNames: formerNames, identifiers: identifiers,
                        reference: nil, listedOn: listedOn.flatMap(Day.init))
    }

    let matcher = NameMatcher(list: NameMatcherTests.list)

    func match(_ name: String?, identifiers: [String] = [], on date: String? = nil, threshold: Double = 0.9) -> NameMatch? {
        matcher.match(name: name, identifiers: identifiers, on: date.flatMap(Day.init), threshold: threshold)
    }

    @Test func normalisationIgnoresCasePunctuationSpacingAndCompanyForms() {
        #expect(NameMatcher.normalize("Ocean Maritime Management Co., Ltd.") == "OCEAN MARITIME MANAGEMENT")
        #expect(NameMatcher.normalize("  korea   mining-development TRADING corp ") == "KOREA MINING DEVELOPMENT TRADING")
        #expect(NameMatcher.normalize("Ch’oe Ch’un-yo’ng") == "CHOE CHUN YONG")
        #expect(NameMatcher.normalize("Kim Chŏng-sik") == "KIM CHONG SIK")
        #expect(NameMatcher.normalize("CHANG AN SHIPPING & TECHNOLOGY") == "CHANG AN SHIPPING AND TECHNOLOGY")
        #expect(NameMatcher.normalize("Buryong3") == "BURYONG 3")
        #expect(NameMatcher.normalize("BILLIONS NO. 18") == "BILLIONS 18")
        #expect(NameMatcher.normalize("Office #39") == NameMatcher.normalize("Office No. 39"))
        // Words that tell entities apart stay.
        #expect(NameMatcher.normalize("Koryo Bank") == "KORYO BANK")
        #expect(NameMatcher.normalize("Pro-Gain Group Corporation") == "PRO GAIN GROUP")
        // A name that is only a company form keeps it.
        #expect(NameMatcher.normalize("Company Ltd") == "COMPANY LTD")
    }

    @Test func normalisationUnifiesRomanisationVariants() {
        #expect(NameMatcher.normalize("Corea Chosun Trading") == "KOREA CHOSON TRADING")
        #expect(NameMatcher.normalize("Phyongyang") == "PYONGYANG")
        #expect(NameMatcher.normalize("P'yŏngyang") == "PYONGYANG")
        #expect(NameMatcher.normalize("Lee Je-son") == "RI JE SON")
        #expect(NameMatcher.normalize("Park Choi Jeong") == "PAK CHOE JONG")
        #expect(NameMatcher.normalize("Lyongaksan") == "RYONGAKSAN")
        #expect(NameMatcher.normalize("Korea Ansan Shpg Company") == "KOREA ANSAN SHIPPING")
        // Voicing is not unified: TAESONG and DAESONG name two designated entities.
        #expect(NameMatcher.normalize("Taesong") != NameMatcher.normalize("Daesong"))
    }

    /// A name's bracketed parts are dropped, full-width brackets too; a name without a
    /// bracket (looked for in its bytes first) is itself.
    @Test(arguments: [
        ("OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)", "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED "),
        ("KOREA (DPRK) TRADING (A (B) C) CO", "KOREA  TRADING  CO"),
        ("朝鮮（北）貿易", "朝鮮貿易"),
        ("Ｋｏｒｅａ Ｔｒａｄｉｎｇ", "Ｋｏｒｅａ Ｔｒａｄｉｎｇ"),
        ("Ch’oe Ch’un-yo’ng", "Ch’oe Ch’un-yo’ng"),
        ("CLOSE) ONLY", "CLOSE ONLY"),
        ("", ""),
    ])
    func bracketedPartsAreDropped(_ name: String, _ expected: String) {
        #expect(NameMatcher.withoutParentheses(name) == expected)
    }

    @Test func jaroWinklerHasTheStandardValues() {
        #expect(abs(NameMatcher.jaroWinkler("MARTHA", "MARHTA") - 0.9611) < 0.0001)
        #expect(abs(NameMatcher.jaroWinkler("DWAYNE", "DUANE") - 0.84) < 0.0001)
        #expect(abs(NameMatcher.jaroWinkler("DIXON", "DICKSONX") - 0.8133) < 0.0001)
        #expect(NameMatcher.jaroWinkler("SAME", "SAME") == 1)
        #expect(NameMatcher.jaroWinkler("ABC", "XYZ") == 0)
    }

    @Test func anIdentifierBeatsAName() throws {
        // The name is another entry's; the IMO number wins.
        let hit = try #require(match("HAO FAN 2", identifiers: ["IMO 9999901"]))
        #expect(hit.kind == .identifier)
        #expect(hit.entry.name == "Blue Nautilus")
        #expect(hit.matchedText == "9999901")
        #expect(hit.score == 1)
        #expect(match(nil, identifiers: ["imo9999901"])?.entry.name == "Blue Nautilus")
        #expect(match(nil, identifiers: ["99 999 01"])?.entry.name == "Blue Nautilus")
        #expect(match(nil, identifiers: ["t3xx1"])?.kind == .identifier)
        // An unknown identifier falls back to the name.
        #expect(match("HAO FAN 2", identifiers: ["IMO 1234567"])?.kind == .exactName)
    }

    @Test func exactNamesAliasesAndFormerNames() {
        let name = match("Korea Pyolmae General Trading Corp.")
        #expect(name?.kind == .exactName)
        #expect(name?.matchedText == "KOREA PYOLMAE GENERAL TRADING CORPORATION")
        let alias = match("Choson Pyolmae Trading Company Limited")
        #expect(alias?.kind == .alias)
        #expect(alias?.matchedText == "Chosun Pyolmae Trading Co.")
        #expect(alias?.entry.name == "KOREA PYOLMAE GENERAL TRADING CORPORATION")
        let former = match("CHONGHAESON")
        #expect(former?.kind == .formerName)
        #expect(former?.matchedText == "Chong Haeson")
        #expect(former?.entry.name == "Blue Nautilus")
        #expect(match("Kim Chong Sik")?.kind == .alias)
        // The list's parenthesised acronym is optional.
        #expect(match("Ocean Maritime Management Co Ltd")?.kind == .exactName)
        #expect(match("Ocean Maritime Management (OMM)")?.kind == .exactName)
    }

    @Test func aNearVariantMatchesFuzzilyWithItsScore() throws {
        let hit = try #require(match("Korea Pyolme General Trading Corp"))
        #expect(hit.kind == .fuzzy)
        #expect(hit.matchedText == "KOREA PYOLMAE GENERAL TRADING CORPORATION")
        #expect(hit.score > 0.9 && hit.score < 1)
        #expect(!hit.isExact)
        // Below the threshold it is no finding.
        #expect(match("Korea Pyolme General Trading Corp", threshold: 0.99) == nil)
    }

    @Test func namesThatMustNotMatch() {
        // Short common words and names made only of generic words.
        #expect(match("Star") == nil)
        #expect(match("Star Shipping") == nil)
        #expect(match("Woory Star Shipping", threshold: 0.8)?.entry.name == "WOORY STAR")
        #expect(match("Ocean Star Trading Co") == nil)
        #expect(match("Sea") == nil)
        #expect(match("Alpha Shipping") == nil)
        // A distinctive name with generic words is a possible match, not a certain one.
        #expect(match("Greenlight Shipping")?.kind == .fuzzy)
        // A shared surname and a generic word.
        #expect(match("Kim Trading Co") == nil)
        #expect(match("Kim Jong Un") == nil)
        #expect(match("Kim Myong Ho") == nil)
        // One given name in common, or another surname, is another person.
        #expect(match("Kim Chol Sam", threshold: 0.8) == nil)
        #expect(match("Cho Chol Nam", threshold: 0.8) == nil)
        #expect(match("Kim Chul Nam")?.kind == .fuzzy)
        #expect(match("Chol Nam Kim")?.kind == .fuzzy)
        // A sister ship: a different number is another vessel.
        #expect(match("HAO FAN 3", threshold: 0.8) == nil)
        #expect(match("HAO FAN 2")?.kind == .exactName)
        // Without its number, a name may still be the vessel.
        #expect(match("HAO FAN")?.kind == .fuzzy)
        // Empty names and no name.
        #expect(match("") == nil)
        #expect(match("Co., Ltd.") == nil)
        #expect(match(nil) == nil)
    }

    @Test func aRecordDatedBeforeTheListingIsFlagged() {
        #expect(match("PYOLCO", on: "2016-03-01")?.listedAfterDate == true)
        #expect(match("PYOLCO", on: "2016-03-02")?.listedAfterDate == false)
        #expect(match("PYOLCO", on: nil)?.listedAfterDate == false)
        #expect(match(nil, identifiers: ["9999902"], on: "2018-01-01")?.listedAfterDate == true)
        // An entry with no listing date is never flagged.
        #expect(match("Alpha Trading", on: "1990-01-01")?.listedAfterDate == false)
    }

    /// Whether two forms agree in every part (the character counts follow from the scalars).
    static func sameForm(_ lhs: NameMatcher.Form, _ rhs: NameMatcher.Form) -> Bool {
        lhs.key == rhs.key && lhs.scalars == rhs.scalars && lhs.surnameFirst == rhs.surnameFirst
            && lhs.coreTokens == rhs.coreTokens && lhs.core == rhs.core && lhs.surnames == rhs.surnames
            && lhs.numbers == rhs.numbers && lhs.letters == rhs.letters
    }

    @Test func anASCIINamesFormReadFromItsBytesIsItsFormThroughItsWords() throws {
        // Every text of the workload (names, countries, codes, descriptions), every name of the
        // bundled lists, and names made to meet each step of the normalisation.
        var names: Set<String> = [
            "", " ", "&", "&&", "A&B", "a & b", "Ch'oe Ch'un-yo'ng", "`KIM`", "Lyongaksan", "LY", "LYA", "ly ly",
            "Office No. 39", "NO 5", "no", "NO", "No.7", "no no 7", "NO NO", "7 NO", "Co., Ltd.", "Company Limited",
            "CO LTD LLC", "Kim Co", "Rhee Park & Co", "CHOSUN INTL SHPG", "Buryong3", "3Buryong", "B3B", "Li Lee Yi",
            "KIM JONG UN", "Jo Chun Ryong", "JI SONG 6", "Corea", "tab\tname", "Ocean Maritime Management Co., Ltd.",
            "KOREA PYOLMAE GENERAL TRADING CORPORATION", "STAR TRADING LTD", "12345678901234567890 x", "a-b_c/d",
        ]
        func collect(_ value: Value) {
            switch value {
            case .string(let text): names.insert(text)
            case .array(let elements): elements.forEach(collect)
            case .object(let members): members.values.forEach(collect)
            default: break
            }
        }
        for (bytes, _) in try DocumentTests.workload() { try collect(bytes.withUnsafeBufferPointer { try JSONParser.parse($0) }) }
        for list in try Rulebook.bundled().lists.values {
            for entry in list.entries { names.formUnion([entry.name] + entry.aliases + entry.formerNames + entry.identifiers) }
        }
        #expect(names.count > 2_000)
        var compared = 0
        for name in names.sorted() {
            var text = name
            let fast = text.withUTF8 { NameMatcher.asciiForm($0) }
            let general = NameMatcher.Form(tokens: NameMatcher.normalizedTokens(name))
            if name.utf8.allSatisfy({ $0 < 0x80 }) {
                guard let fast else {
                    Issue.record("no form read from the bytes of '\(name)'")
                    continue
                }
                #expect(NameMatcherTests.sameForm(fast, general), "'\(name)': \(fast.key) against \(general.key)")
                compared += 1
            } else {
                #expect(fast == nil, "'\(name)' is not ASCII")
            }
        }
        #expect(compared > 2_000)
    }

    @Test func anIdentifierOfDigitsAloneIsKeyedAsTheNormalisationKeysIt() {
        // Taken as it is, without normalising: the same key, leading zeros and all.
        for identifier in ["9393104", "8909575", "0123", "7", "636019825", "00000000000000000000"] {
            #expect(NameMatcher.identifierKey(identifier) == NameMatcher.normalizedIdentifierKey(identifier))
            #expect(NameMatcher.identifierKey(identifier) == identifier)
        }
        // Anything else is normalised.
        #expect(NameMatcher.identifierKey("imo 8909575") == "8909575")
        #expect(NameMatcher.identifierKey("IMO8909575") == "8909575")
        #expect(NameMatcher.identifierKey(" 8909575") == "8909575")
        #expect(NameMatcher.identifierKey("") == NameMatcher.normalizedIdentifierKey(""))
    }

    @Test func theBundledListsMatchRealEntries() throws {
        let lists = try Rulebook.bundled().lists
        let vessels = NameMatcher(list: try #require(lists["un-1718-vessels"]))
        let entities = NameMatcher(list: try #require(lists["un-1718-entities"]))
        let individuals = NameMatcher(list: try #require(lists["un-1718-individuals"]))
        let day = Day("2018-06-01")

        let imo = try #require(vessels.match(name: "Unknown Trader", identifiers: ["IMO 8909575"], on: day, threshold: 0.9))
        #expect(imo.kind == .identifier)
        #expect(imo.entry.formerNames.contains("Chong Bong"))
        let former = vessels.match(name: "CHONG BONG", identifiers: [], on: day, threshold: 0.9)
        #expect(former?.kind == .formerName)
        #expect(former?.entry.reference == "IMO 8909575")

        let komid = try #require(entities.match(name: "Korea Mining Development Trading Corporation", identifiers: [],
                                                on: day, threshold: 0.9))
        #expect(komid.entry.reference == "KPe.001")
        #expect(komid.kind == .exactName)
        #expect(entities.match(name: "KOMID", identifiers: [], on: day, threshold: 0.9)?.kind == .alias)

        let omm = entities.match(name: "Ocean Maritime Management Co., Ltd.", identifiers: [], on: day, threshold: 0.9)
        #expect(omm?.entry.reference == "KPe.020")
        #expect(omm?.kind == .exactName)

        let near = try #require(entities.match(name: "Korea Minning Development Trading Corp", identifiers: [],
                                               on: day, threshold: 0.9))
        #expect(near.kind == .fuzzy)
        #expect(near.entry.reference == "KPe.001")
        #expect(near.score > 0.9)

        for matcher in [vessels, entities, individuals] {
            #expect(matcher.match(name: "Kim Trading Co", identifiers: [], on: day, threshold: 0.85) == nil)
            #expect(matcher.match(name: "Star Shipping", identifiers: [], on: day, threshold: 0.85) == nil)
        }
        // Two entities whose names differ only by voicing keep their own entries.
        #expect(entities.match(name: "Korea Taesong Trading Company", identifiers: [], on: day, threshold: 0.9)?
            .entry.reference == "KPe.041")
        #expect(individuals.match(name: "Ri Che-son", identifiers: [], on: day, threshold: 0.9)?.entry.reference == "KPi.002")

        let early = entities.match(name: "KOMID", identifiers: [], on: Day("2009-01-15"), threshold: 0.9)
        #expect(early?.listedAfterDate == true)
        #expect(komid.listedAfterDate == false)
    }
}
