import ArgumentParser
import Foundation
import SanctionsEngine

struct Assess: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
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
          sanctions assess --brief year-2019.jsonl > flagged.jsonl
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl
    }

    @OptionGroup var inputs: RunOptions

    @OptionGroup var rules: RuleOptions

    @Option(help: "Output: text (default on a terminal), json (all results and a summary), jsonl (one result per line, streamed; default otherwise).")
    var format: Format?

    @Flag(help: "Write each finding's rule, verdict and cited paragraph only, without the message, facts, missing facts and exemption: for screening large inputs (about a third less CPU time, a sixth of the output). The outcomes and verdicts are those of a full run; explain a flagged record with 'sanctions explain'.")
    var brief = false

    func run() throws {
        let rulebook = try rules.load()
        let format = self.format ?? (Output.isTerminal ? .text : .jsonl)
        var out = OutputBuffer()
        if format == .json { out.write("{\"results\":[") }
        var first = true
        // Each result is encoded on the thread that assessed it; here they are only written, in order.
        let brief = self.brief
        // Full results as JSON are written as each finding is judged, on the workers.
        let detail: Engine.Detail = brief ? .verdicts : (format == .text ? .reasons : .json)
        let totals: Run.Totals
        if format == .text {
            totals = try inputs.perform(rulebook: rulebook, createState: true, keepsCapPoints: false, detail: detail, render: { result in
                Array((brief ? TextReport.renderBrief(result) : TextReport.render(result)).utf8)
            }) { _, text in out.write(bytes: text) }
        } else {
            totals = try inputs.perform(rulebook: rulebook, createState: true, keepsCapPoints: false, detail: detail) { run in
                try run.perform(encoding: { result in
                    // Handed on in the encoder's own room: copied once, into the output. Room for
                    // what a finding usually takes (a full one 1–2 KB, its citations' summaries
                    // most of it), so that a result of many findings is not copied as it grows.
                    let findings = result.findings.count
                    var json = JSONBytes(capacity: brief ? 128 + 128 * findings : 256 + 2_048 * findings)
                    if brief { ResultJSON.writeBrief(result, to: &json) } else { ResultJSON.write(result, to: &json) }
                    return json
                }) { _, json in
                    if format == .json { out.write(first ? "\n" : ",\n") }
                    out.write(json)
                    if format == .jsonl { out.write(byte: UInt8(ascii: "\n")) }
                    first = false
                }
            }
        }
        try inputs.save(totals.state)
        let summary = totals.summary
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

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the cap states of separate shards into one.",
        discussion: """
        Sharded runs give the same findings as one run over the whole input when every shard \
        sees the others' capped supplies:
          sanctions assess --state a.json shard-a.jsonl > /dev/null
          sanctions assess --state b.json shard-b.jsonl > /dev/null
          sanctions merge a.json b.json -o all.json
          cp all.json all-a.json; sanctions assess --state all-a.json shard-a.jsonl
          cp all.json all-b.json; sanctions assess --state all-b.json shard-b.jsonl
        Inputs rank in argument order for records of the same date (as if the shards were \
        one file in that order). See docs/caps.md.
        """
    )

    @Argument(help: ArgumentHelp("State files, in the order of the shards.", valueName: "STATE"))
    var states: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the combined state.", valueName: "FILE"))
    var output: String

    func run() throws {
        do {
            var loaded: [CapState] = []
            for path in states {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    Output.error("\(path): cannot be read")
                    throw ExitCode(Sanctions.Exit.cannotRun)
                }
                loaded.append(try CapState.decode(text))
            }
            try CapState.merge(loaded).encoded().write(toFile: output, atomically: true, encoding: .utf8)
        } catch let error as CapStateError {
            Output.error(error.message)
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
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
