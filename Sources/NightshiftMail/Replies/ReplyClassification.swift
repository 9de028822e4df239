/// What a ``ReplyClassifier`` made of one message: its class, why, and what the monitor acts on
/// (the addresses to suppress, the return date, the people to propose, a request to be removed).
public struct ReplyClassification: Sendable, Hashable {
    /// The class.
    public var replyClass: ReplyClass
    /// The signals that decided the class, deciding ones first.
    public var signals: [ReplySignal]
    /// For a bounce: each recipient of the delivery report, with its action and status.
    public var bounces: [BounceRecipient]
    /// For a bounce or a complaint: the `Message-ID` of the mail it reports on (from the
    /// returned message or its headers), without angle brackets; the monitor matches it to the
    /// mail Nightshift sent.
    public var reportedMessageID: String?
    /// For a complaint: what the feedback report says.
    public var complaint: ComplaintReport?
    /// For an automatic reply: the day the text names as the end of the absence, when it names one.
    public var returnDate: MailDay?
    /// People the text points to (by address, or introduced and in `Cc`), to propose as prospects.
    public var referrals: [ReferredContact]
    /// Whether the sender asked to be removed: the address goes on the do-not-contact list.
    public var unsubscribe: Bool
    /// The text that was classified: the reply without quoted mail and signature (empty for
    /// bounces and complaints, which are read from their reports).
    public var text: String
    /// The signature block cut from the reply (empty when none was found).
    public var signature: String
    /// The sender's details read from ``signature`` (see ``MailSignature``).
    public var contact: SignatureContact
    /// The language the text seems to be in (`en`, `de`, `fr`, `es`), when it could tell.
    public var language: String?

    /// A classification with the given fields.
    public init(
        replyClass: ReplyClass, signals: [ReplySignal] = [], bounces: [BounceRecipient] = [], reportedMessageID: String? = nil,
        complaint: ComplaintReport? = nil, returnDate: MailDay? = nil, referrals: [ReferredContact] = [], unsubscribe: Bool = false,
        text: String = "", signature: String = "", contact: SignatureContact = SignatureContact(), language: String? = nil
    ) {
        self.replyClass = replyClass
        self.signals = signals
        self.bounces = bounces
        self.reportedMessageID = reportedMessageID
        self.complaint = complaint
        self.returnDate = returnDate
        self.referrals = referrals
        self.unsubscribe = unsubscribe
        self.text = text
        self.signature = signature
        self.contact = contact
        self.language = language
    }
}

/// One reason for a classification, e.g. `header: Auto-Submitted: auto-replied` or
/// `phrase: "not interested" (en)`.
public struct ReplySignal: Sendable, Hashable, CustomStringConvertible {
    /// Where a signal comes from.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A header field, e.g. `Auto-Submitted` or a subject prefix.
        case header
        /// A phrase of ``ReplyPhrases`` in the text.
        case phrase
        /// The MIME structure, e.g. a `message/delivery-status` part.
        case structure
        /// A model command's answer.
        case model
    }

    /// Where it comes from.
    public var kind: Kind
    /// What it is, short, for people: `Auto-Submitted: auto-replied`, `phrase "kein Interesse" (de)`.
    public var text: String

    /// A signal of `kind` saying `text`.
    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    /// `kind: text`.
    public var description: String { "\(kind.rawValue): \(text)" }
}

/// One recipient of a delivery status notification (RFC 3464 §2.3).
public struct BounceRecipient: Sendable, Hashable {
    /// The address that failed (`Final-Recipient`), as written; for a report without fields,
    /// the address the failure notice names.
    public var address: String
    /// The address as first given (`Original-Recipient`), when the report says.
    public var originalRecipient: String?
    /// The `Action`, in lower case: `failed`, `delayed`, `delivered`, `relayed`, `expanded`;
    /// empty when missing.
    public var action: String
    /// The `Status`, e.g. `5.1.1`; when the field is missing, the class read from the diagnostic
    /// (`550` gives `5.0.0`); empty when neither says.
    public var status: String
    /// The `Diagnostic-Code` text without its type, e.g. `550 5.1.1 User unknown`.
    public var diagnostic: String?

    /// A recipient with the given fields.
    public init(address: String, originalRecipient: String? = nil, action: String, status: String, diagnostic: String? = nil) {
        self.address = address
        self.originalRecipient = originalRecipient
        self.action = action
        self.status = status
        self.diagnostic = diagnostic
    }

    /// A permanent failure (status 5.x.x): the address is suppressed and the prospect flagged.
    public var isHard: Bool { status.hasPrefix("5") }
    /// A transient failure (status 4.x.x): counted; the address stays.
    public var isSoft: Bool { status.hasPrefix("4") }
}

/// What an RFC 5965 feedback report says about a complaint.
public struct ComplaintReport: Sendable, Hashable {
    /// The `Feedback-Type`, in lower case: `abuse`, `fraud`, `virus`, `not-spam`, `other`…
    public var feedbackType: String
    /// The `Original-Rcpt-To` address: who complained; nil when the report leaves it out.
    public var originalRecipient: String?
    /// The `Original-Mail-From` address (the envelope sender of the reported mail).
    public var originalMailFrom: String?
    /// The `User-Agent` of the reporting system.
    public var userAgent: String?

    /// A report with the given fields.
    public init(feedbackType: String, originalRecipient: String? = nil, originalMailFrom: String? = nil, userAgent: String? = nil) {
        self.feedbackType = feedbackType
        self.originalRecipient = originalRecipient
        self.originalMailFrom = originalMailFrom
        self.userAgent = userAgent
    }

    /// Whether the user marked the mail as spam (`abuse`): the address is suppressed.
    public var isAbuse: Bool { feedbackType == "abuse" }
}

/// Someone a reply points to, to propose as a prospect.
public struct ReferredContact: Sendable, Hashable {
    /// The name, when the text (or the `Cc` field) gives one.
    public var name: String?
    /// The address, as written.
    public var address: String

    /// A contact with an optional `name`.
    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }
}
