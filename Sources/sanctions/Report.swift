import ArgumentParser
import Foundation
import SanctionsEngine

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an analyst's report of a run: one self-contained HTML page, or Markdown.",
        discussion: """
        The report states the run's provenance (engine version, rule set digest, input files \
        and record counts, run date), a summary by outcome and by category, each provision \
        that fired with its citation and the records under it, each finding with the facts \
        that triggered it, the facts missing, the exemptions considered and a cited paragraph \
        to paste, a chart per cap period, and the records that could not be read. The HTML \
        has its CSS and SVG charts inline and loads nothing. See docs/report.md.

        --state reads the cap totals of earlier runs; the report does not write them back.

        Exit status: 0 the report was written; 2 cannot run.

        Examples:
          sanctions report Fixtures/records/sample.jsonl Fixtures/records/petroleum-2018.jsonl -o report.html
          sanctions report --format markdown --state petroleum-2024.json march.jsonl -o march.md
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, markdown
    }

    @OptionGroup var inputs: RunOptions

    @OptionGroup var rules: RuleOptions

    @Option(help: "Output: html (default) or markdown.")
    var format: Format = .html

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the report (default: standard output).", valueName: "FILE"))
    var output: String?

    func run() throws {
        let rulebook = try rules.load()
        var entries: [AnalystReport.Entry] = []
        let totals = try inputs.perform(rulebook: rulebook, createState: false) { input, result in
            entries.append(AnalystReport.Entry(input: input, result: result))
        }
        let report = AnalystReport(summary: totals.summary, entries: entries, rulebook: rulebook,
                                   generated: Date(), stateFile: inputs.state)
        let text = format == .html ? report.html() : report.markdown()
        guard let output else {
            var out = OutputBuffer()
            out.write(text)
            out.flush()
            return
        }
        do {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            Output.error("cannot write the report to \(output): \(error.localizedDescription)")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
    }
}
