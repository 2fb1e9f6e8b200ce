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
}
