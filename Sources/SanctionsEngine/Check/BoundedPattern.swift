/// A regular expression a rule may use, bounded so it cannot run away: the pattern is
/// short, has no nested quantifiers (the shape of catastrophic backtracking, `(a+)+`),
/// and is matched case-insensitively against at most ``maxInput`` characters.
struct BoundedPattern: @unchecked Sendable {
    // Regex values are immutable once built; sharing one across threads is safe.
    static let maxPattern = 200
    static let maxInput = 1_000

    let source: String
    private let regex: Regex<AnyRegexOutput>

    init(_ source: String) throws(PatternError) {
        guard source.count <= BoundedPattern.maxPattern else {
            throw PatternError(message: "the pattern is longer than \(BoundedPattern.maxPattern) characters")
        }
        if BoundedPattern.hasNestedQuantifier(source) {
            throw PatternError(message: "the pattern repeats a group that itself repeats (like (a+)+), which can take exponential time: rewrite it without the nested repetition")
        }
        do {
            regex = try Regex(source).ignoresCase()
        } catch {
            throw PatternError(message: "not a valid regular expression: \(error)")
        }
        self.source = source
    }

    func matches(_ text: String) -> Bool {
        let bounded = text.count > BoundedPattern.maxInput ? String(text.prefix(BoundedPattern.maxInput)) : text
        return (try? regex.firstMatch(in: bounded)) != nil
    }

    /// A group containing a quantifier, itself followed by a quantifier.
    static func hasNestedQuantifier(_ pattern: String) -> Bool {
        var stack: [Bool] = []  // per open group: does it contain a quantifier?
        var escaped = false
        var inClass = false
        var lastClosedGroupHadQuantifier = false
        for character in pattern {
            if escaped { escaped = false; lastClosedGroupHadQuantifier = false; continue }
            switch character {
            case "\\": escaped = true
            case "[" where !inClass: inClass = true
            case "]" where inClass: inClass = false
            case _ where inClass: break
            case "(":
                stack.append(false)
                lastClosedGroupHadQuantifier = false
            case ")":
                let had = stack.popLast() ?? false
                if had, !stack.isEmpty { stack[stack.count - 1] = true }
                lastClosedGroupHadQuantifier = had
                continue
            case "*", "+", "?", "{":
                if lastClosedGroupHadQuantifier && character != "?" { return true }
                if !stack.isEmpty { stack[stack.count - 1] = true }
            default: break
            }
            lastClosedGroupHadQuantifier = false
        }
        return false
    }
}

struct PatternError: Error, Sendable {
    let message: String
}
