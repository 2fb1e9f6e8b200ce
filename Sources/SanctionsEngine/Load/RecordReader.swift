/// Reads records from files or standard input in any ``RecordFormat``, one
/// ``RawRecord`` at a time and in input order. A record that cannot be read becomes a
/// `RawRecord` with an error naming its line; reading goes on with the next one.
/// JSON Lines and CSV are streamed in bounded memory; JSON and YAML are read whole.
public enum RecordReader {
    /// Reads `path` (`-` for standard input) and calls `body` with each record.
    public static func read(path: String, format: RecordFormat,
                            _ body: (RawRecord) throws -> Void) throws {
        switch format {
        case .jsonl:
            let source = try LineSource(path: path)
            var first = true
            while let line = try source.nextLine() {
                switch line {
                case .tooLong:
                    try body(RawRecord(line: source.lineNumber, value: .failure(RecordError(
                        line: source.lineNumber, id: nil,
                        message: "the line is longer than \(LineSource.maxLineBytes / 1_048_576) MiB: one record per line"))))
                case .text(var bytes):
                    if first { stripByteOrderMark(&bytes); first = false }
                    if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
                    try body(jsonLine(bytes, line: source.lineNumber))
                }
            }
        case .json:
            var bytes = try LineSource(path: path).readAll()
            stripByteOrderMark(&bytes)
            try readJSONArray(bytes, body)
        case .yaml:
            var bytes = try LineSource(path: path).readAll()
            stripByteOrderMark(&bytes)
            try readYAML(bytes, file: path, body)
        case .csv:
            try CSVReader(source: LineSource(path: path)).read(body)
        }
    }

    /// Reads records from text already in memory (tests, the library API).
    public static func read(text: String, format: RecordFormat, _ body: (RawRecord) throws -> Void) throws {
        switch format {
        case .jsonl:
            var lineNumber = 0
            // Split bytes, not Characters: "\r\n" is one Character in Swift.
            for line in Array(text.utf8).split(separator: 10, omittingEmptySubsequences: false) {
                lineNumber += 1
                var bytes = Array(line)
                if lineNumber == 1 { stripByteOrderMark(&bytes) }
                if bytes.last == 13 { bytes.removeLast() }
                if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
                try body(jsonLine(bytes, line: lineNumber))
            }
        case .json:
            var bytes = Array(text.utf8)
            stripByteOrderMark(&bytes)
            try readJSONArray(bytes, body)
        case .yaml:
            var bytes = Array(text.utf8)
            stripByteOrderMark(&bytes)
            try readYAML(bytes, file: "<text>", body)
        case .csv:
            try CSVReader(text: text).read(body)
        }
    }

    static func stripByteOrderMark(_ bytes: inout [UInt8]) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bytes.removeFirst(3) }
    }

    static func jsonLine(_ bytes: [UInt8], line: Int) -> RawRecord {
        bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParser.Failure) {
                return RawRecord(line: line, value: .success(try JSONParser.parse(buffer)))
            } catch {
                let column = JSONParser.position(of: error.offset, in: buffer).column
                return RawRecord(line: line, value: .failure(RecordError(
                    line: line, id: salvageID(buffer), message: "not valid JSON at column \(column): \(error.message)")))
            }
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
        var pending: [RawRecord] = []
        let failure: (line: Int, message: String)? = bytes.withUnsafeBufferPointer { buffer in
            var lastOffset = 0
            var lastLine = 1
            func lineOf(_ offset: Int) -> Int {
                // Incremental: offsets only grow.
                for index in lastOffset..<min(offset, buffer.count) where buffer[index] == 10 { lastLine += 1 }
                lastOffset = max(lastOffset, offset)
                return lastLine
            }
            let failure = JSONParser.parseArray(buffer) { offset, value in
                pending.append(RawRecord(line: lineOf(offset), value: .success(value)))
            }
            return failure.map { (lineOf($0.offset), $0.message) }
        }
        for record in pending { try body(record) }
        if let failure {
            try body(RawRecord(line: failure.line, value: .failure(RecordError(
                line: failure.line, id: nil,
                message: "not valid JSON: \(failure.message); the records after this point could not be read"))))
        }
    }

    static func readYAML(_ bytes: [UInt8], file: String, _ body: (RawRecord) throws -> Void) throws {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            try body(RawRecord(line: 1, value: .failure(RecordError(line: 1, id: nil, message: "the file is not valid UTF-8"))))
            return
        }
        let documents: [SyntaxNode]
        do {
            documents = try YAMLSyntax.documents(text, file: file)
        } catch {
            try body(RawRecord(line: error.line, value: .failure(RecordError(
                line: error.line, id: nil, message: "\(error.message) (column \(error.column)); the records in this file could not be read"))))
            return
        }
        for document in documents {
            if case .sequence(let elements) = document.content {
                for element in elements { try body(yamlRecord(element)) }
            } else if !document.isNull {
                try body(yamlRecord(document))
            }
        }
    }

    static func yamlRecord(_ node: SyntaxNode) -> RawRecord {
        RawRecord(line: node.position.line, value: .success(node.value))
    }
}
