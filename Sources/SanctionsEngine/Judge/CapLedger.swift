/// Running totals of capped supplies across a batch: the part of the law that cannot be
/// judged one record at a time.
///
/// Records are added in any order; ``judge()`` orders each period's entries by date,
/// ties broken by input order (source, then position in it), so shuffled input gives the
/// same findings. The record that takes a total over a limit, and every later one in that
/// period, is a violation citing the cap paragraph; a record crossing an alert level gets
/// a notice; a record whose quantity cannot be counted is a possible violation, and the
/// totals say how many such records there are.
public struct CapLedger: Sendable {
    /// One record's contribution to one cap.
    public struct Entry: Sendable, Equatable {
        public let rule: String
        /// Rank of the input the record came from (order of the inputs across runs).
        public let source: Int
        /// Position of the record within its input (0-based).
        public let index: Int
        public let recordID: String
        public let date: Day
        /// Counted amounts by measure (`bbl`, `t`, `USD`).
        public let amounts: [String: Double]
        /// What could not be counted.
        public let unknown: [MissingFact]
        /// The measures in which this record's amount is incomplete.
        public let uncounted: Set<String>

        /// The counted amount in `measure` (0 when none is).
        func amount(in measure: String) -> Double {
            amounts.isEmpty ? 0 : amounts[measure] ?? 0
        }
    }

    /// Totals of one cap over one period window, for the summary and reports.
    public struct Total: Sendable {
        /// The running total just after one record, for charts.
        public struct Point: Sendable, Equatable {
            public let recordID: String
            public let date: Day
            /// What this record added (0 when it could not be counted).
            public let amount: Double
            /// The period's total after it.
            public let total: Double
            /// Whether the record's amount in this measure was counted in full.
            public let counted: Bool
        }

        public struct Line: Sendable {
            public let limit: Cap.Limit
            public let total: Double
            /// Records whose amount in this measure could not be counted.
            public let unknownRecords: Int
            /// The record that took the total over the limit.
            public let crossedBy: String?
            /// The running total after each record of the period, in judging order (by
            /// date, ties in input order); carried entries included.
            public let points: [Point]
        }

        public let rule: String
        /// The cap's title (or the rule's).
        public let title: String
        public let period: String
        public let window: ClosedRange<Day>
        public let records: Int
        /// The alert levels, in per cent of each limit (e.g. 75, 90, 95).
        public let alerts: [Double]
        public let lines: [Line]
    }

    /// Where a record is: its input's rank and its position in that input.
    public struct Key: Sendable, Hashable {
        public let source: Int
        public let index: Int

        public init(source: Int, index: Int) {
            self.source = source
            self.index = index
        }
    }

    private let rules: [Rule]
    public private(set) var entries: [Entry] = []

    /// A ledger for the capped rules of a rulebook.
    public init(rulebook: Rulebook) {
        rules = rulebook.rules.filter { $0.cap != nil }
    }

    /// Whether any rule carries a cap (if none, a batch needs no second pass).
    public var isEmpty: Bool { rules.isEmpty }

    /// Which JSON lines the first pass must parse: a line whose kind, date and direction
    /// (read by ``TopLevelScan`` without parsing) rule out every cap cannot count toward
    /// any, and is passed over. When the scan is unsure, the line is parsed.
    var lineFilter: LineFilter { LineFilter(rules: rules) }

    struct LineFilter: Sendable {
        /// Per capped rule: the kinds it covers, its periods, and the direction pairs its
        /// `counts` condition rules out (``Engine/RuleBox/skippedDirections(of:)``).
        private let caps: [Filter]
        private static let keys: [StaticString] = ["kind", "date", "to", "from", "end_user", "origin", "via"]

        /// One capped rule as the filter reads it: the kinds as bits (by ``RecordKind/ordinal``)
        /// and the periods as day numbers, so that asking copies no list.
        private struct Filter: Sendable {
            let kinds: UInt64
            let days: [(from: Int, until: Int)]
            let skipped: UInt16
            let counts: TruthProgram?

            func covers(kind: RecordKind, date: Day) -> Bool {
                kinds & (1 << UInt64(kind.ordinal)) != 0 && days.contains { $0.from <= date.number && date.number <= $0.until }
            }
        }

        init(rules: [Rule]) {
            caps = rules.compactMap { rule in
                rule.cap.map { cap in
                    Filter(kinds: rule.appliesTo.reduce(0) { $0 | 1 << UInt64($1.ordinal) },
                           days: cap.periods.map { ($0.from.number, $0.until?.number ?? Int.max) },
                           skipped: cap.counts.map(Engine.RuleBox.skippedDirections(of:)) ?? 0, counts: cap.countsProgram)
                }
            }
        }

        /// False only when the record on this line cannot count toward any cap (or is no
        /// record: without a valid `kind` and `date` it is an error, and errors count for nothing).
        func mayCount(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
            // Once the kind and date rule every cap out, the rest of the line need not be read:
            // the record cannot count (or, with a bad kind or date, or a bad line, is no record).
            // On a line with no text that could be KP, `to` and `from` given as text are all
            // its direction needs: neither goes to or comes from the DPRK.
            // The kind and date are read once, when both are in.
            var open: (kind: RecordKind, date: Day)?
            var mayHoldKP: Bool?
            return TopLevelScan.withMembers(line, keys: LineFilter.keys, enough: { found in
                if open == nil {
                    guard case .string(let kindText) = found[0] else { return false }
                    guard let kind = RecordKind.named(utf8: UnsafeBufferPointer(rebasing: line[kindText])) else { return true }
                    guard case .string(let dateText) = found[1] else {
                        return !caps.contains { $0.kinds & (1 << UInt64(kind.ordinal)) != 0 }
                    }
                    guard let date = Day(utf8: UnsafeBufferPointer(rebasing: line[dateText])) else { return true }
                    if !mayCount(kind: kind, date: date) { return true }
                    open = (kind, date)
                }
                guard let open, case .string = found[2], case .string = found[3] else { return false }
                let holdsKP = mayHoldKP ?? TopLevelScan.mayHoldKP(line)
                mayHoldKP = holdsKP
                return !holdsKP && !mayCount(kind: open.kind, date: open.date, directions: Evaluator.Directions(toDPRK: .no, fromDPRK: .no))
            }) { members in
                guard let members else { return true }
                return mayCount(line, members)
            }
        }

        /// ``mayCount(_:)`` once the scan has read the line's members (by ``keys``).
        private func mayCount(_ line: UnsafeBufferPointer<UInt8>, _ members: UnsafeBufferPointer<TopLevelScan.Member>) -> Bool {
            guard case .string(let kindText) = members[0], let kind = RecordKind.named(utf8: UnsafeBufferPointer(rebasing: line[kindText])),
                  case .string(let dateText) = members[1], let date = Day(utf8: UnsafeBufferPointer(rebasing: line[dateText])),
                  mayCount(kind: kind, date: date)
            else { return false }
            /// Whether the member is a text that is KP, as ``Evaluator/isKP(_:)`` compares; nil
            /// when it is no text.
            func isKP(_ range: Range<Int>?) -> Bool? {
                range.map { Evaluator.isKP(utf8: UnsafeBufferPointer(rebasing: line[$0])) }
            }
            func text(_ member: TopLevelScan.Member) -> Range<Int>? {
                if case .string(let range) = member { return range }
                return nil
            }
            // As TruthEvaluator.toDPRK(_:) and fromDPRK(_:) decide them.
            let to = isKP(text(members[2])), from = isKP(text(members[3]))
            var viaKP = false
            if case .strings(let elements) = members[6] { viaKP = elements.contains { isKP($0) == true } }
            let toDPRK: Truth = viaKP || to == true || isKP(text(members[4])) == true ? .yes : (to == nil ? .unknown : .no)
            let fromDPRK: Truth = from == true || isKP(text(members[5])) == true ? .yes : (from == nil ? .unknown : .no)
            return mayCount(kind: kind, date: date, directions: Evaluator.Directions(toDPRK: toDPRK, fromDPRK: fromDPRK))
        }

        /// False only when a record of this kind and date cannot count toward any cap.
        func mayCount(kind: RecordKind, date: Day) -> Bool {
            caps.contains { $0.covers(kind: kind, date: date) }
        }

        /// False only when a record of this kind, date and direction cannot count toward any cap.
        func mayCount(kind: RecordKind, date: Day, directions: Evaluator.Directions) -> Bool {
            let bit: UInt16 = 1 << Engine.directionIndex(directions)
            return caps.contains { $0.skipped & bit == 0 && $0.covers(kind: kind, date: date) }
        }

        /// False only when the record cannot count toward any cap: its kind, date and direction
        /// rule every cap out, or the `counts` condition of each cap that remains is false on
        /// its document (a cap without one may count). ``CapLedger/entries(for:rules:key:)``
        /// decides the rest on the record's value.
        func mayCount(_ record: DocumentRecord) -> Bool {
            let bit: UInt16 = 1 << Engine.directionIndex(record.directions)
            var truths: TruthEvaluator<DocumentNode>?
            for cap in caps where cap.skipped & bit == 0 && cap.covers(kind: record.kind, date: record.date) {
                guard let counts = cap.counts else { return true }
                let evaluator = truths ?? TruthEvaluator(root: record.root, date: record.date, periodEnd: record.periodEnd,
                                                         cache: nil, directions: record.directions)
                truths = evaluator
                if evaluator.truth(counts) != .no { return true }
            }
            return false
        }

        /// ``mayCount(kind:date:directions:)`` for a parsed record.
        func mayCount(_ record: Record) -> Bool {
            mayCount(kind: record.kind, date: record.date, directions: Evaluator.Directions(of: record.value))
        }
    }

    /// Adds entries carried over from earlier runs or other shards.
    public mutating func add(_ carried: [Entry]) { entries += carried }

    /// Counts a record toward every cap that applies to it.
    public mutating func add(_ record: Record, key: Key) {
        entries += CapLedger.entries(for: record, rules: rules, key: key)
    }

    /// The record's contributions to the caps of `rules` (capped rules, in rulebook order).
    static func entries(for record: Record, rules: [Rule], key: Key) -> [Entry] {
        // One evaluator for every cap: it depends on the record alone.
        var evaluator: Evaluator?
        return CapLedger.entries(kind: record.kind, date: record.date, rules: rules) { rule, cap in
            let recordEvaluator = evaluator ?? Evaluator(record: record)
            evaluator = recordEvaluator
            return CapLedger.entry(root: record.value, id: record.id, date: record.date, reasons: recordEvaluator.reasons,
                                   rule: rule, cap: cap, key: key)
        }
    }

    /// ``entries(for:rules:key:)`` of a record judged on its document: the same entries, the
    /// facts an unknown condition lacks named on the document (`DocumentTests` compares them).
    /// `namingMissing: false` leaves out what the cap's `counts` and `items` conditions lack
    /// (all else the same): for the first pass of a streamed run, which only counts.
    static func entries(for record: DocumentRecord, rules: [Rule], key: Key, namingMissing: Bool = true) -> [Entry] {
        var reasons: Reasoner<DocumentNode>?
        return CapLedger.entries(kind: record.kind, date: record.date, rules: rules) { rule, cap in
            let reasoner = reasons ?? Reasoner(TruthEvaluator(root: record.root, date: record.date, periodEnd: record.periodEnd,
                                                              cache: nil, directions: record.directions))
            reasons = reasoner
            return CapLedger.entry(root: record.root, id: record.id, date: record.date, reasons: reasoner,
                                   rule: rule, cap: cap, key: key, namingMissing: namingMissing)
        }
    }

    /// The entries `entry` gives for each cap of `rules` that covers the kind and date, in
    /// order (nil from `entry`: the record counts for nothing toward that cap).
    private static func entries(kind: RecordKind, date: Day, rules: [Rule], _ entry: (Rule, Cap) -> Entry?) -> [Entry] {
        var entries: [Entry] = []
        for rule in rules {
            // A cap runs over the periods its paragraph sets, which may outlast the rule's
            // per-record window (2375 para. 14's cap ran to 31 December 2017).
            guard let cap = rule.cap, rule.appliesTo.contains(kind), cap.periods.contains(where: { $0.covers(date) }) else { continue }
            if let found = entry(rule, cap) { entries.append(found) }
        }
        return entries
    }

    /// The capped rules, in rulebook order (a ``Judged/rule`` is a position in it).
    var cappedRules: [Rule] { rules }

    /// The record's contribution to one cap; nil when it counts for nothing. Whether the
    /// record and each item count is decided without reasons; where that is unknown, the
    /// facts it lacks are named by the reasoned evaluation (of the record, or of the item),
    /// unless `namingMissing` is false. An unknown truth always lacks some fact (the reasoned
    /// evaluation names at least one), so the entry is kept or not alike either way.
    private static func entry<Node: RecordNode>(root: Node, id: String, date: Day, reasons: Reasoner<Node>,
                                                rule: Rule, cap: Cap, key: Key, namingMissing: Bool = true) -> Entry? {
        let truths = reasons.truths
        let countsTruth = cap.countsProgram.map(truths.truth) ?? .yes
        if countsTruth == .no { return nil }
        var unknown: [MissingFact] = []
        var uncountable = false
        var uncounted: Set<String> = []
        // In the order the cap gives them: the missing facts come out in the same order every run.
        let measures = cap.measures
        if let counts = cap.counts, countsTruth == .unknown {
            if namingMissing {
                unknown += reasons.evaluate(counts).missing.map { MissingFact(path: $0.path, need: "whether the record counts toward the cap: \($0.need)") }
            }
            uncountable = true
            uncounted = cap.measureNames
        }
        var amounts: [String: Double] = [:]
        var counted = false
        var position = -1
        let goods = root.member(static: "goods")
        _ = goods.flatMap { $0.isArray ? $0 : nil }?.forEachElement { item in
            position += 1
            let itemTruth = truths.truth(cap.itemsProgram, in: item, atRoot: false)
            if itemTruth == .no { return true }
            let prefix = "goods[\(position)]"
            if itemTruth == .unknown {
                if namingMissing {
                    unknown += reasons.evaluate(cap.items, in: Reasoner.Scope(value: item, prefix: prefix)).missing.map { MissingFact(path: $0.path, need: "whether the item counts toward the cap: \($0.need)") }
                }
                uncountable = true
                uncounted = cap.measureNames
                return true
            }
            counted = true
            for (measure, isCurrency) in measures {
                if isCurrency {
                    guard let valueNode = item.member(static: "value"), case .number(let value) = valueNode.value else {
                        unknown.append(MissingFact(path: "\(prefix).value", need: "the cap in \(measure)"))
                        uncounted.insert(measure)
                        continue
                    }
                    let currency = item.member(static: "currency")?.stringValue?.uppercased() ?? "USD"
                    guard currency == measure else {
                        unknown.append(MissingFact(path: "\(prefix).currency", need: "the cap in \(measure) (the value is in \(currency); currencies are not converted)"))
                        uncounted.insert(measure)
                        continue
                    }
                    amounts[measure, default: 0] += value
                } else {
                    guard let quantityNode = item.member(static: "quantity"), case .number(let quantity) = quantityNode.value else {
                        unknown.append(MissingFact(path: "\(prefix).quantity", need: "the cap in \(measure)"))
                        uncounted.insert(measure)
                        continue
                    }
                    guard let unit = item.member(static: "unit")?.stringValue else {
                        unknown.append(MissingFact(path: "\(prefix).unit", need: "the cap in \(measure)"))
                        uncounted.insert(measure)
                        continue
                    }
                    guard let factor = cap.factor(from: unit, to: measure) else {
                        unknown.append(MissingFact(path: "\(prefix).unit", need: "the cap in \(measure) (\(unit) does not convert to \(measure): the rule gives no factor)"))
                        uncounted.insert(measure)
                        continue
                    }
                    amounts[measure, default: 0] += quantity * factor
                }
            }
            return true
        }
        guard counted || uncountable || !unknown.isEmpty else { return nil }
        return Entry(rule: rule.id, source: key.source, index: key.index, recordID: id, date: date,
                     amounts: amounts, unknown: unknown, uncounted: uncounted)
    }

    /// The cap findings of every record, by key, and the totals of every period window.
    public func judge() -> (findings: [Key: [Finding]], totals: [Total]) {
        let judged = judgeCompactly()
        var findings: [Key: [Finding]] = [:]
        for key in judged.verdicts.keys { findings[key] = judged.verdicts[key].map(finding) }
        return (findings, judged.totals)
    }

    /// The compact verdicts by record: the first of each record in one table, any further
    /// ones (a record under two caps) in another, so that most records cost no array.
    struct JudgedStore: Sendable {
        private var first: [Key: Judged] = [:]
        private var more: [Key: [Judged]] = [:]

        var keys: Dictionary<Key, Judged>.Keys { first.keys }

        mutating func append(_ judged: Judged, for key: Key) {
            if first[key] == nil { first[key] = judged } else { more[key, default: []].append(judged) }
        }

        /// The record's verdicts, in the order they were judged.
        subscript(key: Key) -> [Judged] {
            guard let head = first[key] else { return [] }
            return [head] + (more[key] ?? [])
        }
    }

    /// A record's cap finding before it is made a ``Finding``: what differs from record to
    /// record, without the arrays a finding holds (a long run keeps one per capped supply).
    struct Judged: Sendable {
        let rule: Int
        let verdict: Verdict
        let message: String
        let date: Day
        let test: String
        let missing: [MissingFact]
        let detail: CapStatus?
    }

    /// The finding a compact verdict stands for.
    func finding(_ verdict: Judged) -> Finding {
        let rule = rules[verdict.rule]
        return Finding(rule: rule.id, title: rule.cap?.title ?? rule.title, verdict: verdict.verdict, category: rule.category,
                       citations: rule.cap?.citations ?? [], message: verdict.message,
                       because: [Fact(path: "date", value: verdict.date.description, test: verdict.test, holds: true)],
                       missing: verdict.missing, exemption: nil, status: rule.status, cap: verdict.detail)
    }

    /// Each capped rule's parts of its cap findings, encoded once (``RuleJSON/init(capOf:)``),
    /// by the rule's position: for ``finding(_:parts:)``.
    var findingParts: [RuleJSON] { rules.map { RuleJSON(capOf: $0) } }

    /// ``finding(_:)`` carrying its rule's parts encoded, from ``findingParts``.
    func finding(_ verdict: Judged, parts: [RuleJSON]) -> Finding {
        var finding = finding(verdict)
        finding.ruleJSON = parts[verdict.rule]
        return finding
    }

    /// ``judge()`` with each record's findings kept as compact verdicts.
    func judgeCompactly() -> (verdicts: JudgedStore, totals: [Total]) {
        var findings = JudgedStore()
        // Most cap findings repeat the same texts (every uncountable record of a period says
        // the same): one copy of each keeps a long run's findings small.
        var strings = Strings()
        var totals: [Total] = []
        for (ruleIndex, rule) in rules.enumerated() {
            guard let cap = rule.cap else { continue }
            // Positions, not copies, of the entries: a long run has many.
            let mine = entries.indices.filter { entries[$0].rule == rule.id }
            for period in cap.periods {
                var windows: [Day: [Int]] = [:]
                for position in mine {
                    if let window = period.window(containing: entries[position].date) {
                        windows[window.lowerBound, default: []].append(position)
                    }
                }
                for start in windows.keys.sorted() {
                    guard let group = windows[start], let window = period.window(containing: start) else { continue }
                    let ordered = group.sorted {
                        let left = entries[$0], right = entries[$1]
                        return (left.date, left.source, left.index) < (right.date, right.source, right.index)
                    }.lazy.map { entries[$0] }
                    let texts = WindowTexts(window)
                    let slots = Slots(period)
                    var running = [Double](repeating: 0, count: slots.names.count)
                    var unknownRecords: [String: Int] = [:]
                    var crossedBy: [String: String] = [:]
                    var points: [String: [Total.Point]] = [:]
                    // Summed day by day, then within the day in input order, as ``CapStream``
                    // sums them: the two give the same totals to the last bit.
                    var earlierDays: [String: Double] = [:]
                    var today: (date: Day, amounts: [String: Double])?
                    for entry in ordered {
                        if let day = today, day.date != entry.date {
                            for (measure, amount) in day.amounts { earlierDays[measure] = (earlierDays[measure] ?? 0) + amount }
                            today = nil
                        }
                        var sameDay = today?.amounts ?? [:]
                        for (slot, measure) in slots.names.enumerated() {
                            running[slot] = (earlierDays[measure] ?? 0) + (sameDay[measure] ?? 0)
                        }
                        let step = CapLedger.step(entry, ruleIndex: ruleIndex, cap: cap, period: period, slots: slots,
                                                  texts: texts, running: &running, intern: { strings.intern($0) })
                        for limit in period.limits { sameDay[limit.measure, default: 0] += entry.amount(in: limit.measure) }
                        today = (entry.date, sameDay)
                        for (limit, after) in zip(period.limits, step.afters) {
                            let measure = limit.measure
                            points[measure, default: []].append(Total.Point(
                                recordID: entry.recordID, date: entry.date, amount: entry.amount(in: measure), total: after,
                                counted: !entry.uncounted.contains(measure)))
                            if entry.uncounted.contains(measure) { unknownRecords[measure, default: 0] += 1 }
                        }
                        for measure in step.crossed { crossedBy[measure] = crossedBy[measure] ?? entry.recordID }
                        if let judged = step.judged { findings.append(judged, for: Key(source: entry.source, index: entry.index)) }
                    }
                    if let day = today {
                        for (measure, amount) in day.amounts { earlierDays[measure] = (earlierDays[measure] ?? 0) + amount }
                    }
                    totals.append(Total(rule: rule.id, title: cap.title ?? rule.title, period: texts.label, window: window,
                                        records: ordered.count, alerts: cap.alerts, lines: period.limits.map {
                        Total.Line(limit: $0, total: earlierDays[$0.measure] ?? 0, unknownRecords: unknownRecords[$0.measure] ?? 0,
                                   crossedBy: crossedBy[$0.measure], points: points[$0.measure] ?? [])
                    }))
                }
            }
        }
        return (findings, totals)
    }

    /// The texts every cap finding of one period window shares, worked out once a window.
    struct WindowTexts: Sendable {
        /// `2024`, or `2017-10-01 to 2017-12-31` (``label(_:)``).
        let label: String
        /// The finding's test on its date.
        let test: String
        /// The message of a record whose amount cannot be counted.
        let uncountable: String

        init(_ window: ClosedRange<Day>) {
            label = CapLedger.label(window)
            test = "in the cap period \(label)"
            uncountable = "\(label): this record's amount cannot be counted toward the cap, so whether the cap is exceeded cannot be decided"
        }
    }

    /// A period's limits with their measures numbered: each measure a slot, in the order the
    /// limits first give it, so that running totals are arrays rather than tables by name.
    /// Two limits in one measure share its slot (and its total), as they share its name.
    struct Slots: Sendable {
        /// The measure of each slot.
        let names: [String]
        /// The slot of each limit, in the period's order.
        let ofLimit: [Int]

        init(_ period: Cap.Period) {
            var names: [String] = []
            var ofLimit: [Int] = []
            for limit in period.limits {
                if let slot = names.firstIndex(of: limit.measure) {
                    ofLimit.append(slot)
                } else {
                    ofLimit.append(names.count)
                    names.append(limit.measure)
                }
            }
            self.names = names
            self.ofLimit = ofLimit
        }
    }

    /// One entry weighed against its period's totals: `running` holds the totals by slot
    /// (``Slots``) before it (all entries judged earlier in the window) and after it on
    /// return. Returns the record's verdict (nil: nothing to say), the total after it for
    /// each of the period's limits, and the measures whose limit it took the total over.
    /// `intern` keeps one copy of each repeated text.
    static func step(_ entry: Entry, ruleIndex: Int, cap: Cap, period: Cap.Period, slots: Slots, texts: WindowTexts,
                     running: inout [Double], intern: (String) -> String)
        -> (judged: Judged?, afters: [Double], crossed: [String]) {
        var verdict: Verdict?
        var lines: [String] = []
        var detail: CapStatus?
        var afters: [Double] = []
        afters.reserveCapacity(period.limits.count)
        var crossed: [String] = []
        let label = texts.label
        for (limit, slot) in zip(period.limits, slots.ofLimit) {
            let measure = limit.measure
            let before = running[slot]
            let amount = entry.amount(in: measure)
            let after = before + amount
            running[slot] = after
            afters.append(after)
            if before > limit.amount {
                verdict = .violation
                detail = detail ?? CapStatus(period: label, limit: limit, before: before, amount: amount, after: after)
                lines.append("\(label) total was already \(format(before)) \(measure) > \(format(limit.amount)); this record +\(format(amount))")
            } else if after > limit.amount {
                verdict = .violation
                detail = CapStatus(period: label, limit: limit, before: before, amount: amount, after: after)
                crossed.append(measure)
                lines.append("\(label) total \(format(after)) \(measure) > \(format(limit.amount)); this record +\(format(amount)) from \(format(before))")
            } else if verdict == nil {
                // The highest alert level this record takes the total to.
                if let level = cap.alerts.last(where: { before < limit.amount * $0 / 100 && after >= limit.amount * $0 / 100 }) {
                    verdict = .notice
                    detail = CapStatus(period: label, limit: limit, before: before, amount: amount, after: after)
                    lines.append("\(label) total \(format(after)) \(measure) reaches \(format(level))% of the cap (\(format(limit.amount))); this record +\(format(amount)) from \(format(before))")
                }
            }
        }
        if verdict != .violation && !entry.uncounted.isEmpty {
            verdict = .possibleViolation
            if let first = period.limits.first, let slot = slots.ofLimit.first {
                let amount = entry.amount(in: first.measure)
                detail = CapStatus(period: label, limit: first, before: running[slot] - amount, amount: amount, after: running[slot])
            } else {
                detail = nil
            }
            lines.append(texts.uncountable)
        }
        guard let verdict else { return (nil, afters, crossed) }
        // One line is its own message: the window's shared text when it is the uncountable one.
        let message = lines.count == 1 ? lines[0] : lines.joined(separator: "; ")
        let judged = Judged(rule: ruleIndex, verdict: verdict, message: intern(message), date: entry.date, test: texts.test,
                            missing: verdict == .violation ? [] : entry.unknown, detail: detail)
        return (judged, afters, crossed)
    }

    /// One copy of each text: equal strings share one buffer.
    struct Strings {
        private var seen: [String: String] = [:]
        private var missingLists: [[MissingFact]: [MissingFact]] = [:]
        private var measureSets: [Set<String>: Set<String>] = [:]

        mutating func intern(_ text: String) -> String {
            if let known = seen[text] { return known }
            seen[text] = text
            return text
        }

        /// The entry with its missing facts and uncounted measures shared with earlier
        /// entries' (most uncountable supplies miss the same facts).
        mutating func intern(_ entry: Entry) -> Entry {
            guard !entry.unknown.isEmpty || !entry.uncounted.isEmpty else { return entry }
            let unknown: [MissingFact]
            if let known = missingLists[entry.unknown] {
                unknown = known
            } else {
                unknown = entry.unknown.map { MissingFact(path: intern($0.path), need: intern($0.need)) }
                missingLists[unknown] = unknown
            }
            let uncounted: Set<String>
            if let known = measureSets[entry.uncounted] {
                uncounted = known
            } else {
                uncounted = entry.uncounted
                measureSets[uncounted] = uncounted
            }
            return Entry(rule: intern(entry.rule), source: entry.source, index: entry.index, recordID: entry.recordID,
                         date: entry.date, amounts: entry.amounts, unknown: unknown, uncounted: uncounted)
        }
    }

    /// `2024` for a calendar year, else `2017-10-01 to 2017-12-31`.
    static func label(_ window: ClosedRange<Day>) -> String {
        let start = window.lowerBound.description, end = window.upperBound.description
        if start.hasSuffix("-01-01"), end.hasSuffix("-12-31"), start.prefix(4) == end.prefix(4) { return String(start.prefix(4)) }
        return "\(start) to \(end)"
    }

    /// `530,000`; fractions to two places. Written digit by digit into one string (a long
    /// run formats three numbers for every cap violation).
    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        let whole = Int64(rounded.rounded(.towardZero))
        let fraction = abs(rounded - Double(whole))
        let cents = fraction >= 0.005 ? Int((fraction * 100).rounded()) : nil
        // At most 20 digits, 6 separators, a sign, a point and the cents' digits.
        return String(unsafeUninitializedCapacity: 48) { buffer in
            var length = 0
            func put(_ byte: UInt8) {
                buffer[length] = byte
                length += 1
            }
            if rounded < 0 { put(UInt8(ascii: "-")) }
            var count = 1
            var rest = whole.magnitude
            while rest >= 10 {
                rest /= 10
                count += 1
            }
            // Digits and separators from the last one back.
            length += count + (count - 1) / 3
            var position = length
            var magnitude = whole.magnitude
            for written in 0..<count {
                if written > 0, written % 3 == 0 {
                    position -= 1
                    buffer[position] = UInt8(ascii: ",")
                }
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            if let cents {
                put(UInt8(ascii: "."))
                if cents < 10 { put(UInt8(ascii: "0")) }
                for digit in String(cents).utf8 { put(digit) }
            }
            return length
        }
    }
}

/// A cap's state at one record, attached to its cap finding.
public struct CapStatus: Sendable {
    /// `2024`, or `2017-10-01 to 2017-12-31`.
    public let period: String
    public let limit: Cap.Limit
    /// The period's total before this record, in the limit's measure.
    public let before: Double
    /// This record's amount.
    public let amount: Double
    /// The total after it.
    public let after: Double
}

extension RecordResult {
    /// This result with cap findings added in their places and the outcome recomputed. The
    /// result's findings are taken to be in their documented order (worst first, then by rule
    /// id, as ``Engine`` gives them); the cap findings may come in any order. Each goes in
    /// after every finding it does not precede, so that the findings stay in that order and,
    /// among equals, the result's own come first and the cap findings as given.
    public func adding(_ capFindings: [Finding]) -> RecordResult {
        guard !capFindings.isEmpty, outcome != .error else { return self }
        func precedes(_ left: Finding, _ right: Finding) -> Bool {
            let leftOutcome = Outcome(left.verdict), rightOutcome = Outcome(right.verdict)
            return leftOutcome != rightOutcome ? leftOutcome > rightOutcome : left.rule < right.rule
        }
        var findings = self.findings
        findings.reserveCapacity(findings.count + capFindings.count)
        var outcome = findings.lazy.map { Outcome($0.verdict) }.max() ?? .clear
        for finding in capFindings {
            outcome = max(outcome, Outcome(finding.verdict))
            var low = 0, high = findings.count
            while low < high {
                let middle = (low + high) / 2
                if precedes(finding, findings[middle]) { high = middle } else { low = middle + 1 }
            }
            findings.insert(finding, at: low)
        }
        return RecordResult(id: id, line: line, outcome: outcome, findings: findings, error: error)
    }
}
