/// Runs the case library and the rules' own examples against a rulebook: the regression
/// guard behind `sanctions test`.
public enum CaseCheck {
    /// One case record's comparison.
    public struct Outcome: Sendable {
        public let caseID: String
        public let category: String
        public let record: String
        public let position: SourcePosition
        public let expected: SanctionsEngine.Outcome
        public let expectedCitations: [CitationKey]
        public let actual: SanctionsEngine.Outcome
        public let actualCitations: [String]
        /// Rules that produced a finding on the record.
        public let rules: [String]
        /// Why it failed; empty when it passed.
        public let problems: [String]

        public var passed: Bool { problems.isEmpty }
    }

    /// The whole run.
    public struct Report: Sendable {
        public let cases: [HistoricalCase]
        public let results: [Outcome]
        public let examplesChecked: Int
        public let exampleFailures: [ExampleCheck.Failure]
        public let rules: [Rule]

        public var passed: Int { results.filter(\.passed).count + examplesChecked - exampleFailures.count }
        public var failed: Int { results.filter { !$0.passed }.count + exampleFailures.count }

        /// For each rule, how many cases have a record on which it produced a finding.
        public var casesPerRule: [(rule: String, cases: Int)] {
            rules.map { rule in
                (rule.id, Set(results.filter { $0.rules.contains(rule.id) }.map(\.caseID)).count)
            }
        }
    }

    public static func run(cases: [HistoricalCase], rulebook: Rulebook) -> Report {
        let engine = Engine(rulebook: rulebook)
        var results: [Outcome] = []
        for historical in cases {
            // A case's records are one batch, so caps count across them.
            let batch = engine.assess(batch: historical.records.map { RawRecord(line: $0.position.line, value: .success($0.value)) })
            for expectation in historical.expectations {
                guard let index = historical.records.firstIndex(where: { $0.value["id"]?.displayText == expectation.record }) else { continue }
                let result = batch.results[index]
                var problems: [String] = []
                if result.outcome != expectation.outcome {
                    problems.append("expected \(expectation.outcome.rawValue), got \(result.outcome.rawValue)"
                                    + (result.error.map { " (\($0))" } ?? ""))
                }
                let relevant = result.findings.filter { SanctionsEngine.Outcome($0.verdict) == result.outcome }
                for key in expectation.citations where !relevant.contains(where: { $0.citations.contains(where: key.matches) }) {
                    problems.append("no \(result.outcome.rawValue) finding cites \(key)")
                }
                let missing = Set(result.findings.flatMap { $0.missing.map(\.path) })
                for path in expectation.missing where !missing.contains(path) {
                    problems.append("'\(path)' is not named as missing")
                }
                for rule in expectation.notRules where result.findings.contains(where: { $0.rule == rule }) {
                    problems.append("rule \(rule) must not fire")
                }
                results.append(Outcome(caseID: historical.id, category: historical.category, record: expectation.record,
                                       position: expectation.position, expected: expectation.outcome,
                                       expectedCitations: expectation.citations, actual: result.outcome,
                                       actualCitations: relevant.flatMap { $0.citations.map(\.text) },
                                       rules: result.findings.map(\.rule), problems: problems))
            }
        }
        let examples = ExampleCheck.run(rulebook)
        return Report(cases: cases, results: results, examplesChecked: examples.checked,
                      exampleFailures: examples.failures, rules: rulebook.rules)
    }
}
