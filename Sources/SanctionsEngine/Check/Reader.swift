/// Reads typed values out of a ``SyntaxNode`` tree, recording every problem as a
/// ``Diagnostic`` and carrying on, so one pass reports all mistakes in a file.
final class Reader {
    private(set) var diagnostics: [Diagnostic] = []

    func error(_ node: SyntaxNode, _ message: String) {
        diagnostics.append(Diagnostic(node.position, .error, message))
    }

    /// Takes over what another reader reported, in its order.
    func append(_ reported: [Diagnostic]) {
        diagnostics += reported
    }

    func error(_ position: SourcePosition, _ message: String) {
        diagnostics.append(Diagnostic(position, .error, message))
    }

    /// A problem that does not stop the rule from loading; `sanctions lint` reports it.
    func warning(_ node: SyntaxNode, _ message: String, hint: String? = nil, code: String) {
        diagnostics.append(Diagnostic(node.position, .warning, message, hint: hint, code: code))
    }

    /// An error with a hint and a code of its own.
    func error(_ node: SyntaxNode, _ message: String, hint: String?, code: String) {
        diagnostics.append(Diagnostic(node.position, .error, message, hint: hint, code: code))
    }

    /// How many errors (not warnings) have been recorded: a rule compiles only when
    /// reading it added none.
    var errorCount: Int { diagnostics.lazy.filter { $0.severity == .error }.count }

    /// The members of a mapping, with unknown keys reported (with a "did you mean").
    func mapping(_ node: SyntaxNode, allowed: [String], what: String) -> Mapping? {
        guard case .mapping(let pairs) = node.content else {
            error(node, "\(what) must be a mapping (key: value lines), found \(node.kindDescription)")
            return nil
        }
        var members: [String: (key: SyntaxNode, value: SyntaxNode)] = [:]
        for pair in pairs {
            guard let key = pair.key.scalarText else {
                error(pair.key, "keys in \(what) must be plain names")
                continue
            }
            if !allowed.contains(key) {
                let hint = suggestion(for: key, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
                error(pair.key, "unknown key '\(key)' in \(what)\(hint) (expected one of: \(allowed.joined(separator: ", ")))")
                continue
            }
            members[key] = pair
        }
        return Mapping(node: node, members: members, what: what, reader: self)
    }

    func text(_ node: SyntaxNode, _ what: String) -> String? {
        guard case .scalar(let text, _) = node.content, !node.isNull else {
            error(node, "\(what) must be text, found \(node.kindDescription)")
            return nil
        }
        return text
    }

    func integer(_ node: SyntaxNode, _ what: String) -> Int? {
        guard let text = node.scalarText, let value = Int(text) else {
            error(node, "\(what) must be a whole number, found \(node.kindDescription)")
            return nil
        }
        return value
    }

    func number(_ node: SyntaxNode, _ what: String) -> Double? {
        guard let text = node.scalarText, let value = Double(text), value.isFinite else {
            error(node, "\(what) must be a number, found \(node.kindDescription)")
            return nil
        }
        return value
    }

    func day(_ node: SyntaxNode, _ what: String) -> Day? {
        guard let text = node.scalarText, let day = Day(text) else {
            error(node, "\(what) must be an ISO date such as 2017-12-22, found \(node.kindDescription)")
            return nil
        }
        return day
    }

    func flag(_ node: SyntaxNode, _ what: String) -> Bool? {
        switch node.scalarText {
        case "true"?, "True"?, "yes"?: return true
        case "false"?, "False"?, "no"?: return false
        default:
            error(node, "\(what) must be true or false, found \(node.kindDescription)")
            return nil
        }
    }

    func list(_ node: SyntaxNode, _ what: String) -> [SyntaxNode]? {
        guard case .sequence(let elements) = node.content else {
            error(node, "\(what) must be a list (lines starting with '- ', or [a, b]), found \(node.kindDescription)")
            return nil
        }
        return elements
    }

    func texts(_ node: SyntaxNode, _ what: String) -> [String]? {
        guard let elements = list(node, what) else { return nil }
        let values = elements.compactMap { text($0, "each entry of \(what)") }
        return values.count == elements.count ? values : nil
    }

    func oneOf<T: RawRepresentable>(_ node: SyntaxNode, _ what: String, _ type: T.Type, choices: [String]) -> T?
    where T.RawValue == String {
        guard let value = text(node, what) else { return nil }
        guard let result = T(rawValue: value) else {
            let hint = suggestion(for: value, among: choices).map { "; did you mean '\($0)'?" } ?? ""
            error(node, "\(what) '\(value)' is not one of: \(choices.joined(separator: ", "))\(hint)")
            return nil
        }
        return result
    }
}

/// The members of one mapping, read through its ``Reader``.
struct Mapping {
    let node: SyntaxNode
    let members: [String: (key: SyntaxNode, value: SyntaxNode)]
    let what: String
    let reader: Reader

    /// The value of `key`, reporting its absence.
    func required(_ key: String) -> SyntaxNode? {
        guard let member = members[key], !member.value.isNull else {
            reader.error(node, "\(what) needs '\(key)'")
            return nil
        }
        return member.value
    }

    /// The value of `key`, or nil when absent or null.
    func optional(_ key: String) -> SyntaxNode? {
        guard let member = members[key], !member.value.isNull else { return nil }
        return member.value
    }

    func has(_ key: String) -> Bool { members[key] != nil }

    func keyNode(_ key: String) -> SyntaxNode? { members[key]?.key }
}
