/// Why an SMTP exchange failed: the stage it failed at, what kind of failure it was, the server's
/// reply when there was one, and whether trying again later may help (``isTransient``).
///
/// The error never holds the password (a server's text during AUTH has any echo of the
/// credentials redacted) nor the message's body.
///
/// ```swift
/// do {
///     let delivery = try await session.send(from: "me@example.com", to: ["ann@example.org"], message: bytes)
/// } catch let error where error.outcomeUnknown {
///     // the connection dropped after the whole message was sent: it may have been delivered
/// } catch let error where error.isTransient {
///     // 4xx or a dropped connection: try again later
/// } catch {
///     // 5xx: tell the operator error.description
/// }
/// ```
public struct SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure; new kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case rejected
            case unexpectedReply = "unexpected-reply"
            case malformedReply = "malformed-reply"
            case notOffered = "not-offered"
            case messageTooLarge = "message-too-large"
            case noRecipientAccepted = "no-recipient-accepted"
            case insecureChannel = "insecure-channel"
            case invalidArgument = "invalid-argument"
            case transport
            case sessionClosed = "session-closed"
            case sessionBusy = "session-busy"
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The server refused with a 4xx (transient) or 5xx (permanent) reply; see ``SMTPError/reply``.
        public static let rejected = Kind(.rejected)
        /// The server answered with a code that makes no sense at this point (250 to DATA).
        public static let unexpectedReply = Kind(.unexpectedReply)
        /// The server's reply could not be read: no three-digit code, a line or a reply too long.
        public static let malformedReply = Kind(.malformedReply)
        /// The server does not offer what is required: STARTTLS, an AUTH mechanism the client
        /// speaks, 8BITMIME for 8-bit content, SMTPUTF8 for a non-ASCII address.
        public static let notOffered = Kind(.notOffered)
        /// The message is larger than the limit the server announced (SIZE); refused before sending.
        public static let messageTooLarge = Kind(.messageTooLarge)
        /// Every recipient was refused; see ``SMTPError/rejectedRecipients``.
        public static let noRecipientAccepted = Kind(.noRecipientAccepted)
        /// The channel is not encrypted where it must be: credentials over plain text without
        /// `allowPlaintext`, or `.tls` asked for over a channel that is not TLS.
        public static let insecureChannel = Kind(.insecureChannel)
        /// An argument cannot be sent safely: an address with a line break or angle brackets, a
        /// host name that is not one, no recipients, a NUL in the credentials.
        public static let invalidArgument = Kind(.invalidArgument)
        /// The connection failed: closed, timed out, TLS failed; see ``SMTPError/transportError``.
        public static let transport = Kind(.transport)
        /// The session was quit, or closed by an earlier failure that left it out of step with the
        /// server; open a new one.
        public static let sessionClosed = Kind(.sessionClosed)
        /// Another call on the session is still running; a session does one thing at a time.
        public static let sessionBusy = Kind(.sessionBusy)

        /// The kind's name, e.g. `not-offered`.
        public var description: String { code.rawValue }
    }

    /// Where in the exchange a failure happened.
    public struct Stage: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case greeting, ehlo, starttls, auth
            case mailFrom = "mail-from"
            case rcptTo = "rcpt-to"
            case data
            case dataEnd = "data-end"
            case reset, quit
        }

        private let code: Code
        /// The recipient, at ``rcptTo(_:)``.
        public let recipient: String?

        private init(_ code: Code, recipient: String? = nil) {
            self.code = code
            self.recipient = recipient
        }

        /// Reading the server's 220 greeting.
        public static let greeting = Stage(.greeting)
        /// EHLO (or HELO), before or after STARTTLS.
        public static let ehlo = Stage(.ehlo)
        /// STARTTLS and the TLS handshake.
        public static let starttls = Stage(.starttls)
        /// AUTH.
        public static let auth = Stage(.auth)
        /// MAIL FROM.
        public static let mailFrom = Stage(.mailFrom)
        /// RCPT TO for `recipient`.
        public static func rcptTo(_ recipient: String) -> Stage { Stage(.rcptTo, recipient: recipient) }
        /// DATA, up to the server's 354.
        public static let data = Stage(.data)
        /// The message's bytes, the final dot and the server's reply to them.
        public static let dataEnd = Stage(.dataEnd)
        /// RSET.
        public static let reset = Stage(.reset)
        /// QUIT.
        public static let quit = Stage(.quit)

        /// The stage's name, e.g. `mail-from`, or `rcpt-to <ann@example.org>`.
        public var description: String {
            guard let recipient else { return code.rawValue }
            return "\(code.rawValue) <\(recipient)>"
        }
    }

    /// What kind of failure it is.
    public let kind: Kind
    /// Where it happened.
    public let stage: Stage
    /// What was wrong and what to do, in lower case.
    public let message: String
    /// The server's reply, when the failure is one (``Kind/rejected``, ``Kind/unexpectedReply``,
    /// the last refusal for ``Kind/noRecipientAccepted``).
    public let reply: SMTPReply?
    /// The connection's failure, for ``Kind/transport`` when the channel threw one.
    public let transportError: MailTransportError?
    /// Each recipient refused and the server's reply, for ``Kind/noRecipientAccepted``.
    public let rejectedRecipients: [SMTPDelivery.Rejection]
    /// True when the whole message and its final dot may have reached the server but its reply
    /// did not come back (the connection dropped, timed out, or the reply was unreadable): the
    /// message may have been delivered, so sending it again may deliver it twice.
    public let outcomeUnknown: Bool

    init(
        _ kind: Kind, stage: Stage, _ message: String, reply: SMTPReply? = nil, transportError: MailTransportError? = nil,
        rejectedRecipients: [SMTPDelivery.Rejection] = [], outcomeUnknown: Bool = false
    ) {
        self.kind = kind
        self.stage = stage
        self.message = message
        self.reply = reply
        self.transportError = transportError
        self.rejectedRecipients = rejectedRecipients
        self.outcomeUnknown = outcomeUnknown
    }

    /// The server's reply code, when there was a reply.
    public var code: Int? { reply?.code }
    /// The server's enhanced status code (`5.1.1`), when it gave one.
    public var enhancedStatus: SMTPReply.EnhancedStatus? { reply?.enhancedStatus }
    /// The server's text, when there was a reply.
    public var serverText: String? { reply?.text }

    /// Whether trying again later may succeed: a 4xx reply, a connection that failed (closed,
    /// timed out, could not connect), or no recipient accepted where some refusal was a 4xx.
    /// False for a 5xx reply and for what retrying cannot change (not offered, too large, bad
    /// arguments, a broken TLS certificate).
    public var isTransient: Bool {
        switch kind {
        case .rejected: reply?.isTransientFailure ?? false
        case .noRecipientAccepted: rejectedRecipients.contains { $0.isTransient }
        case .transport:
            switch transportError {
            case .tls, .protocolViolation, .lineTooLong: false
            case .closed, .timedOut, .connect, nil: true
            }
        default: false
        }
    }

    /// `SMTP stage: message (server: reply)`, with a warning when the outcome is unknown.
    public var description: String {
        var text = "SMTP \(stage): \(message)"
        if let reply { text += " (server: \(reply))" }
        if outcomeUnknown { text += "; the outcome is unknown: the message may have been delivered, check before sending it again" }
        return text
    }
}
