/// The JSON shape of results: a contract documented in `docs/output.md`.
public enum ResultJSON {
    /// One result object: `{"id","line","outcome","findings":[…]}`, or for a record that
    /// cannot be read `{"id"?,"line","outcome":"error","error":"…"}`.
    public static func encode(_ result: RecordResult) -> String {
        if result.outcome == .error {
            return JSONWriter.object([
                ("id", result.id.map(JSONWriter.quote)),
                ("line", result.line.map(JSONWriter.number)),
                ("outcome", JSONWriter.quote(result.outcome.rawValue)),
                ("error", JSONWriter.quote(result.error ?? "unreadable record")),
            ])
        }
        return JSONWriter.object([
            ("id", result.id.map(JSONWriter.quote)),
            ("line", result.line.map(JSONWriter.number)),
            ("outcome", JSONWriter.quote(result.outcome.rawValue)),
            ("findings", JSONWriter.array(result.findings.map(encode))),
        ])
    }

    static func encode(_ finding: Finding) -> String {
        JSONWriter.object([
            ("rule", JSONWriter.quote(finding.rule)),
            ("title", JSONWriter.quote(finding.title)),
            ("verdict", JSONWriter.quote(finding.verdict.rawValue)),
            ("category", JSONWriter.quote(finding.category)),
            ("status", JSONWriter.quote(finding.status.rawValue)),
            ("citations", JSONWriter.array(finding.citations.map(encode))),
            ("message", JSONWriter.quote(finding.message)),
            ("because", JSONWriter.array(finding.because.map(encode))),
            ("missing", JSONWriter.array(finding.missing.map(encode))),
            ("exemption", finding.exemption.map(encode) ?? "null"),
            ("cap", finding.cap.map(encode)),
        ])
    }

    static func encode(_ cap: CapStatus) -> String {
        JSONWriter.object([
            ("period", JSONWriter.quote(cap.period)),
            ("limit", Value.format(cap.limit.amount)),
            ("measure", JSONWriter.quote(cap.limit.measure)),
            ("before", Value.format(cap.before)),
            ("amount", Value.format(cap.amount)),
            ("after", Value.format(cap.after)),
        ])
    }

    static func encode(_ total: CapLedger.Total) -> String {
        JSONWriter.object([
            ("rule", JSONWriter.quote(total.rule)),
            ("period", JSONWriter.quote(total.period)),
            ("from", JSONWriter.quote(total.window.lowerBound.description)),
            ("until", JSONWriter.quote(total.window.upperBound.description)),
            ("records", JSONWriter.number(total.records)),
            ("limits", JSONWriter.array(total.lines.map { line in
                JSONWriter.object([
                    ("limit", Value.format(line.limit.amount)),
                    ("measure", JSONWriter.quote(line.limit.measure)),
                    ("total", Value.format(line.total)),
                    ("unknown_records", JSONWriter.number(line.unknownRecords)),
                    ("crossed_by", line.crossedBy.map(JSONWriter.quote) ?? "null"),
                ])
            })),
        ])
    }

    static func encode(_ citation: Citation) -> String {
        JSONWriter.object([
            ("resolution", JSONWriter.number(citation.resolution)),
            ("year", JSONWriter.number(citation.year)),
            ("paragraph", citation.paragraph.map(JSONWriter.quote) ?? "null"),
            ("subparagraph", citation.subparagraph.map(JSONWriter.quote)),
            ("annex", citation.annex.map(JSONWriter.quote) ?? "null"),
            ("obligation", JSONWriter.quote(citation.obligation.rawValue)),
            ("text", JSONWriter.quote(citation.text)),
            ("summary", citation.summary.map(JSONWriter.quote)),
        ])
    }

    static func encode(_ fact: Fact) -> String {
        JSONWriter.object([
            ("path", JSONWriter.quote(fact.path)),
            ("value", JSONWriter.quote(fact.value)),
            ("test", JSONWriter.quote(fact.test)),
            ("holds", fact.holds ? "true" : "false"),
        ])
    }

    static func encode(_ missing: MissingFact) -> String {
        JSONWriter.object([("path", JSONWriter.quote(missing.path)), ("need", JSONWriter.quote(missing.need))])
    }

    static func encode(_ note: ExemptionNote) -> String {
        JSONWriter.object([
            ("id", JSONWriter.quote(note.id)),
            ("title", JSONWriter.quote(note.title)),
            ("status", JSONWriter.quote(note.status.rawValue)),
            ("citations", JSONWriter.array(note.citations.map(encode))),
            ("because", JSONWriter.array(note.because.map(encode))),
            ("missing", JSONWriter.array(note.missing.map(encode))),
        ])
    }

    /// The summary of a run: engine version, rule-set digest, counts.
    public static func encode(_ summary: RunSummary) -> String {
        JSONWriter.object([
            ("engine", JSONWriter.object([("name", JSONWriter.quote("sanctions-engine")), ("version", JSONWriter.quote(EngineInfo.version))])),
            ("rules", JSONWriter.object([
                ("count", JSONWriter.number(summary.ruleCount)),
                ("digest", JSONWriter.quote(summary.ruleDigest)),
            ])),
            ("inputs", JSONWriter.array(summary.inputs.map(JSONWriter.quote))),
            ("records", JSONWriter.number(summary.records)),
            ("assessed", JSONWriter.number(summary.assessed)),
            ("errors", JSONWriter.number(summary.errors)),
            ("outcomes", JSONWriter.object(Outcome.allCases.map { ($0.rawValue, JSONWriter.number(summary.count(of: $0))) })),
            ("caps", JSONWriter.array(summary.capTotals.map(encode))),
        ])
    }
}

/// The engine's name and version, stated in every JSON summary.
public enum EngineInfo {
    public static let version = "0.1.0"
}

/// Counts of a run, for the summary.
public struct RunSummary: Sendable {
    public let ruleCount: Int
    public let ruleDigest: String
    public let inputs: [String]
    public private(set) var records = 0
    public private(set) var outcomes: [Outcome: Int] = [:]
    /// Records read from each input, in the order of ``inputs`` (counted by ``add(_:input:)``).
    public private(set) var recordsPerInput: [Int]
    /// Per-period cap totals of the run.
    public var capTotals: [CapLedger.Total] = []

    public init(rulebook: Rulebook, inputs: [String]) {
        ruleCount = rulebook.rules.count
        ruleDigest = rulebook.digest
        self.inputs = inputs
        recordsPerInput = Array(repeating: 0, count: inputs.count)
    }

    /// Counts a result.
    public mutating func add(_ result: RecordResult) {
        records += 1
        outcomes[result.outcome, default: 0] += 1
    }

    /// Counts a result read from the input at position `input` of ``inputs``.
    public mutating func add(_ result: RecordResult, input: Int) {
        add(result)
        if recordsPerInput.indices.contains(input) { recordsPerInput[input] += 1 }
    }

    public func count(of outcome: Outcome) -> Int { outcomes[outcome] ?? 0 }

    /// Records that could not be read or lack `id`, `kind` or `date`.
    public var errors: Int { count(of: .error) }
    /// Records judged by the rules: `records` is always `assessed + errors`.
    public var assessed: Int { records - errors }
}
