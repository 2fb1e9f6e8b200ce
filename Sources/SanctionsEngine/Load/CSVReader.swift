/// Reads CSV (RFC 4180: commas, double-quoted fields, quotes doubled inside them, line
/// breaks allowed inside quotes) whose header names are dotted record paths:
/// `id,kind,date,goods.0.hs,goods.0.value,vessel.imo`. One row is one record; an
/// empty cell is an absent field. Streamed: one row in memory at a time.
struct CSVReader {
    /// Fields that hold numbers or booleans in the record contract; every other cell
    /// stays text, so HS codes keep their leading zeros and IMO numbers stay strings.
    static let numericLeaves: Set<String> = ["quantity", "value", "count"]
    static let booleanLeaves: Set<String> = ["notified", "ais_off"]

    private let source: LineSource

    init(source: LineSource) {
        self.source = source
    }

    func read(_ body: (RawRecord) throws -> Void) throws {
        // Blank lines before the header are skipped; a file of blank lines has no records.
        var first = try nextRow()
        while let row = first, row.problem == nil, row.fields.count == 1, row.fields[0].trimmingSpaces().isEmpty {
            first = try nextRow()
        }
        guard var header = first else { return }
        if header.fields.first?.hasPrefix("\u{FEFF}") == true {
            header.fields[0].removeFirst()
        }
        let paths = header.fields.map { $0.trimmingSpaces().split(separator: ".").map(String.init) }
        var headerProblem = header.problem
        if headerProblem == nil, let bad = header.fields.firstIndex(where: { $0.trimmingSpaces().isEmpty }) {
            headerProblem = "column \(bad + 1) of the header has no name: every column needs a dotted field name"
        }
        var rows = 0
        while let row = try nextRow() {
            if row.problem == nil && row.fields.count == 1 && row.fields[0].isEmpty { continue }
            rows += 1
            if let headerProblem {
                // Every row is still a record: each gets the header's error.
                try body(RawRecord(line: row.line, value: .failure(RecordError(
                    line: row.line, id: nil, message: "the header (line \(header.line)) cannot be used: \(headerProblem)"))))
                continue
            }
            if let problem = row.problem {
                try body(RawRecord(line: row.line, value: .failure(RecordError(line: row.line, id: nil, message: problem))))
                continue
            }
            guard row.fields.count == paths.count else {
                let id = paths.firstIndex(of: ["id"]).flatMap { $0 < row.fields.count ? row.fields[$0] : nil }
                try body(RawRecord(line: row.line, value: .failure(RecordError(
                    line: row.line, id: id,
                    message: "the row has \(row.fields.count) fields but the header has \(paths.count) columns"))))
                continue
            }
            var record = Value.object([:])
            for (path, cell) in zip(paths, row.fields) where !cell.isEmpty {
                CSVReader.insert(CSVReader.typed(cell, leaf: path.last ?? ""), at: path[...], into: &record)
            }
            try body(RawRecord(line: row.line, value: .success(record)))
        }
        if rows == 0, let headerProblem {
            try body(RawRecord(line: header.line, value: .failure(RecordError(line: header.line, id: nil, message: headerProblem))))
        }
    }

    static func typed(_ cell: String, leaf: String) -> Value {
        if numericLeaves.contains(leaf), let number = decimal(cell.trimmingSpaces()) { return .number(number) }
        if booleanLeaves.contains(leaf) {
            switch cell.trimmingSpaces().lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: break
            }
        }
        return .string(cell)
    }

    /// A decimal number (`20000`, `-1.5`, `2e6`); not `nan`, `inf` or hexadecimal
    /// (`0x10`), which Swift's `Double(_:)` would also accept.
    static func decimal(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }),
              let number = Double(text), number.isFinite else { return nil }
        return number
    }

    /// Puts `value` at a dotted path, making objects for names and lists for numbers
    /// (`goods.0.hs`).
    static func insert(_ value: Value, at path: ArraySlice<String>, into target: inout Value) {
        guard let head = path.first else { target = value; return }
        let rest = path.dropFirst()
        if let index = Int(head), index >= 0, index < 10_000 {
            var elements = target.arrayValue ?? []
            while elements.count <= index { elements.append(.object([:])) }
            insert(value, at: rest, into: &elements[index])
            target = .array(elements)
        } else {
            var members: [String: Value] = [:]
            if case .object(let existing) = target { members = existing }
            var child = members[head] ?? .object([:])
            insert(value, at: rest, into: &child)
            members[head] = child
            target = .object(members)
        }
    }

    private struct Row {
        var line: Int
        var fields: [String]
        var problem: String?
    }

    private static let tooLong = "the line is longer than \(LineSource.maxLineBytes / 1_048_576) MiB: one record per row"

    /// The next logical row, which may span several lines inside quotes.
    private func nextRow() throws -> Row? {
        guard let first = try source.nextLine() else { return nil }
        let line = source.lineNumber
        guard case .text(var bytes) = first else { return Row(line: line, fields: [], problem: CSVReader.tooLong) }
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quotedField = false
        var invalidText = false
        var index = 0
        func finish() {
            if let text = String(validating: field, as: UTF8.self) { fields.append(text) } else { invalidText = true }
        }
        while true {
            if index == bytes.count {
                if inQuotes {
                    guard let more = try source.nextLine() else {
                        return Row(line: line, fields: [], problem: "a quoted field is not closed before the end of the file")
                    }
                    guard case .text(let moreBytes) = more else { return Row(line: line, fields: [], problem: CSVReader.tooLong) }
                    field.append(10)
                    bytes = moreBytes
                    index = 0
                    continue
                }
                finish()
                if invalidText {
                    return Row(line: line, fields: [], problem: "the row is not valid UTF-8 text: save the file as UTF-8")
                }
                return Row(line: line, fields: fields, problem: nil)
            }
            let byte = bytes[index]
            index += 1
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: ",") {
                finish()
                field.removeAll(keepingCapacity: true)
                quotedField = false
            } else if byte == UInt8(ascii: "\"") && field.isEmpty && !quotedField {
                inQuotes = true
                quotedField = true
            } else {
                field.append(byte)
            }
        }
    }
}
