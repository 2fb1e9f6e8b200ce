/// What one worker remembers across the records it assesses: the list match of each name
/// it has screened. A name's match does not depend on the record (the listing date is weighed
/// afterwards), and trade data names the same counterparties again and again, so most names
/// are screened once per run instead of once per party, rule and record.
///
/// Bounded: past ``capacity`` names it starts afresh, so memory does not grow with the input.
/// Not shared between threads: each worker owns one.
final class ScreeningCache {
    private struct Key: Hashable {
        let matcher: ObjectIdentifier
        let threshold: Double
        let name: String
    }

    /// Names kept before the cache is emptied.
    let capacity: Int
    private var hits: [Key: NameMatcher.NameHit?] = [:]

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    func nameHit(_ name: String, _ screening: Screening) -> NameMatcher.NameHit? {
        let key = Key(matcher: ObjectIdentifier(screening.matcher.tables), threshold: screening.threshold, name: name)
        if let known = hits[key] { return known }
        let hit = screening.matcher.nameHit(name, threshold: screening.threshold)
        if hits.count >= capacity { hits.removeAll(keepingCapacity: true) }
        hits[key] = hit
        return hit
    }
}
