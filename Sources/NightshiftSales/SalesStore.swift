public import Foundation
public import NightshiftCore

/// The sales pack's tables (docs/PACKS.md, "Tables"): memory, SQLite and PostgreSQL implement it,
/// checked by one conformance suite (`SalesStoreConformance`). No call reads, counts or writes
/// another tenant's rows.
public protocol SalesStore: Store, MailTables {
    /// Inserts the prospects that are new, and the activities of those, in one transaction, and
    /// returns how many prospects went in. A prospect whose id, or whose main address within its
    /// tenant, is already stored is left out, and so are the activities about it.
    func insertProspects(_ prospects: [Prospect], activities: [ProspectActivity]) async throws -> Int
    /// The prospect `id` of `tenant`, or nil (another tenant's included).
    func prospect(_ id: String, tenant: String) async throws -> Prospect?
    /// `tenant`'s prospects whose main address has one of `keys` (``EmailAddress/identityKey(_:)``).
    func prospects(tenant: String, emailKeys keys: [String]) async throws -> [Prospect]
    /// `tenant`'s prospects in `states` (empty: any), oldest first (by creation, then id), at most `limit`.
    func prospects(tenant: String, states: Set<ProspectState>, limit: Int) async throws -> [Prospect]
    /// One page of `tenant`'s prospects in `states` (empty: any), in the order of
    /// ``prospects(tenant:states:limit:)``, after the prospect `after` (its creation time and id;
    /// nil: from the first): for the steps that walk every prospect without holding them all.
    func prospects(tenant: String, states: Set<ProspectState>, after: (createdAt: Date, id: String)?, limit: Int) async throws -> [Prospect]
    /// `tenant`'s prospects with these ids (those that exist), by id.
    func prospects(tenant: String, ids: [String]) async throws -> [Prospect]
    /// What the dedupe step compares, for every prospect of `tenant`: id, addresses, name, company
    /// and domain, read without the rest of each record.
    func dedupeCandidates(tenant: String) async throws -> [DedupeCandidate]
    /// How many prospects `tenant` has in each state; a state without any is absent.
    func prospectTotals(tenant: String) async throws -> [ProspectState: Int]
    /// Writes each prospect over the stored one of the same id and tenant, and adds `activities`,
    /// in one transaction; returns how many prospects were stored (a missing one is left out). Its
    /// main address must not be another prospect's of the tenant (the store refuses the transaction).
    func updateProspects(_ prospects: [Prospect], activities: [ProspectActivity]) async throws -> Int

    /// Adds the activities whose id is not stored yet; returns how many went in.
    func recordActivities(_ activities: [ProspectActivity]) async throws -> Int
    /// `tenant`'s activities, of `prospect` (nil: any) and `kinds` (empty: any), at or after
    /// `since`, ordered by time then id (newest first when `newestFirst`), at most `limit`.
    func activities(
        tenant: String, prospect: String?, kinds: Set<ProspectActivity.Kind>, since: Date?, newestFirst: Bool, limit: Int
    ) async throws -> [ProspectActivity]

    /// Carries out merges in one transaction: for each, the survivor written as `merge.after`, the
    /// merged prospects deleted, the merge kept with its ``ProspectMerge/activity``. A merge whose
    /// survivor or merged prospects are no longer stored as it saw them is left out (a dedupe run
    /// again after a crash finds its merges done). Returns the ids of the merges carried out.
    func applyMerges(_ merges: [ProspectMerge]) async throws -> [String]
    /// `tenant`'s merges into `survivor` (nil: all), newest first.
    func merges(tenant: String, survivor: String?) async throws -> [ProspectMerge]
    /// Undoes the stored merge `merge.id` in one transaction: the survivor written as `survivor`,
    /// the merged prospects stored again, the merge marked undone (at `merge.undoneAt`), the
    /// activities added. Returns false, changing nothing, when the merge is unknown or undone already.
    func undoMerge(_ merge: ProspectMerge, survivor: Prospect, activities: [ProspectActivity]) async throws -> Bool

    /// One page of a pull in one transaction: `inserts` as ``insertProspects(_:activities:)`` (the
    /// activities of those left out are left out), `updates` written, the cursor `cursor.name` set
    /// to `cursor.value` (nil deletes it). Returns how many were inserted.
    func pullPage(
        inserts: [Prospect], updates: [Prospect], activities: [ProspectActivity], cursor: (name: String, value: String?), tenant: String
    ) async throws -> Int

    /// Adds `item` to the outbox with its activity, in one transaction, unless its id is stored;
    /// returns whether it was added.
    func insertOutboxItem(_ item: OutboxItem, activity: ProspectActivity) async throws -> Bool
    /// `tenant`'s outbox items in `states` (empty: any), of `prospect` (nil: any), created at or after
    /// `since`, newest first, at most `limit`.
    func outboxItems(tenant: String, states: Set<OutboxItem.State>, prospect: String?, since: Date?, limit: Int) async throws -> [OutboxItem]
    /// The outbox item `id` of `tenant`, or nil.
    func outboxItem(_ id: String, tenant: String) async throws -> OutboxItem?

    /// A named position the pack keeps per tenant (the CRM pull's cursor, the intel step's last note).
    func salesCursor(tenant: String, name: String) async throws -> String?
    /// Sets it (nil deletes it).
    func setSalesCursor(tenant: String, name: String, value: String?) async throws
}

extension SalesStore {
    /// Inserts the prospects without activities.
    public func insertProspects(_ prospects: [Prospect]) async throws -> Int {
        try await insertProspects(prospects, activities: [])
    }

    /// Writes the prospects without activities.
    public func updateProspects(_ prospects: [Prospect]) async throws -> Int {
        try await updateProspects(prospects, activities: [])
    }
}

/// The part of a prospect the dedupe step compares.
public struct DedupeCandidate: Sendable, Hashable {
    public var id: String
    public var emails: [String]
    public var name: String?
    public var company: String?
    public var domain: String?

    init(_ prospect: Prospect) {
        self.init(id: prospect.id, emails: prospect.emails, name: prospect.name, company: prospect.company, domain: prospect.domain)
    }

    public init(id: String, emails: [String], name: String?, company: String?, domain: String?) {
        self.id = id
        self.emails = emails
        self.name = name
        self.company = company
        self.domain = domain
    }
}

/// Records merged into one (the dedupe step), kept so that the merge can be undone.
public struct ProspectMerge: Sendable, Hashable {
    public var id: String
    public var tenant: String
    public var at: Date
    /// The survivor as it was before.
    public var before: Prospect
    /// The survivor as the merge made it.
    public var after: Prospect
    /// The prospects merged into it, as they were.
    public var merged: [Prospect]
    /// Why they are one (the shared address, the similar name and the block).
    public var reasons: [String]
    /// Who merged them.
    public var actor: String
    public var undoneAt: Date?

    public init(
        id: String, tenant: String, at: Date, before: Prospect, after: Prospect, merged: [Prospect], reasons: [String], actor: String,
        undoneAt: Date? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.at = at
        self.before = before
        self.after = after
        self.merged = merged
        self.reasons = reasons
        self.actor = actor
        self.undoneAt = undoneAt
    }

    public var survivorID: String { after.id }

    /// The `merged` activity on the survivor that the merge adds.
    public var activity: ProspectActivity {
        ProspectActivity(
            id: ProspectActivity.stableID(.merged, id), tenant: tenant, prospectID: survivorID, at: at, kind: .merged, actor: actor,
            summary: "merged \(merged.map { "\($0.id) (\($0.label))" }.joined(separator: ", ")): \(reasons.joined(separator: "; "))",
            data: .object(["merge": .string(id), "merged": .array(merged.map { .string($0.id) })])
        )
    }

    /// The merge as stored: canonical JSON, the prospects as their stored records.
    var stored: String {
        func record(_ prospect: Prospect) -> JSONValue { (try? StrictJSON.parse(prospect.stored)) ?? .null }
        return JSONValue.object([
            "id": .string(id), "tenant": .string(tenant), "at": .integer(StoredTime.millis(at)), "before": record(before),
            "after": record(after), "merged": .array(merged.map(record)), "reasons": .array(reasons.map { .string($0) }),
            "actor": .string(actor), "undone_at": undoneAt.map { .integer(StoredTime.millis($0)) } ?? .null,
        ]).canonical
    }

    /// A stored merge read back.
    init(stored text: String) throws(StoredProspectError) {
        guard let value = try? StrictJSON.parse(text), case .object(let members) = value,
              let id = members["id"]?.stringValue, let tenant = members["tenant"]?.stringValue, case .integer(let at)? = members["at"],
              let before = members["before"], let after = members["after"], case .array(let merged)? = members["merged"]
        else { throw StoredProspectError(message: "a merge's record lacks its id, tenant, time or prospects") }
        func prospect(_ value: JSONValue) throws(StoredProspectError) -> Prospect { try Prospect(stored: value.canonical) }
        var reasons: [String] = []
        if case .array(let items)? = members["reasons"] { reasons = items.compactMap(\.stringValue) }
        var undone: Date?
        if case .integer(let millis)? = members["undone_at"] { undone = StoredTime.date(millis) }
        var mergedProspects: [Prospect] = []
        for item in merged { mergedProspects.append(try prospect(item)) }
        self.init(
            id: id, tenant: tenant, at: StoredTime.date(at), before: try prospect(before), after: try prospect(after), merged: mergedProspects,
            reasons: reasons, actor: members["actor"]?.stringValue ?? "", undoneAt: undone
        )
    }
}

extension ProspectActivity {
    /// The activity as stored: canonical JSON, written member by member in canonical order (an
    /// import writes one per prospect; building a ``JSONValue`` first took a tenth of its time).
    var stored: String {
        var json = CanonicalJSONWriter(capacity: 256)
        json.beginObject()
        json.key("actor")
        json.string(actor)
        json.key("at")
        json.integer(StoredTime.millis(at))
        json.key("data")
        json.value(data)
        json.key("id")
        json.string(id)
        json.key("kind")
        json.string(kind.rawValue)
        json.key("prospect")
        json.string(prospectID)
        json.key("summary")
        json.string(summary)
        json.key("tenant")
        json.string(tenant)
        json.endObject()
        return json.text
    }

    /// The activity made canonical from its members: what ``stored`` must equal.
    var storedCanonically: String {
        JSONValue.object([
            "id": .string(id), "tenant": .string(tenant), "prospect": .string(prospectID), "at": .integer(StoredTime.millis(at)),
            "kind": .string(kind.rawValue), "actor": .string(actor), "summary": .string(summary), "data": data,
        ]).canonical
    }

    /// A stored activity read back.
    init(stored text: String) throws(StoredProspectError) {
        guard let value = try? StrictJSON.parse(text), case .object(let members) = value,
              let id = members["id"]?.stringValue, let tenant = members["tenant"]?.stringValue, let prospect = members["prospect"]?.stringValue,
              case .integer(let at)? = members["at"], let kind = members["kind"]?.stringValue
        else { throw StoredProspectError(message: "an activity's record lacks its id, tenant, prospect, time or kind") }
        self.init(
            id: id, tenant: tenant, prospectID: prospect, at: StoredTime.date(at), kind: Kind(rawValue: kind),
            actor: members["actor"]?.stringValue ?? "", summary: members["summary"]?.stringValue ?? "", data: members["data"] ?? .null
        )
    }
}

/// The tables' schema, for the drivers' migrations.
enum SalesSchema {
    static let sqlite = [
        PackMigration(name: "sales.prospects", sql: """
            CREATE TABLE sales_prospects (
                id TEXT NOT NULL PRIMARY KEY,
                tenant TEXT NOT NULL,
                email_key TEXT,
                state TEXT NOT NULL,
                record TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE UNIQUE INDEX sales_prospects_email ON sales_prospects (tenant, email_key) WHERE email_key IS NOT NULL;
            CREATE INDEX sales_prospects_state ON sales_prospects (tenant, state, created_at, id);
            CREATE INDEX sales_prospects_order ON sales_prospects (tenant, created_at, id);
            """),
        PackMigration(name: "sales.activities", sql: """
            CREATE TABLE sales_activities (
                id TEXT NOT NULL PRIMARY KEY,
                tenant TEXT NOT NULL,
                prospect_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                at INTEGER NOT NULL,
                record TEXT NOT NULL
            ) STRICT;
            CREATE INDEX sales_activities_prospect ON sales_activities (tenant, prospect_id, at, id);
            CREATE INDEX sales_activities_kind ON sales_activities (tenant, kind, at, id);
            CREATE TABLE sales_merges (
                id TEXT NOT NULL PRIMARY KEY,
                tenant TEXT NOT NULL,
                survivor_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                undone INTEGER NOT NULL DEFAULT 0,
                record TEXT NOT NULL
            ) STRICT;
            CREATE INDEX sales_merges_survivor ON sales_merges (tenant, survivor_id, at);
            CREATE TABLE sales_cursors (
                tenant TEXT NOT NULL,
                name TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (tenant, name)
            ) STRICT;
            """),
        PackMigration(name: "sales.outbox", sql: """
            CREATE TABLE sales_outbox (
                id TEXT NOT NULL PRIMARY KEY,
                tenant TEXT NOT NULL,
                prospect_id TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                record TEXT NOT NULL
            ) STRICT;
            CREATE INDEX sales_outbox_created ON sales_outbox (tenant, created_at, id);
            CREATE INDEX sales_outbox_prospect ON sales_outbox (tenant, prospect_id, created_at);
            """),
        PackMigration(name: "sales.mail", sql: """
            CREATE TABLE sales_mail (
                id TEXT NOT NULL PRIMARY KEY,
                tenant TEXT NOT NULL,
                message_id TEXT NOT NULL,
                prospect_id TEXT,
                direction TEXT NOT NULL,
                review TEXT NOT NULL,
                at INTEGER NOT NULL,
                record TEXT NOT NULL,
                raw TEXT NOT NULL
            ) STRICT;
            CREATE INDEX sales_mail_message ON sales_mail (tenant, message_id);
            CREATE INDEX sales_mail_review ON sales_mail (tenant, review, at, id);
            CREATE INDEX sales_mail_prospect ON sales_mail (tenant, prospect_id, at, id);
            CREATE INDEX sales_mail_at ON sales_mail (tenant, at, id);
            CREATE TABLE sales_suppressions (
                tenant TEXT NOT NULL,
                key TEXT NOT NULL,
                at INTEGER NOT NULL,
                record TEXT NOT NULL,
                PRIMARY KEY (tenant, key)
            ) STRICT;
            """),
    ]

    static let postgres = [
        PackMigration(name: "sales.prospects", sql: """
            CREATE TABLE sales_prospects (
                id text COLLATE "C" NOT NULL PRIMARY KEY,
                tenant text COLLATE "C" NOT NULL,
                email_key text COLLATE "C",
                state text COLLATE "C" NOT NULL,
                record text NOT NULL,
                created_at bigint NOT NULL
            );
            CREATE UNIQUE INDEX sales_prospects_email ON sales_prospects (tenant, email_key) WHERE email_key IS NOT NULL;
            CREATE INDEX sales_prospects_state ON sales_prospects (tenant, state, created_at, id);
            CREATE INDEX sales_prospects_order ON sales_prospects (tenant, created_at, id);
            """),
        PackMigration(name: "sales.activities", sql: """
            CREATE TABLE sales_activities (
                id text COLLATE "C" NOT NULL PRIMARY KEY,
                tenant text COLLATE "C" NOT NULL,
                prospect_id text COLLATE "C" NOT NULL,
                kind text COLLATE "C" NOT NULL,
                at bigint NOT NULL,
                record text NOT NULL
            );
            CREATE INDEX sales_activities_prospect ON sales_activities (tenant, prospect_id, at, id);
            CREATE INDEX sales_activities_kind ON sales_activities (tenant, kind, at, id);
            CREATE TABLE sales_merges (
                id text COLLATE "C" NOT NULL PRIMARY KEY,
                tenant text COLLATE "C" NOT NULL,
                survivor_id text COLLATE "C" NOT NULL,
                at bigint NOT NULL,
                undone integer NOT NULL DEFAULT 0,
                record text NOT NULL
            );
            CREATE INDEX sales_merges_survivor ON sales_merges (tenant, survivor_id, at);
            CREATE TABLE sales_cursors (
                tenant text COLLATE "C" NOT NULL,
                name text COLLATE "C" NOT NULL,
                value text NOT NULL,
                PRIMARY KEY (tenant, name)
            );
            """),
        PackMigration(name: "sales.outbox", sql: """
            CREATE TABLE sales_outbox (
                id text COLLATE "C" NOT NULL PRIMARY KEY,
                tenant text COLLATE "C" NOT NULL,
                prospect_id text COLLATE "C" NOT NULL,
                state text COLLATE "C" NOT NULL,
                created_at bigint NOT NULL,
                record text NOT NULL
            );
            CREATE INDEX sales_outbox_created ON sales_outbox (tenant, created_at, id);
            CREATE INDEX sales_outbox_prospect ON sales_outbox (tenant, prospect_id, created_at);
            """),
        PackMigration(name: "sales.mail", sql: """
            CREATE TABLE sales_mail (
                id text COLLATE "C" NOT NULL PRIMARY KEY,
                tenant text COLLATE "C" NOT NULL,
                message_id text COLLATE "C" NOT NULL,
                prospect_id text COLLATE "C",
                direction text COLLATE "C" NOT NULL,
                review text COLLATE "C" NOT NULL,
                at bigint NOT NULL,
                record text NOT NULL,
                raw text NOT NULL
            );
            CREATE INDEX sales_mail_message ON sales_mail (tenant, message_id);
            CREATE INDEX sales_mail_review ON sales_mail (tenant, review, at, id);
            CREATE INDEX sales_mail_prospect ON sales_mail (tenant, prospect_id, at, id);
            CREATE INDEX sales_mail_at ON sales_mail (tenant, at, id);
            CREATE TABLE sales_suppressions (
                tenant text COLLATE "C" NOT NULL,
                key text COLLATE "C" NOT NULL,
                at bigint NOT NULL,
                record text NOT NULL,
                PRIMARY KEY (tenant, key)
            );
            """),
    ]

    /// The tables, in the order `nightshift store migrate` copies them.
    static let tables = ["sales_prospects", "sales_activities", "sales_merges", "sales_cursors", "sales_outbox", "sales_mail", "sales_suppressions"]
}
