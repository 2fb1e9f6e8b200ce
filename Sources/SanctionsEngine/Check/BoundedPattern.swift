import Foundation

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
    /// For a pattern that is one class of ASCII letters and digits (`[a-z0-9]`, the usual
    /// "has some text" test): the ASCII bytes it matches, either case, as a 128-bit set.
    /// ASCII text is then searched for one of them, as the regex would match it, without the
    /// regex engine (which costs more than judging the rest of the record).
    let asciiClass: (low: UInt64, high: UInt64)?
    /// For a pattern that is plain ASCII words in alternation (`rajin|rason|najin`,
    /// `armed forces|navy`: letters, digits, spaces, hyphens, underscores), the words in
    /// lower case. ASCII text is then searched for any of them, as the regex would.
    let asciiWords: [[UInt8]]?
    /// The regex engine's answers on short texts already asked about (trade records repeat
    /// their descriptions and codes; one answer costs a few hundred thousand instructions).
    private let answers = Answers()

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
        asciiClass = BoundedPattern.asciiClass(source)
        asciiWords = BoundedPattern.asciiWords(source)
    }

    func matches(_ text: String) -> Bool {
        if let asciiClass, let found = BoundedPattern.search(text, for: asciiClass) { return found }
        if let asciiWords, let found = BoundedPattern.search(text, forAnyOf: asciiWords) { return found }
        return matchesByRegexRemembering(text)
    }

    /// Answers of the regex engine by text, shared by the threads that judge records: at
    /// most ``maxAnswers`` texts of at most ``maxText`` bytes (about a quarter of a MiB a
    /// pattern at worst); once full, further texts are asked of the engine each time.
    private final class Answers: @unchecked Sendable {
        // @unchecked: `known` is read and written only under `lock`.
        static let maxText = 64
        static let maxAnswers = 4_096
        private var known: [String: Bool] = [:]
        private let lock = NSLock()

        subscript(text: String) -> Bool? {
            get {
                lock.lock()
                defer { lock.unlock() }
                return known[text]
            }
            set {
                lock.lock()
                defer { lock.unlock() }
                if known.count < Answers.maxAnswers { known[text] = newValue }
            }
        }
    }

    /// ``matchesByRegex(_:)``, remembered for short texts.
    private func matchesByRegexRemembering(_ text: String) -> Bool {
        guard text.utf8.count <= Answers.maxText else { return matchesByRegex(text) }
        if let known = answers[text] { return known }
        let found = matchesByRegex(text)
        answers[text] = found
        return found
    }

    /// ``matches(_:)`` by the regex engine alone.
    func matchesByRegex(_ text: String) -> Bool {
        let bounded = text.count > BoundedPattern.maxInput ? String(text.prefix(BoundedPattern.maxInput)) : text
        return (try? regex.firstMatch(in: bounded)) != nil
    }

    /// The set of `[…]` holding only ASCII letters, digits and ranges of one kind of them
    /// (`a-z`, `A-F`, `0-9`), each letter in both cases; nil for any other pattern.
    static func asciiClass(_ pattern: String) -> (low: UInt64, high: UInt64)? {
        var bytes = Array(pattern.utf8)[...]
        guard bytes.count >= 3, bytes.popFirst() == UInt8(ascii: "["), bytes.popLast() == UInt8(ascii: "]") else { return nil }
        func kind(_ byte: UInt8) -> Int? {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return 0
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return 2
            default: return nil
            }
        }
        var low: UInt64 = 0, high: UInt64 = 0
        func add(_ byte: UInt8) {
            for member in kind(byte) == 2 ? [byte] : [byte | 0x20, byte & ~0x20] {
                if member < 64 { low |= 1 << UInt64(member) } else { high |= 1 << UInt64(member - 64) }
            }
        }
        while let first = bytes.popFirst() {
            guard let firstKind = kind(first) else { return nil }
            guard bytes.first == UInt8(ascii: "-"), bytes.count >= 2 else {
                add(first)
                continue
            }
            bytes.removeFirst()
            guard let last = bytes.popFirst(), kind(last) == firstKind, first <= last else { return nil }
            for byte in first...last { add(byte) }
        }
        return (low, high)
    }

    /// Whether ASCII `text` holds a byte of `set`; nil when the text is not ASCII or is
    /// longer than ``maxInput`` (the regex decides those).
    static func search(_ text: String, for set: (low: UInt64, high: UInt64)) -> Bool? {
        let utf8 = text.utf8
        guard utf8.count <= maxInput else { return nil }
        var found = false
        for byte in utf8 {
            if byte >= 0x80 { return nil }
            if byte < 64 ? set.low & (1 << UInt64(byte)) != 0 : set.high & (1 << UInt64(byte - 64)) != 0 { found = true }
        }
        return found
    }

    /// The words of a pattern made only of non-empty ASCII letters, digits, spaces, hyphens
    /// and underscores between `|`, in lower case; nil for any other pattern.
    static func asciiWords(_ pattern: String) -> [[UInt8]]? {
        var words: [[UInt8]] = [[]]
        for byte in pattern.utf8 {
            switch byte {
            case UInt8(ascii: "|"): words.append([])
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): words[words.count - 1].append(byte | 0x20)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "_"):
                words[words.count - 1].append(byte)
            default: return nil
            }
        }
        return words.contains(where: \.isEmpty) ? nil : words
    }

    /// Whether ASCII `text` holds one of `words` (lower case), in either case; nil when the
    /// text is not ASCII or is longer than ``maxInput`` (the regex decides those).
    static func search(_ text: String, forAnyOf words: [[UInt8]]) -> Bool? {
        let utf8 = text.utf8
        guard utf8.count <= maxInput else { return nil }
        var lowered: [UInt8] = []
        lowered.reserveCapacity(utf8.count)
        for byte in utf8 {
            if byte >= 0x80 { return nil }
            lowered.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
        }
        for word in words where word.count <= lowered.count {
            for start in 0...(lowered.count - word.count) where lowered[start] == word[0] {
                var offset = 1
                while offset < word.count, lowered[start + offset] == word[offset] { offset += 1 }
                if offset == word.count { return true }
            }
        }
        return false
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
