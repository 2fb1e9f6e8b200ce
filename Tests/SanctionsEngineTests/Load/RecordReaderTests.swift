import Testing
@testable import SanctionsEngine

@Suite struct RecordReaderTests {
    func readAll(_ relative: String, _ format: RecordFormat? = nil) throws -> [RawRecord] {
        let path = Fixtures.path(relative)
        var records: [RawRecord] = []
        try RecordReader.read(path: path, format: format ?? RecordFormat.detect(path: path) ?? .jsonl) { records.append($0) }
        return records
    }

    @Test(arguments: ["three.jsonl", "three.json", "three.yaml", "three.csv"])
    func everyFormatReadsTheSameRecords(_ file: String) throws {
        let records = try readAll("Fixtures/records/formats/\(file)").map { try $0.value.get() }
        let reference = try readAll("Fixtures/records/formats/three.jsonl").map { try $0.value.get() }
        #expect(records.count == 3)
        #expect(records == reference)
        #expect(records[1]["goods"]?.arrayValue?[0]["hs"] == .string("0301"))
        #expect(records[2]["notified"] == .bool(false))
        #expect(records[2]["worker"]?["count"] == .number(40))
    }

    @Test func jsonLinesReportLinesAndSkipBlankLines() throws {
        let records = try readAll("Fixtures/records/formats/three.jsonl")
        #expect(records.map(\.line) == [1, 3, 4])
    }

    @Test func jsonArrayElementsCarryTheirLines() throws {
        #expect(try readAll("Fixtures/records/formats/three.json").map(\.line) == [2, 4, 6])
    }

    @Test func yamlDocumentsAreRecordsAndCountryNOStaysText() throws {
        let records = try readAll("Fixtures/records/formats/documents.yaml").map { try $0.value.get() }
        #expect(records.count == 2)
        #expect(records[0]["from"] == .string("NO"))
        #expect(records[0]["date"] == .string("2018-03-01"))
    }

    @Test func brokenJSONLinesBecomeErrorsAndTheRestIsRead() throws {
        let records = try readAll("Fixtures/records/formats/mixed.jsonl")
        #expect(records.count == 7)
        guard case .failure(let error) = records[1].value else {
            Issue.record("line 2 should be an error")
            return
        }
        #expect(error.line == 2)
        #expect(error.id == "m-2")
        #expect(records[2].line == 3)
        #expect((try? records[2].value.get()) != nil)
    }

    @Test func csvHandlesQuotesAndLineBreaksAndShortRows() throws {
        let records = try readAll("Fixtures/records/formats/mixed.csv")
        #expect(records.count == 3)
        let first = try records[0].value.get()
        #expect(first["goods"]?.arrayValue?[0]["description"] == .string("coal, anthracite"))
        guard case .failure(let error) = records[1].value else {
            Issue.record("the short row should be an error")
            return
        }
        #expect(error.line == 3)
        #expect(error.message.contains("4 fields"))
        let third = try records[2].value.get()
        #expect(records[2].line == 4)
        #expect(third["goods"]?.arrayValue?[0]["description"] == .string("a \"Persian\" rug\nwith a line break"))
    }

    @Test func aMissingFileOrADirectoryIsAnInputError() {
        #expect(throws: InputError.self) { try readAll("Fixtures/records/no-such-file.jsonl") }
        #expect(throws: InputError.self) { try readAll("Fixtures/records", .jsonl) }
    }

    @Test func crlfAndByteOrderMarkAreAccepted() throws {
        var records: [RawRecord] = []
        let text = "\u{FEFF}" + record(#""from":"KP""#) + "\r\n" + record(#""from":"CN""#) + "\r\n"
        try RecordReader.read(text: text, format: .jsonl) { records.append($0) }
        #expect(records.count == 2)
        #expect(try records[1].value.get()["from"] == .string("CN"))
    }
}

@Suite struct JSONParserTests {
    @Test func parsesTheJSONDataModel() throws {
        let value = try JSONParser.parse(#"{"a":[1,-2.5e3,true,false,null,"x\u00e9\n"],"b":{}}"#)
        #expect(value["a"] == .array([.number(1), .number(-2500), .bool(true), .bool(false), .null, .string("xé\n")]))
        #expect(value["b"] == .object([:]))
    }

    @Test(arguments: [
        (#"{"a":1,}"#, "expected a member name"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"{"a":01}"#, "expected ',' or '}'"),
        (#"{"a":NaN}"#, "expected a value"),
        (#"{"a":1e999}"#, "too large"),
        (#"{"a":1,"a":2}"#, "appears twice"),
        (#"{"a":"\q"}"#, "unknown escape"),
        ("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "nesting deeper"),
    ])
    func rejectsMalformedJSONWithAReason(_ text: String, _ reason: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("\(text) should not parse")
        } catch {
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }
}
