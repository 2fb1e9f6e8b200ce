/// What one worker remembers across the records it assesses: the list match of each name
/// it has screened. A name's match does not depend on the record (the listing date is weighed
/// afterwards), and trade data names the same counterparties again and again, so most names
/// are screened once per run instead of once per party, rule and record.
///
/// Bounded: it keeps two generations of at most ``capacity`` names each. When the current
/// one is full it becomes the previous one (the one before is dropped); a name found in the
/// previous generation moves to the current. Names that keep coming back stay, memory does
/// not grow with the input. Not shared between threads: each worker owns one.
final class ScreeningCache {
    private struct Key: Hashable {
        let matcher: ObjectIdentifier
        let threshold: Double
        let name: String
    }

    /// Names kept per generation.
    let capacity: Int
    private var current: [Key: NameMatcher.NameHit?] = [:]
    private var previous: [Key: NameMatcher.NameHit?] = [:]

    init(capacity: Int = 20_000) {
        self.capacity = max(1, capacity)
    }

    func nameHit(_ name: String, _ screening: Screening) -> NameMatcher.NameHit? {
        let key = Key(matcher: ObjectIdentifier(screening.matcher.tables), threshold: screening.threshold, name: name)
        if let known = current[key] { return known }
        let hit = previous[key] ?? screening.matcher.nameHit(name, threshold: screening.threshold)
        if current.count >= capacity {
            previous = current
            current = [:]
        }
        current[key] = hit
        return hit
    }
}
