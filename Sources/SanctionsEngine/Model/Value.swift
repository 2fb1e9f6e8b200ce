/// A value read from a record: the JSON data model, whatever the input format.
///
/// Records arrive as JSON, YAML or CSV; every reader produces `Value`, so rules
/// see one shape. Objects keep no key order: output never echoes records.
public enum Value: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([Value])
    case object([String: Value])

    /// The member `key` of an object, or `nil` when this is not an object or has no such
    /// member. A `null` member counts as absent: the record contract has no use for null.
    public subscript(key: String) -> Value? {
        guard case .object(let members) = self, let member = members[key] else { return nil }
        if case .null = member { return nil }
        return member
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [Value]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The scalar as text, as an analyst would read it in a finding: integers without
    /// a decimal point, strings unquoted, lists and objects in brief.
    public var displayText: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return Value.format(number)
        case .string(let text): return text
        case .array(let elements): return "[" + elements.map(\.displayText).joined(separator: ", ") + "]"
        case .object: return "{…}"
        }
    }

    /// Formats a number the way records write them: `500`, not `500.0`.
    static func format(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 {
            return String(Int64(number))
        }
        return String(number)
    }
}
