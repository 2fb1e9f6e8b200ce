import Foundation

/// The check stage: turns one rule file's syntax into a compiled ``Rule``, reporting
/// every problem with its position. HS scope names and list names are resolved here,
/// so evaluation never meets a string it has to re-parse.
struct RuleChecker {
    static let categories = [
        "arms-embargo", "wmd", "luxury-goods", "worker-dispatch", "procurement-limit",
        "sectoral-export-ban", "sectoral-supply-ban", "maritime", "financial", "joint-venture",
        "services", "designation",
    ]
    static let ruleKeys = [
        "id", "title", "category", "status", "note", "source", "citations", "in_force",
        "applies_to", "when", "unless", "verdict", "message", "examples", "cap",
    ]
    static let citationKeys = ["resolution", "year", "paragraph", "subparagraph", "annex", "obligation", "summary"]
    static let exampleKeys = ["violation", "notice", "not_violation", "possible_violation", "exempt"]
    static let operators = [
        "equals", "in", "not_in", "in_hs", "greater_than", "at_least", "less_than", "at_most",
        "before", "on_or_before", "after", "on_or_after", "exists", "missing", "contains",
        "matches", "in_list",
    ]
    static let inForceKeys = ["from", "until", "superseded_by", "wind_down"]
    static let windDownKeys = ["contracts_before", "until", "citations"]
    static let exemptionKeys = ["id", "title", "citations", "when", "note"]
    static let screenKeys = ["screen", "against", "measures", "threshold", "describe"]
    static let someKeys = ["some", "where"]
    static let fieldKeys = ["field", "describe"] + operators
    static let measureKeys = ["value", "currency", "unit"]
    static let capKeys = ["title", "citations", "counts", "items", "conversions", "periods", "alerts"]
    static let conversionKeys = ["from", "to", "factor", "basis"]
    static let periodKeys = ["from", "until", "repeat", "limits"]

    let reader: Reader
    let scopes: [String: HSScope]
    let lists: [String: NamedList]
    /// Matchers already built, by list and measures: rules screening against the same list
    /// share one (building one normalises every name on the list).
    var matchers = MatcherCache()
    /// Patterns already compiled, by their text: most `matches` tests share one
    /// (`[a-z0-9]`), and compiling one costs a third of a million instructions.
    var patterns = PatternCache()
    /// The record fields conditions may name; unknown ones are warnings.
    var schema = RecordSchema.standard

    func rule(_ node: SyntaxNode) -> Rule? {
        guard let fields = reader.mapping(node, allowed: RuleChecker.ruleKeys, what: "a rule") else { return nil }
        let before = reader.errorCount
        let id = fields.required("id").flatMap { idNode -> String? in
            guard let id = reader.text(idNode, "'id'") else { return nil }
            if !RuleChecker.isIdentifier(id) {
                reader.error(idNode, "'id' '\(id)' must use upper-case letters, digits and dashes, e.g. DPRK-COAL-EXPORT")
            }
            return id
        }
        let title = fields.required("title").flatMap { reader.text($0, "'title'") }
        let category = fields.required("category").flatMap { categoryNode -> String? in
            guard let category = reader.text(categoryNode, "'category'") else { return nil }
            if !RuleChecker.categories.contains(category) {
                let hint = suggestion(for: category, among: RuleChecker.categories).map { "; did you mean '\($0)'?" } ?? ""
                reader.error(categoryNode, "unknown category '\(category)'\(hint) (expected one of: \(RuleChecker.categories.joined(separator: ", ")))")
            }
            return category
        }
        let status = fields.optional("status").flatMap {
            reader.oneOf($0, "'status'", Rule.Status.self, choices: ["verified", "unverified"])
        } ?? .verified
        let note = fields.optional("note").flatMap { reader.text($0, "'note'") }
        if status == .unverified && note == nil {
            reader.error(fields.keyNode("status") ?? node, "an unverified rule needs a 'note' saying what is uncertain")
        }
        let source = fields.optional("source").flatMap { reader.text($0, "'source'") }
        let citations = fields.required("citations").flatMap { citationList($0) }
        let inForce = fields.required("in_force").flatMap { self.inForce($0) }
        let appliesTo = fields.required("applies_to").flatMap { kinds($0) }
        let condition = fields.required("when").flatMap { self.condition($0) }
        let exemptions = fields.optional("unless").flatMap { exemptionList($0) } ?? []
        let verdict = fields.required("verdict").flatMap { verdictNode -> Verdict? in
            guard let text = reader.text(verdictNode, "'verdict'") else { return nil }
            switch text {
            case "violation": return .violation
            case "notice": return .notice
            default:
                reader.error(verdictNode, "'verdict' must be violation or notice, found '\(text)'")
                return nil
            }
        }
        if let citations, let verdict, verdict == .violation,
           citations.allSatisfy({ $0.obligation == .callsUpon }) {
            reader.error(fields.required("verdict") ?? node,
                         "a rule whose citations only 'call upon' States cannot find a violation: use 'verdict: notice'")
        }
        let message = fields.required("message").flatMap { self.message($0) }
        let examples = fields.required("examples").flatMap { self.examples($0, verdict: verdict) }
        let cap = fields.optional("cap").flatMap { self.cap($0) }
        if let appliesTo { checkFields(fields, kinds: appliesTo) }
        if fields.optional("cap") != nil && cap == nil && reader.errorCount == before {
            reader.error(fields.optional("cap") ?? node, "the cap could not be read")
        }
        guard reader.errorCount == before,
              let id, let title, let category, let citations, let inForce, let appliesTo, let condition,
              let verdict, let message, let examples
        else { return nil }
        return Rule(Rule.Storage(id: id, title: title, category: category, status: status, note: note, source: source,
                                 citations: citations, inForce: inForce, appliesTo: appliesTo, condition: condition,
                                 exemptions: exemptions, verdict: verdict, message: message, examples: examples,
                                 cap: cap, position: node.position))
    }

    /// Warns about record fields the conditions, exemptions, cap and message name that
    /// no record of the rule's kinds has.
    private func checkFields(_ fields: Mapping, kinds: [RecordKind]) {
        let check = FieldCheck(reader: reader, schema: schema, kinds: kinds)
        if let when = fields.optional("when") { check.condition(when) }
        if let unless = fields.optional("unless"), case .sequence(let elements) = unless.content {
            for element in elements { if let when = element.value(forKey: "when") { check.condition(when) } }
        }
        if let cap = fields.optional("cap") {
            if let counts = cap.value(forKey: "counts") { check.condition(counts) }
            if let items = cap.value(forKey: "items") { check.condition(items, prefix: "goods") }
        }
        if let message = fields.optional("message") { check.message(message) }
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
        }
    }

    func citationList(_ node: SyntaxNode) -> [Citation]? {
        guard let elements = reader.list(node, "'citations'") else { return nil }
        if elements.isEmpty { reader.error(node, "'citations' needs at least one citation") }
        let citations = elements.compactMap(citation)
        return citations.count == elements.count && !citations.isEmpty ? citations : nil
    }

    func citation(_ node: SyntaxNode) -> Citation? {
        guard let fields = reader.mapping(node, allowed: RuleChecker.citationKeys, what: "a citation") else { return nil }
        let resolution = fields.required("resolution").flatMap { reader.integer($0, "'resolution'") }
        let year = fields.required("year").flatMap { reader.integer($0, "'year'") }
        let paragraph = fields.optional("paragraph").flatMap { reader.text($0, "'paragraph'") }
        let subparagraph = fields.optional("subparagraph").flatMap { reader.text($0, "'subparagraph'") }
        let annex = fields.optional("annex").flatMap { reader.text($0, "'annex'") }
        if paragraph == nil && annex == nil {
            reader.error(node, "a citation needs a 'paragraph' (or an 'annex'): findings must say where the law is")
        }
        if let year, !(2006...2100).contains(year) { reader.error(fields.required("year") ?? node, "'year' \(year) is not a resolution year") }
        let obligation = fields.optional("obligation").flatMap {
            reader.oneOf($0, "'obligation'", Citation.Obligation.self, choices: ["decides", "calls_upon"])
        } ?? .decides
        let summary = fields.optional("summary").flatMap { reader.text($0, "'summary'") }
        guard let resolution, let year else { return nil }
        return Citation(resolution: resolution, year: year, paragraph: paragraph, subparagraph: subparagraph,
                        annex: annex, obligation: obligation, summary: summary?.trimmingTrailingNewlines())
    }

    func inForce(_ node: SyntaxNode) -> InForce? {
        guard let fields = reader.mapping(node, allowed: RuleChecker.inForceKeys, what: "'in_force'") else {
            return nil
        }
        let from = fields.required("from").flatMap { reader.day($0, "'in_force.from'") }
        let until = fields.optional("until").flatMap { reader.day($0, "'in_force.until'") }
        let supersededBy = fields.optional("superseded_by").flatMap { reader.text($0, "'superseded_by'") }
        if let from, let until, until < from {
            reader.error(fields.optional("until") ?? node, "'until' \(until) is before 'from' \(from): the rule would never be in force")
        }
        if let untilNode = fields.optional("until"), supersededBy == nil {
            reader.warning(untilNode, "'in_force.until' without 'superseded_by': the rule stops applying but nothing says what replaced it",
                           hint: "add 'superseded_by: RULE-ID' naming the rule that took over (or explain in 'note' why none did)",
                           code: "until-without-successor")
        }
        if let successorNode = fields.optional("superseded_by"), fields.optional("until") == nil {
            reader.warning(successorNode, "'superseded_by' without 'until': the rule never stops applying, so both rules judge the same records",
                           hint: "add 'until:' with the last day this version was in force (the day before the successor's 'from')",
                           code: "successor-without-until")
        }
        var windDown: WindDown?
        if let windNode = fields.optional("wind_down"),
           let wind = reader.mapping(windNode, allowed: RuleChecker.windDownKeys, what: "'wind_down'") {
            let before = wind.required("contracts_before").flatMap { reader.day($0, "'wind_down.contracts_before'") }
            let windUntil = wind.required("until").flatMap { reader.day($0, "'wind_down.until'") }
            let citations = wind.optional("citations").flatMap { citationList($0) } ?? []
            if let from, let windUntil, windUntil < from {
                reader.error(wind.optional("until") ?? windNode, "the wind-down ends (\(windUntil)) before the rule is in force (\(from))")
            }
            if let before, let windUntil { windDown = WindDown(contractsBefore: before, until: windUntil, citations: citations) }
        }
        guard let from else { return nil }
        return InForce(from: from, until: until, supersededBy: supersededBy, windDown: windDown)
    }

    func kinds(_ node: SyntaxNode) -> [RecordKind]? {
        guard let elements = reader.list(node, "'applies_to'") else { return nil }
        let choices = RecordKind.allCases.map(\.rawValue)
        let kinds = elements.compactMap { reader.oneOf($0, "record kind", RecordKind.self, choices: choices) }
        if elements.isEmpty { reader.error(node, "'applies_to' needs at least one record kind: \(choices.joined(separator: ", "))") }
        return kinds.count == elements.count && !kinds.isEmpty ? kinds : nil
    }

    func exemptionList(_ node: SyntaxNode) -> [Exemption]? {
        guard let elements = reader.list(node, "'unless'") else { return nil }
        var seen: Set<String> = []
        let exemptions = elements.compactMap { element -> Exemption? in
            guard let fields = reader.mapping(element, allowed: RuleChecker.exemptionKeys, what: "an exemption") else {
                return nil
            }
            let id = fields.required("id").flatMap { reader.text($0, "exemption 'id'") }
            if let id, !seen.insert(id).inserted { reader.error(element, "exemption id '\(id)' appears twice in this rule") }
            let title = fields.required("title").flatMap { reader.text($0, "exemption 'title'") }
            let citations = fields.required("citations").flatMap { citationList($0) }
            let condition = fields.required("when").flatMap { self.condition($0) }
            let note = fields.optional("note").flatMap { reader.text($0, "exemption 'note'") }
            guard let id, let title, let citations, let condition else { return nil }
            return Exemption(id: id, title: title, citations: citations, note: note, condition: condition, position: element.position)
        }
        return exemptions.count == elements.count ? exemptions : nil
    }

    func condition(_ node: SyntaxNode) -> Condition? {
        guard case .mapping(let pairs) = node.content else {
            reader.error(node, "a condition must be a mapping: 'all:', 'any:', 'not:', 'some:' with 'where:', 'screen:' with 'against:', or 'field:' with one operator; found \(node.kindDescription)")
            return nil
        }
        let keys = pairs.compactMap { $0.key.scalarText }
        if keys.contains("all") || keys.contains("any") {
            let key = keys.contains("all") ? "all" : "any"
            guard let fields = reader.mapping(node, allowed: [key], what: "an '\(key)' condition"),
                  let listNode = fields.required(key), let elements = reader.list(listNode, "'\(key)'") else { return nil }
            if elements.isEmpty { reader.error(listNode, "'\(key)' needs at least one condition") }
            let children = elements.compactMap(condition)
            guard children.count == elements.count, !children.isEmpty else { return nil }
            return key == "all" ? .all(children) : .any(children)
        }
        if keys.contains("not") {
            guard let fields = reader.mapping(node, allowed: ["not"], what: "a 'not' condition"),
                  let child = fields.required("not").flatMap(condition) else { return nil }
            return .not(child)
        }
        if keys.contains("screen") {
            guard let fields = reader.mapping(node, allowed: RuleChecker.screenKeys, what: "a 'screen' condition"),
                  let pathNode = fields.required("screen"), let path = self.path(pathNode),
                  let listNode = fields.required("against"), let name = reader.text(listNode, "'against'"),
                  let thresholdNode = fields.required("threshold"), let threshold = reader.number(thresholdNode, "'threshold'") else { return nil }
            guard let list = lists[name] else {
                let hint = suggestion(for: name, among: Array(lists.keys)).map { "; did you mean '\($0)'?" } ?? ""
                reader.error(listNode, "no list named '\(name)' in Rules/lists\(hint)")
                return nil
            }
            var restriction: [String]?
            if let measuresNode = fields.optional("measures"), let measures = reader.texts(measuresNode, "'measures'") {
                let known = Set(list.entries.flatMap(\.measures))
                for measure in measures where !known.contains(measure) {
                    reader.error(measuresNode, "no entry of '\(name)' is under the measure '\(measure)' (its measures: \(known.sorted().joined(separator: ", ")))")
                }
                restriction = measures
            }
            guard threshold > 0.5 && threshold <= 1 else {
                reader.error(thresholdNode, "'threshold' is a name similarity between 0.5 and 1 (e.g. 0.92); found \(threshold)")
                return nil
            }
            let describe = fields.optional("describe").flatMap { reader.text($0, "'describe'") }
            return .screen(path, Screening(matcher: matchers.matcher(for: list, measures: restriction), threshold: threshold, describe: describe))
        }
        if keys.contains("some") {
            guard let fields = reader.mapping(node, allowed: RuleChecker.someKeys, what: "a 'some' condition"),
                  let pathNode = fields.required("some"), let path = self.path(pathNode),
                  let child = fields.required("where").flatMap(condition) else { return nil }
            return .some(path, child)
        }
        guard keys.contains("field") else {
            let hint = keys.first.flatMap { suggestion(for: $0, among: ["all", "any", "not", "some", "screen", "field"] + RuleChecker.operators) }
                .map { " (did you mean '\($0)'?)" } ?? ""
            reader.error(node, "a condition needs 'all', 'any', 'not', 'some', 'screen' or 'field'\(hint); found keys: \(keys.joined(separator: ", "))")
            return nil
        }
        guard let fields = reader.mapping(node, allowed: RuleChecker.fieldKeys, what: "a field condition"),
              let pathNode = fields.required("field"), let path = self.path(pathNode) else { return nil }
        let describe = fields.optional("describe").flatMap { reader.text($0, "'describe'") }
        let operatorKeys = RuleChecker.operators.filter { fields.has($0) }
        guard operatorKeys.count == 1, let key = operatorKeys.first, let valueNode = fields.members[key]?.value else {
            reader.error(node, operatorKeys.isEmpty
                         ? "the condition on '\(path)' needs one operator: \(RuleChecker.operators.joined(separator: ", "))"
                         : "the condition on '\(path)' has \(operatorKeys.count) operators (\(operatorKeys.joined(separator: ", "))): use one per condition and join them with 'all'")
            return nil
        }
        guard let test = self.operator(key, valueNode) else { return nil }
        return .test(FieldTest(path: path, test: test, describe: describe))
    }

    func path(_ node: SyntaxNode) -> FieldPath? {
        guard let text = reader.text(node, "a field path") else { return nil }
        let components = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let valid = components.allSatisfy { component in
            !component.isEmpty && component.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
            }
        }
        guard valid else {
            reader.error(node, "'\(text)' is not a field path: expected names joined by dots, e.g. goods.hs or vessel.flag")
            return nil
        }
        return FieldPath(components: components)
    }

    func `operator`(_ key: String, _ node: SyntaxNode) -> Operator? {
        switch key {
        case "equals":
            guard case .scalar = node.content, !node.isNull else {
                reader.error(node, "'equals' takes one value, found \(node.kindDescription)")
                return nil
            }
            return .equals(node.value)
        case "in", "not_in":
            guard let elements = reader.list(node, "'\(key)'") else { return nil }
            for element in elements where element.scalarText == nil { reader.error(element, "'\(key)' takes a list of values") }
            let values = elements.map(\.value)
            return key == "in" ? .isIn(values) : .notIn(values)
        case "in_hs":
            return hsScope(node)
        case "greater_than", "at_least", "less_than", "at_most":
            guard let comparison = Comparison(rawValue: key), let measure = measure(node, key) else { return nil }
            return .compare(comparison, measure)
        case "before", "on_or_before", "after", "on_or_after":
            guard let comparison = DateComparison(rawValue: key), let day = reader.day(node, "'\(key)'") else { return nil }
            return .date(comparison, day)
        case "exists", "missing":
            guard reader.flag(node, "'\(key)'") == true else {
                reader.error(node, "write '\(key): true' (for the opposite, use '\(key == "exists" ? "missing" : "exists"): true')")
                return nil
            }
            return key == "exists" ? .exists : .missing
        case "contains":
            return reader.text(node, "'contains'").map { .contains($0) }
        case "matches":
            guard let pattern = reader.text(node, "'matches'") else { return nil }
            do {
                return .matches(try patterns.pattern(pattern))
            } catch {
                reader.error(node, "'matches': \(error.message)")
                return nil
            }
        case "in_list":
            guard let name = reader.text(node, "'in_list'") else { return nil }
            guard let list = lists[name] else {
                let hint = suggestion(for: name, among: Array(lists.keys)).map { "; did you mean '\($0)'?" } ?? ""
                reader.error(node, "no list named '\(name)' in Rules/lists\(hint)")
                return nil
            }
            return .inList(list)
        default:
            reader.error(node, "unknown operator '\(key)'")
            return nil
        }
    }

    func hsScope(_ node: SyntaxNode) -> Operator? {
        let elements: [SyntaxNode]
        if case .scalar = node.content { elements = [node] } else {
            guard let list = reader.list(node, "'in_hs'") else { return nil }
            elements = list
        }
        var entries: [HSScope.Entry] = []
        var labels: [String] = []
        for element in elements {
            guard let text = reader.text(element, "an HS code") else { continue }
            if let first = text.unicodeScalars.first, ("0"..."9").contains(first) {
                switch HSScope.parseEntry(text) {
                case .success(let entry): entries.append(entry); labels.append(entry.description)
                case .failure(let problem): reader.error(element, problem.description)
                }
            } else if let scope = scopes[text] {
                entries.append(contentsOf: scope.entries)
                labels.append(text)
            } else {
                let hint = suggestion(for: text, among: Array(scopes.keys)).map { "; did you mean '\($0)'?" } ?? ""
                reader.error(element, "'\(text)' is neither an HS code nor a scope in Rules/hs-scopes.yaml\(hint)")
            }
        }
        if elements.isEmpty { reader.error(node, "'in_hs' needs at least one code or scope") }
        return entries.isEmpty ? nil : .hs(HSScope(entries: entries), label: labels.joined(separator: ", "))
    }

    func measure(_ node: SyntaxNode, _ key: String) -> Measure? {
        if case .scalar = node.content {
            return reader.number(node, "'\(key)'").map { .number($0) }
        }
        guard let fields = reader.mapping(node, allowed: RuleChecker.measureKeys, what: "'\(key)'"),
              let amount = fields.required("value").flatMap({ reader.number($0, "'value'") }) else { return nil }
        let currency = fields.optional("currency").flatMap { reader.text($0, "'currency'") }
        let unit = fields.optional("unit").flatMap { reader.text($0, "'unit'") }
        switch (currency, unit) {
        case (let currency?, nil): return .money(amount, currency: currency.uppercased())
        case (nil, let unit?):
            guard Units.known.contains(unit) else {
                reader.error(fields.optional("unit") ?? node, "unknown unit '\(unit)': expected one of \(Units.known.sorted().joined(separator: ", "))")
                return nil
            }
            return .quantity(amount, unit: unit)
        case (nil, nil): return .number(amount)
        default:
            reader.error(node, "'\(key)' takes a 'currency' or a 'unit', not both")
            return nil
        }
    }

    func cap(_ node: SyntaxNode) -> Cap? {
        guard let fields = reader.mapping(node, allowed: RuleChecker.capKeys, what: "'cap'") else { return nil }
        let title = fields.optional("title").flatMap { reader.text($0, "cap 'title'") }
        let citations = fields.required("citations").flatMap { citationList($0) }
        let counts = fields.optional("counts").flatMap { condition($0) }
        let items = fields.required("items").flatMap { condition($0) }
        var conversions: [Cap.Conversion] = []
        for element in fields.optional("conversions").flatMap({ reader.list($0, "'conversions'") }) ?? [] {
            guard let conversion = reader.mapping(element, allowed: RuleChecker.conversionKeys, what: "a conversion"),
                  let from = conversion.required("from").flatMap({ reader.text($0, "'from'") }),
                  let to = conversion.required("to").flatMap({ reader.text($0, "'to'") }),
                  let factor = conversion.required("factor").flatMap({ reader.number($0, "'factor'") }),
                  let basis = conversion.required("basis").flatMap({ reader.text($0, "'basis'") }) else { continue }
            for (unit, key) in [(from, "from"), (to, "to")] where !Units.known.contains(unit) {
                reader.error(conversion.required(key) ?? element, "unknown unit '\(unit)': expected one of \(Units.known.sorted().joined(separator: ", "))")
            }
            if factor <= 0 { reader.error(conversion.required("factor") ?? element, "'factor' must be positive") }
            conversions.append(Cap.Conversion(from: from, to: to, factor: factor, basis: basis))
        }
        var periods: [Cap.Period] = []
        if let list = fields.required("periods").flatMap({ reader.list($0, "'periods'") }) {
            if list.isEmpty { reader.error(node, "'periods' needs at least one period") }
            for element in list {
                guard let period = reader.mapping(element, allowed: RuleChecker.periodKeys, what: "a cap period"),
                      let from = period.required("from").flatMap({ reader.day($0, "period 'from'") }) else { continue }
                let until = period.optional("until").flatMap { reader.day($0, "period 'until'") }
                if let until, until < from { reader.error(period.optional("until") ?? element, "'until' \(until) is before 'from' \(from)") }
                var repeatsYearly = false
                if let repeatNode = period.optional("repeat") {
                    switch reader.text(repeatNode, "'repeat'") {
                    case "yearly"?: repeatsYearly = true
                    case "none"?: repeatsYearly = false
                    case let other?: reader.error(repeatNode, "'repeat' must be yearly or none, found '\(other)'")
                    case nil: break
                    }
                }
                var limits: [Cap.Limit] = []
                for limitNode in period.required("limits").flatMap({ reader.list($0, "'limits'") }) ?? [] {
                    guard let measure = measure(limitNode, "a limit") else { continue }
                    switch measure {
                    case .quantity(let amount, let unit): limits.append(Cap.Limit(amount: amount, unit: unit, currency: nil))
                    case .money(let amount, let currency): limits.append(Cap.Limit(amount: amount, unit: nil, currency: currency))
                    case .number: reader.error(limitNode, "a limit needs a 'unit' (bbl, t …) or a 'currency' (USD)")
                    }
                }
                if limits.isEmpty { reader.error(element, "a cap period needs at least one limit") }
                periods.append(Cap.Period(from: from, until: until, repeatsYearly: repeatsYearly, limits: limits))
            }
        }
        let alerts = (fields.optional("alerts").flatMap { reader.list($0, "'alerts'") } ?? []).compactMap { reader.number($0, "an alert level") }
        for level in alerts where !(0 < level && level < 100) {
            reader.error(fields.optional("alerts") ?? node, "alert levels are percentages between 0 and 100, found \(level)")
        }
        guard let citations, let items, !periods.isEmpty else { return nil }
        return Cap(title: title, citations: citations, counts: counts, items: items, conversions: conversions,
                   periods: periods, alerts: alerts.sorted())
    }

    func message(_ node: SyntaxNode) -> MessageTemplate? {
        guard let text = reader.text(node, "'message'") else { return nil }
        var segments: [MessageTemplate.Segment] = []
        // Read as UTF-8 (braces are ASCII, never part of another character's bytes): walking
        // a text by characters cost a tenth of the rulebook's start-up.
        let bytes = Array(text.trimmingTrailingNewlines().utf8)
        func piece(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        var start = 0
        while let open = bytes[start...].firstIndex(of: UInt8(ascii: "{")) {
            if open > start { segments.append(.text(piece(start..<open))) }
            guard let close = bytes[open...].firstIndex(of: UInt8(ascii: "}")) else {
                reader.error(node, "'message' has a '{' without its '}': write {path}, e.g. {goods.hs}")
                return nil
            }
            let name = piece(open + 1..<close)
            let components = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !name.isEmpty, components.allSatisfy({ !$0.isEmpty }) else {
                reader.error(node, "'message' placeholder {\(name)} is not a field path")
                return nil
            }
            segments.append(.field(FieldPath(components: components)))
            start = close + 1
        }
        if start < bytes.count { segments.append(.text(piece(start..<bytes.count))) }
        return MessageTemplate(segments: segments)
    }

    func examples(_ node: SyntaxNode, verdict: Verdict?) -> RuleExamples? {
        guard let fields = reader.mapping(node, allowed: RuleChecker.exampleKeys, what: "'examples'") else { return nil }
        func records(_ key: String) -> [RuleExamples.Example] {
            guard let listNode = fields.optional(key), let elements = reader.list(listNode, "'examples.\(key)'") else { return [] }
            return elements.compactMap { element in
                guard case .mapping = element.content else {
                    reader.error(element, "each example must be a record (a mapping with id, kind, date, …)")
                    return nil
                }
                return RuleExamples.Example(record: element.value, position: element.position)
            }
        }
        let examples = RuleExamples(violation: records("violation"), notice: records("notice"),
                                    notViolation: records("not_violation"),
                                    possibleViolation: records("possible_violation"), exempt: records("exempt"))
        if verdict == .notice && examples.notice.isEmpty && examples.violation.isEmpty {
            reader.error(node, "'examples' needs at least one record under 'notice' (a record that must yield this rule's notice)")
        } else if verdict == .violation && examples.violation.isEmpty {
            reader.error(node, "'examples' needs at least one record under 'violation' (a record that must yield this rule's verdict)")
        }
        if verdict == .violation && !examples.notice.isEmpty {
            reader.error(fields.keyNode("notice") ?? node, "'examples.notice' is for rules with 'verdict: notice'; this rule finds violations")
        }
        if examples.notViolation.isEmpty {
            reader.error(node, "'examples' needs at least one record under 'not_violation' (a record that must not)")
        }
        return examples
    }
}

/// Units the engine converts between.
enum Units {
    static let known: Set<String> = ["kg", "t", "bbl", "l", "m3", "unit", "pair", "set"]

    /// Factor to convert `from` into `to`, when the engine knows one (mass and volume
    /// only; barrels to tons depends on the product, which the resolutions do not set).
    static func factor(from: String, to: String) -> Double? {
        if from == to { return 1 }
        switch (from, to) {
        case ("kg", "t"): return 0.001
        case ("t", "kg"): return 1000
        case ("l", "m3"): return 0.001
        case ("m3", "l"): return 1000
        default: return nil
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" || text.last == " " { text.removeLast() }
        return text
    }
}

/// The matchers a compilation has built, by list and the measures it was restricted to;
/// shared by the checkers that check rule files in parallel.
final class MatcherCache: @unchecked Sendable {
    // @unchecked: `built` is read and written only under `lock`; each slot guards its own matcher.
    private var built: [String: Slot] = [:]
    private let lock = NSLock()

    /// One matcher, built by the first thread that asks for it; others asking for the same
    /// one wait for it, those asking for another build theirs meanwhile.
    private final class Slot: @unchecked Sendable {
        // @unchecked: `matcher` is read and written only under `lock`.
        private var matcher: NameMatcher?
        private let lock = NSLock()

        func get(_ build: () -> NameMatcher) -> NameMatcher {
            lock.lock()
            defer { lock.unlock() }
            if let matcher { return matcher }
            let made = build()
            matcher = made
            return made
        }
    }

    /// The matcher of `list` as restricted to `measures` (`nil`: the whole list).
    func matcher(for list: NamedList, measures: [String]?) -> NameMatcher {
        let key = list.id + "|" + (measures?.sorted().joined(separator: ",") ?? "*")
        lock.lock()
        let slot = built[key] ?? Slot()
        built[key] = slot
        lock.unlock()
        return slot.get { NameMatcher(list: measures.map { list.restricted(to: $0) } ?? list) }
    }
}

/// The patterns a compilation has compiled (or refused), by their text; shared by the
/// checkers that check rule files in parallel. A pattern is immutable once made, so rules
/// with the same text may share one.
final class PatternCache: @unchecked Sendable {
    // @unchecked: `made` is read and written only under `lock`.
    private var made: [String: Result<BoundedPattern, PatternError>] = [:]
    private let lock = NSLock()

    /// The pattern of `source`, as ``BoundedPattern/init(_:)`` makes or refuses it.
    func pattern(_ source: String) throws(PatternError) -> BoundedPattern {
        lock.lock()
        let known = made[source]
        lock.unlock()
        if let known { return try known.get() }
        let result = Result { () throws(PatternError) -> BoundedPattern in try BoundedPattern(source) }
        lock.lock()
        made[source] = result
        lock.unlock()
        return try result.get()
    }
}
