/// The impact of a rule change (`sanctions diff`): both rule sets judge the same case
/// records and record files, and every record whose outcome or citations differ is
/// listed with its before and after. A documented case that changes is what a review
/// must look at first.
///
/// ```swift
/// let diff = RuleDiff.run(old: try Rulebook.load(directories: ["Rules"]),
///                         new: try Rulebook.load(directories: ["draft-rules"]),
///                         cases: try CaseFile.load(paths: ["Fixtures/cases"]), inputs: [])
/// print(diff.changes.count, diff.documentedChanges.count)
/// ```
public struct RuleDiff: Sendable {
    /// What one rule set concluded about one record.
    public struct Snapshot: Sendable, Equatable {
        public let outcome: Outcome
        /// One line per finding, worst first: `violation DPRK-… (UNSCR 2371 (2017), para. 8)`.
        public let findings: [String]
        /// Every citation of every finding, with its verdict: what the comparison looks at.
        public let citations: [String]

        init(_ result: RecordResult) {
            if result.outcome == .error {
                self.init(outcome: .error, findings: [result.error ?? "unreadable record"], citations: [])
                return
            }
            self.init(outcome: result.outcome,
                      findings: result.findings.map { "\($0.verdict.rawValue) \($0.rule) (\($0.citations.map(\.text).joined(separator: "; ")))" },
                      citations: Set(result.findings.flatMap { finding in finding.citations.map { "\(finding.verdict.rawValue): \($0.text)" } }).sorted())
        }

        init(outcome: Outcome, findings: [String], citations: [String]) {
            self.outcome = outcome
            self.findings = findings
            self.citations = citations
        }

        /// Whether the outcome or the citations differ (the wording of a message does not count).
        func differs(from other: Snapshot) -> Bool { outcome != other.outcome || citations != other.citations }
    }

    /// A record whose outcome or citations change.
    public struct Change: Sendable {
        /// The case id, or the record file.
        public let source: String
        public let record: String
        public let position: SourcePosition
        /// For a case record: the outcome the case documents.
        public let expected: Outcome?
        /// What the old rules concluded.
        public let before: Snapshot
        /// What the new rules conclude.
        public let after: Snapshot

        /// Whether the record belongs to a documented case.
        public var documented: Bool { expected != nil }
    }

    /// Rule ids only in the new set.
    public let added: [String]
    /// Rule ids only in the old set.
    public let removed: [String]
    /// How many records both rule sets judged.
    public let recordsCompared: Int
    /// Every record whose outcome or citations change: case records first, in case order.
    public let changes: [Change]

    /// The changes to records of documented cases: any one fails `sanctions diff`.
    public var documentedChanges: [Change] { changes.filter(\.documented) }

    /// Judges the cases (each one batch, as `sanctions test` does) and each input (one
    /// batch per file) by both rule sets.
    public static func run(old: Rulebook, new: Rulebook, cases: [HistoricalCase],
                           inputs: [(name: String, records: [RawRecord])]) -> RuleDiff {
        let before = Engine(rulebook: old), after = Engine(rulebook: new)
        var changes: [Change] = []
        var compared = 0
        for historical in cases {
            let raws = historical.records.map { RawRecord(line: $0.position.line, value: .success($0.value)) }
            let old = before.assess(batch: raws).results, new = after.assess(batch: raws).results
            for (index, record) in historical.records.enumerated() {
                compared += 1
                let id = record.value["id"]?.displayText ?? "?"
                let (a, b) = (Snapshot(old[index]), Snapshot(new[index]))
                guard a.differs(from: b) else { continue }
                let expected = historical.expectations.first { $0.record == id }?.outcome
                changes.append(Change(source: historical.id, record: id, position: record.position,
                                      expected: expected ?? a.outcome, before: a, after: b))
            }
        }
        for input in inputs {
            let old = before.assess(batch: input.records).results, new = after.assess(batch: input.records).results
            for (index, raw) in input.records.enumerated() {
                compared += 1
                let (a, b) = (Snapshot(old[index]), Snapshot(new[index]))
                guard a.differs(from: b) else { continue }
                changes.append(Change(source: input.name, record: old[index].id ?? "(line \(raw.line))",
                                      position: SourcePosition(file: input.name, line: raw.line, column: 1),
                                      expected: nil, before: a, after: b))
            }
        }
        let oldIDs = Set(old.rules.map(\.id)), newIDs = Set(new.rules.map(\.id))
        return RuleDiff(added: newIDs.subtracting(oldIDs).sorted(), removed: oldIDs.subtracting(newIDs).sorted(),
                        recordsCompared: compared, changes: changes)
    }
}
