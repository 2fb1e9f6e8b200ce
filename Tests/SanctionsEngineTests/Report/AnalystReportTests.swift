import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SanctionsEngine

/// Reads a document with Foundation's XML parser: it must be well-formed, and the text
/// under each element with an `id` is collected.
final class XMLReading: NSObject, XMLParserDelegate {
    private(set) var textByID: [String: String] = [:]
    private(set) var elements: [String: Int] = [:]
    private(set) var text = ""
    private var open: [String?] = []
    private(set) var error: String?

    static func read(_ document: String) -> XMLReading {
        let reading = XMLReading()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = reading
        if !parser.parse() {
            reading.error = "line \(parser.lineNumber), column \(parser.columnNumber): \(parser.parserError.map { "\($0)" } ?? "unknown error")"
        }
        return reading
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
        open.append(attributes["id"])
        if let id = attributes["id"] { textByID[id] = "" }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        _ = open.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
        for case let id? in open { textByID[id, default: ""] += string }
    }
}

@Suite struct AnalystReportTests {
    static let fixedDate = Date(timeIntervalSince1970: 1_735_689_600) // 2025-01-01T00:00:00Z

    /// A report of a run over fixture files, with the run date fixed.
    func report(_ files: [String], rules: Rulebook) throws -> AnalystReport {
        let inputs = files.map { Run.Input(name: $0, path: Fixtures.path($0), format: .jsonl) }
        var entries: [AnalystReport.Entry] = []
        let totals = try Run(engine: Engine(rulebook: rules), inputs: inputs).perform { input, result in
            entries.append(AnalystReport.Entry(input: input, result: result))
        }
        return AnalystReport(summary: totals.summary, entries: entries, rulebook: rules, generated: Self.fixedDate)
    }

    func sample() throws -> AnalystReport {
        try report(["Fixtures/records/sample.jsonl", "Fixtures/records/petroleum-2018.jsonl"], rules: try Rulebook.bundled())
    }

    @Test func theHTMLIsWellFormedAndHoldsEveryFinding() throws {
        let report = try sample()
        let html = report.html()
        let reading = XMLReading.read(html)
        #expect(reading.error == nil, "\(reading.error ?? "")")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        var findings = 0
        for (index, entry) in report.entries.enumerated() where !entry.result.findings.isEmpty {
            let article = try #require(reading.textByID["r\(index)"], "no article for record \(entry.result.id ?? "?")")
            #expect(article.contains(try #require(entry.result.id)))
            for finding in entry.result.findings {
                findings += 1
                #expect(article.contains(finding.rule), "\(finding.rule) missing under \(entry.result.id ?? "?")")
                #expect(article.contains(finding.message))
                for citation in finding.citations { #expect(article.contains(citation.text)) }
                for missing in finding.missing { #expect(article.contains(missing.path)) }
            }
        }
        #expect(findings > 20)
        #expect(reading.elements["svg"] == report.summary.capTotals.map(\.lines.count).reduce(0, +))
        #expect(reading.elements["script"] == nil)
    }

    @Test func provenanceSummaryAndErrorsAreStated() throws {
        let report = try sample()
        let reading = XMLReading.read(report.html())
        let provenance = try #require(reading.textByID["provenance"])
        #expect(provenance.contains("sanctions-engine \(EngineInfo.version)"))
        #expect(provenance.contains(try Rulebook.bundled().digest))
        #expect(provenance.contains("2025-01-01T00:00:00Z"))
        #expect(provenance.contains("Fixtures/records/petroleum-2018.jsonl"))
        #expect(report.summary.recordsPerInput == [10, 10])
        let summary = try #require(reading.textByID["summary"])
        #expect(summary.contains("procurement-limit"))
        let errors = try #require(reading.textByID["errors"])
        #expect(errors.contains("rp-bad"))
        #expect(errors.contains("is not an ISO calendar date"))
        let provisions = try #require(reading.textByID["provisions"])
        #expect(provisions.contains("UNSCR 2397 (2017), para. 5"))
        #expect(provisions.contains("Refined petroleum products may be supplied to the DPRK only within the cap"))
    }

    @Test func theSameRunGivesTheSameBytes() throws {
        #expect(try sample().html() == (try sample().html()))
        #expect(try sample().markdown() == (try sample().markdown()))
    }

    @Test func recordTextIsEscaped() throws {
        let report = try report(["Fixtures/engine/records/hostile.jsonl"], rules: try Fixtures.engineRules())
        let html = report.html()
        let reading = XMLReading.read(html)
        #expect(reading.error == nil, "\(reading.error ?? "")")
        #expect(!html.contains("<script"))
        #expect(!html.contains("\u{1}"))
        #expect(reading.elements["script"] == nil)
        #expect(reading.text.contains(#"<script>alert("x")</script>"#), "the id is shown as text")
        #expect(reading.text.contains("ctl\u{FFFD} & \u{FFFD} [x] *y*"))
        let markdown = report.markdown()
        #expect(!markdown.contains("<script"))
        #expect(markdown.contains(#"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"#))
        #expect(markdown.contains(#"\[x\] \*y\*"#))
    }

    @Test func eachFindingHasItsFactsExemptionsAndACitedParagraph() throws {
        let report = try sample()
        let entry = try #require(report.entries.first { $0.result.id == "s-003" })
        let finding = try #require(entry.result.findings.first { $0.rule == "DPRK-COAL-IRON-EXPORT-2371" })
        let considered = report.considered(finding)
        #expect(considered.first?.id == "wind-down")
        #expect(considered.first?.status.hasPrefix("undecided") == true)
        #expect(considered.contains { $0.id == "RAJIN-TRANSIT" && $0.status == "does not apply on the facts reported" })
        let paragraph = report.citedParagraph(entry, finding)
        #expect(paragraph.hasPrefix("Record s-003 (Fixtures/records/sample.jsonl, line 3; dated 2017-08-20): "))
        #expect(paragraph.contains("this may be a violation of UNSCR 2371 (2017), para. 8"))
        #expect(paragraph.contains("Not reported, and needed to decide: contract_date"))
    }

    @Test func theCapChartMarksTheLimitAlertsAndTheCrossingRecord() throws {
        let report = try sample()
        let total = try #require(report.summary.capTotals.first { $0.rule == "DPRK-REFINED-PETROLEUM-2397" && $0.period == "2018" })
        let line = try #require(total.lines.first)
        #expect(line.crossedBy == "rp-07")
        #expect(line.points.map(\.recordID) == ["rp-01", "rp-02", "rp-03", "rp-04", "rp-05", "rp-06", "rp-07", "rp-08", "rp-09"])
        #expect(line.points.last?.total == 537_000)
        #expect(line.points.first { $0.recordID == "rp-08" }?.counted == false)
        let svg = CapChart.svg(total, line: line, id: "c")
        #expect(XMLReading.read(svg).error == nil)
        #expect(svg.contains("limit 500,000 bbl"))
        for level in ["75", "90", "95"] { #expect(svg.contains("alert \(level) %")) }
        #expect(svg.contains("rp-07 crossed the limit"))
        #expect(svg.contains("Running total (bbl)"))
        #expect(svg.contains("stroke-dasharray=\"10 5\""), "the limit is dashed, not only coloured")
    }

    @Test func theMarkdownHoldsEveryFindingAndTheCapTable() throws {
        let report = try sample()
        let markdown = report.markdown()
        for entry in report.entries {
            for finding in entry.result.findings {
                #expect(markdown.contains("`\(finding.rule)`"))
            }
        }
        #expect(markdown.contains("| 2018-10-08 | rp-07 | 45,000 | 525,000 | 105 | crossed the limit |"))
        #expect(markdown.contains("| 2018-11-03 | rp-08 | 0 | 525,000 | 105 | not counted |"))
        #expect(markdown.contains("rp-bad"))
    }
}
