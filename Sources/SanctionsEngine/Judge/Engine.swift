/// Assesses records against a ``Rulebook``: the judge stage. Each rule in force on the
/// record's date and covering its kind is evaluated; its exemptions and wind-down are
/// weighed; the findings are ordered and the worst sets the record's outcome.
///
/// ```swift
/// let engine = Engine(rulebook: try Rulebook.bundled())
/// let record = try Record(json: #"{"id":"r1","kind":"shipment","date":"2018-03-01","from":"KP","to":"VN","goods":[{"hs":"2701"}]}"#)
/// let result = engine.assess(record)
/// print(result.outcome, result.findings.first?.citations.first?.text ?? "")
/// ```
public struct Engine: Sendable {
    public let rulebook: Rulebook
    /// The rules by the record kinds they cover, each boxed once so that walking them does
    /// not copy every rule's members for every record; in id order (the order findings are
    /// listed in among equally grave ones). Walked through `ruleReferencesByKind`.
    private let rulesByKind: [[RuleBox]]
    /// `rulesByKind` unretained (`rulesByKind` keeps them): walking a record's rules
    /// neither retains nor releases each box (``forEachRule(of:skipping:_:)``).
    private let ruleReferencesByKind: [[Unmanaged<RuleBox>]]
    /// The record members the rules' conclusions read (``ConclusionKey/members``), each
    /// once, as UTF-8: a ``ConclusionMemo`` makes a record's key bytes member by member.
    let keyMembers: [[UInt8]]

    final class RuleBox: Sendable {
        let rule: Rule
        /// The rule index (OPA's and Cedar's idea): bit `3 × to + from` is set when the
        /// rule's `flow` conjuncts fail for a record whose direction to and from the DPRK is
        /// (`to`, `from`) ∈ {yes 0, no 1, unknown 2}², so the rule cannot fire and is not
        /// evaluated at all. Most rules require one direction and most records have neither.
        let skippedDirections: UInt16
        /// The rule's parts of its findings as the result stream writes them.
        let json: RuleJSON
        /// The rule's compiled condition and its exemptions', held here so that asking them
        /// copies neither the rule nor its exemptions.
        let program: TruthProgram
        let exemptionPrograms: [TruthProgram]
        /// For each exemption, the slot of its condition among those several rules share
        /// (``Engine/sharedConditionSlots(_:)``), nil when no other rule has it.
        let exemptionSlots: [Int?]
        /// The rule's findings with a verdict alone (``Detail/verdicts``), by
        /// ``Verdict/ordinal``: they depend on nothing but the rule and the verdict, and a
        /// finding's members are shared by its copies, so a record takes one of these
        /// instead of building its own.
        private let verdictFindings: [Finding]
        /// The rule's place in the rulebook (in id order): its row in a ``ConclusionMemo``.
        let position: Int
        /// What of a record the rule's conclusion depends on (``ConclusionKey/init(_:)``).
        let conclusionKey: ConclusionKey

        /// `position`, `conclusionKey`: see ``position``, ``conclusionKey``; `exemptionSlots`:
        /// see ``exemptionSlots`` (none shared when not given).
        init(_ rule: Rule, position: Int, conclusionKey: ConclusionKey, exemptionSlots: [Int?]? = nil) {
            self.rule = rule
            self.position = position
            self.conclusionKey = conclusionKey
            self.exemptionSlots = exemptionSlots ?? rule.exemptions.map { _ in nil }
            skippedDirections = RuleBox.skippedDirections(of: rule.condition)
            let json = RuleJSON(rule)
            self.json = json
            program = rule.program
            exemptionPrograms = rule.exemptions.map(\.program)
            verdictFindings = Verdict.allCases.map { Finding(rule: rule, verdict: $0, ruleJSON: json) }
        }

        /// The rule's finding with `verdict` alone.
        func finding(_ verdict: Verdict) -> Finding { verdictFindings[verdict.ordinal] }

        /// A record that gives nothing but what every record must: the direction pairs are
        /// tried on it (read once for all the rules).
        private static let probe = try? Record(json: #"{"id":"probe","kind":"shipment","date":"2000-01-01"}"#)

        /// The direction pairs for which the `flow`-only conjuncts of `condition` are false.
        static func skippedDirections(of condition: Condition) -> UInt16 {
            let conjuncts: [Condition]
            if case .all(let children) = condition { conjuncts = children } else { conjuncts = [condition] }
            let guards = conjuncts.filter(isFlowOnly)
            guard !guards.isEmpty, let probe = RuleBox.probe else { return 0 }
            let truths: [Truth] = [.yes, .no, .unknown]
            let program = TruthProgram(.all(guards))
            var mask: UInt16 = 0
            for (to, toTruth) in truths.enumerated() {
                for (from, fromTruth) in truths.enumerated() {
                    // Only `flow` is read, and `flow` reads only the directions given here.
                    let evaluator = TruthEvaluator(root: probe.value, date: probe.date, periodEnd: probe.periodEnd, cache: nil,
                                                   directions: Evaluator.Directions(toDPRK: toTruth, fromDPRK: fromTruth))
                    if evaluator.truth(program) == .no { mask |= 1 << (3 * to + from) }
                }
            }
            return mask
        }

        /// Whether the condition reads nothing but the record's `flow`.
        static func isFlowOnly(_ condition: Condition) -> Bool {
            switch condition {
            case .test(let test): return test.path.special == .flow
            case .all(let children), .any(let children): return !children.isEmpty && children.allSatisfy(isFlowOnly)
            case .not(let child): return isFlowOnly(child)
            case .some, .screen: return false
            }
        }
    }

    /// The position of a direction pair in ``RuleBox/skippedDirections``.
    static func directionIndex(_ directions: Evaluator.Directions) -> Int {
        func digit(_ truth: Truth) -> Int {
            switch truth {
            case .yes: 0
            case .no: 1
            case .unknown: 2
            }
        }
        return 3 * digit(directions.toDPRK) + digit(directions.fromDPRK)
    }

    public init(rulebook: Rulebook) {
        self.rulebook = rulebook
        // By ``RecordKind/ordinal``; in id order: the order findings are listed in among
        // equally grave ones.
        var index = [[RuleBox]](repeating: [], count: RecordKind.allCases.count)
        let rules = rulebook.rules.sorted(by: { $0.id < $1.id })
        let slots = Engine.sharedConditionSlots(rules)
        var keyMembers: [String] = []
        var keyMemberPositions: [String: Int] = [:]
        for (position, (rule, exemptionSlots)) in zip(rules, slots).enumerated() {
            var conclusionKey = ConclusionKey(rule)
            conclusionKey.memberIndices = conclusionKey.members.map { name in
                if let known = keyMemberPositions[name] { return known }
                keyMemberPositions[name] = keyMembers.count
                keyMembers.append(name)
                return keyMembers.count - 1
            }
            let box = RuleBox(rule, position: position, conclusionKey: conclusionKey, exemptionSlots: exemptionSlots)
            for kind in rule.appliesTo { index[kind.ordinal].append(box) }
        }
        self.rulesByKind = index
        self.keyMembers = keyMembers.map { Array($0.utf8) }
        ruleReferencesByKind = index.map { boxes in boxes.map { Unmanaged.passUnretained($0) } }
    }

    /// Calls `body` with each rule for records of `kind`, in id order, but those whose
    /// `flow` conjuncts fail for the direction bit `skip` (the rule index); each box is lent
    /// as ``rulesByKind`` holds it.
    @inline(__always)
    private func forEachRule(of kind: RecordKind, skipping skip: UInt16, _ body: (RuleBox) -> Void) {
        ruleReferencesByKind[kind.ordinal].withUnsafeBufferPointer { references in
            for reference in references {
                reference._withUnsafeGuaranteedRef { box in
                    if box.skippedDirections & skip == 0 { body(box) }
                }
            }
        }
    }

    /// For each rule's exemptions, the slot of its condition when more than one rule has it
    /// (the same tests of the same paths: ``Condition/truthKey``), else nil; slots are
    /// numbered from 0 in the order first met. Each such condition is decided once a
    /// record however many rules it exempts from (``TruthEvaluator/truth(_:shared:)``). At
    /// most ``TruthEvaluator/sharedSlots`` of them.
    static func sharedConditionSlots(_ rules: [Rule]) -> [[Int?]] {
        let keys = rules.map { $0.exemptions.map(\.condition.truthKey) }
        var counts: [String: Int] = [:]
        for key in keys.joined() {
            if let key { counts[key, default: 0] += 1 }
        }
        var slots: [String: Int] = [:]
        return keys.map { rule in
            rule.map { key in
                guard let key, counts[key, default: 0] > 1 else { return nil }
                if let slot = slots[key] { return slot }
                guard slots.count < TruthEvaluator<Value>.sharedSlots else { return nil }
                slots[key] = slots.count
                return slots[key]
            }
        }
    }

    /// Assesses one checked record.
    public func assess(_ record: Record) -> RecordResult {
        assess(record, cache: ScreeningCache(capacity: 256))
    }

    /// How much of each finding is built.
    public enum Detail: Sendable {
        /// Every finding with its message, the facts that triggered it, the facts missing
        /// and its exemption: what an analyst reads.
        case reasons
        /// Each finding's rule and verdict only: `message` is empty, `because` and `missing`
        /// are empty, `exemption` is nil and `citations` are the rule's own. The verdicts and
        /// outcomes are those of ``reasons`` (decided by the same three-valued evaluation
        /// without writing its reasons down): for screening large inputs, then explaining
        /// the records flagged. In a ``Run``, cap findings (judged across the run) keep theirs.
        case verdicts
        /// Every finding with its reasons, as ``reasons``, written as JSON as it is judged
        /// (on a record read from a JSON line) and kept so: ``ResultJSON`` writes the
        /// bytes ``reasons`` would give, while the finding's own members give its rule and
        /// verdict alone, as ``verdicts`` does. For streaming full results as JSON
        /// (`sanctions assess`), each finding's reasons written once, never built. In a
        /// ``Run`` each worker keeps its rules' recent conclusions, and a record alike to one
        /// met before in what a rule reads takes that conclusion and its bytes, its dates
        /// written afresh (the bytes are the same).
        case json
    }

    /// Assesses one checked record with each finding's reasons, or (``Detail/verdicts``)
    /// its verdict alone.
    public func assess(_ record: Record, detail: Detail) -> RecordResult {
        assess(record, cache: ScreeningCache(capacity: 256), detail: detail)
    }

    /// Assesses one checked record, screening names through `cache` (one per worker).
    func assess(_ record: Record, cache: ScreeningCache, detail: Detail = .reasons) -> RecordResult {
        // One evaluator for every rule the record meets: it depends on the record alone.
        let evaluator = Evaluator(record: record, cache: cache)
        let skip: UInt16 = 1 << Engine.directionIndex(evaluator.directions)
        var findings: [Finding] = []
        forEachRule(of: record.kind, skipping: skip) { box in
            guard Engine.covers(box.rule, record) else { return }
            switch detail {
            case .reasons, .json:
                guard let finding = judge(by: box, with: evaluator.reasons) else { return }
                findings.append(finding)
            case .verdicts:
                guard let verdict = verdict(by: box, with: evaluator.truths) else { return }
                findings.append(box.finding(verdict))
            }
        }
        return Engine.result(id: record.id, line: record.line, findings: findings)
    }

    /// Assesses a record on its document, without building its value: the same result as
    /// ``assess(_:cache:detail:)`` on the value (`DocumentTests` compares them). Each rule's
    /// truth is decided first; only the rules that fire, with ``Detail/reasons``, are
    /// evaluated again with their facts.
    /// With ``Detail/json``, a `memo` (the worker's) writes a rule's finding on a record
    /// alike to one it has seen from what it kept (``ConclusionMemo``).
    func assess(_ record: DocumentRecord, cache: ScreeningCache, detail: Detail, memo: ConclusionMemo? = nil) -> RecordResult {
        let truths = TruthEvaluator(root: record.root, date: record.date, periodEnd: record.periodEnd, cache: cache,
                                    directions: record.directions)
        // Built for the first rule that fires: most records meet none.
        var reasons: Reasoner<DocumentNode>?
        let skip: UInt16 = 1 << Engine.directionIndex(record.directions)
        var findings: [Finding] = []
        forEachRule(of: record.kind, skipping: skip) { box in
            guard box.rule.inForce.covers(start: record.date, end: record.periodEnd) else { return }
            switch detail {
            case .reasons, .json:
                guard truths.truth(box.program) != .no else { return }
                let reasoner: Reasoner<DocumentNode>
                if let reasons {
                    reasoner = reasons
                } else {
                    reasoner = Reasoner(truths)
                    reasons = reasoner
                    // The memo's key bytes are the last record's until now.
                    memo?.startRecord()
                }
                let finding = detail == .json ? encode(by: box, with: reasoner, memo: memo) : judge(by: box, with: reasoner, mayFire: true)
                if let finding { findings.append(finding) }
            case .verdicts:
                guard let verdict = verdict(by: box, with: truths) else { return }
                // Room for a record that meets many rules (one that names no goods, say) at once.
                if findings.isEmpty { findings.reserveCapacity(8) }
                findings.append(box.finding(verdict))
            }
        }
        return Engine.result(id: record.id, line: record.line, findings: findings)
    }

    /// A record's result: its findings, worst first, and the outcome of the worst.
    /// The findings come in rule id order (``forEachRule(of:skipping:_:)`` walks them so):
    /// ordering them worst first keeps that order among equals, compares no ids and copies no
    /// finding unless they are out of order.
    private static func result(id: String, line: Int?, findings: [Finding]) -> RecordResult {
        guard let first = findings.first else {
            return RecordResult(id: id, line: line, outcome: .clear, findings: [], error: nil)
        }
        // In order when no finding is graver than the one before it (most records: one
        // finding, or all of one verdict); the outcomes listed only when they are not.
        var worst = Outcome(first.verdict), previous = worst, inOrder = true
        for finding in findings.dropFirst() {
            let outcome = Outcome(finding.verdict)
            if outcome > previous { inOrder = false }
            worst = max(worst, outcome)
            previous = outcome
        }
        guard !inOrder else { return RecordResult(id: id, line: line, outcome: worst, findings: findings, error: nil) }
        let outcomes = findings.map { Outcome($0.verdict) }
        let order = outcomes.indices.sorted { outcomes[$0] != outcomes[$1] ? outcomes[$0] > outcomes[$1] : $0 < $1 }
        return RecordResult(id: id, line: line, outcome: worst, findings: order.map { findings[$0] }, error: nil)
    }

    /// Assesses a record as read from an input: an unreadable or invalid one becomes an
    /// `error` result naming its line.
    public func assess(_ raw: RawRecord) -> RecordResult {
        assess(raw, cache: ScreeningCache(capacity: 256))
    }

    /// Assesses a record as read from an input, screening names through `cache`.
    func assess(_ raw: RawRecord, cache: ScreeningCache, detail: Detail = .reasons) -> RecordResult {
        switch raw.value {
        case .failure(let error):
            return RecordResult(id: error.id, line: raw.line, outcome: .error, findings: [], error: error.message)
        case .success(let value):
            do {
                return assess(try Record(value: value, line: raw.line), cache: cache, detail: detail)
            } catch {
                return RecordResult(id: error.id, line: raw.line, outcome: .error, findings: [], error: error.message)
            }
        }
    }

    /// Assesses records in order; one result per record.
    public func assess<S: Sequence>(_ records: S) -> [RecordResult] where S.Element == Record {
        records.map { assess($0) }
    }

    /// What one rule concludes about one record, or nil when it does not apply.
    public func judge(_ record: Record, by rule: Rule) -> Finding? {
        guard Engine.covers(rule, record) else { return nil }
        return judge(by: rule, with: Evaluator(record: record).reasons)
    }

    /// ``judge(by:with:mayFire:json:exemptionSlots:)`` for a rule of the rulebook: its parts encoded once
    /// kept on the finding when its citations are the rule's own.
    private func judge<Node: RecordNode>(by box: RuleBox, with reasons: Reasoner<Node>, mayFire: Bool = false) -> Finding? {
        guard var finding = judge(by: box.rule, with: reasons, mayFire: mayFire, json: box.json, exemptionSlots: box.exemptionSlots) else {
            return nil
        }
        // A finding cites the rule's citations, then any a screening match added.
        if finding.citations.count == box.rule.citations.count { finding.ruleJSON = box.json }
        return finding
    }

    /// What `rule`, which covers the record `reasons` evaluate, concludes about it; `mayFire`
    /// when its condition is already known to hold or to be unknown; `json`, the rule's parts
    /// encoded (for its exemptions' citations); `exemptionSlots`, its exemptions' shared slots.
    private func judge<Node: RecordNode>(by rule: borrowing Rule, with reasons: Reasoner<Node>, mayFire: Bool = false,
                                         json: RuleJSON? = nil, exemptionSlots: [Int?] = []) -> Finding? {
        guard let conclusion = conclude(rule, with: reasons, mayFire: mayFire, json: json, exemptionSlots: exemptionSlots) else {
            return nil
        }
        // Most findings cite the rule alone, state a fact or two and miss none: no array is
        // built for what is already one.
        var because: [Fact] = []
        because.reserveCapacity(conclusion.facts.count + 1)
        because.append(Fact(path: "date", value: reasons.dateText, test: rule.inForce.words, holds: true))
        because.append(contentsOf: conclusion.facts)
        return Finding(rule: rule.id, title: rule.title, verdict: conclusion.verdict, category: rule.category,
                       citations: conclusion.citations,
                       message: render(rule.message, reasons: reasons, because: conclusion.facts),
                       because: because, missing: conclusion.missing, exemption: conclusion.exemption, status: rule.status)
    }

    /// ``judge(by:with:mayFire:)`` of a rule of the rulebook on a record's document, the
    /// finding written as JSON as it is judged (``Detail/json``): the finding returned
    /// holds those bytes, its reasons written nowhere else, with the rule's parts encoded
    /// once when its citations are the rule's own.
    /// With a `memo` (on a document), a record alike in the members the rule reads
    /// (``RuleBox/conclusionKey``) to one the memo has seen takes that record's conclusion and
    /// its JSON, its date and message written afresh; the bytes are the same.
    private func encode<Node: RecordNode>(by box: RuleBox, with reasons: Reasoner<Node>, memo: ConclusionMemo? = nil) -> Finding? {
        let rule = box.rule
        var out = reasons.findingBuffer.take()
        defer { reasons.findingBuffer.giveBack(out) }
        // Kept only for documents (the cast is decided when this is specialised).
        let root = reasons.root as? DocumentNode
        let memo = root == nil ? nil : memo
        if let memo, let root,
           let kept = memo.entry(for: box, of: root, date: reasons.truths.date, periodEnd: reasons.truths.periodEnd, members: keyMembers) {
            out.raw(kept.opening)
            out.raw(",\"message\":")
            let written = kept.message.map { pieces in
                box.conclusionKey.messageSlots.map { slots in
                    ConclusionMemo.writeMessage(pieces, slots: slots, root: root, periodEnd: reasons.truths.periodEnd, to: &out)
                } ?? false
            } ?? false
            if !written {
                render(rule.message, reasons: reasons, because: kept.facts) { out.quote(utf8: $0) }
            }
            out.raw(",\"because\":[")
            box.json.writeInForce(date: reasons.dateText, to: &out)
            out.raw(kept.reasons)
            return finding(by: box, verdict: kept.verdict, citations: kept.citations, encoded: out.take())
        }
        guard let conclusion = conclude(rule, with: reasons, mayFire: true, json: box.json, exemptionSlots: box.exemptionSlots) else {
            return nil
        }
        let ownCitations = conclusion.citations.count == rule.citations.count
        ResultJSON.writeOpening(ownCitations ? box.json : nil, rule: rule.id, title: rule.title, verdict: conclusion.verdict,
                                category: rule.category, status: rule.status, citations: conclusion.citations, to: &out)
        let openingEnd = out.written
        out.raw(",\"message\":")
        // Kept when this key was met before (most keys that come once never come again).
        let keeps = memo?.admits() == true
        // The message in pieces around its date placeholders, when nothing else in it varies
        // between records alike in the key: written from them, and kept.
        var message: [[UInt8]]?
        if keeps, let slots = box.conclusionKey.messageSlots, let root {
            var cuts: [Int] = []
            let pieces = render(rule.message, reasons: reasons, because: conclusion.facts, cut: { cuts.append($0) }) { text in
                ConclusionMemo.pieces(of: text, cutAt: cuts)
            }
            if ConclusionMemo.writeMessage(pieces, slots: slots, root: root, periodEnd: reasons.truths.periodEnd, to: &out) {
                message = pieces
            }
        }
        if message == nil {
            render(rule.message, reasons: reasons, because: conclusion.facts) { out.quote(utf8: $0) }
        }
        out.raw(",\"because\":[")
        box.json.writeInForce(date: reasons.dateText, to: &out)
        let reasonsStart = out.written
        ResultJSON.writeReasons(afterFirst: conclusion.facts, missing: conclusion.missing, exemption: conclusion.exemption, to: &out)
        out.raw("}")
        let citations = ownCitations ? nil : conclusion.citations
        if keeps, let memo {
            out.withBytes { bytes in
                memo.keep(for: box, verdict: conclusion.verdict, citations: citations, facts: conclusion.facts,
                          exemptionFacts: conclusion.exemption?.because ?? [], message: message,
                          opening: UnsafeBufferPointer(rebasing: bytes[..<openingEnd]),
                          reasons: UnsafeBufferPointer(rebasing: bytes[reasonsStart...]))
            }
        }
        return finding(by: box, verdict: conclusion.verdict, citations: citations, encoded: out.take())
    }

    /// A finding of the rule in `box` written as JSON (``Detail/json``): its rule and verdict,
    /// its citations (nil: the rule's own) and its bytes.
    private func finding(by box: RuleBox, verdict: Verdict, citations: [Citation]?, encoded: [UInt8]) -> Finding {
        let rule = box.rule
        var finding = citations.map { citations in
            Finding(rule: rule.id, title: rule.title, verdict: verdict, category: rule.category,
                    citations: citations, message: "", because: [], missing: [], exemption: nil, status: rule.status)
        } ?? box.finding(verdict)
        finding.encoded = encoded
        return finding
    }

    /// What a rule concludes about a record, before it is made a ``Finding`` or written:
    /// its verdict, its citations (the rule's, then any a screening match added), the facts
    /// that triggered it (after the fact that the rule was in force, which a finding lists
    /// first), the facts missing (each once) and the exemption shown.
    private struct Conclusion {
        let verdict: Verdict
        let citations: [Citation]
        let facts: [Fact]
        let missing: [MissingFact]
        let exemption: ExemptionNote?
    }

    /// What `rule` concludes about the record `reasons` evaluate, nil when its condition
    /// does not hold: see ``judge(by:with:mayFire:json:exemptionSlots:)``.
    private func conclude<Node: RecordNode>(_ rule: borrowing Rule, with reasons: Reasoner<Node>, mayFire: Bool,
                                            json: RuleJSON?, exemptionSlots: [Int?]) -> Conclusion? {
        // The fast path: most rules fail most records, and their reasons are never shown.
        guard mayFire || reasons.truths.truth(rule.program) != .no else { return nil }
        let evaluation = reasons.evaluate(rule.condition)
        if evaluation.truth == .no { return nil }

        // The exemptions considered come applied first: one that applies decides, else all
        // are undecided.
        let notes = exemptions(of: rule, reasons: reasons, json: json, slots: exemptionSlots)
        let applied = notes.first?.status == .applied ? notes.first : nil
        let undecided = applied == nil ? notes : []

        let verdict = Engine.verdict(rule, truth: evaluation.truth, applied: applied != nil, undecided: !undecided.isEmpty)
        var missing = evaluation.missing
        var exemption = applied
        if applied == nil {
            // The exemptions that might apply are what could still clear the record.
            for note in undecided { missing.append(adopting: note.missing) }
            exemption = undecided.first
        }
        let citations = evaluation.citations.isEmpty
            ? rule.citations : rule.citations + evaluation.citations.filter { !rule.citations.contains($0) }
        return Conclusion(verdict: verdict, citations: citations, facts: evaluation.facts,
                          missing: missing.count < 2 ? missing : unique(missing), exemption: exemption)
    }

    /// Whether `rule` covers the record's kind and is in force on its dates.
    private static func covers(_ rule: borrowing Rule, _ record: Record) -> Bool {
        rule.appliesTo.contains(record.kind) && rule.inForce.covers(start: record.date, end: record.periodEnd)
    }

    /// The verdict ``judge(_:by:)`` reaches for `rule`, which covers the
    /// record, without the reasons: nil when its condition fails.
    private func verdict<Node: RecordNode>(by box: RuleBox, with truths: TruthEvaluator<Node>) -> Verdict? {
        let truth = truths.truth(box.program)
        if truth == .no { return nil }
        let rule = box.rule
        var undecided = false
        switch Engine.windDownStatus(of: rule, date: truths.date, record: truths.root) {
        case .applied?: return .exempt
        case .undecided?: undecided = true
        case nil: break
        }
        for (exemption, slot) in zip(box.exemptionPrograms, box.exemptionSlots) {
            switch truths.truth(exemption, shared: slot) {
            case .yes: return .exempt
            case .unknown: undecided = true
            case .no: break
            }
        }
        return Engine.verdict(rule, truth: truth, applied: false, undecided: undecided)
    }

    /// A rule's verdict on a record whose condition is `truth` (yes or unknown), given
    /// whether an exemption applies and whether one that might is undecided.
    private static func verdict(_ rule: borrowing Rule, truth: Truth, applied: Bool, undecided: Bool) -> Verdict {
        if applied { return .exempt }
        if truth == .unknown || undecided { return rule.verdict == .notice ? .notice : .possibleViolation }
        return rule.verdict
    }

    /// Whether the rule's wind-down applies to the record (a contract concluded before the
    /// date it names, performed by its end), might (the contract date is not given or not a
    /// date), or does not (nil: no wind-down, past it, or a later contract).
    private static func windDownStatus<Node: RecordNode>(of rule: borrowing Rule, date: Day, record: Node) -> ExemptionNote.Status? {
        guard let windDown = rule.inForce.windDown, date <= windDown.until else { return nil }
        guard let text = record.member(static: "contract_date")?.stringValue, let day = Day(text) else { return .undecided }
        return day < windDown.contractsBefore ? .applied : nil
    }

    /// The citations of the rule's wind-down: its own, else the rule's first.
    static func windDownCitations(of rule: borrowing Rule) -> [Citation] {
        guard let windDown = rule.inForce.windDown, !windDown.citations.isEmpty else { return Array(rule.citations.prefix(1)) }
        return windDown.citations
    }

    /// The rule's exemptions that apply or might, in file order, the wind-down first (with
    /// their citations encoded from `json`, when given; `slots`, the shared slots of their
    /// conditions, when known).
    private func exemptions<Node: RecordNode>(of rule: borrowing Rule, reasons: Reasoner<Node>, json: RuleJSON?,
                                              slots: [Int?]) -> [ExemptionNote] {
        var notes: [ExemptionNote] = []
        let date = reasons.truths.date
        if let windDown = rule.inForce.windDown, let status = Engine.windDownStatus(of: rule, date: date, record: reasons.root) {
            let citations = Engine.windDownCitations(of: rule)
            let title = windDown.title
            let contract = reasons.root.member(static: "contract_date")
            switch status {
            case .applied:
                notes.append(ExemptionNote(id: "wind-down", title: title, citations: citations, status: .applied,
                    because: [Fact(path: "contract_date", value: contract?.displayText ?? "", test: "before \(windDown.contractsBefore)", holds: true),
                              Fact(path: "date", value: reasons.dateText, test: "on or before \(windDown.until)", holds: true)],
                    missing: [], citationsJSON: json?.windDownCitations))
            case .undecided:
                let need = contract == nil ? windDown.need
                    : "the wind-down ('\(contract?.displayText ?? "")' is not an ISO date)"
                notes.append(ExemptionNote(id: "wind-down", title: title, citations: citations, status: .undecided,
                                           because: [], missing: [MissingFact(path: "contract_date", need: need)],
                                           citationsJSON: json?.windDownCitations))
            }
        }
        for index in rule.exemptions.indices {
            // Most exemptions do not apply: their reasons are never shown (nor the exemption
            // copied out, a dozen references).
            let slot = index < slots.count ? slots[index] : nil
            if reasons.truths.truth(rule.exemptions[index].program, shared: slot) == .no { continue }
            let exemption = rule.exemptions[index]
            let evaluation = reasons.evaluate(exemption.condition)
            let citationsJSON = json?.exemptionCitations[index]
            switch evaluation.truth {
            case .no: continue
            case .yes:
                notes.append(ExemptionNote(id: exemption.id, title: exemption.title, citations: exemption.citations,
                                           status: .applied, because: evaluation.facts, missing: [], citationsJSON: citationsJSON))
            case .unknown:
                notes.append(ExemptionNote(id: exemption.id, title: exemption.title, citations: exemption.citations,
                                           status: .undecided, because: [],
                                           missing: evaluation.missing.map { MissingFact(path: $0.path, need: exemption.need($0.need)) },
                                           citationsJSON: citationsJSON))
            }
        }
        // An exemption that applies outranks those that might.
        guard notes.count > 1 else { return notes }
        return notes.filter { $0.status == .applied } + notes.filter { $0.status == .undecided }
    }

    /// The message, `{path}` placeholders filled, as a string.
    private func render<Node: RecordNode>(_ template: MessageTemplate, reasons: Reasoner<Node>, because: [Fact]) -> String {
        render(template, reasons: reasons, because: because) { String(decoding: $0, as: UTF8.self) }
    }

    /// Fills `{path}` placeholders, and calls `body` with the message's bytes (valid only
    /// inside it). Through a list, the element(s) the conditions matched are named;
    /// otherwise every element's value.
    ///
    /// With `cut`, a placeholder of the record's date or period end is left out, `cut`
    /// called with where it would have been written (``ConclusionMemo``'s message pieces).
    private func render<Node: RecordNode, Result>(_ template: MessageTemplate, reasons: Reasoner<Node>, because: [Fact],
                                                  cut: ((Int) -> Void)? = nil,
                                                  _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let root = reasons.root
        // The list elements the conditions matched, worked out when a placeholder needs them.
        var boundPrefixes: Set<String>?
        // Written as bytes and made a string once (appending to a string grows it piece by
        // piece), in the record's buffer for messages (one allocation for all its findings).
        var text = reasons.messageBuffer.take()
        defer { reasons.messageBuffer.giveBack(text) }
        template.text.withUnsafeBufferPointer { pieces in
            for part in template.parts {
                text.raw(bytes: UnsafeBufferPointer(rebasing: pieces[part.textBefore]))
                let path = part.field
                if path.special == .flow {
                    text.raw(string: because.first { $0.test.hasPrefix("flow ") }.map { String($0.test.dropFirst(5)) } ?? "(flow unknown)")
                    continue
                }
                if let cut, MessageSlot(path) != nil {
                    cut(text.written)
                    continue
                }
                if path.special == .periodEnd {
                    // A fact the record implies: its one value, which a document cannot hold.
                    text.raw(string: reasons.truths.periodEnd.description)
                    continue
                }
                // One value (most placeholders): it is the one to show, whatever the conditions
                // matched; counted without naming paths, which only several values need.
                var count = 0, only: Node?
                reasons.truths.visit(path, in: root, atRoot: true, fanOutLeaf: false) { value, _ in
                    count += 1
                    only = value
                    return count < 2
                }
                if count == 1 {
                    // A text's own bytes when it has them (a document's), else as shown.
                    if only?.withStringBytes({ text.raw(bytes: $0) }) == nil {
                        text.raw(string: only?.displayText ?? "(not given)")
                    }
                    continue
                }
                let candidates = reasons.resolve(path, in: Reasoner.Scope(value: root, prefix: ""), fanOutLeaf: false)
                let bound = boundPrefixes ?? Set(because.flatMap { Engine.listPrefixes(of: $0.path) })
                boundPrefixes = bound
                let matching = candidates.filter { candidate in
                    let prefixes = Engine.listPrefixes(of: candidate.path)
                    return !prefixes.isEmpty && prefixes.allSatisfy { prefix in
                        bound.contains(prefix) || !bound.contains { Engine.sameList(prefix, $0) }
                    }
                }
                let chosen = matching.isEmpty ? candidates : matching
                let values = chosen.compactMap { $0.value?.displayText }
                text.raw(string: values.isEmpty ? "(not given)" : values.joined(separator: ", "))
            }
            text.raw(bytes: UnsafeBufferPointer(rebasing: pieces[template.textAfter]))
        }
        return text.withBytes(body)
    }

    /// `goods[1].hs` → [`goods[1]`]; nested lists give one prefix per level.
    static func listPrefixes(of path: String) -> [String] {
        var prefixes: [String] = []
        var index = path.startIndex
        while let close = path[index...].firstIndex(of: "]") {
            prefixes.append(String(path[..<path.index(after: close)]))
            index = path.index(after: close)
        }
        return prefixes
    }

    /// Whether two element prefixes name elements of the same list (`goods[0]`, `goods[2]`).
    static func sameList(_ lhs: String, _ rhs: String) -> Bool {
        guard let left = lhs.lastIndex(of: "["), let right = rhs.lastIndex(of: "[") else { return false }
        return lhs[..<left] == rhs[..<right]
    }

    private func unique(_ facts: [MissingFact]) -> [MissingFact] {
        // Most findings miss a fact or two: compared pairwise, without hashing their texts.
        guard facts.count > 16 else {
            // Kept as they are when no two are the same (most often).
            guard let first = facts.indices.first(where: { position in facts[..<position].contains(facts[position]) }) else {
                return facts
            }
            var kept = Array(facts[..<first])
            kept.reserveCapacity(facts.count - 1)
            for fact in facts[(first + 1)...] where !kept.contains(fact) { kept.append(fact) }
            return kept
        }
        var seen: Set<MissingFact> = []
        return facts.filter { seen.insert($0).inserted }
    }
}
