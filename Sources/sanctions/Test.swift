import ArgumentParser
import Foundation
import SanctionsEngine

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the historical case library and every rule's examples.",
        discussion: """
        Each case (Fixtures/cases/*.yaml) gives records from a Panel of Experts or MSMT report \
        and the outcome and citations the law gives them; each rule carries examples. A rule \
        edit that changes any of them fails here. Prints a line per failure, a table per \
        category, how many cases exercise each rule (and the rules none does), and a closing \
        line 'N passed, N failed'. Exit status 1 on any failure, 2 when the rules or cases \
        cannot be loaded.

        Examples:
          sanctions test
          sanctions test Fixtures/cases/poe-2019-171-wise-honest.yaml
          sanctions test --rules my-draft-rules/ --junit results.xml
        """
    )

    @Argument(help: ArgumentHelp("Case files or directories (default: Fixtures/cases).", valueName: "PATH"))
    var paths: [String] = []

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Also write JUnit XML to this file.", valueName: "FILE"))
    var junit: String?

    func run() throws {
        let rulebook = try rules.load()
        let cases: [HistoricalCase]
        do {
            cases = try CaseFile.load(paths: paths.isEmpty ? ["Fixtures/cases"] : paths)
        } catch {
            Output.error("the cases cannot be loaded:\n\(error.description)")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        let report = CaseCheck.run(cases: cases, rulebook: rulebook)
        var out = OutputBuffer()
        out.write(TestReport.text(report))
        out.flush()
        if let junit {
            do {
                try TestReport.junit(report).write(toFile: junit, atomically: true, encoding: .utf8)
            } catch {
                Output.error("cannot write \(junit): \(error.localizedDescription)")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
        }
        if report.failed > 0 { throw ExitCode(1) }
    }
}
