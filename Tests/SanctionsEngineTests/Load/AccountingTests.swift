import Foundation
import Testing
@testable import SanctionsEngine

/// Every record yields exactly one result, in input order, whatever is broken; and the
/// records do not depend on how the input is cut into chunks or where it comes from.
@Suite struct AccountingTests {
    /// The files in Fixtures/records/broken: (records in the file, of which unreadable or invalid, lines).
    static let broken: [(file: String, records: Int, errors: Int, lines: [Int])] = [
        ("mixed.jsonl", 9, 6, [1, 2, 4, 5, 6, 7, 8, 9, 10]),
        ("mixed.json", 8, 3, [2, 3, 4, 5, 6, 7, 8, 16]),
        ("mixed.yaml", 5, 2, [2, 8, 12, 18, 21]),
        ("documents.yaml", 3, 1, [1, 7, 13]),
        ("mixed.csv", 6, 3, [2, 3, 4, 5, 6, 7]),
    ]

    @Test(arguments: broken.map(\.file))
    func everyRecordGivesOneResultInInputOrder(_ file: String) throws {
        // mixed.json also holds a missing comma between a-5 and a-6: one more error result.
        let expected = try #require(Self.broken.first { $0.file == file })
        let engine = Engine(rulebook: try Fixtures.engineRules())
        let path = Fixtures.path("Fixtures/records/broken/\(file)")
        var results: [RecordResult] = []
        try RecordReader.read(path: path, format: try #require(RecordFormat.detect(path: path))) { results.append(engine.assess($0)) }
        let extra = file == "mixed.json" ? 1 : 0
        #expect(results.count == expected.records + extra)
        #expect(results.filter { $0.outcome == .error }.count == expected.errors + extra)
        let lines = results.compactMap(\.line)
        #expect(lines.count == results.count)
        #expect(lines == lines.sorted())
        #expect(Set(lines) == Set(expected.lines))
    }

    @Test func theSummaryCountsMatchTheInput() throws {
        let files = Self.broken.map { "Fixtures/records/broken/\($0.file)" }
        let run = try CLI.run(["assess", "--format", "json", "--rules", "Fixtures/engine/rules"] + files)
        #expect(run.status == 3)
        let document = try JSONParser.parse(run.stdout)
        let summary = try #require(document["summary"])
        let records = Self.broken.map(\.records).reduce(0, +) + 1
        let errors = Self.broken.map(\.errors).reduce(0, +) + 1
        #expect(document["results"]?.arrayValue?.count == records)
        #expect(summary["records"] == .number(Double(records)))
        #expect(summary["errors"] == .number(Double(errors)))
        #expect(summary["assessed"] == .number(Double(records - errors)))
        let outcomes = Outcome.allCases.map { outcome -> Double in
            if case .number(let count)? = summary["outcomes"]?[outcome.rawValue] { return count }
            return 0
        }.reduce(0, +)
        #expect(outcomes == Double(records))
        #expect(summary["outcomes"]?["error"] == .number(Double(errors)))
    }

    @Test(arguments: RecordFormat.allCases)
    func chunkingAndSourceDoNotChangeTheRecords(_ format: RecordFormat) throws {
        let paths = [
            "Fixtures/records/formats/three.\(format.rawValue)",
            "Fixtures/records/broken/mixed.\(format.rawValue)",
        ]
        for relative in paths {
            let path = Fixtures.path(relative)
            var fromFile: [RawRecord] = []
            try RecordReader.read(path: path, format: format) { fromFile.append($0) }
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            for chunk in [1, 2, 3, 7, 64, 4096, LineSource.defaultChunkSize] {
                var fromBytes: [RawRecord] = []
                try RecordReader.read(bytes: bytes, format: format, chunkSize: chunk) { fromBytes.append($0) }
                #expect(fromBytes.map(\.line) == fromFile.map(\.line), "\(relative) in chunks of \(chunk)")
                #expect(fromBytes.map(describe) == fromFile.map(describe), "\(relative) in chunks of \(chunk)")
            }
            if let text = String(validating: bytes, as: UTF8.self) {
                var fromText: [RawRecord] = []
                try RecordReader.read(text: text, format: format) { fromText.append($0) }
                #expect(fromText.map(describe) == fromFile.map(describe))
            }
        }
    }

    /// A run reads its inputs in chunks (JSON lines left unparsed, in one buffer per chunk):
    /// whatever the chunk bounds, the records are those the plain reader reads, in order,
    /// and no chunk holds more than it may.
    @Test(arguments: RecordFormat.allCases)
    func readingInChunksDoesNotChangeTheRecords(_ format: RecordFormat) throws {
        // A byte order mark, blank lines, CRLF line ends and broken lines.
        var edges = Array("\u{FEFF}{\"id\":\"a\",\"kind\":\"shipment\",\"date\":\"2018-01-01\"}\r\n".utf8)
        edges += Array("\n  \t\r\n{\"id\":\"b\"\n{broken\r\n\n[1,2]\n\"x\"\n{\"id\":\"c\",\"kind\":\"service\",\"date\":\"2019-02-03\"}".utf8)
        let edgesPath = FileManager.default.temporaryDirectory.appendingPathComponent("chunks-\(UUID().uuidString).jsonl").path
        try Data(edges).write(to: URL(fileURLWithPath: edgesPath))
        defer { try? FileManager.default.removeItem(atPath: edgesPath) }
        var paths = [
            Fixtures.path("Fixtures/records/formats/three.\(format.rawValue)"),
            Fixtures.path("Fixtures/records/broken/mixed.\(format.rawValue)"),
        ]
        if format == .jsonl { paths += [edgesPath, Fixtures.path("Fixtures/bench/workload-2k.jsonl")] }
        for path in paths {
            var plain: [RawRecord] = []
            try RecordReader.read(path: path, format: format) { plain.append($0) }
            #expect(!plain.isEmpty)
            for (records, bytes) in [(1, 1 << 20), (2, 1 << 20), (3, 1 << 20), (512, 1 << 20), (512, 1), (512, 700)] {
                var chunked: [RawRecord] = []
                try RecordReader.readChunks(path: path, format: format, records: records, bytes: bytes) { chunk in
                    #expect(!chunk.units.isEmpty && chunk.units.count <= records)
                    // Handed on once the lines reach the bound: all but the last fit below it.
                    let lengths = chunk.units.map { unit -> Int in
                        if case .jsonLine(let range, _) = unit { return range.upperBound }
                        return 0
                    }
                    #expect(lengths.dropLast().allSatisfy { $0 < bytes })
                    chunked += chunk.units.map(chunk.record)
                }
                #expect(chunked.map(describe) == plain.map(describe), "\(path) in chunks of \(records) records, \(bytes) bytes")
            }
        }
    }

    /// A record as an equatable value: its line, and its value or its error.
    func describe(_ record: RawRecord) -> [Value] {
        switch record.value {
        case .success(let value): return [.number(Double(record.line)), value]
        case .failure(let error): return [.number(Double(record.line)), .string(error.id ?? "-"), .string(error.message)]
        }
    }

    @Test(arguments: ["json", "jsonl", "text"])
    func outputIsByteIdenticalAcrossRuns(_ format: String) throws {
        let arguments = ["assess", "--format", format, "Fixtures/records/sample.jsonl", "Fixtures/records/broken/mixed.json"]
        let first = try CLI.run(arguments)
        for _ in 0..<2 {
            let again = try CLI.run(arguments)
            #expect(again.stdout == first.stdout)
            #expect(again.status == first.status)
        }
        // Standard input read in whatever pieces the pipe delivers: the same bytes.
        let sample = try String(contentsOfFile: Fixtures.path("Fixtures/records/sample.jsonl"), encoding: .utf8)
        let file = try CLI.run(["assess", "--format", format, "Fixtures/records/sample.jsonl"])
        let piped = try CLI.run(["assess", "--format", format, "-"], stdin: sample)
        if format != "json" { #expect(piped.stdout == file.stdout) }
    }
}
