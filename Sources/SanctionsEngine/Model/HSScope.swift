/// A set of Harmonized System codes: chapters, headings, subheadings and ranges of them.
///
/// One matcher for every rule. A code matches an entry by prefix: `"27"` is chapter 27,
/// `"2701"` heading 2701. A range `"72-83"` covers chapters 72 to 83 and `"7101-7116"`
/// headings 7101 to 7116. A record code less precise than an entry (`"84"` against
/// heading `"8471"`) may or may not fall inside it, so the answer is ``Truth/unknown``.
public struct HSScope: Sendable, Hashable {
    /// One contiguous range of codes of the same length (a prefix is a range of one).
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        public let low: String
        public let high: String
        public var description: String { low == high ? low : "\(low)–\(high)" }
    }

    /// The entries, in the order the rule gave them.
    public let entries: [Entry]
    /// The entries as numbers: (digit count, low, high).
    private let ranges: [(length: Int, low: Int, high: Int)]

    /// Creates a scope from entries.
    public init(entries: [Entry]) {
        self.entries = entries
        ranges = entries.map { ($0.low.utf8.count, Int($0.low) ?? 0, Int($0.high) ?? 0) }
    }

    public static func == (lhs: HSScope, rhs: HSScope) -> Bool { lhs.entries == rhs.entries }

    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }

    /// ``contains(_:)`` for a code given as its digits' value and count (`0301` is 301, 4):
    /// integer comparisons only, for the evaluator's fast path.
    func contains(value code: Int, length: Int) -> Truth {
        var result = Truth.no
        for range in ranges {
            if length >= range.length {
                let prefix = code / HSScope.powersOfTen[length - range.length]
                if prefix >= range.low && prefix <= range.high { return .yes }
            } else {
                let divisor = HSScope.powersOfTen[range.length - length]
                if code >= range.low / divisor && code <= range.high / divisor { result = .unknown }
            }
        }
        return result
    }

    private static let powersOfTen: [Int] = (0...18).map { exponent in (0..<exponent).reduce(1) { product, _ in product * 10 } }

    /// The record's `hs` value as (digits' value, digit count), as ``normalize(_:)`` reads
    /// it, without building a string: `nil` when it is no HS code.
    /// ``digits(_:)`` of a string given as its UTF-8 bytes.
    static func digits<Bytes: Sequence<UInt8>>(utf8 text: Bytes) -> (value: Int, length: Int)? {
        var code = 0, length = 0
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                length += 1
                guard length <= 10 else { return nil }
                code = code * 10 + Int(byte - 48)
            case UInt8(ascii: "."), UInt8(ascii: " "):
                continue
            default:
                return nil
            }
        }
        return length >= 2 && length % 2 == 0 ? (code, length) : nil
    }

    static func digits(_ value: Value) -> (value: Int, length: Int)? {
        switch value {
        case .string(let text):
            return digits(utf8: text.utf8)
        case .number:
            guard let text = normalize(value) else { return nil }
            return (Int(text) ?? 0, text.utf8.count)
        default:
            return nil
        }
    }

    /// Parses one entry: `"2701"`, `"72-83"`, `"7101-7116"`. Returns `nil` and a reason
    /// when the text is not an even-length digit string of 2 to 10 digits or a range of two.
    public static func parseEntry(_ text: String) -> Result<Entry, HSCodeError> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map {
            String($0).trimmingSpaces()
        }
        guard parts.count == 1 || parts.count == 2 else { return .failure(.malformed(text)) }
        for part in parts where !HSScope.isCode(part) { return .failure(.malformed(text)) }
        if parts.count == 1 { return .success(Entry(low: parts[0], high: parts[0])) }
        guard parts[0].count == parts[1].count else { return .failure(.rangeLengths(text)) }
        guard parts[0] <= parts[1] else { return .failure(.rangeOrder(text)) }
        return .success(Entry(low: parts[0], high: parts[1]))
    }

    /// Whether `code` (digits, 2 to 10, even length) is inside the scope.
    public func contains(_ code: String) -> Truth {
        var result = Truth.no
        for entry in entries {
            let length = entry.low.count
            if code.count >= length {
                let prefix = String(code.prefix(length))
                if prefix >= entry.low && prefix <= entry.high { return .yes }
            } else {
                let low = String(entry.low.prefix(code.count)), high = String(entry.high.prefix(code.count))
                if code >= low && code <= high { result = .unknown }
            }
        }
        return result
    }

    /// Whether `text` is an HS code as records and rules write it: 2 to 10 digits, even count.
    public static func isCode(_ text: String) -> Bool {
        let count = text.utf8.count
        return count >= 2 && count <= 10 && count % 2 == 0 && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// The record's `hs` value as a code: digits with dots and spaces removed. A number
    /// (`8703` written without quotes) is read as its digits, with the leading zero that
    /// an odd digit count shows was lost (`301` → `0301`).
    public static func normalize(_ value: Value) -> String? {
        switch value {
        case .string(let text):
            let digits = String(text.unicodeScalars.filter { $0 != "." && $0 != " " })
            return isCode(digits) ? digits : nil
        case .number(let number):
            guard number >= 0, number == number.rounded(), number < 1e10 else { return nil }
            var digits = String(Int64(number))
            if digits.count % 2 == 1 { digits = "0" + digits }
            return isCode(digits) ? digits : nil
        default:
            return nil
        }
    }
}

/// Why an HS code or range in a rule could not be read.
public enum HSCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case rangeLengths(String)
    case rangeOrder(String)

    public var description: String {
        switch self {
        case .malformed(let text):
            return "'\(text)' is not an HS code: expected 2 to 10 digits (an even number), e.g. \"2701\", or a range such as \"72-83\""
        case .rangeLengths(let text):
            return "range '\(text)' joins codes of different lengths: write chapters with chapters (\"72-83\") or headings with headings (\"7101-7116\")"
        case .rangeOrder(let text):
            return "range '\(text)' runs backwards: put the lower code first"
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
