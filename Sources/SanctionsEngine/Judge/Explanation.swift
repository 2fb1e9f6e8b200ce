/// Why each rule did or did not apply to one record: `sanctions explain`. Built from the
/// same steps as ``Engine/judge(_:by:)`` (kind, in force, conditions, wind-down,
/// exemptions), keeping every step's result instead of only the finding.
///
/// ```swift
/// let engine = Engine(rulebook: try Rulebook.bundled())
/// let record = try Record(json: #"{"id":"r1","kind":"shipment","date":"2018-03-01","from":"KP","to":"VN","goods":[{"hs":"2701"}]}"#)
/// for rule in Explanation(record: record, engine: engine).rules where rule.status == .applies {
///     print(rule.rule, rule.finding?.verdict.rawValue ?? "")
/// }
/// ```
public struct Explanation: Sendable {
    /// One rule considered.
    public struct RuleExplanation: Sendable {
        /// How far the rule got with the record.
        public enum Status: String, Sendable {
            /// The rule is for other record kinds.
            case kindNotCovered = "kind_not_covered"
            /// The record's period lies outside the rule's `in_force` window.
            case notInForce = "not_in_force"
            /// The rule's `when` does not hold.
            case conditionsNotMet = "conditions_not_met"
            /// The rule gives a finding (violation, possible violation, notice or exempt).
            case applies
        }

        /// One exemption weighed (only for rules whose `when` holds or might).
        public struct ExemptionTrace: Sendable {
            /// The exemption's id (`wind-down` for the rule's wind-down).
            public let id: String
            public let title: String
            /// The text that grants it.
            public let citations: [Citation]
            /// Whether it applies: yes (exempt), unknown (undecided), no.
            public let truth: Truth
            /// Its conditions, node by node (nil for the wind-down).
            public let trace: ConditionTrace?
            /// For the wind-down: the facts that decided it, in words.
            public let facts: [Fact]
            /// The facts that would decide it, when undecided.
            public let missing: [MissingFact]
        }

        /// The rule's id.
        public let rule: String
        public let title: String
        /// The rule's citations, the enforced paragraph first.
        public let citations: [Citation]
        public let status: Status
        /// One sentence: why this status.
        public let reason: String
        /// The rule's window in words: `2017-08-05 onwards`, `2016-03-02 to 2016-11-29`.
        public let window: String
        /// For a rule out of force: the version of the provision in force on the record's
        /// date (its `superseded_by` chain), when there is one.
        public let versionInForce: String?
        /// The rule's `when`, node by node (nil when kind or date already ruled it out).
        public let when: ConditionTrace?
        /// The wind-down and each exemption, weighed only when `when` holds or might.
        public let exemptions: [ExemptionTrace]
        /// What the engine concludes (nil unless `status == .applies`).
        public let finding: Finding?
    }

    /// The record explained.
    public let record: Record
    /// The record's outcome from these rules (caps across a batch are not part of it).
    public let outcome: Outcome
    /// Every rule of the rulebook (or those asked for), by id.
    public let rules: [RuleExplanation]

    /// Explains `record` against every rule of the engine's rulebook, or only `ruleIDs`.
    public init(record: Record, engine: Engine, ruleIDs: Set<String>? = nil) {
        self.record = record
        let all = engine.rulebook.rules
        let chosen = ruleIDs.map { ids in all.filter { ids.contains($0.id) } } ?? all
        rules = chosen.map { Explanation.explain(record, by: $0, engine: engine, all: all) }
        outcome = engine.assess(record).outcome
    }

    static func describe(_ inForce: InForce) -> String {
        "\(inForce.from)" + (inForce.until.map { " to \($0)" } ?? " onwards")
    }

    static func explain(_ record: Record, by rule: Rule, engine: Engine, all: [Rule]) -> RuleExplanation {
        let window = describe(rule.inForce)
        func result(_ status: RuleExplanation.Status, _ reason: String, version: String? = nil, when: ConditionTrace? = nil,
                    exemptions: [RuleExplanation.ExemptionTrace] = [], finding: Finding? = nil) -> RuleExplanation {
            RuleExplanation(rule: rule.id, title: rule.title, citations: rule.citations, status: status, reason: reason,
                            window: window, versionInForce: version, when: when, exemptions: exemptions, finding: finding)
        }
        guard rule.appliesTo.contains(record.kind) else {
            return result(.kindNotCovered, "the rule is for \(rule.appliesTo.map(\.rawValue).joined(separator: ", ")) records, not \(record.kind.rawValue)")
        }
        let period = record.periodEnd == record.date ? "\(record.date)" : "\(record.date) to \(record.periodEnd)"
        guard rule.inForce.covers(start: record.date, end: record.periodEnd) else {
            let version = versions(of: rule, among: all).first { $0.id != rule.id && $0.inForce.covers(start: record.date, end: record.periodEnd) }
            let side = record.periodEnd < rule.inForce.from ? "before the rule was in force" : "after the rule stopped applying"
            let reason = "the record (\(period)) is \(side) (\(window))"
                + (version.map { "; the version in force then is \($0.id) (\(describe($0.inForce)))" } ?? "")
            return result(.notInForce, reason, version: version?.id)
        }
        let evaluator = Evaluator(record: record)
        let when = evaluator.trace(rule.condition)
        guard when.truth != .no else {
            let failed = when.deciding.map { leaf in
                leaf.facts.isEmpty ? leaf.label : "\(leaf.label) — record: " + leaf.facts.map { "\($0.path) = \($0.value)" }.joined(separator: ", ")
            }
            return result(.conditionsNotMet, "a condition does not hold: " + failed.joined(separator: "; "), when: when)
        }
        var exemptions: [RuleExplanation.ExemptionTrace] = []
        if let windDown = rule.inForce.windDown {
            let title = "Contract concluded before \(windDown.contractsBefore), performed by \(windDown.until)"
            let citations = windDown.citations.isEmpty ? Array(rule.citations.prefix(1)) : windDown.citations
            let dateFact = Fact(path: "date", value: record.date.description, test: "on or before \(windDown.until)",
                                holds: record.date <= windDown.until)
            var facts = [dateFact]
            var missing: [MissingFact] = []
            var truth = Truth.no
            if dateFact.holds {
                if let text = record.value["contract_date"]?.stringValue, let day = Day(text) {
                    facts.append(Fact(path: "contract_date", value: text, test: "before \(windDown.contractsBefore)", holds: day < windDown.contractsBefore))
                    truth = Truth(day < windDown.contractsBefore)
                } else {
                    truth = .unknown
                    missing.append(MissingFact(path: "contract_date", need: "the wind-down: a contract concluded before \(windDown.contractsBefore) may be performed until \(windDown.until)"))
                }
            }
            exemptions.append(.init(id: "wind-down", title: title, citations: citations, truth: truth, trace: nil, facts: facts, missing: missing))
        }
        for exemption in rule.exemptions {
            let traced = evaluator.trace(exemption.condition)
            exemptions.append(.init(id: exemption.id, title: exemption.title, citations: exemption.citations, truth: traced.truth,
                                    trace: traced, facts: [], missing: []))
        }
        let finding = engine.judge(record, by: rule)
        let reason: String
        switch finding?.verdict {
        case .exempt?: reason = "the conditions \(when.truth == .yes ? "hold" : "may hold"), but exemption \(finding?.exemption?.id ?? "") applies"
        case .possibleViolation?:
            reason = when.truth == .unknown ? "the conditions may hold: facts are missing"
                : "the conditions hold, but an exemption cannot be decided: facts are missing"
        default: reason = "the conditions hold and no exemption applies"
        }
        return result(.applies, reason, when: when, exemptions: exemptions, finding: finding)
    }

    /// Every rule linked to `rule` through `superseded_by`, in either direction.
    static func versions(of rule: Rule, among all: [Rule]) -> [Rule] {
        var group: [Rule] = [rule]
        var changed = true
        while changed {
            changed = false
            for candidate in all where !group.contains(where: { $0.id == candidate.id }) {
                if group.contains(where: { $0.inForce.supersededBy == candidate.id || candidate.inForce.supersededBy == $0.id }) {
                    group.append(candidate)
                    changed = true
                }
            }
        }
        return group.sorted { $0.inForce.from < $1.inForce.from }
    }
}
