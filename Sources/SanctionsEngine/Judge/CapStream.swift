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

    /// The supplies of one window, day by day: each day a row, each measure a slot
    /// (``CapLedger/Slots``), the row's figures at `row * slots + slot`.
    private struct Window {
        let texts: CapLedger.WindowTexts
        let slots: Int
        var rows: [Day: Int] = [:]
        /// Records counted on each day.
        var records: [Int] = []
        /// Counted amounts, added once per limit (as the ledger adds them).
        var amounts: [Double] = []
        /// Records whose amount in the slot's measure cannot be counted.
        var unknownRecords: [Int] = []
        /// The window's total over the earlier days (set by ``CapStream/close()``).
        var before: [Double] = []
        /// What the second pass has judged of the day so far.
        var judged: [Double] = []
        /// The record that first took the total over each slot's limit.
        var crossedBy: [String?]

        init(_ window: ClosedRange<Day>, slots: Int) {
            texts = CapLedger.WindowTexts(window)
            self.slots = slots
            crossedBy = Array(repeating: nil, count: slots)
        }

        /// The row of `date`, added when the window has none.
        mutating func row(_ date: Day) -> Int {
            if let row = rows[date] { return row }
            let row = records.count
            rows[date] = row
            records.append(0)
            amounts.append(contentsOf: repeatElement(0, count: slots))
            before.append(contentsOf: repeatElement(0, count: slots))
            judged.append(contentsOf: repeatElement(0, count: slots))
            unknownRecords.append(contentsOf: repeatElement(0, count: slots))
            return row
        }

        /// Each day's total before it, from the days' amounts in date order.
        mutating func close() {
            var total = [Double](repeating: 0, count: slots)
            for (_, row) in rows.sorted(by: { $0.key < $1.key }) {
                for slot in 0..<slots {
                    before[row * slots + slot] = total[slot]
                    total[slot] += amounts[row * slots + slot]
                }
            }
        }
    }

    /// One capped rule's periods with their numbered measures.
    private struct Capped {
        let cap: Cap
        let slots: [CapLedger.Slots]
    }

    private let rules: [Rule]
    private let ruleIndex: [String: Int]
    private let capped: [Capped?]
    private var windows: [WindowKey: Window] = [:]

    /// A stream for the capped rules of `ledger` (its entries, if any, are not used).
    init(ledger: CapLedger) {
        rules = ledger.cappedRules
        var index: [String: Int] = [:]
        for (position, rule) in rules.enumerated() where index[rule.id] == nil { index[rule.id] = position }
        ruleIndex = index
        capped = rules.map { rule in rule.cap.map { Capped(cap: $0, slots: $0.periods.map(CapLedger.Slots.init)) } }
    }

    /// Calls `body` with the window (made when missing), the rule's position, the cap, the
    /// period and its slots of every place an entry falls in, in the order of the periods.
    private mutating func forEachPlace(of entry: CapLedger.Entry,
                                       _ body: (inout Window, Int, Cap, Cap.Period, CapLedger.Slots) -> Void) {
        guard let rule = ruleIndex[entry.rule], let capped = capped[rule] else { return }
        for (position, period) in capped.cap.periods.enumerated() {
            guard let window = period.window(containing: entry.date) else { continue }
            let key = WindowKey(rule: rule, period: position, start: window.lowerBound)
            let slots = capped.slots[position]
            if windows.index(forKey: key) == nil { windows[key] = Window(window, slots: slots.names.count) }
            guard let index = windows.index(forKey: key) else { continue }
            body(&windows.values[index], rule, capped.cap, period, slots)
        }
    }

    /// First pass: adds a supply to its day. Call in input order.
    mutating func count(_ entry: CapLedger.Entry) {
        forEachPlace(of: entry) { window, _, _, period, slots in
            let row = window.row(entry.date)
            window.records[row] += 1
            let base = row * window.slots
            for (limit, slot) in zip(period.limits, slots.ofLimit) {
                window.amounts[base + slot] += entry.amount(in: limit.measure)
                if !entry.uncounted.isEmpty, entry.uncounted.contains(limit.measure) { window.unknownRecords[base + slot] += 1 }
            }
        }
    }

    /// Ends the first pass: each day learns its window's total before it.
    mutating func close() {
        for index in windows.indices {
            windows.values[index].close()
        }
    }

    /// Second pass: the cap verdicts of one record, given its entries (in the order
    /// ``CapLedger/entries(for:rules:key:)`` gives them). Call record by record in input order.
    mutating func judge(_ entries: [CapLedger.Entry]) -> [CapLedger.Judged] {
        var verdicts: [CapLedger.Judged] = []
        for entry in entries {
            forEachPlace(of: entry) { window, rule, cap, period, slots in
                // A day the first pass did not see (the input changed between the passes)
                // is judged on its own.
                let base = window.row(entry.date) * window.slots
                var running = (0..<window.slots).map { window.before[base + $0] + window.judged[base + $0] }
                let step = CapLedger.step(entry, ruleIndex: rule, cap: cap, period: period, slots: slots,
                                          texts: window.texts, running: &running, intern: { $0 })
                for (limit, slot) in zip(period.limits, slots.ofLimit) {
                    window.judged[base + slot] += entry.amount(in: limit.measure)
                }
                for measure in step.crossed {
                    guard let slot = slots.names.firstIndex(of: measure), window.crossedBy[slot] == nil else { continue }
                    window.crossedBy[slot] = entry.recordID
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
            guard let capped = capped[ruleIndex] else { continue }
            let cap = capped.cap
            for (position, period) in cap.periods.enumerated() {
                let keys = windows.keys.filter { $0.rule == ruleIndex && $0.period == position }.sorted { $0.start < $1.start }
                let slots = capped.slots[position]
                for key in keys {
                    guard let window = windows[key], let range = period.window(containing: key.start) else { continue }
                    var total = [Double](repeating: 0, count: window.slots)
                    var unknownRecords = [Int](repeating: 0, count: window.slots)
                    var records = 0
                    for (_, row) in window.rows.sorted(by: { $0.key < $1.key }) {
                        records += window.records[row]
                        for slot in 0..<window.slots {
                            total[slot] += window.amounts[row * window.slots + slot]
                            unknownRecords[slot] += window.unknownRecords[row * window.slots + slot]
                        }
                    }
                    totals.append(CapLedger.Total(
                        rule: rule.id, title: cap.title ?? rule.title, period: window.texts.label, window: range,
                        records: records, alerts: cap.alerts, lines: zip(period.limits, slots.ofLimit).map { limit, slot in
                            CapLedger.Total.Line(limit: limit, total: total[slot], unknownRecords: unknownRecords[slot],
                                                 crossedBy: window.crossedBy[slot], points: [])
                        }))
                }
            }
        }
        return totals
    }
}
