/// What became of a message the server accepted: the recipients it took, the ones it refused and
/// why, and its final reply (whose text usually holds the server's queue id).
public struct SMTPDelivery: Sendable, Hashable {
    /// A recipient the server refused at RCPT TO, and its reply.
    public struct Rejection: Sendable, Hashable, CustomStringConvertible {
        /// The address as given to ``SMTPSession/send(from:to:message:)``.
        public let recipient: String
        /// The server's refusal (4xx or 5xx).
        public let reply: SMTPReply

        /// A refusal of `recipient` with `reply`.
        public init(recipient: String, reply: SMTPReply) {
            self.recipient = recipient
            self.reply = reply
        }

        /// The server's reply code.
        public var code: Int { reply.code }
        /// The server's text.
        public var text: String { reply.text }
        /// A 4xx: sending to this recipient again later may succeed.
        public var isTransient: Bool { reply.isTransientFailure }

        /// `<recipient>: reply`.
        public var description: String { "<\(recipient)>: \(reply)" }
    }

    /// The recipients the server accepted, in the order given.
    public let accepted: [String]
    /// The recipients the server refused, in the order given.
    public let rejected: [Rejection]
    /// The server's reply to the end of the message (250).
    public let reply: SMTPReply

    /// A delivery to `accepted`, with `rejected` refused, ending with `reply`.
    public init(accepted: [String], rejected: [Rejection], reply: SMTPReply) {
        self.accepted = accepted
        self.rejected = rejected
        self.reply = reply
    }

    /// The server's text after the message, e.g. `2.0.0 Ok: queued as 4Xb2Kq0Zt3z9`'s
    /// `Ok: queued as 4Xb2Kq0Zt3z9`.
    public var replyText: String { reply.text }
}
