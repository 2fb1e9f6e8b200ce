/// Reads CSV (RFC 4180: commas, double-quoted fields, quotes doubled inside them, line
/// breaks allowed inside quotes) whose header names are dotted record paths:
/// `id,kind,date,goods.0.hs,goods.0.value,vessel.imo`. One row is one record; an
/// empty cell is an absent field. Streamed: one row in memory at a time.
struct CSVReader {
    /// Fields that hold numbers or booleans in the record contract; every other cell
    /// stays text, so HS codes keep their leading zeros and IMO numbers stay strings.
    static let numericLeaves: Set<String> = ["quantity", "value", "count"]
    static let booleanLeaves: Set<String> = ["notified", "ais_off"]

    private let nextLine: () throws -> (number: Int, bytes: [UInt8])?

    init(source: LineSource) {
        nextLine = {
            while true {
                guard let line = try source.nextLine() else { return nil }
                switch line {
                case .text(let bytes): return (source.lineNumber, bytes)
                case .tooLong: continue
                }
            }
        }
    }

    init(text: String) {
        var lines = Array(text.utf8).split(separator: 10, omittingEmptySubsequences: false).makeIterator()
        var number = 0
        nextLine = {
            guard let line = lines.next() else { return nil }
            number += 1
            var bytes = Array(line)
            if bytes.last == 13 { bytes.removeLast() }
            return (number, bytes)
        }
    }

    func read(_ body: (RawRecord) throws -> Void) throws {
        guard var header = try nextRow() else { return }
        if header.fields.first?.hasPrefix("\u{FEFF}") == true {
            header.fields[0].removeFirst()
        }
        let paths = header.fields.map { $0.trimmingSpaces().split(separator: ".").map(String.init) }
        if let bad = header.fields.firstIndex(where: { $0.trimmingSpaces().isEmpty }) {
            try body(RawRecord(line: header.line, value: .failure(RecordError(
                line: header.line, id: nil, message: "column \(bad + 1) of the header has no name: every column needs a dotted field name"))))
            return
        }
        while let row = try nextRow() {
            if row.fields.count == 1 && row.fields[0].isEmpty { continue }
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
    }

    static func typed(_ cell: String, leaf: String) -> Value {
        if numericLeaves.contains(leaf), let number = Double(cell.trimmingSpaces()), number.isFinite { return .number(number) }
        if booleanLeaves.contains(leaf) {
            switch cell.trimmingSpaces().lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: break
            }
        }
        return .string(cell)
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

    /// The next logical row, which may span several lines inside quotes.
    private func nextRow() throws -> Row? {
        guard let first = try nextLine() else { return nil }
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quotedField = false
        var bytes = first.bytes
        var index = 0
        while true {
            if index == bytes.count {
                if inQuotes {
                    guard let more = try nextLine() else {
                        return Row(line: first.number, fields: [], problem: "a quoted field is not closed before the end of the file")
                    }
                    field.append(10)
                    bytes = more.bytes
                    index = 0
                    continue
                }
                fields.append(String(decoding: field, as: UTF8.self))
                return Row(line: first.number, fields: fields, problem: nil)
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
                fields.append(String(decoding: field, as: UTF8.self))
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
