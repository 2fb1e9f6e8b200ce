/// The fast path of the evaluate stage: the truth of a condition alone, decided exactly as
/// ``Evaluator/evaluate(_:in:)`` decides it but without building the facts, paths and
/// missing-fact texts a finding shows.
///
/// Most records meet most rules only to fail them (a shipment that is neither to nor from
/// the DPRK fails every goods rule on its first condition). The engine asks this first and
/// builds the reasoned evaluation only for a rule whose condition holds or is unknown, so the
/// reasons are never built for a rule that does not fire. `FastPathTests` checks, rule by
/// rule and record by record, that both paths agree.
///
/// Generic over what it reads (``RecordNode``): a record's ``Value``, or the ``Document``
/// its line was read into, which the engine judges most records on without building values.
final class TruthEvaluator<Node: RecordNode> {
    /// The record.
    let root: Node
    let date: Day
    let periodEnd: Day
    /// Names already screened, kept across the records one worker assesses; `nil` screens
    /// every name afresh.
    let cache: ScreeningCache?
    /// The record's direction (`to_dprk`, `from_dprk`), worked out once.
    let directions: Evaluator.Directions
    /// The truths of the conditions several rules share, by their slot (see
    /// ``truth(_:shared:)``): bit `slot` of `decided` is set once it is decided, and then
    /// of `holds` when it holds, of `unknown` when it is unknown.
    private var decided: UInt64 = 0, holds: UInt64 = 0, unknown: UInt64 = 0

    /// How many shared conditions ``truth(_:shared:)`` keeps the truth of.
    static var sharedSlots: Int { UInt64.bitWidth }

    init(root: Node, date: Day, periodEnd: Day, cache: ScreeningCache?, directions: Evaluator.Directions? = nil) {
        self.root = root
        self.date = date
        self.periodEnd = periodEnd
        self.cache = cache
        self.directions = directions ?? Evaluator.Directions(of: root)
    }

    /// The truth of `condition` on the record, compiled afresh (``TruthProgram``): for a
    /// condition asked once. The engine asks each rule's program, compiled when the rule
    /// was loaded, instead.
    func truth(_ condition: Condition) -> Truth {
        truth(TruthProgram(condition))
    }

    /// ``truth(_:)`` of a program compiled from a condition that several rules share, the
    /// condition numbered `slot` (below ``sharedSlots``; nil when it is not shared): decided
    /// once a record and then remembered. Its truth depends on nothing but the record,
    /// which this evaluator is for.
    func truth(_ program: TruthProgram, shared slot: Int?) -> Truth {
        guard let slot else { return truth(program) }
        let bit: UInt64 = 1 << UInt64(slot)
        if decided & bit != 0 {
            return holds & bit != 0 ? .yes : (unknown & bit != 0 ? .unknown : .no)
        }
        let truth = truth(program)
        decided |= bit
        switch truth {
        case .yes: holds |= bit
        case .unknown: unknown |= bit
        case .no: break
        }
        return truth
    }

    /// The truth of a field test on the values its path leads to from `node`.
    func truth(_ test: FieldTest, in node: Node, atRoot: Bool) -> Truth {
        if atRoot, test.path.special == .flow { return flowTruth(test) }
        switch test.quick.kind {
        case .exists, .missing:
            var present = false
            visit(test.path, in: node, atRoot: atRoot, fanOutLeaf: true) { found, _ in
                if found != nil { present = true }
                return !present
            }
            return Truth((test.quick.kind == .exists) == present)
        default:
            return disjunction(over: test.path, in: node, atRoot: atRoot) { found, parent in
                found.quickCheck(test) ?? Evaluator.check(test.test, found.value, parent: parent).0
            }
        }
    }

    /// Kleene "or" of `truth` over every value `path` leads to from `node` (with the object
    /// holding it): yes at the first that holds; else unknown when one is unknown or a
    /// value is missing; else no.
    @inline(__always)
    func disjunction(over path: FieldPath, in node: Node, atRoot: Bool, _ truth: (_ value: Node, _ parent: Node?) -> Truth) -> Truth {
        var result = Truth.no
        visit(path, in: node, atRoot: atRoot, fanOutLeaf: true) { found, parent in
            guard let found else {
                result = .unknown
                return true
            }
            switch truth(found, parent) {
            case .yes:
                result = .yes
                return false
            case .unknown: result = .unknown
            case .no: break
            }
            return true
        }
        return result
    }

    /// The truth of a `flow` test: ``Evaluator/flow(_:)`` without its facts. Each direction
    /// the test names is yes, no or unknown for the record; the test holds when one holds.
    private func flowTruth(_ test: FieldTest) -> Truth {
        guard let flow = test.flow else { return .unknown }
        let to = flow.toDPRK ? directions.toDPRK : .no, from = flow.fromDPRK ? directions.fromDPRK : .no
        let truth: Truth = to == .yes || from == .yes ? .yes : (to == .unknown || from == .unknown ? .unknown : .no)
        return flow.negated ? truth.negated : truth
    }

    // MARK: Screening

    /// The best match of a party or vessel (an object with `name`, `aliases`, `former_names`,
    /// `imo`, `mmsi`, `identifiers`, or a bare name): identifiers first, then each name the
    /// record gives, exact before fuzzy, then the higher score. Returns the name that matched
    /// (`nil` for an identifier). Names and identifiers are looked up by their bytes.
    func bestMatch(for party: Node, _ screening: Screening) -> (NameMatch, Node?)? {
        bestMatch(for: party, members: party.party, screening)
    }

    /// ``bestMatch(for:_:)`` given the party's ``RecordNode/party`` members, read once for
    /// every list it is screened against.
    func bestMatch(for party: Node, members: PartyMembers<Node>, _ screening: Screening) -> (NameMatch, Node?)? {
        let matcher = screening.matcher
        if let found = party.withStringBytes({ nameHit($0, screening) }) {
            return found.map { (matcher.result($0, date: date), party) }
        }
        if members.imo != nil || members.mmsi != nil || members.identifiers != nil {
            var identifierHit: NameMatcher.NameHit?
            // The first identifier on the list, in the order given: IMO, MMSI, the rest.
            func look(_ node: Node?, text: (Node) -> String?) -> Bool {
                guard identifierHit == nil, let node else { return identifierHit == nil }
                if let found = node.withStringBytes({ self.identifierHit($0, matcher) }) {
                    identifierHit = found
                } else if var text = text(node) {
                    identifierHit = text.withUTF8 { self.identifierHit($0, matcher) }
                }
                return identifierHit == nil
            }
            _ = look(members.imo) { $0.value.displayText }
            _ = look(members.mmsi) { $0.value.displayText }
            if let listed = members.identifiers, listed.isArray {
                _ = listed.forEachElement { item in look(item) { $0.member("value")?.value.displayText } }
            }
            if let identifierHit { return (matcher.result(identifierHit, date: date), nil) }
        }
        // The better of the best so far and `name` (no captured state: nothing is boxed).
        func better(_ best: (hit: NameMatcher.NameHit, name: Node)?, _ name: Node) -> (hit: NameMatcher.NameHit, name: Node)? {
            guard let found = name.withStringBytes({ nameHit($0, screening) }), let hit = found else { return best }
            guard let current = best else { return (hit, name) }
            let exact = hit.kind != .fuzzy, currentExact = current.hit.kind != .fuzzy
            return (exact && !currentExact) || (exact == currentExact && hit.score > current.hit.score) ? (hit, name) : current
        }
        var best = members.name.flatMap { better(nil, $0) }
        for aliases in [true, false] {
            guard let list = aliases ? members.aliases : members.formerNames, list.isArray else { continue }
            _ = list.forEachElement { item in
                best = better(best, item)
                return true
            }
        }
        return best.map { (matcher.result($0.hit, date: date), $0.name) }
    }

    private func nameHit(_ name: UnsafeBufferPointer<UInt8>, _ screening: Screening) -> NameMatcher.NameHit? {
        guard let cache else { return screening.matcher.nameHit(String(decoding: name, as: UTF8.self), threshold: screening.threshold) }
        return cache.nameHit(utf8: name, screening)
    }

    private func identifierHit(_ identifier: UnsafeBufferPointer<UInt8>, _ matcher: NameMatcher) -> NameMatcher.NameHit? {
        // Digits alone (an IMO or MMSI number) are their own key: one lookup in the list's
        // index costs less than the cache, and a long run meets most numbers only once (the
        // million workload records: 370,326 numbers in 412,128 vessels).
        if NameMatcher.isDigits(identifier) {
            return matcher.identifierHit(key: String(decoding: identifier, as: UTF8.self))
        }
        guard let cache else { return matcher.identifierHit([String(decoding: identifier, as: UTF8.self)]) }
        return cache.identifierHit(utf8: identifier, matcher)
    }

    // MARK: Paths

    /// Calls `body` with every value the path leads to (and the object holding it), as
    /// ``Evaluator/resolve(_:in:fanOutLeaf:)`` finds them, without naming their paths; `nil`
    /// where a member is absent. `body` returns `false` to stop.
    func visit(_ path: FieldPath, in node: Node, atRoot: Bool, fanOutLeaf: Bool,
               _ body: (_ value: Node?, _ parent: Node?) -> Bool) {
        if atRoot {
            switch path.special {
            case .periodEnd:
                // Unreachable for nodes that cannot hold it (``impliedTruth`` decides those).
                if let implied = Node.implied(.string(periodEnd.description)) { _ = body(implied, nil) }
                return
            case .origin where root.member(static: "origin") == nil:
                visit(.from, in: node, atRoot: true, fanOutLeaf: fanOutLeaf, body)
                return
            case .endUser where root.member(static: "end_user") == nil:
                visit(.to, in: node, atRoot: true, fanOutLeaf: fanOutLeaf, body)
                return
            default: break
            }
        }
        _ = node.visit(path, fanOutLeaf: fanOutLeaf, body)
    }

    /// Whether this record goes to the DPRK, and comes from it.
    static func directions(of root: Node) -> Evaluator.Directions {
        Evaluator.Directions(toDPRK: toDPRK(root), fromDPRK: fromDPRK(root))
    }

    /// Whether the record goes to the DPRK: `to`, `end_user` or a `via` leg is KP;
    /// unknown without `to`.
    static func toDPRK(_ root: Node) -> Truth {
        if let via = root.member(static: "via"), via.isArray, !via.forEachElement({ $0.isKPText != true }) { return .yes }
        let to = root.member(static: "to")?.isKPText
        if to == true || root.member(static: "end_user")?.isKPText == true { return .yes }
        return to == nil ? .unknown : .no
    }

    /// Whether the record comes from the DPRK: `from` or `origin` is KP; unknown without `from`.
    static func fromDPRK(_ root: Node) -> Truth {
        let from = root.member(static: "from")?.isKPText
        if from == true || root.member(static: "origin")?.isKPText == true { return .yes }
        return from == nil ? .unknown : .no
    }
}

extension Evaluator {
    /// `text.uppercased() == "KP"`, as ``flow(_:)`` compares, without allocating for ASCII.
    static func isKP(_ text: String) -> Bool {
        let utf8 = text.utf8
        if utf8.contains(where: { $0 >= 0x80 }) { return text.uppercased() == "KP" }
        guard utf8.count == 2, let first = utf8.first, let last = utf8.last else { return false }
        return (first | 0x20) == UInt8(ascii: "k") && (last | 0x20) == UInt8(ascii: "p")
    }

    /// ``isKP(_:)`` of the text whose UTF-8 bytes these are, without making a string
    /// unless a byte is outside ASCII.
    static func isKP(utf8 text: UnsafeBufferPointer<UInt8>) -> Bool {
        if text.contains(where: { $0 >= 0x80 }) { return isKP(String(decoding: text, as: UTF8.self)) }
        return text.count == 2 && text[0] | 0x20 == UInt8(ascii: "k") && text[1] | 0x20 == UInt8(ascii: "p")
    }
}
