public import Foundation
public import NightshiftCore

/// Where a prospect stands.
public enum ProspectState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ready to be worked.
    case unengaged
    /// Its record lacks what working it needs (a valid email, a name): for research.
    case broken
    /// In a conversation.
    case engaged
    /// Put aside until its bucket month.
    case parked
    case customer
    /// Never contacted again; the policy forbids sending to it.
    case doNotContact = "do_not_contact"
}

/// One person the operator may sell to, as the sales pack keeps them (`sales_prospects`).
public struct Prospect: Sendable, Hashable {
    public var id: String
    /// The tenant it belongs to; `""` for a workspace without tenants. No query crosses tenants.
    public var tenant: String
    public var name: String?
    public var firstName: String?
    public var lastName: String?
    /// Its addresses, the main one first.
    public var emails: [String]
    public var company: String?
    public var domain: String?
    public var title: String?
    public var phone: String?
    public var source: String?
    /// Its ids in the systems it came from (`activecampaign:123`, a CSV's id column).
    public var externalIDs: [String]
    public var state: ProspectState
    /// Why it is in its state (a broken record's missing field, a parking's reason).
    public var stateReason: String?
    /// The month a parked prospect comes back, `YYYY-MM`.
    public var bucketMonth: String?
    public var score: Double
    public var custom: [String: String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, tenant: String = "", name: String? = nil, firstName: String? = nil, lastName: String? = nil, emails: [String] = [],
        company: String? = nil, domain: String? = nil, title: String? = nil, phone: String? = nil, source: String? = nil,
        externalIDs: [String] = [], state: ProspectState = .unengaged, stateReason: String? = nil, bucketMonth: String? = nil,
        score: Double = 0, custom: [String: String] = [:], createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.firstName = firstName
        self.lastName = lastName
        self.emails = emails
        self.company = company
        self.domain = domain
        self.title = title
        self.phone = phone
        self.source = source
        self.externalIDs = externalIDs
        self.state = state
        self.stateReason = stateReason
        self.bucketMonth = bucketMonth
        self.score = score
        self.custom = custom
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// The main address's identity key (``EmailAddress/identityKey(_:)``): how prospects are found
    /// by address. Nil without one.
    public var emailKey: String? { emails.first.map(EmailAddress.identityKey) }
}

/// The sales pack's tables (docs/PACKS.md, "Tables"): memory, SQLite and PostgreSQL implement it,
/// checked by one conformance suite (`SalesStoreConformance`).
public protocol SalesStore: Store {
    /// Inserts the prospects that are new in one transaction and returns how many were. A prospect
    /// whose id, or whose main address within its tenant, is already stored is left out.
    func insertProspects(_ prospects: [Prospect]) async throws -> Int
    /// The prospect `id` of `tenant`, or nil (another tenant's included).
    func prospect(_ id: String, tenant: String) async throws -> Prospect?
    /// `tenant`'s prospects in `states` (empty: any), oldest first (by creation, then id), at most `limit`.
    func prospects(tenant: String, states: Set<ProspectState>, limit: Int) async throws -> [Prospect]
    /// How many prospects `tenant` has in each state; a state without any is absent.
    func prospectTotals(tenant: String) async throws -> [ProspectState: Int]
    /// Writes each prospect over the stored one of the same id and tenant, in one transaction;
    /// returns how many were stored (a missing one is left out). Its main address must not be
    /// another prospect's of the tenant (the store refuses the transaction).
    func updateProspects(_ prospects: [Prospect]) async throws -> Int
}

/// The tables' schema, for the drivers' migrations.
enum SalesSchema {
    static let sqlite = PackMigration(name: "sales.prospects", sql: """
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
        """)

    static let postgres = PackMigration(name: "sales.prospects", sql: """
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
        """)
}

extension Prospect {
    /// Every field but the tenant as JSON members, dates as `time` writes them: the stored record
    /// and the `prospects … --json` view are both made of it.
    public func members(time: (Date) -> JSONValue) -> [String: JSONValue] {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return [
            "id": .string(id), "name": text(name), "first_name": text(firstName), "last_name": text(lastName),
            "emails": .array(emails.map { .string($0) }), "company": text(company), "domain": text(domain), "title": text(title),
            "phone": text(phone), "source": text(source), "external_ids": .array(externalIDs.map { .string($0) }),
            "state": .string(state.rawValue), "state_reason": text(stateReason), "bucket_month": text(bucketMonth),
            "score": .number(score), "custom": .object(custom.mapValues { .string($0) }),
            "created_at": time(createdAt), "updated_at": time(updatedAt),
        ]
    }

    /// The record as stored (`record`): canonical JSON, dates as ``StoredTime`` milliseconds.
    var stored: String {
        var record = members { .integer(StoredTime.millis($0)) }
        record["tenant"] = .string(tenant)
        return JSONValue.object(record).canonical
    }

    /// A stored record read back; throws naming what is wrong in it.
    init(stored text: String) throws(StoredProspectError) {
        guard let value = try? StrictJSON.parse(text), case .object(let members) = value else {
            throw StoredProspectError(message: "a prospect's record is not a JSON object")
        }
        func string(_ key: String) -> String? { members[key]?.stringValue }
        func strings(_ key: String) -> [String] {
            guard case .array(let items)? = members[key] else { return [] }
            return items.compactMap(\.stringValue)
        }
        func millis(_ key: String) throws(StoredProspectError) -> Date {
            guard case .integer(let value)? = members[key] else { throw StoredProspectError(message: "a prospect's \(key) is missing") }
            return StoredTime.date(value)
        }
        guard let id = string("id"), let tenant = string("tenant"), let state = string("state").flatMap(ProspectState.init(rawValue:)) else {
            throw StoredProspectError(message: "a prospect's record lacks its id, tenant or state")
        }
        var custom: [String: String] = [:]
        if case .object(let fields)? = members["custom"] { custom = fields.compactMapValues(\.stringValue) }
        self.init(
            id: id, tenant: tenant, name: string("name"), firstName: string("first_name"), lastName: string("last_name"), emails: strings("emails"),
            company: string("company"), domain: string("domain"), title: string("title"), phone: string("phone"), source: string("source"),
            externalIDs: strings("external_ids"), state: state, stateReason: string("state_reason"), bucketMonth: string("bucket_month"),
            score: members["score"]?.double ?? 0, custom: custom, createdAt: try millis("created_at"), updatedAt: try millis("updated_at")
        )
    }

}

/// A stored prospect that cannot be read.
public struct StoredProspectError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
