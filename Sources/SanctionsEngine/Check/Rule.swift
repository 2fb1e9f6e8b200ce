/// A provision compiled from its rule file and ready to evaluate: dates parsed, HS scopes
/// and lists resolved, paths split. Built by ``Rulebook``; read-only to the library's users.
public struct Rule: Sendable, Identifiable {
    /// Whether a rule's content was checked against the resolution text.
    public enum Status: String, Sendable {
        case verified
        case unverified
    }

    /// Stable identifier, e.g. `DPRK-COAL-IRON-EXPORT-2371`.
    public var id: String { storage.id }
    /// Short plain-words title.
    public var title: String { storage.title }
    /// e.g. `sectoral-export-ban`, `luxury-goods`.
    public var category: String { storage.category }
    /// Whether the content was checked against the resolution text.
    public var status: Status { storage.status }
    /// What was checked, what is uncertain.
    public var note: String? { storage.note }
    /// Where the text was verified.
    public var source: String? { storage.source }
    /// The first is the paragraph the rule enforces.
    public var citations: [Citation] { storage.citations }
    public var inForce: InForce { storage.inForce }
    /// Record kinds the rule applies to, in the order the file gives them.
    public var appliesTo: [RecordKind] { storage.appliesTo }
    var condition: Condition { storage.condition }
    /// The condition compiled for its truth alone, once per rule.
    var program: TruthProgram { storage.program }
    public var exemptions: [Exemption] { storage.exemptions }
    /// `violation` or `notice`.
    public var verdict: Verdict { storage.verdict }
    var message: MessageTemplate { storage.message }
    public var examples: RuleExamples { storage.examples }
    /// A quantity cap judged across a batch, when the provision sets one.
    public var cap: Cap? { storage.cap }
    /// The rule file and where the rule starts in it.
    public var position: SourcePosition { storage.position }

    /// The fields, immutable and shared by every copy of the rule: a rule is read once per
    /// record it meets, and copying one reference costs one retain where copying sixteen
    /// fields cost a dozen (a profile showed those copies at about 4 % of an assessment).
    private let storage: Storage

    final class Storage: Sendable {
        let id: String
        let title: String
        let category: String
        let status: Status
        let note: String?
        let source: String?
        let citations: [Citation]
        let inForce: InForce
        let appliesTo: [RecordKind]
        let condition: Condition
        let program: TruthProgram
        let exemptions: [Exemption]
        let verdict: Verdict
        let message: MessageTemplate
        let examples: RuleExamples
        let cap: Cap?
        let position: SourcePosition

        init(id: String, title: String, category: String, status: Status, note: String?, source: String?,
             citations: [Citation], inForce: InForce, appliesTo: [RecordKind], condition: Condition,
             exemptions: [Exemption], verdict: Verdict, message: MessageTemplate, examples: RuleExamples,
             cap: Cap?, position: SourcePosition) {
            self.id = id
            self.title = title
            self.category = category
            self.status = status
            self.note = note
            self.source = source
            self.citations = citations
            self.inForce = inForce
            self.appliesTo = appliesTo
            self.condition = condition
            program = TruthProgram(condition)
            self.exemptions = exemptions
            self.verdict = verdict
            self.message = message
            self.examples = examples
            self.cap = cap
            self.position = position
        }
    }

    /// A rule of these fields (``RuleChecker`` builds them from a rule file).
    init(_ storage: Storage) {
        self.storage = storage
    }
}

/// When a rule is law: from a date, possibly until a later paragraph replaced it, with
/// an optional wind-down for contracts concluded before adoption.
public struct InForce: Sendable {
    /// First day in force.
    public let from: Day
    /// Last day in force.
    public let until: Day?
    /// The rule that replaced this one.
    public let supersededBy: String?
    /// Contracts concluded before adoption that may still be performed for a while.
    public let windDown: WindDown?
    /// The window in the words of a finding's first fact: `in force 2017-12-22 onwards`.
    let words: String

    init(from: Day, until: Day?, supersededBy: String?, windDown: WindDown?) {
        self.from = from
        self.until = until
        self.supersededBy = supersededBy
        self.windDown = windDown
        words = "in force \(from)" + (until.map { " to \($0)" } ?? " onwards")
    }

    /// Whether a record covering `start`…`end` falls (at least partly) in the window.
    public func covers(start: Day, end: Day) -> Bool {
        end >= from && (until.map { start <= $0 } ?? true)
    }
}

/// Contracts concluded before `contractsBefore` may still be performed until `until`.
public struct WindDown: Sendable {
    /// Contracts concluded strictly before this day qualify.
    public let contractsBefore: Day
    /// Last day on which they may be performed.
    public let until: Day
    /// The text that grants it (the rule's first citation when empty).
    public let citations: [Citation]
    /// The title of its exemption note, and what a record that gives no `contract_date`
    /// needs for it: worked out once, shown with every finding it might exempt.
    let title: String
    let need: String

    init(contractsBefore: Day, until: Day, citations: [Citation]) {
        self.contractsBefore = contractsBefore
        self.until = until
        self.citations = citations
        title = "Contract concluded before \(contractsBefore), performed by \(until)"
        need = "the wind-down: a contract concluded before \(contractsBefore) may be performed until \(until)"
    }
}

/// An exemption: the provision applies, but not to records that meet these conditions.
public struct Exemption: Sendable {
    /// Identifier within the rule, e.g. `RAJIN-TRANSIT`.
    public let id: String
    public let title: String
    /// The text that grants the exemption.
    public let citations: [Citation]
    public let note: String?
    let condition: Condition
    /// The condition compiled for its truth alone.
    let program: TruthProgram
    /// Where the exemption starts in the rule file.
    public let position: SourcePosition
    /// `exemption <id>: `, the start of what each of its missing facts is needed for in a
    /// finding (UTF-8).
    let needPrefix: [UInt8]

    init(id: String, title: String, citations: [Citation], note: String?, condition: Condition, position: SourcePosition) {
        self.id = id
        self.title = title
        self.citations = citations
        self.note = note
        self.condition = condition
        program = TruthProgram(condition)
        self.position = position
        needPrefix = Array("exemption \(id): ".utf8)
    }

    /// What a fact missing from this exemption's condition is needed for in a finding:
    /// `need` after ``needPrefix``.
    func need(_ need: String) -> String {
        var need = need
        return need.withUTF8 { rest in
            String(unsafeUninitializedCapacity: needPrefix.count + rest.count) { buffer in
                let prefixEnd = buffer.initialize(fromContentsOf: needPrefix)
                let end = UnsafeMutableBufferPointer(rebasing: buffer[prefixEnd...]).initialize(fromContentsOf: rest)
                return prefixEnd + end
            }
        }
    }
}

/// Records a rule carries as its own specification: the test suite and `sanctions test`
/// run every one.
public struct RuleExamples: Sendable {
    /// One example record and what the rule must conclude of it.
    public struct Example: Sendable {
        /// The example record.
        public let record: Value
        /// Where it is in the rule file.
        public let position: SourcePosition
    }

    /// Must yield the rule's verdict.
    public let violation: [Example]
    /// Must yield a notice (rules with `verdict: notice`).
    public let notice: [Example]
    /// Must yield no violation and no possible violation (clear, exempt or notice).
    public let notViolation: [Example]
    /// Must yield a possible violation (a deciding fact missing).
    public let possibleViolation: [Example]
    /// Must yield an exemption.
    public let exempt: [Example]

    /// Every example with the verdict it demands (`nil`: none of violation and possible violation).
    public var all: [(example: Example, expect: Verdict?)] {
        violation.map { ($0, .violation) } + notice.map { ($0, .notice) } + notViolation.map { ($0, nil) }
            + possibleViolation.map { ($0, .possibleViolation) } + exempt.map { ($0, .exempt) }
    }
}

/// A compiled condition tree.
indirect enum Condition: Sendable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    /// Some element of the list at the path satisfies the condition (paths inside are
    /// relative to the element).
    case some(FieldPath, Condition)
    case test(FieldTest)
    /// The party or vessel objects at the path, screened against a designation list.
    case screen(FieldPath, Screening)
}

/// Screening against a designation list: identifiers, then names, then a fuzzy score at
/// or above the rule's threshold. A class: every party of every record is screened through
/// one, and copying one reference costs less than copying its members.
final class Screening: Sendable {
    let matcher: NameMatcher
    let threshold: Double
    let describe: String?

    init(matcher: NameMatcher, threshold: Double, describe: String?) {
        self.matcher = matcher
        self.threshold = threshold
        self.describe = describe
    }
}

/// A dotted path into a record, split once. Its texts are held in one storage object: a
/// path is copied wherever a condition is walked, and one reference costs a third of three.
struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// What the path names besides a member when it is read from the record's root (a
    /// one-component path the engine treats apart), found once so evaluation compares no text.
    let special: Special
    private let storage: Storage

    enum Special: Sendable, Hashable {
        /// A member like any other.
        case none
        /// The record's direction (``Evaluator/flow(_:)``).
        case flow
        /// The last day of the record's period: a fact it implies.
        case periodEnd
        /// `origin`, which falls back to `from`.
        case origin
        /// `end_user`, which falls back to `to`.
        case endUser
    }

    private final class Storage: Sendable {
        let components: [String]
        let utf8: [UInt8]
        let utf8Ends: [Int]
        /// `suffixes[i]`: the components from the `i`th on, joined by dots.
        let suffixes: [String]
        /// `prefixes[i]`: the components before the `i`th, joined by dots (`""` for 0).
        let prefixes: [String]
        /// What a `some` over this path misses where the list is not given, and that
        /// missing fact, encoded (``MissingFact/json``), a list of one made once.
        let someNeed: String
        let someMissing: [MissingFact]

        init(components: [String], utf8: [UInt8], utf8Ends: [Int]) {
            self.components = components
            self.utf8 = utf8
            self.utf8Ends = utf8Ends
            // Each joined from the next: a `joined` apiece cost a thousand instructions at start-up.
            var suffixes = components
            for index in components.indices.dropLast().reversed() { suffixes[index] += "." + suffixes[index + 1] }
            var prefixes = [""]
            for component in components.dropLast() { prefixes.append(prefixes.count == 1 ? component : prefixes[prefixes.count - 1] + "." + component) }
            self.suffixes = suffixes
            self.prefixes = Array(prefixes.prefix(components.count))
            someNeed = "whether any " + (suffixes.first ?? "") + " entry qualifies"
            someMissing = ResultJSON.missingFact(path: suffixes.first ?? "", need: someNeed)
        }
    }

    var components: [String] { storage.components }
    /// The components from the `level`th on, joined by dots (`goods.hs` from 0, `hs` from
    /// 1): where a finding places a member that is absent, written once per path.
    func suffix(from level: Int) -> String { storage.suffixes[level] }
    /// The components before the `level`th, joined by dots (`goods` before 1, `""` before
    /// 0): where a walk from the record's root that met no list stands, written once per
    /// path.
    func prefix(upTo level: Int) -> String { storage.prefixes[level] }
    /// `whether any goods entry qualifies`: what a `some` over this path misses where the
    /// list is not given, written once per path.
    var someNeed: String { storage.someNeed }
    /// What a `some` over this path misses where the list is not given: the fact at the
    /// path itself, encoded, a list of one made once per path.
    var someMissing: [MissingFact] { storage.someMissing }
    /// The components' UTF-8 bytes, one after another, and where each ends: what a
    /// ``DocumentNode`` looks members up by.
    var utf8: [UInt8] { storage.utf8 }
    var utf8Ends: [Int] { storage.utf8Ends }

    static let from = FieldPath(components: ["from"])
    static let to = FieldPath(components: ["to"])

    init(components: [String]) {
        var ends: [Int] = []
        var end = 0
        for component in components {
            end += component.utf8.count
            ends.append(end)
        }
        storage = Storage(components: components, utf8: components.flatMap(\.utf8), utf8Ends: ends)
        switch components.count == 1 ? components[0] : "" {
        case "flow": special = .flow
        case "period_end": special = .periodEnd
        case "origin": special = .origin
        case "end_user": special = .endUser
        default: special = .none
        }
    }

    /// Paths are equal when their components are.
    static func == (lhs: FieldPath, rhs: FieldPath) -> Bool {
        lhs.storage === rhs.storage || lhs.components == rhs.components
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(components)
    }

    var description: String { storage.suffixes.first ?? "" }
}

/// One test of one field (a class: conditions are walked for every record, and copying one
/// reference costs less than copying the path, operator and text it holds).
final class FieldTest: Sendable {
    let path: FieldPath
    let test: Operator
    /// Plain words for findings, from the rule's `describe:`.
    let describe: String?
    /// For a test of `flow`, the directions it names (compared ignoring case, as
    /// ``Evaluator/flow(_:)`` compares them) and whether it is `not_in`; nil for an
    /// operator `flow` cannot be tested with (its truth is then unknown).
    let flow: (toDPRK: Bool, fromDPRK: Bool, negated: Bool)?
    /// For a test of `flow`, the directions it names (in order); and what its facts are
    /// needed for when they are missing (`describe`, else `flow is to_dprk or from_dprk`).
    let flowDirections: [FlowDirection]
    let flowNeed: String
    /// The operator as a document's string is tested with it, worked out once: reading
    /// `test` (an enum with payloads) copies them, and the fast path tests a dozen times a
    /// record.
    let quick: QuickTest
    /// What the test says of a value, in findings: `describe`, else the operator in words
    /// (`is one of KP, CN`). Worked out once.
    let words: String
    /// What a missing value is needed for: `describe`, else the path and the operator in
    /// words (`goods.hs in HS 27`).
    let need: String
    /// What a test whose path meets no list misses where its value is not given: the fact
    /// at the path itself, needed for ``need``, encoded (``MissingFact/json``), a list of
    /// one made once.
    let missing: [MissingFact]
    /// For a test of `flow`, what it misses where `to` or `from` is not given (the members
    /// that decide a direction): the fact there, needed for ``flowNeed``, encoded, a list
    /// of one made once; empty for another test.
    let flowMissing: (to: [MissingFact], from: [MissingFact])

    init(path: FieldPath, test: Operator, describe: String?) {
        self.path = path
        self.test = test
        self.describe = describe
        quick = QuickTest(test)
        words = describe ?? Evaluator.words(test)
        need = describe ?? "\(path) \(Evaluator.words(test))"
        missing = ResultJSON.missingFact(path: path.description, need: need)
        let wanted: [Value]
        switch test {
        case .equals(let value): wanted = [value]
        case .isIn(let values), .notIn(let values): wanted = values
        default:
            flow = nil
            flowDirections = []
            flowNeed = ""
            flowMissing = ([], [])
            return
        }
        let texts = wanted.map(\.displayText)
        flowDirections = texts.map { FlowDirection($0) }
        var negated = false
        if case .notIn = test { negated = true }
        flowNeed = describe ?? "flow \(negated ? "is not" : "is") \(texts.joined(separator: " or "))"
        flowMissing = (ResultJSON.missingFact(path: "to", need: flowNeed), ResultJSON.missingFact(path: "from", need: flowNeed))
        flow = (flowDirections.contains(.toDPRK), flowDirections.contains(.fromDPRK), negated)
    }
}

/// A direction a `flow` test names, compared ignoring case.
enum FlowDirection: Sendable {
    case toDPRK, fromDPRK
    /// Any other word: no record goes that way.
    case other

    init(_ text: String) {
        switch text.lowercased() {
        case "to_dprk": self = .toDPRK
        case "from_dprk": self = .fromDPRK
        default: self = .other
        }
    }
}

/// A field test in the form ``DocumentNode/quickCheck(_:)`` decides it on a string's bytes:
/// HS scopes, dates, and equality with texts that are all ASCII (compared ignoring case, as
/// ``Evaluator/same(_:_:)`` compares them). Any other operator is `.other`, left to
/// ``Evaluator/check(_:_:parent:)``.
struct QuickTest: Sendable {
    enum Kind: UInt8, Sendable {
        case exists, missing, hs, date, equals, isIn, notIn, other
    }

    let kind: Kind
    /// For `.hs`, the scope (else empty).
    let scope: HSScope
    /// For `.date`, the comparison and the day compared with.
    let comparison: DateComparison
    let day: Day
    /// For `.equals`, `.isIn` and `.notIn`, the texts compared with, lowercased, end to end;
    /// `ends` says where each ends.
    let texts: [UInt8]
    let ends: [Int]

    init(_ test: Operator) {
        var kind = Kind.other, scope = HSScope(entries: []), comparison = DateComparison.before, day = Day(number: 0)
        var texts: [UInt8] = [], ends: [Int] = []
        switch test {
        case .exists: kind = .exists
        case .missing: kind = .missing
        case .hs(let hs, _):
            kind = .hs
            scope = hs
        case .date(let compare, let given):
            kind = .date
            comparison = compare
            day = given
        case .equals(let value): (kind, texts, ends) = QuickTest.texts([value], kind: .equals)
        case .isIn(let values): (kind, texts, ends) = QuickTest.texts(values, kind: .isIn)
        case .notIn(let values): (kind, texts, ends) = QuickTest.texts(values, kind: .notIn)
        default: break
        }
        self.kind = kind
        self.scope = scope
        self.comparison = comparison
        self.day = day
        self.texts = texts
        self.ends = ends
    }

    /// `choices` lowercased end to end, and `kind`; `.other` when one is not a string of
    /// ASCII text (a text that is not ASCII may still lowercase to ASCII: the Kelvin sign).
    private static func texts(_ choices: [Value], kind: Kind) -> (Kind, [UInt8], [Int]) {
        var texts: [UInt8] = [], ends: [Int] = []
        for choice in choices {
            guard case .string(let text) = choice, !text.utf8.contains(where: { $0 >= 0x80 }) else { return (.other, [], []) }
            texts += text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
            ends.append(texts.count)
        }
        return (kind, texts, ends)
    }
}

/// What a field is tested for.
enum Operator: Sendable {
    case equals(Value)
    case isIn([Value])
    case notIn([Value])
    case hs(HSScope, label: String)
    case compare(Comparison, Measure)
    case date(DateComparison, Day)
    case exists
    case missing
    case contains(String)
    case matches(BoundedPattern)
    case inList(NamedList)
}

enum Comparison: String, Sendable {
    case greaterThan = "greater_than"
    case atLeast = "at_least"
    case lessThan = "less_than"
    case atMost = "at_most"

    func holds(_ lhs: Double, _ rhs: Double) -> Bool {
        switch self {
        case .greaterThan: return lhs > rhs
        case .atLeast: return lhs >= rhs
        case .lessThan: return lhs < rhs
        case .atMost: return lhs <= rhs
        }
    }

    var words: String {
        switch self {
        case .greaterThan: return "greater than"
        case .atLeast: return "at least"
        case .lessThan: return "less than"
        case .atMost: return "at most"
        }
    }
}

enum DateComparison: String, Sendable {
    case before
    case onOrBefore = "on_or_before"
    case after
    case onOrAfter = "on_or_after"

    func holds(_ lhs: Day, _ rhs: Day) -> Bool {
        switch self {
        case .before: return lhs < rhs
        case .onOrBefore: return lhs <= rhs
        case .after: return lhs > rhs
        case .onOrAfter: return lhs >= rhs
        }
    }

    var words: String {
        switch self {
        case .before: return "before"
        case .onOrBefore: return "on or before"
        case .after: return "after"
        case .onOrAfter: return "on or after"
        }
    }
}

/// A threshold: a plain number, money in a currency, or a quantity in a unit.
enum Measure: Sendable, CustomStringConvertible {
    case number(Double)
    case money(Double, currency: String)
    case quantity(Double, unit: String)

    var amount: Double {
        switch self {
        case .number(let value), .money(let value, _), .quantity(let value, _): return value
        }
    }

    var description: String {
        switch self {
        case .number(let value): return Value.format(value)
        case .money(let value, let currency): return "\(currency) \(Value.format(value))"
        case .quantity(let value, let unit): return "\(Value.format(value)) \(unit)"
        }
    }
}

/// A message with `{path}` placeholders, split at check time.
struct MessageTemplate: Sendable {
    /// A piece of the message as written: a text, or a placeholder's path.
    enum Segment: Sendable {
        case text(String)
        case field(FieldPath)
    }

    /// The message as the engine fills it in: each placeholder with the text before it
    /// (``text``'s bytes in `textBefore`), then the text after the last (`textAfter`). The
    /// texts are bytes, copied whole; reading a segment out of an enum cost a retain.
    struct Part: Sendable {
        let textBefore: Range<Int>
        let field: FieldPath
    }

    let parts: [Part]
    let textAfter: Range<Int>
    /// The UTF-8 bytes of every text segment, one after the other.
    let text: [UInt8]

    /// The template of the message written as `segments`.
    init(segments: [Segment]) {
        var parts: [Part] = [], text: [UInt8] = [], start = 0
        for segment in segments {
            switch segment {
            case .text(let piece): text.append(contentsOf: piece.utf8)
            case .field(let path):
                parts.append(Part(textBefore: start..<text.count, field: path))
                start = text.count
            }
        }
        self.parts = parts
        self.textAfter = start..<text.count
        self.text = text
    }
}
