/// What of a record one rule's conclusion depends on (what ``Engine`` concludes before
/// writing a finding: verdict, citations, facts, missing facts, exemption): the record's
/// members its conditions read, and where its dates fall among the days they are compared
/// with. Two records alike in these reach the same conclusion, but where a fact shows a
/// date's own value (``ConclusionMemo`` keeps no such conclusion).
struct ConclusionKey: Sendable, Equatable {
    /// The names of the record's top-level members read, sorted: the first member of every
    /// path the rule's condition and its exemptions' conditions read from the record's root
    /// (a `some`'s inner paths are inside its list's member); for `flow` the members a
    /// direction is read from (`to`, `from`, `via`, `end_user`, `origin`); for `origin` and
    /// `end_user` the members they fall back to; for a test of an amount at the root, the
    /// `currency` and `unit` beside it; for a wind-down, `contract_date`; and `kind`. The
    /// date and the period's end are read only through the days below, unless some test
    /// reads them otherwise (then `date`, and `date_to`, are members here).
    let members: [String]
    /// The days the record's date is compared with (its tests of `date`, a wind-down's last day).
    let dateBreaks: [Day]
    /// The days the record's period end is compared with (its tests of `period_end`).
    let periodEndBreaks: [Day]
    /// ``members`` as UTF-8, as a document looks them up.
    let memberBytes: [[UInt8]]

    init(_ rule: borrowing Rule) {
        var names: Set<String> = ["kind"]
        var dateBreaks: Set<Day> = [], periodEndBreaks: Set<Day> = []
        func add(_ path: FieldPath, _ test: Operator?) {
            switch path.special {
            case .flow: names.formUnion(["to", "from", "via", "end_user", "origin"])
            case .origin: names.formUnion(["origin", "from"])
            case .endUser: names.formUnion(["end_user", "to"])
            case .periodEnd:
                if case .date(_, let day)? = test { periodEndBreaks.insert(day) } else { names.formUnion(["date", "date_to"]) }
            case .none:
                guard let first = path.components.first else { return }
                if path.components.count == 1, first == "date", case .date(_, let day)? = test {
                    dateBreaks.insert(day)
                    return
                }
                names.insert(first)
                // An amount's currency and a quantity's unit are read beside it.
                if path.components.count == 1, case .compare? = test { names.formUnion(["currency", "unit"]) }
            }
        }
        func walk(_ condition: Condition) {
            switch condition {
            case .all(let children), .any(let children): children.forEach(walk)
            case .not(let child): walk(child)
            case .some(let path, _): add(path, nil)
            case .screen(let path, _): add(path, nil)
            case .test(let test): add(test.path, test.test)
            }
        }
        walk(rule.condition)
        for exemption in rule.exemptions { walk(exemption.condition) }
        if let windDown = rule.inForce.windDown {
            // Read when the record's date is on or before its last day (``Engine``'s windDownStatus).
            dateBreaks.insert(windDown.until)
            names.insert("contract_date")
        }
        members = names.sorted()
        memberBytes = members.map { Array($0.utf8) }
        self.dateBreaks = dateBreaks.sorted()
        self.periodEndBreaks = periodEndBreaks.sorted()
    }

    static func == (lhs: ConclusionKey, rhs: ConclusionKey) -> Bool {
        lhs.members == rhs.members && lhs.dateBreaks == rhs.dateBreaks && lhs.periodEndBreaks == rhs.periodEndBreaks
    }

    /// Whether a fact at `path` shows the record's date or period end itself (its value is
    /// then not the same for every record alike in the key).
    static func showsADate(_ path: String) -> Bool {
        path == "date" || path == "period_end" || path == "date_to"
    }
}

/// What rules concluded about recent records, each kept under the record's
/// ``ConclusionKey`` for the rule, with the finding's JSON around its message: a record
/// alike in the key reaches the same conclusion, so its finding is written from these
/// without evaluating the rule again. Many records meet a rule alike: a vessel event that
/// names no goods, no destination and no origin gets the same possible violation from
/// every goods rule as the last one did, but for its date (the first fact) and message.
///
/// The key's bytes are the members' values entry by entry
/// (``DocumentNode/appendMemberKey(_:to:)``) and the side of each break day the record's
/// dates fall on, compared byte for byte, never by hash alone. A conclusion whose facts
/// show a date is not kept. Each rule has a few slots, the last conclusion kept in each:
/// memory is bounded by the rulebook, not by the input. One per worker, used by one thread
/// (``Engine/Detail/json``, on documents).
final class ConclusionMemo {
    /// One rule's finding on the records whose key is `key`.
    struct Entry {
        let key: [UInt8]
        let verdict: Verdict
        /// The citations when a screening match added to the rule's own; nil when they are
        /// the rule's own.
        let citations: [Citation]?
        /// The facts that triggered the finding (after the rule's being in force), which the
        /// message's placeholders may follow into lists.
        let facts: [Fact]
        /// The finding's JSON up to its message (``ResultJSON/writeOpening``).
        let opening: [UInt8]
        /// Its JSON after the first fact, the rule's being in force on the record's date
        /// (``ResultJSON/writeReasons(afterFirst:missing:exemption:to:)``), closed.
        let reasons: [UInt8]
    }

    /// Slots a rule has: records alike in a rule's members come in few variants each.
    static let ways = 8

    private var slots: [Entry?] = []
    /// The key being looked up: one buffer for every lookup of the worker.
    private var key: [UInt8] = []
    private var keyHash: UInt64 = 0

    /// Lookups that found the record's conclusion, and those that did not.
    private(set) var hits = 0
    private(set) var misses = 0

    init() {
        key.reserveCapacity(1_024)
    }

    /// Makes the key of the record at `root` (with its date and period end) for `box`.
    func makeKey(for box: Engine.RuleBox, of root: DocumentNode, date: Day, periodEnd: Day) {
        key.removeAll(keepingCapacity: true)
        let conclusionKey = box.conclusionKey
        for name in conclusionKey.memberBytes {
            name.withUnsafeBufferPointer { root.appendMemberKey($0, to: &key) }
        }
        for day in conclusionKey.dateBreaks { key.append(ConclusionMemo.side(of: date, day)) }
        for day in conclusionKey.periodEndBreaks { key.append(ConclusionMemo.side(of: periodEnd, day)) }
        keyHash = key.withUnsafeBufferPointer { ByteKeyMap<Int>.hash($0) }
    }

    /// 0, 1 or 2 as `date` is before, on or after `day`.
    private static func side(of date: Day, _ day: Day) -> UInt8 {
        date < day ? 0 : date == day ? 1 : 2
    }

    /// The entry kept for `box` under the key last made, if any.
    func entry(for box: Engine.RuleBox) -> Entry? {
        let slot = self.slot(for: box)
        guard slot < slots.count, let entry = slots[slot], entry.key == key else {
            misses += 1
            return nil
        }
        hits += 1
        return entry
    }

    /// Keeps the conclusion of `box` on the record whose key was made last (replacing what
    /// its slot held), unless a fact of it shows a date: `facts` and those of the exemption
    /// shown.
    func keep(for box: Engine.RuleBox, verdict: Verdict, citations: [Citation]?, facts: [Fact], exemptionFacts: [Fact],
              opening: UnsafeBufferPointer<UInt8>, reasons: UnsafeBufferPointer<UInt8>) {
        guard !facts.contains(where: { ConclusionKey.showsADate($0.path) }),
              !exemptionFacts.contains(where: { ConclusionKey.showsADate($0.path) }) else { return }
        let slot = self.slot(for: box)
        if slot >= slots.count { slots.append(contentsOf: repeatElement(nil, count: slot + 1 - slots.count)) }
        // A copy of its own: the lookup buffer is emptied for the next key.
        slots[slot] = Entry(key: key.withUnsafeBufferPointer { Array($0) }, verdict: verdict, citations: citations, facts: facts,
                            opening: Array(opening), reasons: Array(reasons))
    }

    private func slot(for box: Engine.RuleBox) -> Int {
        box.position * ConclusionMemo.ways + Int(truncatingIfNeeded: keyHash % UInt64(ConclusionMemo.ways))
    }
}
