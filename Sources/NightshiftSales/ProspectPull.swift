public import AsyncHTTPClient
public import Foundation
public import NightshiftCore

/// `[sales.crm]`: where `prospects pull` and the nightly `pull` step get contacts.
///
/// ```toml
/// [sales.crm]
/// kind = "activecampaign"                  # or "hubspot"
/// url = "https://ACCOUNT.api-us1.com"      # HubSpot: https://api.hubapi.com
/// token = "env:ACTIVECAMPAIGN_TOKEN"       # always an env: reference
/// pull_limit = 1000                        # contacts a nightly pull takes at most (the rest next night)
/// page_size = 100
/// rate = 5                                 # requests a second
/// ```
public struct CRMSettings: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case activecampaign, hubspot
    }

    public var kind: Kind
    public var url: String
    /// The variable holding the token.
    public var tokenVariable: String
    public var pullLimit = 1000
    public var pageSize = 100
    public var rate = 5.0

    public init(kind: Kind, url: String, tokenVariable: String) {
        self.kind = kind
        self.url = url
        self.tokenVariable = tokenVariable
    }

    static let keys = ["kind", "url", "token", "pull_limit", "page_size", "rate"]

    init?(reading table: TableReader) {
        defer { table.finish(known: Self.keys) }
        let kind = table.choice("kind", Kind.self)
        var ok = kind != nil
        if !table.has("kind") { table.error("\(table.name("kind")) is missing: \"activecampaign\" or \"hubspot\"", at: table.location) }
        var url = ""
        if let (text, location) = table.string("url") {
            if let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil {
                url = text.hasSuffix("/") ? String(text.dropLast()) : text
            } else {
                table.error("\(table.name("url")) must be an http(s) URL, e.g. \"https://ACCOUNT.api-us1.com\", found \"\(text)\"", at: location)
                ok = false
            }
        } else {
            table.error("\(table.name("url")) is missing: the CRM's API address", at: table.location)
            ok = false
        }
        var variable = ""
        if let (text, location) = table.string("token") {
            if text.hasPrefix("env:"), table.checkEnvironmentReference(text, at: location) {
                variable = String(text.dropFirst(4))
            } else {
                if !text.hasPrefix("env:") {
                    table.error("\(table.name("token")) must be an env:NAME reference; a token never goes in nightshift.toml", at: location)
                }
                ok = false
            }
        } else {
            table.error("\(table.name("token")) is missing: \"env:NAME\", the variable holding the API token", at: table.location)
            ok = false
        }
        guard ok, let kind else { return nil }
        self.init(kind: kind, url: url, tokenVariable: variable)
        if let limit = table.int("pull_limit", in: 1...10_000_000) { pullLimit = limit }
        if let size = table.int("page_size", in: 1...100) { pageSize = size }
        if let rate = table.number("rate", in: 0.1...100, expected: "requests a second between 0.1 and 100") { self.rate = rate }
    }
}

/// What a pull did.
public struct PullReport: Sendable {
    public var fetched = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var pages = 0
    /// Whether the CRM has more (the limit stopped it; the next pull goes on from the cursor).
    public var more = false

    public var json: JSONValue {
        .object([
            "fetched": .integer(Int64(fetched)), "inserted": .integer(Int64(inserted)), "updated": .integer(Int64(updated)),
            "unchanged": .integer(Int64(unchanged)), "pages": .integer(Int64(pages)), "more": .bool(more),
        ])
    }

    public var summary: String {
        "pulled \(fetched) contact\(fetched == 1 ? "" : "s") in \(pages) page\(pages == 1 ? "" : "s"): \(inserted) new, \(updated) updated, \(unchanged) unchanged"
            + (more ? "; more wait in the CRM" : "")
    }
}

/// The pull: pages of contacts from a ``CRMSource``, each page stored in one transaction with the
/// cursor of the next, so a pull cut off (a crash, a failing page) goes on where it stopped and
/// never stores a page twice.
///
/// A contact comes in under an id made from its CRM id (`p_` and a hash), so storing it again finds
/// it. One whose address is stored already (an import's) is updated: a new title or company
/// replaces the old and marks it changed (the groundskeeper's `changed` flag); other fields fill
/// what it lacks; its CRM id is added. When the pull has gone through every page, the next one asks
/// only for what changed since this one started.
public struct ProspectPull: Sendable {
    let store: any SalesStore
    let source: any CRMSource
    let tenant: String
    /// Why it pulls (`nightly`, `replenish`, `operator`): kept on each new prospect's activity.
    let why: String
    /// Contacts asked for a page (`[sales.crm] page_size`).
    let pageSize: Int

    public init(store: any SalesStore, source: any CRMSource, tenant: String = "", why: String = "operator", pageSize: Int = 100) {
        self.pageSize = max(1, pageSize)
        self.store = store
        self.source = source
        self.tenant = tenant
        self.why = why
    }

    /// The cursor names: the page to fetch next, and when the last complete pull started.
    static let cursorName = "crm.cursor"
    static let sinceName = "crm.since"
    /// When the pull under way began: the `since` of the next one once it is through.
    static let startedName = "crm.started"

    /// The prospect id of a CRM contact.
    static func id(for externalID: String, tenant: String) -> String {
        "p_" + SHA256Hex.of("\(tenant)\u{1F}\(externalID)").prefix(20)
    }

    /// Pulls at most `limit` contacts (whole pages), from where the last pull stopped.
    public func run(limit: Int, at now: Date) async throws -> PullReport {
        var report = PullReport()
        var cursor = try await store.salesCursor(tenant: tenant, name: Self.cursorName).flatMap(CRMCursor.init(text:))
        let since = try await store.salesCursor(tenant: tenant, name: Self.sinceName).flatMap { Int64($0) }.map { StoredTime.date($0) }
        // A pull begun under another CRM, or a cursor that no longer reads, starts over.
        if let current = cursor, current.source != source.name { cursor = nil }
        var started = now
        if cursor == nil {
            try await store.setSalesCursor(tenant: tenant, name: Self.startedName, value: String(StoredTime.millis(now)))
        } else if let stored = try await store.salesCursor(tenant: tenant, name: Self.startedName).flatMap({ Int64($0) }) {
            started = StoredTime.date(stored)
        }
        while report.fetched < limit {
            let page = try await source.page(after: cursor, updatedAfter: cursor?.updatedAfter ?? since, limit: min(pageSize, limit - report.fetched))
            report.pages += 1
            report.fetched += page.contacts.count
            try await store(page, next: page.next, report: &report, at: now)
            cursor = page.next
            guard cursor != nil, !page.contacts.isEmpty else { break }
        }
        if cursor == nil {
            try await store.setSalesCursor(tenant: tenant, name: Self.sinceName, value: String(StoredTime.millis(started)))
        } else {
            report.more = true
        }
        return report
    }

    /// Stores one page's contacts and the next cursor.
    private func store(_ page: CRMPage, next: CRMCursor?, report: inout PullReport, at now: Date) async throws {
        let drafts = page.contacts.map { Self.prospect(from: $0, tenant: tenant, at: now) }
        let keys = drafts.compactMap(\.emailKey)
        var stored: [String: Prospect] = [:]
        for prospect in try await store.prospects(tenant: tenant, emailKeys: keys) { if let key = prospect.emailKey { stored[key] = prospect } }
        var inserts: [Prospect] = [], updates: [Prospect] = [], activities: [ProspectActivity] = []
        for draft in drafts {
            let existing: Prospect?
            if let key = draft.emailKey, let found = stored[key] { existing = found } else { existing = try await store.prospect(draft.id, tenant: tenant) }
            guard var prospect = existing else {
                inserts.append(draft)
                activities.append(ProspectActivity(
                    id: ProspectActivity.stableID(.imported, draft.id), tenant: tenant, prospectID: draft.id, at: now, kind: .imported,
                    actor: ProspectActivity.packActor, summary: "pulled from \(source.name) (\(draft.externalIDs.joined(separator: ", ")))",
                    data: .object(["source": .string(source.name), "via": .string(why)])
                ))
                continue
            }
            let changes = Self.update(&prospect, from: draft, at: now)
            guard !changes.isEmpty else { report.unchanged += 1; continue }
            if let change = ProspectAssessment.assess(&prospect, by: ProspectActivity.packActor, at: now) { activities.append(change) }
            updates.append(prospect)
            activities.append(ProspectActivity(
                id: ProspectActivity.makeID(at: now), tenant: tenant, prospectID: prospect.id, at: now, kind: .updated, actor: ProspectActivity.packActor,
                summary: "pulled from \(source.name): \(changes.joined(separator: ", "))", data: .object(["source": .string(source.name)])
            ))
        }
        let inserted = try await store.pullPage(inserts: inserts, updates: updates, activities: activities, cursor: (Self.cursorName, next?.text), tenant: tenant)
        report.inserted += inserted
        report.updated += updates.count
        report.unchanged += inserts.count - inserted
    }

    /// A contact as a new prospect, not yet assessed.
    static func prospect(from contact: CRMContact, tenant: String, at now: Date) -> Prospect {
        let name = [contact.firstName, contact.lastName].compactMap { $0 }.joined(separator: " ")
        return Prospect(
            id: id(for: contact.externalID, tenant: tenant), tenant: tenant, name: name.isEmpty ? nil : name, firstName: contact.firstName,
            lastName: contact.lastName, emails: contact.email.flatMap(EmailAddress.normalised).map { [$0] } ?? [], company: contact.company,
            domain: nil, title: contact.title, phone: contact.phone, source: contact.externalID.split(separator: ":").first.map(String.init),
            externalIDs: [contact.externalID], sourcedAt: now, createdAt: now
        )
    }

    /// Brings `prospect` up to the CRM's `incoming`: a new title or company replaces the old (and
    /// marks it changed), empty fields are filled, the CRM id added. Returns what changed, in words.
    static func update(_ prospect: inout Prospect, from incoming: Prospect, at now: Date) -> [String] {
        var changes: [String] = []
        for (label, path) in [("title", \Prospect.title), ("company", \Prospect.company)] {
            if let new = incoming[keyPath: path], let old = prospect[keyPath: path], new != old {
                changes.append("\(label) \(old) → \(new)")
                prospect[keyPath: path] = new
                prospect.changedAt = now
            }
        }
        if prospect.fillEmpty(from: incoming) { changes.append("filled from the CRM") }
        guard !changes.isEmpty else { return [] }
        prospect.sourcedAt = now
        prospect.updatedAt = now
        return changes
    }
}

/// `pull_prospects`: one pull from `[sales.crm]`, executed by the gate (the step and `prospects
/// pull` propose it). The token is read from the environment when it runs.
public struct PullHandler: ActionHandler {
    public static let type = "pull_prospects"
    public var types: [String] { [Self.type] }
    let store: any SalesStore
    let settings: CRMSettings
    let clock: any WallClock
    let environment: @Sendable () -> [String: String]

    public init(store: any SalesStore, settings: CRMSettings, clock: any WallClock, environment: @escaping @Sendable () -> [String: String]) {
        self.store = store
        self.settings = settings
        self.clock = clock
        self.environment = environment
    }

    /// The proposal for a pull of at most `limit` contacts (`why`: `nightly`, `replenish`, `operator`).
    public static func proposal(limit: Int, why: String, actor: Actor) -> ProposedAction {
        ProposedAction(
            type: type, attributes: ["limit": .integer(Int64(limit)), "why": .string(why)],
            payload: .object(["limit": .integer(Int64(limit)), "why": .string(why)]),
            actor: actor, summary: "pull at most \(limit) contacts from the CRM (\(why))"
        )
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .object(let payload) = action.payload, case .integer(let limit)? = payload["limit"], limit > 0 else {
            return .failure("\(action.id) names no limit")
        }
        let why = payload["why"]?.stringValue ?? "operator"
        guard let token = environment()[settings.tokenVariable], !token.isEmpty else {
            return .failure("\(settings.tokenVariable) is not set in the daemon's environment: the CRM token ([sales.crm] token) is missing")
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var configuration = CRMClientConfiguration()
        configuration.pageSize = settings.pageSize
        configuration.requestsPerSecond = settings.rate
        let source: any CRMSource = switch settings.kind {
        case .activecampaign: ActiveCampaignClient(httpClient: client, baseURL: settings.url, token: token, configuration: configuration)
        case .hubspot: HubSpotClient(httpClient: client, baseURL: settings.url, token: token, configuration: configuration)
        }
        let result: ActionResult
        do {
            let report = try await ProspectPull(store: store, source: source, why: why, pageSize: settings.pageSize).run(limit: Int(limit), at: clock.now())
            result = StepText.result([report.summary], ["pull": report.json])
        } catch let error as CRMError {
            result = .failure("the pull stopped (the next one goes on from there): \(error)")
        } catch {
            result = .failure("the pull stopped: \(error)")
        }
        try? await client.shutdown()
        return result
    }
}
