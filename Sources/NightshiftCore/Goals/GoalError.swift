/// A goal that cannot be created or a value that cannot be recorded, naming the field at fault.
///
/// `message` starts with what is wrong and says what would be right, e.g. for the field `target`:
/// `must be greater than 0 (got 0)`; `description` puts the field first: `target: must be …`.
public struct GoalError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable { case name, metric, target, period, value, kind }
    private let code: Code
    /// The field at fault: `name`, `metric`, `target`, `end`, `value` or `kind`.
    public let field: String
    /// What is wrong and what would be right, without the field.
    public let message: String

    private init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// The name is empty, padded with spaces, too long or holds control characters.
    public static func invalidName(_ message: String) -> GoalError { GoalError(.name, field: "name", message) }
    /// The metric is empty, padded with spaces, too long or holds control characters.
    public static func invalidMetric(_ message: String) -> GoalError { GoalError(.metric, field: "metric", message) }
    /// The target is not a finite number above 0.
    public static func invalidTarget(_ message: String) -> GoalError { GoalError(.target, field: "target", message) }
    /// The end is not after the start.
    public static func invalidPeriod(_ message: String) -> GoalError { GoalError(.period, field: "end", message) }
    /// A progress value that is not a finite number.
    public static func invalidValue(_ message: String) -> GoalError { GoalError(.value, field: "value", message) }
    /// A kind that is not one of ``GoalKind``'s.
    public static func unknownKind(_ text: String) -> GoalError {
        GoalError(.kind, field: "kind", "unknown kind \"\(text)\"; use one of \(GoalKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}
