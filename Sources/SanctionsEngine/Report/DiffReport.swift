/// `sanctions diff` output: text for a terminal, Markdown for a review comment.
public enum DiffReport {
    /// Rules added and removed, each change with its findings before and after, and a
    /// closing count.
    public static func text(_ diff: RuleDiff) -> String {
        var lines: [String] = []
        if !diff.added.isEmpty { lines.append("rules added: " + diff.added.joined(separator: ", ")) }
        if !diff.removed.isEmpty { lines.append("rules removed: " + diff.removed.joined(separator: ", ")) }
        for change in diff.changes {
            let tag = change.documented ? "CASE " : ""
            lines.append("")
            lines.append("\(tag)\(change.source) / \(change.record) (\(change.position)): \(change.before.outcome.rawValue) → \(change.after.outcome.rawValue)"
                         + (change.expected.map { " (documented: \($0.rawValue))" } ?? ""))
            lines.append("  before: " + (change.before.findings.isEmpty ? "no findings" : change.before.findings.joined(separator: "; ")))
            lines.append("  after:  " + (change.after.findings.isEmpty ? "no findings" : change.after.findings.joined(separator: "; ")))
        }
        if !lines.isEmpty { lines.append("") }
        lines.append(summary(diff))
        return lines.joined(separator: "\n") + "\n"
    }

    /// A heading, the count, and a table of the changes, documented cases in bold.
    public static func markdown(_ diff: RuleDiff) -> String {
        var lines = ["### Rule change impact", "", summary(diff), ""]
        if !diff.added.isEmpty { lines.append("Rules added: " + diff.added.map { "`\($0)`" }.joined(separator: ", ") + "  ") }
        if !diff.removed.isEmpty { lines.append("Rules removed: " + diff.removed.map { "`\($0)`" }.joined(separator: ", ") + "  ") }
        if !diff.changes.isEmpty {
            if !diff.added.isEmpty || !diff.removed.isEmpty { lines.append("") }
            lines.append("| | record | before | after |")
            lines.append("|---|---|---|---|")
            for change in diff.changes {
                let mark = change.documented ? "**case**" : ""
                let record = "`\(cell(change.source))` / `\(cell(change.record))`"
                    + (change.expected.map { "<br>documented: \($0.rawValue)" } ?? "")
                lines.append("| \(mark) | \(record) | \(describe(change.before)) | \(describe(change.after)) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func summary(_ diff: RuleDiff) -> String {
        let documented = diff.documentedChanges.count
        return "\(diff.changes.count) of \(diff.recordsCompared) records change; \(documented) in documented cases"
    }

    static func describe(_ snapshot: RuleDiff.Snapshot) -> String {
        "**\(snapshot.outcome.rawValue)**" + snapshot.findings.map { "<br>" + cell($0) }.joined()
    }

    static func cell(_ text: String) -> String {
        String(text.flatMap { $0 == "|" ? ["\\", "|"] : $0 == "\n" ? [" "] : [$0] })
    }
}
