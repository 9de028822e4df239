public import Foundation
public import NightshiftCore
public import NightshiftMail

/// Where a message was read: the account, the folder and its UID there, and which way it went.
public struct MailSource: Sendable, Hashable {
    public var account: String
    public var folder: String
    public var uid: Int64?
    public var uidValidity: Int64?
    public var direction: MailItem.Direction

    public init(account: String, folder: String, uid: Int64? = nil, uidValidity: Int64? = nil, direction: MailItem.Direction) {
        self.account = account
        self.folder = folder
        self.uid = uid
        self.uidValidity = uidValidity
        self.direction = direction
    }
}

/// What the reply monitor and the mail sync do with one message: parse it, find whose it is,
/// classify it, and store it with what keeps the prospect safe — in one transaction with the
/// folder's watermark, so a message is taken once however often it is read.
///
/// It never promotes anyone: every reply waits in the review queue. What it does on its own only
/// ever holds mail back: a reply stops the prospect's sequence, an out-of-office pauses it, a
/// hard bounce or a complaint suppresses the address, a request to be removed makes the prospect
/// do-not-contact.
public struct MailIntake: Sendable {
    /// What became of a message.
    public enum Outcome: Sendable {
        /// Stored (with its effects).
        case stored(MailItem)
        /// Stored before (a restart, a resync, the sync after the monitor).
        case known(String)
        /// Not about a prospect: left alone (only the watermark moved).
        case ignored(String)
    }

    let store: any SalesStore
    let tenant: String
    let classifier: any ReplyClassifier
    /// Reads reports (bounces, complaints) in mail from no prospect.
    let reports = RuleReplyClassifier()
    let settings: MailSettings
    let unsubscribeSecret: String?
    let timeZone: TimeZone

    public init(
        store: any SalesStore, tenant: String, classifier: any ReplyClassifier, settings: MailSettings, unsubscribeSecret: String?,
        timeZone: TimeZone
    ) {
        self.store = store
        self.tenant = tenant
        self.classifier = classifier
        self.settings = settings
        self.unsubscribeSecret = unsubscribeSecret
        self.timeZone = timeZone
    }

    /// Takes `raw`, read from `source` (cut short when `truncated`), at `now`; `cursor` is the
    /// folder's watermark after it, written in the same transaction as a message that is kept.
    /// A message known already or not about a prospect changes nothing, and its watermark is left
    /// to the caller to write now and then (``moveWatermark(_:)``): reading it again after a crash
    /// changes nothing either, and a write per message would cost a transaction each.
    public func take(_ raw: [UInt8], from source: MailSource, truncated: Bool = false, at now: Date, cursor: (name: String, value: String)?) async throws
        -> Outcome
    {
        let message = MailMessage(bytes: raw)
        let messageID = Self.messageID(of: message, raw: raw)
        let id = MailItem.id(messageID: messageID, tenant: tenant)
        var item = Self.item(message, raw: raw, id: id, messageID: messageID, tenant: tenant, source: source, at: now)
        if truncated { item.problems.append("only the first \(raw.count) bytes were fetched (max_message_bytes)") }
        switch source.direction {
        case .sent:
            return try await takeSent(item, raw: raw, message: message, cursor: cursor, at: now)
        case .received:
            return try await takeReply(item, raw: raw, message: message, cursor: cursor, at: now)
        }
    }

    /// Writes a folder's watermark on its own.
    public func moveWatermark(_ cursor: (name: String, value: String)?) async throws {
        guard let cursor else { return }
        var change = MailChange(tenant: tenant)
        change.cursor = (cursor.name, cursor.value)
        _ = try await store.applyMail(change)
    }

    /// Mail from the Sent folder: kept when it went to a prospect, as a touch.
    private func takeSent(_ item: MailItem, raw: [UInt8], message: MailMessage, cursor: (name: String, value: String)?, at now: Date) async throws
        -> Outcome
    {
        let keys = (item.to + item.cc).map(EmailAddress.identityKey)
        guard var prospect = try await store.prospects(tenant: tenant, emailKeys: keys).first else { return .ignored("sent to no prospect") }
        if try await store.mailItem(item.id, tenant: tenant) != nil { return .known(item.id) }
        var item = item
        item.prospectID = prospect.id
        item.matchedBy = "recipient"
        item.review = .none
        var change = MailChange(tenant: tenant)
        change.inserts = [(item, Array(raw.prefix(Self.rawLimit)))]
        let when = item.date ?? now
        change.activities = [ProspectActivity(
            id: ProspectActivity.stableID(.emailed, item.id), tenant: tenant, prospectID: prospect.id, at: when, kind: .emailed,
            actor: "operator", summary: "emailed: \(item.subject)", data: .object(["mail": .string(item.id), "message_id": .string(item.messageID)])
        )]
        if prospect.lastTouchAt.map({ $0 < when }) ?? true {
            prospect.lastTouchAt = when
            prospect.updatedAt = now
            change.prospects = [prospect]
        }
        change.cursor = cursor.map { ($0.name, $0.value) }
        _ = try await store.applyMail(change)
        return .stored(item)
    }

    /// A reply, bounce or complaint: matched, classified, stored for review with its safe effects.
    /// Mail from no prospect in no known thread (most of an inbox) is only asked whether it is a
    /// report about mail Nightshift sent; its text is never read.
    private func takeReply(_ item: MailItem, raw: [UInt8], message: MailMessage, cursor: (name: String, value: String)?, at now: Date) async throws
        -> Outcome
    {
        var item = item
        // An unsubscribe token (the List-Unsubscribe mailto's subject) names the prospect outright.
        var tokenProspect: String?
        if let secret = unsubscribeSecret {
            for candidate in Self.tokens(in: item.subject + " " + item.text) {
                if let token = try? UnsubscribeToken(checking: candidate, secret: secret), token.tenant == tenant {
                    tokenProspect = token.prospectID
                    break
                }
            }
        }
        var match = try await conversation(item, tokenProspect: tokenProspect)
        let report = match == nil ? reports.report(in: message) : nil
        // Too malformed to say whose it is: kept for the operator to read.
        let unreadable = item.from.isEmpty && !item.problems.isEmpty
        guard match != nil || report != nil || unreadable else { return .ignored("from no prospect and in no thread Nightshift knows") }
        // Whether it was taken before is asked only now: most of an inbox is about nobody and is
        // never stored, so the look-up would only cost a read each.
        if try await store.mailItem(item.id, tenant: tenant) != nil { return .known(item.id) }
        var classification: ReplyClassification
        if match != nil {
            classification = await classifier.classify(message, reference: message.date ?? now)
        } else if let report {
            classification = report
            match = try await reported(by: report)
        } else {
            classification = ReplyClassification(replyClass: .unknown, signals: [ReplySignal(.structure, "the sender could not be read")])
        }
        if let tokenProspect, match?.prospect.id == tokenProspect {
            classification.replyClass = .notInterested
            classification.unsubscribe = true
            classification.signals.insert(ReplySignal(.header, "unsubscribe token of the List-Unsubscribe link"), at: 0)
        }
        item.prospectID = match?.prospect.id
        item.matchedBy = match?.by
        item.replyClass = classification.replyClass.rawValue
        item.signals = classification.signals.map(\.description)
        item.details = Self.details(classification)
        if let match, classification.replyClass != .bounce, classification.replyClass != .complaint, case .object(var members) = item.details {
            // People copied on a reply in a known thread: contacts the operator may want (`002`'s
            // "save all contact info from emails"), proposed, never added on their own.
            let own = Set(settings.accounts.map { EmailAddress.identityKey($0.address) } + match.prospect.emails.map(EmailAddress.identityKey))
            var seen = own.union([EmailAddress.identityKey(item.from)])
            let copied = (message.cc + message.to).filter { address in
                guard EmailAddress.normalised(address.address) != nil else { return false }
                return seen.insert(EmailAddress.identityKey(address.address)).inserted
            }
            if !copied.isEmpty {
                members["cc_contacts"] = .array(copied.prefix(20).map {
                    .object(["name": $0.name.map { .string($0) } ?? .null, "address": .string($0.address.lowercased())])
                })
                item.details = .object(members)
            }
        }
        item.review = .pending
        var change = MailChange(tenant: tenant)
        change.inserts = [(item, Array(raw.prefix(Self.rawLimit)))]
        effects(of: classification, item: item, prospect: match?.prospect, at: now, into: &change)
        change.cursor = cursor.map { ($0.name, $0.value) }
        _ = try await store.applyMail(change)
        return .stored(item)
    }

    /// The prospect a conversation belongs to: by thread (the mail it answers), by the unsubscribe
    /// token, then by sender (never one of the operator's own addresses).
    func conversation(_ item: MailItem, tokenProspect: String?) async throws -> (prospect: Prospect, by: String)? {
        if let found = try await thread(item.inReplyTo + item.references) { return (found, "thread") }
        if let id = tokenProspect, let prospect = try await store.prospect(id, tenant: tenant) { return (prospect, "token") }
        guard !item.from.isEmpty else { return nil }
        let own = Set(settings.accounts.map { EmailAddress.identityKey($0.address) })
        let key = EmailAddress.identityKey(item.from)
        guard !own.contains(key), let prospect = try await store.prospects(tenant: tenant, emailKeys: [key]).first else { return nil }
        return (prospect, "sender")
    }

    /// The prospect a report is about: the mail it reports on, else a bounced or complaining recipient.
    func reported(by report: ReplyClassification) async throws -> (prospect: Prospect, by: String)? {
        if let id = report.reportedMessageID, let found = try await thread([id]) { return (found, "thread") }
        let addresses = report.bounces.map(\.address) + [report.complaint?.originalRecipient].compactMap { $0 }
        guard !addresses.isEmpty, let prospect = try await store.prospects(tenant: tenant, emailKeys: addresses.map(EmailAddress.identityKey)).first
        else { return nil }
        return (prospect, "report")
    }

    /// The prospect of the mail Nightshift sent or synced with one of these `Message-ID`s.
    func thread(_ ids: [String]) async throws -> Prospect? {
        guard !ids.isEmpty else { return nil }
        for known in try await store.mailItems(tenant: tenant, filter: MailFilter(messageIDs: Array(Set(ids)), limit: 50)) {
            if let id = known.prospectID, let prospect = try await store.prospect(id, tenant: tenant) { return prospect }
        }
        return nil
    }

    /// What a classified reply does on its own: only what holds mail back.
    func effects(of classification: ReplyClassification, item: MailItem, prospect: Prospect?, at now: Date, into change: inout MailChange) {
        let when = item.date ?? now
        var suppressions: [Suppression] = []
        for bounce in classification.bounces where bounce.isHard {
            suppressions.append(Suppression(
                tenant: tenant, address: bounce.address, reason: .bounce, at: now, source: item.id,
                detail: "\(bounce.status) \(bounce.diagnostic ?? "")".trimmingCharacters(in: .whitespaces)
            ))
        }
        if classification.replyClass == .complaint, let complaint = classification.complaint {
            let address = complaint.originalRecipient ?? prospect?.emails.first
            if let address {
                suppressions.append(Suppression(tenant: tenant, address: address, reason: .complaint, at: now, source: item.id, detail: complaint.feedbackType))
            }
        }
        if classification.unsubscribe, let address = prospect?.emails.first ?? (item.from.isEmpty ? nil : item.from) {
            suppressions.append(Suppression(tenant: tenant, address: address, reason: .unsubscribe, at: now, source: item.id, detail: "asked to be removed"))
        }
        change.suppressions = suppressions
        guard var prospect else { return }
        let before = prospect
        var activities: [ProspectActivity] = []
        let summary: String
        switch classification.replyClass {
        case .bounce:
            let hard = classification.bounces.filter(\.isHard)
            if hard.contains(where: { EmailAddress.identityKey($0.address) == prospect.emailKey }) {
                prospect.flags.insert(.bounced)
                prospect.bouncedAt = now
            }
            summary = hard.isEmpty
                ? "a soft bounce: " + classification.bounces.map { "\($0.address) \($0.status)" }.joined(separator: ", ")
                : "bounced: " + hard.map { "\($0.address) \($0.status)" }.joined(separator: ", ")
        case .complaint:
            prospect.repliedAt = when
            summary = "complained (\(classification.complaint?.feedbackType ?? "abuse")): the address is suppressed"
        case .ooo:
            let back = classification.returnDate.flatMap { Self.date(year: $0.year, month: $0.month, day: $0.day, in: timeZone) } ?? when.addingTimeInterval(7 * 86_400)
            prospect.pausedUntil = max(back, prospect.pausedUntil ?? back)
            summary = "out of office" + (classification.returnDate.map { " until \($0)" } ?? "") + ": the sequence waits"
        default:
            prospect.repliedAt = when
            prospect.lastTouchAt = max(when, prospect.lastTouchAt ?? when)
            summary = "replied (\(classification.replyClass.rawValue)): \(item.subject)"
        }
        if classification.unsubscribe, prospect.state != .doNotContact {
            activities.append(ProspectActivity(
                id: ProspectActivity.stableID(.state, item.id), tenant: tenant, prospectID: prospect.id, at: now, kind: .state, actor: ProspectActivity.packActor,
                summary: "\(prospect.state.rawValue) → do_not_contact: asked to be removed",
                data: .object(["from": .string(prospect.state.rawValue), "to": .string(ProspectState.doNotContact.rawValue), "mail": .string(item.id)])
            ))
            prospect.state = .doNotContact
            prospect.stateReason = "asked to be removed (\(item.id))"
        }
        activities.insert(ProspectActivity(
            id: ProspectActivity.stableID(.replied, item.id), tenant: tenant, prospectID: prospect.id, at: when, kind: .replied,
            actor: ProspectActivity.packActor, summary: summary,
            data: .object(["mail": .string(item.id), "class": .string(classification.replyClass.rawValue), "message_id": .string(item.messageID)])
        ), at: 0)
        change.activities = activities
        if prospect != before {
            prospect.updatedAt = now
            change.prospects = [prospect]
        }
    }

    /// How many bytes of a message are kept.
    static let rawLimit = 1 << 20

    /// The message's `Message-ID`, or one made from a digest of its bytes.
    static func messageID(of message: MailMessage, raw: [UInt8]) -> String {
        if let id = message.messageID?.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t")), !id.isEmpty { return id }
        return "sha256-" + SHA256Hex.of(Data(raw)).prefix(32) + "@nightshift.invalid"
    }

    /// A mail item of `message`, before matching and classifying.
    static func item(_ message: MailMessage, raw: [UInt8], id: String, messageID: String, tenant: String, source: MailSource, at now: Date) -> MailItem {
        let from = message.from.first
        return MailItem(
            id: id, tenant: tenant, account: source.account, folder: source.folder, uid: source.uid, uidValidity: source.uidValidity,
            messageID: messageID, direction: source.direction, from: from?.address.lowercased() ?? "", fromName: from?.name,
            to: message.to.map { $0.address.lowercased() }, cc: message.cc.map { $0.address.lowercased() }, subject: message.subject ?? "",
            date: message.date, inReplyTo: message.inReplyTo, references: message.references, text: String(message.text.prefix(MailItem.textLimit)),
            attachments: message.attachments.map { MailItem.Attachment(name: $0.filename, type: $0.mimeType, size: $0.size) },
            problems: message.problems.prefix(20).map(\.description), review: .none, recordedAt: now
        )
    }

    /// What a classification carries, as the item keeps it.
    static func details(_ classification: ReplyClassification) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if !classification.bounces.isEmpty {
            members["bounces"] = .array(classification.bounces.map {
                .object([
                    "address": .string($0.address), "action": .string($0.action), "status": .string($0.status),
                    "diagnostic": $0.diagnostic.map { .string($0) } ?? .null, "hard": .bool($0.isHard),
                ])
            })
        }
        if let id = classification.reportedMessageID { members["reported_message_id"] = .string(id) }
        if let complaint = classification.complaint {
            members["complaint"] = .object([
                "feedback_type": .string(complaint.feedbackType), "original_recipient": complaint.originalRecipient.map { .string($0) } ?? .null,
            ])
        }
        if let day = classification.returnDate { members["return_date"] = .string(day.description) }
        if !classification.referrals.isEmpty {
            members["referrals"] = .array(classification.referrals.map {
                .object(["name": $0.name.map { .string($0) } ?? .null, "address": .string($0.address)])
            })
        }
        if classification.unsubscribe { members["unsubscribe"] = .bool(true) }
        let contact = classification.contact
        if !contact.isEmpty {
            members["contact"] = .object([
                "name": contact.name.map { .string($0) } ?? .null, "title": contact.title.map { .string($0) } ?? .null,
                "company": contact.company.map { .string($0) } ?? .null, "phones": .array(contact.phones.map { .string($0) }),
                "emails": .array(contact.emails.map { .string($0) }), "websites": .array(contact.websites.map { .string($0) }),
            ])
        }
        if let language = classification.language { members["language"] = .string(language) }
        return .object(members)
    }

    /// The start of a day in `zone`.
    static func date(year: Int, month: Int, day: Int, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))
    }

    /// The `u1.…` tokens in `text`.
    static func tokens(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "u1.") {
            let tail = rest[start.lowerBound...]
            let token = tail.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }
            if token.split(separator: ".", omittingEmptySubsequences: false).count == 3 { found.append(String(token)) }
            rest = rest[start.upperBound...]
            if found.count >= 5 { break }
        }
        return found
    }
}
