import Foundation
import Testing
@testable import SanctionsEngine

/// The 1718 lists in Rules/lists are generated from the UN files in ../shared/data/un-1718.
@Suite struct ListsTests {
    @Test func theBundledDesignationListsHaveTheUNCounts() throws {
        let lists = try Rulebook.bundled().lists
        #expect(lists["un-1718-individuals"]?.entries.count == 80)
        #expect(lists["un-1718-entities"]?.entries.count == 75)
        #expect(lists["un-1718-vessels"]?.entries.count == 59)
        let komid = try #require(lists["un-1718-entities"]?.entries.first { $0.reference == "KPe.001" })
        #expect(komid.listedOn == Day("2009-04-24"))
        #expect(komid.aliases.contains("KOMID"))
        let omm = try #require(lists["un-1718-vessels"]?.entries.first { $0.identifiers.contains("8909575") })
        #expect(omm.listedOn == Day("2016-03-02"), "OMM vessels count from 2270 Annex III")
        #expect(omm.formerNames == ["Greenlight", "Chong Bong"])
    }

    @Test func theGeneratedListsAreUpToDateWithTheUNFiles() throws {
        let shared = Fixtures.root.deletingLastPathComponent().appendingPathComponent("shared/data/un-1718").path
        try #require(FileManager.default.fileExists(atPath: shared), "../shared/data/un-1718 is needed to check the lists")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.path("scripts/build_1718_lists.py"), "--check"]
        process.currentDirectoryURL = Fixtures.root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "Rules/lists is stale: run python3 scripts/build_1718_lists.py\n\(text)")
    }
}
