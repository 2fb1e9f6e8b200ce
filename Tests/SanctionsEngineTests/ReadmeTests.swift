import Foundation
import Testing
import SanctionsEngine

/// The README's library example, compiled and run; and a check that the README still
/// shows the same code.
@Suite struct ReadmeTests {
    @Test func theLibraryExampleRuns() throws {
        var printed: [String] = []
        func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }
        // The example reads a path relative to the package root, where `swift test` runs.
        try #require(FileManager.default.fileExists(atPath: "Fixtures/records/sample.jsonl"))

        // BEGIN README EXAMPLE
        let engine = Engine(rulebook: try Rulebook.bundled())
        let record = try Record(json: """
            {"id":"r1","kind":"shipment","date":"2018-03-01","from":"KP","to":"VN",
             "goods":[{"hs":"2701","description":"anthracite"}]}
            """)
        let result = engine.assess(record)
        for finding in result.findings {
            print(finding.verdict, finding.citations.map(\.text), finding.message)
        }
        // Records from a file, streamed, one result each:
        try RecordReader.read(path: "Fixtures/records/sample.jsonl", format: .jsonl) { raw in
            let result = engine.assess(raw)
            print(result.id ?? "?", result.outcome)
        }
        // END README EXAMPLE

        #expect(printed.first?.hasPrefix("violation [\"UNSCR 2371 (2017), para. 8\"]") == true, "\(printed)")
        #expect(printed.count == result.findings.count + 10)
        #expect(printed.last == "s-010 possibleViolation")
    }

    @Test func theReadmeShowsTheTestedExample() throws {
        let readme = try String(contentsOfFile: Fixtures.path("README.md"), encoding: .utf8)
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        guard let begin = source.range(of: "// BEGIN README EXAMPLE\n"), let end = source.range(of: "        // END README EXAMPLE") else {
            Issue.record("markers missing")
            return
        }
        let example = source[begin.upperBound..<end.lowerBound]
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.count >= 8 ? String($0.dropFirst(8)) : String($0) }
            .joined(separator: "\n")
        #expect(readme.contains(example), "README's library example differs from the tested code")
        #expect(readme.hasPrefix("# sanctions-engine\n\n```sh\nswift run sanctions assess Fixtures/records/sample.jsonl"))
    }
}
