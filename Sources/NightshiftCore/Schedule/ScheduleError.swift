/// An error in a schedule expression, naming the field and the bad token.
///
/// `message` is a complete sentence that starts with the field, for example
/// `minute: "61" is out of range 0-59`; `description` phrases the same thing for a person reading a
/// log line: `bad minute field: "61" is out of range 0-59`.
public struct ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of mistake was made; new kinds can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case empty
            case wrongFieldCount
            case unsupportedMacro
            case invalidToken
            case outOfRange
            case invalidStep
            case reversedRange
            case invalidDuration
            case invalidTimeZone
            case invalidActiveHours
            case invalidInstant
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The text is empty or only whitespace.
        public static let empty = Code(.empty)
        /// A cron expression does not have 5 or 6 fields.
        public static let wrongFieldCount = Code(.wrongFieldCount)
        /// An `@` macro that is not one of `@yearly @annually @monthly @weekly @daily @midnight @hourly`.
        public static let unsupportedMacro = Code(.unsupportedMacro)
        /// A token that is neither a number, a name, nor valid cron syntax.
        public static let invalidToken = Code(.invalidToken)
        /// A number outside the field's range, such as `60` for a minute.
        public static let outOfRange = Code(.outOfRange)
        /// A step of zero, or a step that is not a number.
        public static let invalidStep = Code(.invalidStep)
        /// A range whose start is after its end, such as `5-1`.
        public static let reversedRange = Code(.reversedRange)
        /// A duration that is empty, negative, or uses an unknown unit.
        public static let invalidDuration = Code(.invalidDuration)
        /// A time zone name that is not an IANA name known to this system.
        public static let invalidTimeZone = Code(.invalidTimeZone)
        /// An active-hours window that is not `HH:MM-HH:MM`.
        public static let invalidActiveHours = Code(.invalidActiveHours)
        /// An instant that is not ISO 8601 with an offset.
        public static let invalidInstant = Code(.invalidInstant)

        /// The code's name, such as `outOfRange`.
        public var description: String { base.rawValue }
    }

    /// What kind of mistake was made.
    public var code: Code
    /// The part of the schedule that is wrong: "minute", "hour", "day of month", "month",
    /// "day of week", "second", "expression", "duration", "time zone", "active_hours" or "at".
    public var field: String?
    /// The offending token exactly as written.
    public var token: String?
    /// A complete sentence that starts with the field, e.g. `minute: "61" is out of range 0-59`.
    public var message: String

    /// Creates an error from its parts; `message` should start with `"<field>: "`.
    public init(code: Code, field: String?, token: String?, message: String) {
        self.code = code
        self.field = field
        self.token = token
        self.message = message
    }

    /// Creates an error whose message is `"<field>: <detail>"`.
    init(_ code: Code, field: String, token: String?, _ detail: String) {
        self.init(code: code, field: field, token: token, message: "\(field): \(detail)")
    }

    /// The message phrased for a log line, e.g. `bad minute field: "61" is out of range 0-59`.
    public var description: String {
        guard let field else { return message }
        let prefix = "\(field): "
        let detail = message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
        return "bad \(field) field: \(detail)"
    }
}
