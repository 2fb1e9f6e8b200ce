import ArgumentParser
import SanctionsEngine

struct Assess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assess records and report findings with their citations.",
        discussion: """
        Reads JSON Lines (.jsonl), a JSON array (.json), YAML (.yaml, .yml) or CSV with dotted \
        column names (.csv); '-' or no file reads standard input (JSON Lines unless \
        --input-format says otherwise). Record format: docs/records.md.

        Outcomes, worst first: violation, possible_violation (a deciding fact is missing), \
        notice, exempt, clear; error for a record that cannot be read (all others are still assessed).

        Exit status: 0 nothing found; 1 a violation or possible violation; 2 cannot run (bad \
        arguments, rules that fail to load, an unreadable file); 3 some records malformed \
        (takes precedence over 1).

        Examples:
          sanctions assess Fixtures/records/sample.jsonl
          sanctions assess --format json --rules Rules/ shipments.csv
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl
    }

    @Argument(help: ArgumentHelp("Record files; '-' for standard input.", valueName: "FILE"))
    var files: [String] = []

    @OptionGroup var rules: RuleOptions

    @Option(help: "Output: text (default on a terminal), json (all results and a summary), jsonl (one result per line, streamed; default otherwise).")
    var format: Format?

    @Option(help: ArgumentHelp("Force the input format instead of detecting it from the file extension.", valueName: "jsonl|json|yaml|csv"))
    var inputFormat: String?

    func run() throws {
        var forced: RecordFormat?
        if let inputFormat {
            guard let parsed = RecordFormat(rawValue: inputFormat) else {
                Output.error("--input-format '\(inputFormat)' is not one of jsonl, json, yaml, csv")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            forced = parsed
        }
        let inputs = files.isEmpty ? ["-"] : files
        var plan: [(String, RecordFormat)] = []
        for path in inputs {
            guard let format = forced ?? (path == "-" ? .jsonl : RecordFormat.detect(path: path)) else {
                Output.error("\(path): cannot tell the format from the extension; use .jsonl, .json, .yaml, .csv or --input-format")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            plan.append((path, format))
        }
        let rulebook = try rules.load()
        let engine = Engine(rulebook: rulebook)
        let format = self.format ?? (Output.isTerminal ? .text : .jsonl)
        var summary = RunSummary(rulebook: rulebook, inputs: inputs)
        var out = OutputBuffer()
        if format == .json { out.write("{\"results\":[") }
        var first = true
        for (path, recordFormat) in plan {
            do {
                try RecordReader.read(path: path, format: recordFormat) { raw in
                    let result = engine.assess(raw)
                    summary.add(result)
                    switch format {
                    case .jsonl: out.write(ResultJSON.encode(result) + "\n")
                    case .json: out.write((first ? "\n" : ",\n") + ResultJSON.encode(result))
                    case .text: out.write(TextReport.render(result))
                    }
                    first = false
                }
            } catch let error as InputError {
                out.flush()
                Output.error(error.description)
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
        }
        switch format {
        case .json: out.write("\n],\"summary\":" + ResultJSON.encode(summary) + "}\n")
        case .text: out.write("\n" + TextReport.render(summary))
        case .jsonl: break
        }
        out.flush()
        if summary.count(of: .error) > 0 { throw ExitCode(Sanctions.Exit.malformedRecords) }
        if summary.count(of: .violation) + summary.count(of: .possibleViolation) > 0 { throw ExitCode(Sanctions.Exit.found) }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the loaded rules with their citations and in-force dates.",
        discussion: """
        Examples:
          sanctions rules
          sanctions rules --format markdown > docs/rulebook.md
          sanctions rules --rules my-draft-rules/ --format json
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @OptionGroup var rules: RuleOptions

    @Option(help: "Output: text, json or markdown.")
    var format: Format = .text

    func run() throws {
        let rulebook = try rules.load()
        var out = OutputBuffer()
        switch format {
        case .text: out.write(RulesReport.text(rulebook))
        case .json: out.write(RulesReport.json(rulebook))
        case .markdown: out.write(RulesReport.markdown(rulebook))
        }
        out.flush()
    }
}
