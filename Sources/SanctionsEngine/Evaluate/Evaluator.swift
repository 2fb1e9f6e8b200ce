/// The evaluate stage on a record's ``Value``: a compiled ``Condition`` against one record,
/// in three-valued (Kleene) logic. A fact the record lacks makes its test `unknown`, never
/// false, and the result names it. The evaluation itself is a ``Reasoner``'s, which reads
/// any ``RecordNode``: the engine judges most records with one over their line's
/// ``Document``; the library's callers, `explain` and the tests with this one.
final class Evaluator {
    /// The reasoned evaluation of the record's value.
    let reasons: Reasoner<Value>
    /// The truth-only evaluation of the same record.
    var truths: TruthEvaluator<Value> { reasons.truths }
    /// The record's direction (`to_dprk`, `from_dprk`), worked out once.
    var directions: Directions { truths.directions }

    typealias Scope = Reasoner<Value>.Scope

    /// An evaluator of `record`, screening names through `cache` (`nil`: every name afresh);
    /// `directions` overrides the record's own (the rule index probes each direction pair
    /// with one record).
    init(record: Record, cache: ScreeningCache? = nil, directions: Directions? = nil) {
        reasons = Reasoner(TruthEvaluator(root: record.value, date: record.date, periodEnd: record.periodEnd, cache: cache,
                                          directions: directions))
    }

    /// The truth of `condition` on the record, without its reasons.
    func truth(_ condition: Condition) -> Truth { truths.truth(condition) }

    /// The truth of `condition` on the record with its reasons.
    func evaluate(_ condition: Condition) -> Evaluation { reasons.evaluate(condition) }

    /// ``evaluate(_:)`` with paths resolved in `scope`.
    func evaluate(_ condition: Condition, in scope: Scope) -> Evaluation { reasons.evaluate(condition, in: scope) }

    /// Evaluates `condition` keeping every node's result (``ConditionTrace``).
    func trace(_ condition: Condition) -> ConditionTrace { reasons.trace(condition) }

    /// Whether a record goes to or comes from the DPRK: what every `flow` test asks.
    struct Directions {
        let toDPRK: Truth
        let fromDPRK: Truth
    }

    /// Kleene "or" over evaluations computed one by one: the first that holds is the
    /// answer (with its facts and citations); else unknown with every missing fact; else no.
    static func disjunction<S: Sequence>(_ evaluations: S) -> Evaluation where S.Element == Evaluation {
        var falseFacts: [Fact] = []
        var missing: [MissingFact] = []
        var unknown = false
        for evaluation in evaluations {
            switch evaluation.truth {
            case .yes: return Evaluation(truth: .yes, facts: evaluation.facts, missing: [], citations: evaluation.citations)
            case .no: falseFacts.append(adopting: evaluation.facts)
            case .unknown:
                unknown = true
                missing.append(adopting: evaluation.missing)
            }
        }
        return unknown ? Evaluation(truth: .unknown, facts: [], missing: missing)
            : Evaluation(truth: .no, facts: falseFacts, missing: [])
    }
}

/// The reasoned evaluation of a condition on one record, read as any ``RecordNode`` (its
/// ``Value``, or its line's ``Document``): the truth, the facts that decided it and the
/// facts missing, each at its path (`goods[1].hs`). Decides every truth as
/// ``TruthEvaluator`` does (`FastPathTests`); on a document it names the same facts as on
/// the value (`DocumentTests`).
///
/// A class: the evaluation's closures (one per path walked) share it by reference (as a
/// value, each copied the record: a profile counted 77 copies per record), and it keeps
/// what it has worked out about the record for the next rule (its `flow` facts, its date
/// written out). One per record, used by one thread.
final class Reasoner<Node: RecordNode> {
    /// The truth-only evaluation of the same record: its root, dates, screening cache and
    /// direction.
    let truths: TruthEvaluator<Node>

    init(_ truths: TruthEvaluator<Node>) {
        self.truths = truths
    }

    /// The record.
    var root: Node { truths.root }

    /// The record's date as findings show it, written once for all of them.
    private(set) lazy var dateText = truths.date.description

    /// The bytes of a finding's message as it is filled in, and (``Engine/Detail/json``) of
    /// the finding as it is written: one buffer each (written as the result stream's encoder
    /// writes, without an array's checks), lent to each finding of the record in turn.
    // Checked for exclusive access when compiled (SE-0176): a reasoner belongs to one record
    // on one thread, and a buffer is taken and given back around its use, never overlapping.
    @exclusivity(unchecked) var messageBuffer = LentBuffer(capacity: 256)
    @exclusivity(unchecked) var findingBuffer = LentBuffer(capacity: 4_096)

    /// A buffer lent out empty and given back when done, so that the next use finds its room.
    struct LentBuffer {
        private var kept: JSONBytes?
        private let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
        }

        /// The buffer, empty (new, with room for `capacity` bytes, the first time).
        mutating func take() -> JSONBytes {
            guard var buffer = kept.take() else { return JSONBytes(capacity: capacity) }
            buffer.removeAll()
            return buffer
        }

        /// Gives the buffer ``take()`` lent back, for the next use.
        mutating func giveBack(_ buffer: JSONBytes) {
            kept = buffer
        }
    }

    /// Where paths are resolved: the record, or one list element inside `some`.
    struct Scope {
        let value: Node
        /// Concrete path of `value` (`""` for the record, `goods[1]` for an element).
        let prefix: String
        var atRecordRoot: Bool { prefix.isEmpty }
    }

    /// One value a path leads to, or the place where it is missing.
    struct Candidate {
        let path: String
        let value: Node?
        /// The object holding the value (for sibling `currency` and `unit`).
        let parent: Node?
    }

    func evaluate(_ condition: Condition) -> Evaluation {
        evaluate(condition, in: Scope(value: root, prefix: ""))
    }

    func evaluate(_ condition: Condition, in scope: Scope) -> Evaluation {
        switch condition {
        case .all(let children):
            var result = Evaluation.empty
            var unknown = false
            for child in children {
                let evaluation = evaluate(child, in: scope)
                switch evaluation.truth {
                case .no: return Evaluation(truth: .no, facts: evaluation.facts, missing: [])
                case .yes:
                    result.facts.append(adopting: evaluation.facts)
                    result.citations.append(adopting: evaluation.citations)
                case .unknown:
                    unknown = true
                    result.facts.append(adopting: evaluation.facts)
                    result.missing.append(adopting: evaluation.missing)
                }
            }
            if unknown { result.truth = .unknown }
            return result
        case .any(let children):
            return Evaluator.disjunction(children.lazy.map { self.evaluate($0, in: scope) })
        case .not(let child):
            let evaluation = evaluate(child, in: scope)
            return Evaluation(truth: evaluation.truth.negated, facts: evaluation.facts, missing: evaluation.missing)
        case .some(let path, let child):
            if scope.atRecordRoot, let implied = impliedEvaluation(condition, path) { return implied }
            if scope.atRecordRoot, path.special == .none, let place = place(of: path) {
                guard let element = place.value else { return Evaluation(truth: .unknown, facts: [], missing: path.someMissing) }
                return Evaluator.disjunction(CollectionOfOne(evaluate(child, in: Scope(value: element, prefix: path.description))))
            }
            return Evaluator.disjunction(resolve(path, in: scope, fanOutLeaf: true).lazy.map { candidate in
                guard let element = candidate.value else {
                    return Evaluation(truth: .unknown, facts: [],
                                      missing: [MissingFact(path: candidate.path, need: path.someNeed)])
                }
                return self.evaluate(child, in: Scope(value: element, prefix: candidate.path))
            })
        case .test(let test):
            if scope.atRecordRoot, let implied = impliedEvaluation(condition, test.path) { return implied }
            return evaluate(test, in: scope)
        case .screen(let path, let screening):
            if scope.atRecordRoot, let implied = impliedEvaluation(condition, path) { return implied }
            return screen(path, screening, in: scope)
        }
    }

    /// A condition on `period_end` (a fact the record implies, not a member it gives), when
    /// this kind of node cannot hold it: evaluated on a ``Value``, as
    /// ``TruthEvaluator`` decides its truth. Nil for any other path.
    private func impliedEvaluation(_ condition: Condition, _ path: FieldPath) -> Evaluation? {
        guard path.special == .periodEnd, Node.implied(.null) == nil else { return nil }
        let values = TruthEvaluator<Value>(root: .null, date: truths.date, periodEnd: truths.periodEnd, cache: truths.cache,
                                           directions: truths.directions)
        return Reasoner<Value>(values).evaluate(condition)
    }

    // MARK: Screening

    /// Screens every party or vessel at the path. An identifier or exact name match listed
    /// on or before the record's date holds; a fuzzy match is unknown (a person must confirm
    /// the identity); a listing after the record's date, or no match, does not hold. A path
    /// the record does not give names nobody to screen, so it does not hold.
    func screen(_ path: FieldPath, _ screening: Screening, in scope: Scope) -> Evaluation {
        var facts: [Fact] = []
        var noFacts: [Fact] = []
        var missing: [MissingFact] = []
        var citations: [Citation] = []
        let listTitle = screening.matcher.list.title
        for candidate in resolve(path, in: scope, fanOutLeaf: true) {
            guard let value = candidate.value, let (match, matchedName) = truths.bestMatch(for: value, screening) else { continue }
            let entry = match.entry
            let reference = entry.reference.map { " (\($0))" } ?? ""
            let listed = entry.listedOn.map { ", listed \($0)" } ?? ""
            let place = match.kind == .identifier ? candidate.path : candidate.path + (value.stringValue == nil ? ".name" : "")
            let shown = match.kind == .identifier ? match.matchedText : (matchedName?.stringValue ?? "")
            if match.listedAfterDate {
                noFacts.append(Fact(path: place, value: shown, test: "matches \(entry.name)\(reference) on \(listTitle), but it was listed only on \(entry.listedOn?.description ?? "?"), after this record", holds: false))
            } else if match.isExact {
                let how = match.kind == .identifier ? "identifier" : match.kind.rawValue.replacingUnderscores()
                facts.append(Fact(path: place, value: shown,
                                  test: screening.describe ?? "is \(entry.name)\(reference) on \(listTitle)\(listed) (\(how) match: \(match.matchedText))",
                                  holds: true))
                if let listing = entry.listing, !citations.contains(listing) { citations.append(listing) }
            } else {
                let score = (match.score * 100).rounded() / 100
                missing.append(MissingFact(path: place, need: "whether '\(shown)' is \(entry.name)\(reference) on \(listTitle)\(listed): name similarity \(score) to '\(match.matchedText)' (threshold \(screening.threshold))"))
            }
        }
        if !facts.isEmpty { return Evaluation(truth: .yes, facts: facts, missing: [], citations: citations) }
        if !missing.isEmpty { return Evaluation(truth: .unknown, facts: [], missing: missing) }
        return Evaluation(truth: .no, facts: noFacts, missing: [])
    }

    // MARK: Field tests

    func evaluate(_ test: FieldTest, in scope: Scope) -> Evaluation {
        if scope.atRecordRoot, test.path.special == .flow { return flow(test) }
        // Most paths meet no list: the one place they lead to is judged without listing
        // candidates.
        if scope.atRecordRoot, test.path.special == .none, let place = place(of: test.path) {
            return evaluate(test, at: place.value, parent: place.parent)
        }
        let candidates = resolve(test.path, in: scope, fanOutLeaf: true)
        let words = test.need
        switch test.quick.kind {
        case .exists, .missing:
            let present = candidates.filter { $0.value != nil }
            let exists = !present.isEmpty
            let holds = (test.quick.kind == .exists) == exists
            let facts = exists
                ? present.prefix(3).map { Fact(path: $0.path, value: $0.value?.displayText ?? "", test: "is given", holds: true) }
                : [Fact(path: candidates.first?.path ?? Evaluator.join(scope.prefix, test.path.description), value: "(not given)", test: "is given", holds: false)]
            return Evaluation(truth: Truth(holds), facts: facts, missing: [])
        default:
            break
        }
        var yesFacts: [Fact] = []
        var noFacts: [Fact] = []
        var missing: [MissingFact] = []
        for candidate in candidates {
            guard let value = candidate.value else {
                missing.append(MissingFact(path: candidate.path, need: words))
                continue
            }
            let (truth, reason) = judge(test, value, parent: candidate.parent)
            let fact = Fact(path: candidate.path, value: value.displayText, test: test.words, holds: truth == .yes)
            switch truth {
            case .yes: yesFacts.append(fact)
            case .no: noFacts.append(fact)
            case .unknown: missing.append(MissingFact(path: candidate.path, need: Reasoner.need(test, reason)))
            }
        }
        if !yesFacts.isEmpty { return Evaluation(truth: .yes, facts: yesFacts, missing: []) }
        if !missing.isEmpty { return Evaluation(truth: .unknown, facts: [], missing: missing) }
        if candidates.isEmpty {
            let place = Evaluator.join(scope.prefix, test.path.description)
            return Evaluation(truth: .no, facts: [Fact(path: place, value: "(none)", test: words, holds: false)], missing: [])
        }
        return Evaluation(truth: .no, facts: noFacts, missing: [])
    }

    /// ``evaluate(_:in:)`` of a test whose path leads to one place from the record's root,
    /// named by the path as written: `value` there (nil when absent), held by `parent`.
    private func evaluate(_ test: FieldTest, at value: Node?, parent: Node?) -> Evaluation {
        switch test.quick.kind {
        case .exists, .missing:
            let exists = value != nil
            let fact = Fact(path: test.path.description, value: value?.displayText ?? "(not given)", test: "is given", holds: exists)
            return Evaluation(truth: Truth((test.quick.kind == .exists) == exists), facts: [fact], missing: [])
        default:
            break
        }
        guard let value else {
            // The fact is the test's own, encoded once.
            return Evaluation(truth: .unknown, facts: [], missing: test.missing)
        }
        let (truth, reason) = judge(test, value, parent: parent)
        guard truth != .unknown else {
            return Evaluation(truth: .unknown, facts: [], missing: [MissingFact(path: test.path.description, need: Reasoner.need(test, reason))])
        }
        return Evaluation(truth: truth, facts: [Fact(path: test.path.description, value: value.displayText, test: test.words, holds: truth == .yes)],
                          missing: [])
    }

    /// The test's truth on one present value, held by `parent`: the quick test's when it
    /// settles one, else the full check's, with the reason an unknown has to give.
    private func judge(_ test: FieldTest, _ value: Node, parent: Node?) -> (Truth, String?) {
        value.quickCheck(test).flatMap { $0 == .unknown ? nil : ($0, nil) } ?? Evaluator.check(test.test, value.value, parent: parent)
    }

    /// What a value the test cannot judge is needed for: its words, and why when there is a reason.
    private static func need(_ test: FieldTest, _ reason: String?) -> String {
        reason.map { "\(test.need) (\($0))" } ?? test.need
    }

    // MARK: Paths

    /// The one place `path` leads to from the record's root when its walk meets no list (nor
    /// a list at its end, which fans out): the value there (nil when it is absent) and the
    /// object holding it, what ``resolve(_:in:fanOutLeaf:)`` would give alone, at the path
    /// as written, without a list of candidates. Nil when the walk meets a list.
    func place(of path: FieldPath) -> (value: Node?, parent: Node?)? {
        var node = root, parent: Node?
        for component in path.components {
            if node.isArray { return nil }
            guard node.isObject else { return (nil, nil) }
            guard let child = node.member(component) else { return (nil, node) }
            parent = node
            node = child
        }
        return node.isArray ? nil : (node, parent)
    }

    /// Every value the path leads to. Lists fan out (one candidate per element); a member
    /// that is absent yields a candidate with no value at the place it would be.
    func resolve(_ path: FieldPath, in scope: Scope, fanOutLeaf: Bool) -> [Candidate] {
        var result: [Candidate] = []
        if scope.atRecordRoot {
            switch path.special {
            case .periodEnd:
                // A node that cannot hold it has its conditions on `period_end` evaluated on a
                // value (``impliedEvaluation(_:_:)``) before a path is resolved.
                return [Candidate(path: "period_end", value: Node.implied(.string(truths.periodEnd.description)), parent: nil)]
            case .origin where root.member(static: "origin") == nil:
                return resolve(.from, in: scope, fanOutLeaf: fanOutLeaf)
                    .map { Candidate(path: "origin (from)", value: $0.value, parent: $0.parent) }
            case .endUser where root.member(static: "end_user") == nil:
                return resolve(.to, in: scope, fanOutLeaf: fanOutLeaf)
                    .map { Candidate(path: "end_user (to)", value: $0.value, parent: $0.parent) }
            default: break
            }
        }
        // From the record's root, the walk names no place until it meets a list.
        Reasoner.walk(path, level: 0, scope.value, scope.atRecordRoot ? nil : scope.prefix, parent: nil, fanOutLeaf: fanOutLeaf,
                      into: &result)
        return result
    }

    /// Appends the candidates `path` leads to from its `level`th component on, from `node`
    /// at `prefix`; a nil `prefix` stands for the path's own components before `level`
    /// (a walk from the record's root that has met no list), written only where a list
    /// makes it differ: most paths are named as the rule writes them, with no text joined.
    static func walk(_ path: FieldPath, level: Int, _ node: Node, _ prefix: String?, parent: Node?,
                     fanOutLeaf: Bool, into result: inout [Candidate]) {
        let components = path.components
        guard level < components.count else {
            if fanOutLeaf, node.isArray {
                let place = prefix ?? path.description
                var index = 0
                _ = node.forEachElement { element in
                    result.append(Candidate(path: "\(place)[\(index)]", value: element, parent: parent))
                    index += 1
                    return true
                }
            } else {
                result.append(Candidate(path: prefix ?? path.description, value: node, parent: parent))
            }
            return
        }
        if node.isArray {
            let place = prefix ?? path.prefix(upTo: level)
            var index = 0
            _ = node.forEachElement { element in
                walk(path, level: level, element, "\(place)[\(index)]", parent: parent, fanOutLeaf: fanOutLeaf, into: &result)
                index += 1
                return true
            }
        } else if node.isObject {
            let head = components[level]
            if let child = node.member(head) {
                walk(path, level: level + 1, child, prefix.map { Evaluator.join($0, head) }, parent: node, fanOutLeaf: fanOutLeaf,
                     into: &result)
            } else {
                result.append(Candidate(path: prefix.map { Evaluator.join($0, path.suffix(from: level)) } ?? path.description,
                                        value: nil, parent: node))
            }
        } else {
            result.append(Candidate(path: prefix.map { Evaluator.join($0, path.suffix(from: level)) } ?? path.description,
                                    value: nil, parent: nil))
        }
    }

    // MARK: Derived facts

    /// `flow`: `to_dprk` when `to`, `end_user` or a `via` leg is KP; `from_dprk` when
    /// `from` or `origin` is KP. Unknown when the countries that would decide it are missing.
    func flow(_ test: FieldTest) -> Evaluation {
        guard let negate = test.flow?.negated else {
            return Evaluation(truth: .unknown, facts: [], missing: [MissingFact(path: "flow", need: "flow takes equals, in or not_in")])
        }
        // Most tests name one direction: its evaluation is the test's, with nothing joined.
        if test.flowDirections.count == 1 {
            let evaluation = flowDirection(test.flowDirections[0])
            guard evaluation.truth != .unknown else {
                return Evaluation(truth: .unknown, facts: [], missing: flowMissing(evaluation.missing, test))
            }
            return Evaluation(truth: negate ? evaluation.truth.negated : evaluation.truth, facts: evaluation.facts, missing: [])
        }
        var facts: [Fact] = []
        var missing: [MissingFact] = []
        var truth = Truth.no
        for direction in test.flowDirections {
            let evaluation = flowDirection(direction)
            switch evaluation.truth {
            case .yes: truth = .yes; facts.append(adopting: evaluation.facts)
            case .unknown: if truth != .yes { truth = .unknown }; missing.append(adopting: evaluation.missing)
            case .no: facts.append(adopting: evaluation.facts)
            }
        }
        if negate { truth = truth.negated }
        guard truth == .unknown else { return Evaluation(truth: truth, facts: facts, missing: []) }
        return Evaluation(truth: .unknown, facts: [], missing: flowMissing(missing, test))
    }

    /// What the `flow` test misses, for the facts its directions miss (at `to` or `from`,
    /// the members that decide a direction): the test's own list made once when it is one
    /// of those, else each fact needed for the test.
    private func flowMissing(_ missing: [MissingFact], _ test: FieldTest) -> [MissingFact] {
        if missing.count == 1 {
            if missing[0].path == "to" { return test.flowMissing.to }
            if missing[0].path == "from" { return test.flowMissing.from }
        }
        return missing.flatMap { fact in
            fact.path == "to" ? test.flowMissing.to : (fact.path == "from" ? test.flowMissing.from : [MissingFact(path: fact.path, need: test.flowNeed)])
        }
    }

    /// Each direction's evaluation, once worked out: the record's rules ask the same two.
    private var flowToDPRK: Evaluation?
    private var flowFromDPRK: Evaluation?

    private func flowDirection(_ direction: FlowDirection) -> Evaluation {
        switch direction {
        case .toDPRK:
            if let flowToDPRK { return flowToDPRK }
            let evaluation = evaluateDirection("to_dprk")
            flowToDPRK = evaluation
            return evaluation
        case .fromDPRK:
            if let flowFromDPRK { return flowFromDPRK }
            let evaluation = evaluateDirection("from_dprk")
            flowFromDPRK = evaluation
            return evaluation
        case .other:
            return Evaluation(truth: .no, facts: [], missing: [])
        }
    }

    private func evaluateDirection(_ direction: String) -> Evaluation {
        let root = self.root
        func country(_ key: String) -> String? { root.member(key)?.stringValue?.uppercased() }
        let fields: [(String, String?)]
        switch direction {
        case "to_dprk":
            var via: [String] = []
            if let legs = root.member(static: "via"), legs.isArray {
                _ = legs.forEachElement { leg in
                    if let code = leg.stringValue { via.append(code.uppercased()) }
                    return true
                }
            }
            if let index = via.firstIndex(of: "KP") {
                return Evaluation(truth: .yes, facts: [Fact(path: "via[\(index)]", value: "KP", test: "flow to_dprk", holds: true)], missing: [])
            }
            fields = [("to", country("to")), ("end_user", country("end_user") ?? country("to"))]
        case "from_dprk":
            fields = [("from", country("from")), ("origin", country("origin") ?? country("from"))]
        default:
            return Evaluation(truth: .no, facts: [], missing: [])
        }
        for (name, code) in fields where code == "KP" {
            return Evaluation(truth: .yes, facts: [Fact(path: name, value: "KP", test: "flow \(direction)", holds: true)], missing: [])
        }
        // end_user defaults to `to` and origin to `from`: without the base field, the
        // direction cannot be ruled out.
        if fields[0].1 == nil {
            return Evaluation(truth: .unknown, facts: [], missing: [MissingFact(path: fields[0].0, need: "flow \(direction)")])
        }
        let shown = fields.map { Fact(path: $0.0, value: $0.1 ?? "(not given)", test: "flow \(direction)", holds: false) }
        return Evaluation(truth: .no, facts: shown, missing: [])
    }

}

extension Evaluator {
    /// Tests one present value. Returns `unknown` with a reason when the value cannot be
    /// judged (text where a number is needed, a value in another currency …).
    static func check<Node: RecordNode>(_ test: Operator, _ value: Value, parent: Node?) -> (Truth, String?) {
        switch test {
        case .equals(let expected):
            return (Truth(Evaluator.same(value, expected)), nil)
        case .isIn(let choices):
            return (Truth(choices.contains { Evaluator.same(value, $0) }), nil)
        case .notIn(let choices):
            return (Truth(!choices.contains { Evaluator.same(value, $0) }), nil)
        case .hs(let scope, _):
            guard let code = HSScope.digits(value) else {
                return (.unknown, "'\(value.displayText)' is not an HS code")
            }
            let truth = scope.contains(value: code.value, length: code.length)
            return (truth, truth == .unknown ? "HS \(HSScope.normalize(value) ?? value.displayText) is too general to tell: a more precise code is needed" : nil)
        case .compare(let comparison, let measure):
            guard case .number(let number) = value else {
                return (.unknown, "'\(value.displayText)' is not a number")
            }
            switch measure {
            case .number(let threshold):
                return (Truth(comparison.holds(number, threshold)), nil)
            case .money(let threshold, let currency):
                let given = parent?.member("currency")?.stringValue?.uppercased() ?? "USD"
                guard given == currency else {
                    return (.unknown, "the value is in \(given); the threshold is in \(currency) and the engine does not convert currencies")
                }
                return (Truth(comparison.holds(number, threshold)), nil)
            case .quantity(let threshold, let unit):
                guard let given = parent?.member("unit")?.stringValue else { return (.unknown, "the quantity has no unit") }
                guard let factor = Units.factor(from: given, to: unit) else {
                    return (.unknown, "the quantity is in \(given), which does not convert to \(unit)")
                }
                return (Truth(comparison.holds(number * factor, threshold)), nil)
            }
        case .date(let comparison, let day):
            guard let text = value.stringValue, let given = Day(text) else {
                return (.unknown, "'\(value.displayText)' is not an ISO date")
            }
            return (Truth(comparison.holds(given, day)), nil)
        case .contains(let needle):
            guard case .string(let text) = value else { return (.no, nil) }
            return (Truth(text.lowercased().contains(needle.lowercased())), nil)
        case .matches(let pattern):
            guard case .string(let text) = value else { return (.no, nil) }
            return (Truth(pattern.matches(text)), nil)
        case .inList(let list):
            return (Truth(list.entry(matching: value.displayText) != nil), nil)
        case .exists, .missing:
            return (.yes, nil)
        }
    }

    /// Scalars compare as text, ignoring case: `KP` equals `kp`, `8703` equals `"8703"`.
    static func same(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.array, _), (.object, _), (_, .array), (_, .object): return false
        default: return lhs.displayText.lowercased() == rhs.displayText.lowercased()
        }
    }

    static func join(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }


    // MARK: Words

    static func words(_ test: Operator) -> String {
        switch test {
        case .equals(let value): return "is \(value.displayText)"
        case .isIn(let values): return "is one of \(values.map(\.displayText).joined(separator: ", "))"
        case .notIn(let values): return "is none of \(values.map(\.displayText).joined(separator: ", "))"
        case .hs(_, let label): return "in HS \(label)"
        case .compare(let comparison, let measure): return "\(comparison.words) \(measure)"
        case .date(let comparison, let day): return "\(comparison.words) \(day)"
        case .exists: return "is given"
        case .missing: return "is not given"
        case .contains(let text): return "contains '\(text)'"
        case .matches(let pattern): return "matches /\(pattern.source)/"
        case .inList(let list): return "is in the list \(list.title)"
        }
    }
}

extension String {
    /// `former_name` → `former name`.
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}

extension Evaluator.Directions {
    /// The direction of a record (its value, or its document).
    init<Node: RecordNode>(of root: Node) {
        self.init(toDPRK: TruthEvaluator.toDPRK(root), fromDPRK: TruthEvaluator.fromDPRK(root))
    }
}
