/// Why ``OutgoingMail/rendered()`` refused to write a message: a value that would break the
/// header (a line break: header injection), an address or id that is not one, a header the
/// writer owns.
public struct MailWriterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of refusal; new kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case lineBreak = "line-break"
            case invalidAddress = "invalid-address"
            case invalidMessageID = "invalid-message-id"
            case invalidDomain = "invalid-domain"
            case invalidHeaderName = "invalid-header-name"
            case reservedHeader = "reserved-header"
            case lineTooLong = "line-too-long"
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// A CR or LF in a value that goes into a header.
        public static let lineBreak = Kind(.lineBreak)
        /// An address that is not `local@domain` in ASCII.
        public static let invalidAddress = Kind(.invalidAddress)
        /// A message id with white space, angle brackets or non-ASCII characters.
        public static let invalidMessageID = Kind(.invalidMessageID)
        /// A domain for a message id that is not letters, digits, dots and hyphens.
        public static let invalidDomain = Kind(.invalidDomain)
        /// An extra header's name that is empty or not printable ASCII without `:`.
        public static let invalidHeaderName = Kind(.invalidHeaderName)
        /// An extra header the writer writes itself (`From`, `Subject`, `Content-Type`…).
        public static let reservedHeader = Kind(.reservedHeader)
        /// An extra header's ASCII word longer than a header line may be (998 characters).
        public static let lineTooLong = Kind(.lineTooLong)

        /// The kind's name, e.g. `line-break`.
        public var description: String { code.rawValue }
    }

    /// What was wrong.
    public let kind: Kind
    /// The field of ``OutgoingMail`` (or the extra header) with the bad value, e.g. `subject`,
    /// `to[2].name`, `header List-Unsubscribe`.
    public let field: String
    /// What is wrong and what to do, in lower case.
    public let message: String

    init(_ kind: Kind, field: String, _ message: String) {
        self.kind = kind
        self.field = field
        self.message = message
    }

    /// `FIELD: message`.
    public var description: String { "\(field): \(message)" }
}
