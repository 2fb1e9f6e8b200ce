/// Results as an analyst reads them on a terminal.
public enum TextReport {
    /// One record's result: a header line, then each finding with its citation, message,
    /// the facts that triggered it, the facts missing and any exemption.
    public static func render(_ result: RecordResult) -> String {
        render(result) { finding, lines in
            let citations = finding.citations.map(\.text).joined(separator: "; ")
            lines.append("  \(label(Outcome(finding.verdict))) \(finding.rule) — \(citations)")
            lines.append("    \(finding.message)")
            if finding.status == .unverified { lines.append("    (rule marked unverified: see its note)") }
            let facts = finding.because.filter(\.holds)
            if !facts.isEmpty {
                lines.append("    because: " + facts.map { "\($0.path) = \($0.value) (\($0.test))" }.joined(separator: "; "))
            }
            for missing in finding.missing { lines.append("    missing: \(missing.path) — needed to decide \(missing.need)") }
            if let exemption = finding.exemption {
                let cited = exemption.citations.map(\.text).joined(separator: "; ")
                lines.append("    exemption \(exemption.status.rawValue): \(exemption.id) — \(exemption.title) (\(cited))")
            }
        }
    }

    /// One record's result in brief (`assess --brief`): the header line, then a line per
    /// finding with its verdict, rule, the paragraph it enforces and, for a cap finding,
    /// the period's total after the record.
    public static func renderBrief(_ result: RecordResult) -> String {
        render(result) { finding, lines in
            let unverified = finding.status == .unverified ? " (rule unverified)" : ""
            let cap = finding.cap.map { " (cap \($0.period): \(CapLedger.format($0.after)) of \(CapLedger.format($0.limit.amount)) \($0.limit.measure))" } ?? ""
            lines.append("  \(label(Outcome(finding.verdict))) \(finding.rule) — \(finding.citations.first?.text ?? "")\(cap)\(unverified)")
        }
    }

    /// The header line (`id (line N): OUTCOME`), then the lines `finding` adds for each
    /// finding; for an error, the reason the record could not be read.
    private static func render(_ result: RecordResult, finding: (Finding, inout [String]) -> Void) -> String {
        let place = result.line.map { " (line \($0))" } ?? ""
        let header = "\(result.id ?? "(no id)")\(place): \(label(result.outcome))"
        if result.outcome == .error { return header + "\n  " + (result.error ?? "unreadable record") + "\n" }
        var lines = [header]
        for each in result.findings { finding(each, &lines) }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func render(_ summary: RunSummary) -> String {
        let counts = Outcome.allCases.map { "\($0.rawValue) \(summary.count(of: $0))" }.joined(separator: ", ")
        var text = "\(summary.records) records: \(counts)\nrules: \(summary.ruleCount) (\(summary.ruleDigest)); engine \(EngineInfo.version)\n"
        if !summary.capTotals.isEmpty { text += "caps:\n" }
        for total in summary.capTotals {
            let lines = total.lines.map { line in
                "\(CapLedger.format(line.total)) of \(line.limit)"
                    + (line.unknownRecords > 0 ? " (+ \(line.unknownRecords) record(s) not counted)" : "")
                    + (line.crossedBy.map { ", exceeded by \($0)" } ?? "")
            }
            text += "  \(total.rule) \(total.period): \(lines.joined(separator: "; ")) over \(total.records) record(s)\n"
        }
        return text
    }

    static func label(_ outcome: Outcome) -> String {
        switch outcome {
        case .violation: return "VIOLATION"
        case .possibleViolation: return "POSSIBLE VIOLATION"
        case .notice: return "NOTICE"
        case .exempt: return "EXEMPT"
        case .clear: return "clear"
        case .error: return "ERROR"
        }
    }
}
