#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What of a record one rule's conclusion depends on (what ``Engine`` concludes before
/// writing a finding: verdict, citations, facts, missing facts, exemption): the record's
/// members its conditions read, and where its dates fall among the days they are compared
/// with. Two records alike in these reach the same conclusion, but where a fact shows a
/// date's own value (``ConclusionMemo`` keeps no such conclusion).
struct ConclusionKey: Sendable {
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
    /// The record's dates a message's placeholders name, in order, when every other
    /// placeholder's value is read from ``members`` (or, for `flow`, from the facts): the
    /// message of a record alike in the key is then the same but for these. Nil otherwise.
    let messageSlots: [MessageSlot]?
    /// The positions of ``members`` in the engine's table of the members rules read
    /// (``Engine/keyMembers``), set when the engine is made.
    var memberIndices: [Int] = []

    /// The key of `rule`.
    init(_ rule: borrowing Rule) {
        self.init(conditions: [rule.condition] + rule.exemptions.map(\.condition), windDown: rule.inForce.windDown,
                  message: rule.message)
    }

    /// The key of a rule with these conditions (its own and its exemptions'), wind-down and
    /// message.
    init(conditions: [Condition], windDown: WindDown?, message: MessageTemplate? = nil) {
        // Lists rather than sets: a few names each, compared rather than hashed (start-up).
        var names = ["kind"], dateBreaks: [Day] = [], periodEndBreaks: [Day] = []
        func insert(_ name: String) {
            if !names.contains(name) { names.append(name) }
        }
        func add(_ path: FieldPath, _ test: Operator?) {
            switch path.special {
            case .flow: ["to", "from", "via", "end_user", "origin"].forEach(insert)
            case .origin: ["origin", "from"].forEach(insert)
            case .endUser: ["end_user", "to"].forEach(insert)
            case .periodEnd:
                if case .date(_, let day)? = test {
                    if !periodEndBreaks.contains(day) { periodEndBreaks.append(day) }
                } else {
                    ["date", "date_to"].forEach(insert)
                }
            case .none:
                let components = path.components
                guard let first = components.first else { return }
                if components.count == 1, first == "date", case .date(_, let day)? = test {
                    if !dateBreaks.contains(day) { dateBreaks.append(day) }
                    return
                }
                insert(first)
                // An amount's currency and a quantity's unit are read beside it.
                if components.count == 1, case .compare? = test { ["currency", "unit"].forEach(insert) }
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
        conditions.forEach(walk)
        if let windDown {
            // Read when the record's date is on or before its last day (``Engine``'s windDownStatus).
            if !dateBreaks.contains(windDown.until) { dateBreaks.append(windDown.until) }
            insert("contract_date")
        }
        members = names.sorted()
        self.dateBreaks = dateBreaks.sorted()
        self.periodEndBreaks = periodEndBreaks.sorted()
        var slots: [MessageSlot]? = message == nil ? nil : []
        for part in message?.parts ?? [] {
            let path = part.field
            if let slot = MessageSlot(path) {
                slots?.append(slot)
                continue
            }
            let read: [String]
            switch path.special {
            case .flow: read = []
            case .origin: read = ["origin", "from"]
            case .endUser: read = ["end_user", "to"]
            case .periodEnd, .none: read = path.components.prefix(1).map { $0 }
            }
            if !read.allSatisfy(members.contains) { slots = nil }
        }
        messageSlots = slots
    }

    /// Whether a fact at `path` shows the record's date or period end itself (its value is
    /// then not the same for every record alike in the key).
    static func showsADate(_ path: String) -> Bool {
        path == "date" || path == "period_end" || path == "date_to"
    }
}

/// A placeholder of a message whose value is one of the record's dates, written afresh
/// for each record when the rest of the message is kept (``ConclusionKey/messageSlots``).
enum MessageSlot: Sendable, Equatable {
    /// `{date}`: the record's `date` as given.
    case date
    /// `{period_end}`: the last day of its period.
    case periodEnd

    /// The slot a placeholder of `path` is, if any.
    init?(_ path: FieldPath) {
        if path.special == .periodEnd {
            self = .periodEnd
        } else if path.special == .none, path.components == ["date"] {
            self = .date
        } else {
            return nil
        }
    }
}

/// What rules concluded about recent records, each kept under the record's
/// ``ConclusionKey`` for the rule, with the finding's JSON around its message: a record
/// alike in the key reaches the same conclusion, so its finding is written from these
/// without evaluating the rule again. Many records meet a rule alike: a vessel event that
/// names no goods, no destination and no origin gets the same possible violation from
/// every goods rule as the last one did, but for its date (the first fact) and message.
///
/// A key is the members' values entry by entry (``DocumentNode/appendMemberKey(_:to:)``,
/// each member's made once a record for all the rules that read it) and the side of each
/// break day the record's dates fall on, compared byte for byte, never by hash alone. A
/// conclusion whose facts show a date is not kept. Each rule has a few slots, the last
/// conclusion kept in each: memory is bounded by the rulebook, not by the input. One per
/// worker, used by one thread (``Engine/Detail/json``, on documents).
final class ConclusionMemo {
    /// One rule's finding on the records whose key is `key` (a class: handing one out
    /// costs one reference, not one per member).
    final class Entry {
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
        /// The message as JSON string content (escaped, without its quotes), in pieces
        /// around its ``ConclusionKey/messageSlots``; nil when it is rendered for each record.
        let message: [[UInt8]]?

        init(key: [UInt8], verdict: Verdict, citations: [Citation]?, facts: [Fact], opening: [UInt8], reasons: [UInt8],
             message: [[UInt8]]?) {
            self.key = key
            self.verdict = verdict
            self.citations = citations
            self.facts = facts
            self.opening = opening
            self.reasons = reasons
            self.message = message
        }
    }

    /// Writes a message, quoted, from its escaped `pieces` and the dates of the record at
    /// `root` (with `periodEnd`) in its `slots` (``ConclusionKey/messageSlots``); false,
    /// writing nothing, when a date would need escaping (a record's date is read as a day,
    /// digits and dashes: never).
    static func writeMessage(_ pieces: [[UInt8]], slots: [MessageSlot], root: DocumentNode, periodEnd: Day,
                             to out: inout JSONBytes) -> Bool {
        guard pieces.count == slots.count + 1 else { return false }
        let date = root.member(static: "date")
        if slots.contains(.date) {
            guard let date, date.kind == .string, JSONBytes.nextSpecial(in: date.text, from: 0) == date.text.count else { return false }
        }
        let end = slots.contains(.periodEnd) ? periodEnd.description : ""
        out.raw("\"")
        for (index, piece) in pieces.enumerated() {
            out.raw(piece)
            guard index < slots.count else { break }
            switch slots[index] {
            case .date: if let date { out.raw(bytes: date.text) }
            case .periodEnd: out.raw(string: end)
            }
        }
        out.raw("\"")
        return true
    }

    /// A message's bytes cut at `cuts` into pieces, each escaped as JSON string content.
    static func pieces(of text: UnsafeBufferPointer<UInt8>, cutAt cuts: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        for end in cuts + [text.count] {
            var quoted = JSONBytes(capacity: end - start + 16)
            quoted.quote(utf8: UnsafeBufferPointer(rebasing: text[start..<end]))
            pieces.append(quoted.withBytes { Array($0.dropFirst().dropLast()) })
            start = end
        }
        return pieces
    }

    /// Where one member's key bytes are in ``recordKeys`` (`start` -1: not made yet this
    /// record), and their hash.
    private struct Span {
        var start = -1
        var end = 0
        var hash: UInt64 = 0
    }

    /// Slots a rule has: records alike in a rule's members come in few variants each.
    static let ways = 8

    // Checked for exclusive access when compiled, not at each use (SE-0176): a memo
    // belongs to one worker, and no access to its state overlaps another.
    @exclusivity(unchecked) private var slots: [Entry?] = []
    /// The current record's members' key bytes, made as rules ask for them.
    @exclusivity(unchecked) private var recordKeys: [UInt8] = []
    /// By member (``Engine/keyMembers``): where its key bytes are in `recordKeys`.
    @exclusivity(unchecked) private var spans: [Span] = []
    /// The members whose key bytes the current record has made.
    @exclusivity(unchecked) private var made: [Int] = []
    /// The last lookup's sides of the break days, and its rule's slot.
    @exclusivity(unchecked) private var sides: [UInt8] = []
    private var slot = 0
    private var hash: UInt64 = 0
    /// By slot: the hash of the last key looked up there and not found.
    @exclusivity(unchecked) private var unfound: [UInt64] = []

    /// Lookups that found the record's conclusion, and those that did not.
    private(set) var hits = 0
    private(set) var misses = 0

    init() {
        recordKeys.reserveCapacity(4_096)
    }

    /// Forgets the last record's key bytes: call before each record's first lookup.
    func startRecord() {
        for member in made { spans[member].start = -1 }
        made.removeAll(keepingCapacity: true)
        recordKeys.removeAll(keepingCapacity: true)
    }

    /// The entry kept for `box` on records alike to this one (at `root`, with its date and
    /// period end) in what the rule reads; `members`, the engine's ``Engine/keyMembers``.
    /// Remembers the key for ``keep(for:verdict:citations:facts:exemptionFacts:message:opening:reasons:)``.
    func entry(for box: Engine.RuleBox, of root: DocumentNode, date: Day, periodEnd: Day, members: [[UInt8]]) -> Entry? {
        if spans.count < members.count { spans = Array(repeating: Span(), count: members.count) }
        let key = box.conclusionKey
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = UInt64(truncatingIfNeeded: box.position) &* multiplier
        for member in key.memberIndices {
            if spans[member].start < 0 { make(member, of: root, name: members[member]) }
            hash = (hash ^ spans[member].hash) &* multiplier
            hash ^= hash >> 29
        }
        sides.removeAll(keepingCapacity: true)
        for day in key.dateBreaks { sides.append(ConclusionMemo.side(of: date, day)) }
        for day in key.periodEndBreaks { sides.append(ConclusionMemo.side(of: periodEnd, day)) }
        for side in sides { hash = (hash ^ UInt64(side)) &* multiplier }
        self.hash = hash
        slot = box.position * ConclusionMemo.ways + Int(truncatingIfNeeded: (hash ^ hash >> 32) % UInt64(ConclusionMemo.ways))
        guard slot < slots.count, let entry = slots[slot], matches(entry.key, key) else {
            misses += 1
            return nil
        }
        hits += 1
        return entry
    }

    /// Whether the conclusion on the record of the last lookup (which found none)
    /// is to be kept: when its key was the last one not found in its slot before, as a key
    /// that comes again does; a key met once is not kept (it would push out one that comes
    /// again), only noted.
    func admits() -> Bool {
        if slot >= unfound.count { unfound.append(contentsOf: repeatElement(0, count: slot + 1 - unfound.count)) }
        if unfound[slot] == hash { return true }
        unfound[slot] = hash
        return false
    }

    /// Keeps the conclusion of `box` on the record of the last lookup (replacing what its
    /// slot held), unless a fact of it shows a date: `facts` and those of the exemption shown.
    func keep(for box: Engine.RuleBox, verdict: Verdict, citations: [Citation]?, facts: [Fact], exemptionFacts: [Fact],
              message: [[UInt8]]?, opening: UnsafeBufferPointer<UInt8>, reasons: UnsafeBufferPointer<UInt8>) {
        guard !facts.contains(where: { ConclusionKey.showsADate($0.path) }),
              !exemptionFacts.contains(where: { ConclusionKey.showsADate($0.path) }) else { return }
        var key: [UInt8] = []
        for member in box.conclusionKey.memberIndices { key.append(contentsOf: recordKeys[spans[member].start..<spans[member].end]) }
        key.append(contentsOf: sides)
        if slot >= slots.count { slots.append(contentsOf: repeatElement(nil, count: slot + 1 - slots.count)) }
        slots[slot] = Entry(key: key, verdict: verdict, citations: citations, facts: facts, opening: Array(opening), reasons: Array(reasons),
                            message: message)
    }

    /// Makes the key bytes of a member of the current record.
    private func make(_ member: Int, of root: DocumentNode, name: [UInt8]) {
        let start = recordKeys.count
        name.withUnsafeBufferPointer { root.appendMemberKey($0, to: &recordKeys) }
        let hash = recordKeys.withUnsafeBufferPointer { ByteKeyMap<Int>.hash(UnsafeBufferPointer(rebasing: $0[start...])) }
        spans[member] = Span(start: start, end: recordKeys.count, hash: hash)
        made.append(member)
    }

    /// Whether `stored` is the key of the last lookup: its members' bytes, then its sides.
    private func matches(_ stored: [UInt8], _ key: ConclusionKey) -> Bool {
        stored.withUnsafeBufferPointer { stored in
            recordKeys.withUnsafeBufferPointer { record in
                var offset = 0
                for member in key.memberIndices {
                    let span = spans[member]
                    let length = span.end - span.start
                    guard offset + length <= stored.count,
                          ConclusionMemo.equal(stored.baseAddress.map { $0 + offset }, record.baseAddress.map { $0 + span.start }, length)
                    else { return false }
                    offset += length
                }
                return stored.count == offset + sides.count && sides.withUnsafeBufferPointer { sides in
                    sides.indices.allSatisfy { stored[offset + $0] == sides[$0] }
                }
            }
        }
    }

    /// Whether the `count` bytes at `lhs` and `rhs` are the same.
    private static func equal(_ lhs: UnsafePointer<UInt8>?, _ rhs: UnsafePointer<UInt8>?, _ count: Int) -> Bool {
        guard count > 0 else { return true }
        guard let lhs, let rhs else { return false }
        return memcmp(lhs, rhs, count) == 0
    }

    /// 0, 1 or 2 as `date` is before, on or after `day`.
    private static func side(of date: Day, _ day: Day) -> UInt8 {
        date < day ? 0 : date == day ? 1 : 2
    }
}
