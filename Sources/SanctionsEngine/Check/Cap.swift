/// A quantity cap a rule carries: supplies that count toward it, the periods it runs
/// over, its limits, and the levels at which the 1718 Committee alerts States. Caps
/// are judged across a batch, not per record (see ``CapLedger``).
public struct Cap: Sendable {
    /// One limit: a quantity in a unit, or a value in a currency. Several limits on one
    /// cap ("USD 400,870,018 or 7,500,000 tons, whichever is lower") are each enforced.
    public struct Limit: Sendable, CustomStringConvertible {
        public let amount: Double
        /// `bbl`, `t` … for a quantity limit.
        public let unit: String?
        /// `USD` … for a value limit.
        public let currency: String?

        /// The unit or currency totals against this limit are kept in.
        public var measure: String { unit ?? currency ?? "" }

        public var description: String { "\(CapLedger.format(amount)) \(measure)" }
    }

    /// A period the cap runs over: one window (`from`…`until`), or 12-month windows
    /// repeating from `from` (calendar years when `from` is 1 January).
    public struct Period: Sendable {
        public let from: Day
        public let until: Day?
        public let repeatsYearly: Bool
        public let limits: [Limit]

        /// Whether the period covers `day` (``window(containing:)`` is then not nil), without
        /// working out the window.
        public func covers(_ day: Day) -> Bool {
            day >= from && (until.map { day <= $0 } ?? true)
        }

        /// The window holding `day`, when the period covers it.
        public func window(containing day: Day) -> ClosedRange<Day>? {
            guard day >= from else { return nil }
            if let until, day > until { return nil }
            guard repeatsYearly else { return from...(until ?? Day(number: Int.max / 2)) }
            var start = from
            var years = max(0, day.year - from.year - 1)
            start = from.addingYears(years)
            while start.addingYears(1) <= day {
                years += 1
                start = from.addingYears(years)
            }
            var end = start.addingYears(1).adding(days: -1)
            if let until, end > until { end = until }
            return start...end
        }
    }

    /// A conversion between units the resolutions do not set, with its basis stated.
    public struct Conversion: Sendable {
        public let from: String
        public let to: String
        public let factor: Double
        public let basis: String
    }

    /// The cap's own title, when it has one (its findings show the rule's otherwise).
    public var title: String? { storage.title }
    /// The paragraph that sets the cap.
    public var citations: [Citation] { storage.citations }
    /// Records that count toward the cap (nil: every record the rule applies to).
    var counts: Condition? { storage.counts }
    /// Goods items whose quantity or value counts.
    var items: Condition { storage.items }
    /// `counts` and `items` compiled for their truth alone.
    var countsProgram: TruthProgram? { storage.countsProgram }
    var itemsProgram: TruthProgram { storage.itemsProgram }
    public var conversions: [Conversion] { storage.conversions }
    public var periods: [Period] { storage.periods }
    /// Percentages of a limit at which a notice is given (e.g. 75, 90, 95).
    public var alerts: [Double] { storage.alerts }
    /// The measures of the cap's limits, each once, in the order the periods give them,
    /// and whether each is a currency (counted by value) or a unit (by quantity).
    var measures: [(name: String, isCurrency: Bool)] { storage.measures }
    /// The names of ``measures``: what a record that may count but cannot be counted leaves
    /// uncounted.
    var measureNames: Set<String> { storage.measureNames }

    /// The fields in one object: a cap is read for every record that may count toward it,
    /// and copying one reference costs less than copying nine.
    private final class Storage: Sendable {
        let title: String?
        let citations: [Citation]
        let counts: Condition?
        let items: Condition
        let countsProgram: TruthProgram?
        let itemsProgram: TruthProgram
        let conversions: [Conversion]
        let periods: [Period]
        let alerts: [Double]
        let measures: [(name: String, isCurrency: Bool)]
        let measureNames: Set<String>

        init(title: String?, citations: [Citation], counts: Condition?, items: Condition, conversions: [Conversion],
             periods: [Period], alerts: [Double]) {
            self.title = title
            self.citations = citations
            self.counts = counts
            self.items = items
            countsProgram = counts.map(TruthProgram.init)
            itemsProgram = TruthProgram(items)
            self.conversions = conversions
            self.periods = periods
            self.alerts = alerts
            var measures: [(name: String, isCurrency: Bool)] = []
            for measure in periods.flatMap({ $0.limits.map(\.measure) }) where !measures.contains(where: { $0.name == measure }) {
                measures.append((measure, periods.contains { $0.limits.contains { $0.currency == measure } }))
            }
            self.measures = measures
            measureNames = Set(measures.map(\.name))
        }
    }

    private let storage: Storage

    init(title: String?, citations: [Citation], counts: Condition?, items: Condition, conversions: [Conversion],
         periods: [Period], alerts: [Double]) {
        storage = Storage(title: title, citations: citations, counts: counts, items: items, conversions: conversions,
                          periods: periods, alerts: alerts)
    }

    /// Factor to convert `from` into `to`: the rule's conversions, then the engine's own.
    func factor(from: String, to: String) -> Double? {
        if let own = Units.factor(from: from, to: to) { return own }
        if let direct = conversions.first(where: { $0.from == from && $0.to == to }) { return direct.factor }
        if let inverse = conversions.first(where: { $0.from == to && $0.to == from }), inverse.factor != 0 { return 1 / inverse.factor }
        return nil
    }
}

extension Day {
    /// The same calendar day `years` later (29 February becomes 28 February).
    public func addingYears(_ years: Int) -> Day {
        let (year, month, day) = Day.civil(from: number)
        let target = year + years
        return Day(number: Day.daysFromCivil(year: target, month: month, day: min(day, Day.daysIn(month: month, year: target))))
    }
}
