import Foundation

/// A documented historical case from a Panel of Experts or MSMT report: the records as
/// the report describes them and the outcome the law gives each (`Fixtures/cases/`).
/// A rule edit that changes one of these outcomes fails `sanctions test`.
public struct HistoricalCase: Sendable {
    /// What one record of the case must give.
    public struct Expectation: Sendable {
        public let record: String
        public let outcome: Outcome
        /// Citations the record's findings of that outcome must include.
        public let citations: [CitationKey]
        /// Paths the findings must name as missing.
        public let missing: [String]
        /// Rules that must not produce any finding.
        public let notRules: [String]
        public let position: SourcePosition
    }

    public let id: String
    public let title: String
    public let category: String
    /// Report symbol and paragraph, or the MSMT report's title and date.
    public let source: String
    public let summary: String
    /// Where the report's verdict and the law's outcome differ, and why.
    public let knownDifference: String?
    public let records: [(value: Value, position: SourcePosition)]
    public let expectations: [Expectation]
    public let file: String
}

/// A citation as a case names it: resolution, paragraph and optionally subparagraph.
public struct CitationKey: Sendable, Hashable, CustomStringConvertible {
    public let resolution: Int
    public let paragraph: String
    public let subparagraph: String?

    /// Whether a finding's citation is this one (a key without subparagraph matches any).
    public func matches(_ citation: Citation) -> Bool {
        citation.resolution == resolution && citation.paragraph == paragraph
            && (subparagraph == nil || citation.subparagraph == subparagraph)
    }

    public var description: String {
        "\(resolution) ¶\(paragraph)" + (subparagraph.map { "(\($0))" } ?? "")
    }
}

/// Reads case files, reporting every problem with its position.
public enum CaseFile {
    static let keys = ["id", "title", "category", "source", "source_url", "summary", "note", "records", "expect", "known_difference"]

    /// Loads every `.yaml` case file in the paths (files or directories).
    public static func load(paths: [String]) throws(RulebookError) -> [HistoricalCase] {
        var diagnostics: [Diagnostic] = []
        var cases: [HistoricalCase] = []
        let reader = Reader()
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(Diagnostic(SourcePosition(file: path, line: 1, column: 1), .error, "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                files += Rulebook.yamlFiles(in: path).map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        var seen: [String: String] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(Diagnostic(SourcePosition(file: file, line: 1, column: 1), .error, "cannot be read as UTF-8 text"))
                continue
            }
            do {
                let nodes = try YAMLSyntax.documents(text, file: Rulebook.displayPath(file))
                guard nodes.count == 1, let node = nodes.first else {
                    diagnostics.append(Diagnostic(SourcePosition(file: file, line: 1, column: 1), .error, "a case file holds one YAML document"))
                    continue
                }
                if let loaded = read(node, reader: reader) {
                    if let other = seen[loaded.id] {
                        reader.error(node, "case id '\(loaded.id)' is already used in \(other)")
                    } else {
                        seen[loaded.id] = loaded.file
                        cases.append(loaded)
                    }
                }
            } catch {
                diagnostics.append(Diagnostic(SourcePosition(file: file, line: error.line, column: error.column), .error, error.message))
            }
        }
        diagnostics += reader.diagnostics
        guard diagnostics.isEmpty else { throw RulebookError(diagnostics: diagnostics) }
        return cases.sorted { $0.id < $1.id }
    }

    static func read(_ node: SyntaxNode, reader: Reader) -> HistoricalCase? {
        guard let fields = reader.mapping(node, allowed: keys, what: "a case") else { return nil }
        let before = reader.diagnostics.count
        let id = fields.required("id").flatMap { reader.text($0, "'id'") }
        let title = fields.required("title").flatMap { reader.text($0, "'title'") }
        let category = fields.required("category").flatMap { reader.text($0, "'category'") }
        if let category, !RuleChecker.categories.contains(category) {
            reader.error(fields.required("category") ?? node, "unknown category '\(category)' (expected one of: \(RuleChecker.categories.joined(separator: ", ")))")
        }
        let source = fields.required("source").flatMap { reader.text($0, "'source'") }
        let summary = fields.required("summary").flatMap { reader.text($0, "'summary'") }
        let knownDifference = fields.optional("known_difference").flatMap { reader.text($0, "'known_difference'") }
        var records: [(Value, SourcePosition)] = []
        var recordIDs: Set<String> = []
        if let list = fields.required("records").flatMap({ reader.list($0, "'records'") }) {
            for element in list {
                let value = element.value
                guard case .object = value, let recordID = value["id"]?.displayText else {
                    reader.error(element, "each case record must be a record with an 'id'")
                    continue
                }
                if !recordIDs.insert(recordID).inserted { reader.error(element, "record id '\(recordID)' appears twice in this case") }
                records.append((value, element.position))
            }
        }
        var expectations: [HistoricalCase.Expectation] = []
        if let list = fields.required("expect").flatMap({ reader.list($0, "'expect'") }) {
            for element in list {
                guard let expect = reader.mapping(element, allowed: ["record", "outcome", "citations", "missing", "not_rules"], what: "an expectation"),
                      let record = expect.required("record").flatMap({ reader.text($0, "'record'") }),
                      let outcome = expect.required("outcome").flatMap({
                          reader.oneOf($0, "'outcome'", Outcome.self, choices: Outcome.allCases.map(\.rawValue))
                      }) else { continue }
                if !recordIDs.contains(record) { reader.error(element, "no record '\(record)' in this case") }
                var citations: [CitationKey] = []
                for citation in expect.optional("citations").flatMap({ reader.list($0, "'citations'") }) ?? [] {
                    guard let key = reader.mapping(citation, allowed: ["resolution", "paragraph", "subparagraph"], what: "a citation"),
                          let resolution = key.required("resolution").flatMap({ reader.integer($0, "'resolution'") }),
                          let paragraph = key.required("paragraph").flatMap({ reader.text($0, "'paragraph'") }) else { continue }
                    citations.append(CitationKey(resolution: resolution, paragraph: paragraph,
                                                 subparagraph: key.optional("subparagraph").flatMap { reader.text($0, "'subparagraph'") }))
                }
                let missing = expect.optional("missing").flatMap { reader.texts($0, "'missing'") } ?? []
                let notRules = expect.optional("not_rules").flatMap { reader.texts($0, "'not_rules'") } ?? []
                expectations.append(HistoricalCase.Expectation(record: record, outcome: outcome, citations: citations,
                                                               missing: missing, notRules: notRules, position: element.position))
            }
        }
        for recordID in recordIDs where !expectations.contains(where: { $0.record == recordID }) {
            reader.error(node, "record '\(recordID)' has no expectation: every record of a case needs one")
        }
        guard reader.diagnostics.count == before, let id, let title, let category, let source, let summary else { return nil }
        return HistoricalCase(id: id, title: title, category: category, source: source, summary: summary,
                              knownDifference: knownDifference, records: records, expectations: expectations,
                              file: node.position.file)
    }
}
