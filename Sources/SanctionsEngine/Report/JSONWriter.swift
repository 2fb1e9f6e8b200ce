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
    /// Room for the bytes, written straight into (`Array.append(contentsOf:)` cost about a
    /// hundred instructions a call, and a result is written in a few dozen calls): the first
    /// `count` are written, the rest are spare and never set (an array's room is zeroed
    /// first, its growth copied and zeroed again: a profile put that at 2 % of a run).
    /// Shared by copies of the encoder until one of them writes, which then copies it.
    private final class Storage: @unchecked Sendable {
        // Written only through a uniquely referenced storage (``reserve(_:)``), read by
        // copies of the encoder otherwise: as an array's buffer is.
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 64)
            base = .allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }
    }

    private var storage: Storage
    private var count = 0

    /// What has been written.
    public var bytes: [UInt8] {
        get { [UInt8](UnsafeBufferPointer(start: storage.base, count: count)) }
        set {
            storage = Storage(capacity: newValue.count)
            count = 0
            newValue.withUnsafeBufferPointer { append($0) }
        }
    }

    /// An empty encoder (it makes room as it writes).
    public init() {
        storage = Storage(capacity: 256)
    }

    /// An encoder with room for `capacity` bytes before it grows.
    public init(capacity: Int) {
        storage = Storage(capacity: capacity)
    }

    /// Calls `body` with what has been written, in place (``bytes`` copies it), and returns
    /// what it returns. The buffer is valid only inside `body`.
    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: storage.base, count: count))
    }

    /// How many bytes have been written.
    var written: Int { count }

    /// What has been written, leaving the encoder empty (its room kept for what comes next).
    public mutating func take() -> [UInt8] {
        let taken = bytes
        count = 0
        return taken
    }

    /// Makes room for `more` bytes after the written ones, in storage of this encoder's own.
    @inline(__always)
    private mutating func reserve(_ more: Int) {
        if count + more > storage.capacity || !isKnownUniquelyReferenced(&storage) { grow(count + more) }
    }

    private mutating func grow(_ needed: Int) {
        let room = Storage(capacity: max(needed, 2 * storage.capacity))
        room.base.update(from: storage.base, count: count)
        storage = room
    }

    /// Appends `length` bytes from `source`.
    @inline(__always)
    private mutating func append(_ source: UnsafePointer<UInt8>?, _ length: Int) {
        guard length > 0, let source else { return }
        reserve(length)
        (storage.base + count).update(from: source, count: length)
        count += length
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        storage.base[count] = byte
        count += 1
    }

    private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        append(buffer.baseAddress, buffer.count)
    }

    /// Appends text as it is (punctuation, keys already quoted).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// Appends already-encoded JSON held in a string (a literal goes to ``raw(_:)``, as a
    /// `StaticString`: named apart so that literals cannot pick this one).
    mutating func raw(string text: String) {
        // From the string's contiguous bytes: appending its UTF-8 view goes byte by byte.
        if text.utf8.withContiguousStorageIfAvailable({ append($0) }) != nil { return }
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Appends already-encoded JSON, in bytes.
    mutating func raw(_ encoded: [UInt8]) {
        encoded.withUnsafeBufferPointer { append($0) }
    }

    /// Appends bytes as they are (already-encoded JSON, or any text the encoder is used to
    /// build: a finding's message).
    mutating func raw(bytes: UnsafeBufferPointer<UInt8>) {
        append(bytes)
    }

    /// Forgets what has been written, keeping the room for what comes next.
    mutating func removeAll() {
        count = 0
    }

    /// `"key":`, after a comma unless it is the first member.
    @inline(__always)
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
        var position = storage.base + count
        position.update(from: before.utf8Start, count: head)
        position += head
        if let source = bytes.baseAddress { position.update(from: source, count: bytes.count) }
        position += bytes.count
        position.update(from: after.utf8Start, count: tail)
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
        // The text's own bytes where it has them in one piece (a native string always does),
        // read in place: `withUTF8` needs a copy of the string it may rearrange.
        if text.utf8.withContiguousStorageIfAvailable({ quote(utf8: $0) }) != nil { return }
        var text = text
        text.withUTF8 { quote(utf8: $0) }
    }

    /// ``quote(_:)`` of the text whose UTF-8 bytes these are (valid UTF-8: a finding's
    /// message written as bytes).
    mutating func quote(utf8: UnsafeBufferPointer<UInt8>) {
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
