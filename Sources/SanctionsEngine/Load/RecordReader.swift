/// Reads records from files or standard input in any ``RecordFormat``, one
/// ``RawRecord`` at a time and in input order. A record that cannot be read becomes a
/// `RawRecord` with an error naming its line; reading goes on with the next one.
/// JSON Lines and CSV are streamed in bounded memory; JSON and YAML are read whole.
public enum RecordReader {
    /// Reads `path` (`-` for standard input) and calls `body` with each record.
    public static func read(path: String, format: RecordFormat,
                            _ body: (RawRecord) throws -> Void) throws {
        try read(LineSource(path: path), format: format, file: path, body)
    }

    /// Reads every line of a JSON Lines file (`-` for standard input) into the flat tape
    /// most records are judged on (a document: no dictionary, string or number built) and
    /// returns how many lines were read so, and how many fell outside its plain subset (or
    /// were not valid JSON) and would be parsed in full instead: what `sanctions bench
    /// --parsers` times beside the full parser. Throws the reader's `InputError` for a file
    /// that cannot be read.
    public static func readDocuments(path: String) throws -> (documents: Int, others: Int) {
        let reader = DocumentReader()
        var documents = 0, others = 0
        try readChunks(path: path, format: .jsonl, records: 512, bytes: 4 << 20) { chunk in
            chunk.bytes.withUnsafeBufferPointer { bytes in
                for unit in chunk.units {
                    guard case .jsonLine(let range, _) = unit,
                          reader.read(UnsafeBufferPointer(rebasing: bytes[range]), { $0.kind == .object }) == true else {
                        others += 1
                        continue
                    }
                    documents += 1
                }
            }
        }
        return (documents, others)
    }

    /// Reads records from text already in memory (tests, the library API).
    public static func read(text: String, format: RecordFormat, _ body: (RawRecord) throws -> Void) throws {
        try read(bytes: Array(text.utf8), format: format, body)
    }

    /// Reads records from bytes in memory, handed to the readers `chunkSize` bytes at a
    /// time (tests and the fuzz targets vary it: the records must not change).
    static func read(bytes: [UInt8], format: RecordFormat, chunkSize: Int = LineSource.defaultChunkSize,
                     _ body: (RawRecord) throws -> Void) throws {
        try read(LineSource(bytes: bytes, chunkSize: chunkSize), format: format, file: "<text>", body)
    }

    static func read(_ source: LineSource, format: RecordFormat, file: String,
                     _ body: (RawRecord) throws -> Void) throws {
        switch format {
        case .jsonl:
            try readLines(source, body)
        case .json:
            var bytes = try source.readAll()
            stripByteOrderMark(&bytes)
            try readJSONArray(bytes, body)
        case .yaml:
            var bytes = try source.readAll()
            stripByteOrderMark(&bytes)
            try readYAML(bytes, file: file, body)
        case .csv:
            try CSVReader(source: source).read(body)
        }
    }

    /// A record as the reader hands it on: a JSON line not yet parsed (parsing is left to
    /// whichever worker assesses it), as the range of its bytes in its ``Chunk``, or a
    /// record another reader has parsed.
    enum Unit: Sendable {
        case jsonLine(Range<Int>, line: Int)
        case parsed(RawRecord)
    }

    /// Records read one after another: the units, and the bytes of their JSON lines in one
    /// buffer (one allocation for them all, not one per line).
    struct Chunk: Sendable {
        var bytes: [UInt8] = []
        var units: [Unit] = []

        /// The record of a unit, parsed if need be.
        func record(_ unit: Unit) -> RawRecord {
            switch unit {
            case .jsonLine(let range, let line):
                bytes.withUnsafeBufferPointer { RecordReader.jsonLine(UnsafeBufferPointer(rebasing: $0[range]), line: line) }
            case .parsed(let raw): raw
            }
        }
    }

    /// Reads `path` like ``read(path:format:_:)`` but leaves JSON lines unparsed, in chunks of
    /// up to `records` records, a chunk handed on early once its JSON lines reach `bytes`.
    static func readChunks(path: String, format: RecordFormat, records: Int, bytes limit: Int,
                           _ body: (Chunk) throws -> Void) throws {
        let source = try LineSource(path: path)
        var units: [Unit] = []
        var bytes: [UInt8] = []
        func handOn(_ bytes: inout [UInt8]) throws {
            try body(Chunk(bytes: bytes, units: units))
            units.removeAll(keepingCapacity: true)
            // A buffer of its own for the next chunk (the one handed on is its reader's now),
            // with room for a quarter more than the last one held: a chunk a little longer
            // than the last would otherwise be copied whole into a buffer twice the size.
            let used = bytes.count
            bytes = []
            bytes.reserveCapacity(used + used / 4)
        }
        if format == .jsonl {
            try readLines(source, into: &bytes) { unit, bytes in
                units.append(unit)
                if units.count >= records || bytes.count >= limit { try handOn(&bytes) }
            }
        } else {
            try read(source, format: format, file: path) { raw in
                units.append(.parsed(raw))
                if units.count >= records { try handOn(&bytes) }
            }
        }
        if !units.isEmpty { try handOn(&bytes) }
    }

    /// The JSON Lines reader: one record per non-blank line, an error for an over-long one.
    private static func readLines(_ source: LineSource, _ body: (RawRecord) throws -> Void) throws {
        var bytes: [UInt8] = []
        try readLines(source, into: &bytes) { unit, bytes in
            let raw = Chunk(bytes: bytes, units: []).record(unit)
            bytes.removeAll(keepingCapacity: true)
            try body(raw)
        }
    }

    /// The JSON Lines reader: one unit per non-blank line, its bytes appended to `bytes`
    /// (which `body` may empty or replace), an error for an over-long one.
    private static func readLines(_ source: LineSource, into bytes: inout [UInt8],
                                  _ body: (Unit, inout [UInt8]) throws -> Void) throws {
        var first = true
        while let line = try source.nextLine(appendingTo: &bytes) {
            switch line {
            case .tooLong:
                first = false
                try body(.parsed(RawRecord(line: source.lineNumber, value: .failure(RecordError(
                    line: source.lineNumber, id: nil,
                    message: "the line is longer than \(LineSource.maxLineBytes / 1_048_576) MiB: one record per line")))), &bytes)
            case .text(let appended):
                var range = appended
                if first {
                    if range.count >= 3, bytes[range.lowerBound] == 0xEF, bytes[range.lowerBound + 1] == 0xBB,
                       bytes[range.lowerBound + 2] == 0xBF {
                        range = range.lowerBound + 3..<range.upperBound
                    }
                    first = false
                }
                if bytes[range].allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
                    bytes.removeSubrange(appended)
                    continue
                }
                try body(.jsonLine(range, line: source.lineNumber), &bytes)
            }
        }
    }

    static func stripByteOrderMark(_ bytes: inout [UInt8]) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bytes.removeFirst(3) }
    }

    static func jsonLine(_ buffer: UnsafeBufferPointer<UInt8>, line: Int) -> RawRecord {
        do throws(JSONParser.Failure) {
            return RawRecord(line: line, value: .success(try JSONParser.parse(buffer)))
        } catch {
            let column = JSONParser.position(of: error.offset, in: buffer).column
            return RawRecord(line: line, value: .failure(RecordError(
                line: line, id: salvageID(buffer), message: "not valid JSON at column \(column): \(error.message)")))
        }
    }

    /// The `"id"` of a broken JSON line, when it can be picked out, so the error names it.
    static func salvageID(_ buffer: UnsafeBufferPointer<UInt8>) -> String? {
        let text = String(decoding: buffer, as: UTF8.self)
        guard let key = text.range(of: "\"id\"") else { return nil }
        var rest = text[key.upperBound...].drop(while: { $0 == " " || $0 == ":" })
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        let id = String(rest[..<end])
        return id.isEmpty || id.count > 200 ? nil : id
    }

    static func readJSONArray(_ bytes: [UInt8], _ body: (RawRecord) throws -> Void) throws {
        // An empty file (or only white space) holds no records.
        if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { return }
        var pending: [RawRecord] = []
        bytes.withUnsafeBufferPointer { buffer in
            var lastOffset = 0
            var lastLine = 1
            func lineOf(_ offset: Int) -> Int {
                // Incremental: offsets mostly grow (after a syntax error reading may resume
                // inside the broken element, behind the error).
                let target = min(max(offset, 0), buffer.count)
                if target >= lastOffset {
                    for index in lastOffset..<target where buffer[index] == 10 { lastLine += 1 }
                } else {
                    for index in target..<lastOffset where buffer[index] == 10 { lastLine -= 1 }
                }
                lastOffset = target
                return lastLine
            }
            JSONParser.parseArray(buffer) { item in
                switch item {
                case .value(let offset, let value):
                    pending.append(RawRecord(line: lineOf(offset), value: .success(value)))
                case .failure(let failure, let start, let resumedAt):
                    // The record's first line, as for every result; the message says where it broke.
                    let line = lineOf(start)
                    let failureLine = lineOf(failure.offset)
                    var column = 1
                    var index = min(failure.offset, buffer.count)
                    while index > 0, buffer[index - 1] != 10 {
                        index -= 1
                        if buffer[index] & 0xC0 != 0x80 { column += 1 }
                    }
                    let end = min(resumedAt ?? buffer.count, buffer.count)
                    let id = start < end ? salvageID(UnsafeBufferPointer(rebasing: buffer[start..<end])) : nil
                    var after = "no record could be found after it"
                    if let resumedAt {
                        after = "reading resumed at line \(lineOf(resumedAt))"
                    }
                    pending.append(RawRecord(line: line, value: .failure(RecordError(
                        line: line, id: id,
                        message: "not valid JSON at line \(failureLine), column \(column): \(failure.message); \(after)"))))
                }
            }
        }
        for record in pending { try body(record) }
    }

    /// A YAML file is parsed whole (anchors may be shared between records). When that
    /// fails, it is cut into documents (`---` lines) and each document that still fails
    /// and is a block sequence into its items (lines starting with `-` at column 1), each
    /// parsed alone: only the broken part becomes an error result.
    static func readYAML(_ bytes: [UInt8], file: String, _ body: (RawRecord) throws -> Void) throws {
        try readYAMLPart(bytes[...], firstLine: 1, file: file, split: .documents, body)
    }

    enum YAMLSplit { case documents, items, none }

    static func readYAMLPart(_ bytes: ArraySlice<UInt8>, firstLine: Int, file: String, split: YAMLSplit,
                             _ body: (RawRecord) throws -> Void) throws {
        let failure: String
        switch parseYAML(bytes, firstLine: firstLine, file: file) {
        case .success(let documents):
            for document in documents {
                if case .sequence(let elements) = document.content {
                    for element in elements { try body(yamlRecord(element)) }
                } else if !document.isNull {
                    try body(yamlRecord(document))
                }
            }
            return
        case .failure(let error):
            failure = error.column > 0 ? "\(error.message) (line \(error.line), column \(error.column))" : error.message
        }
        let parts = split == .none ? [] : yamlParts(bytes, firstLine: firstLine, split: split)
        if parts.count > 1 || (split == .documents && parts.count == 1) {
            for part in parts {
                try readYAMLPart(part.bytes, firstLine: part.line, file: file, split: split == .documents ? .items : .none, body)
            }
            return
        }
        try body(RawRecord(line: firstLine, value: .failure(RecordError(line: firstLine, id: nil, message: failure))))
    }

    /// The documents of a YAML file (cut at lines starting with `---`; a `...` line ends
    /// one), or the items of a top-level block sequence (cut at lines starting with `-`
    /// then a space or the line end), each with its first line. Comment and directive
    /// lines before the first part stay with it.
    static func yamlParts(_ bytes: ArraySlice<UInt8>, firstLine: Int, split: YAMLSplit) -> [(bytes: ArraySlice<UInt8>, line: Int)] {
        var parts: [(bytes: ArraySlice<UInt8>, line: Int)] = []
        var partStart = bytes.startIndex
        var partLine = firstLine
        var line = firstLine
        var index = bytes.startIndex
        var sawContent = false
        while index < bytes.endIndex {
            var lineEnd = index
            while lineEnd < bytes.endIndex, bytes[lineEnd] != 10 { lineEnd += 1 }
            let content = bytes[index..<lineEnd]
            func starts(_ marker: UInt8, count: Int) -> Bool {
                guard content.count >= count, content.prefix(count).allSatisfy({ $0 == marker }) else { return false }
                let after = content.dropFirst(count).first
                return after == nil || after == 32 || after == 9 || after == 13
            }
            let isCut = split == .documents ? starts(UInt8(ascii: "-"), count: 3) : starts(UInt8(ascii: "-"), count: 1)
            let isEnd = split == .documents && starts(UInt8(ascii: "."), count: 3)
            if isCut && sawContent {
                parts.append((bytes[partStart..<index], partLine))
                partStart = index
                partLine = line
            }
            let blank = content.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 } || content.first == UInt8(ascii: "#")
                || content.first == UInt8(ascii: "%")
            if isCut || !blank { sawContent = true }
            index = min(lineEnd + 1, bytes.endIndex)
            line += 1
            if isEnd {
                parts.append((bytes[partStart..<index], partLine))
                partStart = index
                partLine = line
                sawContent = false
            }
        }
        if partStart < bytes.endIndex, sawContent { parts.append((bytes[partStart..<bytes.endIndex], partLine)) }
        return parts
    }

    static func parseYAML(_ bytes: ArraySlice<UInt8>, firstLine: Int, file: String) -> Result<[SyntaxNode], YAMLSyntax.Failure> {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(YAMLSyntax.Failure(line: firstLine, column: 0, message: "the text is not valid UTF-8"))
        }
        do throws(YAMLSyntax.Failure) {
            return .success(try YAMLSyntax.documents(text, file: file, lineOffset: firstLine - 1))
        } catch {
            return .failure(error)
        }
    }

    static func yamlRecord(_ node: SyntaxNode) -> RawRecord {
        RawRecord(line: node.position.line, value: .success(node.value))
    }
}
