public import Foundation

/// A message to send, and its rendering as RFC 5322 text.
///
/// ```swift
/// var mail = OutgoingMail(
///     from: MailAddress(name: "Zoë Night", address: "zoe@example.com"),
///     to: [MailAddress(address: "ann@example.org")],
///     subject: "Re: Grüße", text: "Thanks!\n",
///     messageID: try OutgoingMail.makeMessageID(domain: "example.com"), date: now)
/// mail.setReply(to: incoming)                       // In-Reply-To and References
/// mail.extraHeaders = [.init(name: "List-Unsubscribe", value: "<mailto:unsub@example.com>")]
/// let wire = try mail.rendered()                     // CRLF lines, ready for SMTP's DATA
/// ```
///
/// Header values with anything but printable ASCII are written as UTF-8 encoded words (RFC 2047),
/// at most 75 characters each, never splitting a character's bytes between two; header lines are
/// folded to at most 78 characters. The text (and the optional HTML, as `multipart/alternative`)
/// is UTF-8 in quoted-printable, lines at most 76 characters. A CR or LF in any value that goes
/// into a header is refused, so a value can never add a header. Dot-stuffing is SMTP's, not done
/// here. ``MailMessage`` reads what this writes back to the same subject, addresses, ids and
/// text, except that display names lose surrounding white space.
public struct OutgoingMail: Sendable, Hashable {
    /// An extra header field, written after the ones the writer owns.
    public struct Header: Sendable, Hashable {
        /// The field name, e.g. `List-Unsubscribe`.
        public var name: String
        /// The value: printable ASCII is written as given (folded at spaces where lines get long),
        /// anything else as encoded words.
        public var value: String

        /// A field `name: value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The author (`From`).
    public var from: MailAddress
    /// The `To` recipients.
    public var to: [MailAddress]
    /// The `Cc` recipients.
    public var cc: [MailAddress] = []
    /// Where replies should go (`Reply-To`), when not to ``from``.
    public var replyTo: [MailAddress] = []
    /// The subject.
    public var subject: String
    /// The plain text body; any line break in it is written as CRLF.
    public var text: String
    /// An HTML alternative to ``text``; when set the body is `multipart/alternative`.
    public var html: String?
    /// The `Message-ID`, without angle brackets (see ``makeMessageID(domain:)``).
    public var messageID: String
    /// The `Date`.
    public var date: Date
    /// The zone `Date` is written in, in seconds east of UTC.
    public var secondsFromGMT = 0
    /// The ids of `In-Reply-To`, without angle brackets (see ``setReply(to:)``).
    public var inReplyTo: [String] = []
    /// The ids of `References`, oldest first, without angle brackets.
    public var references: [String] = []
    /// Further header fields, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post`.
    public var extraHeaders: [Header] = []
    /// How encoded words are written.
    public var headerEncoding: EncodedWords.Encoding = .shortest

    /// A message from `from` to `to` with `subject` and the plain `text`.
    public init(from: MailAddress, to: [MailAddress], subject: String, text: String, messageID: String, date: Date) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.messageID = messageID
        self.date = date
    }

    /// A new message id `RANDOM@domain`, the random part 128 bits from the system's generator.
    public static func makeMessageID(domain: String) throws(MailWriterError) -> String {
        var generator = SystemRandomNumberGenerator()
        return try makeMessageID(domain: domain, using: &generator)
    }

    /// A new message id `RANDOM@domain`, the random part 128 bits from `generator`.
    public static func makeMessageID(domain: String, using generator: inout some RandomNumberGenerator) throws(MailWriterError) -> String {
        guard !domain.isEmpty, domain.utf8.allSatisfy({ isDomainByte($0) }), !domain.hasPrefix("."), !domain.hasSuffix(".") else {
            if domain.contains(where: { $0 == "\r" || $0 == "\n" }) {
                throw MailWriterError(.lineBreak, field: "domain", "a line break in the domain; give a bare domain such as example.com")
            }
            throw MailWriterError(.invalidDomain, field: "domain", "\"\(domain.prefix(60))\" is not a domain; give letters, digits, dots and hyphens")
        }
        let high = generator.next()
        let low = generator.next()
        return hex(high) + hex(low) + "@" + domain
    }

    /// Makes this message a reply to `original` (RFC 5322 §3.6.4): `In-Reply-To` its id,
    /// `References` its references (or its single `In-Reply-To`) followed by its id. A message
    /// without an id leaves both unchanged.
    public mutating func setReply(to original: MailMessage) {
        guard let parent = original.messageID else { return }
        var chain = original.references
        if chain.isEmpty, original.inReplyTo.count == 1 { chain = original.inReplyTo }
        inReplyTo = [parent]
        references = chain + [parent]
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func isDomainByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
