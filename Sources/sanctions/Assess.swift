import ArgumentParser
import Foundation
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

    @Option(help: ArgumentHelp("Cap totals carried between runs: read before, written back after (created when missing).", valueName: "FILE"))
    var state: String?

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
        var plan: [(name: String, path: String, format: RecordFormat)] = []
        for path in inputs {
            guard let format = forced ?? (path == "-" ? .jsonl : RecordFormat.detect(path: path)) else {
                Output.error("\(path): cannot tell the format from the extension; use .jsonl, .json, .yaml, .csv or --input-format")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            plan.append((path, path, format))
        }
        let rulebook = try rules.load()
        let engine = Engine(rulebook: rulebook)
        let format = self.format ?? (Output.isTerminal ? .text : .jsonl)
        var summary = RunSummary(rulebook: rulebook, inputs: inputs)

        // Caps need every record of a period before any is judged: a first pass counts
        // the capped supplies (standard input is kept in a temporary file for the second).
        var ledger = CapLedger(rulebook: rulebook)
        var capFindings: [CapLedger.Key: [Finding]] = [:]
        var spool: Spool?
        var ranks: [Int] = []
        if !ledger.isEmpty {
            if let index = plan.firstIndex(where: { $0.path == "-" }) {
                spool = try Spool.standardInput()
                plan[index].path = spool?.path ?? "-"
            }
            var capState = try loadState(digest: rulebook.digest)
            capState.forget(sources: plan.map(\.name))
            ranks = plan.map { capState.rank(of: $0.name) }
            ledger.add(capState.entries)
            var ownEntries: [CapLedger.Entry] = []
            for (position, input) in plan.enumerated() {
                var counting = CapLedger(rulebook: rulebook)
                var index = 0
                try read(input) { raw in
                    if let value = try? raw.value.get(), let record = try? Record(value: value, line: raw.line) {
                        counting.add(record, key: CapLedger.Key(source: ranks[position], index: index))
                    }
                    index += 1
                }
                ownEntries += counting.entries
            }
            ledger.add(ownEntries)
            let judged = ledger.judge()
            capFindings = judged.findings
            summary.capTotals = judged.totals
            if let state {
                capState.add(ownEntries)
                do {
                    try capState.encoded().write(toFile: state, atomically: true, encoding: .utf8)
                } catch {
                    Output.error("cannot write the state file \(state): \(error.localizedDescription)")
                    throw ExitCode(Sanctions.Exit.cannotRun)
                }
            }
        }
        defer { spool?.remove() }

        var out = OutputBuffer()
        if format == .json { out.write("{\"results\":[") }
        var first = true
        for (position, input) in plan.enumerated() {
            var index = 0
            try read(input) { raw in
                var result = engine.assess(raw)
                if !ranks.isEmpty {
                    result = result.adding(capFindings[CapLedger.Key(source: ranks[position], index: index)] ?? [])
                }
                index += 1
                summary.add(result)
                switch format {
                case .jsonl: out.write(ResultJSON.encode(result) + "\n")
                case .json: out.write((first ? "\n" : ",\n") + ResultJSON.encode(result))
                case .text: out.write(TextReport.render(result))
                }
                first = false
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

    private func read(_ input: (name: String, path: String, format: RecordFormat), _ body: (RawRecord) throws -> Void) throws {
        do {
            try RecordReader.read(path: input.path, format: input.format, body)
        } catch let error as InputError {
            Output.error(error.description)
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
    }

    private func loadState(digest: String) throws -> CapState {
        guard let state, FileManager.default.fileExists(atPath: state) else { return CapState(digest: digest) }
        do {
            let loaded = try CapState.decode(try String(contentsOfFile: state, encoding: .utf8))
            guard loaded.digest == digest else {
                Output.error("\(state) was written with other rules (\(loaded.digest)); these are \(digest). Re-run the earlier batches with these rules, or start a new state file")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            return loaded
        } catch let error as CapStateError {
            Output.error("\(state): \(error.message)")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
    }
}

/// Standard input kept in a temporary file, so that it can be read twice.
struct Spool {
    let path: String

    static func standardInput() throws -> Spool {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sanctions-stdin-\(UUID().uuidString)").path
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            Output.error("cannot keep standard input in \(path)")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        return Spool(path: path)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
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
