internal import CYaml

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

/// Reads YAML text into ``SyntaxNode`` trees, straight from libyaml's events (the parser
/// Yams carries): no intermediate node tree, no tag resolution, since the engine reads
/// scalars as text and decides their meaning itself.
enum YAMLSyntax {
    /// Nodes one document may expand to through aliases; past this, the document is an
    /// alias bomb and is rejected.
    static let maxNodes = 1_000_000
    /// Deepest nesting of sequences and mappings accepted; deeper input is rejected rather
    /// than risking the stack.
    static let maxDepth = 256

    struct Failure: Error, Sendable {
        let line: Int
        let column: Int
        let message: String
    }

    /// Every document in `text`, in order.
    /// `lineOffset` is added to every line (a part of a larger file).
    static func documents(_ text: String, file: String, lineOffset: Int = 0) throws(Failure) -> [SyntaxNode] {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(Failure) -> [SyntaxNode] in
                let events = EventReader(bytes: bytes, file: file, lineOffset: lineOffset)
                return try events.documents()
            }
        }
        return try result.get()
    }

    /// libyaml's parser over one text, turning its events into nodes.
    private final class EventReader {
        private let parser: UnsafeMutablePointer<yaml_parser_t>
        private let file: String
        private let lineOffset: Int
        /// Anchored nodes of the current document, with the nodes each expands to.
        private var anchors: [String: (node: SyntaxNode, size: Int)] = [:]
        private var budget = YAMLSyntax.maxNodes

        init(bytes: UnsafeBufferPointer<UInt8>, file: String, lineOffset: Int) {
            self.file = file
            self.lineOffset = lineOffset
            // On the heap: libyaml keeps a pointer to the parser inside it.
            parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            yaml_parser_initialize(parser)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
        }

        deinit {
            yaml_parser_delete(parser)
            parser.deallocate()
        }

        /// One event, owned by the caller until `release`.
        private struct Event {
            var raw = yaml_event_t()
            var type: yaml_event_type_t { raw.type }
        }

        private func next() throws(Failure) -> Event {
            var event = Event()
            guard yaml_parser_parse(parser, &event.raw) == 1 else { throw failure() }
            return event
        }

        /// The next event, or nil (and the event released) when it is `end`.
        private func next(unless end: yaml_event_type_t) throws(Failure) -> Event? {
            var event = try next()
            guard event.type != end else {
                release(&event)
                return nil
            }
            return event
        }

        private func release(_ event: inout Event) { yaml_event_delete(&event.raw) }

        private func position(_ mark: yaml_mark_t) -> SourcePosition {
            SourcePosition(file: file, line: Int(mark.line) + 1 + lineOffset, column: Int(mark.column) + 1)
        }

        private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            guard let pointer else { return nil }
            return String(cString: pointer)
        }

        func documents() throws(Failure) -> [SyntaxNode] {
            var start = try next()
            release(&start) // the stream's start
            var documents: [SyntaxNode] = []
            while var event = try next(unless: YAML_STREAM_END_EVENT) {
                release(&event) // a document's start
                anchors = [:]
                documents.append(try node(from: next(), depth: 0).node)
                var end = try next()
                release(&end) // the document's end
            }
            return documents
        }

        /// The node that starts with `event` (released here), and how many nodes it expands to.
        private func node(from first: Event, depth: Int) throws(Failure) -> (node: SyntaxNode, size: Int) {
            var event = first
            defer { release(&event) }
            let at = position(event.raw.start_mark)
            budget -= 1
            guard budget >= 0 else { throw tooLarge(at) }
            switch event.type {
            case YAML_ALIAS_EVENT:
                let name = EventReader.text(event.raw.data.alias.anchor) ?? ""
                guard let anchored = anchors[name] else {
                    throw Failure(line: at.line, column: at.column, message: "YAML syntax: found undefined alias '\(name)'")
                }
                budget -= anchored.size - 1
                guard budget >= 0 else { throw tooLarge(at) }
                return anchored
            case YAML_SCALAR_EVENT:
                let scalar = event.raw.data.scalar
                let text = scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self) } ?? ""
                let node = SyntaxNode(content: .scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE), position: at)
                if let anchor = EventReader.text(scalar.anchor) { anchors[anchor] = (node, 1) }
                return (node, 1)
            case YAML_SEQUENCE_START_EVENT:
                guard depth < YAMLSyntax.maxDepth else { throw tooDeep(at) }
                let anchor = EventReader.text(event.raw.data.sequence_start.anchor)
                var elements: [SyntaxNode] = []
                var size = 1
                while let element = try next(unless: YAML_SEQUENCE_END_EVENT) {
                    let read = try node(from: element, depth: depth + 1)
                    elements.append(read.node)
                    size += read.size
                }
                let node = SyntaxNode(content: .sequence(elements), position: at)
                if let anchor { anchors[anchor] = (node, size) }
                return (node, size)
            case YAML_MAPPING_START_EVENT:
                guard depth < YAMLSyntax.maxDepth else { throw tooDeep(at) }
                let anchor = EventReader.text(event.raw.data.mapping_start.anchor)
                var pairs: [(key: SyntaxNode, value: SyntaxNode)] = []
                var size = 1
                // The keys so far: looked through in order while few (most mappings have a
                // handful; hashing each into a set cost more), hashed once there are many.
                var keys: [String] = []
                var manyKeys: Set<String>?
                var duplicate: SyntaxNode?
                while let keyEvent = try next(unless: YAML_MAPPING_END_EVENT) {
                    let key = try node(from: keyEvent, depth: depth + 1)
                    let value = try node(from: next(), depth: depth + 1)
                    if let text = key.node.scalarText {
                        if manyKeys?.contains(text) ?? keys.contains(text) {
                            if duplicate == nil { duplicate = key.node }
                        } else {
                            keys.append(text)
                            manyKeys?.insert(text)
                            if manyKeys == nil, keys.count > 16 { manyKeys = Set(keys) }
                        }
                    }
                    pairs.append((key.node, value.node))
                    size += key.size + value.size
                }
                if let duplicate {
                    let repeated = Dictionary(grouping: pairs.compactMap(\.key.scalarText), by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
                    throw Failure(line: duplicate.position.line, column: duplicate.position.column,
                                  message: "duplicate key \(repeated.joined(separator: ", ")): each key may appear once")
                }
                let node = SyntaxNode(content: .mapping(pairs), position: at)
                if let anchor { anchors[anchor] = (node, size) }
                return (node, size)
            default:
                throw Failure(line: at.line, column: at.column, message: "YAML syntax: unexpected event \(event.type.rawValue)")
            }
        }

        private func tooLarge(_ at: SourcePosition) -> Failure {
            Failure(line: at.line, column: at.column, message: "the document expands to more than \(YAMLSyntax.maxNodes) nodes (an alias bomb?)")
        }

        private func tooDeep(_ at: SourcePosition) -> Failure {
            Failure(line: at.line, column: at.column, message: "nested deeper than \(YAMLSyntax.maxDepth) levels")
        }

        /// The parser's error, as the user should read it.
        private func failure() -> Failure {
            let state = parser.pointee
            let problem = state.problem.map { String(cString: $0) } ?? "unknown problem"
            switch state.error {
            case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
                let at = position(state.problem_mark)
                let detail = state.context.map { "\(problem) \(String(cString: $0))" } ?? problem
                return Failure(line: at.line, column: at.column, message: "YAML syntax: \(detail)")
            case YAML_READER_ERROR:
                return Failure(line: 1 + lineOffset, column: 1, message: "YAML cannot be read: \(problem)")
            case YAML_MEMORY_ERROR:
                return Failure(line: 1 + lineOffset, column: 1, message: "YAML: out of memory")
            default:
                return Failure(line: 1 + lineOffset, column: 1, message: "YAML: \(problem)")
            }
        }
    }
}
