import Yams

/// YAML as the user wrote it, with the position of every node: the surface syntax of
/// rule files, case files and YAML records. The check stage reads rules from it; its
/// positions make every error `file:line:column`.
public struct SyntaxNode: Sendable {
    public enum Content: Sendable {
        /// A scalar. `plain` is false for quoted scalars, which are always strings.
        case scalar(String, plain: Bool)
        case sequence([SyntaxNode])
        case mapping([(key: SyntaxNode, value: SyntaxNode)])
    }

    public let content: Content
    public let position: SourcePosition

    /// The scalar text, when this is a scalar.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The value of `key`, when this is a mapping that has it.
    public func value(forKey key: String) -> SyntaxNode? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first { $0.key.scalarText == key }?.value
    }

    /// Whether this is the YAML null (`~`, `null`, or an empty plain scalar).
    public var isNull: Bool {
        if case .scalar(let text, let plain) = content, plain {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// A short name of what this node is, for error messages ("a list", "text '…'").
    public var kindDescription: String {
        switch content {
        case .scalar(let text, _): return text.isEmpty ? "nothing" : "'\(text.count > 40 ? String(text.prefix(40)) + "…" : text)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping (key: value pairs)"
        }
    }

    /// The node as a record value. Plain scalars that read as numbers, booleans or null
    /// become those; everything else is a string. Dates stay strings (`2019-03-14`), and
    /// so do country codes such as `NO`, which YAML 1.1 would turn into `false`.
    public var value: Value {
        switch content {
        case .scalar(let text, let plain):
            guard plain else { return .string(text) }
            if isNull { return .null }
            switch text {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            if let number = SyntaxNode.number(text) { return .number(number) }
            return .string(text)
        case .sequence(let elements):
            return .array(elements.map(\.value))
        case .mapping(let pairs):
            var members: [String: Value] = [:]
            for pair in pairs { members[pair.key.scalarText ?? ""] = pair.value.value }
            return .object(members)
        }
    }

    /// A plain scalar that is a decimal number (`500`, `-1.5`, `2e6`); not `0x1F`,
    /// not `.inf`, not `1_000` — a record should not depend on YAML's number dialects.
    static func number(_ text: String) -> Double? {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || (first >= 48 && first <= 57) else { return nil }
        guard text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }) else {
            return nil
        }
        // Leading zeros (`0301`) mark a code, not a quantity.
        if text.count > 1, text.hasPrefix("0"), !text.hasPrefix("0.") { return nil }
        guard let number = Double(text), number.isFinite else { return nil }
        return number
    }
}

/// Reads YAML text into ``SyntaxNode`` trees.
enum YAMLSyntax {
    /// Nodes one document may expand to through aliases; past this, the document is an
    /// alias bomb and is rejected.
    static let maxNodes = 1_000_000

    struct Failure: Error, Sendable {
        let line: Int
        let column: Int
        let message: String
    }

    /// Every document in `text`, in order.
    /// `lineOffset` is added to every line (a part of a larger file).
    static func documents(_ text: String, file: String, lineOffset: Int = 0) throws(Failure) -> [SyntaxNode] {
        do {
            var result: [SyntaxNode] = []
            var budget = maxNodes
            // The basic resolver: the engine reads scalars as text and decides their meaning
            // itself, so Yams's tag regexes (a third of the start-up time) are not run.
            var sequence = try Yams.compose_all(yaml: text, .basic)
            while let node = sequence.next() {
                result.append(try convert(node, file: file, lineOffset: lineOffset, budget: &budget))
            }
            // The sequence stores a parse error instead of throwing it.
            if let error = sequence.error { throw failure(from: error, lineOffset: lineOffset) }
            return result
        } catch let failure as Failure {
            throw failure
        } catch {
            throw failure(from: error, lineOffset: lineOffset)
        }
    }

    static func failure(from error: Error, lineOffset: Int = 0) -> Failure {
        let failure = failure(from: error)
        return Failure(line: failure.line + lineOffset, column: failure.column, message: failure.message)
    }

    private static func failure(from error: Error) -> Failure {
        guard let yaml = error as? YamlError else { return Failure(line: 1, column: 1, message: "\(error)") }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return Failure(line: mark.line, column: mark.column, message: "YAML syntax: \(detail)")
        case .reader(let problem, _, _, _):
            return Failure(line: 1, column: 1, message: "YAML cannot be read: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Failure(line: context.mark.line, column: context.mark.column,
                           message: "duplicate key \(duplicates.joined(separator: ", ")): each key may appear once")
        default:
            return Failure(line: 1, column: 1, message: "YAML: \(yaml)")
        }
    }

    private static func convert(_ node: Node, file: String, lineOffset: Int, budget: inout Int) throws(Failure) -> SyntaxNode {
        budget -= 1
        let mark = node.mark
        let position = SourcePosition(file: file, line: (mark?.line ?? 1) + lineOffset, column: mark?.column ?? 1)
        guard budget >= 0 else {
            throw Failure(line: position.line, column: position.column,
                          message: "the document expands to more than \(maxNodes) nodes (an alias bomb?)")
        }
        switch node {
        case .scalar(let scalar):
            return SyntaxNode(content: .scalar(scalar.string, plain: scalar.style == .plain), position: position)
        case .sequence(let sequence):
            var elements: [SyntaxNode] = []
            elements.reserveCapacity(sequence.count)
            for element in sequence { elements.append(try convert(element, file: file, lineOffset: lineOffset, budget: &budget)) }
            return SyntaxNode(content: .sequence(elements), position: position)
        case .mapping(let mapping):
            var pairs: [(key: SyntaxNode, value: SyntaxNode)] = []
            for (key, value) in mapping {
                pairs.append((try convert(key, file: file, lineOffset: lineOffset, budget: &budget),
                              try convert(value, file: file, lineOffset: lineOffset, budget: &budget)))
            }
            return SyntaxNode(content: .mapping(pairs), position: position)
        case .alias:
            throw Failure(line: position.line, column: position.column, message: "unresolved YAML alias")
        }
    }
}
