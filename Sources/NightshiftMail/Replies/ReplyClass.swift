/// What a reply to outgoing mail is, in the order the classifier decides it: a delivery failure,
/// a spam complaint, an automatic reply, a pointer to someone else, a refusal, interest, or none
/// of these.
///
/// The raw values are the names the configuration, the CLI's `--json` and the store use.
public enum ReplyClass: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A delivery status notification (RFC 3464) or a mail server's failure notice: the address
    /// did not take the mail.
    case bounce
    /// A feedback report (RFC 5965 ARF): a mailbox provider says its user marked the mail as spam.
    case complaint
    /// An automatic reply (RFC 3834): out of office, on leave, left the company.
    case ooo
    /// A person points to someone else, by address in the text or in `Cc`.
    case referral
    /// A refusal, including requests to be removed (see ``ReplyClassification/unsubscribe``).
    case notInterested = "not_interested"
    /// Interest: a call, a demo, more information.
    case interested
    /// Nothing the rules recognise; for a person to read.
    case unknown

    /// The raw value, e.g. `not_interested`.
    public var description: String { rawValue }
}
