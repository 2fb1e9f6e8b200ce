/// `sanctions lint` output: text for people, JSON for tools, SARIF 2.1.0 for CI and editors.
public enum LintReport {
    /// One line per problem, `file:line:column: error|warning: what is wrong`, its hint
    /// indented below, then a closing count.
    public static func text(_ lint: Lint) -> String {
        var lines: [String] = []
        for diagnostic in lint.diagnostics {
            lines.append(diagnostic.description)
            if let hint = diagnostic.hint { lines.append("  hint: \(hint)") }
        }
        lines.append("\(lint.errors) error\(lint.errors == 1 ? "" : "s"), \(lint.warnings) warning\(lint.warnings == 1 ? "" : "s")"
                     + " (\(lint.rulesChecked) rules, \(lint.examplesChecked) examples checked)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"diagnostics":[{file,line,column,severity,code,message,hint}],"errors":N,"warnings":N,…}`.
    public static func json(_ lint: Lint) -> String {
        let diagnostics = lint.diagnostics.map { diagnostic in
            JSONWriter.object([
                ("file", JSONWriter.quote(diagnostic.position.file)),
                ("line", JSONWriter.number(diagnostic.position.line)),
                ("column", JSONWriter.number(diagnostic.position.column)),
                ("severity", JSONWriter.quote(diagnostic.severity.rawValue)),
                ("code", JSONWriter.quote(diagnostic.code)),
                ("message", JSONWriter.quote(diagnostic.message)),
                ("hint", diagnostic.hint.map(JSONWriter.quote) ?? "null"),
            ])
        }
        return JSONWriter.object([
            ("diagnostics", JSONWriter.array(diagnostics)),
            ("errors", JSONWriter.number(lint.errors)),
            ("warnings", JSONWriter.number(lint.warnings)),
            ("rules", JSONWriter.number(lint.rulesChecked)),
            ("examples", JSONWriter.number(lint.examplesChecked)),
        ]) + "\n"
    }

    /// A minimal valid SARIF 2.1.0 log: one run, the tool with a rule per diagnostic code,
    /// one result per diagnostic with its file, line and column.
    public static func sarif(_ lint: Lint) -> String {
        let codes = Array(Set(lint.diagnostics.map(\.code))).sorted()
        let rules = codes.map { code in
            JSONWriter.object([
                ("id", JSONWriter.quote(code)),
                ("shortDescription", JSONWriter.object([("text", JSONWriter.quote(describe(code)))])),
            ])
        }
        let results = lint.diagnostics.map { diagnostic in
            let text = diagnostic.message + (diagnostic.hint.map { " (hint: \($0))" } ?? "")
            return JSONWriter.object([
                ("ruleId", JSONWriter.quote(diagnostic.code)),
                ("ruleIndex", JSONWriter.number(codes.firstIndex(of: diagnostic.code) ?? 0)),
                ("level", JSONWriter.quote(diagnostic.severity.rawValue)),
                ("message", JSONWriter.object([("text", JSONWriter.quote(text))])),
                ("locations", JSONWriter.array([JSONWriter.object([
                    ("physicalLocation", JSONWriter.object([
                        ("artifactLocation", JSONWriter.object([("uri", JSONWriter.quote(diagnostic.position.file))])),
                        ("region", JSONWriter.object([
                            ("startLine", JSONWriter.number(diagnostic.position.line)),
                            ("startColumn", JSONWriter.number(diagnostic.position.column)),
                        ])),
                    ])),
                ])])),
            ])
        }
        let driver = JSONWriter.object([
            ("name", JSONWriter.quote("sanctions lint")),
            ("version", JSONWriter.quote(EngineInfo.version)),
            ("informationUri", JSONWriter.quote("https://github.com/sanctions-engine/sanctions-engine/blob/main/docs/authoring.md")),
            ("rules", JSONWriter.array(rules)),
        ])
        return JSONWriter.object([
            ("$schema", JSONWriter.quote("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", JSONWriter.quote("2.1.0")),
            ("runs", JSONWriter.array([JSONWriter.object([
                ("tool", JSONWriter.object([("driver", driver)])),
                ("results", JSONWriter.array(results)),
            ])])),
        ]) + "\n"
    }

    static func describe(_ code: String) -> String {
        switch code {
        case "unknown-field": return "A condition or message names a field no record of the rule's kinds has"
        case "example-failed": return "A rule's example does not give what the rule file says"
        case "dead-exemption": return "An exemption that can never apply"
        case "overlapping-rules": return "Two rules judge the same records without either citing the other"
        case "until-without-successor": return "in_force.until without superseded_by"
        case "successor-without-until": return "superseded_by without in_force.until"
        default: return "A rule, list or scope file that cannot be loaded as written"
        }
    }
}
