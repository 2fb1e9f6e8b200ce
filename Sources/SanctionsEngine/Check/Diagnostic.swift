/// A problem in a rule, list or scope file, at its position: `file:line:column: error: …`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error
        case warning
    }

    public let position: SourcePosition
    public let severity: Severity
    /// What is wrong, and what was expected.
    public let message: String
    /// What to do about it, when the message alone does not say.
    public let hint: String?
    /// A short stable name for the kind of problem (`unknown-field`, `example-failed` …),
    /// used as the SARIF rule id; `rule-file` for the loader's general checks.
    public let code: String

    /// Creates a diagnostic.
    public init(_ position: SourcePosition, _ severity: Severity = .error, _ message: String,
                hint: String? = nil, code: String = "rule-file") {
        self.position = position
        self.severity = severity
        self.message = message
        self.hint = hint
        self.code = code
    }

    public var description: String { "\(position): \(severity.rawValue): \(message)" }
}

/// The rule set could not be loaded: every problem found, in file order.
public struct RulebookError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
func suggestion(for word: String, among candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, cb) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
    let target = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(target, Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, target.count / 3) else { return nil }
    return best.0
}
