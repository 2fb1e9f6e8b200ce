import Foundation

/// What one worker remembers across the records it assesses: the list match of each name
/// it has screened. A name's match does not depend on the record (the listing date is weighed
/// afterwards), and trade data names the same counterparties again and again, so most names
/// are screened once per run instead of once per party, rule and record.
///
/// Bounded: it keeps two generations of at most ``capacity`` names each (over all lists).
/// When the current one is full it becomes the previous one (the one before is dropped); a
/// name found in the previous generation moves to the current. Names that keep coming back
/// stay, memory does not grow with the input. Not shared between threads: each worker owns
/// one, and the workers of a run share what any of them has screened through a
/// ``SharedScreening``, asked only when a name is not in the worker's own cache.
final class ScreeningCache {
    /// The names screened against one list at one threshold, keyed by their UTF-8 bytes: a
    /// lookup hashes the bytes a document holds, without making a `String` of them.
    private final class Table {
        let matcher: ObjectIdentifier
        let threshold: Double
        // Unchecked: see `count` below.
        @exclusivity(unchecked) var current = ByteKeyMap<Entry>()
        @exclusivity(unchecked) var previous = ByteKeyMap<Entry>()

        init(matcher: ObjectIdentifier, threshold: Double) {
            self.matcher = matcher
            self.threshold = threshold
        }
    }

    /// A remembered answer (a class, so a lookup copies one reference, not the hit).
    final class Entry: Sendable {
        let hit: NameMatcher.NameHit?
        init(_ hit: NameMatcher.NameHit?) { self.hit = hit }
    }

    /// The answer of most names: on no list. One for all of them.
    private let noHit = Entry(nil)

    /// Names kept per generation.
    let capacity: Int
    // The cache's state is checked for exclusive access when compiled, not at each lookup
    // (SE-0176's `@exclusivity(unchecked)`: the runtime's check cost about a thousand
    // instructions a record): a cache belongs to one worker, and no access to it overlaps
    // another (nothing here calls out while one is under way but the screening of a
    // name, which touches none of it).
    /// Names (and identifiers) in the current generation, over all tables.
    @exclusivity(unchecked) private var count = 0
    /// One per list and threshold the rulebook screens against (a handful: found by a scan).
    @exclusivity(unchecked) private var tables: [Table] = []
    /// Identifiers (IMO numbers …) looked up on one list, by list: they do not depend on a
    /// threshold. Kept and dropped with the names.
    @exclusivity(unchecked) private var identifierTables: [Table] = []

    /// The last names screened here afresh and their forms: a record's parties are screened
    /// against one list, then another, and a name's form (normalised: about half the work
    /// of a name met for the first time) does not depend on the list. A few, replaced in turn.
    @exclusivity(unchecked) private var recentForms: [(name: [UInt8], form: NameMatcher.Form)] = []
    @exclusivity(unchecked) private var nextForm = 0
    private static let formsKept = 16

    /// What the other workers of the run have screened, if shared.
    private let shared: SharedScreening?

    init(capacity: Int = 65_536, shared: SharedScreening? = nil) {
        self.capacity = max(1, capacity)
        self.shared = shared
    }

    /// The list match of a name (given as its UTF-8 bytes) at the screening's threshold.
    func nameHit(utf8 name: UnsafeBufferPointer<UInt8>, _ screening: Screening) -> NameMatcher.NameHit? {
        let table = self.table(for: screening.matcher, in: &tables, threshold: screening.threshold)
        return remembered(name, in: table, identifier: false) { text in
            screening.matcher.nameHit(form: form(of: name, text), threshold: screening.threshold)
        }
    }

    /// The form of the name whose bytes are `name` (and text `text`): a recent one's again
    /// when it is the same name.
    private func form(of name: UnsafeBufferPointer<UInt8>, _ text: String) -> NameMatcher.Form {
        for recent in recentForms where recent.name.elementsEqual(name) { return recent.form }
        let form = NameMatcher.asciiForm(name) ?? NameMatcher.Form(tokens: NameMatcher.normalizedTokens(text))
        if recentForms.count < ScreeningCache.formsKept {
            recentForms.append((Array(name), form))
        } else {
            recentForms[nextForm] = (Array(name), form)
            nextForm = (nextForm + 1) % ScreeningCache.formsKept
        }
        return form
    }

    /// The list entry one identifier is (``NameMatcher/identifierHit(_:)`` of it alone).
    func identifierHit(utf8 identifier: UnsafeBufferPointer<UInt8>, _ matcher: NameMatcher) -> NameMatcher.NameHit? {
        let table = self.table(for: matcher, in: &identifierTables, threshold: 0)
        return remembered(identifier, in: table, identifier: true) { text in matcher.identifierHit([text]) }
    }

    private func remembered(_ key: UnsafeBufferPointer<UInt8>, in table: Table, identifier: Bool,
                            _ work: (String) -> NameMatcher.NameHit?) -> NameMatcher.NameHit? {
        let hash = ByteKeyMap<Entry>.hash(key)
        if let known = table.current.value(for: key, hash: hash) { return known.hit }
        // Else from the previous generation, another worker, or screened here (and shared).
        let sharedTable = SharedScreening.Table(matcher: table.matcher, threshold: table.threshold, identifier: identifier)
        let entry = table.previous.value(for: key, hash: hash)
            ?? shared?.answer(for: key, hash: hash, in: sharedTable)
            ?? {
                let screened = work(String(decoding: key, as: UTF8.self)).map(Entry.init) ?? noHit
                shared?.keep(screened, for: key, hash: hash, in: sharedTable)
                return screened
            }()
        if count >= capacity {
            for table in tables + identifierTables {
                table.previous = table.current
                table.current = ByteKeyMap()
            }
            count = 0
        }
        table.current.insert(entry, for: key, hash: hash)
        count += 1
        return entry.hit
    }

    private func table(for matcher: NameMatcher, in tables: inout [Table], threshold: Double) -> Table {
        let matcher = ObjectIdentifier(matcher.tables)
        for table in tables where table.matcher == matcher && table.threshold == threshold { return table }
        let table = Table(matcher: matcher, threshold: threshold)
        tables.append(table)
        return table
    }
}

/// The names the workers of one run have screened, shared between them: a worker asks it
/// when a name is not in its own ``ScreeningCache`` (so a name is screened once per run,
/// not once per worker, which on two threads had doubled the screening of a long run).
/// Kept as compactly as a worker's cache (names' bytes in an arena, one shared answer for
/// every name on no list: some 60 bytes a name) and bounded like it: when it holds
/// ``capacity`` names it starts again empty.
final class SharedScreening: @unchecked Sendable {
    // @unchecked: `tables` and `count` are read and written only under `lock`; the answers
    // they hold are immutable.
    /// Which table a name is kept in: one per list and threshold, identifiers apart.
    struct Table: Equatable {
        let matcher: ObjectIdentifier
        let threshold: Double
        let identifier: Bool
    }

    let capacity: Int
    private var tables: [(table: Table, answers: ByteKeyMap<ScreeningCache.Entry>)] = []
    private var count = 0
    private let lock = NSLock()

    init(capacity: Int = 131_072) {
        self.capacity = max(1, capacity)
    }

    /// The answer kept for `name` (whose ``ByteKeyMap/hash(_:)`` is `hash`) in `table`.
    func answer(for name: UnsafeBufferPointer<UInt8>, hash: UInt64, in table: Table) -> ScreeningCache.Entry? {
        lock.lock()
        defer { lock.unlock() }
        return tables.first { $0.table == table }?.answers.value(for: name, hash: hash)
    }

    func keep(_ answer: ScreeningCache.Entry, for name: UnsafeBufferPointer<UInt8>, hash: UInt64, in table: Table) {
        lock.lock()
        defer { lock.unlock() }
        if count >= capacity {
            tables.removeAll()
            count = 0
        }
        guard let position = tables.firstIndex(where: { $0.table == table }) else {
            var answers = ByteKeyMap<ScreeningCache.Entry>()
            answers.insert(answer, for: name, hash: hash)
            tables.append((table, answers))
            count += 1
            return
        }
        if tables[position].answers.value(for: name, hash: hash) == nil {
            tables[position].answers.insert(answer, for: name, hash: hash)
            count += 1
        }
    }
}

/// A hash map from byte strings to values, open addressing over one arena of key bytes:
/// what ``ScreeningCache`` keeps names in (Swift's `Dictionary` would need a `String` per
/// lookup and hash it with SipHash, several times the cost of the lookup itself).
struct ByteKeyMap<Stored> {
    /// Sixteen bytes: the hash's low half (the slot's position comes from it too), where
    /// the key's bytes are in the arena, and its value.
    private struct Slot {
        var hash: UInt32 = 0
        var start: UInt32 = 0
        var length: UInt32 = 0
        /// Index into `values`, or -1 for an empty slot.
        var value: Int32 = -1
    }

    private var slots = [Slot](repeating: Slot(), count: 64)
    private var arena: [UInt8] = []
    private var values: [Stored] = []

    /// Keys held.
    var count: Int { values.count }

    /// A 64-bit hash of `key`, eight bytes at a time.
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = UInt64(truncatingIfNeeded: key.count) &* multiplier
        guard let base = key.baseAddress else { return hash }
        var offset = 0
        while offset + 8 <= key.count {
            let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
            hash = (hash ^ word) &* multiplier
            hash ^= hash >> 29
            offset += 8
        }
        if offset < key.count {
            var word: UInt64 = 0
            for position in offset..<key.count { word = word << 8 | UInt64(key[position]) }
            hash = (hash ^ word) &* multiplier
        }
        hash ^= hash >> 32
        hash &*= 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 29)
    }

    /// The value kept for `key` (whose ``hash(_:)`` is `hash`).
    func value(for key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Stored? {
        let mask = slots.count - 1
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[position]
            if slot.value < 0 { return nil }
            if slot.hash == UInt32(truncatingIfNeeded: hash), Int(slot.length) == key.count, matches(slot, key) {
                return values[Int(slot.value)]
            }
            position = (position + 1) & mask
        }
    }

    /// Keeps `value` for `key`, which is not held yet.
    mutating func insert(_ value: Stored, for key: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        // At most three slots in four taken: probes stay short.
        if (values.count + 1) * 4 > slots.count * 3 { grow() }
        let slot = Slot(hash: UInt32(truncatingIfNeeded: hash), start: UInt32(truncatingIfNeeded: arena.count), length: UInt32(truncatingIfNeeded: key.count),
                        value: Int32(truncatingIfNeeded: values.count))
        arena.append(contentsOf: key)
        values.append(value)
        place(slot)
    }

    private func matches(_ slot: Slot, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        arena.withUnsafeBufferPointer { arena in
            guard let stored = arena.baseAddress, let wanted = key.baseAddress else { return key.isEmpty }
            return memcmp(stored + Int(slot.start), wanted, key.count) == 0
        }
    }

    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var position = Int(truncatingIfNeeded: slot.hash) & mask
        while slots[position].value >= 0 { position = (position + 1) & mask }
        slots[position] = slot
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        for slot in old where slot.value >= 0 { place(slot) }
    }
}
