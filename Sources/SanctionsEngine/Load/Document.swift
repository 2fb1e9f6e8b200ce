#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON line read into a flat tape of entries over its bytes, without building a
/// ``Value``: what the engine evaluates most records on (``TruthEvaluator``), since
/// building a dictionary per object, a `String` per member name and freeing them all
/// afterwards cost more than judging the record.
///
/// Only the plain subset is read: ASCII text without escapes, numbers without an exponent,
/// no member given twice, nesting within ``JSONParser/maxDepth``. Anything else, a syntax
/// error included, makes ``init(_:)`` return nil, and ``JSONParser`` then reads the line and
/// reports its errors as it always has. Within the subset a document holds exactly what
/// ``JSONParser`` would produce (``value(at:)`` rebuilds it; `DocumentTests` compares them).
struct Document: Sendable {
    enum Kind: UInt8, Sendable {
        case object, array, string, number, `true`, `false`, null
        /// A member name; the member's value follows it.
        case key
    }

    /// One value or member name: its kind, its bytes (a string's without the quotes), and
    /// the position after it and everything inside it.
    struct Entry: Sendable {
        var kind: Kind
        var start: UInt32
        var length: UInt32
        var end: UInt32
    }

    let bytes: [UInt8]
    let entries: [Entry]
    /// The root object's members by ``slot(of:)``: see ``DocumentNode/rootMembers``.
    let rootMembers: [Int32]

    /// How many slots the root's member index has.
    static let slots = 64

    /// The slot of a member name, by its length and first and last bytes: equal names have
    /// equal slots.
    @inline(__always)
    static func slot(of name: UnsafeBufferPointer<UInt8>) -> Int {
        guard let first = name.first, let last = name.last else { return 0 }
        return (name.count &* 7 &+ Int(first) &* 3 &+ Int(last)) & (slots - 1)
    }

    /// Reads `bytes` (one JSON value, surrounding white space allowed); nil when they are
    /// not in the plain subset or not valid JSON.
    init?(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { return nil }
        var valid = false
        var rootMembers = [Int32](repeating: -1, count: Document.slots)
        // Every entry starts at a byte of its own: the line's length bounds their number.
        let entries = [Entry](unsafeUninitializedCapacity: bytes.count + 1) { buffer, initialized in
            bytes.withUnsafeBufferPointer { input in
                rootMembers.withUnsafeMutableBufferPointer { slots in
                    guard let output = buffer.baseAddress, let slots = slots.baseAddress,
                          let count = Document.read(input, into: output, rootMembers: slots) else { return }
                    valid = true
                    initialized = count
                }
            }
        }
        guard valid else { return nil }
        self.bytes = bytes
        self.entries = entries
        self.rootMembers = rootMembers
    }

    /// Reads `input` into `output` (room for `input.count + 1` entries) and the root's member
    /// index into `rootMembers` (``slots`` of them, all -1): the number of entries written,
    /// or nil when the bytes are not in the plain subset or not valid JSON.
    fileprivate static func read(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<Entry>,
                                 rootMembers: UnsafeMutablePointer<Int32>) -> Int? {
        guard let base = input.baseAddress, input.count < Int(Int32.max) else { return nil }
        var builder = Builder(bytes: base, count: input.count, entries: output, rootMembers: rootMembers)
        builder.skipSpace()
        guard builder.value(depth: 0) else { return nil }
        builder.skipSpace()
        return builder.index == input.count ? builder.entryCount : nil
    }

    /// Calls `body` with the root node; the nodes are valid only inside `body`.
    func withRoot<Result>(_ body: (DocumentNode) -> Result) -> Result {
        entries.withUnsafeBufferPointer { entries in
            bytes.withUnsafeBufferPointer { bytes in
                rootMembers.withUnsafeBufferPointer { rootMembers in
                    body(DocumentNode(entries: entries, bytes: bytes, rootMembers: rootMembers.baseAddress, index: 0))
                }
            }
        }
    }

    // MARK: Reading

    /// Writes the entries of the value at `index` into memory sized for one per byte.
    private struct Builder {
        let bytes: UnsafePointer<UInt8>
        let count: Int
        let entries: UnsafeMutablePointer<Entry>
        let rootMembers: UnsafeMutablePointer<Int32>
        var index = 0
        var entryCount = 0

        init(bytes: UnsafePointer<UInt8>, count: Int, entries: UnsafeMutablePointer<Entry>, rootMembers: UnsafeMutablePointer<Int32>) {
            self.bytes = bytes
            self.count = count
            self.entries = entries
            self.rootMembers = rootMembers
        }

        /// Passes over white space (a workload line has none between its tokens: one test).
        @inline(__always)
        mutating func skipSpace() {
            guard index < count, bytes[index] <= 0x20 else { return }
            while index < count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) -> Bool {
            guard index < count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(depth: depth + 1)
            case UInt8(ascii: "["): return array(depth: depth + 1)
            case UInt8(ascii: "\""): return string(.string)
            case UInt8(ascii: "t"): return word("true", .true)
            case UInt8(ascii: "f"): return word("false", .false)
            case UInt8(ascii: "n"): return word("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return false
            }
        }

        /// Appends an entry. Positions and lengths are below the line's length, which
        /// ``read(_:into:rootMembers:)`` bounds by `Int32.max`: they convert unchecked.
        @inline(__always)
        private mutating func append(_ kind: Kind, start: Int, length: Int) {
            (entries + entryCount).initialize(to: Entry(kind: kind, start: UInt32(truncatingIfNeeded: start),
                                                        length: UInt32(truncatingIfNeeded: length),
                                                        end: UInt32(truncatingIfNeeded: entryCount &+ 1)))
            entryCount += 1
        }

        private mutating func word(_ word: StaticString, _ kind: Kind) -> Bool {
            let length = word.utf8CodeUnitCount
            guard index + length <= count, memcmp(bytes + index, word.utf8Start, length) == 0 else { return false }
            append(kind, start: index, length: length)
            index += length
            return true
        }

        /// A string without escapes, control characters or non-ASCII bytes (those are the
        /// full parser's to decode and validate). Eight bytes at a time while none of them
        /// is a quote, a backslash, a control character or non-ASCII.
        @inline(__always)
        private mutating func string(_ kind: Kind) -> Bool {
            index += 1
            let start = index
            while index + 8 <= count {
                let word = ByteWords.load(bytes + index)
                let found = ByteWords.equal(word, UInt8(ascii: "\"")) | ByteWords.equal(word, UInt8(ascii: "\\"))
                    | ByteWords.control(word) | ByteWords.nonASCII(word)
                if found != 0 {
                    // The first flagged byte ends the string when it is its quote.
                    index += ByteWords.firstFlagged(found)
                    guard bytes[index] == UInt8(ascii: "\"") else { return false }
                    append(kind, start: start, length: index - start)
                    index += 1
                    return true
                }
                index += 8
            }
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    append(kind, start: start, length: index - start)
                    index += 1
                    return true
                }
                guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return false }
                index += 1
            }
            return false
        }

        /// A number as JSON writes it, without an exponent (which could overflow: the full
        /// parser reports that).
        @inline(__always)
        private mutating func number() -> Bool {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < count, bytes[index] >= 48, bytes[index] <= 57 else { return false }
            if bytes[index] == 48 {
                index += 1
            } else {
                while index < count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            }
            if index < count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < count, bytes[index] >= 48, bytes[index] <= 57 else { return false }
                while index < count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            }
            if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") { return false }
            guard index - start <= 300 else { return false }
            append(.number, start: start, length: index - start)
            return true
        }

        private mutating func array(depth: Int) -> Bool {
            guard let position = open(.array, depth: depth) else { return false }
            if closes(position, with: UInt8(ascii: "]")) { return true }
            while true {
                skipSpace()
                // Most elements are objects (goods, parties) or strings: read without the
                // call that tells values apart.
                if index < count, bytes[index] == UInt8(ascii: "{") {
                    guard object(depth: depth + 1) else { return false }
                } else if index < count, bytes[index] == UInt8(ascii: "\"") {
                    guard string(.string) else { return false }
                } else {
                    guard value(depth: depth) else { return false }
                }
                skipSpace()
                if closes(position, with: UInt8(ascii: "]")) { return true }
                guard index < count, bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
            }
        }

        /// Starts an array or object at `index` (within the nesting bound); its position.
        @inline(__always)
        private mutating func open(_ kind: Kind, depth: Int) -> Int? {
            guard depth <= JSONParser.maxDepth else { return nil }
            let position = entryCount
            append(kind, start: index, length: 0)
            index += 1
            skipSpace()
            return position
        }

        /// Whether the array or object at `position` closes here with `bracket`: then it
        /// ends after everything read since it opened.
        @inline(__always)
        private mutating func closes(_ position: Int, with bracket: UInt8) -> Bool {
            guard index < count, bytes[index] == bracket else { return false }
            index += 1
            entries[position].end = UInt32(truncatingIfNeeded: entryCount)
            return true
        }

        private mutating func object(depth: Int) -> Bool {
            guard let position = open(.object, depth: depth) else { return false }
            if closes(position, with: UInt8(ascii: "}")) { return true }
            // One bit per member name seen, by its length and end bytes: a name whose bit is
            // clear is new without comparing it to the others.
            var seen: UInt64 = 0
            while true {
                skipSpace()
                guard index < count, bytes[index] == UInt8(ascii: "\""), string(.key) else { return false }
                let key = entryCount - 1
                let slot = Document.slot(of: UnsafeBufferPointer(start: bytes + Int(entries[key].start), count: Int(entries[key].length)))
                let bit: UInt64 = 1 << UInt64(slot)
                guard seen & bit == 0 || isNew(key: key, in: position) else { return false }
                seen |= bit
                // The root's names by slot: the only one there, or -2 when several share it.
                if depth == 1 { rootMembers[slot] = rootMembers[slot] == -1 ? Int32(truncatingIfNeeded: key) : -2 }
                skipSpace()
                guard index < count, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                skipSpace()
                // Most members are strings: read here, without the call that tells values apart.
                if index < count, bytes[index] == UInt8(ascii: "\"") {
                    guard string(.string) else { return false }
                } else {
                    guard value(depth: depth) else { return false }
                }
                entries[key].end = UInt32(truncatingIfNeeded: entryCount)
                skipSpace()
                if closes(position, with: UInt8(ascii: "}")) { return true }
                guard index < count, bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
            }
        }

        /// Whether the member name at `key` differs from the earlier ones of the object at
        /// `object` (a member given twice is the full parser's error to report).
        private func isNew(key: Int, in object: Int) -> Bool {
            let name = entries[key]
            let length = Int(name.length)
            let first = length > 0 ? bytes[Int(name.start)] : 0
            var member = object + 1
            while member < key {
                let other = entries[member]
                if Int(other.length) == length, length == 0 || bytes[Int(other.start)] == first,
                   memcmp(bytes + Int(other.start), bytes + Int(name.start), length) == 0 {
                    return false
                }
                member = Int(other.end)
            }
            return true
        }
    }
}

/// Reads lines into documents in memory it keeps from one line to the next: what a worker
/// of a ``Run`` reads its records with (a ``Document`` of its own per line would allocate
/// and free room for one entry per byte, every line). One per thread: not `Sendable`.
final class DocumentReader {
    private var capacity = 0
    private var entries: UnsafeMutablePointer<Document.Entry>?
    private let rootMembers = UnsafeMutablePointer<Int32>.allocate(capacity: Document.slots)

    init() {}

    deinit {
        entries?.deallocate()
        rootMembers.deallocate()
    }

    /// Calls `body` with the root of the document `bytes` hold (one JSON value, surrounding
    /// white space allowed), and returns what it returns; nil, without calling it, when the
    /// bytes are not in the plain subset or not valid JSON. The nodes, like `bytes`, are
    /// valid only inside `body`.
    func read<Result>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (DocumentNode) -> Result) -> Result? {
        guard !bytes.isEmpty else { return nil }
        let needed = bytes.count + 1
        if needed > capacity {
            entries?.deallocate()
            capacity = max(needed, 2 * capacity, 1_024)
            entries = UnsafeMutablePointer<Document.Entry>.allocate(capacity: capacity)
        }
        rootMembers.update(repeating: -1, count: Document.slots)
        guard let entries, let count = Document.read(bytes, into: entries, rootMembers: rootMembers) else { return nil }
        return body(DocumentNode(entries: UnsafeBufferPointer(start: entries, count: count), bytes: bytes,
                                 rootMembers: rootMembers, index: 0))
    }
}

/// A value inside a ``Document``: a position on its tape. Plain data (no reference
/// counting), valid only inside ``Document/withRoot(_:)``.
struct DocumentNode {
    let entries: UnsafeBufferPointer<Document.Entry>
    let bytes: UnsafeBufferPointer<UInt8>
    /// The root object's members by ``Document/slot(of:)`` of their names: the
    /// position of the only name in that slot, -1 when none is (the member is absent), -2
    /// when several are (they are then searched for). A root member is looked up once a
    /// rule at a time, dozens of times a record, most of them absent.
    let rootMembers: UnsafePointer<Int32>?
    let index: Int

    var kind: Document.Kind { entries[index].kind }

    private func node(_ index: Int) -> DocumentNode {
        DocumentNode(entries: entries, bytes: bytes, rootMembers: rootMembers, index: index)
    }

    /// The bytes of a string, number or member name.
    var text: UnsafeBufferPointer<UInt8> {
        let entry = entries[index]
        return UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.start + entry.length)])
    }

    /// Whether this string or member name is `key`, byte for byte.
    func textEquals(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let entry = entries[index]
        guard Int(entry.length) == key.count else { return false }
        let start = Int(entry.start)
        for offset in 0..<key.count where bytes[start + offset] != key[offset] { return false }
        return true
    }

    /// The member named `key` (the bytes of its name), or nil when this is not an object,
    /// has no such member, or the member is `null`.
    @inline(__always)
    func member(bytes key: UnsafeBufferPointer<UInt8>) -> DocumentNode? {
        guard kind == .object else { return nil }
        if index == 0, let rootMembers {
            let position = Int(rootMembers[Document.slot(of: key)])
            if position == -1 { return nil }
            if position >= 0 {
                guard node(position).textEquals(key) else { return nil }
                return entries[position + 1].kind == .null ? nil : node(position + 1)
            }
        }
        let end = Int(entries[index].end)
        var position = index + 1
        while position < end {
            let valuePosition = position + 1
            if node(position).textEquals(key) {
                return entries[valuePosition].kind == .null ? nil : node(valuePosition)
            }
            position = Int(entries[valuePosition].end)
        }
        return nil
    }

    /// Appends to `key` the value of this object's member named `name`, entry by entry (its
    /// kind, how many entries it spans, its text's length and bytes): two documents append
    /// the same bytes exactly when the member's values are the same, `null` included (a
    /// container's extent tells its nesting apart). A member that is absent appends 0xFF
    /// (no kind is); so does this node when it is no object.
    func appendMemberKey(_ name: UnsafeBufferPointer<UInt8>, to key: inout [UInt8]) {
        guard kind == .object, let position = memberPosition(name) else {
            key.append(0xFF)
            return
        }
        let end = Int(entries[position].end)
        for index in position..<end {
            let entry = entries[index]
            key.append(entry.kind.rawValue)
            withUnsafeBytes(of: (UInt32(truncatingIfNeeded: Int(entry.end) - index), entry.length)) { key.append(contentsOf: $0) }
            if entry.length > 0 { key.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.start + entry.length)])) }
        }
        key.append(0xFE)
    }

    /// The position of the value of this object's member named `key`, `null` included; nil
    /// when it has none.
    private func memberPosition(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        if index == 0, let rootMembers {
            let position = Int(rootMembers[Document.slot(of: key)])
            if position == -1 { return nil }
            if position >= 0 { return node(position).textEquals(key) ? position + 1 : nil }
        }
        let end = Int(entries[index].end)
        var position = index + 1
        while position < end {
            if node(position).textEquals(key) { return position + 1 }
            position = Int(entries[position + 1].end)
        }
        return nil
    }

    /// Calls `body` with each member name and value of an object, in order.
    func forEachMember(_ body: (_ name: DocumentNode, _ value: DocumentNode) -> Void) {
        guard kind == .object else { return }
        let end = Int(entries[index].end)
        var position = index + 1
        while position < end {
            body(node(position), node(position + 1))
            position = Int(entries[position + 1].end)
        }
    }

    /// Calls `body` with each element of an array until it returns false; false then.
    func forEachElement(_ body: (DocumentNode) -> Bool) -> Bool {
        let end = Int(entries[index].end)
        var position = index + 1
        while position < end {
            if !body(node(position)) { return false }
            position = Int(entries[position].end)
        }
        return true
    }

    /// A string's text.
    var string: String? {
        kind == .string ? String(decoding: text, as: UTF8.self) : nil
    }

    /// A number's value, as ``JSONParser`` reads it: integers and short decimals exactly
    /// (an integer of at most 15 digits divided by an exact power of ten is correctly
    /// rounded), anything longer through the standard conversion.
    var number: Double? {
        guard kind == .number else { return nil }
        let text = self.text
        var negative = false
        var digits: Int64 = 0, count = 0, fraction = 0, afterPoint = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): afterPoint = true
            default:
                if digits != 0 || byte != 48 { count += 1 }
                digits = count <= 15 ? digits * 10 + Int64(byte - 48) : digits
                if afterPoint { fraction += 1 }
            }
        }
        if count <= 15, fraction < DocumentNode.powersOfTen.count {
            let magnitude = Double(digits) / DocumentNode.powersOfTen[fraction]
            return negative ? -magnitude : magnitude
        }
        return Double(String(decoding: text, as: UTF8.self))
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var power = 1.0
        for _ in 0..<exponent { power *= 10 }
        return power
    }

    /// The value as ``JSONParser`` builds it.
    var value: Value {
        switch kind {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number: return .number(number ?? 0)
        case .string, .key: return .string(String(decoding: text, as: UTF8.self))
        case .array:
            var elements: [Value] = []
            _ = forEachElement { element in
                elements.append(element.value)
                return true
            }
            return .array(elements)
        case .object:
            var members: [String: Value] = [:]
            forEachMember { name, value in members[String(decoding: name.text, as: UTF8.self)] = value.value }
            return .object(members)
        }
    }
}

/// A record read from its ``Document``: the fields every rule relies on (`id`, `kind`,
/// `date`, `date_to`), checked as ``Record/init(value:line:)`` checks them, and its
/// direction. Nil where that initialiser would throw: the value path then reports why.
struct DocumentRecord {
    let root: DocumentNode
    let line: Int
    /// `id`: text, or a number (written as ``Value/format(_:)`` writes it).
    private let idNode: DocumentNode
    let kind: RecordKind
    let date: Day
    let periodEnd: Day
    let directions: Evaluator.Directions

    init?(root: DocumentNode, line: Int) {
        guard root.kind == .object, let id = root.member(static: "id"),
              id.kind == .string ? !id.text.isEmpty : id.kind == .number,
              let kindNode = root.member(static: "kind"), kindNode.kind == .string,
              let kind = RecordKind.named(utf8: kindNode.text),
              let date = root.member(static: "date").flatMap(Day.init(node:)) else { return nil }
        var periodEnd = date
        if let dateTo = root.member(static: "date_to") {
            guard let end = Day(node: dateTo), end >= date else { return nil }
            periodEnd = end
        }
        self.root = root
        self.line = line
        idNode = id
        self.kind = kind
        self.date = date
        self.periodEnd = periodEnd
        directions = Evaluator.Directions(of: root)
    }

    /// The record's id, as ``Record/id``.
    var id: String {
        idNode.kind == .number ? Value.format(idNode.number ?? 0) : String(decoding: idNode.text, as: UTF8.self)
    }
}

extension Day {
    /// The day a string node gives, as ``init(_:)`` reads it; nil for any other node.
    init?(node: DocumentNode) {
        guard node.kind == .string else { return nil }
        self.init(utf8: node.text)
    }
}
