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
    /// Whether this is the text `KP` in any case (as ``Evaluator/isKP(_:)`` compares); nil
    /// when it is not a string.
    var isKPText: Bool? { get }
    /// ``Evaluator/check(_:_:parent:)``'s truth for the tests rules make most often, decided
    /// without building the value; nil to leave it to that function.
    func quickCheck(_ test: FieldTest) -> Truth?
    /// Calls `body` with every value `path` leads to from here (and the object holding it),
    /// `nil` where a member is absent, as ``Evaluator/resolve(_:in:fanOutLeaf:)`` finds them
    /// without naming their paths: lists fan out on the way, and at the end when
    /// `fanOutLeaf`. `body` returns `false` to stop; so does this then.
    func visit(_ path: FieldPath, fanOutLeaf: Bool, _ body: (_ value: Self?, _ parent: Self?) -> Bool) -> Bool
    /// `body` called with the UTF-8 bytes of the text, when this is a string (else nil).
    func withStringBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result?
    /// The value itself, as a rule's test reads it.
    var value: Value { get }
    /// The value as a finding shows it (``Value/displayText``).
    var displayText: String { get }
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

    var isKPText: Bool? {
        guard case .string(let text) = self else { return nil }
        return Evaluator.isKP(text)
    }

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

    func quickCheck(_ test: FieldTest) -> Truth? { nil }

    func visit(_ path: FieldPath, fanOutLeaf: Bool, _ body: (_ value: Value?, _ parent: Value?) -> Bool) -> Bool {
        Value.visit(path.components[...], self, parent: nil, fanOutLeaf: fanOutLeaf, body)
    }

    /// ``Evaluator/walk(_:_:_:parent:fanOutLeaf:into:)`` without paths; returns `false` once
    /// `body` has.
    private static func visit(_ components: ArraySlice<String>, _ node: Value, parent: Value?, fanOutLeaf: Bool,
                              _ body: (_ value: Value?, _ parent: Value?) -> Bool) -> Bool {
        guard let head = components.first else {
            if fanOutLeaf, node.isArray {
                return node.forEachElement { body($0, parent) }
            }
            return body(node, parent)
        }
        if node.isArray {
            return node.forEachElement { visit(components, $0, parent: parent, fanOutLeaf: fanOutLeaf, body) }
        }
        guard node.isObject else { return body(nil, nil) }
        if let child = node.member(head) {
            return visit(components.dropFirst(), child, parent: node, fanOutLeaf: fanOutLeaf, body)
        }
        return body(nil, node)
    }

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

    @inline(__always)
    func member(static key: StaticString) -> DocumentNode? {
        member(bytes: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    var isArray: Bool { kind == .array }

    var isObject: Bool { kind == .object }

    var stringValue: String? { string }

    var displayText: String {
        kind == .string ? String(decoding: text, as: UTF8.self) : value.displayText
    }

    /// Compared byte by byte: a document's strings are ASCII.
    var isKPText: Bool? {
        kind == .string ? Evaluator.isKP(utf8: text) : nil
    }

    func withStringBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        kind == .string ? body(text) : nil
    }

    func visit(_ path: FieldPath, fanOutLeaf: Bool, _ body: (_ value: DocumentNode?, _ parent: DocumentNode?) -> Bool) -> Bool {
        path.utf8.withUnsafeBufferPointer { keys in
            visit(keys, ends: path.utf8Ends, level: 0, parent: nil, fanOutLeaf: fanOutLeaf, body)
        }
    }

    /// ``visit(_:fanOutLeaf:_:)`` from component `level` on, the components' bytes given
    /// as `keys` ending at `ends`. Down the members in a loop; only a list recurses.
    private func visit(_ keys: UnsafeBufferPointer<UInt8>, ends: [Int], level: Int, parent: DocumentNode?, fanOutLeaf: Bool,
                       _ body: (_ value: DocumentNode?, _ parent: DocumentNode?) -> Bool) -> Bool {
        var node = self, parent = parent, level = level
        while true {
            if level == ends.count {
                if fanOutLeaf, node.kind == .array {
                    return node.forEachElement { [parent] element in body(element, parent) }
                }
                return body(node, parent)
            }
            if node.kind == .array {
                return node.forEachElement { [parent, level] element in
                    element.visit(keys, ends: ends, level: level, parent: parent, fanOutLeaf: fanOutLeaf, body)
                }
            }
            guard node.kind == .object else { return body(nil, nil) }
            let start = level == 0 ? 0 : ends[level - 1]
            guard let child = node.member(bytes: UnsafeBufferPointer(rebasing: keys[start..<ends[level]])) else {
                return body(nil, node)
            }
            parent = node
            node = child
            level += 1
        }
    }

    /// For a string (ASCII, as documents hold): HS scopes, dates, and equality with texts
    /// of the rule that are ASCII (``Evaluator/same(_:_:)`` compares them ignoring case),
    /// as the test's ``QuickTest`` has them.
    func quickCheck(_ test: FieldTest) -> Truth? {
        guard kind == .string else { return nil }
        let quick = test.quick
        switch quick.kind {
        case .hs:
            guard let code = HSScope.digits(utf8: text) else { return nil }
            return quick.scope.contains(value: code.value, length: code.length)
        case .date:
            guard let given = Day(utf8: text) else { return .unknown }
            return Truth(quick.comparison.holds(given, quick.day))
        case .equals, .isIn, .notIn:
            let text = self.text
            var found = false, start = 0
            quick.texts.withUnsafeBufferPointer { texts in
                for end in quick.ends {
                    defer { start = end }
                    guard end - start == text.count else { continue }
                    var equal = true
                    for offset in 0..<text.count {
                        let byte = text[offset]
                        if (byte >= 65 && byte <= 90 ? byte + 32 : byte) != texts[start + offset] {
                            equal = false
                            break
                        }
                    }
                    if equal {
                        found = true
                        break
                    }
                }
            }
            return Truth(quick.kind == .notIn ? !found : found)
        case .exists, .missing, .other:
            return nil
        }
    }

    var party: PartyMembers<DocumentNode> {
        var members = PartyMembers<DocumentNode>()
        // One pass over the members, each name told apart by its length and first byte.
        forEachMember { name, member in
            guard member.kind != .null else { return }
            let text = name.text
            guard let first = text.first else { return }
            switch (text.count, first) {
            case (3, UInt8(ascii: "i")) where DocumentNode.equal(text, "imo"): members.imo = member
            case (4, UInt8(ascii: "m")) where DocumentNode.equal(text, "mmsi"): members.mmsi = member
            case (4, UInt8(ascii: "n")) where DocumentNode.equal(text, "name"): members.name = member
            case (7, UInt8(ascii: "a")) where DocumentNode.equal(text, "aliases"): members.aliases = member
            case (11, UInt8(ascii: "i")) where DocumentNode.equal(text, "identifiers"): members.identifiers = member
            case (12, UInt8(ascii: "f")) where DocumentNode.equal(text, "former_names"): members.formerNames = member
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
