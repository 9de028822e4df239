public import Foundation
public import NightshiftCore
public import NightshiftMail
public import NightshiftSales

extension NightshiftApplication {
    /// `[mail]`, or a usage error saying how to add it.
    func mailSettings() throws -> MailSettings {
        guard let settings = configuration.section(MailSettings.self) else {
            throw AppError.usage("no [mail] table in nightshift.toml: add [mail.accounts.NAME] (docs/SALES.md, \"Mail\")")
        }
        return settings
    }

    /// The mail use cases, as the operator.
    public func mailWork() throws -> MailWork {
        MailWork(store: try salesStore(), settings: try mailSettings(), sales: salesSettings, timeZone: configuration.settings.timeZone)
    }

    /// `nightshift mail check [ACCOUNT]`: logs in to each account and reports what it sees,
    /// changing nothing. A failed account is reported with why; the call fails when any did.
    public func checkMail(account: String?) async throws -> (reports: [JSONValue], failed: Bool) {
        let settings = try mailSettings()
        let accounts = try account.map { name in
            guard let found = settings.account(name) else {
                throw AppError.usage("no mail account \"\(name)\"; the accounts are \(settings.accounts.map(\.name).joined(separator: ", "))")
            }
            return [found]
        } ?? settings.accounts
        guard !accounts.isEmpty else { throw AppError.usage("no mail account is configured: add [mail.accounts.NAME] to nightshift.toml") }
        var reports: [JSONValue] = []
        var failed = false
        for account in accounts {
            do {
                let office = try MailWork.postOffice(for: account, environment: ProcessInfo.processInfo.environment)
                var report = try await office.check()
                if case .object(let smtp)? = report["smtp"], smtp["error"] != nil { failed = true }
                report["ok"] = .bool(true)
                reports.append(.object(report))
            } catch {
                failed = true
                reports.append(.object(["account": .string(account.name), "ok": .bool(false), "error": .string("\(error)")]))
            }
        }
        return (reports, failed)
    }

    /// `nightshift mail sync`: reads every account's inbox and Sent folder after their watermarks.
    public func syncMail(accounts: [String], since: Date? = nil) async throws -> MailWork.SyncReport {
        let work = try mailWork()
        let classifier: any ReplyClassifier = work.settings.classifierCommand.isEmpty
            ? work.ruleClassifier : CommandReplyClassifier(gate: gate, runID: nil, fallback: work.ruleClassifier)
        let clock = self.clock
        do { return try await work.sync(accounts: accounts, since: since, classifier: classifier, at: { clock.now() }) } catch let error as MailAccountError {
            throw AppError.usage(error.description)
        }
    }

    /// The classifier `mail classify` uses: the rules with the operator's phrases (and without a
    /// `[mail]` table, the default phrases).
    public func replyClassifier() -> RuleReplyClassifier {
        guard let settings = configuration.section(MailSettings.self) else { return RuleReplyClassifier() }
        return MailWork(store: MemoryStore(), settings: settings, sales: salesSettings, timeZone: configuration.settings.timeZone).ruleClassifier
    }

    /// `nightshift replies list`.
    public func replies(pending: Bool, limit: Int) async throws -> [MailItem] {
        try await salesStore().mailItems(tenant: "", filter: MailFilter(direction: .received, reviews: pending ? [.pending] : [], limit: limit))
    }

    /// `nightshift replies show ID`: the reply and its raw message.
    public func reply(_ id: String) async throws -> (item: MailItem, raw: [UInt8]) {
        let store = try salesStore()
        guard let item = try await store.mailItem(id, tenant: "") else { throw AppError.failure("no reply \(id); see nightshift replies list") }
        return (item, try await store.mailRaw(id, tenant: "") ?? [])
    }

    /// `nightshift replies review ID --promote|--dismiss|--dnc|--reclassify CLASS`.
    public func reviewReply(_ id: String, decision: MailWork.ReviewDecision) async throws -> (item: MailItem, created: [Prospect]) {
        do { return try await mailWork().review(id, decision: decision, by: "operator", at: clock.now()) } catch let error as MailAccountError {
            throw AppError.failure(error.description)
        }
    }

    /// `nightshift unsubscribe TOKEN`.
    public func unsubscribe(token: String) async throws -> Prospect {
        do { return try await mailWork().unsubscribe(token: token, by: "operator", at: clock.now()) } catch let error as MailAccountError {
            throw AppError.failure(error.description)
        } catch let refusal as UnsubscribeToken.Refusal {
            throw AppError.failure("the token is refused: \(refusal.description)")
        }
    }

    /// `nightshift mail suppressions`.
    public func suppressions() async throws -> [Suppression] {
        try await salesStore().suppressions(tenant: "", keys: nil)
    }

    /// The mail with a prospect, oldest first (`prospects show` prints the thread).
    public func prospectMail(_ id: String, limit: Int = 50) async throws -> [MailItem] {
        try await salesStore().mailItems(tenant: "", filter: MailFilter(prospect: id, limit: limit)).reversed()
    }
}
