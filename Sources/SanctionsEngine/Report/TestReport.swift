/// `sanctions test` output: failures, a table per category, rule coverage, JUnit XML.
public enum TestReport {
    public static func text(_ report: CaseCheck.Report) -> String {
        var lines: [String] = []
        for result in report.results where !result.passed {
            let expected = result.expectedCitations.map(\.description).joined(separator: ", ")
            let actual = result.actualCitations.joined(separator: "; ")
            lines.append("FAIL \(result.caseID) / \(result.record) (\(result.position)): \(result.problems.joined(separator: "; "))")
            lines.append("     expected \(result.expected.rawValue) [\(expected)], actual \(result.actual.rawValue) [\(actual)]")
        }
        for failure in report.exampleFailures { lines.append("FAIL \(failure)") }
        if !lines.isEmpty { lines.append("") }

        lines.append("Cases by category")
        lines.append(pad("category", 22) + pad("cases", 7) + pad("records", 9) + pad("passed", 8) + "failed")
        let categories = Set(report.results.map(\.category)).sorted()
        for category in categories {
            let results = report.results.filter { $0.category == category }
            let cases = Set(results.map(\.caseID)).count
            let passed = results.filter(\.passed).count
            lines.append(pad(category, 22) + pad("\(cases)", 7) + pad("\(results.count)", 9) + pad("\(passed)", 8) + "\(results.count - passed)")
        }
        let known = report.cases.filter { $0.knownDifference != nil }.count
        lines.append("\(report.cases.count) cases, \(report.results.count) records; \(known) with a known difference from the report's verdict")
        lines.append("")
        let coverage = report.casesPerRule
        let untouched = coverage.filter { $0.cases == 0 }.map(\.rule)
        lines.append("Cases per rule (\(coverage.count - untouched.count) of \(coverage.count) rules exercised)")
        for (rule, count) in coverage where count > 0 { lines.append("  \(pad(rule, 48)) \(count)") }
        if !untouched.isEmpty {
            lines.append("Rules no case exercises (\(untouched.count)):")
            for rule in untouched { lines.append("  \(rule)") }
        }
        lines.append("Rule examples: \(report.examplesChecked - report.exampleFailures.count) of \(report.examplesChecked) passed")
        lines.append("")
        lines.append("\(report.passed) passed, \(report.failed) failed")
        return lines.joined(separator: "\n") + "\n"
    }

    /// JUnit XML: one test suite for the cases, one for the rule examples.
    public static func junit(_ report: CaseCheck.Report) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites tests="\#(report.passed + report.failed)" failures="\#(report.failed)">"# + "\n"
        let caseFailures = report.results.filter { !$0.passed }.count
        xml += #"  <testsuite name="cases" tests="\#(report.results.count)" failures="\#(caseFailures)">"# + "\n"
        for result in report.results {
            xml += #"    <testcase classname="\#(escape(result.category)).\#(escape(result.caseID))" name="\#(escape(result.record))""#
            if result.passed {
                xml += "/>\n"
            } else {
                xml += ">\n" + #"      <failure message="\#(escape(result.problems.joined(separator: "; ")))"/>"# + "\n    </testcase>\n"
            }
        }
        xml += "  </testsuite>\n"
        xml += #"  <testsuite name="rule-examples" tests="\#(report.examplesChecked)" failures="\#(report.exampleFailures.count)">"# + "\n"
        for failure in report.exampleFailures {
            xml += #"    <testcase classname="\#(escape(failure.rule))" name="\#(escape(failure.exampleID))">"# + "\n"
            xml += #"      <failure message="\#(escape(failure.description))"/>"# + "\n    </testcase>\n"
        }
        let passing = report.examplesChecked - report.exampleFailures.count
        if passing > 0 { xml += #"    <testcase classname="rule-examples" name="\#(passing) examples passed"/>"# + "\n" }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
