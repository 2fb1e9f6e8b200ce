/// A fact of the record that a condition tested: where it is, what it was, and the test.
/// Findings list the facts that triggered them (`because`).
public struct Fact: Sendable, Hashable {
    /// The concrete path, naming list elements: `goods[1].hs`.
    public let path: String
    /// The record's value, as text.
    public let value: String
    /// The test, in words: `in HS coal (2701)`, `on or after 2019-12-22`.
    public let test: String
    /// Whether the test held.
    public let holds: Bool

    /// `goods[0].hs = 2701: in HS coal` (or `… : not in HS coal`).
    public var text: String { "\(path) = \(value): \(holds ? "" : "not ")\(test)" }
}

/// A fact the record lacks that would decide a rule or an exemption.
public struct MissingFact: Sendable, Hashable {
    /// Where it would be: `goods[1].value`, `contract_date`.
    public let path: String
    /// Why it is needed, in words: `value greater than USD 500`.
    public let need: String
    /// The fact as ``ResultJSON`` writes it, when both its texts are the rules' own (a
    /// test's path and words, encoded once when the rule is loaded): most missing facts
    /// are, and the result stream copies the bytes. Not part of what the fact is.
    var json: [UInt8]?

    public var text: String { "\(path): needed to decide \(need)" }

    init(path: String, need: String, json: [UInt8]? = nil) {
        self.path = path
        self.need = need
        self.json = json
    }

    /// Facts are equal when their places and needs are (however they are encoded).
    public static func == (lhs: MissingFact, rhs: MissingFact) -> Bool {
        lhs.path == rhs.path && lhs.need == rhs.need
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(need)
    }
}

/// The result of evaluating a condition on a record: three-valued, with the evidence.
struct Evaluation: Sendable {
    var truth: Truth
    /// Facts that decided the result (for `yes`, the facts that held).
    var facts: [Fact]
    /// For `unknown`, the facts that would decide it.
    var missing: [MissingFact]
    /// Citations the facts add to the rule's own (the resolution that listed a designated party).
    var citations: [Citation] = []

    static let empty = Evaluation(truth: .yes, facts: [], missing: [])
}

extension Array {
    /// `self += other`, taking `other`'s storage instead when this is empty: an evaluation
    /// joins its children's facts, most of them into an empty list, which would otherwise
    /// allocate and copy every time.
    mutating func append(adopting other: [Element]) {
        if isEmpty { self = other } else { self += other }
    }
}
