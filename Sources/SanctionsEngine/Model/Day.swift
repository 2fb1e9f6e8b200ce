/// A calendar date (proleptic Gregorian, no time zone), the unit of every date in the
/// resolutions and records. Stored as a day number so comparisons cost one integer compare.
///
/// ```swift
/// let adoption = Day("2017-12-22")!
/// adoption.adding(days: 30).description  // "2018-01-21"
/// ```
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let number: Int

    /// Parses an ISO 8601 calendar date `YYYY-MM-DD`; `nil` when the text is not one
    /// or names a day that does not exist (2019-02-30).
    public init?(_ text: String) {
        if let day = text.utf8.withContiguousStorageIfAvailable({ Day(utf8: $0) }) {
            guard let day else { return nil }
            self = day
            return
        }
        guard let day = Array(text.utf8).withUnsafeBufferPointer({ Day(utf8: $0) }) else { return nil }
        self = day
    }

    /// ``init(_:)`` from the text's UTF-8 bytes. Each digit is its byte less `0`, which for
    /// any other byte wraps past 9: one comparison a digit (records carry a date or more
    /// each, and conditions compare more).
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        let zero = UInt8(ascii: "0")
        let y0 = bytes[0] &- zero, y1 = bytes[1] &- zero, y2 = bytes[2] &- zero, y3 = bytes[3] &- zero
        let m0 = bytes[5] &- zero, m1 = bytes[6] &- zero, d0 = bytes[8] &- zero, d1 = bytes[9] &- zero
        guard y0 <= 9, y1 <= 9, y2 <= 9, y3 <= 9, m0 <= 9, m1 <= 9, d0 <= 9, d1 <= 9 else { return nil }
        let year = Int(y0) * 1_000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3)
        let month = Int(m0) * 10 + Int(m1), day = Int(d0) * 10 + Int(d1)
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        self.number = Day.daysFromCivil(year: year, month: month, day: day)
    }

    /// A day from its day number (days since 1970-01-01).
    public init(number: Int) { self.number = number }

    /// This day moved by `days` (negative to go back).
    public func adding(days: Int) -> Day { Day(number: number + days) }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = Day.civil(from: number)
        if (0...9_999).contains(year) {
            // Ten ASCII digits and dashes, written directly (this runs for every finding).
            return String(unsafeUninitializedCapacity: 10) { buffer in
                func put(_ value: Int, at offset: Int, width: Int) {
                    var value = value
                    for position in (offset..<offset + width).reversed() {
                        buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                        value /= 10
                    }
                }
                put(year, at: 0, width: 4)
                buffer[4] = UInt8(ascii: "-")
                put(month, at: 5, width: 2)
                buffer[7] = UInt8(ascii: "-")
                put(day, at: 8, width: 2)
                return 10
            }
        }
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The calendar year.
    public var year: Int { Day.civil(from: number).0 }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.number < rhs.number }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-from-days algorithms: exact for every Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(from days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
