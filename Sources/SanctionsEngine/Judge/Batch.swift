/// The results of a batch: one per record, in input order, with cap findings merged in,
/// and the totals of every cap period.
public struct BatchResult: Sendable {
    public let results: [RecordResult]
    public let capTotals: [CapLedger.Total]
}

extension Engine {
    /// Assesses records held in memory as one batch: per-record rules, then caps across
    /// the batch (ordered by date within each period, ties by input order).
    public func assess(batch records: [RawRecord]) -> BatchResult {
        var ledger = CapLedger(rulebook: rulebook)
        var checked: [(RawRecord, Record?)] = []
        for (index, raw) in records.enumerated() {
            let record = try? raw.value.get()
            let parsed = record.flatMap { try? Record(value: $0, line: raw.line) }
            if let parsed { ledger.add(parsed, key: CapLedger.Key(source: 0, index: index)) }
            checked.append((raw, parsed))
        }
        let (capFindings, totals) = ledger.judge()
        let results = checked.enumerated().map { index, pair in
            let result = pair.1.map { assess($0) } ?? assess(pair.0)
            return result.adding(capFindings[CapLedger.Key(source: 0, index: index)] ?? [])
        }
        return BatchResult(results: results, capTotals: totals)
    }
}

/// Cap entries carried between runs (`--state`) and combined across shards (`sanctions
/// merge`), as JSON. A run with a state file counts the entries of earlier runs and other
/// shards, recomputes its own inputs' entries (so re-running a file never counts it twice)
/// and writes the union back.
public struct CapState: Sendable {
    /// Input names in the order their records rank for ties.
    public private(set) var sources: [String]
    public private(set) var entries: [CapLedger.Entry]
    /// The rule set the entries were computed with.
    public let digest: String

    public init(digest: String) {
        self.digest = digest
        sources = []
        entries = []
    }

    /// The rank of an input, adding it at the end when new.
    public mutating func rank(of source: String) -> Int {
        if let index = sources.firstIndex(of: source) { return index }
        sources.append(source)
        return sources.count - 1
    }

    /// Drops the entries of these inputs (they are about to be recomputed).
    public mutating func forget(sources names: [String]) {
        let ranks = Set(names.compactMap { sources.firstIndex(of: $0) })
        entries.removeAll { ranks.contains($0.source) }
    }

    public mutating func add(_ new: [CapLedger.Entry]) { entries += new }

    /// Combines states in argument order: inputs keep their first rank; an input present
    /// in several states is taken from the first.
    public static func merge(_ states: [CapState]) throws(CapStateError) -> CapState {
        guard let first = states.first else { throw CapStateError(message: "nothing to merge") }
        var merged = CapState(digest: first.digest)
        for state in states {
            guard state.digest == first.digest else {
                throw CapStateError(message: "the states were made with different rule sets (\(first.digest), \(state.digest)): re-run the shards with the same rules")
            }
            for (rank, source) in state.sources.enumerated() where !merged.sources.contains(source) {
                let newRank = merged.rank(of: source)
                merged.entries += state.entries.filter { $0.source == rank }.map {
                    CapLedger.Entry(rule: $0.rule, source: newRank, index: $0.index, recordID: $0.recordID, date: $0.date,
                                    amounts: $0.amounts, unknown: $0.unknown, uncounted: $0.uncounted)
                }
            }
        }
        return merged
    }

    /// The state as JSON (a stable, documented shape: docs/caps.md).
    public func encoded() -> String {
        let entries = self.entries.sorted { ($0.source, $0.index, $0.rule) < ($1.source, $1.index, $1.rule) }.map { entry in
            JSONWriter.object([
                ("rule", JSONWriter.quote(entry.rule)),
                ("source", JSONWriter.number(entry.source)),
                ("index", JSONWriter.number(entry.index)),
                ("id", JSONWriter.quote(entry.recordID)),
                ("date", JSONWriter.quote(entry.date.description)),
                ("amounts", JSONWriter.object(entry.amounts.keys.sorted().map { ($0, Value.format(entry.amounts[$0] ?? 0)) })),
                ("uncounted", JSONWriter.array(entry.uncounted.sorted().map(JSONWriter.quote))),
                ("unknown", JSONWriter.array(entry.unknown.map { JSONWriter.object([("path", JSONWriter.quote($0.path)), ("need", JSONWriter.quote($0.need))]) })),
            ])
        }
        return JSONWriter.object([
            ("version", "1"),
            ("rules", JSONWriter.quote(digest)),
            ("sources", JSONWriter.array(sources.map(JSONWriter.quote))),
            ("entries", "[\n" + entries.joined(separator: ",\n") + "\n]"),
        ]) + "\n"
    }

    /// Reads a state written by ``encoded()``.
    public static func decode(_ text: String) throws(CapStateError) -> CapState {
        let value: Value
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw CapStateError(message: "not a state file (invalid JSON: \(error.message))")
        }
        guard value["version"] == .number(1), let digest = value["rules"]?.stringValue,
              let sources = value["sources"]?.arrayValue?.compactMap(\.stringValue),
              let list = value["entries"]?.arrayValue else {
            throw CapStateError(message: "not a version 1 state file: expected version, rules, sources and entries")
        }
        var state = CapState(digest: digest)
        state.sources = sources
        for item in list {
            guard let rule = item["rule"]?.stringValue, case .number(let source)? = item["source"],
                  case .number(let index)? = item["index"], let id = item["id"]?.stringValue,
                  let dateText = item["date"]?.stringValue, let date = Day(dateText),
                  case .object(let amounts)? = item["amounts"] else {
                throw CapStateError(message: "a state entry is incomplete: \(item.displayText)")
            }
            var counted: [String: Double] = [:]
            for (measure, amount) in amounts { if case .number(let number) = amount { counted[measure] = number } }
            let unknown = (item["unknown"]?.arrayValue ?? []).compactMap { fact -> MissingFact? in
                guard let path = fact["path"]?.stringValue, let need = fact["need"]?.stringValue else { return nil }
                return MissingFact(path: path, need: need)
            }
            state.entries.append(CapLedger.Entry(rule: rule, source: Int(source), index: Int(index), recordID: id, date: date,
                                                 amounts: counted, unknown: unknown,
                                                 uncounted: Set(item["uncounted"]?.arrayValue?.compactMap(\.stringValue) ?? [])))
        }
        return state
    }
}

/// A state file that cannot be used.
public struct CapStateError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
