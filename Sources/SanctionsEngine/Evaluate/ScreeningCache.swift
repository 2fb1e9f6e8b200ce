import Foundation

/// What one worker remembers across the records it assesses: the list match of each name
/// it has screened. A name's match does not depend on the record (the listing date is weighed
/// afterwards), and trade data names the same counterparties again and again, so most names
/// are screened once per run instead of once per party, rule and record.
///
/// A name is kept once for every list it is screened against (its answers side by side:
/// ``Answers``): a party is screened against the entities and then the individuals, and
/// finding its name once instead of once per list halves what a lookup reads from memory
/// (the names of a long run do not fit the processor's caches: a profile of real time, not
/// of instructions, put the lookups at a tenth of a run).
///
/// Bounded: it keeps two generations of at most ``capacity`` names each (names and
/// identifiers). When the current one is full it becomes the previous one (the one before
/// is dropped); a name found in the previous generation moves to the current with its
/// answers. Names that keep coming back stay, memory does not grow with the input. Not
/// shared between threads: each worker owns one, and the workers of a run share what any
/// of them has screened through a ``SharedScreening``, asked only when a name's answer for
/// a list is not in the worker's own cache.
final class ScreeningCache {
    /// A remembered answer, as ``SharedScreening`` keeps it (a class, so a lookup copies one
    /// reference, not the hit).
    final class Entry: Sendable {
        let hit: NameMatcher.NameHit?
        init(_ hit: NameMatcher.NameHit?) { self.hit = hit }
    }

    /// The answer of most names: on no list. One for all of them.
    private let noHit = Entry(nil)

    /// A name's answers, one per list (and threshold) it has been screened against here: a
    /// bit for each answer known, and the matches among them (most names have none).
    struct Answers {
        var known: UInt64 = 0
        var hits: [(list: Int, hit: NameMatcher.NameHit)] = []

        func knows(_ list: Int) -> Bool { known & (1 << UInt64(list)) != 0 }

        func answer(_ list: Int) -> NameMatcher.NameHit? {
            hits.first { $0.list == list }?.hit
        }

        mutating func keep(_ hit: NameMatcher.NameHit?, for list: Int) {
            known |= 1 << UInt64(list)
            if let hit { hits.append((list, hit)) }
        }
    }

    /// Names, or identifiers, and their answers, keyed by their UTF-8 bytes (a lookup hashes
    /// the bytes a document holds, without making a `String` of them), in two generations.
    private struct Generations {
        var current = ByteKeyMap<Answers>()
        var previous = ByteKeyMap<Answers>()
    }

    /// Names kept per generation.
    let capacity: Int
    // The cache's state is checked for exclusive access when compiled, not at each lookup
    // (SE-0176's `@exclusivity(unchecked)`: the runtime's check cost about a thousand
    // instructions a record): a cache belongs to one worker, and no access to it overlaps
    // another (nothing here calls out while one is under way but the screening of a
    // name, which touches none of it).
    @exclusivity(unchecked) private var names = Generations()
    /// Identifiers (IMO numbers …) looked up on one list: they do not depend on a threshold.
    @exclusivity(unchecked) private var identifiers = Generations()
    /// The lists (and thresholds) names are screened against, by the position their answers
    /// have in ``Answers`` (a handful: found by a scan), and the lists identifiers are
    /// looked up on.
    @exclusivity(unchecked) private var nameLists: [SharedScreening.Table] = []
    @exclusivity(unchecked) private var identifierLists: [SharedScreening.Table] = []
    /// Lists past the bits of ``Answers/known`` are not remembered (no rulebook has them).
    private static let listsKept = 64

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
        let list = SharedScreening.Table(matcher: ObjectIdentifier(screening.matcher.tables), threshold: screening.threshold,
                                         identifier: false)
        let hash = ByteKeyMap<Answers>.hash(name)
        startGenerationIfFull()
        guard let position = ScreeningCache.position(of: list, in: &nameLists) else {
            return answer(name, hash: hash, on: list) { screening.matcher.nameHit(form: form(of: name, $0), threshold: screening.threshold) }
        }
        return remembered(name, hash: hash, on: list, at: position, in: &names) { text in
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
        let list = SharedScreening.Table(matcher: ObjectIdentifier(matcher.tables), threshold: 0, identifier: true)
        let hash = ByteKeyMap<Answers>.hash(identifier)
        startGenerationIfFull()
        guard let position = ScreeningCache.position(of: list, in: &identifierLists) else {
            return answer(identifier, hash: hash, on: list) { matcher.identifierHit([$0]) }
        }
        return remembered(identifier, hash: hash, on: list, at: position, in: &identifiers) { matcher.identifierHit([$0]) }
    }

    /// Makes the current generation the previous one when it is full (of names and
    /// identifiers together).
    private func startGenerationIfFull() {
        guard names.current.count + identifiers.current.count >= capacity else { return }
        names.previous = names.current
        names.current = ByteKeyMap()
        identifiers.previous = identifiers.current
        identifiers.current = ByteKeyMap()
    }

    /// The position of `list`'s answers in ``Answers`` (added when new); nil past
    /// ``listsKept``.
    private static func position(of list: SharedScreening.Table, in lists: inout [SharedScreening.Table]) -> Int? {
        if let found = lists.firstIndex(of: list) { return found }
        guard lists.count < ScreeningCache.listsKept else { return nil }
        lists.append(list)
        return lists.count - 1
    }

    /// The answer for `key` (whose hash is `hash`) on `list`, whose answers are at `position`:
    /// remembered in `generations`, else from the previous generation, another worker, or
    /// `work` (and shared).
    private func remembered(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, on list: SharedScreening.Table, at position: Int,
                            in generations: inout Generations, _ work: (String) -> NameMatcher.NameHit?) -> NameMatcher.NameHit? {
        if let slot = generations.current.index(for: key, hash: hash), let answers = generations.current[slot] {
            if answers.knows(position) { return answers.answer(position) }
            let hit = answer(key, hash: hash, on: list, work)
            generations.current[slot]?.keep(hit, for: position)
            return hit
        }
        var answers = generations.previous.index(for: key, hash: hash).flatMap { generations.previous[$0] } ?? Answers()
        let hit = answers.knows(position) ? answers.answer(position) : answer(key, hash: hash, on: list, work)
        if !answers.knows(position) { answers.keep(hit, for: position) }
        generations.current.insert(answers, for: key, hash: hash)
        return hit
    }

    /// The answer for `key` on `list` that another worker found, else `work`'s (shared).
    private func answer(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, on list: SharedScreening.Table,
                        _ work: (String) -> NameMatcher.NameHit?) -> NameMatcher.NameHit? {
        if let known = shared?.answer(for: key, hash: hash, in: list) { return known.hit }
        let screened = work(String(decoding: key, as: UTF8.self)).map(Entry.init) ?? noHit
        shared?.keep(screened, for: key, hash: hash, in: list)
        return screened.hit
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

/// A hash map from byte strings to values, open addressing: what ``ScreeningCache`` keeps
/// names in (Swift's `Dictionary` would need a `String` per lookup and hash it with SipHash,
/// several times the cost of the lookup itself). A slot holds its value and a key's first
/// sixteen bytes; a longer key is compared with its other bytes in one arena. A lookup in a
/// map larger than the processor's caches reads one slot (and, for a longer key, its other
/// bytes), not a slot, the key's bytes and the value in three places.
struct ByteKeyMap<Stored> {
    /// The hash's low half (the slot's position comes from it too), the key's length and
    /// first sixteen bytes (the rest zero), where its other bytes are in the arena when it is
    /// longer, and its value (nil: an empty slot).
    private struct Slot {
        var hash: UInt32 = 0
        var length: UInt32 = 0
        var start: UInt32 = 0
        var head: (UInt64, UInt64) = (0, 0)
        var value: Stored?
    }

    private static var inlineBytes: Int { 16 }

    private var slots = [Slot](repeating: Slot(), count: 64)
    private var arena: [UInt8] = []

    /// Keys held.
    private(set) var count = 0

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

    /// The first sixteen bytes of `key` as two words, the bytes past its end zero.
    private static func head(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        guard let base = key.baseAddress else { return (0, 0) }
        if key.count >= 16 {
            return (UnsafeRawPointer(base).loadUnaligned(as: UInt64.self), UnsafeRawPointer(base + 8).loadUnaligned(as: UInt64.self))
        }
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(key)) }
        return words
    }

    /// The value kept for `key` (whose ``hash(_:)`` is `hash`).
    func value(for key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Stored? {
        index(for: key, hash: hash).flatMap { slots[$0].value }
    }

    /// Where the value kept for `key` (whose ``hash(_:)`` is `hash`) is: see ``subscript(_:)``.
    func index(for key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var position = Int(truncatingIfNeeded: hash) & mask
        let head = ByteKeyMap.head(key)
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[position]
                if slot.value == nil { return nil }
                if slot.hash == UInt32(truncatingIfNeeded: hash), Int(slot.length) == key.count, slot.head == head,
                   key.count <= ByteKeyMap.inlineBytes || matchesTail(slot, key) {
                    return position
                }
                position = (position + 1) & mask
            }
        }
    }

    /// The value at a position ``index(for:hash:)`` gave (valid until the next insertion;
    /// nil at any other, empty, position: setting one there changes nothing).
    subscript(index: Int) -> Stored? {
        get { slots[index].value }
        set {
            guard slots[index].value != nil, let newValue else { return }
            slots[index].value = newValue
        }
    }

    /// Keeps `value` for `key`, which is not held yet.
    mutating func insert(_ value: Stored, for key: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        // At most three slots in four taken: probes stay short.
        if (count + 1) * 4 > slots.count * 3 { grow() }
        var slot = Slot(hash: UInt32(truncatingIfNeeded: hash), length: UInt32(truncatingIfNeeded: key.count),
                        start: 0, head: ByteKeyMap.head(key), value: value)
        if key.count > ByteKeyMap.inlineBytes {
            slot.start = UInt32(truncatingIfNeeded: arena.count)
            arena.append(contentsOf: key[ByteKeyMap.inlineBytes...])
        }
        count += 1
        place(slot)
    }

    /// Whether the bytes of `key` past the first sixteen are those of the slot's key.
    private func matchesTail(_ slot: Slot, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        arena.withUnsafeBufferPointer { arena in
            guard let stored = arena.baseAddress, let wanted = key.baseAddress else { return false }
            return memcmp(stored + Int(slot.start), wanted + ByteKeyMap.inlineBytes, key.count - ByteKeyMap.inlineBytes) == 0
        }
    }

    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var position = Int(truncatingIfNeeded: slot.hash) & mask
        while slots[position].value != nil { position = (position + 1) & mask }
        slots[position] = slot
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        for slot in old where slot.value != nil { place(slot) }
    }
}
