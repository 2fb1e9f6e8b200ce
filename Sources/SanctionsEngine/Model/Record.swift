/// One reported transaction or event (see `docs/records.md`), checked for the fields
/// every rule relies on: `id`, `kind` and `date`. Everything else stays in ``value``,
/// reachable by rules through dotted paths.
public struct Record: Sendable {
    public let id: String
    public let kind: RecordKind
    /// When the transaction took place (for a period, its first day).
    public let date: Day
    /// The last day of the period: `date_to` when given, else `date`.
    public let periodEnd: Day
    /// The whole record as read.
    public let value: Value
    /// The line it starts on in its input, when read from a file.
    public let line: Int?

    /// Checks `value` against the record contract's required fields.
    ///
    /// ```swift
    /// let record = try Record(json: #"{"id":"r1","kind":"shipment","date":"2018-03-01"}"#)
    /// ```
    public init(value: Value, line: Int? = nil) throws(RecordError) {
        self.line = line
        guard case .object = value else {
            throw RecordError(line: line, id: nil, message: "a record must be an object ({…}), found \(value.typeName)")
        }
        let id: String
        switch value["id"] {
        case .string(let text) where !text.isEmpty: id = text
        case .number(let number): id = Value.format(number)
        case nil: throw RecordError(line: line, id: nil, message: "the record has no `id`: every record needs a unique id")
        case let other?: throw RecordError(line: line, id: nil, message: "`id` must be text, found \(other.typeName)")
        }
        guard let kindText = value["kind"]?.stringValue else {
            throw RecordError(line: line, id: id, message: "the record has no `kind`: expected one of \(RecordKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let kind = RecordKind(rawValue: kindText) else {
            throw RecordError(line: line, id: id, message: "unknown kind '\(kindText)': expected one of \(RecordKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let dateText = value["date"]?.stringValue else {
            throw RecordError(line: line, id: id, message: "the record has no `date`: expected an ISO date such as 2019-03-14 (the law of that day applies)")
        }
        guard let date = Day(dateText) else {
            throw RecordError(line: line, id: id, message: "`date` '\(dateText)' is not an ISO calendar date (YYYY-MM-DD)")
        }
        var periodEnd = date
        if let dateTo = value["date_to"] {
            guard let text = dateTo.stringValue, let end = Day(text) else {
                throw RecordError(line: line, id: id, message: "`date_to` '\(dateTo.displayText)' is not an ISO calendar date (YYYY-MM-DD)")
            }
            guard end >= date else {
                throw RecordError(line: line, id: id, message: "`date_to` \(end) is before `date` \(date)")
            }
            periodEnd = end
        }
        self.id = id
        self.kind = kind
        self.date = date
        self.periodEnd = periodEnd
        self.value = value
    }

    /// Reads one record from JSON text.
    public init(json: String, line: Int? = nil) throws(RecordError) {
        let value: Value
        do {
            value = try JSONParser.parse(json)
        } catch {
            throw RecordError(line: line, id: nil, message: "not valid JSON: \(error.message)")
        }
        try self.init(value: value, line: line)
    }
}

/// Why a record could not be assessed. The record still gets a result (`outcome: error`)
/// naming its line, and every other record is assessed.
public struct RecordError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int?
    public let id: String?
    public let message: String

    public init(line: Int?, id: String?, message: String) {
        self.line = line
        self.id = id
        self.message = message
    }

    public var description: String {
        (line.map { "line \($0): " } ?? "") + message
    }
}

extension Value {
    /// The JSON type name, for error messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "text"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
