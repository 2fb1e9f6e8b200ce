/// A rule's condition compiled for ``TruthEvaluator``: its nodes in one flat array in the
/// order a walk meets them, each step knowing where its subtree ends, the tests, paths and
/// screenings it names kept beside it by position.
///
/// The truth it gives is the truth of the condition it was compiled from (`FastPathTests`
/// compares them rule by rule and record by record), with less work a record: walking
/// the steps takes no payload out of an `indirect enum` (each one a retain and a release),
/// and the screenings of one `any` that screen the same path (a party against the entity
/// list, then against the list of individuals) visit its parties once, reading each
/// party's names once for all the lists.
final class TruthProgram: Sendable {
    enum Operation: UInt8, Sendable {
        /// Children: the steps from the next one to ``Step/end``, each ending where the
        /// next begins.
        case all, any
        /// One child, the next step.
        case not
        /// The path ``Step/operand``; one child, the next step, evaluated on each element.
        case some
        /// The test ``Step/operand``.
        case test
        /// The path ``Step/operand`` screened against the screenings
        /// `screenings[extra ..< extra + count]`: the truth of their `any`.
        case screen
        /// A condition on `period_end` at the record's root, compiled apart as ``implied``
        /// ``Step/operand``: decided on a value when the node cannot hold that fact, else on
        /// the node itself.
        case implied
    }

    struct Step: Sendable {
        let operation: Operation
        /// The position after this step and everything inside it.
        var end: Int32
        /// The test, path or implied condition this step names, by position.
        let operand: Int32
        /// For ``Operation/screen``: the first of its screenings, and how many.
        let extra: Int32
        let count: Int32
    }

    let steps: [Step]
    let tests: [FieldTest]
    /// `tests` unretained (`tests` keeps them): a test is judged on the reference as it is
    /// stored, without retaining and releasing it for the call (``test(_:_:)``; about
    /// twenty times a warm record).
    private let testReferences: [Unmanaged<FieldTest>]
    /// The paths the steps read, each in a box of its own so that it can be lent without a
    /// copy (``path(_:_:)``), and the boxes unretained (`pathBoxes` keeps them).
    private let pathBoxes: [PathBox]
    private let pathReferences: [Unmanaged<PathBox>]
    /// The paths the steps read, by the number a step names them by.
    var paths: [FieldPath] { pathBoxes.map(\.path) }
    let screenings: [Screening]
    /// The conditions on `period_end` at the root, each compiled on its own to be decided
    /// on a value: see ``Operation/implied``.
    let implied: [TruthProgram]

    /// `condition` compiled, its paths read from the record's root.
    convenience init(_ condition: Condition) {
        self.init(condition, checkingImplied: true)
    }

    /// `checkingImplied: false` for a condition on `period_end` compiled to be decided on a
    /// value, which holds that fact (no `implied` step around it).
    private init(_ condition: Condition, checkingImplied: Bool) {
        var compiler = Compiler()
        if checkingImplied {
            compiler.compile(condition, atRoot: true)
        } else {
            compiler.compileNode(condition, atRoot: true)
        }
        steps = compiler.steps
        tests = compiler.tests
        testReferences = compiler.tests.map { Unmanaged.passUnretained($0) }
        pathBoxes = compiler.paths.map(PathBox.init)
        pathReferences = pathBoxes.map { Unmanaged.passUnretained($0) }
        screenings = compiler.screenings
        implied = compiler.implied
    }

    /// `body` of test `index`, on the reference `tests` holds (neither retained nor released).
    @inline(__always) func test<Result>(_ index: Int, _ body: (FieldTest) -> Result) -> Result {
        testReferences[index]._withUnsafeGuaranteedRef(body)
    }

    /// `body` of path `index`, read in place (neither it nor its storage retained).
    @inline(__always) func path<Result>(_ index: Int, _ body: (FieldPath) -> Result) -> Result {
        pathReferences[index]._withUnsafeGuaranteedRef { body($0.path) }
    }

    /// A path held by reference, so that it can be lent without a copy.
    final class PathBox: Sendable {
        let path: FieldPath
        init(_ path: FieldPath) { self.path = path }
    }

    /// Builds the steps and what they name.
    private struct Compiler {
        var steps: [Step] = []
        var tests: [FieldTest] = []
        var paths: [FieldPath] = []
        var screenings: [Screening] = []
        var implied: [TruthProgram] = []

        /// Appends the steps of `condition`; `atRoot` when its paths are read from the record's
        /// root (else from an element of a `some`).
        mutating func compile(_ condition: Condition, atRoot: Bool) {
            if atRoot, let path = Compiler.path(of: condition), path.special == .periodEnd {
                _ = begin(.implied, operand: implied.count)
                implied.append(TruthProgram(condition, checkingImplied: false))
                return
            }
            compileNode(condition, atRoot: atRoot)
        }

        mutating func compileNode(_ condition: Condition, atRoot: Bool) {
            switch condition {
            case .all(let children):
                let position = begin(.all)
                for child in children { compile(child, atRoot: atRoot) }
                steps[position].end = Int32(steps.count)
            case .any(let children):
                let position = begin(.any)
                // The screenings of one path, in the order first met, as one step.
                var grouped: [FieldPath: [Screening]] = [:]
                for child in children {
                    if case .screen(let path, let screening) = child, !(atRoot && path.special == .periodEnd) {
                        grouped[path, default: []].append(screening)
                    }
                }
                var done: Set<FieldPath> = []
                for child in children {
                    if case .screen(let path, _) = child, let group = grouped[path] {
                        guard done.insert(path).inserted else { continue }
                        screen(path, group)
                    } else {
                        compile(child, atRoot: atRoot)
                    }
                }
                steps[position].end = Int32(steps.count)
            case .not(let child):
                let position = begin(.not)
                compile(child, atRoot: atRoot)
                steps[position].end = Int32(steps.count)
            case .some(let path, let child):
                let position = begin(.some, operand: paths.count)
                paths.append(path)
                compile(child, atRoot: false)
                steps[position].end = Int32(steps.count)
            case .test(let test):
                _ = begin(.test, operand: tests.count)
                tests.append(test)
            case .screen(let path, let screening):
                screen(path, [screening])
            }
        }

        private mutating func screen(_ path: FieldPath, _ group: [Screening]) {
            let position = begin(.screen, operand: paths.count, extra: screenings.count, count: group.count)
            paths.append(path)
            screenings += group
            steps[position].end = Int32(steps.count)
        }

        /// Appends a step ending right after itself (its caller moves the end past its children).
        private mutating func begin(_ operation: Operation, operand: Int = 0, extra: Int = 0, count: Int = 0) -> Int {
            steps.append(Step(operation: operation, end: Int32(steps.count + 1), operand: Int32(operand),
                              extra: Int32(extra), count: Int32(count)))
            return steps.count - 1
        }

        /// The path a `some`, test or screening reads from where it stands.
        private static func path(of condition: Condition) -> FieldPath? {
            switch condition {
            case .some(let path, _), .screen(let path, _): return path
            case .test(let test): return test.path
            case .all, .any, .not: return nil
            }
        }
    }
}

extension TruthEvaluator {
    /// The truth of the condition `program` was compiled from, on the record.
    func truth(_ program: TruthProgram) -> Truth {
        truth(program, in: root, atRoot: true)
    }

    /// The truth of the condition `program` was compiled from, with paths resolved from
    /// `node` (the record when `atRoot`, else one list element: a cap's goods item).
    func truth(_ program: TruthProgram, in node: Node, atRoot: Bool) -> Truth {
        program.steps.withUnsafeBufferPointer { steps in
            truth(program, steps, at: 0, in: node, atRoot: atRoot)
        }
    }

    /// A condition at the root on `period_end`, decided on a ``Value`` when this kind of
    /// node cannot hold that fact; nil when it can (the condition is then evaluated on it).
    private func impliedTruth(_ program: TruthProgram) -> Truth? {
        guard Node.implied(.null) == nil else { return nil }
        let values = TruthEvaluator<Value>(root: .null, date: date, periodEnd: periodEnd, cache: cache, directions: directions)
        return values.truth(program)
    }

    private func truth(_ program: TruthProgram, _ steps: UnsafeBufferPointer<TruthProgram.Step>, at position: Int,
                       in node: Node, atRoot: Bool) -> Truth {
        let step = steps[position]
        switch step.operation {
        case .all:
            var result = Truth.yes
            var child = position + 1
            while child < Int(step.end) {
                switch truth(program, steps, at: child, in: node, atRoot: atRoot) {
                case .no: return .no
                case .unknown: result = .unknown
                case .yes: break
                }
                child = Int(steps[child].end)
            }
            return result
        case .any:
            var result = Truth.no
            var child = position + 1
            while child < Int(step.end) {
                switch truth(program, steps, at: child, in: node, atRoot: atRoot) {
                case .yes: return .yes
                case .unknown: result = .unknown
                case .no: break
                }
                child = Int(steps[child].end)
            }
            return result
        case .not:
            return truth(program, steps, at: position + 1, in: node, atRoot: atRoot).negated
        case .some:
            return program.path(Int(step.operand)) { path in
                disjunction(over: path, in: node, atRoot: atRoot) { element, _ in
                    truth(program, steps, at: position + 1, in: element, atRoot: false)
                }
            }
        case .test:
            return program.test(Int(step.operand)) { truth($0, in: node, atRoot: atRoot) }
        case .screen:
            let screenings = program.screenings[Int(step.extra)..<Int(step.extra + step.count)]
            var result = Truth.no
            program.path(Int(step.operand)) { path in visit(path, in: node, atRoot: atRoot, fanOutLeaf: true) { party, _ in
                guard let party else { return true }
                let members = party.party
                for screening in screenings {
                    guard let (match, _) = bestMatch(for: party, members: members, screening) else { continue }
                    if match.listedAfterDate { continue }
                    if match.isExact {
                        result = .yes
                        return false
                    }
                    result = .unknown
                }
                return true
            } }
            return result
        case .implied:
            let implied = program.implied[Int(step.operand)]
            return impliedTruth(implied) ?? truth(implied, in: node, atRoot: atRoot)
        }
    }
}

extension Condition {
    /// A text that two conditions share exactly when they read the same paths with the
    /// same tests in the same tree, so that their truths on a record are the same: what
    /// lets the engine decide a condition that many rules repeat (the general Committee
    /// exemption is written out 43 times) once a record
    /// (``TruthEvaluator/truth(_:shared:)``). The words a rule gives a test (`describe`)
    /// do not change its truth and are left out; the members of an `in` or `not_in` are a
    /// set, their order left out too. Nil for a condition that screens names or reads a
    /// named list: those are compared by what they hold, which is not worth writing out.
    var truthKey: String? {
        var key = TruthKey()
        return key.write(self) ? String(decoding: key.bytes, as: UTF8.self) : nil
    }
}

/// Writes a ``Condition/truthKey`` as bytes (made a text once: a text hashes in one pass,
/// a list of bytes a byte at a time): words, and texts with their length before them, so
/// that no text can run into the next.
private struct TruthKey {
    var bytes: [UInt8] = []

    mutating func word(_ word: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    /// A number's decimal digits (of its magnitude, after a `-` when negative) and `;`.
    mutating func number<Number: BinaryInteger>(_ number: Number) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(number.magnitude)
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
        bytes.append(UInt8(ascii: ";"))
    }

    mutating func text(_ text: String) {
        number(text.utf8.count)
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends the key of `condition`; false when it has none.
    mutating func write(_ condition: Condition) -> Bool {
        switch condition {
        case .all(let children), .any(let children):
            if case .all = condition { word("all(") } else { word("any(") }
            for child in children {
                guard write(child) else { return false }
            }
            word(")")
            return true
        case .not(let child):
            word("not(")
            guard write(child) else { return false }
            word(")")
            return true
        case .some(let path, let child):
            word("some(")
            write(path)
            guard write(child) else { return false }
            word(")")
            return true
        case .test(let test):
            word("test(")
            write(test.path)
            guard write(test.test) else { return false }
            word(")")
            return true
        case .screen:
            return false
        }
    }

    private mutating func write(_ path: FieldPath) {
        number(path.components.count)
        for component in path.components { text(component) }
    }

    private mutating func write(_ test: Operator) -> Bool {
        switch test {
        case .equals(let value):
            word("equals ")
            return write(value)
        case .isIn(let values), .notIn(let values):
            if case .isIn = test { word("in[") } else { word("not_in[") }
            var members: [[UInt8]] = []
            for value in values {
                var member = TruthKey()
                guard member.write(value) else { return false }
                members.append(member.bytes)
            }
            for member in members.sorted(by: { $0.lexicographicallyPrecedes($1) }) { bytes += member }
            word("]")
            return true
        case .hs(let scope, _):
            word("hs[")
            for entry in scope.entries {
                text(entry.low)
                text(entry.high)
            }
            word("]")
            return true
        case .compare(let comparison, let measure):
            text(comparison.rawValue)
            switch measure {
            case .number(let amount):
                word("number ")
                number(amount.bitPattern)
            case .money(let amount, let currency):
                word("money ")
                number(amount.bitPattern)
                text(currency)
            case .quantity(let amount, let unit):
                word("quantity ")
                number(amount.bitPattern)
                text(unit)
            }
            return true
        case .date(let comparison, let day):
            text(comparison.rawValue)
            number(day.number)
            return true
        case .exists: word("exists")
        case .missing: word("missing")
        case .contains(let part):
            word("contains ")
            text(part)
        case .matches(let pattern):
            word("matches ")
            text(pattern.source)
        case .inList:
            return false
        }
        return true
    }

    /// A value a test compares with: texts, numbers, booleans and null (a list or an object
    /// has no key).
    private mutating func write(_ value: Value) -> Bool {
        switch value {
        case .null: word("null;")
        case .bool(let flag): word(flag ? "true;" : "false;")
        case .number(let number):
            word("number ")
            self.number(number.bitPattern)
        case .string(let string):
            word("string ")
            text(string)
        case .array, .object: return false
        }
        return true
    }
}
