/// The caps judged in memory bounded by the calendar, not by the length of the input: what
/// a ``Run`` uses when it need keep neither a state nor the running totals for charts.
///
/// A record's cap verdict depends on the total of its period before it: every supply on
/// an earlier day, and those on the same day earlier in the input. The first pass adds
/// each supply into its day (``count(_:)``, in input order); ``close()`` turns the days
/// into totals before each; the second pass (``judge(_:)``, called record by record in
/// input order) weighs each supply against its day's total before it and what the second
/// pass has seen of that day so far. Days are kept, supplies are not: a
/// year of one cap is at most 366 small entries, however many records it holds.
///
/// The totals are summed in the same order as ``CapLedger/judgeCompactly()`` sums them
/// (day by day, then within the day in input order), so the two give the same bytes.
struct CapStream {
    /// One window of one period of one capped rule.
    private struct WindowKey: Hashable {
        let rule: Int
        let period: Int
        let start: Day
    }

    /// The supplies of one day of one window.
    private struct DayTotal {
        /// Counted amounts by measure, added once per limit (as the ledger adds them).
        var amounts: [String: Double] = [:]
        var records = 0
        var unknownRecords: [String: Int] = [:]
        /// The window's total over its earlier days (set by ``close()``).
        var before: [String: Double] = [:]
        /// What the second pass has judged of this day so far.
        var judged: [String: Double] = [:]
    }

    private let rules: [Rule]
    private let ruleIndex: [String: Int]
    private var windows: [WindowKey: [Day: DayTotal]] = [:]
    private var crossedBy: [WindowKey: [String: String]] = [:]

    /// A stream for the capped rules of `ledger` (its entries, if any, are not used).
    init(ledger: CapLedger) {
        rules = ledger.cappedRules
        var index: [String: Int] = [:]
        for (position, rule) in rules.enumerated() where index[rule.id] == nil { index[rule.id] = position }
        ruleIndex = index
    }

    /// Every (window, period position, rule position) an entry falls in.
    private func places(of entry: CapLedger.Entry) -> [(key: WindowKey, cap: Cap, period: Cap.Period)] {
        guard let rule = ruleIndex[entry.rule], let cap = rules[rule].cap else { return [] }
        return cap.periods.enumerated().compactMap { position, period in
            period.window(containing: entry.date).map { (WindowKey(rule: rule, period: position, start: $0.lowerBound), cap, period) }
        }
    }

    /// First pass: adds a supply to its day. Call in input order.
    mutating func count(_ entry: CapLedger.Entry) {
        for place in places(of: entry) {
            var day = windows[place.key, default: [:]][entry.date] ?? DayTotal()
            day.records += 1
            for limit in place.period.limits {
                day.amounts[limit.measure, default: 0] += entry.amounts[limit.measure] ?? 0
                if entry.uncounted.contains(limit.measure) { day.unknownRecords[limit.measure, default: 0] += 1 }
            }
            windows[place.key, default: [:]][entry.date] = day
        }
    }

    /// Ends the first pass: each day learns its window's total before it.
    mutating func close() {
        for key in Array(windows.keys) {
            guard var days = windows[key] else { continue }
            var total: [String: Double] = [:]
            for date in days.keys.sorted() {
                guard var day = days[date] else { continue }
                day.before = total
                for (measure, amount) in day.amounts { total[measure] = (total[measure] ?? 0) + amount }
                days[date] = day
            }
            windows[key] = days
        }
    }

    /// Second pass: the cap verdicts of one record, given its entries (in the order
    /// ``CapLedger/entries(for:rules:key:)`` gives them). Call record by record in input order.
    mutating func judge(_ entries: [CapLedger.Entry]) -> [CapLedger.Judged] {
        var verdicts: [CapLedger.Judged] = []
        for entry in entries {
            for place in places(of: entry) {
                // A day the first pass did not see (the input changed between the passes)
                // is judged on its own.
                var day = windows[place.key]?[entry.date] ?? DayTotal()
                var running: [String: Double] = [:]
                for limit in place.period.limits {
                    running[limit.measure] = (day.before[limit.measure] ?? 0) + (day.judged[limit.measure] ?? 0)
                }
                let label = CapLedger.label(place.period.window(containing: entry.date) ?? entry.date...entry.date)
                let step = CapLedger.step(entry, ruleIndex: place.key.rule, cap: place.cap, period: place.period,
                                          label: label, running: &running, intern: { $0 })
                for limit in place.period.limits {
                    day.judged[limit.measure, default: 0] += entry.amounts[limit.measure] ?? 0
                }
                windows[place.key, default: [:]][entry.date] = day
                for measure in step.crossed where crossedBy[place.key]?[measure] == nil {
                    crossedBy[place.key, default: [:]][measure] = entry.recordID
                }
                if let judged = step.judged { verdicts.append(judged) }
            }
        }
        return verdicts
    }

    /// The totals of every window, as ``CapLedger/judgeCompactly()`` gives them but without
    /// the running points (call after the second pass, for the crossings).
    func totals() -> [CapLedger.Total] {
        var totals: [CapLedger.Total] = []
        for (ruleIndex, rule) in rules.enumerated() {
            guard let cap = rule.cap else { continue }
            for (position, period) in cap.periods.enumerated() {
                let keys = windows.keys.filter { $0.rule == ruleIndex && $0.period == position }.sorted { $0.start < $1.start }
                for key in keys {
                    guard let days = windows[key], let window = period.window(containing: key.start) else { continue }
                    var total: [String: Double] = [:]
                    var records = 0
                    var unknownRecords: [String: Int] = [:]
                    for date in days.keys.sorted() {
                        guard let day = days[date] else { continue }
                        records += day.records
                        for (measure, amount) in day.amounts { total[measure] = (total[measure] ?? 0) + amount }
                        for (measure, count) in day.unknownRecords { unknownRecords[measure, default: 0] += count }
                    }
                    totals.append(CapLedger.Total(
                        rule: rule.id, title: cap.title ?? rule.title, period: CapLedger.label(window), window: window,
                        records: records, alerts: cap.alerts, lines: period.limits.map {
                            CapLedger.Total.Line(limit: $0, total: total[$0.measure] ?? 0,
                                                 unknownRecords: unknownRecords[$0.measure] ?? 0,
                                                 crossedBy: crossedBy[key]?[$0.measure], points: [])
                        }))
                }
            }
        }
        return totals
    }
}
