public import Foundation
public import NightshiftCore
public import NightshiftMail

/// The mail use cases of one tenant (docs/SALES.md, "Mail"): the monitor and sync, the send run,
/// the review queue and unsubscribing. The CLI and the pack's steps call the same functions.
public struct MailWork: Sendable {
    public let store: any SalesStore
    public let settings: MailSettings
    public let sales: SalesSettings
    public let timeZone: TimeZone
    public let tenant: String
    let environment: @Sendable () -> [String: String]
    let postOffice: @Sendable (MailAccount) throws -> any MailPostOffice

    public init(
        store: any SalesStore, settings: MailSettings, sales: SalesSettings, timeZone: TimeZone, tenant: String = "",
        environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment },
        postOffice: (@Sendable (MailAccount) throws -> any MailPostOffice)? = nil
    ) {
        self.store = store
        self.settings = settings
        self.sales = sales
        self.timeZone = timeZone
        self.tenant = tenant
        self.environment = environment
        self.postOffice = postOffice ?? { account in try Self.postOffice(for: account, environment: environment()) }
    }

    /// The servers of `account`: a Maildir, or IMAP and SMTP with the password from the environment.
    public static func postOffice(for account: MailAccount, environment: [String: String]) throws -> any MailPostOffice {
        if let path = account.maildir {
            return MaildirPostOffice(account: account, path: path, password: account.passwordVariable.flatMap { environment[$0] })
        }
        guard let variable = account.passwordVariable else { throw MailAccountError("\(account.name) has no password (password = \"env:NAME\")") }
        guard let password = environment[variable], !password.isEmpty else {
            throw MailAccountError("\(account.name): the variable \(variable) is not set; it holds the account's password")
        }
        return NetworkPostOffice(account: account, password: password)
    }

    /// The key of the unsubscribe tokens, when configured and set.
    public var unsubscribeSecret: String? {
        settings.unsubscribeSecretVariable.flatMap { environment()[$0] }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The rule-based classifier with the operator's phrases.
    public var ruleClassifier: RuleReplyClassifier {
        var additions: [ReplyPhrases.Category: [String]] = [:]
        for (name, list) in settings.phrases {
            if let category = ReplyPhrases.Category(rawValue: name) { additions[category] = list }
        }
        return RuleReplyClassifier(phrases: ReplyPhrases(adding: additions))
    }

    func accounts(_ names: [String]) throws -> [MailAccount] {
        guard !settings.accounts.isEmpty else { throw MailAccountError("no mail account is configured: add [mail.accounts.NAME] to nightshift.toml") }
        if names.isEmpty { return settings.accounts }
        return try names.map { name in
            guard let account = settings.account(name) else {
                throw MailAccountError("no mail account \"\(name)\"; the accounts are \(settings.accounts.map(\.name).joined(separator: ", "))")
            }
            return account
        }
    }

    // MARK: Monitor and sync

    /// What a sync did, per folder.
    public struct SyncReport: Sendable {
        public struct Folder: Sendable {
            public var account: String
            public var folder: String
            public var direction: MailItem.Direction
            public var fetched = 0
            public var stored = 0
            public var known = 0
            public var ignored = 0
            public var resynced = false
            public var error: String?
        }

        public var folders: [Folder] = []
        /// Replies stored, by class.
        public var classes: [String: Int] = [:]

        public var received: Int { folders.filter { $0.direction == .received }.map(\.stored).reduce(0, +) }
        public var sent: Int { folders.filter { $0.direction == .sent }.map(\.stored).reduce(0, +) }
        public var failed: Bool { folders.contains { $0.error != nil } }

        public var json: JSONValue {
            .object([
                "received": .integer(Int64(received)), "sent": .integer(Int64(sent)),
                "classes": .object(classes.mapValues { .integer(Int64($0)) }),
                "folders": .array(folders.map {
                    .object([
                        "account": .string($0.account), "folder": .string($0.folder), "direction": .string($0.direction.rawValue),
                        "fetched": .integer(Int64($0.fetched)), "stored": .integer(Int64($0.stored)), "known": .integer(Int64($0.known)),
                        "ignored": .integer(Int64($0.ignored)), "resynced": .bool($0.resynced), "error": $0.error.map { .string($0) } ?? .null,
                    ])
                }),
            ])
        }
    }

    /// Reads each account's inbox (replies) and Sent folder (activity) after their watermarks,
    /// each message taken once; `classifier` reads the replies. A folder that fails is reported
    /// and the others are read.
    /// With `since`, each folder is read again from that day, whatever its watermark (a backfill:
    /// what was taken is recognised by its `Message-ID`), and the watermarks are left as they are.
    public func sync(
        accounts names: [String] = [], since: Date? = nil, classifier: any ReplyClassifier, at now: @escaping @Sendable () -> Date
    ) async throws -> SyncReport {
        var report = SyncReport()
        let intake = MailIntake(store: store, tenant: tenant, classifier: classifier, settings: settings, unsubscribeSecret: unsubscribeSecret, timeZone: timeZone)
        for account in try accounts(names) {
            for (folder, direction) in [(account.inbox, MailItem.Direction.received), (account.sent, .sent)] {
                var entry = SyncReport.Folder(account: account.name, folder: folder, direction: direction)
                do {
                    let office = try postOffice(account)
                    let cursor = MailWatermark.cursorName(account: account.name, folder: folder)
                    let watermark = try await store.salesCursor(tenant: tenant, name: cursor).flatMap(MailWatermark.init)
                    let tally = Tally()
                    let read = try await office.read(folder: folder, after: watermark, since: since, maxBytes: settings.maximumMessageBytes) { fetched in
                        let source = MailSource(account: account.name, folder: folder, uid: fetched.uid, uidValidity: fetched.uidValidity, direction: direction)
                        let mark = since == nil ? (cursor, fetched.watermark.description) : nil
                        let outcome = try await intake.take(fetched.bytes, from: source, truncated: fetched.truncated, at: now(), cursor: mark)
                        // A kept message wrote its watermark with it; the others' is written every
                        // so often (reading them again changes nothing).
                        if tally.add(outcome, mark: fetched.watermark.description), let mark { try await intake.moveWatermark(mark) }
                    }
                    // Where the folder stands at the end: after the last message, or (an empty or
                    // resynced read) as the server said. A backfill (`since`) leaves it.
                    if since == nil, let mark = read.watermark, mark != watermark {
                        try await store.setSalesCursor(tenant: tenant, name: cursor, value: mark.description)
                    }
                    let counts = tally.snapshot
                    entry.fetched = counts.fetched
                    entry.stored = counts.stored
                    entry.known = counts.known
                    entry.ignored = counts.ignored
                    entry.resynced = read.resynced
                    for (name, count) in counts.classes { report.classes[name, default: 0] += count }
                } catch {
                    entry.error = "\(error)"
                }
                report.folders.append(entry)
            }
        }
        return report
    }

    // MARK: Review

    /// What the operator decides about a reply.
    public enum ReviewDecision: Sendable, Hashable {
        /// The prospect moves to `engaged`; referrals become prospects; the signature fills empty fields.
        case promote
        case dismiss
        /// The prospect becomes do-not-contact and its address is suppressed.
        case doNotContact
        /// Another class; the reply stays in the queue.
        case reclassify(String)
    }

    /// Records `decision` on the pending reply `id`; returns it as stored, and the prospects the
    /// referrals made.
    public func review(_ id: String, decision: ReviewDecision, by actor: String, at now: Date) async throws -> (item: MailItem, created: [Prospect]) {
        guard var item = try await store.mailItem(id, tenant: tenant) else { throw MailAccountError("no reply \(id)") }
        guard item.review == .pending else {
            throw MailAccountError("\(id) was reviewed already (\(item.review.rawValue)\(item.reviewedBy.map { " by \($0)" } ?? ""))")
        }
        var change = MailChange(tenant: tenant)
        var created: [Prospect] = []
        var prospect = try await item.prospectID.asyncMap { try await store.prospect($0, tenant: tenant) } ?? nil
        let before = prospect
        switch decision {
        case .reclassify(let name):
            guard MailItem.classes.contains(name) else {
                throw MailAccountError("\"\(name)\" is not a class; the classes are \(MailItem.classes.joined(separator: ", "))")
            }
            item.reclassifiedAs = name
        case .dismiss:
            item.review = .dismissed
        case .doNotContact:
            item.review = .dnc
            let address = prospect?.emails.first ?? item.from
            if !address.isEmpty { change.suppressions = [Suppression(tenant: tenant, address: address, reason: .operator, at: now, source: item.id, detail: "marked from the review queue")] }
            if var current = prospect, current.state != .doNotContact {
                change.activities.append(Self.stateActivity(current, to: .doNotContact, item: item, by: actor, at: now))
                current.state = .doNotContact
                current.stateReason = "marked do-not-contact reviewing \(item.id)"
                prospect = current
            }
        case .promote:
            item.review = .promoted
            if var current = prospect {
                if ![.doNotContact, .customer, .engaged].contains(current.state) {
                    change.activities.append(Self.stateActivity(current, to: .engaged, item: item, by: actor, at: now))
                    current.state = .engaged
                    current.stateReason = "replied (\(item.effectiveClass ?? "reply")), promoted by \(actor)"
                }
                Self.fill(&current, from: item.details)
                prospect = current
            }
            created = try await referrals(of: item, by: actor, at: now)
            change.activities += created.map {
                ProspectActivity(
                    id: ProspectActivity.stableID(.imported, item.id, $0.id), tenant: tenant, prospectID: $0.id, at: now, kind: .imported, actor: actor,
                    summary: "referred in \(item.id) by \(item.from)", data: .object(["mail": .string(item.id)])
                )
            }
        }
        item.reviewedAt = now
        item.reviewedBy = actor
        if case .reclassify = decision {
            item.reviewedAt = nil
            item.reviewedBy = nil
        }
        change.updates = [(item, .pending)]
        if var prospect, prospect != before {
            prospect.updatedAt = now
            change.prospects = [prospect]
        }
        if !created.isEmpty { _ = try await store.insertProspects(created) }
        guard try await store.applyMail(change) else { throw MailAccountError("\(id) was reviewed meanwhile; look again with replies show \(id)") }
        return (item, created)
    }

    static func stateActivity(_ prospect: Prospect, to state: ProspectState, item: MailItem, by actor: String, at now: Date) -> ProspectActivity {
        ProspectActivity(
            id: ProspectActivity.stableID(.state, item.id, state.rawValue), tenant: prospect.tenant, prospectID: prospect.id, at: now, kind: .state,
            actor: actor, summary: "\(prospect.state.rawValue) → \(state.rawValue): reviewing the reply \(item.id)",
            data: .object(["from": .string(prospect.state.rawValue), "to": .string(state.rawValue), "mail": .string(item.id)])
        )
    }

    /// Fills the prospect's empty title, company and phone from the reply's signature.
    static func fill(_ prospect: inout Prospect, from details: JSONValue) {
        guard case .object(let members) = details, case .object(let contact)? = members["contact"] else { return }
        prospect.title = prospect.title ?? contact["title"]?.stringValue
        prospect.company = prospect.company ?? contact["company"]?.stringValue
        if prospect.phone == nil, case .array(let phones)? = contact["phones"] { prospect.phone = phones.first?.stringValue }
    }

    /// The people a reply referred to or copied in, as new prospects (those not stored already).
    func referrals(of item: MailItem, by actor: String, at now: Date) async throws -> [Prospect] {
        guard case .object(let members) = item.details else { return [] }
        var list: [JSONValue] = []
        for key in ["referrals", "cc_contacts"] { if case .array(let items)? = members[key] { list += items } }
        var fresh: [Prospect] = []
        var taken: Set<String> = []
        for case .object(let referral) in list {
            guard let address = referral["address"]?.stringValue.flatMap(EmailAddress.normalised),
                  taken.insert(EmailAddress.identityKey(address)).inserted else { continue }
            if try await !store.prospects(tenant: tenant, emailKeys: [EmailAddress.identityKey(address)]).isEmpty { continue }
            let name = referral["name"]?.stringValue
            let domain = address.split(separator: "@").last.map(String.init)
            var prospect = Prospect(
                id: "p_" + SHA256Hex.of("\(tenant)\u{1F}\(item.id)\u{1F}\(address)").prefix(20), tenant: tenant, name: name, emails: [address],
                company: item.prospectID == nil ? nil : try await store.prospect(item.prospectID!, tenant: tenant)?.company, domain: domain,
                source: "referral:\(item.from)", createdAt: now
            )
            if name == nil { prospect.state = .broken; prospect.stateReason = "referred without a name" }
            fresh.append(prospect)
        }
        return fresh
    }

    // MARK: Unsubscribe

    /// Unsubscribes the prospect a token names: do-not-contact, its addresses suppressed.
    public func unsubscribe(token text: String, by actor: String, at now: Date) async throws -> Prospect {
        guard let secret = unsubscribeSecret else {
            throw MailAccountError("no unsubscribe secret: set [mail] unsubscribe_secret = \"env:NAME\" and the variable it names")
        }
        let token = try UnsubscribeToken(checking: text, secret: secret)
        guard token.tenant == tenant, var prospect = try await store.prospect(token.prospectID, tenant: tenant) else {
            throw MailAccountError("the token names \(token.prospectID), which is not a prospect here")
        }
        var change = MailChange(tenant: tenant)
        change.suppressions = prospect.emails.map {
            Suppression(tenant: tenant, address: $0, reason: .unsubscribe, at: now, source: prospect.id, detail: "unsubscribed with the token (\(actor))")
        }
        if prospect.state != .doNotContact {
            change.activities = [ProspectActivity(
                id: ProspectActivity.stableID(.state, "unsubscribe", prospect.id), tenant: tenant, prospectID: prospect.id, at: now, kind: .state,
                actor: actor, summary: "\(prospect.state.rawValue) → do_not_contact: unsubscribed",
                data: .object(["from": .string(prospect.state.rawValue), "to": .string(ProspectState.doNotContact.rawValue)])
            )]
            prospect.state = .doNotContact
            prospect.stateReason = "unsubscribed"
            prospect.updatedAt = now
            change.prospects = [prospect]
        }
        _ = try await store.applyMail(change)
        return prospect
    }
}

/// What a folder's messages became (the read's callback is `@Sendable`).
final class Tally: @unchecked Sendable {
    struct Counts {
        var fetched = 0, stored = 0, known = 0, ignored = 0, unwritten = 0
        var classes: [String: Int] = [:]
    }

    // Written by the read's callback, one message after another, read after the read: the lock
    // only makes that order plain to the compiler.
    private let lock = NSLock()
    private var counts = Counts()

    /// How many messages after the last written watermark may go unwritten.
    static let watermarkEvery = 500

    /// Counts `outcome`; true when the watermark is due to be written (``watermarkEvery``
    /// messages went by since the last one written).
    func add(_ outcome: MailIntake.Outcome, mark: String) -> Bool {
        lock.withLock {
            counts.fetched += 1
            switch outcome {
            case .stored(let item):
                counts.stored += 1
                if let name = item.replyClass { counts.classes[name, default: 0] += 1 }
                counts.unwritten = 0
                return false
            case .known: counts.known += 1
            case .ignored: counts.ignored += 1
            }
            counts.unwritten += 1
            guard counts.unwritten >= Self.watermarkEvery else { return false }
            counts.unwritten = 0
            return true
        }
    }

    var snapshot: Counts { lock.withLock { counts } }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
