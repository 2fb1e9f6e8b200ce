import Foundation

/// A run turned into one document for analysts: a self-contained HTML page (inline CSS
/// and SVG, nothing fetched) or Markdown, with the run's provenance, a summary by outcome
/// and category, every provision that fired with the records under it, every finding
/// with its facts, missing facts and exemptions, a chart per cap period, and the records
/// that could not be read.
///
/// Everything but the run date is a function of the results: the same run gives the
/// same bytes. Record text is escaped (records are untrusted).
///
/// ```swift
/// var entries: [AnalystReport.Entry] = []
/// let run = Run(engine: Engine(rulebook: rulebook), inputs: inputs)
/// let totals = try run.perform { input, result in entries.append(.init(input: input, result: result)) }
/// let html = AnalystReport(summary: totals.summary, entries: entries, rulebook: rulebook,
///                          generated: Date()).html()
/// ```
public struct AnalystReport: Sendable {
    /// One result and the input it was read from (its position in the summary's inputs).
    public struct Entry: Sendable {
        public let input: Int
        public let result: RecordResult

        /// An entry for a result read from input number `input`.
        public init(input: Int, result: RecordResult) {
            self.input = input
            self.result = result
        }
    }

    public let summary: RunSummary
    /// Every result of the run, in input order.
    public let entries: [Entry]
    /// The rules of the run (for the exemptions each provision allows).
    public let rulebook: Rulebook
    /// When the run was made (the only part of the report not fixed by the results).
    public let generated: Date
    /// The cap state the run started from, if any.
    public let stateFile: String?

    /// A report of a run's results.
    public init(summary: RunSummary, entries: [Entry], rulebook: Rulebook, generated: Date, stateFile: String? = nil) {
        self.summary = summary
        self.entries = entries
        self.rulebook = rulebook
        self.generated = generated
        self.stateFile = stateFile
    }

    // MARK: - What the report is made of

    /// A provision that fired and the records under it.
    struct Provision {
        let rule: String
        let title: String
        let category: String
        let citations: [Citation]
        var records: [(entry: Int, verdict: Verdict)]
        var worst: Outcome
    }

    /// Provisions grouped by rule (a cap finding apart from the rule's per-record finding),
    /// worst first, then by rule id.
    var provisions: [Provision] {
        var byKey: [String: Provision] = [:]
        var order: [String] = []
        for (index, entry) in entries.enumerated() {
            for finding in entry.result.findings {
                let key = finding.rule + "\u{0}" + finding.title
                if byKey[key] == nil {
                    order.append(key)
                    byKey[key] = Provision(rule: finding.rule, title: finding.title, category: finding.category,
                                           citations: finding.citations, records: [], worst: .clear)
                }
                guard var provision = byKey[key] else { continue }
                provision.records.append((index, finding.verdict))
                provision.worst = max(provision.worst, Outcome(finding.verdict))
                byKey[key] = provision
            }
        }
        return order.compactMap { byKey[$0] }.sorted {
            $0.worst != $1.worst ? $0.worst > $1.worst : ($0.rule, $0.title) < ($1.rule, $1.title)
        }
    }

    /// Findings by category and verdict, categories in name order.
    var categories: [(category: String, counts: [Verdict: Int], records: Int)] {
        var counts: [String: [Verdict: Int]] = [:]
        var records: [String: Set<Int>] = [:]
        for (index, entry) in entries.enumerated() {
            for finding in entry.result.findings {
                counts[finding.category, default: [:]][finding.verdict, default: 0] += 1
                records[finding.category, default: []].insert(index)
            }
        }
        return counts.keys.sorted().map { ($0, counts[$0] ?? [:], records[$0]?.count ?? 0) }
    }

    /// One chart per limit of each cap period: limits crossed first, then the nearest to
    /// their limit, then in rule order.
    var charts: [(total: CapLedger.Total, line: CapLedger.Total.Line)] {
        let all = summary.capTotals.flatMap { total in total.lines.map { (total: total, line: $0) } }
        func share(_ line: CapLedger.Total.Line) -> Double { line.limit.amount > 0 ? line.total / line.limit.amount : 0 }
        return all.enumerated().sorted { left, right in
            let l = left.element.line, r = right.element.line
            if (l.crossedBy != nil) != (r.crossedBy != nil) { return l.crossedBy != nil }
            if share(l) != share(r) { return share(l) > share(r) }
            return left.offset < right.offset
        }.map(\.element)
    }

    var runDate: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: generated)
    }

    func inputName(_ entry: Entry) -> String {
        summary.inputs.indices.contains(entry.input) ? summary.inputs[entry.input] : "?"
    }

    /// `sample.jsonl, line 3`.
    func place(_ entry: Entry) -> String {
        inputName(entry) + (entry.result.line.map { ", line \($0)" } ?? "")
    }

    static func label(_ verdict: Verdict) -> String { TextReport.label(Outcome(verdict)) }

    /// An exemption the provision allows and what became of it for this finding.
    struct Consideration {
        let id: String
        let title: String
        let citations: [Citation]
        let status: String
    }

    /// The exemptions of the finding's rule (the wind-down first) and their fate: applied,
    /// undecided (missing facts named), or not applying on the facts reported.
    func considered(_ finding: Finding) -> [Consideration] {
        guard finding.cap == nil, let rule = rulebook.rules.first(where: { $0.id == finding.rule }) else { return [] }
        var candidates: [(id: String, title: String, citations: [Citation])] = []
        if let windDown = rule.inForce.windDown {
            candidates.append(("wind-down", "Contract concluded before \(windDown.contractsBefore), performed by \(windDown.until)",
                               windDown.citations.isEmpty ? Array(rule.citations.prefix(1)) : windDown.citations))
        }
        candidates += rule.exemptions.map { ($0.id, $0.title, $0.citations) }
        return candidates.map { candidate in
            let status: String
            if let note = finding.exemption, note.id == candidate.id {
                status = note.status == .applied ? "applies" : "undecided: the facts that would decide it are missing"
            } else if finding.missing.contains(where: { $0.need.hasPrefix("exemption \(candidate.id):") }) {
                status = "undecided: the facts that would decide it are missing"
            } else if finding.verdict == .exempt {
                status = "not needed: another exemption applies"
            } else {
                status = "does not apply on the facts reported"
            }
            return Consideration(id: candidate.id, title: candidate.title, citations: candidate.citations, status: status)
        }
    }

    /// A paragraph an analyst can paste into a report: the record, what it shows, the
    /// provision with its citation, and what is still missing.
    func citedParagraph(_ entry: Entry, _ finding: Finding) -> String {
        let id = entry.result.id ?? "(no id)"
        let date = finding.because.first { $0.path == "date" }?.value
        var text = "Record \(id) (\(place(entry))\(date.map { "; dated \($0)" } ?? "")): \(finding.message)"
        if !text.hasSuffix(".") { text += "." }
        let cited = finding.citations.map(\.text).joined(separator: " and ")
        switch finding.verdict {
        case .violation: text += " On the facts reported, this is a violation of \(cited)"
        case .possibleViolation: text += " On the facts reported, this may be a violation of \(cited)"
        case .notice: text += " This is a matter for notice under \(cited)"
        case .exempt: text += " This falls under \(cited)"
        }
        if let summary = finding.citations.first?.summary {
            text += " (\(summary.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: "."))))"
        }
        text += "."
        if finding.verdict == .exempt, let note = finding.exemption {
            text += " The exemption \"\(note.title)\" (\(note.citations.map(\.text).joined(separator: "; "))) applies."
        }
        if !finding.missing.isEmpty {
            text += " Not reported, and needed to decide: " + finding.missing.map { "\($0.path) (\($0.need))" }.joined(separator: "; ") + "."
        }
        text += " [sanctions-engine \(EngineInfo.version), rule \(finding.rule), rule set \(summary.ruleDigest.prefix(19))]"
        return text
    }

    /// `p3 crossed 500,000 bbl`, or the total and how far it is from the limit.
    static func capLine(_ line: CapLedger.Total.Line) -> String {
        var text = "\(CapLedger.format(line.total)) of \(line.limit)"
        if line.limit.amount > 0 { text += " (\(CapLedger.format(line.total / line.limit.amount * 100)) %)" }
        if let crossed = line.crossedBy { text += "; the limit was crossed by \(crossed)" }
        if line.unknownRecords > 0 { text += "; \(line.unknownRecords) record(s) could not be counted" }
        return text
    }

    // MARK: - HTML

    /// The report as one self-contained HTML5 page, written as well-formed XML (void
    /// elements closed, attributes quoted) so that XML tools can read it too.
    public func html() -> String {
        var out = HTMLWriter()
        out.raw("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        out.element("title", "Sanctions assessment report")
        out.raw("<style>\n" + AnalystReport.css + "</style>\n</head>\n<body>\n")
        out.element("h1", "Sanctions assessment report")
        out.raw("<nav><p>")
        let sections = [("provenance", "Provenance"), ("summary", "Summary"), ("caps", "Caps"),
                        ("provisions", "Provisions that fired"), ("findings", "Findings"), ("errors", "Unreadable records")]
        out.raw(sections.map { "<a href=\"#\($0.0)\">\(Markup.escape($0.1))</a>" }.joined(separator: " · "))
        out.raw("</p></nav>\n")
        htmlProvenance(&out)
        htmlSummary(&out)
        htmlCaps(&out)
        htmlProvisions(&out)
        htmlFindings(&out)
        htmlErrors(&out)
        out.raw("</body>\n</html>\n")
        return out.text
    }

    private func htmlProvenance(_ out: inout HTMLWriter) {
        out.raw("<section id=\"provenance\">\n")
        out.element("h2", "Provenance")
        out.raw("<table class=\"keyed\"><tbody>\n")
        out.row(header: "Engine", ["sanctions-engine \(EngineInfo.version)"])
        out.row(header: "Rule set", ["\(summary.ruleCount) rules, \(summary.ruleDigest)"])
        out.row(header: "Run date", [runDate])
        if let stateFile { out.row(header: "Cap state read", [stateFile + " (capped supplies of earlier runs counted; not written back)"]) }
        out.row(header: "Records", ["\(summary.records)"])
        out.raw("</tbody></table>\n")
        out.raw("<table><thead><tr><th>Input file</th><th class=\"n\">Records</th></tr></thead><tbody>\n")
        for (index, name) in summary.inputs.enumerated() {
            let count = summary.recordsPerInput.indices.contains(index) ? summary.recordsPerInput[index] : 0
            out.raw("<tr><td><code>\(Markup.escape(name))</code></td><td class=\"n\">\(count)</td></tr>\n")
        }
        out.raw("</tbody></table>\n</section>\n")
    }

    private func htmlSummary(_ out: inout HTMLWriter) {
        out.raw("<section id=\"summary\">\n")
        out.element("h2", "Summary")
        out.element("h3", "Records by outcome")
        out.raw("<table><thead><tr><th>Outcome</th><th class=\"n\">Records</th></tr></thead><tbody>\n")
        for outcome in Outcome.allCases {
            out.raw("<tr><td><span class=\"badge o-\(outcome.rawValue)\">\(TextReport.label(outcome))</span></td><td class=\"n\">\(summary.count(of: outcome))</td></tr>\n")
        }
        out.raw("<tr class=\"total\"><td>All records</td><td class=\"n\">\(summary.records)</td></tr>\n</tbody></table>\n")
        out.element("h3", "Findings by category")
        let categories = self.categories
        if categories.isEmpty {
            out.element("p", "No provision fired.")
        } else {
            out.raw("<table><thead><tr><th>Category</th>")
            for verdict in Verdict.allCases { out.raw("<th class=\"n\">\(Markup.escape(AnalystReport.label(verdict)))</th>") }
            out.raw("<th class=\"n\">Records</th></tr></thead><tbody>\n")
            for row in categories {
                out.raw("<tr><td>\(Markup.escape(row.category))</td>")
                for verdict in Verdict.allCases { out.raw("<td class=\"n\">\(row.counts[verdict] ?? 0)</td>") }
                out.raw("<td class=\"n\">\(row.records)</td></tr>\n")
            }
            out.raw("</tbody></table>\n")
        }
        out.raw("</section>\n")
    }

    private func htmlProvisions(_ out: inout HTMLWriter) {
        out.raw("<section id=\"provisions\">\n")
        out.element("h2", "Provisions that fired")
        let provisions = self.provisions
        if provisions.isEmpty { out.element("p", "No provision fired.") }
        for provision in provisions {
            out.raw("<article class=\"provision\">\n")
            out.raw("<h3>\(Markup.escape(provision.citations.first?.text ?? provision.rule)) — \(Markup.escape(provision.title))</h3>\n")
            out.raw("<p class=\"meta\">Rule <code>\(Markup.escape(provision.rule))</code> · \(Markup.escape(provision.category))</p>\n")
            out.raw("<dl class=\"citations\">\n")
            for citation in provision.citations {
                out.raw("<dt>\(Markup.escape(citation.text))\(citation.obligation == .callsUpon ? " (calls upon)" : "")</dt>")
                out.raw("<dd>\(Markup.escape(citation.summary ?? "(no summary)"))</dd>\n")
            }
            out.raw("</dl>\n<p class=\"records\">Records: ")
            out.raw(provision.records.map { item in
                let entry = entries[item.entry]
                return "<a href=\"#r\(item.entry)\">\(Markup.escape(entry.result.id ?? "(no id)"))</a> (\(Markup.escape(AnalystReport.label(item.verdict).lowercased())))"
            }.joined(separator: ", "))
            out.raw("</p>\n</article>\n")
        }
        out.raw("</section>\n")
    }

    private func htmlCaps(_ out: inout HTMLWriter) {
        out.raw("<section id=\"caps\">\n")
        out.element("h2", "Caps")
        if summary.capTotals.isEmpty { out.element("p", "No record of this run counts toward a cap.") }
        for (chart, (total, line)) in charts.enumerated() {
            out.raw("<figure class=\"cap\">\n")
            out.raw(CapChart.svg(total, line: line, id: "cap\(chart + 1)") + "\n")
            out.raw("<figcaption><strong>\(Markup.escape(total.title))</strong> (<code>\(Markup.escape(total.rule))</code>), period \(Markup.escape(total.period)): ")
            out.raw(Markup.escape(AnalystReport.capLine(line)) + ", over \(total.records) record(s).</figcaption>\n</figure>\n")
        }
        out.raw("</section>\n")
    }

    private func htmlFindings(_ out: inout HTMLWriter) {
        out.raw("<section id=\"findings\">\n")
        out.element("h2", "Findings")
        var clear: [String] = []
        for (index, entry) in entries.enumerated() where entry.result.outcome != .error {
            let result = entry.result
            if result.findings.isEmpty {
                clear.append("<span id=\"r\(index)\">\(Markup.escape(result.id ?? "(no id)"))</span>")
                continue
            }
            out.raw("<article class=\"record\" id=\"r\(index)\">\n")
            out.raw("<h3>\(Markup.escape(result.id ?? "(no id)")) <span class=\"badge o-\(result.outcome.rawValue)\">\(TextReport.label(result.outcome))</span></h3>\n")
            out.raw("<p class=\"meta\">\(Markup.escape(place(entry)))</p>\n")
            for finding in result.findings { htmlFinding(&out, entry, finding) }
            out.raw("</article>\n")
        }
        if !clear.isEmpty {
            out.element("h3", "Records with no finding")
            out.raw("<p class=\"clear\">" + clear.joined(separator: ", ") + "</p>\n")
        }
        out.raw("</section>\n")
    }

    private func htmlFinding(_ out: inout HTMLWriter, _ entry: Entry, _ finding: Finding) {
        out.raw("<div class=\"finding\">\n")
        out.raw("<h4><span class=\"badge o-\(Outcome(finding.verdict).rawValue)\">\(AnalystReport.label(finding.verdict))</span> ")
        out.raw("<code>\(Markup.escape(finding.rule))</code> — \(Markup.escape(finding.citations.map(\.text).joined(separator: "; ")))</h4>\n")
        out.raw("<p class=\"message\">\(Markup.escape(finding.message))</p>\n")
        if finding.status == .unverified { out.element("p", "The rule is marked unverified: its content was not fully checked against the resolution text.") }
        if let cap = finding.cap {
            out.raw("<p>Cap, period \(Markup.escape(cap.period)): \(CapLedger.format(cap.before)) before, this record +\(CapLedger.format(cap.amount)), \(CapLedger.format(cap.after)) after, against a limit of \(Markup.escape(cap.limit.description)).</p>\n")
        }
        out.raw("<table class=\"facts\"><caption>Facts that triggered it</caption><thead><tr><th>Field</th><th>Value</th><th>Test</th><th>Holds</th></tr></thead><tbody>\n")
        for fact in finding.because {
            out.raw("<tr><td><code>\(Markup.escape(fact.path))</code></td><td>\(Markup.escape(fact.value))</td><td>\(Markup.escape(fact.test))</td><td>\(fact.holds ? "yes" : "no")</td></tr>\n")
        }
        out.raw("</tbody></table>\n")
        out.raw("<p class=\"sub\">Facts missing</p>\n")
        if finding.missing.isEmpty {
            out.element("p", "None: the facts reported decide it.")
        } else {
            out.raw("<ul class=\"missing\">\n")
            for missing in finding.missing {
                out.raw("<li><code>\(Markup.escape(missing.path))</code> — needed to decide \(Markup.escape(missing.need))</li>\n")
            }
            out.raw("</ul>\n")
        }
        out.raw("<p class=\"sub\">Exemptions considered</p>\n")
        let considered = self.considered(finding)
        if considered.isEmpty {
            out.element("p", finding.cap == nil ? "The provision allows no exemption." : "None: a cap finding is judged on the period's total (supplies the cap does not count are left out of it).")
        } else {
            out.raw("<ul class=\"exemptions\">\n")
            for item in considered {
                out.raw("<li><code>\(Markup.escape(item.id))</code> \(Markup.escape(item.title)) (\(Markup.escape(item.citations.map(\.text).joined(separator: "; ")))): <em>\(Markup.escape(item.status))</em></li>\n")
            }
            out.raw("</ul>\n")
        }
        if let note = finding.exemption, note.status == .applied, !note.because.isEmpty {
            out.raw("<p>The exemption applies because: " + Markup.escape(note.because.map { "\($0.path) = \($0.value) (\($0.test))" }.joined(separator: "; ")) + "</p>\n")
        }
        out.raw("<p class=\"sub\">Cited paragraph</p>\n<blockquote class=\"paste\"><p>\(Markup.escape(citedParagraph(entry, finding)))</p></blockquote>\n")
        out.raw("</div>\n")
    }

    private func htmlErrors(_ out: inout HTMLWriter) {
        out.raw("<section id=\"errors\">\n")
        out.element("h2", "Unreadable records")
        let errors = entries.filter { $0.result.outcome == .error }
        if errors.isEmpty {
            out.element("p", "None: every record was read.")
        } else {
            out.element("p", "\(errors.count) record(s) could not be assessed; every other record was.")
            out.raw("<table><thead><tr><th>Input</th><th class=\"n\">Line</th><th>Id</th><th>Error</th></tr></thead><tbody>\n")
            for entry in errors {
                let line = entry.result.line.map(String.init) ?? ""
                out.raw("<tr><td><code>\(Markup.escape(inputName(entry)))</code></td><td class=\"n\">\(line)</td><td>\(Markup.escape(entry.result.id ?? "(none)"))</td><td>\(Markup.escape(entry.result.error ?? "unreadable record"))</td></tr>\n")
            }
            out.raw("</tbody></table>\n")
        }
        out.raw("</section>\n")
    }

    // Black-and-white first: verdicts are words in boxes whose borders differ, never colour alone.
    static let css = """
    body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 14px; line-height: 1.45; color: #111; max-width: 1060px; margin: 24px auto; padding: 0 16px; }
    h1 { font-size: 24px; margin-bottom: 4px; }
    h2 { font-size: 19px; border-bottom: 2px solid #111; padding-bottom: 2px; margin-top: 32px; }
    h3 { font-size: 16px; margin: 18px 0 4px; }
    h4 { font-size: 14px; margin: 10px 0 4px; }
    nav a { color: #111; }
    code { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
    table { border-collapse: collapse; margin: 6px 0 12px; }
    th, td { border: 1px solid #888; padding: 3px 8px; text-align: left; vertical-align: top; }
    th { background: #eee; }
    td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
    tr.total td { font-weight: bold; }
    table.keyed th { width: 150px; }
    .meta { color: #444; margin: 0 0 6px; }
    .badge { display: inline-block; padding: 0 6px; font-size: 11.5px; font-weight: bold; letter-spacing: 0.03em; border: 1px solid #111; }
    .o-violation { background: #111; color: #fff; border: 2px solid #111; }
    .o-possible_violation { border: 2px dashed #111; }
    .o-notice { border: 2px dotted #111; }
    .o-exempt { border: 1px solid #111; font-weight: normal; }
    .o-clear { border: 1px solid #aaa; font-weight: normal; }
    .o-error { border: 3px double #111; }
    article.record { border-top: 1px solid #bbb; padding-top: 4px; }
    article.provision { margin-bottom: 10px; }
    dl.citations dt { font-weight: bold; }
    dl.citations dd { margin: 0 0 4px 18px; }
    .finding { margin: 8px 0 14px 12px; padding-left: 10px; border-left: 3px solid #999; }
    .finding table.facts caption { text-align: left; font-weight: bold; }
    .sub { font-weight: bold; margin: 8px 0 2px; }
    ul.missing, ul.exemptions { margin: 2px 0 6px; }
    blockquote.paste { margin: 4px 0; padding: 6px 10px; border: 1px dashed #777; background: #fafafa; font-family: Georgia, "DejaVu Serif", serif; }
    figure.cap { margin: 12px 0 20px; }
    figure.cap svg { max-width: 100%; height: auto; border: 1px solid #ccc; }
    figcaption { margin-top: 4px; }
    @media print {
      body { margin: 0; max-width: none; font-size: 11pt; }
      nav { display: none; }
      .o-violation { background: none; color: #000; border: 3px solid #000; }
      article.record, figure.cap, article.provision, .finding { break-inside: avoid; }
    }

    """

    // MARK: - Markdown

    /// The report as Markdown: the same sections; each cap's chart becomes a table of the
    /// running total, record by record.
    public func markdown() -> String {
        var out = "# Sanctions assessment report\n\n## Provenance\n\n"
        out += "| | |\n|---|---|\n"
        out += "| Engine | sanctions-engine \(EngineInfo.version) |\n"
        out += "| Rule set | \(summary.ruleCount) rules, `\(summary.ruleDigest)` |\n"
        out += "| Run date | \(runDate) |\n"
        if let stateFile { out += "| Cap state read | \(md(stateFile)) (not written back) |\n" }
        out += "| Records | \(summary.records) |\n\n"
        out += "| Input file | Records |\n|---|---:|\n"
        for (index, name) in summary.inputs.enumerated() {
            out += "| \(md(name)) | \(summary.recordsPerInput.indices.contains(index) ? summary.recordsPerInput[index] : 0) |\n"
        }
        out += "\n## Summary\n\n| Outcome | Records |\n|---|---:|\n"
        for outcome in Outcome.allCases { out += "| \(TextReport.label(outcome)) | \(summary.count(of: outcome)) |\n" }
        out += "| All records | \(summary.records) |\n\n"
        let categories = self.categories
        if !categories.isEmpty {
            out += "| Category | " + Verdict.allCases.map { AnalystReport.label($0) }.joined(separator: " | ") + " | Records |\n"
            out += "|---|" + Verdict.allCases.map { _ in "---:|" }.joined() + "---:|\n"
            for row in categories {
                out += "| \(md(row.category)) | " + Verdict.allCases.map { String(row.counts[$0] ?? 0) }.joined(separator: " | ") + " | \(row.records) |\n"
            }
            out += "\n"
        }
        out += "## Caps\n\n"
        if summary.capTotals.isEmpty { out += "No record of this run counts toward a cap.\n\n" }
        for (total, line) in charts {
            out += "### \(md(total.title)) (`\(total.rule)`), period \(md(total.period))\n\n"
            out += md(AnalystReport.capLine(line)) + ", over \(total.records) record(s).\n\n"
            out += "| Date | Record | Amount (\(md(line.limit.measure))) | Running total | % of limit | |\n|---|---|---:|---:|---:|---|\n"
            var crossed = false
            var alertsPassed = 0
            for point in line.points {
                var note = ""
                let percent = line.limit.amount > 0 ? point.total / line.limit.amount * 100 : 0
                if !point.counted {
                    note = "not counted"
                } else if point.total > line.limit.amount {
                    note = !crossed && point.recordID == line.crossedBy ? "crossed the limit" : "over the limit"
                    crossed = crossed || point.recordID == line.crossedBy
                } else if let level = total.alerts.dropFirst(alertsPassed).last(where: { percent >= $0 }) {
                    note = "alert \(CapLedger.format(level)) %"
                    alertsPassed = total.alerts.firstIndex(of: level).map { $0 + 1 } ?? alertsPassed
                }
                out += "| \(point.date) | \(md(point.recordID)) | \(CapLedger.format(point.amount)) | \(CapLedger.format(point.total)) | \(CapLedger.format(percent)) | \(note) |\n"
            }
            out += "\n"
        }
        out += "## Provisions that fired\n\n"
        let provisions = self.provisions
        if provisions.isEmpty { out += "No provision fired.\n\n" }
        for provision in provisions {
            out += "### \(md(provision.citations.first?.text ?? provision.rule)) — \(md(provision.title))\n\n"
            out += "Rule `\(provision.rule)` · \(md(provision.category))\n\n"
            for citation in provision.citations { out += "- **\(md(citation.text))**: \(md(citation.summary ?? "(no summary)"))\n" }
            out += "\nRecords: " + provision.records.map { item in
                "\(md(entries[item.entry].result.id ?? "(no id)")) (\(AnalystReport.label(item.verdict).lowercased()))"
            }.joined(separator: ", ") + "\n\n"
        }
        out += "## Findings\n\n"
        var clear: [String] = []
        for entry in entries where entry.result.outcome != .error {
            let result = entry.result
            if result.findings.isEmpty {
                clear.append(md(result.id ?? "(no id)"))
                continue
            }
            out += "### \(md(result.id ?? "(no id)")): \(TextReport.label(result.outcome))\n\n\(md(place(entry)))\n\n"
            for finding in result.findings {
                out += "#### \(AnalystReport.label(finding.verdict)) `\(finding.rule)` — \(md(finding.citations.map(\.text).joined(separator: "; ")))\n\n"
                out += md(finding.message) + "\n\n"
                if let cap = finding.cap {
                    out += "Cap, period \(md(cap.period)): \(CapLedger.format(cap.before)) before, this record +\(CapLedger.format(cap.amount)), \(CapLedger.format(cap.after)) after, against a limit of \(cap.limit).\n\n"
                }
                out += "Facts that triggered it:\n\n| Field | Value | Test | Holds |\n|---|---|---|---|\n"
                for fact in finding.because { out += "| \(md(fact.path)) | \(md(fact.value)) | \(md(fact.test)) | \(fact.holds ? "yes" : "no") |\n" }
                out += "\nFacts missing: " + (finding.missing.isEmpty ? "none.\n\n" : "\n\n" + finding.missing.map { "- \(md($0.path)) — needed to decide \(md($0.need))\n" }.joined() + "\n")
                let considered = self.considered(finding)
                out += "Exemptions considered: " + (considered.isEmpty ? (finding.cap == nil ? "the provision allows none.\n\n" : "none (a cap finding).\n\n")
                    : "\n\n" + considered.map { "- \(md($0.id)) \(md($0.title)) (\(md($0.citations.map(\.text).joined(separator: "; ")))): *\(md($0.status))*\n" }.joined() + "\n")
                out += "> " + md(citedParagraph(entry, finding)) + "\n\n"
            }
        }
        if !clear.isEmpty { out += "Records with no finding: " + clear.joined(separator: ", ") + "\n\n" }
        out += "## Unreadable records\n\n"
        let errors = entries.filter { $0.result.outcome == .error }
        if errors.isEmpty {
            out += "None: every record was read.\n"
        } else {
            out += "| Input | Line | Id | Error |\n|---|---:|---|---|\n"
            for entry in errors {
                out += "| \(md(inputName(entry))) | \(entry.result.line.map(String.init) ?? "") | \(md(entry.result.id ?? "(none)")) | \(md(entry.result.error ?? "unreadable record")) |\n"
            }
        }
        return out
    }

    /// Record text made inert in Markdown: HTML escaped, table pipes and emphasis marks
    /// backslashed, line breaks flattened.
    func md(_ text: String) -> String {
        var out = ""
        for character in Markup.escape(text) {
            switch character {
            case "|", "*", "_", "`", "[", "]", "\\": out += "\\" + String(character)
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }
}

/// Accumulates HTML text.
struct HTMLWriter {
    private(set) var text = ""

    mutating func raw(_ piece: String) { text += piece }

    /// `<name>escaped text</name>` and a line break.
    mutating func element(_ name: String, _ content: String) { text += "<\(name)>\(Markup.escape(content))</\(name)>\n" }

    /// A table row: a header cell, then cells of text.
    mutating func row(header: String, _ cells: [String]) {
        text += "<tr><th>\(Markup.escape(header))</th>" + cells.map { "<td>\(Markup.escape($0))</td>" }.joined() + "</tr>\n"
    }
}
