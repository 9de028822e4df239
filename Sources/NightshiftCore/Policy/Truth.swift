/// A condition's value when the action may not say enough to tell: true, false or unknown (Kleene's
/// three-valued logic). A forbid or approve rule whose condition is unknown parks the action.
public enum Truth: Sendable, Hashable, CustomStringConvertible {
    /// The condition holds.
    case yes
    /// It does not.
    case no
    /// No one can tell before the command runs.
    case unknown

    public var description: String {
        switch self {
        case .yes: "true"
        case .no: "false"
        case .unknown: "unknown"
        }
    }

    init(_ value: Bool) { self = value ? .yes : .no }

    /// False wins, then unknown.
    static func all<S: Sequence>(_ values: S) -> Truth where S.Element == Truth {
        var result = Truth.yes
        for value in values {
            if value == .no { return .no }
            if value == .unknown { result = .unknown }
        }
        return result
    }

    /// True wins, then unknown (not all of them false).
    static func any<S: Sequence>(_ values: S) -> Truth where S.Element == Truth {
        all(values.lazy.map(\.negated)).negated
    }

    var negated: Truth {
        switch self {
        case .yes: .no
        case .no: .yes
        case .unknown: .unknown
        }
    }
}
