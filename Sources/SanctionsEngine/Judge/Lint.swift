/// `sanctions lint`: every problem in a rule set at once, errors and warnings, each at
/// its position. The check stage's diagnostics (the same loader as ``Rulebook/load(directories:)``),
/// the cross-rule checks, and every rule example that fails, as an error where the
/// example is written.
///
/// ```swift
/// let report = Lint.run(directories: ["Rules"])
/// for diagnostic in report.diagnostics { print(diagnostic) }
/// print(report.errors, report.warnings)
/// ```
public struct Lint: Sendable {
    /// Every problem, in file order.
    public let diagnostics: [Diagnostic]
    /// How many rules compiled (a rule with an error does not).
    public let rulesChecked: Int
    /// How many examples ran.
    public let examplesChecked: Int

    /// How many diagnostics are errors.
    public var errors: Int { diagnostics.filter { $0.severity == .error }.count }
    /// How many diagnostics are warnings.
    public var warnings: Int { diagnostics.filter { $0.severity == .warning }.count }

    /// Whether the run fails: on any error, or with `strict` on any warning too.
    public func fails(strict: Bool) -> Bool { errors > 0 || (strict && warnings > 0) }

    /// Lints the rule files under the directories, taken as one rule set.
    public static func run(directories: [String]) -> Lint {
        let compilation = Rulebook.compile(directories: directories)
        let rulebook = compilation.rulebook
        let examples = ExampleCheck.run(rulebook)
        let failures = examples.failures.map { failure in
            Diagnostic(failure.position, .error, "example \(failure.exampleID) of \(failure.rule): expected \(failure.expected), got \(failure.actual)",
                       hint: "run 'sanctions explain' on the example to see which condition decides it; fix the rule or the example",
                       code: "example-failed")
        }
        let diagnostics = Rulebook.sorted(compilation.diagnostics + RuleLint.warnings(rulebook.rules) + failures)
        return Lint(diagnostics: diagnostics, rulesChecked: rulebook.rules.count, examplesChecked: examples.checked)
    }

    /// Only the diagnostics in `files` (paths as the diagnostics show them).
    public func restricted(to files: Set<String>) -> Lint {
        Lint(diagnostics: diagnostics.filter { files.contains($0.position.file) }, rulesChecked: rulesChecked,
             examplesChecked: examplesChecked)
    }
}
