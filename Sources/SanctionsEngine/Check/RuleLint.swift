/// Checks across compiled rules that the loader does not need but an officer does:
/// exemptions that can never apply, and rules whose scopes overlap without either citing
/// the other. Each is a warning: the rules still load and run.
enum RuleLint {
    static func warnings(_ rules: [Rule]) -> [Diagnostic] {
        rules.flatMap(deadExemptions) + overlaps(rules)
    }

    // MARK: Exemptions that can never apply

    /// What a conjunction demands of one plain (non-list) field: the values it may take,
    /// the values it may not, whether it must be absent or present.
    struct Demand {
        var allowed: Set<String>?
        var excluded: Set<String> = []
        var absent = false
        var present = false
        /// The latest day the field may be (`before`, `on_or_before`), the earliest (`after` …).
        var notAfter: Day?
        var notBefore: Day?

        mutating func merge(_ other: Demand) {
            if let values = other.allowed { allowed = allowed.map { $0.intersection(values) } ?? values }
            excluded.formUnion(other.excluded)
            absent = absent || other.absent
            present = present || other.present
            if let day = other.notAfter { notAfter = notAfter.map { min($0, day) } ?? day }
            if let day = other.notBefore { notBefore = notBefore.map { max($0, day) } ?? day }
        }

        var impossible: Bool {
            if absent && (present || allowed != nil || notAfter != nil || notBefore != nil) { return true }
            if let allowed, allowed.subtracting(excluded).isEmpty { return true }
            if let notAfter, let notBefore, notAfter < notBefore { return true }
            return false
        }
    }

    /// Paths through a list can be satisfied by different elements, so they say nothing
    /// about each other; `flow` is a set.
    static func isPlain(_ path: FieldPath) -> Bool {
        let lists: Set<String> = ["parties", "goods", "via", "identifiers", "aliases", "former_names", "partners"]
        return path.components != ["flow"] && !path.components.contains { lists.contains($0) }
    }

    /// The demands of a condition that must hold as a whole: a test, or an `all` of tests.
    static func demands(_ condition: Condition) -> [String: Demand] {
        var result: [String: Demand] = [:]
        func add(_ condition: Condition) {
            switch condition {
            case .all(let children): children.forEach(add)
            case .test(let test) where isPlain(test.path):
                var demand = Demand()
                switch test.test {
                case .equals(let value): demand.allowed = [value.displayText.lowercased()]
                case .isIn(let values): demand.allowed = Set(values.map { $0.displayText.lowercased() })
                case .notIn(let values): demand.excluded = Set(values.map { $0.displayText.lowercased() })
                case .missing: demand.absent = true
                case .exists: demand.present = true
                case .date(let comparison, let day):
                    switch comparison {
                    case .before: demand.notAfter = day.adding(days: -1)
                    case .onOrBefore: demand.notAfter = day
                    case .after: demand.notBefore = day.adding(days: 1)
                    case .onOrAfter: demand.notBefore = day
                    }
                default: return
                }
                result[test.path.description, default: Demand()].merge(demand)
            default: return
            }
        }
        add(condition)
        return result
    }

    static func deadExemptions(_ rule: Rule) -> [Diagnostic] {
        var ruleDemands = demands(rule.condition)
        ruleDemands["kind", default: Demand()].merge(Demand(allowed: Set(rule.appliesTo.map(\.rawValue))))
        // A record judged by the rule ends on or after `from` and starts on or before `until`.
        ruleDemands["period_end", default: Demand()].merge(Demand(notBefore: rule.inForce.from))
        if let until = rule.inForce.until { ruleDemands["date", default: Demand()].merge(Demand(notAfter: until)) }
        var diagnostics: [Diagnostic] = []
        for exemption in rule.exemptions {
            for (path, demand) in demands(exemption.condition).sorted(by: { $0.key < $1.key }) {
                var combined = demand
                let alone = combined.impossible
                if let other = ruleDemands[path] { combined.merge(other) }
                guard combined.impossible else { continue }
                let why = alone ? "its own conditions on '\(path)' contradict each other"
                    : "it needs '\(path)' to be what the rule's conditions (applies_to, in_force, when) rule out"
                diagnostics.append(Diagnostic(exemption.position, .warning,
                    "exemption \(exemption.id) of \(rule.id) can never apply: \(why)",
                    hint: "compare the exemption's 'when' with the rule's; an exemption is weighed only for records the rule's 'when' catches",
                    code: "dead-exemption"))
                break
            }
        }
        return diagnostics
    }

    // MARK: Overlapping scopes

    /// What a rule covers, as far as it can be compared: kinds, dates, flow and HS codes.
    struct Scope {
        let rule: Rule
        let flows: Set<String>?
        let hs: [HSScope.Entry]
    }

    static func scope(of rule: Rule) -> Scope {
        var flows: Set<String>?
        var hs: [HSScope.Entry] = []
        func visit(_ condition: Condition, inGoods: Bool) {
            switch condition {
            case .all(let children): children.forEach { visit($0, inGoods: inGoods) }
            case .some(let path, let child) where path.components == ["goods"]: visit(child, inGoods: true)
            case .test(let test):
                let isHS = inGoods ? test.path.components == ["hs"] : test.path.components == ["goods", "hs"]
                if isHS, case .hs(let scope, _) = test.test { hs += scope.entries }
                if !inGoods, test.path.special == .flow {
                    switch test.test {
                    case .equals(let value): flows = [value.displayText]
                    case .isIn(let values): flows = Set(values.map(\.displayText))
                    default: break
                    }
                }
            default: break
            }
        }
        visit(rule.condition, inGoods: false)
        return Scope(rule: rule, flows: flows, hs: hs)
    }

    static func intersects(_ a: HSScope.Entry, _ b: HSScope.Entry) -> Bool {
        let length = min(a.low.count, b.low.count)
        let (aLow, aHigh) = (String(a.low.prefix(length)), String(a.high.prefix(length)))
        let (bLow, bHigh) = (String(b.low.prefix(length)), String(b.high.prefix(length)))
        return aLow <= bHigh && bLow <= aHigh
    }

    /// Whether `rule` refers to `other`: it names it, supersedes it, or cites the paragraph
    /// the other enforces.
    static func refers(_ rule: Rule, to other: Rule) -> Bool {
        if rule.inForce.supersededBy == other.id { return true }
        let text = [rule.note, rule.source].compactMap { $0 }.joined(separator: " ")
        if text.contains(other.id) { return true }
        guard let enforced = other.citations.first else { return false }
        let cited = rule.citations + rule.exemptions.flatMap(\.citations) + (rule.inForce.windDown?.citations ?? [])
        return cited.contains { $0.resolution == enforced.resolution && $0.paragraph == enforced.paragraph }
    }

    static func overlaps(_ rules: [Rule]) -> [Diagnostic] {
        let scopes = rules.map(scope).filter { !$0.hs.isEmpty }
        var diagnostics: [Diagnostic] = []
        for (index, a) in scopes.enumerated() {
            for b in scopes[(index + 1)...] {
                // Provisions of different categories (an arms embargo and a sectoral ban)
                // overlap by design; within one category an overlap is usually a mistake.
                guard a.rule.category == b.rule.category, !Set(a.rule.appliesTo).isDisjoint(with: b.rule.appliesTo),
                      b.rule.inForce.until.map({ a.rule.inForce.from <= $0 }) ?? true,
                      a.rule.inForce.until.map({ b.rule.inForce.from <= $0 }) ?? true,
                      a.flows.map({ flows in b.flows.map { !flows.isDisjoint(with: $0) } ?? true }) ?? true,
                      let shared = a.hs.lazy.compactMap({ entry in b.hs.first { intersects(entry, $0) }.map { (entry, $0) } }).first,
                      !refers(a.rule, to: b.rule), !refers(b.rule, to: a.rule) else { continue }
                let (first, second) = a.rule.id < b.rule.id ? (a.rule, b.rule) : (b.rule, a.rule)
                diagnostics.append(Diagnostic(second.position, .warning,
                    "\(second.id) overlaps \(first.id) (\(first.position.file)): both judge the same kind of record on the same days for HS \(shared.0) / \(shared.1), and neither cites the other",
                    hint: "if one narrows or replaces the other, cite its paragraph or name its id in 'note' (or set superseded_by); a record caught by both gets two findings",
                    code: "overlapping-rules"))
            }
        }
        return diagnostics
    }
}
