import Foundation
import Testing
@testable import SanctionsEngine

/// The limits of docs/security.md, each checked: hostile or broken input gives a clear
/// error result (or an `InputError` for a file that is not a file), never a crash or hang.
@Suite struct LimitsTests {
    func records(_ bytes: [UInt8], _ format: RecordFormat, chunkSize: Int = LineSource.defaultChunkSize) throws -> [RawRecord] {
        var result: [RawRecord] = []
        try RecordReader.read(bytes: bytes, format: format, chunkSize: chunkSize) { result.append($0) }
        return result
    }

    func error(_ record: RawRecord) -> String? {
        if case .failure(let error) = record.value { return error.message }
        return nil
    }

    @Test func anOverLongLineIsAnErrorAndTheNextLineIsRead() throws {
        let long = Array(repeating: UInt8(ascii: "x"), count: LineSource.maxLineBytes + 10)
        let next = Array(record(#""from":"CN""#).utf8)
        for format in [RecordFormat.jsonl, .csv] {
            let header: [UInt8] = format == .csv ? Array("id,kind,date\n".utf8) : []
            let tail = format == .csv ? Array("t2,shipment,2018-03-01".utf8) : next
            let read = try records(header + long + [10] + tail + [10], format)
            #expect(read.count == 2)
            #expect(error(read[0])?.contains("longer than 16 MiB") == true)
            #expect(error(read[1]) == nil)
        }
    }

    @Test func nestingDeeperThanTheLimitIsAnError() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let line = try records(Array(#"{"id":"d","a":\#(deep)}"#.utf8), .jsonl)
        #expect(error(line[0])?.contains("nesting deeper than \(JSONParser.maxDepth)") == true)
        let yaml = try records(Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8), .yaml)
        #expect(yaml.count == 1)
        #expect(error(yaml[0])?.contains("nesting") == true)
    }

    @Test func aYAMLAliasBombIsRejected() throws {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let start = Date()
        let read = try records(Array(text.utf8), .yaml)
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(read.count == 1)
        #expect(error(read[0])?.contains("more than \(YAMLSyntax.maxNodes) nodes") == true)
        #expect(throws: RulebookError.self) { try loadRules(["bomb.yaml": text]) }
    }

    @Test func hugeNumbersNaNAndInfinitiesAreErrors() throws {
        let digits = String(repeating: "9", count: 100_000)
        for literal in [digits + "e999", "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "nan"] {
            let read = try records(Array(record(#""value":\#(literal)"#).utf8), .jsonl)
            #expect(error(read[0]) != nil, "\(literal.prefix(20))")
        }
        // A long but finite number is a number.
        let long = try records(Array(record(#""value":\#(digits)"#).utf8), .jsonl)
        #expect(error(long[0]) != nil || long.count == 1)
        // CSV and YAML: not numbers, so text, never NaN.
        let csv = try records(Array("id,kind,date,goods.0.quantity,goods.1.quantity,goods.2.quantity\nc,shipment,2018-03-01,nan,inf,0x10\n".utf8), .csv)
        let goods = try csv[0].value.get()["goods"]?.arrayValue ?? []
        #expect(goods.map { $0["quantity"] } == [.string("nan"), .string("inf"), .string("0x10")])
        let yaml = try records(Array("- {id: y, kind: shipment, date: 2018-03-01, a: .nan, b: .inf, c: 1e400}\n".utf8), .yaml)
        let value = try yaml[0].value.get()
        #expect(value["a"] == .string(".nan"))
        #expect(value["b"] == .string(".inf"))
        #expect(value["c"] == .string("1e400"))
    }

    @Test(arguments: RecordFormat.allCases)
    func invalidUTF8IsAnErrorResultNeverACrash(_ format: RecordFormat) throws {
        let text: String
        switch format {
        case .jsonl: text = record(#""from":"café""#) + "\n"
        case .json: text = "[" + record(#""from":"café""#) + "]"
        case .yaml: text = "- {id: t1, kind: shipment, date: 2018-03-01, from: café}\n"
        case .csv: text = "id,kind,date,from\nt1,shipment,2018-03-01,café\n"
        }
        // "é" in Latin-1: one byte 0xE9, invalid UTF-8.
        var bytes: [UInt8] = []
        for byte in Array(text.utf8) {
            if byte == 0xC3 { continue }
            bytes.append(byte == 0xA9 ? 0xE9 : byte)
        }
        let read = try records(bytes, format)
        #expect(read.count == 1)
        #expect(error(read[0])?.contains("UTF-8") == true, "\(error(read[0]) ?? "read")")
    }

    @Test(arguments: RecordFormat.allCases)
    func aByteOrderMarkAndCRLFAreAccepted(_ format: RecordFormat) throws {
        let path = Fixtures.path("Fixtures/records/formats/three.\(format.rawValue)")
        let plain = Array(try String(contentsOfFile: path, encoding: .utf8).utf8)
        var crlf: [UInt8] = [0xEF, 0xBB, 0xBF]
        for byte in plain { if byte == 10 { crlf.append(13) }; crlf.append(byte) }
        let expected = try records(plain, format).map { try $0.value.get() }
        #expect(try records(crlf, format).map { try $0.value.get() } == expected)
    }

    @Test(arguments: RecordFormat.allCases)
    func anEmptyFileHasNoRecords(_ format: RecordFormat) throws {
        #expect(try records([], format).isEmpty)
        #expect(try records(Array("\n\n".utf8), format).isEmpty)
    }

    @Test func anEmptyFileRunsCleanly() throws {
        let path = NSTemporaryDirectory() + "sanctions-empty-\(UUID().uuidString).jsonl"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CLI.run(["assess", "--format", "json", "--rules", "Fixtures/engine/rules", path])
        #expect(run.status == 0)
        let summary = try JSONParser.parse(run.stdout)["summary"]
        #expect(summary?["records"] == .number(0))
    }

    @Test func aDirectoryIsNotARecordFile() {
        #expect(throws: InputError.self) {
            try RecordReader.read(path: Fixtures.path("Fixtures/records"), format: .json) { _ in }
        }
    }

    @Test func thousandsOfRuleFilesLoad() throws {
        var files: [String: String] = [:]
        for index in 0..<3_000 {
            files[String(format: "r/%04d.yaml", index)] = """
                id: R-\(index)
                title: Rule \(index)
                category: maritime
                citations: [{resolution: 2371, year: 2017, paragraph: "8"}]
                in_force: {from: 2017-08-05}
                applies_to: [shipment]
                when: {field: from, equals: KP}
                verdict: violation
                message: "m"
                examples:
                  violation: [{id: v, kind: shipment, date: 2018-01-01, from: KP}]
                  not_violation: [{id: c, kind: shipment, date: 2018-01-01, from: CN}]
                """
        }
        let start = Date()
        let rulebook = try loadRules(files)
        #expect(rulebook.rules.count == 3_000)
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test(arguments: ["(a+)+$", "(x*)*y", "((ab)*)+", "(a|aa)+$", "(a|aa){2,}", ".*.*x", "a*a*x", "a+b{1,9}",
                      "(a)\\1", "a?a?a?a?a?b"])
    func aCatastrophicRegexIsRejected(_ pattern: String) {
        #expect(throws: PatternError.self) { try BoundedPattern(pattern) }
    }

    @Test(arguments: ["[a-z0-9]", "colou?r", "^IMO ?\\d{7}$", "(?i)kim (jong|il)", "a{x}", "[.*+]+", "x*?y"])
    func aBoundedRegexIsAccepted(_ pattern: String) throws {
        _ = try BoundedPattern(pattern)
    }

    /// A pattern that is one class of letters and digits is searched for without the regex
    /// engine: it matches every ASCII text exactly as the regex does, case ignored.
    @Test(arguments: ["[a-z0-9]", "[a-f]", "[A-Z]", "[0-9]", "[xyz]", "[a-cX-Z5]", "[Q]"])
    func aCharacterClassMatchesAsTheRegexDoes(_ source: String) throws {
        let pattern = try BoundedPattern(source)
        #expect(pattern.asciiClass != nil)
        var texts = (0..<128).map { String(UnicodeScalar(UInt8($0))) } + ["", "--", "  .;", "\r\n", "Zz", "é", "xé", "K"]
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let length = Int.random(in: 0...6, using: &generator)
            texts.append(String((0..<length).map { _ in Character(UnicodeScalar(UInt8.random(in: 32...126, using: &generator))) }))
        }
        var matched = 0
        for text in texts {
            #expect(pattern.matches(text) == pattern.matchesByRegex(text), "\(source) on \(text.debugDescription)")
            if pattern.matches(text) { matched += 1 }
        }
        #expect(matched > 0 && matched < texts.count)
    }

    @Test(arguments: ["[^a-z]", "[a-z]+", "[a-Z]", "[z-a]", "[\\w]", "[a-]", "a", "[]", "[a-z0-9]x"])
    func otherPatternsAreLeftToTheRegex(_ source: String) throws {
        #expect((try? BoundedPattern(source))?.asciiClass == nil)
    }

    /// Words in alternation, as the bundled rules write them, are searched for without the
    /// regex engine: with the regex's answer on every text, words at the start, the end, in
    /// the middle, overlapping, in either case, and non-ASCII text (left to the regex).
    @Test(arguments: ["rajin|rason|najin|khasan", "military|paramilitary|police|armed forces|air force|navy|naval|army",
                      "ab|b", "a", "AB-c_d 9", "aa|aaa"])
    func wordsInAlternationMatchAsTheRegexDoes(_ source: String) throws {
        let pattern = try BoundedPattern(source)
        #expect(pattern.asciiWords != nil)
        var texts = ["", "rajin", "RAJIN-KHASAN PORT", "the Rason project", "najinx", "xkhasa", "khasanRU", "rajni",
                     "Rajin–Khasan", "ﬁ rajin", "KHASAN", "Armed Forces", "armedforces", "para-military", "NAVAL",
                     "army\n", "policeman", "AIR  FORCE", "airforce", "ab", "b", "aB", "Ab-C_D 9x", "ab-c_d 8", "a", "aa"]
        texts += (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        var generator = SeededGenerator(seed: 11)
        let alphabet = Array("abknrs AB-_9")
        for _ in 0..<400 {
            let length = Int.random(in: 0...8, using: &generator)
            texts.append(String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }))
        }
        var matched = 0
        for text in texts {
            #expect(pattern.matches(text) == pattern.matchesByRegex(text), "\(source) on \(text.debugDescription)")
            if pattern.matches(text) { matched += 1 }
        }
        #expect(matched > 0 && matched < texts.count)
    }

    @Test(arguments: ["a|", "|a", "a||b", "jet|JP-?[0-9]", "gas ?oil", "^2710$", "a.b", "(a|b)", "é|e", ""])
    func otherAlternationsAreLeftToTheRegex(_ source: String) throws {
        #expect((try? BoundedPattern(source))?.asciiWords == nil)
    }

    /// The regex engine's answers on short texts are remembered: asked again, from memory or
    /// not (past the memory's bound, long texts), a pattern answers as the engine does.
    @Test func rememberedAnswersAreTheRegexAnswers() throws {
        let pattern = try BoundedPattern("^2710([0-9]{2})?$|jet|JP-?[0-9]|gas ?oil")
        #expect(pattern.asciiClass == nil && pattern.asciiWords == nil)
        var texts = ["2710", "271012", "27101", "2710123", "x2710", "Jet fuel", "JP8", "jp-5", "JP-", "gasoil", "GAS OIL",
                     "gas  oil", "refined petroleum product", "", String(repeating: "gas oil ", count: 20)]
        // More texts than the memory holds, about half of them matching.
        texts += (0..<5_000).map { "item \($0) \($0 % 2 == 0 ? "JP" : "XP")\($0 % 3 == 0 ? "-" : "")\($0 % 10)\($0 % 7 == 0 ? " jet" : "")" }
        var matched = 0
        for round in 0..<2 {
            for text in texts {
                #expect(pattern.matches(text) == pattern.matchesByRegex(text), "round \(round): \(text.debugDescription)")
                if round == 0, pattern.matches(text) { matched += 1 }
            }
        }
        #expect(matched > 0 && matched < texts.count)
    }

    @Test func aRegexIsBoundedInLengthAndInput() throws {
        #expect(throws: PatternError.self) { try BoundedPattern(String(repeating: "a", count: BoundedPattern.maxPattern + 1)) }
        let pattern = try BoundedPattern("a.*x")
        let start = Date()
        #expect(!pattern.matches(String(repeating: "a", count: 1_000_000) + "b"))
        #expect(Date().timeIntervalSince(start) < 10)
    }

    /// Rules share a compiled pattern by its text (`PatternCache`); a refused one is still
    /// reported in every file that writes it, at its own line, and an accepted one judges
    /// every rule that writes it.
    @Test func aPatternWrittenInSeveralRulesIsCheckedInEach() throws {
        func rule(_ id: String, _ pattern: String) -> String {
            """
            id: \(id)
            title: Rule \(id)
            category: maritime
            citations: [{resolution: 2371, year: 2017, paragraph: "8"}]
            in_force: {from: 2017-08-05}
            applies_to: [shipment]
            when: {field: purpose, matches: "\(pattern)"}
            verdict: violation
            message: "m"
            examples:
              violation: [{id: v, kind: shipment, date: 2018-01-01, purpose: "kim"}]
              not_violation: [{id: n, kind: shipment, date: 2018-01-01, purpose: "lee"}]
            """
        }
        do {
            _ = try loadRules(["a.yaml": rule("A", "(a+)+$"), "b.yaml": rule("B", "(a+)+$")])
            Issue.record("a catastrophic pattern must be refused")
        } catch let error as RulebookError {
            let refused = error.diagnostics.filter { $0.message.contains("bounded time") }
            #expect(refused.map { ($0.position.file as NSString).lastPathComponent }.sorted() == ["a.yaml", "b.yaml"])
            #expect(refused.allSatisfy { $0.position.line == 7 })
        }
        let rulebook = try loadRules(["a.yaml": rule("A", "k.m|park"), "b.yaml": rule("B", "k.m|park")])
        let engine = Engine(rulebook: rulebook)
        for purpose in ["Kim", "PARK", "lee"] {
            let record = try Record(json: #"{"id":"r","kind":"shipment","date":"2018-01-01","purpose":"\#(purpose)"}"#)
            let violated = engine.assess(record).findings.filter { $0.verdict == .violation }.map(\.rule)
            #expect(violated == (purpose == "lee" ? [] : ["A", "B"]), "\(purpose)")
        }
    }

    /// Loads rule files (relative path → text) from a fresh temporary directory.
    func loadRules(_ files: [String: String]) throws -> Rulebook {
        let directory = NSTemporaryDirectory() + "sanctions-rules-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (relative, text) in files {
            let path = (directory as NSString).appendingPathComponent(relative)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }
        return try Rulebook.load(directories: [directory])
    }
}
