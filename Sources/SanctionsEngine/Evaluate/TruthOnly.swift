/// The fast path of the evaluate stage: the truth of a condition alone, decided exactly as
/// ``Evaluator/evaluate(_:in:)`` decides it but without building the facts, paths and
/// missing-fact texts a finding shows.
///
/// Most records meet most rules only to fail them (a shipment that is neither to nor from
/// the DPRK fails every goods rule on its first condition). The engine asks this first and
/// builds the reasoned evaluation only for a rule whose condition holds or is unknown, so the
/// reasons are never built for a rule that does not fire. `TruthOnlyTests` checks, rule by
/// rule and record by record, that both paths agree.
extension Evaluator {
    /// The truth of `condition` on the record.
    func truth(_ condition: Condition) -> Truth {
        truth(condition, in: record.value, atRoot: true)
    }

    /// The truth of `condition` with paths resolved from `value` (the record when `atRoot`,
    /// else one list element inside `some`).
    func truth(_ condition: Condition, in value: Value, atRoot: Bool) -> Truth {
        switch condition {
        case .all(let children):
            var result = Truth.yes
            for child in children {
                switch truth(child, in: value, atRoot: atRoot) {
                case .no: return .no
                case .unknown: result = .unknown
                case .yes: break
                }
            }
            return result
        case .any(let children):
            var result = Truth.no
            for child in children {
                switch truth(child, in: value, atRoot: atRoot) {
                case .yes: return .yes
                case .unknown: result = .unknown
                case .no: break
                }
            }
            return result
        case .not(let child):
            return truth(child, in: value, atRoot: atRoot).negated
        case .some(let path, let child):
            var result = Truth.no
            visit(path, in: value, atRoot: atRoot, fanOutLeaf: true) { element, _ in
                guard let element else {
                    result = .unknown
                    return true
                }
                switch truth(child, in: element, atRoot: false) {
                case .yes:
                    result = .yes
                    return false
                case .unknown: result = .unknown
                case .no: break
                }
                return true
            }
            return result
        case .test(let test):
            return truth(test, in: value, atRoot: atRoot)
        case .screen(let path, let screening):
            var result = Truth.no
            visit(path, in: value, atRoot: atRoot, fanOutLeaf: true) { party, _ in
                guard let party, let (match, _) = bestMatch(for: party, screening) else { return true }
                if match.listedAfterDate { return true }
                if match.isExact {
                    result = .yes
                    return false
                }
                result = .unknown
                return true
            }
            return result
        }
    }

    private func truth(_ test: FieldTest, in value: Value, atRoot: Bool) -> Truth {
        if atRoot, test.path.components.count == 1, test.path.components[0] == "flow" { return flowTruth(test.test) }
        switch test.test {
        case .exists, .missing:
            var present = false
            visit(test.path, in: value, atRoot: atRoot, fanOutLeaf: true) { found, _ in
                if found != nil { present = true }
                return !present
            }
            return Truth((test.test == .exists) == present)
        default:
            var result = Truth.no
            visit(test.path, in: value, atRoot: atRoot, fanOutLeaf: true) { found, parent in
                guard let found else {
                    result = .unknown
                    return true
                }
                switch check(test.test, found, parent: parent).0 {
                case .yes:
                    result = .yes
                    return false
                case .unknown: result = .unknown
                case .no: break
                }
                return true
            }
            return result
        }
    }

    /// The truth of a `flow` test: ``flow(_:)`` without its facts.
    private func flowTruth(_ test: Operator) -> Truth {
        let wanted: [Value]
        var negate = false
        switch test {
        case .equals(let value): wanted = [value]
        case .isIn(let values): wanted = values
        case .notIn(let values): wanted = values; negate = true
        default: return .unknown
        }
        var truth = Truth.no
        for direction in wanted {
            let text = direction.displayText
            let answer: Truth
            if Evaluator.equalsIgnoringCase(text, "to_dprk") {
                answer = directions.toDPRK
            } else if Evaluator.equalsIgnoringCase(text, "from_dprk") {
                answer = directions.fromDPRK
            } else {
                answer = .no
            }
            switch answer {
            case .yes: truth = .yes
            case .unknown: if truth != .yes { truth = .unknown }
            case .no: break
            }
        }
        return negate ? truth.negated : truth
    }

    /// Whether the record goes to the DPRK: `to`, `end_user` or a `via` leg is KP;
    /// unknown without `to`.
    static func toDPRK(_ value: Value) -> Truth {
        if let via = value["via"]?.arrayValue, via.contains(where: { Evaluator.isKP($0) }) { return .yes }
        let to = value["to"]?.stringValue
        if let to, Evaluator.isKP(to) { return .yes }
        if let endUser = value["end_user"]?.stringValue { if Evaluator.isKP(endUser) { return .yes } }
        return to == nil ? .unknown : .no
    }

    /// Whether the record comes from the DPRK: `from` or `origin` is KP; unknown without `from`.
    static func fromDPRK(_ value: Value) -> Truth {
        let from = value["from"]?.stringValue
        if let from, Evaluator.isKP(from) { return .yes }
        if let origin = value["origin"]?.stringValue { if Evaluator.isKP(origin) { return .yes } }
        return from == nil ? .unknown : .no
    }

    private static func isKP(_ value: Value) -> Bool {
        guard case .string(let text) = value else { return false }
        return isKP(text)
    }

    /// `text.uppercased() == "KP"`, as ``flow(_:)`` compares, without allocating for ASCII.
    static func isKP(_ text: String) -> Bool {
        let utf8 = text.utf8
        if utf8.contains(where: { $0 >= 0x80 }) { return text.uppercased() == "KP" }
        guard utf8.count == 2, let first = utf8.first, let last = utf8.last else { return false }
        return (first | 0x20) == UInt8(ascii: "k") && (last | 0x20) == UInt8(ascii: "p")
    }

    /// Calls `body` with every value the path leads to (and the object holding it), as
    /// ``resolve(_:in:fanOutLeaf:)`` finds them, without naming their paths; `nil` where a
    /// member is absent. `body` returns `false` to stop.
    func visit(_ path: FieldPath, in value: Value, atRoot: Bool, fanOutLeaf: Bool,
               _ body: (_ value: Value?, _ parent: Value?) -> Bool) {
        if atRoot, path.components.count == 1 {
            switch path.components[0] {
            case "period_end":
                _ = body(.string(record.periodEnd.description), nil)
                return
            case "origin" where record.value["origin"] == nil:
                visit(FieldPath(components: ["from"]), in: value, atRoot: true, fanOutLeaf: fanOutLeaf, body)
                return
            case "end_user" where record.value["end_user"] == nil:
                visit(FieldPath(components: ["to"]), in: value, atRoot: true, fanOutLeaf: fanOutLeaf, body)
                return
            default: break
            }
        }
        _ = Evaluator.visit(path.components[...], value, parent: nil, fanOutLeaf: fanOutLeaf, body)
    }

    /// ``walk(_:_:_:parent:fanOutLeaf:into:)`` without paths; returns `false` once `body` has.
    private static func visit(_ components: ArraySlice<String>, _ value: Value, parent: Value?, fanOutLeaf: Bool,
                              _ body: (_ value: Value?, _ parent: Value?) -> Bool) -> Bool {
        guard let head = components.first else {
            if fanOutLeaf, case .array(let elements) = value {
                for element in elements where !body(element, parent) { return false }
                return true
            }
            return body(value, parent)
        }
        switch value {
        case .array(let elements):
            for element in elements where !visit(components, element, parent: parent, fanOutLeaf: fanOutLeaf, body) {
                return false
            }
            return true
        case .object:
            if let child = value[head] {
                return visit(components.dropFirst(), child, parent: value, fanOutLeaf: fanOutLeaf, body)
            }
            return body(nil, value)
        default:
            return body(nil, nil)
        }
    }

    /// Whether two texts are equal ignoring case, as `lowercased()` compares them; without
    /// allocating when both are ASCII.
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator(), right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let a?, let b?):
                if a >= 0x80 || b >= 0x80 { return lhs.lowercased() == rhs.lowercased() }
                if a == b { continue }
                let lowerA = a >= 65 && a <= 90 ? a + 32 : a, lowerB = b >= 65 && b <= 90 ? b + 32 : b
                if lowerA != lowerB { return false }
            default:
                // Lengths differ in bytes; only a non-ASCII text could still be equal after lowercasing.
                return lhs.utf8.contains { $0 >= 0x80 } || rhs.utf8.contains { $0 >= 0x80 }
                    ? lhs.lowercased() == rhs.lowercased() : false
            }
        }
    }
}
