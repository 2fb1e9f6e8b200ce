/// What one worker remembers across the records it assesses: the list match of each name
/// it has screened. A name's match does not depend on the record (the listing date is weighed
/// afterwards), and trade data names the same counterparties again and again, so most names
/// are screened once per run instead of once per party, rule and record.
///
/// Bounded: it keeps two generations of at most ``capacity`` names each (over all lists).
/// When the current one is full it becomes the previous one (the one before is dropped); a
/// name found in the previous generation moves to the current. Names that keep coming back
/// stay, memory does not grow with the input. Not shared between threads: each worker owns one.
final class ScreeningCache {
    /// The names screened against one list at one threshold: a lookup hashes the name alone.
    private final class Table {
        let matcher: ObjectIdentifier
        let threshold: Double
        var current: [String: Entry] = [:]
        var previous: [String: Entry] = [:]

        init(matcher: ObjectIdentifier, threshold: Double) {
            self.matcher = matcher
            self.threshold = threshold
        }
    }

    /// A remembered answer (a class, so a lookup copies one reference, not the hit).
    private final class Entry {
        let hit: NameMatcher.NameHit?
        init(_ hit: NameMatcher.NameHit?) { self.hit = hit }
    }

    /// The answer of most names: on no list. One for all of them.
    private let noHit = Entry(nil)

    /// Names kept per generation.
    let capacity: Int
    /// Names in the current generation, over all tables.
    private var count = 0
    /// One per list and threshold the rulebook screens against (a handful: found by a scan).
    private var tables: [Table] = []

    init(capacity: Int = 65_536) {
        self.capacity = max(1, capacity)
    }

    func nameHit(_ name: String, _ screening: Screening) -> NameMatcher.NameHit? {
        let table = self.table(for: screening)
        if let known = table.current[name] { return known.hit }
        let entry = table.previous[name] ?? screening.matcher.nameHit(name, threshold: screening.threshold).map(Entry.init) ?? noHit
        if count >= capacity {
            for table in tables {
                table.previous = table.current
                table.current = [:]
            }
            count = 0
        }
        table.current[name] = entry
        count += 1
        return entry.hit
    }

    private func table(for screening: Screening) -> Table {
        let matcher = ObjectIdentifier(screening.matcher.tables)
        for table in tables where table.matcher == matcher && table.threshold == screening.threshold { return table }
        let table = Table(matcher: matcher, threshold: screening.threshold)
        tables.append(table)
        return table
    }
}
