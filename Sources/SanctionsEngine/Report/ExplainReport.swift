/// `sanctions explain` output: readable text, or JSON for tools.
public enum ExplainReport {
    /// The record, its outcome, then every rule considered: those that apply first, then
    /// those whose conditions fail, those out of force, and (one line) those for other kinds.
    public static func text(_ explanation: Explanation) -> String {
        let record = explanation.record
        let place = record.line.map { ", line \($0)" } ?? ""
        var lines = ["Record \(record.id) (\(record.kind.rawValue), \(record.date)\(place)): \(TextReport.label(explanation.outcome))"]
        let grouped = Dictionary(grouping: explanation.rules, by: \.status)
        func count(_ status: Explanation.RuleExplanation.Status) -> Int { grouped[status]?.count ?? 0 }
        lines.append("\(explanation.rules.count) rule\(explanation.rules.count == 1 ? "" : "s") considered: \(count(.applies)) apply, \(count(.conditionsNotMet)) conditions not met, "
                     + "\(count(.notInForce)) not in force on the record's date, \(count(.kindNotCovered)) for other record kinds")
        for status in [Explanation.RuleExplanation.Status.applies, .conditionsNotMet, .notInForce] {
            for rule in grouped[status] ?? [] {
                lines.append("")
                lines += render(rule)
            }
        }
        if let others = grouped[.kindNotCovered], !others.isEmpty {
            lines.append("")
            lines.append("Not for \(record.kind.rawValue) records: " + others.map(\.rule).joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(_ rule: Explanation.RuleExplanation) -> [String] {
        var lines = ["\(rule.rule) — \(rule.title) (\(rule.citations.first?.text ?? ""))"]
        switch rule.status {
        case .applies:
            let verdict = rule.finding.map { TextReport.label(Outcome($0.verdict)) } ?? "?"
            lines.append("  applies: \(verdict) — \(rule.reason)")
        case .conditionsNotMet: lines.append("  does not apply: \(rule.reason)")
        case .notInForce: lines.append("  not in force: \(rule.reason)")
        case .kindNotCovered: lines.append("  not for this kind: \(rule.reason)")
        }
        if rule.status != .notInForce { lines.append("  in force: \(rule.window)") }
        if let when = rule.when {
            lines.append("  when:")
            lines += tree(when, depth: 2)
        }
        for exemption in rule.exemptions {
            let state: String
            switch exemption.truth {
            case .yes: state = "applies"
            case .unknown: state = "undecided"
            case .no: state = "does not apply"
            }
            lines.append("  exemption \(exemption.id) \(state): \(exemption.title) (\(exemption.citations.map(\.text).joined(separator: "; ")))")
            if let trace = exemption.trace { lines += tree(trace, depth: 2) }
            for fact in exemption.facts { lines.append("    [\(fact.holds ? "yes" : "no")] \(fact.path) = \(fact.value) — needs \(fact.test)") }
            for missing in exemption.missing { lines.append("    missing: \(missing.path) — needed to decide \(missing.need)") }
        }
        if let finding = rule.finding {
            lines.append("  finding: \(finding.message)")
            for missing in finding.missing { lines.append("  missing: \(missing.path) — needed to decide \(missing.need)") }
        }
        return lines
    }

    /// One line per node: `[yes|no|?] what the rule asks — the record's values`.
    static func tree(_ trace: ConditionTrace, depth: Int) -> [String] {
        let indent = String(repeating: "  ", count: depth)
        let mark: String
        switch trace.truth {
        case .yes: mark = "[yes]"
        case .no: mark = "[no] "
        case .unknown: mark = "[?]  "
        }
        var values = trace.facts.map { "\($0.path) = \($0.value)" }
        values += trace.missing.map { "\($0.path) not given" }
        let detail = values.isEmpty ? "" : " — record: " + values.joined(separator: ", ")
        var lines = ["\(indent)\(mark) \(trace.label)\(detail)"]
        for child in trace.children { lines += tree(child, depth: depth + 1) }
        return lines
    }

    /// `{"record":{id,kind,date,line},"outcome","rules":[{rule,title,citations,status,reason,window,version_in_force,when,exemptions,finding}]}`.
    public static func json(_ explanation: Explanation) -> String {
        let record = explanation.record
        let rules = explanation.rules.map { rule in
            JSONWriter.object([
                ("rule", JSONWriter.quote(rule.rule)),
                ("title", JSONWriter.quote(rule.title)),
                ("citations", JSONWriter.array(rule.citations.map(ResultJSON.encode))),
                ("status", JSONWriter.quote(rule.status.rawValue)),
                ("reason", JSONWriter.quote(rule.reason)),
                ("in_force", JSONWriter.quote(rule.window)),
                ("version_in_force", rule.versionInForce.map(JSONWriter.quote)),
                ("when", rule.when.map(encode)),
                ("exemptions", rule.when == nil ? nil : JSONWriter.array(rule.exemptions.map { exemption in
                    JSONWriter.object([
                        ("id", JSONWriter.quote(exemption.id)),
                        ("title", JSONWriter.quote(exemption.title)),
                        ("citations", JSONWriter.array(exemption.citations.map(ResultJSON.encode))),
                        ("truth", JSONWriter.quote(exemption.truth.rawValue)),
                        ("when", exemption.trace.map(encode)),
                        ("facts", JSONWriter.array(exemption.facts.map(ResultJSON.encode))),
                        ("missing", JSONWriter.array(exemption.missing.map(ResultJSON.encode))),
                    ])
                })),
                ("finding", rule.finding.map(ResultJSON.encode)),
            ])
        }
        return JSONWriter.object([
            ("record", JSONWriter.object([
                ("id", JSONWriter.quote(record.id)),
                ("kind", JSONWriter.quote(record.kind.rawValue)),
                ("date", JSONWriter.quote(record.date.description)),
                ("line", record.line.map(JSONWriter.number)),
            ])),
            ("outcome", JSONWriter.quote(explanation.outcome.rawValue)),
            ("rules", JSONWriter.array(rules)),
        ])
    }

    static func encode(_ trace: ConditionTrace) -> String {
        JSONWriter.object([
            ("kind", JSONWriter.quote(trace.kind.rawValue)),
            ("truth", JSONWriter.quote(trace.truth.rawValue)),
            ("label", JSONWriter.quote(trace.label)),
            ("facts", trace.facts.isEmpty ? nil : JSONWriter.array(trace.facts.map(ResultJSON.encode))),
            ("missing", trace.missing.isEmpty ? nil : JSONWriter.array(trace.missing.map(ResultJSON.encode))),
            ("children", trace.children.isEmpty ? nil : JSONWriter.array(trace.children.map(encode))),
        ])
    }
}
