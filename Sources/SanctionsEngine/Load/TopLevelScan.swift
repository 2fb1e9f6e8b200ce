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
    /// What the scan saw for one member.
    enum Member: Equatable {
        /// Not there, or `null` (which records treat as absent).
        case absent
        /// A string without escapes.
        case string(String)
        /// An array: each element's text when it is a string without escapes, else nil.
        case strings([String?])
        /// A number, boolean or object.
        case other
    }

    /// The members named `keys` of the top-level object on this line, or nil when unsure.
    static func members(_ line: UnsafeBufferPointer<UInt8>, keys: [StaticString]) -> [Member]? {
        var found = [Member](repeating: .absent, count: keys.count)
        var seen = [Bool](repeating: false, count: keys.count)
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
            while index < count {
                switch line[index] {
                case UInt8(ascii: "\""):
                    index += 1
                    return (start..<index - 1, escaped)
                case UInt8(ascii: "\\"):
                    escaped = true
                    index += 2
                default:
                    index += 1
                }
            }
            return nil
        }
        /// Passes over any value; false when the line ends first.
        func skipValue() -> Bool {
            var depth = 0
            repeat {
                skipSpace()
                guard index < count else { return false }
                switch line[index] {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return false }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard depth > 0 else { return false }
                    depth -= 1
                    index += 1
                default:
                    // A number, true, false, null, or punctuation inside a container.
                    index += 1
                    if depth == 0 {
                        while index < count, !(line[index] == UInt8(ascii: ",") || line[index] == UInt8(ascii: "}")
                                               || line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0A || line[index] == 0x0D) {
                            index += 1
                        }
                    }
                }
            } while depth > 0
            return true
        }
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self) }
        func matches(_ range: Range<Int>, _ key: StaticString) -> Bool {
            guard range.count == key.utf8CodeUnitCount else { return false }
            let start = key.utf8Start
            for offset in 0..<range.count where line[range.lowerBound + offset] != start[offset] { return false }
            return true
        }

        skipSpace()
        guard index < count, line[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        skipSpace()
        if index < count, line[index] == UInt8(ascii: "}") { return found }
        while true {
            skipSpace()
            guard let (keyRange, keyEscaped) = string() else { return nil }
            // A key written with escapes might be one asked for.
            if keyEscaped { return nil }
            skipSpace()
            guard index < count, line[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard index < count else { return nil }
            if let slot = keys.firstIndex(where: { matches(keyRange, $0) }) {
                if seen[slot] { return nil }
                seen[slot] = true
                switch line[index] {
                case UInt8(ascii: "\""):
                    guard let (range, escaped) = string(), !escaped else { return nil }
                    found[slot] = .string(text(range))
                case UInt8(ascii: "n"):
                    guard skipValue() else { return nil }
                    found[slot] = .absent
                case UInt8(ascii: "["):
                    index += 1
                    var elements: [String?] = []
                    skipSpace()
                    if index < count, line[index] == UInt8(ascii: "]") {
                        index += 1
                    } else {
                        while true {
                            skipSpace()
                            guard index < count else { return nil }
                            if line[index] == UInt8(ascii: "\"") {
                                guard let (range, escaped) = string(), !escaped else { return nil }
                                elements.append(text(range))
                            } else {
                                guard skipValue() else { return nil }
                                elements.append(nil)
                            }
                            skipSpace()
                            guard index < count else { return nil }
                            if line[index] == UInt8(ascii: "]") { index += 1; break }
                            guard line[index] == UInt8(ascii: ",") else { return nil }
                            index += 1
                        }
                    }
                    found[slot] = .strings(elements)
                default:
                    guard skipValue() else { return nil }
                    found[slot] = .other
                }
            } else {
                guard skipValue() else { return nil }
            }
            skipSpace()
            guard index < count else { return nil }
            if line[index] == UInt8(ascii: "}") { return found }
            guard line[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }
}
