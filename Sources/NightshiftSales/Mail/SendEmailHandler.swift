public import Foundation
public import NightshiftCore
public import NightshiftMail

/// `send_email`: sends one outbox item through its account — the only code that hands mail to an
/// SMTP server, and only as the gate's handler.
///
/// The send is recorded before and after: the item goes `draft` → `sending` (with the
/// `Message-ID` it carries) before a byte leaves, and `sending` → `sent` once the server took it.
/// A crash between the two leaves `sending`; the next attempt (or the send job) looks the
/// `Message-ID` up in the account's Sent folder and marks it sent when it is there, so a mail is
/// never sent twice and never lost. The hard stops hold here too, whatever was proposed: a
/// do-not-contact prospect or a suppressed address gets nothing.
public struct SendEmailHandler: ActionHandler {
    public static let type = "send_email"
    public var types: [String] { [Self.type] }

    let store: any SalesStore
    let settings: MailSettings
    let sequences: [NurtureSequence]
    let postOffice: @Sendable (MailAccount) throws -> any MailPostOffice
    let unsubscribeSecret: @Sendable () -> String?
    let clock: any WallClock

    public init(
        store: any SalesStore, settings: MailSettings, sequences: [NurtureSequence], clock: any WallClock,
        unsubscribeSecret: @escaping @Sendable () -> String?, postOffice: @escaping @Sendable (MailAccount) throws -> any MailPostOffice
    ) {
        self.store = store
        self.settings = settings
        self.sequences = sequences
        self.clock = clock
        self.unsubscribeSecret = unsubscribeSecret
        self.postOffice = postOffice
    }

    /// The proposal for sending `item` to `prospect` through `account`: the policy sees the
    /// recipient, the prospect's state, the sequence and the account.
    public static func proposal(for item: OutboxItem, prospect: Prospect, account: String) -> ProposedAction {
        ProposedAction(
            type: type,
            attributes: [
                "recipient": .string(item.recipient), "prospect": .string(prospect.id), "prospect_state": .string(prospect.state.rawValue),
                "sequence": .string(item.sequence), "step": .integer(Int64(item.step + 1)), "account": .string(account),
            ],
            payload: .object(["outbox": .string(item.id), "tenant": .string(item.tenant), "account": .string(account)]),
            actor: Actor(.pack, "sales"), tenant: item.tenant.isEmpty ? nil : item.tenant,
            summary: "send \(item.sequence) step \(item.step + 1) to \(item.recipient): \(item.subject)"
        )
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .object(let members) = action.payload, let id = members["outbox"]?.stringValue, let tenant = members["tenant"]?.stringValue else {
            return .failure("\(action.id) names no outbox item")
        }
        do {
            return try await send(id, tenant: tenant, accountName: members["account"]?.stringValue)
        } catch {
            return .failure("the send of \(id) could not be recorded: \(error)")
        }
    }

    /// Sends (or resolves) outbox item `id`.
    func send(_ id: String, tenant: String, accountName: String?) async throws -> ActionResult {
        guard var item = try await store.outboxItem(id, tenant: tenant) else { return .failure("no outbox item \(id)") }
        guard let account = settings.account(accountName ?? item.account) else {
            return .failure("no mail account \(accountName ?? item.account ?? "(none given, and there are several)") in [mail.accounts]")
        }
        let office = try postOffice(account)
        let now = clock.now()
        if item.state == .sent { return ActionResult(succeeded: true, excerpt: "\(id) was sent already (\(item.messageID ?? ""))") }
        if item.state == .sending {
            // Interrupted: the Sent folder says whether the server has it.
            if try await resolve(&item, office: office, at: now) { return ActionResult(succeeded: true, excerpt: "\(id) was sent before an interruption: found in \(account.sent)") }
        }
        guard item.state == .draft || item.state == .sending else { return .failure("\(id) is \(item.state.rawValue): nothing to send") }
        // The hard stops, on every path.
        guard let prospect = try await store.prospect(item.prospectID, tenant: tenant), prospect.state != .doNotContact else {
            try await store.move(&item, to: .discarded, reason: "the prospect may not be contacted (or is gone)", expecting: item.state)
            return .failure("\(item.prospectID) may not be contacted: \(id) discarded, nothing sent")
        }
        // A reply stops the sequence, drafts waiting included; an out-of-office holds it (approved or not).
        if prospect.repliedAt != nil {
            try await store.move(&item, to: .discarded, reason: "the prospect replied: its sequence stopped", expecting: item.state)
            return .failure("\(item.prospectID) replied: \(id) discarded, nothing sent")
        }
        if let paused = prospect.pausedUntil, paused > now {
            return .failure("\(item.prospectID) is away until \(ISO8601.format(paused, in: .gmt)): \(id) waits")
        }
        if let suppression = try await store.suppressions(tenant: tenant, keys: [EmailAddress.identityKey(item.recipient)]).first {
            try await store.move(&item, to: .discarded, reason: "\(item.recipient) is suppressed (\(suppression.reason.rawValue))", expecting: item.state)
            return .failure("\(item.recipient) is suppressed (\(suppression.reason.rawValue)): \(id) discarded, nothing sent")
        }
        // Recorded before a byte leaves.
        let previous = item.state
        if item.messageID == nil { item.messageID = try Self.messageID(for: item, account: account) }
        item.state = .sending
        item.account = account.name
        item.attempts += 1
        item.attemptedAt = now
        item.approvalID = nil
        var before = MailChange(tenant: tenant)
        before.outbox = [(item, previous)]
        guard try await store.applyMail(before) else { return .failure("\(id) changed while it was being sent: left to the next run") }
        let message: [UInt8]
        do { message = try render(item, prospect: prospect, account: account, at: now) } catch {
            try await store.move(&item, to: .failed, reason: "the mail could not be written: \(error)", expecting: .sending)
            return .failure("\(id) could not be written: \(error)")
        }
        switch await office.send(from: account.address, to: [item.recipient], message: message) {
        case .accepted(let reply):
            if account.sentCopy == .append { try? await office.fileSent(message) }
            try await markSent(&item, message: message, prospect: prospect, at: clock.now(), note: reply)
            return ActionResult(succeeded: true, excerpt: "sent \(id) to \(item.recipient) as <\(item.messageID ?? "")>: \(reply)")
        case .deferred(let reply):
            item.retryAt = now.addingTimeInterval(Self.backoff(attempts: item.attempts))
            try await store.move(&item, to: .draft, reason: reply, expecting: .sending)
            return .failure("the server deferred \(id) (tried again after \(ISO8601.format(item.retryAt ?? now, in: .gmt))): \(reply)")
        case .refused(let reply):
            try await store.move(&item, to: .failed, reason: reply, expecting: .sending)
            return .failure("the server refused \(id): \(reply)")
        case .unknown(let reason):
            // Left `sending`: the next run looks in the Sent folder.
            return .failure("\(id) may or may not have been taken (\(reason)); the next send run looks for it in \(account.sent)")
        }
    }

    /// An item found `sending`: sent when the Sent folder has its `Message-ID` (true), else back
    /// to `draft` for another attempt (false).
    func resolve(_ item: inout OutboxItem, office: any MailPostOffice, at now: Date) async throws -> Bool {
        guard let messageID = item.messageID else {
            try await store.move(&item, to: .draft, reason: "interrupted before it had a Message-ID", expecting: .sending)
            return false
        }
        if try await office.sentContains(messageID: messageID) {
            let prospect = try await store.prospect(item.prospectID, tenant: item.tenant)
            try await markSent(&item, message: nil, prospect: prospect, at: now, note: "found in the Sent folder after an interruption")
            return true
        }
        try await store.move(&item, to: .draft, reason: "interrupted, and not in the Sent folder: to be sent again", expecting: .sending)
        return false
    }

    private func markSent(_ item: inout OutboxItem, message: [UInt8]?, prospect: Prospect?, at now: Date, note: String) async throws {
        item.state = .sent
        item.sentAt = now
        item.lastError = nil
        var change = MailChange(tenant: item.tenant)
        change.outbox = [(item, .sending)]
        let messageID = item.messageID ?? ""
        let sent = MailItem(
            id: MailItem.id(messageID: messageID, tenant: item.tenant), tenant: item.tenant, account: item.account ?? "", folder: "outbox",
            messageID: messageID, direction: .sent, from: settings.account(item.account)?.address ?? "", to: [item.recipient], subject: item.subject,
            date: now, prospectID: item.prospectID, matchedBy: "outbox", text: String(item.body.prefix(MailItem.textLimit)), review: .none, recordedAt: now
        )
        change.inserts = [(sent, message ?? [])]
        change.activities = [ProspectActivity(
            id: ProspectActivity.stableID(.emailed, item.id), tenant: item.tenant, prospectID: item.prospectID, at: now, kind: .emailed,
            actor: ProspectActivity.packActor, summary: "sent \(item.sequence) step \(item.step + 1): \(item.subject)",
            data: .object(["outbox": .string(item.id), "message_id": .string(messageID), "server": .string(note)])
        )]
        if var prospect, prospect.lastTouchAt.map({ $0 < now }) ?? true {
            prospect.lastTouchAt = now
            prospect.updatedAt = now
            change.prospects = [prospect]
        }
        guard try await store.applyMail(change) else { throw MailAccountError("\(item.id) changed while its send was recorded") }
    }

    /// The wire form of `item`: From the account, the unsubscribe headers of RFC 8058 with a
    /// token naming the prospect.
    func render(_ item: OutboxItem, prospect: Prospect, account: MailAccount, at now: Date) throws -> [UInt8] {
        var mail = OutgoingMail(
            from: MailAddress(name: account.displayName, address: account.address), to: [MailAddress(name: prospect.name, address: item.recipient)],
            subject: item.subject, text: item.body, messageID: item.messageID ?? "", date: now
        )
        if let secret = unsubscribeSecret(), !secret.isEmpty {
            let token = UnsubscribeToken(tenant: item.tenant, prospectID: item.prospectID).text(secret: secret)
            let mailbox = settings.unsubscribeAddress ?? Self.plusAddress(account.address, tag: "unsubscribe")
            var links = ["<mailto:\(mailbox)?subject=unsubscribe%20\(token)>"]
            if let url = settings.unsubscribeURL { links.append("<\(url)\(url.contains("?") ? "&" : "?")token=\(token)>") }
            mail.extraHeaders.append(OutgoingMail.Header(name: "List-Unsubscribe", value: links.joined(separator: ", ")))
            if settings.unsubscribeURL != nil {
                mail.extraHeaders.append(OutgoingMail.Header(name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"))
            }
        }
        mail.extraHeaders.append(OutgoingMail.Header(name: "X-Nightshift-Outbox", value: item.id))
        return Array(try mail.rendered().utf8)
    }

    /// `local+tag@domain`.
    static func plusAddress(_ address: String, tag: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return address[..<at] + "+" + tag + address[at...]
    }

    /// A `Message-ID` on the account's domain, chosen once per item and kept across attempts.
    static func messageID(for item: OutboxItem, account: MailAccount) throws -> String {
        let domain = account.address.split(separator: "@").last.map(String.init) ?? "nightshift.invalid"
        return "ns-" + item.id.dropFirst(2) + "." + (try OutgoingMail.makeMessageID(domain: domain))
    }

    /// How long a deferred mail waits: 15 minutes, doubling, at most a day.
    static func backoff(attempts: Int) -> TimeInterval {
        min(86_400, 900 * pow(2, Double(max(0, attempts - 1))))
    }
}
