/// The facts a condition lacks, named as ``Evaluator/evaluate(_:in:)`` names them, read on
/// any ``RecordNode`` (a ``DocumentNode`` above all): what a cap needs of a supply whose
/// conditions are unknown, without parsing the record into a value.
///
/// It covers the conditions caps are written with: `all`, `any`, `not`, `some`, a test of a
/// member path, and `flow`. For anything else it answers nil and the caller evaluates the
/// record's value: a screening, a path the engine treats apart (`period_end`, `origin`,
/// `end_user`), and a value present but of the wrong kind for its test (the reason is the
/// reasoned check's to give). `DocumentTests` checks that the caps' supplies worked out with
/// it are those worked out on values.
extension TruthEvaluator {
    /// The truth of `condition` and, when it is unknown, the facts it lacks, in
    /// ``Evaluator/evaluate(_:in:)``'s order and words; paths resolved from `node` (the
    /// record when `atRoot`), named from `prefix` (`""` at the record, `goods[1]` in an
    /// item). Nil when they cannot be named here (see above).
    func missingFacts(_ condition: Condition, in node: Node, atRoot: Bool, prefix: String) -> (truth: Truth, missing: [MissingFact])? {
        switch condition {
        case .all(let children):
            return Self.combine(children.lazy.map { self.missingFacts($0, in: node, atRoot: atRoot, prefix: prefix) }, decidedBy: .no)
        case .any(let children):
            return Self.combine(children.lazy.map { self.missingFacts($0, in: node, atRoot: atRoot, prefix: prefix) }, decidedBy: .yes)
        case .not(let child):
            guard let evaluation = missingFacts(child, in: node, atRoot: atRoot, prefix: prefix) else { return nil }
            return (evaluation.truth.negated, evaluation.missing)
        case .some(let path, let child):
            guard !atRoot || path.special == .none else { return nil }
            let elements = candidates(path, in: node, prefix: prefix).lazy.map { candidate -> (truth: Truth, missing: [MissingFact])? in
                guard let element = candidate.node else {
                    return (.unknown, [MissingFact(path: candidate.path, need: "whether any \(path) entry qualifies")])
                }
                return self.missingFacts(child, in: element, atRoot: false, prefix: candidate.path)
            }
            return Self.combine(elements, decidedBy: .yes)
        case .test(let test):
            if atRoot, test.path.special == .flow { return flowMissingFacts(test) }
            guard !atRoot || test.path.special == .none else { return nil }
            return missingFacts(test, in: node, prefix: prefix)
        case .screen:
            return nil
        }
    }

    /// Kleene "and" (`decidedBy` no) or "or" (`decidedBy` yes) over evaluations made one by
    /// one, as ``Evaluator`` combines them: the first that is `decidedBy` decides, with no
    /// missing facts; else unknown with every missing fact in order; else the other truth.
    /// Nil as soon as one cannot be named.
    private static func combine<Evaluations: Sequence>(_ evaluations: Evaluations, decidedBy decisive: Truth)
        -> (truth: Truth, missing: [MissingFact])? where Evaluations.Element == (truth: Truth, missing: [MissingFact])? {
        var missing: [MissingFact] = []
        var unknown = false
        for evaluation in evaluations {
            guard let evaluation else { return nil }
            if evaluation.truth == decisive { return (decisive, []) }
            if evaluation.truth == .unknown {
                unknown = true
                missing += evaluation.missing
            }
        }
        return unknown ? (.unknown, missing) : (decisive.negated, [])
    }

    /// ``Evaluator/evaluate(_:in:)`` of one test, its truth and missing facts alone.
    private func missingFacts(_ test: FieldTest, in node: Node, prefix: String) -> (truth: Truth, missing: [MissingFact])? {
        let found = candidates(test.path, in: node, prefix: prefix)
        switch test.quick.kind {
        case .exists, .missing:
            return (Truth((test.quick.kind == .exists) == found.contains { $0.node != nil }), [])
        default:
            break
        }
        let words = test.need
        var holds = false
        var missing: [MissingFact] = []
        for candidate in found {
            guard let value = candidate.node else {
                missing.append(MissingFact(path: candidate.path, need: words))
                continue
            }
            switch value.quickCheck(test) ?? Evaluator.check(test.test, value.value, parent: candidate.parent).0 {
            case .yes: holds = true
            case .no: break
            // Why it is unknown is the reasoned check's to say, from the value.
            case .unknown: return nil
            }
        }
        if holds { return (.yes, []) }
        return missing.isEmpty ? (.no, []) : (.unknown, missing)
    }

    /// ``Evaluator/flow(_:)``'s truth and missing facts, from the record's directions.
    private func flowMissingFacts(_ test: FieldTest) -> (truth: Truth, missing: [MissingFact])? {
        guard let negate = test.flow?.negated else { return nil }
        var truth = Truth.no
        var places: [String] = []
        for direction in test.flowDirections {
            let (found, place): (Truth, String) = switch direction.lowercased {
            case "to_dprk": (directions.toDPRK, "to")
            case "from_dprk": (directions.fromDPRK, "from")
            default: (.no, "")
            }
            switch found {
            case .yes: truth = .yes
            case .unknown:
                if truth != .yes { truth = .unknown }
                places.append(place)
            case .no: break
            }
        }
        if negate { truth = truth.negated }
        guard truth == .unknown else { return (truth, []) }
        return (.unknown, places.map { MissingFact(path: $0, need: test.flowNeed) })
    }

    /// Every value `path` leads to from `node`, with its path named from `prefix`, as
    /// ``Evaluator/resolve(_:in:fanOutLeaf:)`` finds and names them (lists fan out, the
    /// last one too; an absent member is a candidate without a node at the place it would be).
    private func candidates(_ path: FieldPath, in node: Node, prefix: String) -> [(path: String, node: Node?, parent: Node?)] {
        var found: [(path: String, node: Node?, parent: Node?)] = []
        func walk(_ components: ArraySlice<String>, _ node: Node, _ prefix: String, parent: Node?) {
            guard let head = components.first else {
                if node.isArray {
                    var index = 0
                    _ = node.forEachElement { element in
                        found.append(("\(prefix)[\(index)]", element, parent))
                        index += 1
                        return true
                    }
                } else {
                    found.append((prefix, node, parent))
                }
                return
            }
            if node.isArray {
                var index = 0
                _ = node.forEachElement { element in
                    walk(components, element, "\(prefix)[\(index)]", parent: parent)
                    index += 1
                    return true
                }
            } else if node.isObject {
                if let child = node.member(head) {
                    walk(components.dropFirst(), child, Evaluator.join(prefix, head), parent: node)
                } else {
                    found.append((Evaluator.join(prefix, components.joined(separator: ".")), nil, node))
                }
            } else {
                found.append((Evaluator.join(prefix, components.joined(separator: ".")), nil, nil))
            }
        }
        walk(path.components[...], node, prefix, parent: nil)
        return found
    }
}
