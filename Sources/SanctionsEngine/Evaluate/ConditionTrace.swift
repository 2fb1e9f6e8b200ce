/// A condition evaluated node by node, for `sanctions explain`: each part of the rule's
/// condition with its truth, the rule's test in words, and the record's values beside it.
/// The truths are those ``Evaluator`` gives (Kleene), so the trace explains the verdict.
public struct ConditionTrace: Sendable {
    /// The form of the node: a combinator, one element inside `some`, or a leaf test.
    public enum Kind: String, Sendable {
        case all, any, not, some, element, test, screen
    }

    public let kind: Kind
    /// The node's Kleene truth for this record.
    public let truth: Truth
    /// What the rule asks, in words: `goods.hs in HS coal`, `some goods where`, `goods[1]`.
    public let label: String
    /// The record's values the test looked at (leaves only).
    public let facts: [Fact]
    /// The facts the record lacks that would decide it (leaves only).
    public let missing: [MissingFact]
    /// The parts of a combinator, or the elements of a `some`.
    public let children: [ConditionTrace]

    /// The leaves whose truth decided this node's: for `no`, the tests that failed; for
    /// `unknown`, those that could not be decided; for `yes`, those that held.
    public var deciding: [ConditionTrace] {
        switch kind {
        case .test, .screen: return [self]
        case .not: return children.flatMap(\.deciding)
        default: return children.filter { $0.truth == truth }.flatMap(\.deciding)
        }
    }
}

extension Reasoner {
    /// Evaluates `condition` keeping every node's result.
    func trace(_ condition: Condition) -> ConditionTrace {
        trace(condition, in: Scope(value: root, prefix: ""))
    }

    func trace(_ condition: Condition, in scope: Scope) -> ConditionTrace {
        switch condition {
        case .all(let children):
            let traced = children.map { trace($0, in: scope) }
            let truth: Truth = traced.contains { $0.truth == .no } ? .no : traced.allSatisfy { $0.truth == .yes } ? .yes : .unknown
            return ConditionTrace(kind: .all, truth: truth, label: "all of", facts: [], missing: [], children: traced)
        case .any(let children):
            let traced = children.map { trace($0, in: scope) }
            return ConditionTrace(kind: .any, truth: Reasoner.or(traced.map(\.truth)), label: "any of", facts: [], missing: [], children: traced)
        case .not(let child):
            let traced = trace(child, in: scope)
            return ConditionTrace(kind: .not, truth: traced.truth.negated, label: "not", facts: [], missing: [], children: [traced])
        case .some(let path, let child):
            let elements = resolve(path, in: scope, fanOutLeaf: true).map { candidate -> ConditionTrace in
                guard let element = candidate.value else {
                    return ConditionTrace(kind: .element, truth: .unknown, label: candidate.path, facts: [],
                                          missing: [MissingFact(path: candidate.path, need: path.someNeed)], children: [])
                }
                let traced = trace(child, in: Scope(value: element, prefix: candidate.path))
                return ConditionTrace(kind: .element, truth: traced.truth, label: candidate.path, facts: [], missing: [], children: [traced])
            }
            return ConditionTrace(kind: .some, truth: Reasoner.or(elements.map(\.truth)),
                                  label: "some \(Evaluator.join(scope.prefix, path.description)) where", facts: [], missing: [],
                                  children: elements)
        case .test(let test):
            let evaluation = evaluate(test, in: scope)
            let label = test.describe.map { "\($0) (\(test.path) \(Evaluator.words(test.test)))" }
                ?? "\(test.path) \(Evaluator.words(test.test))"
            return ConditionTrace(kind: .test, truth: evaluation.truth, label: label, facts: evaluation.facts,
                                  missing: evaluation.missing, children: [])
        case .screen(let path, let screening):
            let evaluation = screen(path, screening, in: scope)
            let label = screening.describe ?? "\(path) screened against \(screening.matcher.list.title) (threshold \(screening.threshold))"
            return ConditionTrace(kind: .screen, truth: evaluation.truth, label: label, facts: evaluation.facts,
                                  missing: evaluation.missing, children: [])
        }
    }

    /// Kleene "or".
    private static func or(_ truths: [Truth]) -> Truth {
        truths.contains(.yes) ? .yes : truths.contains(.unknown) ? .unknown : .no
    }
}
