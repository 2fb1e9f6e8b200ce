/// What the truth-only evaluation (``TruthEvaluator``) reads of a record: a ``Value``, or a
/// position in a ``Document`` read from the record's line. One evaluation, two shapes of
/// input: the engine judges most records on their document, and the reasoned evaluation and
/// the library's callers on values; `DocumentTests` checks that both give the same truths.
protocol RecordNode {
    /// The member `key`; nil when this is not an object, has no such member, or the member
    /// is `null` (the record contract has no use for null).
    func member(_ key: String) -> Self?
    /// ``member(_:)`` for a name the engine itself reads (`to`, `date`, `contract_date`).
    func member(static key: StaticString) -> Self?
    var isArray: Bool { get }
    var isObject: Bool { get }
    /// Calls `body` with each element of an array until it returns false; false then.
    func forEachElement(_ body: (Self) -> Bool) -> Bool
    /// The text, when this is a string.
    var stringValue: String? { get }
    /// ``Evaluator/check(_:_:parent:)``'s truth for the tests rules make most often, decided
    /// without building the value; nil to leave it to that function.
    func quickCheck(_ test: Operator) -> Truth?
    /// `body` called with the UTF-8 bytes of the text, when this is a string (else nil).
    func withStringBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result?
    /// The value itself, as a rule's test reads it.
    var value: Value { get }
    /// The members a party or vessel is screened by, read in one pass.
    var party: PartyMembers<Self> { get }
    /// A node holding `value`, a fact the record implies (`period_end`); nil when this kind
    /// of node cannot hold one, and the evaluation then reads that fact from a ``Value``.
    static func implied(_ value: Value) -> Self?
}

/// The members of a party or vessel that screening reads (absent or `null`: nil).
struct PartyMembers<Node> {
    var imo: Node?
    var mmsi: Node?
    var identifiers: Node?
    var name: Node?
    var aliases: Node?
    var formerNames: Node?
}

extension Value: RecordNode {
    func member(_ key: String) -> Value? { self[key] }

    func member(static key: StaticString) -> Value? { self[key.description] }

    var isArray: Bool {
        if case .array = self { return true }
        return false
    }

    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    func forEachElement(_ body: (Value) -> Bool) -> Bool {
        guard case .array(let elements) = self else { return true }
        for element in elements where !body(element) { return false }
        return true
    }

    var value: Value { self }

    var party: PartyMembers<Value> {
        var members = PartyMembers<Value>()
        guard case .object(let all) = self else { return members }
        // One pass over the members (a party has a few) instead of six lookups by hashed name.
        for (key, member) in all {
            if case .null = member { continue }
            switch key {
            case "imo": members.imo = member
            case "mmsi": members.mmsi = member
            case "identifiers": members.identifiers = member
            case "name": members.name = member
            case "aliases": members.aliases = member
            case "former_names": members.formerNames = member
            default: break
            }
        }
        return members
    }

    func quickCheck(_ test: Operator) -> Truth? { nil }

    func withStringBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        guard case .string(var text) = self else { return nil }
        return text.withUTF8(body)
    }

    static func implied(_ value: Value) -> Value? { value }
}

extension DocumentNode: RecordNode {
    func member(_ key: String) -> DocumentNode? {
        if let found = key.utf8.withContiguousStorageIfAvailable({ member(bytes: $0) }) { return found }
        var key = key
        return key.withUTF8 { member(bytes: $0) }
    }

    func member(static key: StaticString) -> DocumentNode? {
        member(bytes: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    var isArray: Bool { kind == .array }

    var isObject: Bool { kind == .object }

    var stringValue: String? { string }

    func withStringBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        kind == .string ? body(text) : nil
    }

    /// For a string (ASCII, as documents hold): HS scopes, dates, and equality with texts
    /// of the rule that are ASCII (``Evaluator/same(_:_:)`` compares them ignoring case).
    func quickCheck(_ test: Operator) -> Truth? {
        guard kind == .string else { return nil }
        switch test {
        case .hs(let scope, _):
            guard let code = HSScope.digits(utf8: text) else { return nil }
            return scope.contains(value: code.value, length: code.length)
        case .date(let comparison, let day):
            guard let given = Day(utf8: text) else { return .unknown }
            return Truth(comparison.holds(given, day))
        case .equals(let expected):
            return equalsIgnoringCase(expected).map(Truth.init)
        case .isIn(let choices), .notIn(let choices):
            var found = false
            for choice in choices {
                guard let equal = equalsIgnoringCase(choice) else { return nil }
                if equal {
                    found = true
                    break
                }
            }
            if case .notIn = test { found.toggle() }
            return Truth(found)
        default:
            return nil
        }
    }

    /// Whether this string equals `value`, a string of ASCII text, ignoring case; nil for
    /// any other value.
    private func equalsIgnoringCase(_ value: Value) -> Bool? {
        // A text that is not ASCII may still lowercase to ASCII (the Kelvin sign to `k`).
        guard case .string(let expected) = value, !expected.utf8.contains(where: { $0 >= 0x80 }) else { return nil }
        let text = self.text
        guard expected.utf8.count == text.count else { return false }
        for (byte, other) in zip(expected.utf8, text) where byte != other {
            let lower = byte >= 65 && byte <= 90 ? byte + 32 : byte
            let otherLower = other >= 65 && other <= 90 ? other + 32 : other
            if lower != otherLower { return false }
        }
        return true
    }

    var party: PartyMembers<DocumentNode> {
        var members = PartyMembers<DocumentNode>()
        forEachMember { name, member in
            guard member.kind != .null else { return }
            let text = name.text
            switch text.count {
            case 3 where DocumentNode.equal(text, "imo"): members.imo = member
            case 4 where DocumentNode.equal(text, "mmsi"): members.mmsi = member
            case 4 where DocumentNode.equal(text, "name"): members.name = member
            case 7 where DocumentNode.equal(text, "aliases"): members.aliases = member
            case 11 where DocumentNode.equal(text, "identifiers"): members.identifiers = member
            case 12 where DocumentNode.equal(text, "former_names"): members.formerNames = member
            default: break
            }
        }
        return members
    }

    static func implied(_ value: Value) -> DocumentNode? { nil }

    private static func equal(_ text: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard text.count == word.utf8CodeUnitCount else { return false }
        let start = word.utf8Start
        for offset in 0..<text.count where text[offset] != start[offset] { return false }
        return true
    }
}
