/// What one rule concludes about one record, with its reasons: the provision and its
/// citations, the facts that triggered it, the facts still missing, and any exemption.
public struct Finding: Sendable {
    /// The rule's id.
    public var rule: String { storage.rule }
    /// The rule's title.
    public var title: String { storage.title }
    public var verdict: Verdict { storage.verdict }
    public var category: String { storage.category }
    /// The provision: the rule's citations, the enforced paragraph first.
    public var citations: [Citation] { storage.citations }
    /// The rule's message with the record's values filled in.
    public var message: String { storage.message }
    /// Facts that held (the record's values that satisfied the conditions).
    public var because: [Fact] { storage.because }
    /// Facts that would decide the rule or an exemption.
    public var missing: [MissingFact] { storage.missing }
    /// The exemption that applied, or that might apply but cannot be decided.
    public var exemption: ExemptionNote? { storage.exemption }
    /// Whether the rule's content was checked against the resolution text.
    public var status: Rule.Status { storage.status }
    /// For a cap finding: the period's totals at this record.
    public var cap: CapStatus? { storage.cap }
    /// The rule's parts of the finding already encoded, when its title, category, status and
    /// citations are the rule's own (the engine encodes each rule's once; the result stream
    /// copies the bytes).
    var ruleJSON: RuleJSON?
    /// The whole finding as ``ResultJSON/write(_:to:)-(Finding,_)`` writes it, when it was
    /// written as it was judged (``Engine/Detail/json``): the result stream copies these
    /// bytes, and the members above give the rule and verdict alone.
    var encoded: [UInt8]?

    /// The members, shared by the copies of a finding (immutable): a finding is handed from
    /// the evaluation to the result, the ordering and the encoder, and copying one reference
    /// costs less than retaining each of its dozen texts and lists.
    private final class Storage: Sendable {
        let rule: String
        let title: String
        let verdict: Verdict
        let category: String
        let citations: [Citation]
        let message: String
        let because: [Fact]
        let missing: [MissingFact]
        let exemption: ExemptionNote?
        let status: Rule.Status
        let cap: CapStatus?

        init(rule: String, title: String, verdict: Verdict, category: String, citations: [Citation], message: String,
             because: [Fact], missing: [MissingFact], exemption: ExemptionNote?, status: Rule.Status, cap: CapStatus?) {
            self.rule = rule
            self.title = title
            self.verdict = verdict
            self.category = category
            self.citations = citations
            self.message = message
            self.because = because
            self.missing = missing
            self.exemption = exemption
            self.status = status
            self.cap = cap
        }
    }

    private let storage: Storage

    /// Creates a finding.
    public init(rule: String, title: String, verdict: Verdict, category: String, citations: [Citation], message: String,
                because: [Fact], missing: [MissingFact], exemption: ExemptionNote?, status: Rule.Status, cap: CapStatus? = nil) {
        storage = Storage(rule: rule, title: title, verdict: verdict, category: category, citations: citations, message: message,
                          because: because, missing: missing, exemption: exemption, status: status, cap: cap)
    }

    /// A finding of `rule` with its verdict alone (``Engine/Detail/verdicts``): no message,
    /// facts, missing facts or exemption; `ruleJSON`, the rule's parts encoded.
    init(rule: borrowing Rule, verdict: Verdict, ruleJSON: RuleJSON? = nil) {
        self.init(rule: rule.id, title: rule.title, verdict: verdict, category: rule.category, citations: rule.citations,
                  message: "", because: [], missing: [], exemption: nil, status: rule.status)
        self.ruleJSON = ruleJSON
    }
}

/// An exemption considered for a finding.
public struct ExemptionNote: Sendable {
    public enum Status: String, Sendable {
        /// It applies: the finding is `exempt`.
        case applied
        /// It might apply; the facts in `missing` would decide.
        case undecided
    }

    /// The exemption's id (`wind-down` for a rule's wind-down).
    public let id: String
    public let title: String
    /// The text that grants it.
    public let citations: [Citation]
    public let status: Status
    /// Facts that made it apply (for `applied`).
    public let because: [Fact]
    public let missing: [MissingFact]
    /// `citations` already encoded, when they are the exemption's own (see ``RuleJSON``).
    var citationsJSON: [UInt8]?
}

/// The assessment of one input record: its outcome (the worst finding), its findings,
/// or the reason it could not be read.
public struct RecordResult: Sendable {
    /// The record's id, when it could be read.
    public let id: String?
    /// Its line in the input, when read from a file.
    public let line: Int?
    public let outcome: Outcome
    /// Worst first, then by rule id.
    public let findings: [Finding]
    /// For `outcome == .error`: why the record could not be assessed.
    public let error: String?

    /// Creates a result; `findings` worst first, then by rule id (what ``adding(_:)`` keeps).
    public init(id: String?, line: Int?, outcome: Outcome, findings: [Finding], error: String?) {
        self.id = id
        self.line = line
        self.outcome = outcome
        self.findings = findings
        self.error = error
    }
}
