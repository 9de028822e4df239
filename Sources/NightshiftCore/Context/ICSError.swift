/// A calendar file (RFC 5545) that cannot be read, with the line at fault.
///
/// `message` says what is wrong and what to write instead; `description` puts the place first, ready
/// for a terminal or a log line:
///
/// ```
/// cal.ics:14: DTSTART "2026113T0900" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])
/// ```
public struct ICSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of mistake was made; new kinds can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case malformedLine
            case unbalancedComponent
            case missingProperty
            case invalidValue
            case unknownTimeZone
            case invalidRule
            case unsupportedRule
            case invalidPeriod
            case unreadable
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A content line that is not `NAME[;PARAM=VALUE]:VALUE`, or a continuation with nothing before it.
        public static let malformedLine = Code(.malformedLine)
        /// A `BEGIN` without its `END`, an `END` that closes a different component, or content outside
        /// `BEGIN:VCALENDAR`.
        public static let unbalancedComponent = Code(.unbalancedComponent)
        /// An event without a property it needs, such as `DTSTART`.
        public static let missingProperty = Code(.missingProperty)
        /// A date, date-time, duration or number that cannot be read.
        public static let invalidValue = Code(.invalidValue)
        /// A `TZID` that is not a time zone known to this system.
        public static let unknownTimeZone = Code(.unknownTimeZone)
        /// An `RRULE` whose parts are malformed or contradict each other (`COUNT` with `UNTIL`).
        public static let invalidRule = Code(.invalidRule)
        /// An `RRULE` that is valid iCalendar but beyond what Nightshift expands (`FREQ=MONTHLY`).
        public static let unsupportedRule = Code(.unsupportedRule)
        /// An event that ends before it starts, or whose end does not fit its start.
        public static let invalidPeriod = Code(.invalidPeriod)
        /// The file is missing, cannot be read, or is not UTF-8.
        public static let unreadable = Code(.unreadable)

        /// The code's name, such as `invalidRule`.
        public var description: String { base.rawValue }
    }

    /// What kind of mistake was made.
    public var code: Code
    /// The file's name as the operator knows it (a path relative to the workspace, or a URL).
    public var file: String
    /// The 1-based physical line on which the offending content line starts; 0 when the file as a
    /// whole is at fault (it does not exist).
    public var line: Int
    /// What is wrong and what to do about it, without the place.
    public var message: String

    /// Creates an error from its parts.
    public init(code: Code, file: String, line: Int, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: message`, or `FILE: message` for the whole file.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
