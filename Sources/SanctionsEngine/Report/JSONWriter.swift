/// Writes JSON text with keys in a fixed order, so the same results give the same bytes.
struct JSONWriter {
    private(set) var text = ""

    mutating func raw(_ piece: String) { text += piece }

    /// A JSON string literal: the escapes of ``JSONBytes/quote(_:)``, the one escaper.
    static func quote(_ string: String) -> String {
        var out = JSONBytes()
        out.quote(string)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// An object from ordered members; `nil` values are left out.
    static func object(_ members: [(String, String?)]) -> String {
        "{" + members.compactMap { key, value in value.map { quote(key) + ":" + $0 } }.joined(separator: ",") + "}"
    }

    static func array(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }

    static func number(_ value: Int) -> String { String(value) }
}

/// JSON written straight into UTF-8 bytes: the result stream's encoder. Same text as
/// ``JSONWriter`` (same escapes), without a string per value.
public struct JSONBytes: Sendable {
    /// What has been written.
    public var bytes: [UInt8] = []

    public init() {}

    /// Appends text as it is (punctuation, keys already quoted).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends already-encoded JSON.
    mutating func raw(_ text: String) {
        // From the string's contiguous bytes: appending its UTF-8 view goes byte by byte.
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// `"key":`, after a comma unless it is the first member.
    mutating func key(_ name: StaticString, first: inout Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func number(_ value: Int) {
        raw(String(value))
    }

    mutating func quoteOrNull(_ text: String?) {
        if let text { quote(text) } else { raw("null") }
    }

    /// A JSON string: `"`, `\\`, and control characters escaped (`\n`, `\r`, `\t`, else `\u00XX`).
    mutating func quote(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            var index = 0
            while index < utf8.count {
                // Runs of plain bytes are passed over eight at a time.
                index = JSONBytes.nextSpecial(in: utf8, from: index)
                guard index < utf8.count else { break }
                let byte = utf8[index]
                defer { index += 1 }
                if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case UInt8(ascii: "\n"): raw("\\n")
                case UInt8(ascii: "\r"): raw("\\r")
                case UInt8(ascii: "\t"): raw("\\t")
                default:
                    let hex = String(byte, radix: 16)
                    raw("\\u")
                    bytes.append(contentsOf: (String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                }
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The position of the first byte at or after `start` that a JSON string must escape
    /// (a quote, a backslash, a control character), or `utf8.count`, eight bytes at a time
    /// (``ByteWords``).
    static func nextSpecial(in utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        if let base = utf8.baseAddress {
            while index + 8 <= utf8.count {
                let word = ByteWords.load(base + index)
                let found = ByteWords.equal(word, UInt8(ascii: "\"")) | ByteWords.equal(word, UInt8(ascii: "\\"))
                    | ByteWords.control(word)
                if found != 0 { return index + ByteWords.firstFlagged(found) }
                index += 8
            }
        }
        while index < utf8.count {
            let byte = utf8[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            index += 1
        }
        return index
    }

    /// `[a,b,…]`, each element written by `write`.
    mutating func array<Element>(_ elements: [Element], _ write: (Element, inout JSONBytes) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (position, element) in elements.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            write(element, &self)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
