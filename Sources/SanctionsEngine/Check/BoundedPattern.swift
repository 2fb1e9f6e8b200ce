/// A regular expression a rule may use, bounded so it cannot run away. Swift's regex
/// engine backtracks, so the pattern's shape is limited, not only its length: at most one
/// repetition (`*`, `+`, `{m,n}`; two already take seconds over 1,000 characters), at most
/// four optional parts (`?`), no repeated group that itself repeats or holds alternatives
/// (`(a+)+`, `(a|aa)+`: exponential), no back-references; it is matched
/// case-insensitively against at most ``maxInput`` characters. Worst case: a single
/// repetition scanned from every start, 1,000² steps, milliseconds.
struct BoundedPattern: @unchecked Sendable {
    // Regex values are immutable once built; sharing one across threads is safe.
    static let maxPattern = 200
    static let maxInput = 1_000
    static let maxRepetitions = 1
    static let maxOptionals = 4

    let source: String
    private let regex: Regex<AnyRegexOutput>

    init(_ source: String) throws(PatternError) {
        guard source.count <= BoundedPattern.maxPattern else {
            throw PatternError(message: "the pattern is longer than \(BoundedPattern.maxPattern) characters")
        }
        if let problem = BoundedPattern.problem(in: source) {
            throw PatternError(message: problem + ": rules must match in bounded time (docs/security.md)")
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

    /// Why the pattern could take too long, or nil.
    static func problem(in pattern: String) -> String? {
        struct Group { var quantified = false; var alternatives = false }
        var stack: [Group] = []
        var escaped = false
        var inClass = false
        var closed: Group?          // the group just closed, when the next character may quantify it
        var afterQuantifier = false // a `?` or `+` here is a lazy/possessive modifier
        var afterOpen = false       // a `?` here starts a group option, `(?:`, `(?i)`
        var repetitions = 0
        var optionals = 0
        var characters = Array(pattern)[...]
        while let character = characters.popFirst() {
            let group = closed
            closed = nil
            let wasAfterQuantifier = afterQuantifier, wasAfterOpen = afterOpen
            afterQuantifier = false
            afterOpen = false
            if escaped {
                escaped = false
                if character.isNumber && character != "0" || character == "k" || character == "g" {
                    return "the pattern uses a back-reference (\\\(character))"
                }
                continue
            }
            if inClass {
                if character == "\\" { escaped = true } else if character == "]" { inClass = false }
                continue
            }
            switch character {
            case "\\": escaped = true
            case "[": inClass = true
            case "(":
                stack.append(Group())
                afterOpen = true
            case ")":
                closed = stack.popLast() ?? Group()
                if let inner = closed, inner.quantified, !stack.isEmpty { stack[stack.count - 1].quantified = true }
            case "|":
                if !stack.isEmpty { stack[stack.count - 1].alternatives = true }
            case "*", "+", "?", "{":
                if wasAfterOpen { break }
                if wasAfterQuantifier, character == "?" || character == "+" { break }
                if character == "{" {
                    // A brace that does not start {m}, {m,}, {m,n} is a literal.
                    let body = characters.prefix { $0 != "}" }
                    guard body.count < characters.count, !body.isEmpty,
                          body.allSatisfy({ $0.isNumber || $0 == "," }) else { break }
                    characters = characters.dropFirst(body.count + 1)
                }
                if let group, group.quantified, character != "?" {
                    return "the pattern repeats a group that itself repeats (like (a+)+), which can take exponential time"
                }
                if let group, group.alternatives, character != "?" {
                    return "the pattern repeats a group of alternatives (like (a|aa)+), which can take exponential time: use a character class or one alternative"
                }
                if character == "?" { optionals += 1 } else { repetitions += 1 }
                if repetitions > maxRepetitions {
                    return "the pattern has more than \(maxRepetitions) repetition (*, +, {m,n}); two can take seconds on a long text"
                }
                if optionals > maxOptionals {
                    return "the pattern has more than \(maxOptionals) optional parts (?)"
                }
                if !stack.isEmpty { stack[stack.count - 1].quantified = true }
                afterQuantifier = true
            default: break
            }
        }
        return nil
    }
}

struct PatternError: Error, Sendable {
    let message: String
}
