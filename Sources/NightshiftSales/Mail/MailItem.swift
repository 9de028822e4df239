public import Foundation
public import NightshiftCore

/// One mail the pack keeps (`sales_mail`): a reply from a prospect that the monitor read and
/// classified, a bounce or complaint about mail Nightshift sent, or mail synced from the Sent
/// folder. Its id comes from the tenant and the `Message-ID`, so reading the same mail twice (a
/// restart, a `UIDVALIDITY` change, a sync after the monitor) keeps it once.
public struct MailItem: Sendable, Hashable {
    /// Which way it went.
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        case received, sent
    }

    /// Where it stands in the review queue. A reply is never acted on for the operator beyond
    /// what keeps a prospect safe (stopping, pausing, suppressing): promoting it is the operator's.
    public enum Review: String, Sendable, Hashable, CaseIterable {
        /// Waits for the operator (`replies review`).
        case pending
        /// The operator moved the prospect on (engaged).
        case promoted
        /// The operator looked and left it.
        case dismissed
        /// The operator marked the prospect do-not-contact.
        case dnc
        /// Not for review (mail Nightshift or the operator sent).
        case none
    }

    /// The reply classes, in the order the classifier tries them.
    public static let classes = ["bounce", "complaint", "ooo", "referral", "not_interested", "interested", "unknown"]

    public var id: String
    public var tenant: String
    /// The `[mail.accounts.NAME]` it came through, and its folder there.
    public var account: String
    public var folder: String
    /// Its IMAP UID in that folder and the folder's `UIDVALIDITY` (nil for Maildir and files).
    public var uid: Int64?
    public var uidValidity: Int64?
    /// Its `Message-ID` without angle brackets; made from a digest of its bytes when it has none.
    public var messageID: String
    public var direction: Direction
    public var from: String
    public var fromName: String?
    public var to: [String]
    public var cc: [String]
    public var subject: String
    /// Its `Date` header, when it has a readable one.
    public var date: Date?
    public var inReplyTo: [String]
    public var references: [String]
    /// The prospect it belongs to, and how that was found (`thread`, `sender`, `report`, `token`).
    public var prospectID: String?
    public var matchedBy: String?
    /// Its class (``classes``) as the classifier read it, and the operator's reclassification.
    public var replyClass: String?
    public var reclassifiedAs: String?
    /// What decided the class, one line each (`Auto-Submitted: auto-replied`, `phrase "not interested" (en)`).
    public var signals: [String]
    /// What the class carries: bounced recipients with action and status, a return date, referrals.
    public var details: JSONValue
    /// The readable text (plain preferred, HTML made text), at most ``textLimit`` characters.
    public var text: String
    /// Its attachments: name, type, size.
    public var attachments: [Attachment]
    /// What the parser could not read as the RFCs say.
    public var problems: [String]
    public var review: Review
    public var reviewedAt: Date?
    public var reviewedBy: String?
    /// When Nightshift read it.
    public var recordedAt: Date

    /// An attachment as the item lists it (its bytes stay in the raw message).
    public struct Attachment: Sendable, Hashable {
        public var name: String?
        public var type: String
        public var size: Int

        public init(name: String?, type: String, size: Int) {
            self.name = name
            self.type = type
            self.size = size
        }
    }

    /// How much text an item keeps.
    public static let textLimit = 64 * 1024

    /// The class that counts: the operator's when they reclassified it.
    public var effectiveClass: String? { reclassifiedAs ?? replyClass }

    /// The id of the mail `messageID` of `tenant`.
    public static func id(messageID: String, tenant: String) -> String {
        "m_" + SHA256Hex.of("\(tenant)\u{1F}\(messageID)").prefix(20)
    }

    public init(
        id: String, tenant: String, account: String, folder: String, uid: Int64? = nil, uidValidity: Int64? = nil, messageID: String,
        direction: Direction, from: String, fromName: String? = nil, to: [String] = [], cc: [String] = [], subject: String = "", date: Date? = nil,
        inReplyTo: [String] = [], references: [String] = [], prospectID: String? = nil, matchedBy: String? = nil, replyClass: String? = nil,
        reclassifiedAs: String? = nil, signals: [String] = [], details: JSONValue = .null, text: String = "", attachments: [Attachment] = [],
        problems: [String] = [], review: Review, reviewedAt: Date? = nil, reviewedBy: String? = nil, recordedAt: Date
    ) {
        self.id = id
        self.tenant = tenant
        self.account = account
        self.folder = folder
        self.uid = uid
        self.uidValidity = uidValidity
        self.messageID = messageID
        self.direction = direction
        self.from = from
        self.fromName = fromName
        self.to = to
        self.cc = cc
        self.subject = subject
        self.date = date
        self.inReplyTo = inReplyTo
        self.references = references
        self.prospectID = prospectID
        self.matchedBy = matchedBy
        self.replyClass = replyClass
        self.reclassifiedAs = reclassifiedAs
        self.signals = signals
        self.details = details
        self.text = text
        self.attachments = attachments
        self.problems = problems
        self.review = review
        self.reviewedAt = reviewedAt
        self.reviewedBy = reviewedBy
        self.recordedAt = recordedAt
    }

    /// Its members; times as `time` writes them. The stored record and the `--json` view are both made of it.
    func members(time: (Date) -> JSONValue) -> [String: JSONValue] {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
        func integer(_ value: Int64?) -> JSONValue { value.map { .integer($0) } ?? .null }
        return [
            "id": .string(id), "account": .string(account), "folder": .string(folder), "uid": integer(uid), "uid_validity": integer(uidValidity),
            "message_id": .string(messageID), "direction": .string(direction.rawValue), "from": .string(from), "from_name": text(fromName),
            "to": strings(to), "cc": strings(cc), "subject": .string(subject), "date": date.map(time) ?? .null,
            "in_reply_to": strings(inReplyTo), "references": strings(references), "prospect": text(prospectID), "matched_by": text(matchedBy),
            "class": text(replyClass), "reclassified_as": text(reclassifiedAs), "signals": strings(signals), "details": details,
            "text": .string(self.text),
            "attachments": .array(attachments.map {
                .object(["name": text($0.name), "type": .string($0.type), "size": .integer(Int64($0.size))])
            }),
            "problems": strings(problems), "review": .string(review.rawValue), "reviewed_at": reviewedAt.map(time) ?? .null,
            "reviewed_by": text(reviewedBy), "recorded_at": time(recordedAt),
        ]
    }

    /// As `--json` prints it; times in `zone`.
    public func json(zone: TimeZone) -> JSONValue {
        var members = members { .string(ISO8601.format($0, in: zone)) }
        members["effective_class"] = effectiveClass.map { .string($0) } ?? .null
        return .object(members)
    }

    var stored: String {
        var record = members { .integer(StoredTime.millis($0)) }
        record["tenant"] = .string(tenant)
        return JSONValue.object(record).canonical
    }

    init(stored text: String) throws(StoredProspectError) {
        guard let value = try? StrictJSON.parse(text), case .object(let m) = value,
              let id = m["id"]?.stringValue, let tenant = m["tenant"]?.stringValue, let messageID = m["message_id"]?.stringValue,
              let direction = m["direction"]?.stringValue.flatMap(Direction.init(rawValue:)),
              let review = m["review"]?.stringValue.flatMap(Review.init(rawValue:)), case .integer(let recorded)? = m["recorded_at"]
        else { throw StoredProspectError(message: "a mail item's record lacks its id, tenant, Message-ID, direction, review or time") }
        func strings(_ key: String) -> [String] {
            if case .array(let items)? = m[key] { return items.compactMap(\.stringValue) }
            return []
        }
        func integer(_ key: String, in members: [String: JSONValue]) -> Int64? { if case .integer(let value)? = members[key] { value } else { nil } }
        func integer(_ key: String) -> Int64? { integer(key, in: m) }
        var attachments: [Attachment] = []
        if case .array(let items)? = m["attachments"] {
            for case .object(let a) in items {
                attachments.append(Attachment(name: a["name"]?.stringValue, type: a["type"]?.stringValue ?? "", size: Int(integer("size", in: a) ?? 0)))
            }
        }
        self.init(
            id: id, tenant: tenant, account: m["account"]?.stringValue ?? "", folder: m["folder"]?.stringValue ?? "", uid: integer("uid"),
            uidValidity: integer("uid_validity"), messageID: messageID, direction: direction, from: m["from"]?.stringValue ?? "",
            fromName: m["from_name"]?.stringValue, to: strings("to"), cc: strings("cc"), subject: m["subject"]?.stringValue ?? "",
            date: integer("date").map(StoredTime.date), inReplyTo: strings("in_reply_to"), references: strings("references"),
            prospectID: m["prospect"]?.stringValue, matchedBy: m["matched_by"]?.stringValue, replyClass: m["class"]?.stringValue,
            reclassifiedAs: m["reclassified_as"]?.stringValue, signals: strings("signals"), details: m["details"] ?? .null,
            text: m["text"]?.stringValue ?? "", attachments: attachments, problems: strings("problems"), review: review,
            reviewedAt: integer("reviewed_at").map(StoredTime.date), reviewedBy: m["reviewed_by"]?.stringValue,
            recordedAt: StoredTime.date(recorded)
        )
    }
}
