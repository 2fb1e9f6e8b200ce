import ArgumentParser
import Foundation
import SanctionsEngine

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show, for a record, every rule considered and why it did or did not apply.",
        discussion: """
        For each rule: whether it covers the record's kind; whether it was in force on the \
        record's date (and, if not, which version of the provision was); each condition with \
        its result ([yes], [no], [?] for a missing fact) and the record's value beside the \
        rule's test; each exemption and whether it applies; the finding and the facts missing. \
        Caps, judged across a batch, are not shown (see 'sanctions assess').

        Exit status: 0 explained; 2 cannot run (no such record, unreadable file, bad rules).

        Examples:
          sanctions explain Fixtures/records/sample.jsonl --record s-003
          sanctions explain shipment.json --rule DPRK-COAL-IRON-EXPORT-2371
          sanctions explain --format json Fixtures/records/sample.jsonl --record s-001
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: ArgumentHelp("A record file (.jsonl, .json, .yaml, .csv); '-' for standard input.", valueName: "RECORD_FILE"))
    var file: String

    @Option(help: ArgumentHelp("Explain only the record with this id (default: every record in the file).", valueName: "ID"))
    var record: String?

    @Option(help: ArgumentHelp("Explain only these rules (repeatable).", valueName: "ID"))
    var rule: [String] = []

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Force the input format instead of detecting it from the file extension.", valueName: "jsonl|json|yaml|csv"))
    var inputFormat: String?

    @Option(help: "Output: text or json (one object per record, one per line).")
    var format: Format = .text

    func run() throws {
        guard let format = inputFormat.flatMap(RecordFormat.init(rawValue:)) ?? (file == "-" ? .jsonl : RecordFormat.detect(path: file)) else {
            Output.error("\(file): cannot tell the format; use .jsonl, .json, .yaml, .csv or --input-format")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        let rulebook = try rules.load()
        let unknown = rule.filter { id in !rulebook.rules.contains { $0.id == id } }
        if !unknown.isEmpty {
            Output.error("no rule \(unknown.joined(separator: ", ")) in the rule set")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        let engine = Engine(rulebook: rulebook)
        var out = OutputBuffer()
        var explained = 0
        var ids: [String] = []
        do {
            try RecordReader.read(path: file, format: format) { raw in
                let id = (try? raw.value.get())?["id"]?.displayText
                if let id { ids.append(id) }
                guard record == nil || id == record else { return }
                let parsed: Record
                switch raw.value.flatMap({ value in Result { () throws(RecordError) in try Record(value: value, line: raw.line) } }) {
                case .success(let checked): parsed = checked
                case .failure(let error):
                    Output.error("\(file):\(raw.line): \(error.message)")
                    throw ExitCode(Sanctions.Exit.cannotRun)
                }
                let explanation = Explanation(record: parsed, engine: engine, ruleIDs: rule.isEmpty ? nil : Set(rule))
                switch self.format {
                case .text: out.write((explained > 0 ? "\n" : "") + ExplainReport.text(explanation))
                case .json: out.write(ExplainReport.json(explanation) + "\n")
                }
                explained += 1
            }
        } catch let error as InputError {
            Output.error(error.description)
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        if let record, explained == 0 {
            Output.error("no record '\(record)' in \(file) (ids: \(ids.prefix(20).joined(separator: ", "))\(ids.count > 20 ? ", …" : ""))")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        out.flush()
    }
}
