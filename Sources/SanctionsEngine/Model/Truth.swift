/// Three-valued truth (Kleene): a condition on a fact the record does not give is
/// `unknown`, never silently false.
public enum Truth: String, Sendable, Hashable {
    case yes
    case no
    case unknown

    /// Kleene negation: `unknown` stays `unknown`.
    public var negated: Truth {
        switch self {
        case .yes: return .no
        case .no: return .yes
        case .unknown: return .unknown
        }
    }

    init(_ flag: Bool) { self = flag ? .yes : .no }
}
