/// Why an IMAP command failed: the server refused it (`NO`, `BAD`), said goodbye (`BYE`), or sent
/// something the client cannot read. Transport failures (a drop, a timeout, TLS) are thrown as
/// ``MailTransportError`` instead.
///
/// Messages name the command (`LOGIN`, `UID FETCH`) but never its arguments, so a password never
/// appears in one; what the server said is kept in ``serverText``.
public struct IMAPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure; new kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case no
            case bad
            case bye
            case malformedResponse = "malformed-response"
            case literalTooLarge = "literal-too-large"
            case responseTooLarge = "response-too-large"
            case unexpectedResponse = "unexpected-response"
            case loginDisabled = "login-disabled"
            case notSupported = "not-supported"
            case invalidArgument = "invalid-argument"
            case wrongState = "wrong-state"
            case busy
            case unusable
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The server answered `NO`: the command was understood and refused (bad password, no
        /// such mailbox, over quota).
        public static let no = Kind(.no)
        /// The server answered `BAD`: it did not understand the command.
        public static let bad = Kind(.bad)
        /// The server said `BYE` and closed the connection (shutdown, idle too long, refused).
        public static let bye = Kind(.bye)
        /// A response did not follow RFC 3501's grammar (or nested too deep).
        public static let malformedResponse = Kind(.malformedResponse)
        /// A literal claimed more bytes than ``IMAPClient/Configuration/maxLiteralSize``.
        public static let literalTooLarge = Kind(.literalTooLarge)
        /// One response ran past ``IMAPClient/Configuration/maxResponseSize``.
        public static let responseTooLarge = Kind(.responseTooLarge)
        /// A response that does not fit where it came (a continuation nobody asked for, a
        /// SELECT without UIDVALIDITY, an unknown tag).
        public static let unexpectedResponse = Kind(.unexpectedResponse)
        /// The server advertises LOGINDISABLED and no AUTH=PLAIN: credentials would go in the
        /// clear, so the client does not send them (start TLS first).
        public static let loginDisabled = Kind(.loginDisabled)
        /// The server lacks a capability the call needs (STARTTLS, IDLE).
        public static let notSupported = Kind(.notSupported)
        /// An argument that cannot be sent (a line break in search criteria, a bad flag).
        public static let invalidArgument = Kind(.invalidArgument)
        /// The call does not fit the session's state (no mailbox selected, already logged in).
        public static let wrongState = Kind(.wrongState)
        /// Another call on the same client is still running: one command at a time.
        public static let busy = Kind(.busy)
        /// An earlier failure left the connection in an unknown state; connect again.
        public static let unusable = Kind(.unusable)

        /// The kind's name, e.g. `malformed-response`.
        public var description: String { code.rawValue }
    }

    /// What went wrong.
    public let kind: Kind
    /// The command's name (`SELECT`, `UID FETCH`), or nil for the greeting and the idle wait.
    public let command: String?
    /// The server's own words (a `NO`/`BAD`/`BYE` text), shortened and cleaned of control bytes.
    public let serverText: String?
    /// What was wrong and what to do, in lower case.
    public let message: String

    init(_ kind: Kind, command: String? = nil, serverText: String? = nil, _ message: String) {
        self.kind = kind
        self.command = command
        self.serverText = serverText.map(Self.clean)
        self.message = message
    }

    /// `IMAP COMMAND: message (server: text)`.
    public var description: String {
        var text = "IMAP"
        if let command { text += " \(command)" }
        text += ": \(message)"
        if let serverText, !serverText.isEmpty { text += " (server: \(serverText))" }
        return text
    }

    /// The same error with each secret replaced, for a server that echoes what it was sent.
    func redacting(_ secrets: [String]) -> IMAPError {
        func redact(_ text: String) -> String {
            secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingAll($1, with: "[redacted]") }
        }
        return IMAPError(kind, command: command, serverText: serverText.map(redact), redact(message))
    }

    /// At most 300 characters, control bytes shown as `?`.
    static func clean(_ text: String) -> String {
        let shown = text.unicodeScalars.prefix(300).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }
        return String(shown) + (text.unicodeScalars.count > 300 ? "…" : "")
    }
}

extension String {
    /// `self` with every `target` replaced.
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
