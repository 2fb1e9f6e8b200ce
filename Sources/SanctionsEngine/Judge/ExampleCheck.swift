/// Runs the examples a rule carries (its own specification) and reports those whose
/// result differs from what the rule file says.
public enum ExampleCheck {
    /// One example that did not give what its rule file demands.
    public struct Failure: Sendable, CustomStringConvertible {
        public let rule: String
        public let position: SourcePosition
        public let exampleID: String
        /// What the file demands: a verdict, or "no violation".
        public let expected: String
        public let actual: String

        public var description: String {
            "\(position): example \(exampleID) of \(rule): expected \(expected), got \(actual)"
        }
    }

    /// Every failing example of every rule; empty when all pass.
    public static func run(_ rulebook: Rulebook) -> (checked: Int, failures: [Failure]) {
        let engine = Engine(rulebook: rulebook)
        var failures: [Failure] = []
        var checked = 0
        for rule in rulebook.rules {
            for (example, expect) in rule.examples.all {
                checked += 1
                let id = example.record["id"]?.displayText ?? "(no id)"
                let expected = expect.map(\.rawValue) ?? "no violation (clear, exempt or notice)"
                let record: Record
                do {
                    record = try Record(value: example.record, line: example.position.line)
                } catch {
                    failures.append(Failure(rule: rule.id, position: example.position, exampleID: id,
                                            expected: expected, actual: "an invalid record: \(error.message)"))
                    continue
                }
                let finding = engine.judge(record, by: rule)
                let actual = finding?.verdict
                let passes: Bool
                if let expect {
                    passes = actual == expect || (expect == .violation && rule.verdict == .notice && actual == .notice)
                } else {
                    passes = actual != .violation && actual != .possibleViolation
                }
                if !passes {
                    var detail = actual?.rawValue ?? "no finding (clear)"
                    if let finding, !finding.missing.isEmpty {
                        detail += "; missing: " + finding.missing.map(\.path).joined(separator: ", ")
                    }
                    failures.append(Failure(rule: rule.id, position: example.position, exampleID: id,
                                            expected: expected, actual: detail))
                }
            }
        }
        return (checked, failures)
    }
}
