/// What a rule concludes about one record.
public enum Verdict: String, Sendable, Hashable, CaseIterable {
    /// The record breaches the provision on the facts given.
    case violation
    /// The record may breach it: a fact that decides it is missing (named in the finding).
    case possibleViolation = "possible_violation"
    /// A provision that only urges States ("calls upon") applies; or a cap alert level.
    case notice
    /// The provision applies but an exemption does.
    case exempt
}

/// A record's overall result: the worst of its findings, `clear` when there are none,
/// `error` when it could not be read.
public enum Outcome: String, Sendable, Hashable, CaseIterable, Comparable {
    case violation
    case possibleViolation = "possible_violation"
    case notice
    case exempt
    case clear
    case error

    /// The outcome's place in ``allCases``.
    var ordinal: Int {
        switch self {
        case .violation: 0
        case .possibleViolation: 1
        case .notice: 2
        case .exempt: 3
        case .clear: 4
        case .error: 5
        }
    }

    /// Severity for ordering: higher is worse. `error` ranks apart (it is not a judgement).
    var severity: Int {
        switch self {
        case .clear: return 0
        case .exempt: return 1
        case .notice: return 2
        case .possibleViolation: return 3
        case .violation: return 4
        case .error: return 5
        }
    }

    init(_ verdict: Verdict) {
        switch verdict {
        case .violation: self = .violation
        case .possibleViolation: self = .possibleViolation
        case .notice: self = .notice
        case .exempt: self = .exempt
        }
    }

    public static func < (lhs: Outcome, rhs: Outcome) -> Bool { lhs.severity < rhs.severity }
}

/// The kinds of record in the record contract.
public enum RecordKind: String, Sendable, Hashable, CaseIterable {
    case shipment
    case vesselEvent = "vessel_event"
    case employment
    case financial
    case service
    case registration
    case jointVenture = "joint_venture"

    /// The kind's place in ``allCases``: what per-kind tables are indexed by (hashing a
    /// kind hashes its name).
    var ordinal: Int {
        switch self {
        case .shipment: 0
        case .vesselEvent: 1
        case .employment: 2
        case .financial: 3
        case .service: 4
        case .registration: 5
        case .jointVenture: 6
        }
    }

    /// The kind named `text`, as ``init(rawValue:)`` finds it, by its length and first
    /// letter before comparing it whole.
    static func named(_ text: String) -> RecordKind? {
        var text = text
        return text.withUTF8 { named(utf8: $0) }
    }

    /// ``named(_:)`` for the UTF-8 bytes of the text.
    static func named(utf8 text: UnsafeBufferPointer<UInt8>) -> RecordKind? {
        let kind: RecordKind
        switch (text.count, text.first) {
        case (8, UInt8(ascii: "s")): kind = .shipment
        case (12, UInt8(ascii: "v")): kind = .vesselEvent
        case (10, UInt8(ascii: "e")): kind = .employment
        case (9, UInt8(ascii: "f")): kind = .financial
        case (7, UInt8(ascii: "s")): kind = .service
        case (12, UInt8(ascii: "r")): kind = .registration
        case (13, UInt8(ascii: "j")): kind = .jointVenture
        default: return nil
        }
        let name = kind.utf8
        for offset in 0..<name.count where name[offset] != text[offset] { return nil }
        return kind
    }
}

extension RecordKind {
    /// The kind's name as records write it, in bytes.
    var utf8: UnsafeBufferPointer<UInt8> {
        let name: StaticString = switch self {
        case .shipment: "shipment"
        case .vesselEvent: "vessel_event"
        case .employment: "employment"
        case .financial: "financial"
        case .service: "service"
        case .registration: "registration"
        case .jointVenture: "joint_venture"
        }
        return UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
    }
}

extension Verdict {
    /// The verdict as a JSON string, quotes included (its outcome's name): written as it is
    /// into every finding.
    var quotedJSON: StaticString { Outcome(self).quotedJSON }

    /// The verdict's place in ``allCases``: what per-verdict tables (a rule's findings and
    /// their brief encodings, made once) are indexed by. Its outcome's place: the outcomes
    /// list the verdicts first, in the same order.
    var ordinal: Int { Outcome(self).ordinal }
}

extension Outcome {
    /// The outcome as a JSON string, quotes included: written as it is into every result.
    var quotedJSON: StaticString {
        switch self {
        case .violation: "\"violation\""
        case .possibleViolation: "\"possible_violation\""
        case .notice: "\"notice\""
        case .exempt: "\"exempt\""
        case .clear: "\"clear\""
        case .error: "\"error\""
        }
    }
}
