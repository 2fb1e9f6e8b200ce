/// A strict JSON parser (RFC 8259) producing ``Value``, with the line and column of
/// every error and bounded nesting. The engine's own, so that errors point into the
/// user's file and numbers, booleans and strings keep their JSON types.
struct JSONParser {
    /// Deepest nesting accepted; deeper input is rejected rather than risking the stack.
    static let maxDepth = 64

    struct Failure: Error, Sendable, Equatable {
        let offset: Int
        let message: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses exactly one JSON value (surrounding white space allowed).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Value {
        var parser = JSONParser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.parseValue(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.fail("unexpected text after the JSON value") }
        return value
    }

    static func parse(_ text: String) throws(Failure) -> Value {
        var copy = Array(text.utf8)
        return try copy.withUnsafeMutableBufferPointer { buffer throws(Failure) in
            try parse(UnsafeBufferPointer(buffer))
        }
    }

    /// One element of a top-level array: its value, or the syntax error that stopped
    /// it with where reading resumed (nil: no further record could be found).
    enum ArrayItem {
        case value(offset: Int, Value)
        case failure(Failure, start: Int, resumedAt: Int?)
    }

    /// Parses a top-level JSON array element by element, in order. After a syntax error
    /// reading resumes at the next record (``resynchronise``), so one broken record does
    /// not lose the ones after it.
    static func parseArray(_ bytes: UnsafeBufferPointer<UInt8>, item: (ArrayItem) -> Void) {
        var parser = JSONParser(bytes: bytes)
        parser.skipSpace()
        guard parser.peek == UInt8(ascii: "[") else {
            item(.failure(parser.fail("expected a JSON array of records ('[' … ']')"), start: parser.index, resumedAt: nil))
            return
        }
        parser.index += 1
        parser.skipSpace()
        if parser.peek == UInt8(ascii: "]") {
            parser.index += 1
            parser.finishArray(item)
            return
        }
        while true {
            parser.skipSpace()
            let start = parser.index
            let failure: Failure
            let elementStart: Int
            let minimum: Int
            do {
                let value = try parser.parseValue(depth: 1)
                item(.value(offset: start, value))
                parser.skipSpace()
                guard let byte = parser.peek else {
                    item(.failure(parser.fail("the array is not closed: expected ',' or ']'"), start: parser.index, resumedAt: nil))
                    return
                }
                parser.index += 1
                if byte == UInt8(ascii: "]") {
                    parser.finishArray(item)
                    return
                }
                if byte == UInt8(ascii: ",") { continue }
                parser.index -= 1
                failure = parser.fail("expected ',' or ']' after an array element")
                elementStart = parser.index
                minimum = parser.index
            } catch {
                failure = error
                elementStart = start
                minimum = start + 1
            }
            let resumed = resynchronise(bytes, elementStart: elementStart, minimum: minimum)
            item(.failure(failure, start: elementStart, resumedAt: resumed))
            guard let resumed else { return }
            parser.index = resumed
        }
    }

    private mutating func finishArray(_ item: (ArrayItem) -> Void) {
        skipSpace()
        if index != bytes.count { item(.failure(fail("unexpected text after the array"), start: index, resumedAt: nil)) }
    }

    /// Where the next record starts after a syntax error in the element at `elementStart`
    /// (at or after `minimum`): the next `{` at the array's own level (brackets counted,
    /// strings skipped), found before the next line that starts with `{` no more
    /// indented than the broken element's line; else that line; else nil. Linear: the
    /// scan stops at that line.
    static func resynchronise(_ bytes: UnsafeBufferPointer<UInt8>, elementStart: Int, minimum: Int) -> Int? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        var lineStart = min(elementStart, bytes.count)
        while lineStart > 0, bytes[lineStart - 1] != 10 { lineStart -= 1 }
        var indent = 0
        while lineStart + indent < bytes.count, isSpace(bytes[lineStart + indent]) { indent += 1 }
        // The next line starting with `{`, no deeper than the broken element's line.
        var lineCandidate: Int?
        var index = elementStart
        while index < bytes.count {
            if bytes[index] == 10 {
                var column = index + 1
                while column < bytes.count, isSpace(bytes[column]) { column += 1 }
                if column < bytes.count, column >= minimum, bytes[column] == UInt8(ascii: "{"), column - index - 1 <= indent {
                    lineCandidate = column
                    break
                }
                index = column
                continue
            }
            index += 1
        }
        let limit = lineCandidate ?? bytes.count
        var depth = 1
        var inString = false
        var escaped = false
        index = elementStart
        while index < limit {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"):
                    if depth == 1, index >= minimum { return index }
                    depth += 1
                case UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return lineCandidate }
                default: break
                }
            }
            index += 1
        }
        return lineCandidate
    }

    /// Line and column (1-based) of a byte offset.
    static func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1, column = 1
        var index = 0
        while index < min(offset, bytes.count) {
            if bytes[index] == 10 { line += 1; column = 1 } else if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return (line, column)
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func fail(_ message: String) -> Failure { Failure(offset: index, message: message) }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> Value {
        guard let byte = peek else { throw fail("expected a value, found the end of the input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArrayValue(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            throw fail("expected a value (object, array, string, number, true, false or null), found \(describe(byte))")
        }
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + Swift.String(byte, radix: 16)
    }

    private mutating func expectWord(_ word: StaticString) throws(Failure) {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw fail("expected '\(word)'") }
        let start = word.utf8Start
        for offset in 0..<length where bytes[index + offset] != start[offset] {
            throw fail("expected '\(word)'")
        }
        index += length
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> Value {
        guard depth <= JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth) levels") }
        index += 1
        var members: [Swift.String: Value] = [:]
        // Records' objects have a handful of members: one allocation, no rehashing.
        members.reserveCapacity(8)
        skipSpace()
        if peek == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
            let key = try parseString()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after the member name \"\(key)\"") }
            index += 1
            skipSpace()
            let value = try parseValue(depth: depth)
            if members.updateValue(value, forKey: key) != nil {
                throw fail("the member \"\(key)\" appears twice in one object")
            }
            skipSpace()
            guard let byte = peek else { throw fail("the object is not closed: expected ',' or '}'") }
            index += 1
            if byte == UInt8(ascii: "}") { return .object(members) }
            guard byte == UInt8(ascii: ",") else { index -= 1; throw fail("expected ',' or '}' in an object") }
        }
    }

    private mutating func parseArrayValue(depth: Int) throws(Failure) -> Value {
        guard depth <= JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth) levels") }
        index += 1
        var elements: [Value] = []
        skipSpace()
        if peek == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipSpace()
            elements.append(try parseValue(depth: depth))
            skipSpace()
            guard let byte = peek else { throw fail("the array is not closed: expected ',' or ']'") }
            index += 1
            if byte == UInt8(ascii: "]") { return .array(elements) }
            guard byte == UInt8(ascii: ",") else { index -= 1; throw fail("expected ',' or ']' in an array") }
        }
    }

    private mutating func parseNumber() throws(Failure) -> Double {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, first >= 48, first <= 57 else { throw fail("expected a digit in the number") }
        if first == 48 {
            index += 1
        } else {
            while let byte = peek, byte >= 48, byte <= 57 { index += 1 }
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard let byte = peek, byte >= 48, byte <= 57 else { throw fail("expected a digit after the decimal point") }
            while let byte = peek, byte >= 48, byte <= 57 { index += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek, byte >= 48, byte <= 57 else { throw fail("expected a digit in the exponent") }
            while let byte = peek, byte >= 48, byte <= 57 { index += 1 }
        }
        let text = Swift.String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            index = start
            throw fail("the number \(text) is too large to represent")
        }
        return number
    }

    private mutating func parseString() throws(Failure) -> Swift.String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes.
        var high: UInt8 = 0
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 {
            high |= byte
            index += 1
        }
        if peek == UInt8(ascii: "\"") {
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            // ASCII needs no validation (most record text is ASCII).
            if high < 0x80 { return Swift.String(decoding: slice, as: UTF8.self) }
            return try decodeUTF8(slice, at: start)
        }
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while true {
            guard let byte = peek else { throw fail("the string is not closed: expected '\"'") }
            if byte == UInt8(ascii: "\"") { index += 1; break }
            if byte < 0x20 { throw fail("control character in a string: escape it (\\n, \\t, \\u00XX)") }
            if byte != UInt8(ascii: "\\") { scalars.append(byte); index += 1; continue }
            index += 1
            guard let escape = peek else { throw fail("the string ends inside an escape") }
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append(0x22)
            case UInt8(ascii: "\\"): scalars.append(0x5C)
            case UInt8(ascii: "/"): scalars.append(0x2F)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"):
                var code = try parseHex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate in a \\u escape")
                    }
                    index += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in a \\u escape") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw fail("unpaired surrogate in a \\u escape")
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                scalars.append(contentsOf: Array(Swift.String(Character(scalar)).utf8))
            default:
                index -= 1
                throw fail("unknown escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
            }
        }
        return try scalars.withUnsafeBufferPointer { buffer throws(Failure) in try decodeUTF8(buffer, at: start) }
    }

    private func decodeUTF8(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Failure) -> Swift.String {
        guard let text = Swift.String(validating: buffer, as: UTF8.self) else {
            throw Failure(offset: offset, message: "the string is not valid UTF-8")
        }
        return text
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("expected four hex digits after \\u") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: throw fail("expected four hex digits after \\u")
            }
            code = code * 16 + digit
            index += 1
        }
        return code
    }
}
