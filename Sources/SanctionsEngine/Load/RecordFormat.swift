/// The input formats records arrive in.
public enum RecordFormat: String, Sendable, CaseIterable {
    /// JSON Lines: one object per line (streamed).
    case jsonl
    /// One JSON array of objects.
    case json
    /// A YAML sequence of records, or one record per YAML document.
    case yaml
    /// CSV with dotted column names (`goods.0.hs`); streamed.
    case csv

    /// The format a file name implies: `.jsonl`/`.ndjson`, `.json`, `.yaml`/`.yml`, `.csv`.
    public static func detect(path: String) -> RecordFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return .yaml }
        if lower.hasSuffix(".csv") { return .csv }
        return nil
    }
}

/// One record as read from an input, before it is checked: its line and its value,
/// or why it could not be read.
public struct RawRecord: Sendable {
    public let line: Int
    public let value: Result<Value, RecordError>
}
