import Foundation
import Testing
@testable import SanctionsEngine

/// The document path agrees with the value path. A line read into a ``Document`` holds what
/// ``JSONParser`` reads from it (numbers bit for bit), and lines outside the document's plain
/// subset are refused rather than misread; ``DocumentRecord`` accepts exactly the records
/// ``Record/init(value:line:)`` accepts, with the same header; the truth-only evaluation gives
/// the same truths on a document as on a value, for every condition of every rule; and the
/// engine and a whole ``Run`` judge the same whether records go the document path or not.
/// The records are the 2,000 lines of the benchmark workload (Fixtures/bench), the rule
/// examples, the first pass's tricky lines and hand-made edge cases.
@Suite struct DocumentTests {
    // MARK: Helpers

    /// The lines of the benchmark workload, as the run reads them.
    static func workload() throws -> [(bytes: [UInt8], line: Int)] {
        try Fixtures.jsonLines("Fixtures/bench/workload-2k.jsonl")
    }

    /// What ``JSONParser`` reads from `bytes`; nil when it reports an error.
    static func parse(_ bytes: [UInt8]) -> Value? {
        bytes.withUnsafeBufferPointer { buffer in try? JSONParser.parse(buffer) }
    }

    /// The value a document rebuilds of `bytes`; nil when they are outside its subset.
    static func documentValue(_ bytes: [UInt8]) -> Value? {
        Document(bytes)?.withRoot { $0.value }
    }

    /// Whether two values are the same, numbers bit for bit (`-0` is not `0`).
    static func identical(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return Array(a.utf8) == Array(b.utf8)
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { identical($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { identical(value, $0) } ?? false }
        default: return false
        }
    }

    /// Checks that `bytes` are read into a document holding exactly what the parser reads.
    /// Returns whether the document was read.
    @discardableResult
    static func expectSameValue(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let value = documentValue(bytes) else {
            Issue.record("not read as a document: \(text)", sourceLocation: sourceLocation)
            return false
        }
        guard let reference = parse(bytes) else {
            Issue.record("read as a document but JSONParser rejects it: \(text)", sourceLocation: sourceLocation)
            return false
        }
        #expect(identical(value, reference), "\(text): document \(value), parser \(reference)", sourceLocation: sourceLocation)
        #expect(value == reference, "\(text)", sourceLocation: sourceLocation)
        return true
    }

    /// The header both readers agree on: what ``DocumentRecord`` and ``Record`` both read.
    struct Header: Equatable, CustomStringConvertible {
        let id: String
        let kind: RecordKind
        let date: Day
        let periodEnd: Day
        let line: Int?

        var description: String { "\(id) \(kind.rawValue) \(date)…\(periodEnd) line \(line.map(String.init) ?? "-")" }
    }

    /// The header of the record on `bytes` read both ways: nil for a side that rejects it;
    /// `document` is nil when the bytes are outside the document's subset.
    static func headers(_ bytes: [UInt8], line: Int) -> (inSubset: Bool, document: Header?, value: Header?) {
        let value = parse(bytes).flatMap { try? Record(value: $0, line: line) }
            .map { Header(id: $0.id, kind: $0.kind, date: $0.date, periodEnd: $0.periodEnd, line: $0.line) }
        guard let document = Document(bytes) else { return (false, nil, value) }
        let header = document.withRoot { root in
            DocumentRecord(root: root, line: line).map { Header(id: $0.id, kind: $0.kind, date: $0.date, periodEnd: $0.periodEnd, line: $0.line) }
        }
        return (true, header, value)
    }

    static func describe(_ directions: Evaluator.Directions) -> String {
        "to \(directions.toDPRK.rawValue), from \(directions.fromDPRK.rawValue)"
    }

    /// Compares the truth of every condition of every rule covering the record (its own,
    /// its exemptions', its cap's `counts`) on the record's value and on its document, and
    /// their directions. Returns how many truths were compared and how many were not `no`.
    static func compareTruths(_ record: Record, _ document: Document, rules: [Rule],
                              valueCache: ScreeningCache?, documentCache: ScreeningCache?,
                              sourceLocation: SourceLocation = #_sourceLocation) -> (compared: Int, held: Int) {
        document.withRoot { root in
            guard let header = DocumentRecord(root: root, line: record.line ?? 0) else {
                Issue.record("\(record.id): a valid record without a document record", sourceLocation: sourceLocation)
                return (0, 0)
            }
            let values = TruthEvaluator(root: record.value, date: record.date, periodEnd: record.periodEnd, cache: valueCache)
            let nodes = TruthEvaluator(root: root, date: header.date, periodEnd: header.periodEnd, cache: documentCache,
                                       directions: header.directions)
            let expected = describe(Evaluator.Directions(of: record.value))
            #expect(describe(Evaluator.Directions(of: root)) == expected, "\(record.id)", sourceLocation: sourceLocation)
            #expect(describe(header.directions) == expected, "\(record.id)", sourceLocation: sourceLocation)
            #expect(describe(nodes.directions) == describe(values.directions), "\(record.id)", sourceLocation: sourceLocation)
            var compared = 0, held = 0
            for rule in rules where rule.appliesTo.contains(record.kind) {
                var conditions = [("condition", rule.condition)] + rule.exemptions.map { ("exemption \($0.id)", $0.condition) }
                if let counts = rule.cap?.counts { conditions.append(("cap counts", counts)) }
                for (name, condition) in conditions {
                    let reference = values.truth(condition)
                    let truth = nodes.truth(condition)
                    #expect(truth == reference, "\(rule.id) \(name) on \(record.id): document \(truth), value \(reference)",
                            sourceLocation: sourceLocation)
                    compared += 1
                    if reference != .no { held += 1 }
                }
            }
            return (compared, held)
        }
    }

    /// A test's own JSON encoder for a value: one line, members in name order, numbers as
    /// ``Value/format(_:)`` writes integers and otherwise in their shortest round-trip form.
    static func encode(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .string(let text): return JSONWriter.quote(text)
        case .array(let elements): return "[" + elements.map(encode).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.sorted { $0.key < $1.key }.map { JSONWriter.quote($0.key) + ":" + encode($0.value) }
                .joined(separator: ",") + "}"
        }
    }

    // MARK: 1. The workload

    @Test func everyWorkloadLineReadsAsTheDocumentOfWhatTheParserReads() throws {
        let lines = try DocumentTests.workload()
        #expect(lines.count == 2_000)
        var read = 0
        for (bytes, line) in lines {
            guard let value = DocumentTests.documentValue(bytes) else {
                Issue.record("line \(line) is not read as a document: \(String(decoding: bytes, as: UTF8.self))")
                continue
            }
            read += 1
            let reference = try bytes.withUnsafeBufferPointer { buffer in try JSONParser.parse(buffer) }
            #expect(DocumentTests.identical(value, reference), "line \(line)")
            #expect(value == reference, "line \(line)")
            // The same when read from the text the parser's string entry point takes.
            #expect(try JSONParser.parse(String(decoding: bytes, as: UTF8.self)) == value, "line \(line)")
        }
        #expect(read == 2_000)
    }

    // MARK: 2. Edge cases

    /// Lines inside the plain subset.
    static let plainLines: [String] = {
        var lines = [
            "{}", "[]", #""""#, "0", "-0", "-0.0", "0.0", "0.1", "-0.1", "123.4500", "-123.4500", "1", "-1", "10", "100.0",
            "true", "false", "null", "[true,false,null]", #"{"":""}"#, #"{"":1,"a":""}"#, #"{"a":{"":{"":[]}}}"#,
            " \t\r\n{ \"a\" : [ 1 , 2 , { } , [ ] ] , \"b\" : { \"c\" : null } , \"d\" : \"\" } \n\t ",
            "\n[\n1\n,\n-2.5\n]\n", "\t\"x\"\t", "\r\n0\r\n",
            "[1,-1,0,-0,10,-10,1.5,-1.5,0.001,-0.001,1000000,0.5,0.25,0.125]",
            // 15 significant digits (the exact path) and 16 and 25 (the standard conversion).
            "123456789012345", "-999999999999999", "0.123456789012345", "12345678.9012345", "100000000000000.0",
            "1234567890123456", "9007199254740993", "-9007199254740993", "0.1234567890123456", "1234567.890123456",
            "9999999999999999", "1234567890123456789012345", "-1234567890123456789012345", "0.1234567890123456789012345",
            "123456789012.3456789012345", "0.0000000000000000000001", "0.00000000000000000000001",
            "0.000000000000000000000000000000000001", "1.0000000000000000000000000000001", "0.30000000000000004",
            "2.2250738585072014", "4.9406564584124654", "179769313486231570000000000000000000000000.5",
            "1" + String(repeating: "0", count: 299), "-" + String(repeating: "9", count: 299),
            "0." + String(repeating: "0", count: 297) + "1",
            // Nesting, sharing first bytes of member names, the same name in different objects.
            "[[[[]]],[[1]],{\"a\":[{\"b\":[]}]},[{},{}],[[],[[]]]]",
            #"{"a":{"x":1},"x":2}"#, #"{"ab":1,"ac":2,"a":3,"b":4,"abc":5,"":6}"#,
            #"{"a":{"x":1,"y":[1,2,{"a":3}]},"b":2,"c":{"a":{"b":{}}}}"#,
            #"{"abcdefgh":1,"abcdefgi":2,"abcdefghi":3,"abcdefgh_":4,"abcdefghijklmnopq":5}"#,
            #"{"id":"r","kind":"shipment","date":"2018-03-01","goods":[{"hs":"2710","quantity":-0,"value":0.1}]}"#,
            "[\"\u{7F}\", \" \", \"~\", \"!#[]{}\"]",
        ]
        // Every character of the subset's strings, in a string and as a member name.
        let printable = String(decoding: (0x20...0x7F).filter { $0 != 0x22 && $0 != 0x5C }.map { UInt8($0) }, as: UTF8.self)
        lines += ["\"\(printable)\"", "{\"\(printable)\":\"\(printable)\"}"]
        // Strings of 0 to 17 characters: the closing quote at every position of the 8-byte
        // scan's first two words, at the end of the input and before more of it.
        for length in 0...17 {
            let text = String("abcdefghijklmnopqrstuvwxyz".prefix(length))
            lines += ["\"\(text)\"", "[\"\(text)\",\"x\"]", "{\"\(text)\":\"\(text)\",\"_\":[\"\(text)\"]}",
                      "{\"k\":\"\(text)\"}", "[\"\(text)\", 12345678901234567890, \"\(text)\"]"]
        }
        return lines
    }()

    @Test func linesInThePlainSubsetReadAsTheParserReadsThem() {
        var read = 0
        for line in DocumentTests.plainLines where DocumentTests.expectSameValue(Array(line.utf8)) { read += 1 }
        #expect(read == DocumentTests.plainLines.count)
        #expect(read > 100)
    }

    /// Random decimals of up to 17 significant digits and up to 25 fraction digits, integers
    /// among them; half of them about the exact path's bounds (15 digits, 22 fraction digits),
    /// so that both it and the standard conversion are exercised.
    @Test func numbersAreReadBitForBitAsTheParserReadsThem() {
        var generator = SeededGenerator(seed: 0x5A4C_7E2D_1B0F_3C89)
        var exact = 0, standard = 0
        for sample in 0..<600 {
            let nearBounds = sample % 2 == 1
            let significant = Int.random(in: nearBounds ? 14...17 : 1...17, using: &generator)
            let fraction = Int.random(in: nearBounds ? 20...25 : 0...25, using: &generator)
            var digits = String(Int.random(in: 1...9, using: &generator))
            for _ in 1..<significant { digits += String(Int.random(in: 0...9, using: &generator)) }
            let text: String
            if fraction == 0 {
                text = digits
            } else if fraction >= significant {
                text = "0." + String(repeating: "0", count: fraction - significant) + digits
            } else {
                text = String(digits.dropLast(fraction)) + "." + String(digits.suffix(fraction))
            }
            let signed = Bool.random(using: &generator) ? "-" + text : text
            if significant <= 15, fraction <= 22 { exact += 1 } else { standard += 1 }
            let expected = Double(signed)
            for line in [signed, "[\(signed)]", "{\"n\":\(signed)}"] {
                let bytes = Array(line.utf8)
                guard DocumentTests.expectSameValue(bytes) else { continue }
                let read: Double? = Document(bytes)?.withRoot { root -> Double? in
                    switch root.kind {
                    case .number: return root.number
                    case .array:
                        var number: Double?
                        _ = root.forEachElement { element in
                            number = element.number
                            return false
                        }
                        return number
                    default: return root.member("n")?.number
                    }
                } ?? nil
                #expect(read?.bitPattern == expected?.bitPattern, "\(line): document \(String(describing: read)), Double \(String(describing: expected))")
            }
        }
        #expect(exact > 150)
        #expect(standard > 150)
    }

    /// Lines outside the subset, each with whether ``JSONParser`` reads it.
    static let outsideLines: [(line: String, parserReads: Bool)] = {
        var lines: [(String, Bool)] = [
            (#""a\"b""#, true), (#""\u0041""#, true), (#""a\\b""#, true), (#""\/""#, true), (#""x\ny""#, true),
            (#"{"a\"":1}"#, true), (#"{"k\u0069nd":"shipment"}"#, true), ("\"Ŏ\"", true), ("{\"Ŏ\":1}", true), ("\"é\"", true),
            ("\"a\u{01}b\"", false), ("\"a\tb\"", false), ("\"a\nb\"", false), ("\"\u{1F}\"", false),
            ("1e5", true), ("1E5", true), ("1.5e-3", true), ("-2e+2", true), ("[1e400]", false), ("[1,2e3]", true),
            (#"{"a":1,"a":2}"#, false), (#"{"a":1,"b":2,"a":3}"#, false), (#"{"":1,"":2}"#, false),
            (#"{"a":{"x":1,"y":[1,{"a":2}]},"b":2,"a":3}"#, false), (#"[{"a":1},{"b":1,"b":2}]"#, false),
            (#"{"abcdefghijk":1,"abcdefghijk":2}"#, false),
            ("[1,]", false), (#"{"a":1,}"#, false), ("[,1]", false), ("{,}", false),
            ("[1,2", false), (#"{"a":1"#, false), (#""abc"#, false), ("[", false), ("{", false), (#"{"a""#, false),
            ("[1] x", false), ("{}{}", false), ("[]]", false), ("1 2", false), ("null,", false), ("truex", false),
            ("", false), ("   ", false), ("\n", false), ("\t\r\n ", false),
            ("01", false), ("-", false), ("1.", false), (".5", false), ("+1", false), ("-.5", false), ("--1", false), ("0x10", false),
            ("tru", false), ("nul", false), ("fals", false), ("True", false), ("NULL", false), ("'a'", false),
            ("{a:1}", false), (#"{"a" 1}"#, false), (#"{"a":}"#, false), ("[1 2]", false), (#"{1:2}"#, false),
            // Longer than 300 characters: read by the parser, or too large for it.
            ("1" + String(repeating: "0", count: 300), true), ("0." + String(repeating: "1", count: 299), true),
            ("1" + String(repeating: "0", count: 400), false),
            (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), false),
            (String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65), false),
            (String(repeating: "[{\"a\":", count: 33) + "1" + String(repeating: "}]", count: 33), false),
            (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), false),
        ]
        // The same escapes and bytes in a record, where the first pass meets them.
        lines += FastPathTests.trickyLines.filter { $0.contains("\\") || $0.contains("1e2") || $0.contains(#""to":"CN","to""#) }
            .map { ($0, !$0.contains(#""to":"CN","to""#)) }
        return lines
    }()

    @Test func linesOutsideThePlainSubsetAreNotRead() {
        for (line, parserReads) in DocumentTests.outsideLines {
            let bytes = Array(line.utf8)
            #expect(Document(bytes) == nil, "read as a document: \(line)")
            #expect((DocumentTests.parse(bytes) != nil) == parserReads, "JSONParser on \(line)")
        }
        #expect(DocumentTests.outsideLines.count > 70)
        #expect(DocumentTests.outsideLines.contains { $0.line.contains("\\u0069") })
    }

    /// What `bench --parsers` times: every line of a file read as a document, those outside
    /// the plain subset (or not JSON, or no object) counted apart; blank lines are no record.
    @Test func readingAFilesDocumentsCountsTheLinesOutsideTheSubsetApart() throws {
        let inside = try DocumentTests.workload().prefix(300).map { String(decoding: $0.bytes, as: UTF8.self) }
        // Blank lines are no record, and a line break would split a line in two.
        let outside = DocumentTests.outsideLines.map(\.line).filter { line in
            !line.contains("\n") && !line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
        } + ["[1,2]", "\"text\""]
        var lines: [String] = []
        for (position, line) in inside.enumerated() {
            lines.append(line)
            if position < outside.count { lines.append(outside[position]) }
            if position % 50 == 0 { lines.append("") }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("documents-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let counted = try RecordReader.readDocuments(path: path)
        #expect(counted.documents == inside.count)
        #expect(counted.others == min(outside.count, inside.count))
        #expect(throws: (any Error).self) { try RecordReader.readDocuments(path: path + ".missing") }
    }

    /// The root's members are found through its index by name (one slot per length and end
    /// bytes, shared by some names): every member present, and every name absent, is found
    /// or not as the value has it, names sharing a slot included.
    @Test func rootMembersAreFoundByTheirIndexAsTheValueHasThem() throws {
        var lines = try DocumentTests.workload().map(\.bytes)
        // Names sharing slots: same length and end bytes, and many in one object.
        lines.append(Array(#"{"ab":1,"axb":2,"ayb":3,"azb":null,"b":4,"":5,"aab":6,"a":7}"#.utf8))
        lines.append(Array(("{" + (0..<200).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}").utf8))
        let probes = ["id", "kind", "date", "date_to", "to", "from", "via", "origin", "end_user", "goods", "parties", "vessel",
                      "worker", "ab", "axb", "ayb", "azb", "aqb", "b", "", "a", "aab", "k0", "k7", "k199", "k200", "k19", "x"]
        var found = 0
        for bytes in lines {
            guard let document = Document(bytes), case .object(let members)? = DocumentTests.parse(bytes) else {
                Issue.record("not read: \(String(decoding: bytes, as: UTF8.self))")
                continue
            }
            document.withRoot { root in
                for name in Set(probes + members.keys) {
                    let expected = members[name].flatMap { $0 == .null ? nil : $0 }
                    let member = Array(name.utf8).withUnsafeBufferPointer { root.member(bytes: $0) }
                    #expect(member?.value == expected, "\(name) in \(String(decoding: bytes.prefix(80), as: UTF8.self))")
                    if member != nil { found += 1 }
                }
            }
        }
        #expect(found > 10_000)
    }

    /// A string's test decided on its bytes (``QuickTest``) is the test ``Evaluator/check``
    /// decides on its value: equality ignoring case, lists of choices, `not_in`, HS scopes and
    /// dates; choices that are not all ASCII texts are left to the check.
    @Test func aStringsQuickTestIsTheChecksTest() throws {
        let scope = HSScope(entries: try ["2710", "870321-870324"].map { try HSScope.parseEntry($0).get() })
        let operators: [Operator] = [
            .equals(.string("KP")), .equals(.string("kp")), .equals(.string("K")), .equals(.string("")),
            .isIn([.string("cn"), .string("Kp")]), .isIn([.string("RU"), .string("CN")]), .notIn([.string("kP")]),
            .notIn([.string("CN"), .string("ru")]), .isIn([]), .notIn([]),
            .hs(scope, label: "2710"), .date(.before, Day(number: 17_000)), .date(.onOrAfter, Day(number: 17_000)),
        ]
        let texts = ["KP", "kp", "Kp", "K", "", "KPX", "CN", "ru", "271012", "2710", "27", "870322", "8703.22",
                     "2016-07-15", "2016-07-16", "2016-13-01", "to_dprk"]
        var decided = 0
        for test in operators {
            let field = FieldTest(path: .to, test: test, describe: nil)
            #expect(field.quick.kind != .other)
            for text in texts {
                let bytes = Array(#"{"to":"\#(text)"}"#.utf8)
                guard let document = Document(bytes) else {
                    Issue.record("not read: \(text)")
                    continue
                }
                document.withRoot { root in
                    guard let node = root.member(static: "to"), let quick = node.quickCheck(field) else { return }
                    decided += 1
                    let checked = Evaluator.check(test, .string(text), parent: Optional<Value>.none).0
                    #expect(quick == checked, "\(test) on '\(text)'")
                }
            }
        }
        #expect(decided > 150)
        // Choices not all ASCII texts are the check's alone (a text that is not ASCII may
        // still lowercase to ASCII: the Kelvin sign to `k`).
        let left: [(Operator, QuickTest.Kind)] = [(.equals(.string("\u{212A}P")), .other), (.isIn([.string("KP"), .number(1)]), .other),
                                                  (.notIn([.bool(true)]), .other), (.exists, .exists), (.missing, .missing)]
        for (test, kind) in left {
            #expect(FieldTest(path: .to, test: test, describe: nil).quick.kind == kind, "\(test)")
        }
    }

    /// A run's workers read every line into memory kept from one line to the next: a line
    /// read after a longer or a shorter one, or after one outside the subset, reads as its
    /// own document, and a line outside the subset is refused there too.
    @Test func aReaderReusedFromLineToLineReadsEachAsItsOwnDocument() throws {
        var lines = DocumentTests.plainLines.map { Array($0.utf8) } + DocumentTests.outsideLines.map { Array($0.line.utf8) }
        lines += try DocumentTests.workload().map(\.bytes)
        // Long lines before short ones, and shuffled, so that the memory grows and is reused.
        var generator = SeededGenerator(seed: 0x0D0C_2E7A_11B5_9F43)
        let orders = [lines.sorted { $0.count > $1.count }, lines.shuffled(using: &generator)]
        for order in orders {
            let reader = DocumentReader()
            var read = 0
            for bytes in order {
                let expected = DocumentTests.documentValue(bytes)
                let found = bytes.withUnsafeBufferPointer { buffer in reader.read(buffer) { $0.value } }
                #expect((found == nil) == (expected == nil), "\(String(decoding: bytes, as: UTF8.self))")
                if let found, let expected {
                    read += 1
                    #expect(DocumentTests.identical(found, expected), "\(String(decoding: bytes, as: UTF8.self))")
                }
            }
            #expect(read == DocumentTests.plainLines.count + 2_000)
        }
    }

    @Test func nestingIsBoundedAsTheParserBoundsIt() {
        let depth = JSONParser.maxDepth
        #expect(depth == 64)
        for levels in [1, 2, 63, 64, 65, 66] {
            let cases = [
                String(repeating: "[", count: levels) + String(repeating: "]", count: levels),
                String(repeating: "[", count: levels) + "1" + String(repeating: "]", count: levels),
                String(repeating: "{\"a\":", count: levels) + "null" + String(repeating: "}", count: levels),
                String(repeating: "{\"a\":[", count: levels / 2) + (levels % 2 == 0 ? "" : "[]")
                    + String(repeating: "]}", count: levels / 2),
                " " + String(repeating: "[ ", count: levels) + "\"x\"" + String(repeating: " ]", count: levels) + " ",
            ]
            for line in cases {
                let bytes = Array(line.utf8)
                let parsed = DocumentTests.parse(bytes)
                let document = DocumentTests.documentValue(bytes)
                #expect((document != nil) == (parsed != nil), "\(levels) levels: \(line)")
                // As deep as the parser's bound is read; deeper is not, by either.
                #expect((document != nil) == (levels <= depth), "\(levels) levels: \(line)")
                if let document, let parsed { #expect(DocumentTests.identical(document, parsed), "\(levels) levels") }
            }
        }
    }

    /// Every byte at every position of a string of up to 25 characters: read only when it
    /// is printable ASCII other than a quote or backslash, and then as the parser reads it.
    @Test func theEightByteScanStopsAtEveryByteItMustStopAt() {
        var read = 0, refused = 0
        for position in 0...16 {
            for after in [0, 1, 6, 7, 8, 9] {
                let before = [UInt8](repeating: UInt8(ascii: "a"), count: position)
                let rest = [UInt8](repeating: UInt8(ascii: "b"), count: after)
                for byte in 0...255 {
                    let byte = UInt8(byte)
                    let string = [UInt8(ascii: "\"")] + before + [byte] + rest + [UInt8(ascii: "\"")]
                    for bytes in [string, [UInt8(ascii: "[")] + string + Array(#","zzzzzzzzz"]"#.utf8),
                                  [UInt8(ascii: "{")] + string + Array(#":1}"#.utf8)] {
                        let plain = byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                        let document = DocumentTests.documentValue(bytes)
                        #expect((document != nil) == plain, "byte \(byte) at \(position) of \(position + 1 + after)")
                        if let document {
                            read += 1
                            let parsed = DocumentTests.parse(bytes)
                            #expect(parsed.map { DocumentTests.identical(document, $0) } == true, "byte \(byte) at \(position)")
                        } else {
                            refused += 1
                            // A quote ends the string early, a control byte or a lone non-ASCII
                            // byte is invalid: the parser refuses them too.
                            if byte != UInt8(ascii: "\\") {
                                #expect(DocumentTests.parse(bytes) == nil, "byte \(byte) at \(position) read by the parser")
                            }
                        }
                    }
                }
                // A character of two bytes (valid UTF-8): the parser reads it, the document does not.
                let string = [UInt8(ascii: "\"")] + before + Array("Ŏ".utf8) + rest + [UInt8(ascii: "\"")]
                #expect(Document(string) == nil)
                #expect(DocumentTests.parse(string) == .string(String(repeating: "a", count: position) + "Ŏ"
                    + String(repeating: "b", count: after)))
            }
        }
        #expect(read == 17 * 6 * 3 * 94)
        #expect(refused == 17 * 6 * 3 * 162)
    }

    // MARK: 3. Record headers

    /// Record headers, each with whether it is a valid record.
    static let headerLines: [(line: String, valid: Bool)] = [
        (#"{"kind":"shipment","date":"2018-03-01"}"#, false),
        (#"{"id":"","kind":"shipment","date":"2018-03-01"}"#, false),
        (#"{"id":42,"kind":"shipment","date":"2018-03-01"}"#, true),
        (#"{"id":4.5,"kind":"shipment","date":"2018-03-01"}"#, true),
        (#"{"id":-0,"kind":"shipment","date":"2018-03-01"}"#, true),
        (#"{"id":12345678901234567,"kind":"shipment","date":"2018-03-01"}"#, true),
        (#"{"id":0.1234567890123456789012345,"kind":"shipment","date":"2018-03-01"}"#, true),
        (#"{"id":null,"kind":"shipment","date":"2018-03-01"}"#, false),
        (#"{"id":{"a":1},"kind":"shipment","date":"2018-03-01"}"#, false),
        (#"{"id":["r1"],"kind":"shipment","date":"2018-03-01"}"#, false),
        (#"{"id":true,"kind":"shipment","date":"2018-03-01"}"#, false),
        (#"{"id":" ","kind":"shipment","date":"2018-03-01"}"#, true),
        (#"{"id":"r1","kind":"parcel","date":"2018-03-01"}"#, false),
        (#"{"id":"r1","kind":"Shipment","date":"2018-03-01"}"#, false),
        (#"{"id":"r1","kind":7,"date":"2018-03-01"}"#, false),
        (#"{"id":"r1","kind":null,"date":"2018-03-01"}"#, false),
        (#"{"id":"r1","date":"2018-03-01"}"#, false),
        (#"{"id":"r1","kind":"shipment","date":"2018-02-30"}"#, false),
        (#"{"id":"r1","kind":"shipment","date":"2018-3-01"}"#, false),
        (#"{"id":"r1","kind":"shipment","date":20180301}"#, false),
        (#"{"id":"r1","kind":"shipment"}"#, false),
        (#"{"id":"r1","kind":"shipment","date":"2018-03-01","date_to":"2018-02-28"}"#, false),
        (#"{"id":"r1","kind":"shipment","date":"2018-03-01","date_to":"soon"}"#, false),
        (#"{"id":"r1","kind":"shipment","date":"2018-03-01","date_to":20180401}"#, false),
        (#"{"id":"r1","kind":"shipment","date":"2018-03-01","date_to":["2018-04-01"]}"#, false),
        (#"{"id":"r1","kind":"shipment","date":"2018-03-01","date_to":null}"#, true),
        (#"{"id":"r1","kind":"shipment","date":"2018-03-01","date_to":"2018-03-01"}"#, true),
        (#"{"id":"r1","kind":"employment","date":"2016-01-31","date_to":"2019-12-19"}"#, true),
        (#"{"date_to":"2019-12-19","date":"2016-01-31","kind":"employment","id":"r1"}"#, true),
        (#"{"id":"r1","kind":"vessel_event","date":"2019-05-01","x":{"id":"other","kind":"nonsense"}}"#, true),
        (#"[{"id":"r1","kind":"shipment","date":"2018-03-01"}]"#, false),
        (#""r1""#, false), ("42", false), ("null", false), ("{}", false),
    ]

    @Test func documentRecordsAreTheRecordsTheValuePathAccepts() {
        var valid = 0
        for (line, expectedValid) in DocumentTests.headerLines {
            let (inSubset, document, value) = DocumentTests.headers(Array(line.utf8), line: 3)
            #expect(inSubset, "\(line)")
            #expect((value != nil) == expectedValid, "Record(value:) on \(line)")
            #expect((document != nil) == (value != nil), "\(line): document \(String(describing: document)), value \(String(describing: value))")
            #expect(document == value, "\(line)")
            if document != nil { valid += 1 }
        }
        #expect(valid == DocumentTests.headerLines.filter(\.valid).count)
        #expect(valid > 5 && valid < DocumentTests.headerLines.count - 20)
    }

    @Test func documentRecordsOfTheWorkloadAndTheTrickyLinesAreTheirRecords() throws {
        var lines = try DocumentTests.workload()
        for (offset, line) in FastPathTests.trickyLines.enumerated() { lines.append((bytes: Array(line.utf8), line: 10_000 + offset)) }
        var compared = 0, outside = 0, invalid = 0
        for (bytes, line) in lines {
            let (inSubset, document, value) = DocumentTests.headers(bytes, line: line)
            guard inSubset else {
                outside += 1
                continue
            }
            compared += 1
            #expect(document == value, "line \(line): \(String(decoding: bytes, as: UTF8.self))")
            if value == nil { invalid += 1 }
        }
        #expect(compared > 2_000)
        // The tricky lines with escapes (4), an exponent, duplicate members (2) and syntax
        // errors (2).
        #expect(outside == 9)
        // The invalid date and the top-level array among them.
        #expect(invalid == 2)
    }

    // MARK: 4. Truths

    @Test func truthsOnADocumentAreTheTruthsOnItsValue() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let valueCache = ScreeningCache(), documentCache = ScreeningCache()
        var compared = 0, held = 0, records = 0
        for (bytes, line) in try DocumentTests.workload() {
            let document = try #require(Document(bytes), "line \(line)")
            let record = try Record(value: bytes.withUnsafeBufferPointer { buffer in try JSONParser.parse(buffer) }, line: line)
            records += 1
            for (values, nodes) in [(nil, nil), (valueCache, documentCache)] as [(ScreeningCache?, ScreeningCache?)] {
                let (count, holding) = DocumentTests.compareTruths(record, document, rules: rulebook.rules,
                                                                   valueCache: values, documentCache: nodes)
                compared += count
                held += holding
            }
        }
        #expect(records == 2_000)
        // Both outcomes are exercised, not only the common "does not apply".
        #expect(compared > 50_000)
        #expect(held > 1_000)
    }

    /// The reasoned evaluation on a document (every condition of every rule, exemption and
    /// cap, and each goods item of a cap) is the one on the value: the same truth, facts and
    /// missing facts, in the same order and words. The caps' supplies rely on it.
    @Test func missingFactsOnADocumentAreTheReasonedEvaluationsFacts() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        var named = 0, unknown = 0
        var lines = try DocumentTests.workload()
        for rule in rulebook.rules {
            for (example, _) in rule.examples.all {
                lines.append((Array(DocumentTests.encode(example.record).utf8), 0))
            }
        }
        for (bytes, line) in lines {
            guard let value = DocumentTests.parse(bytes), let record = try? Record(value: value, line: line),
                  let document = Document(bytes) else { continue }
            let reasoned = Evaluator(record: record)
            document.withRoot { root in
                guard let header = DocumentRecord(root: root, line: line) else { return }
                let nodes = Reasoner(TruthEvaluator(root: root, date: header.date, periodEnd: header.periodEnd, cache: nil,
                                                    directions: header.directions))
                func compare(_ condition: Condition, _ node: DocumentNode, _ scope: Evaluator.Scope, _ name: String) {
                    let found = nodes.evaluate(condition, in: Reasoner.Scope(value: node, prefix: scope.prefix))
                    let expected = reasoned.evaluate(condition, in: scope)
                    #expect(found.truth == expected.truth, "\(name) on \(record.id)")
                    #expect(found.facts == expected.facts, "\(name) on \(record.id)")
                    #expect(found.missing == expected.missing, "\(name) on \(record.id)")
                    named += 1
                    if found.truth == .unknown { unknown += 1 }
                }
                let rootScope = Evaluator.Scope(value: record.value, prefix: "")
                for rule in rulebook.rules where rule.appliesTo.contains(record.kind) {
                    compare(rule.condition, root, rootScope, rule.id)
                    for exemption in rule.exemptions { compare(exemption.condition, root, rootScope, "\(rule.id) \(exemption.id)") }
                    guard let cap = rule.cap else { continue }
                    if let counts = cap.counts { compare(counts, root, rootScope, "\(rule.id) counts") }
                    guard let goods = root.member(static: "goods"), goods.isArray,
                          case .array(let items)? = record.value["goods"] else { continue }
                    var position = 0
                    _ = goods.forEachElement { item in
                        compare(cap.items, item, Evaluator.Scope(value: items[position], prefix: "goods[\(position)]"), "\(rule.id) items")
                        position += 1
                        return true
                    }
                }
            }
        }
        // Every condition is evaluated on the document, hundreds of them unknown.
        #expect(named > 50_000)
        #expect(unknown > 500)
    }

    @Test func truthsOnTheRuleExamplesAsDocumentsAreTheirTruthsAsValues() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let valueCache = ScreeningCache(), documentCache = ScreeningCache()
        var examples = 0, outside = 0, invalid = 0, compared = 0, held = 0
        for rule in rulebook.rules {
            for (example, _) in rule.examples.all {
                examples += 1
                let line = DocumentTests.encode(example.record)
                let bytes = Array(line.utf8)
                // The encoder writes what the parser reads back.
                let parsed = try #require(DocumentTests.parse(bytes), "\(rule.id): \(line)")
                #expect(DocumentTests.identical(parsed, example.record), "\(rule.id): \(line)")
                guard let document = Document(bytes) else {
                    outside += 1
                    continue
                }
                #expect(document.withRoot { DocumentTests.identical($0.value, example.record) }, "\(rule.id): \(line)")
                guard let record = try? Record(value: example.record, line: example.position.line) else {
                    invalid += 1
                    #expect(document.withRoot { DocumentRecord(root: $0, line: 0) } == nil, "\(rule.id): \(line)")
                    continue
                }
                for (values, nodes) in [(nil, nil), (valueCache, documentCache)] as [(ScreeningCache?, ScreeningCache?)] {
                    let (count, holding) = DocumentTests.compareTruths(record, document, rules: rulebook.rules,
                                                                       valueCache: values, documentCache: nodes)
                    compared += count
                    held += holding
                }
            }
        }
        #expect(examples > 200)
        // Most examples are plain ASCII without exponents; the others are the value path's.
        #expect(outside * 10 < examples, "\(outside) of \(examples) outside the subset")
        #expect(compared > 5_000)
        #expect(held > 500)
        #expect(invalid * 10 < examples, "\(invalid) of \(examples) not valid records")
    }

    /// The record with each member in turn `null` (a null member counts as absent), and each
    /// member of a nested object, and of the first object in a list; `id`, `kind` and `date` kept.
    static func nullVariants(_ value: Value) -> [Value] {
        guard case .object(let members) = value else { return [] }
        var variants: [Value] = []
        for key in members.keys.sorted() where !["id", "kind", "date"].contains(key) {
            guard let member = members[key] else { continue }
            var copy = members
            copy[key] = .null
            variants.append(.object(copy))
            var inner: [String: Value] = [:]
            var rebuild: ([String: Value]) -> Value = { .object($0) }
            switch member {
            case .object(let object): inner = object
            case .array(let elements):
                guard case .object(let first)? = elements.first else { continue }
                inner = first
                rebuild = { first in
                    var elements = elements
                    elements[0] = .object(first)
                    return .array(elements)
                }
            default: continue
            }
            for innerKey in inner.keys.sorted() {
                var object = inner
                object[innerKey] = .null
                copy = members
                copy[key] = rebuild(object)
                variants.append(.object(copy))
            }
        }
        return variants
    }

    /// Null members, and the tricky lines in the subset, on both paths: the same truths and verdicts.
    @Test func nullMembersAreAbsentOnADocumentAsOnAValue() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        let valueCache = ScreeningCache(), documentCache = ScreeningCache()
        var lines: [String] = FastPathTests.trickyLines
        for (bytes, _) in try DocumentTests.workload().prefix(60) {
            lines += DocumentTests.nullVariants(try #require(DocumentTests.parse(bytes))).map(DocumentTests.encode)
        }
        var records = 0, compared = 0, held = 0, nulls = 0
        for (position, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            guard let document = Document(bytes), let value = DocumentTests.parse(bytes),
                  let record = try? Record(value: value, line: position + 1) else { continue }
            records += 1
            if line.contains("null") { nulls += 1 }
            #expect(document.withRoot { DocumentTests.identical($0.value, value) }, "\(line)")
            for (values, nodes) in [(nil, nil), (valueCache, documentCache)] as [(ScreeningCache?, ScreeningCache?)] {
                let (count, holding) = DocumentTests.compareTruths(record, document, rules: rulebook.rules,
                                                                   valueCache: values, documentCache: nodes)
                compared += count
                held += holding
            }
            let expected = ResultJSON.encode(engine.assess(record, cache: valueCache, detail: .verdicts))
            let verdicts = document.withRoot { root in
                DocumentRecord(root: root, line: position + 1).flatMap { engine.assess($0, cache: documentCache, detail: .verdicts) }
            }
            #expect(verdicts.map(ResultJSON.encode) == expected, "\(line)")
        }
        #expect(nulls > 500)
        #expect(records > nulls)
        #expect(compared > 20_000)
        #expect(held > 500)
    }

    // MARK: 5. The engine

    @Test func theEngineJudgesADocumentAsItJudgesItsValue() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        let valueCache = ScreeningCache(), documentCache = ScreeningCache()
        var judged = 0, clear = 0, withReasons = 0, findings = 0, facts = 0, missing = 0
        for (bytes, line) in try DocumentTests.workload() {
            let document = try #require(Document(bytes), "line \(line)")
            let record = try Record(value: bytes.withUnsafeBufferPointer { buffer in try JSONParser.parse(buffer) }, line: line)
            let expected = engine.assess(record, cache: valueCache, detail: .verdicts)
            let reasoned = engine.assess(record, cache: valueCache, detail: .reasons)
            let judgements = document.withRoot { root -> (verdicts: RecordResult, reasons: RecordResult)? in
                guard let header = DocumentRecord(root: root, line: line) else { return nil }
                return (engine.assess(header, cache: documentCache, detail: .verdicts),
                        engine.assess(header, cache: documentCache, detail: .reasons))
            }
            guard let (verdicts, reasons) = judgements else {
                Issue.record("line \(line): no document record")
                continue
            }
            judged += 1
            findings += expected.findings.count
            #expect(verdicts.outcome == expected.outcome, "line \(line)")
            #expect(verdicts.findings.map { "\($0.rule) \($0.verdict.rawValue)" } == expected.findings.map { "\($0.rule) \($0.verdict.rawValue)" },
                    "line \(line)")
            #expect(ResultJSON.encode(verdicts) == ResultJSON.encode(expected), "line \(line)")
            #expect(verdicts.id == record.id && verdicts.line == line)
            // With their reasons, the findings on the document are those on the value: the
            // same facts at the same paths, missing facts, messages and exemptions.
            #expect(ResultJSON.encode(reasons) == ResultJSON.encode(reasoned), "line \(line)")
            #expect(reasons.outcome == expected.outcome, "line \(line)")
            if reasoned.findings.isEmpty {
                clear += 1
            } else {
                withReasons += 1
                facts += reasons.findings.reduce(0) { $0 + $1.because.count }
                missing += reasons.findings.reduce(0) { $0 + $1.missing.count }
            }
        }
        #expect(judged == 2_000)
        #expect(clear > 100, "\(clear) clear")
        #expect(withReasons > 100, "\(withReasons) with findings judged with their reasons on the document")
        #expect(findings > 500)
        #expect(facts > 1_000 && missing > 1_000, "\(facts) facts and \(missing) missing facts compared")
    }

    /// Findings with their reasons on a document are those on its value, for every record
    /// the engine's tests know: the rule examples and the historical cases (exemptions,
    /// wind-downs, `period_end`, screening matches), the tricky lines and null members.
    @Test func reasonsOnADocumentAreThoseOnItsValue() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        let valueCache = ScreeningCache(), documentCache = ScreeningCache()
        var lines = try FastPathTests.records().map { DocumentTests.encode($0.value) } + FastPathTests.trickyLines
        for (bytes, _) in try DocumentTests.workload().prefix(60) {
            lines += DocumentTests.nullVariants(try #require(DocumentTests.parse(bytes))).map(DocumentTests.encode)
        }
        var compared = 0, findings = 0, exemptions = 0, messages = Set<String>()
        for (position, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            guard let document = Document(bytes), let value = DocumentTests.parse(bytes),
                  let record = try? Record(value: value, line: position + 1) else { continue }
            let expected = engine.assess(record, cache: valueCache, detail: .reasons)
            let reasons = document.withRoot { root in
                DocumentRecord(root: root, line: position + 1).map { engine.assess($0, cache: documentCache, detail: .reasons) }
            }
            guard let reasons else { continue }
            compared += 1
            findings += expected.findings.count
            exemptions += expected.findings.filter { $0.exemption != nil }.count
            for finding in expected.findings where finding.message.contains(record.periodEnd.description) { messages.insert(finding.rule) }
            #expect(ResultJSON.encode(reasons) == ResultJSON.encode(expected), "\(line)")
        }
        #expect(compared > 2_500, "\(compared) records compared")
        #expect(findings > 2_000 && exemptions > 50, "\(findings) findings, \(exemptions) with an exemption")
        #expect(messages.count >= 2, "messages naming the period's end: \(messages.sorted())")
    }

    /// The document's cap filter never passes over a record the value path counts.
    @Test func theDocumentCapFilterPassesOverOnlyRecordsThatDoNotCount() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let ledger = CapLedger(rulebook: rulebook)
        let filter = ledger.lineFilter
        let documents = DocumentReader()
        var counted = 0, passedOver = 0, onDocument = 0, namedMissing = 0
        for (bytes, line) in try DocumentTests.workload() {
            guard let document = Document(bytes), let value = DocumentTests.parse(bytes),
                  let record = try? Record(value: value, line: line) else { continue }
            let entries = CapLedger.entries(for: record, rules: ledger.cappedRules, key: CapLedger.Key(source: 0, index: line))
            let mayCount = document.withRoot { root in DocumentRecord(root: root, line: line).map { filter.mayCount($0) } }
            #expect(mayCount != nil, "line \(line)")
            if !entries.isEmpty {
                counted += 1
                #expect(mayCount == true, "line \(line) counts toward a cap but is passed over")
            }
            if mayCount == false { passedOver += 1 }
            // The first pass: the same entries from the document as from the value.
            let key = CapLedger.Key(source: 0, index: line)
            let supplies = bytes.withUnsafeBufferPointer {
                Run.supplies($0, documents: documents, filter: filter, rules: ledger.cappedRules, key: key)
            }
            // Every workload line is in the document's subset: its supplies come from its document.
            let found = try #require(supplies, "line \(line)")
            #expect(found == entries, "line \(line)")
            // A streamed first pass does not reason out what the caps' conditions lack, and
            // keeps the same supplies with the same amounts.
            let streamed = bytes.withUnsafeBufferPointer {
                Run.supplies($0, documents: documents, filter: filter, rules: ledger.cappedRules, key: key, namingMissing: false)
            }
            let reasoned = { (fact: MissingFact) in fact.need.hasPrefix("whether the") }
            #expect(streamed?.allSatisfy { !$0.unknown.contains(where: reasoned) } == true, "line \(line)")
            #expect(streamed?.map(\.withoutMissingFacts) == entries.map(\.withoutMissingFacts), "line \(line)")
            if entries.contains(where: { $0.unknown.contains(where: reasoned) }) { namedMissing += 1 }
            if mayCount == false { #expect(found.isEmpty, "line \(line)") }
            onDocument += found.isEmpty ? 0 : 1
        }
        #expect(counted > 50)
        // Most records of the workload that count leave their direction unknown (vessel events
        // without `to`): the facts they lack are named on their document too.
        #expect(onDocument == counted, "\(onDocument) of \(counted) counted on their document")
        #expect(passedOver > 1_000)
        #expect(namedMissing > 50, "supplies that cannot be counted: \(namedMissing)")
    }

    // MARK: 6. A run

    @Test func aRunOnDocumentsWritesWhatARunOnValuesWrites() throws {
        let rulebook = try #require(FastPathTests.rulebook)
        let engine = Engine(rulebook: rulebook)
        let input = Run.Input(path: Fixtures.path("Fixtures/bench/workload-2k.jsonl"), format: .jsonl)
        func output(_ detail: Engine.Detail, brief: Bool, threads: Int, streams: Bool,
                    documents: Bool) throws -> (lines: [String], summary: String, state: String?) {
            var lines: [String] = []
            var run = Run(engine: engine, inputs: [input], threads: threads, keepsState: !streams, keepsCapPoints: !streams,
                          detail: detail)
            run.judgesDocuments = documents
            let totals = try run.perform(render: { result in
                var json = JSONBytes()
                if brief { ResultJSON.writeBrief(result, to: &json) } else { ResultJSON.write(result, to: &json) }
                return String(decoding: json.bytes, as: UTF8.self)
            }) { _, line in lines.append(line) }
            return (lines, ResultJSON.encode(totals.summary), totals.state?.encoded())
        }
        var flagged = 0
        let modes: [(detail: Engine.Detail, brief: Bool)] = [(.reasons, false), (.verdicts, true), (.verdicts, false)]
        for (detail, brief) in modes {
            for streams in [true, false] {
                for threads in [1, 2] {
                    let context = "\(detail), brief \(brief), streaming \(streams), \(threads) threads"
                    let values = try output(detail, brief: brief, threads: threads, streams: streams, documents: false)
                    let documents = try output(detail, brief: brief, threads: threads, streams: streams, documents: true)
                    #expect(values.lines.count == 2_000, "\(context)")
                    #expect(documents.lines.count == values.lines.count, "\(context)")
                    for (position, (document, value)) in zip(documents.lines, values.lines).enumerated() where document != value {
                        Issue.record("\(context), record \(position + 1):\n  documents: \(document)\n  values:    \(value)")
                    }
                    #expect(documents.summary == values.summary, "\(context)")
                    #expect(documents.state == values.state, "\(context)")
                    #expect((values.state != nil) == !streams, "\(context)")
                    flagged = values.lines.filter { !$0.contains(#""outcome":"clear""#) }.count
                    #expect(values.lines.contains { $0.contains(#""cap":"#) }, "\(context): cap findings are compared")
                }
            }
        }
        #expect(flagged > 100)
    }
}

private extension CapLedger.Entry {
    /// The entry with no missing facts named: what a streamed first pass gives.
    var withoutMissingFacts: CapLedger.Entry {
        CapLedger.Entry(rule: rule, source: source, index: index, recordID: recordID, date: date, amounts: amounts,
                        unknown: [], uncounted: uncounted)
    }
}
