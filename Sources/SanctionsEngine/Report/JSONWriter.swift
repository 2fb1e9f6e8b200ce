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
    /// Room for the bytes: the first `count` are written, the rest are spare. Appending
    /// copies into it directly (`Array.append(contentsOf:)` cost about a hundred
    /// instructions a call, and a result is written in a few dozen calls).
    private var storage: [UInt8]
    private var count = 0

    /// What has been written.
    public var bytes: [UInt8] {
        get { Array(storage[..<count]) }
        set {
            storage = newValue
            count = newValue.count
        }
    }

    /// An empty encoder (it makes room as it writes).
    public init() {
        storage = []
    }

    /// An encoder with room for `capacity` bytes before it grows.
    public init(capacity: Int) {
        storage = JSONBytes.room(capacity, keeping: [])
    }

    /// What has been written, leaving the encoder empty (without copying the bytes).
    public mutating func take() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &storage)
        taken.removeLast(taken.count - count)
        count = 0
        return taken
    }

    /// Makes room for `more` bytes after the written ones.
    @inline(__always)
    private mutating func reserve(_ more: Int) {
        if count + more > storage.count { grow(count + more) }
    }

    private mutating func grow(_ needed: Int) {
        storage = JSONBytes.room(max(needed, 2 * storage.count, 256), keeping: storage[..<count])
    }

    /// `count` bytes, starting with `kept` and zero after them (set with `memset` and
    /// `memcpy`, not a byte at a time as `Array(repeating:count:)` sets them).
    private static func room(_ count: Int, keeping kept: ArraySlice<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let copied = buffer.initialize(fromContentsOf: kept)
            UnsafeMutableBufferPointer(rebasing: buffer[copied...]).initialize(repeating: 0)
            initialized = count
        }
    }

    /// Appends `length` bytes from `source`.
    @inline(__always)
    private mutating func append(_ source: UnsafePointer<UInt8>?, _ length: Int) {
        guard length > 0, let source else { return }
        reserve(length)
        let at = count
        storage.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { ($0 + at).update(from: source, count: length) }
        }
        count += length
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        append(buffer.baseAddress, buffer.count)
    }

    /// Appends text as it is (punctuation, keys already quoted).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// Appends already-encoded JSON held in a string (a literal goes to ``raw(_:)``, as a
    /// `StaticString`: named apart so that literals cannot pick this one).
    mutating func raw(string text: String) {
        // From the string's contiguous bytes: appending its UTF-8 view goes byte by byte.
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Appends already-encoded JSON, in bytes.
    mutating func raw(_ encoded: [UInt8]) {
        encoded.withUnsafeBufferPointer { append($0) }
    }

    /// `"key":`, after a comma unless it is the first member.
    mutating func key(_ name: StaticString, first: inout Bool) {
        let comma = !first
        first = false
        write(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount),
              before: comma ? ",\"" : "\"", after: "\":")
    }

    /// Appends `before`, `bytes` and `after` at once: one check for room, one write (a
    /// result is mostly short pieces, and each append on its own cost a few dozen
    /// instructions).
    @inline(__always)
    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>, before: StaticString, after: StaticString) {
        let head = before.utf8CodeUnitCount, tail = after.utf8CodeUnitCount, length = head + bytes.count + tail
        reserve(length)
        let at = count
        storage.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var position = base + at
            position.update(from: before.utf8Start, count: head)
            position += head
            if let source = bytes.baseAddress { position.update(from: source, count: bytes.count) }
            position += bytes.count
            position.update(from: after.utf8Start, count: tail)
        }
        count += length
    }

    mutating func number(_ value: Int) {
        // Digits written in place (a `String` per number cost more than the rest of the line).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var magnitude = value.magnitude
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                position -= 1
                buffer[position] = UInt8(ascii: "-")
            }
            append(UnsafeBufferPointer(rebasing: buffer[position...]))
        }
    }

    mutating func quoteOrNull(_ text: String?) {
        if let text { quote(text) } else { raw("null") }
    }

    /// A JSON string: `"`, `\\`, and control characters escaped (`\n`, `\r`, `\t`, else `\u00XX`).
    mutating func quote(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            // Most texts need no escape: written with their quotes at once.
            var index = JSONBytes.nextSpecial(in: utf8, from: 0)
            if index == utf8.count {
                write(utf8, before: "\"", after: "\"")
                return
            }
            append(UInt8(ascii: "\""))
            var start = 0
            while index < utf8.count {
                // Runs of plain bytes are passed over eight at a time.
                index = JSONBytes.nextSpecial(in: utf8, from: index)
                guard index < utf8.count else { break }
                let byte = utf8[index]
                defer { index += 1 }
                if start < index { append(UnsafeBufferPointer(rebasing: utf8[start..<index])) }
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
                    raw(string: String(repeating: "0", count: 4 - hex.count) + hex)
                }
            }
            if start < utf8.count { append(UnsafeBufferPointer(rebasing: utf8[start...])) }
            append(UInt8(ascii: "\""))
        }
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
        append(UInt8(ascii: "["))
        // Each element passed where it lies, not copied out (a finding holds a dozen references).
        elements.withUnsafeBufferPointer { elements in
            for position in elements.indices {
                if position > 0 { append(UInt8(ascii: ",")) }
                write(elements[position], &self)
            }
        }
        append(UInt8(ascii: "]"))
    }
}
