/// A look at a few top-level members of a JSON line without parsing it: the caps' first
/// pass uses it to pass over records that cannot count toward any cap (most of them)
/// without building their values.
///
/// It answers only for the members asked for, and only when sure: a string with an escape
/// in a member asked for, a member given twice, or anything it does not follow makes it
/// answer `nil`, and the caller parses the line in full. It does not validate the JSON:
/// a line it reads that is not valid JSON is no record, and the full parser (which the
/// caller uses for anything it keeps) rejects it.
enum TopLevelScan {
    /// What the scan saw for one member. Texts are given as the range of their bytes on the
    /// line (without the quotes): nothing is copied, nothing allocated but a list's ranges.
    enum Member: Equatable {
        /// Not there, or `null` (which records treat as absent).
        case absent
        /// A string without escapes.
        case string(Range<Int>)
        /// An array: each element's text when it is a string without escapes, else nil.
        case strings([Range<Int>?])
        /// A number, boolean or object.
        case other
    }

    /// The members named `keys` of the top-level object on this line, or nil when unsure.
    /// After each member named in `keys` is read, `enough` is asked whether those found so
    /// far (the rest `.absent` until read) settle what the caller wants to know; the scan then
    /// stops there and returns them, reading no further (nor checking the rest of the line).
    static func members(_ line: UnsafeBufferPointer<UInt8>, keys: [StaticString],
                        enough: (UnsafeBufferPointer<Member>) -> Bool = { _ in false }) -> [Member]? {
        withMembers(line, keys: keys, enough: enough) { $0.map(Array.init) }
    }

    /// ``members(_:keys:enough:)`` handed to `body` in memory of the call's own (no array
    /// per line: the caps' first pass scans every line); `body`'s answer is returned.
    static func withMembers<Result>(_ line: UnsafeBufferPointer<UInt8>, keys: [StaticString],
                                    enough: (UnsafeBufferPointer<Member>) -> Bool = { _ in false },
                                    _ body: (UnsafeBufferPointer<Member>?) -> Result) -> Result {
        guard keys.count <= 64 else { return body(nil) }
        return withUnsafeTemporaryAllocation(of: Member.self, capacity: keys.count) { found in
            found.initialize(repeating: .absent)
            defer { found.deinitialize() }
            return body(scan(line, keys: keys, into: found, enough: enough) ? UnsafeBufferPointer(found) : nil)
        }
    }

    /// Reads the members named `keys` into `found` (one each, `.absent` until read), asking
    /// `enough` after each; false when unsure (see ``members(_:keys:enough:)``).
    private static func scan(_ line: UnsafeBufferPointer<UInt8>, keys: [StaticString], into found: UnsafeMutableBufferPointer<Member>,
                             enough: (UnsafeBufferPointer<Member>) -> Bool) -> Bool {
        var seen: UInt64 = 0
        var index = 0
        let count = line.count
        func skipSpace() {
            while index < count, line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0A || line[index] == 0x0D { index += 1 }
        }
        /// A string at `index` (its opening quote): its bytes, and whether it had escapes.
        func string() -> (range: Range<Int>, escaped: Bool)? {
            guard index < count, line[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            var escaped = false
            while true {
                index = TopLevelScan.next(in: line, from: index, quoteOrBackslash: true)
                guard index < count else { return nil }
                if line[index] == UInt8(ascii: "\"") {
                    index += 1
                    return (start..<index - 1, escaped)
                }
                escaped = true
                index += 2
            }
        }
        /// Passes over any value; false when the line ends first.
        func skipValue() -> Bool {
            skipSpace()
            guard index < count else { return false }
            switch line[index] {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                // Inside a container only strings and brackets matter: jump from one to the next.
                var depth = 0
                while true {
                    index = TopLevelScan.next(in: line, from: index, quoteOrBackslash: false)
                    guard index < count else { return false }
                    switch line[index] {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return false }
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                        index += 1
                    default:
                        depth -= 1
                        index += 1
                        if depth == 0 { return true }
                    }
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                return false
            default:
                // A number, true, false or null.
                index += 1
                while index < count, !(line[index] == UInt8(ascii: ",") || line[index] == UInt8(ascii: "}")
                                       || line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0A || line[index] == 0x0D) {
                    index += 1
                }
                return true
            }
        }
        func matches(_ range: Range<Int>, _ key: StaticString) -> Bool {
            guard range.count == key.utf8CodeUnitCount else { return false }
            let start = key.utf8Start
            for offset in 0..<range.count where line[range.lowerBound + offset] != start[offset] { return false }
            return true
        }

        skipSpace()
        guard index < count, line[index] == UInt8(ascii: "{") else { return false }
        index += 1
        skipSpace()
        if index < count, line[index] == UInt8(ascii: "}") { return true }
        while true {
            skipSpace()
            guard let (keyRange, keyEscaped) = string() else { return false }
            // A key written with escapes might be one asked for.
            if keyEscaped { return false }
            skipSpace()
            guard index < count, line[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipSpace()
            guard index < count else { return false }
            if let slot = keys.firstIndex(where: { matches(keyRange, $0) }) {
                if seen & (1 << UInt64(slot)) != 0 { return false }
                seen |= 1 << UInt64(slot)
                switch line[index] {
                case UInt8(ascii: "\""):
                    guard let (range, escaped) = string(), !escaped else { return false }
                    found[slot] = .string(range)
                case UInt8(ascii: "n"):
                    guard skipValue() else { return false }
                    found[slot] = .absent
                case UInt8(ascii: "["):
                    index += 1
                    var elements: [Range<Int>?] = []
                    skipSpace()
                    if index < count, line[index] == UInt8(ascii: "]") {
                        index += 1
                    } else {
                        while true {
                            skipSpace()
                            guard index < count else { return false }
                            if line[index] == UInt8(ascii: "\"") {
                                guard let (range, escaped) = string(), !escaped else { return false }
                                elements.append(range)
                            } else {
                                guard skipValue() else { return false }
                                elements.append(nil)
                            }
                            skipSpace()
                            guard index < count else { return false }
                            if line[index] == UInt8(ascii: "]") { index += 1; break }
                            guard line[index] == UInt8(ascii: ",") else { return false }
                            index += 1
                        }
                    }
                    found[slot] = .strings(elements)
                default:
                    guard skipValue() else { return false }
                    found[slot] = .other
                }
                if enough(UnsafeBufferPointer(found)) { return true }
            } else {
                guard skipValue() else { return false }
            }
            skipSpace()
            guard index < count else { return false }
            if line[index] == UInt8(ascii: "}") { return true }
            guard line[index] == UInt8(ascii: ",") else { return false }
            index += 1
        }
    }

    /// Whether some text on the line could be `KP` (as ``Evaluator/isKP(_:)`` compares):
    /// a quoted `KP` in any case, an escape, or a byte outside ASCII (whose text is compared
    /// after upper-casing) make it so. Eight bytes at a time between quotes.
    static func mayHoldKP(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = line.count
        var index = 0
        if let base = line.baseAddress {
            while index + 8 <= count {
                let word = ByteWords.load(base + index)
                if ByteWords.nonASCII(word) != 0 { return true }
                let found = ByteWords.equal(word, UInt8(ascii: "\"")) | ByteWords.equal(word, UInt8(ascii: "\\"))
                if found == 0 {
                    index += 8
                    continue
                }
                index += ByteWords.firstFlagged(found)
                if line[index] == UInt8(ascii: "\\") { return true }
                if quotesKP(line, at: index) { return true }
                index += 1
            }
        }
        while index < count {
            let byte = line[index]
            if byte >= 0x80 || byte == UInt8(ascii: "\\") || (byte == UInt8(ascii: "\"") && quotesKP(line, at: index)) { return true }
            index += 1
        }
        return false
    }

    /// Whether `"KP"` (in any case) starts at `index`.
    private static func quotesKP(_ line: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        index + 3 < line.count && line[index + 3] == UInt8(ascii: "\"")
            && line[index + 1] | 0x20 == UInt8(ascii: "k") && line[index + 2] | 0x20 == UInt8(ascii: "p")
    }

    /// The position of the first quote or backslash (`quoteOrBackslash`), else of the first
    /// quote or bracket, at or after `start`; `line.count` when there is none. Eight bytes
    /// at a time: the lowest flagged byte of a word is the first match (borrows run upwards).
    @inline(__always)
    static func next(in line: UnsafeBufferPointer<UInt8>, from start: Int, quoteOrBackslash: Bool) -> Int {
        let count = line.count
        var index = start
        if let base = line.baseAddress {
            while index + 8 <= count {
                let word = ByteWords.load(base + index)
                let found: UInt64
                if quoteOrBackslash {
                    found = ByteWords.equal(word, UInt8(ascii: "\"")) | ByteWords.equal(word, UInt8(ascii: "\\"))
                } else {
                    // `[` and `{` are 0x5B and 0x7B, `]` and `}` 0x5D and 0x7D: one bit apart.
                    let folded = word | (0x20 &* ByteWords.ones)
                    found = ByteWords.equal(word, UInt8(ascii: "\"")) | ByteWords.equal(folded, 0x7B) | ByteWords.equal(folded, 0x7D)
                }
                if found != 0 { return index + ByteWords.firstFlagged(found) }
                index += 8
            }
        }
        while index < count {
            let byte = line[index]
            if byte == UInt8(ascii: "\"") { return index }
            if quoteOrBackslash ? byte == UInt8(ascii: "\\") : (byte | 0x20 == 0x7B || byte | 0x20 == 0x7D) { return index }
            index += 1
        }
        return count
    }
}
