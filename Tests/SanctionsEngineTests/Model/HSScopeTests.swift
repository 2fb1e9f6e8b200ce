import Testing
@testable import SanctionsEngine

@Suite struct HSScopeTests {
    func scope(_ entries: String...) throws -> HSScope {
        HSScope(entries: try entries.map { try HSScope.parseEntry($0).get() })
    }

    @Test func matchesChapterHeadingAndSubheadingPrefixes() throws {
        let coal = try scope("2701")
        #expect(coal.contains("2701") == .yes)
        #expect(coal.contains("270112") == .yes)
        #expect(coal.contains("2702") == .no)
        #expect(try scope("27").contains("2710") == .yes)
        #expect(try scope("270112").contains("2701") == .unknown)
    }

    @Test func matchesChapterAndHeadingRanges() throws {
        let metals = try scope("72-83")
        #expect(metals.contains("72") == .yes)
        #expect(metals.contains("8301") == .yes)
        #expect(metals.contains("83") == .yes)
        #expect(metals.contains("84") == .no)
        #expect(metals.contains("7199") == .no)
        let jewellery = try scope("7101-7116")
        #expect(jewellery.contains("7113") == .yes)
        #expect(jewellery.contains("711311") == .yes)
        #expect(jewellery.contains("7117") == .no)
    }

    @Test func aCodeLessPreciseThanTheScopeIsUnknown() throws {
        let rugs = try scope("5701-5705")
        #expect(rugs.contains("57") == .unknown)
        #expect(rugs.contains("58") == .no)
    }

    @Test func rejectsMalformedEntries() {
        #expect(throws: HSCodeError.self) { try HSScope.parseEntry("27x1").get() }
        #expect(throws: HSCodeError.self) { try HSScope.parseEntry("270").get() }
        #expect(throws: HSCodeError.self) { try HSScope.parseEntry("72-8301").get() }
        #expect(throws: HSCodeError.self) { try HSScope.parseEntry("83-72").get() }
    }

    @Test func normalizesRecordCodes() {
        #expect(HSScope.normalize(.string("8703.23")) == "870323")
        #expect(HSScope.normalize(.number(301)) == "0301")
        #expect(HSScope.normalize(.number(8703)) == "8703")
        #expect(HSScope.normalize(.string("coal")) == nil)
    }
}
