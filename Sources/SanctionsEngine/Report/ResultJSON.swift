/// The JSON shape of results: a contract documented in `docs/output.md`.
public enum ResultJSON {
    /// One result object: `{"id","line","outcome","findings":[…]}`, or for a record that
    /// cannot be read `{"id"?,"line","outcome":"error","error":"…"}`.
    public static func encode(_ result: RecordResult) -> String { text(result, write) }

    /// Appends the result object's UTF-8 bytes (the text ``encode(_:)-swift.type.method``
    /// returns) to `out`: the streaming path, without building strings.
    public static func write(_ result: RecordResult, to out: inout JSONBytes) {
        write(result, findings: write, to: &out)
    }

    /// The result object with each finding written by `finding`.
    private static func write(_ result: RecordResult, findings finding: (Finding, inout JSONBytes) -> Void,
                              to out: inout JSONBytes) {
        out.raw("{")
        var first = true
        if let id = result.id { out.key("id", first: &first); out.quote(id) }
        if let line = result.line { out.key("line", first: &first); out.number(line) }
        out.key("outcome", first: &first)
        out.raw(result.outcome.quotedJSON)
        if result.outcome == .error {
            out.key("error", first: &first)
            out.quote(result.error ?? "unreadable record")
        } else {
            out.key("findings", first: &first)
            out.array(result.findings, finding)
        }
        out.raw("}")
    }

    /// Appends the result object in brief (`assess --brief`, ``Engine/Detail/verdicts``):
    /// `{"id","line","outcome","findings":[{"rule","verdict","status","citation","cap"?}]}`
    /// with `citation` the text of the paragraph the rule enforces; errors as in full.
    public static func writeBrief(_ result: RecordResult, to out: inout JSONBytes) {
        write(result, findings: writeBrief, to: &out)
    }

    static func writeBrief(_ finding: Finding, to out: inout JSONBytes) {
        if let encoded = finding.ruleJSON, finding.cap == nil {
            // The whole finding: the rule's parts around its verdict, encoded once per verdict.
            out.raw(encoded.brief(finding.verdict))
            return
        }
        if let encoded = finding.ruleJSON {
            out.raw(encoded.briefHead)
            out.raw(finding.verdict.quotedJSON)
            out.raw(encoded.briefTail)
        } else {
            writeBriefHead(rule: finding.rule, to: &out)
            out.raw(finding.verdict.quotedJSON)
            writeBriefTail(status: finding.status, citation: finding.citations.first, to: &out)
        }
        if let cap = finding.cap {
            out.raw(",\"cap\":")
            write(cap, to: &out)
        }
        out.raw("}")
    }

    static func encode(_ finding: Finding) -> String { text(finding, write) }

    static func write(_ finding: Finding, to out: inout JSONBytes) {
        if let encoded = finding.encoded {
            out.raw(encoded)
            return
        }
        writeOpening(finding.ruleJSON, rule: finding.rule, title: finding.title, verdict: finding.verdict,
                     category: finding.category, status: finding.status, citations: finding.citations, to: &out)
        out.raw(",\"message\":")
        out.quote(finding.message)
        writeReasons(because: finding.because, missing: finding.missing, exemption: finding.exemption, to: &out)
        if let cap = finding.cap {
            out.raw(",\"cap\":")
            write(cap, to: &out)
        }
        out.raw("}")
    }

    /// A finding's members up to its message: `{"rule":…,"title":…,"verdict":…,"category":…,
    /// "status":…,"citations":[…]`, copied from `encoded` (the rule's parts) when given.
    static func writeOpening(_ encoded: RuleJSON?, rule: String, title: String, verdict: Verdict, category: String,
                             status: Rule.Status, citations: [Citation], to out: inout JSONBytes) {
        if let encoded {
            out.raw(encoded.head)
            out.raw(verdict.quotedJSON)
            out.raw(encoded.tail)
        } else {
            writeHead(rule: rule, title: title, to: &out)
            out.raw(verdict.quotedJSON)
            writeTail(category: category, status: status, citations: citations, to: &out)
        }
    }

    /// A finding's members after its message: `,"because":[…],"missing":[…],"exemption":…`.
    static func writeReasons(because: [Fact], missing: [MissingFact], exemption: ExemptionNote?, to out: inout JSONBytes) {
        out.raw(",\"because\":")
        out.array(because, write)
        writeMissingAndExemption(missing, exemption, to: &out)
    }

    /// What follows a finding's first fact when that fact is written apart (the rule in
    /// force on the record's date, ``Engine``): `,`-led facts of `because`,
    /// `],"missing":[…],"exemption":…`.
    static func writeReasons(afterFirst because: [Fact], missing: [MissingFact], exemption: ExemptionNote?,
                             to out: inout JSONBytes) {
        because.withUnsafeBufferPointer { facts in
            for fact in facts {
                out.raw(",")
                write(fact, to: &out)
            }
        }
        out.raw("]")
        writeMissingAndExemption(missing, exemption, to: &out)
    }

    private static func writeMissingAndExemption(_ missing: [MissingFact], _ exemption: ExemptionNote?, to out: inout JSONBytes) {
        out.raw(",\"missing\":")
        out.array(missing, write)
        out.raw(",\"exemption\":")
        if let exemption { write(exemption, to: &out) } else { out.raw("null") }
    }

    // A finding's members around its verdict (the rule's own, which ``RuleJSON`` encodes once).

    /// `{"rule":…,"title":…,"verdict":`
    static func writeHead(rule: String, title: String, to out: inout JSONBytes) {
        out.raw("{\"rule\":")
        out.quote(rule)
        out.raw(",\"title\":")
        out.quote(title)
        out.raw(",\"verdict\":")
    }

    /// `,"category":…,"status":…,"citations":[…]`
    static func writeTail(category: String, status: Rule.Status, citations: [Citation], to out: inout JSONBytes) {
        out.raw(",\"category\":")
        out.quote(category)
        out.raw(",\"status\":")
        out.quote(status.rawValue)
        out.raw(",\"citations\":")
        out.array(citations, write)
    }

    /// In brief, `{"rule":…,"verdict":`
    static func writeBriefHead(rule: String, to out: inout JSONBytes) {
        out.raw("{\"rule\":")
        out.quote(rule)
        out.raw(",\"verdict\":")
    }

    /// In brief, `,"status":…,"citation":…` (no citation: none).
    static func writeBriefTail(status: Rule.Status, citation: Citation?, to out: inout JSONBytes) {
        out.raw(",\"status\":")
        out.quote(status.rawValue)
        if let citation {
            out.raw(",\"citation\":")
            out.quote(citation.text)
        }
    }

    static func encode(_ cap: CapStatus) -> String { text(cap, write) }

    static func write(_ cap: CapStatus, to out: inout JSONBytes) {
        out.raw("{\"period\":")
        out.quote(cap.period)
        out.raw(",\"limit\":")
        out.raw(string: Value.format(cap.limit.amount))
        out.raw(",\"measure\":")
        out.quote(cap.limit.measure)
        out.raw(",\"before\":")
        out.raw(string: Value.format(cap.before))
        out.raw(",\"amount\":")
        out.raw(string: Value.format(cap.amount))
        out.raw(",\"after\":")
        out.raw(string: Value.format(cap.after))
        out.raw("}")
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

    static func encode(_ citation: Citation) -> String { text(citation, write) }

    static func write(_ citation: Citation, to out: inout JSONBytes) {
        out.raw("{\"resolution\":")
        out.number(citation.resolution)
        out.raw(",\"year\":")
        out.number(citation.year)
        out.raw(",\"paragraph\":")
        out.quoteOrNull(citation.paragraph)
        if let subparagraph = citation.subparagraph {
            out.raw(",\"subparagraph\":")
            out.quote(subparagraph)
        }
        out.raw(",\"annex\":")
        out.quoteOrNull(citation.annex)
        out.raw(",\"obligation\":")
        out.quote(citation.obligation.rawValue)
        out.raw(",\"text\":")
        out.quote(citation.text)
        if let summary = citation.summary {
            out.raw(",\"summary\":")
            out.quote(summary)
        }
        out.raw("}")
    }

    static func encode(_ fact: Fact) -> String { text(fact, write) }

    static func encode(_ missing: MissingFact) -> String { text(missing, write) }

    /// The JSON text one of the `write` functions gives.
    static func text<Value>(_ value: Value, _ write: (Value, inout JSONBytes) -> Void) -> String {
        var out = JSONBytes()
        write(value, &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    static func write(_ fact: Fact, to out: inout JSONBytes) {
        out.raw("{\"path\":")
        out.quote(fact.path)
        out.raw(",\"value\":")
        out.quote(fact.value)
        out.raw(",\"test\":")
        out.quote(fact.test)
        out.raw(fact.holds ? ",\"holds\":true}" : ",\"holds\":false}")
    }

    static func write(_ missing: MissingFact, to out: inout JSONBytes) {
        if let json = missing.json {
            out.raw(json)
            return
        }
        out.raw("{\"path\":")
        out.quote(missing.path)
        out.raw(",\"need\":")
        out.quote(missing.need)
        out.raw("}")
    }

    /// The missing fact at `path`, needed for `need`, with its JSON as
    /// ``write(_:to:)-(MissingFact,_)`` writes it (``MissingFact/json``), in a list of one:
    /// what a rule's test misses on every record that lacks its fact, made once.
    static func missingFact(path: String, need: String) -> [MissingFact] {
        var out = JSONBytes(capacity: 32 + path.utf8.count + need.utf8.count)
        write(MissingFact(path: path, need: need), to: &out)
        return [MissingFact(path: path, need: need, json: out.take())]
    }

    static func write(_ note: ExemptionNote, to out: inout JSONBytes) {
        out.raw("{\"id\":")
        out.quote(note.id)
        out.raw(",\"title\":")
        out.quote(note.title)
        out.raw(",\"status\":")
        out.quote(note.status.rawValue)
        out.raw(",\"citations\":")
        if let encoded = note.citationsJSON {
            out.raw(encoded)
        } else {
            out.array(note.citations, write)
        }
        out.raw(",\"because\":")
        out.array(note.because, write)
        out.raw(",\"missing\":")
        out.array(note.missing, write)
        out.raw("}")
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
    /// Records by outcome (outcomes no record had are left out).
    public var outcomes: [Outcome: Int] {
        var counted: [Outcome: Int] = [:]
        for outcome in Outcome.allCases where count(of: outcome) > 0 { counted[outcome] = count(of: outcome) }
        return counted
    }
    /// Records by outcome, in the order of `Outcome.allCases` (counted once a record, so
    /// without hashing an outcome's name).
    private var outcomeCounts = [Int](repeating: 0, count: Outcome.allCases.count)
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
        add(result.outcome, input: -1)
    }

    /// Counts a result read from the input at position `input` of ``inputs``.
    public mutating func add(_ result: RecordResult, input: Int) {
        add(result.outcome, input: input)
    }

    /// Counts a result, by its outcome, read from the input at position `input` of ``inputs``.
    public mutating func add(_ outcome: Outcome, input: Int) {
        records += 1
        outcomeCounts[outcome.ordinal] += 1
        if recordsPerInput.indices.contains(input) { recordsPerInput[input] += 1 }
    }

    /// Records with this outcome.
    public func count(of outcome: Outcome) -> Int { outcomeCounts[outcome.ordinal] }

    /// Records that could not be read or lack `id`, `kind` or `date`.
    public var errors: Int { count(of: .error) }
    /// Records judged by the rules: `records` is always `assessed + errors`.
    public var assessed: Int { records - errors }
}

/// The parts of a rule's findings that are the rule's own, encoded once per rule set (the
/// engine does it for each rule it indexes): the result stream copies these bytes instead of
/// quoting the same title and citations for every finding. Around the verdict, which varies.
final class RuleJSON: Sendable {
    /// `{"rule":…,"title":…,"verdict":` and `,"category":…,"status":…,"citations":[…]`.
    let head: [UInt8]
    let tail: [UInt8]
    /// In brief: `{"rule":…,"verdict":` and `,"status":…,"citation":…`.
    let briefHead: [UInt8]
    let briefTail: [UInt8]
    /// In brief, a finding without a cap whole, by ``Verdict/ordinal``: what most brief
    /// findings are.
    private let briefFindings: [[UInt8]]
    /// Each exemption's citations (in the rule's order), and the wind-down's.
    let exemptionCitations: [[UInt8]]
    let windDownCitations: [UInt8]
    /// The end of the fact that the rule was in force, after its value (the record's date):
    /// `,"test":"in force … onwards","holds":true}`.
    private let inForceTail: [UInt8]

    /// The fact that the rule was in force on `date` (a finding's first), as
    /// ``ResultJSON/write(_:to:)-(Fact,_)`` writes it: its words encoded once, with the rule's parts.
    func writeInForce(date: String, to out: inout JSONBytes) {
        out.raw("{\"path\":\"date\",\"value\":")
        out.quote(date)
        out.raw(inForceTail)
    }

    /// In brief, the whole finding with `verdict` (and no cap).
    func brief(_ verdict: Verdict) -> [UInt8] { briefFindings[verdict.ordinal] }

    /// The parts of the findings `rule` makes on a record.
    convenience init(_ rule: Rule) {
        self.init(rule: rule, title: rule.title, citations: rule.citations, exemptions: rule.exemptions,
                  windDown: Engine.windDownCitations(of: rule))
    }

    /// The parts of the findings `rule`'s cap makes (``CapLedger/finding(_:parts:)``): the
    /// cap's title and citations; a cap finding has no exemption.
    convenience init(capOf rule: Rule) {
        self.init(rule: rule, title: rule.cap?.title ?? rule.title, citations: rule.cap?.citations ?? [], exemptions: [],
                  windDown: [])
    }

    private init(rule: Rule, title: String, citations: [Citation], exemptions: [Exemption], windDown: [Citation]) {
        var out = JSONBytes()
        ResultJSON.writeHead(rule: rule.id, title: title, to: &out)
        head = out.take()
        ResultJSON.writeTail(category: rule.category, status: rule.status, citations: citations, to: &out)
        tail = out.take()
        ResultJSON.writeBriefHead(rule: rule.id, to: &out)
        let briefHead = out.take()
        self.briefHead = briefHead
        ResultJSON.writeBriefTail(status: rule.status, citation: citations.first, to: &out)
        let briefTail = out.take()
        self.briefTail = briefTail
        briefFindings = Verdict.allCases.map { verdict in
            out.raw(briefHead)
            out.raw(verdict.quotedJSON)
            out.raw(briefTail)
            out.raw("}")
            return out.take()
        }
        exemptionCitations = exemptions.map { exemption in
            out.array(exemption.citations, ResultJSON.write)
            return out.take()
        }
        out.array(windDown, ResultJSON.write)
        windDownCitations = out.take()
        out.raw(",\"test\":")
        out.quote(rule.inForce.words)
        out.raw(",\"holds\":true}")
        inForceTail = out.take()
    }
}
