import Foundation
import NightshiftCore

/// What the mail tables are asked for: a tenant's mail items, newest first.
public struct MailFilter: Sendable, Hashable {
    public var direction: MailItem.Direction?
    /// Review states wanted (empty: any).
    public var reviews: Set<MailItem.Review>
    public var prospect: String?
    /// Only these `Message-ID`s (nil: any) — thread matching and idempotence look mail up by them.
    public var messageIDs: [String]?
    public var limit: Int

    public init(
        direction: MailItem.Direction? = nil, reviews: Set<MailItem.Review> = [], prospect: String? = nil, messageIDs: [String]? = nil,
        limit: Int = 100
    ) {
        self.direction = direction
        self.reviews = reviews
        self.prospect = prospect
        self.messageIDs = messageIDs
        self.limit = limit
    }
}

/// One transaction of mail work: what the monitor read in one message, a review, a send's record.
/// The conditions (``updates`` and ``outbox`` expecting a state) hold for all of it or none of it
/// is written: ``MailTables/applyMail(_:)`` returns false and changes nothing.
public struct MailChange: Sendable {
    public var tenant: String
    /// Added unless their id is stored (a mail read twice is kept once); their raw bytes with them.
    public var inserts: [(item: MailItem, raw: [UInt8])] = []
    /// Written over the stored item when its review state is still `expecting`.
    public var updates: [(item: MailItem, expecting: MailItem.Review)] = []
    /// Written over the stored prospect of the same id (as ``SalesStore/updateProspects(_:activities:)``).
    public var prospects: [Prospect] = []
    /// Added unless their id is stored.
    public var activities: [ProspectActivity] = []
    /// Added unless the address is suppressed already (the first reason is kept).
    public var suppressions: [Suppression] = []
    /// Written over the stored outbox item when its state is still `expecting`.
    public var outbox: [(item: OutboxItem, expecting: OutboxItem.State)] = []
    /// A sales cursor set in the same transaction (a folder's watermark), nil value deleting it.
    public var cursor: (name: String, value: String?)?

    public init(tenant: String) {
        self.tenant = tenant
    }

    var isEmpty: Bool {
        inserts.isEmpty && updates.isEmpty && prospects.isEmpty && activities.isEmpty && suppressions.isEmpty && outbox.isEmpty && cursor == nil
    }
}

/// The sales pack's mail tables (`sales_mail`, `sales_suppressions`, and the outbox's sending
/// states): memory, SQLite and PostgreSQL, one conformance suite. No call crosses tenants.
public protocol MailTables: Sendable {
    /// Applies `change` in one transaction; false (nothing written) when a condition failed.
    func applyMail(_ change: MailChange) async throws -> Bool
    /// `tenant`'s mail items matching `filter`, newest first (by the time recorded, then id).
    func mailItems(tenant: String, filter: MailFilter) async throws -> [MailItem]
    /// The mail item `id` of `tenant`.
    func mailItem(_ id: String, tenant: String) async throws -> MailItem?
    /// Its raw bytes as they were read.
    func mailRaw(_ id: String, tenant: String) async throws -> [UInt8]?
    /// `tenant`'s suppressions of these identity keys (nil: all of them, oldest first).
    func suppressions(tenant: String, keys: [String]?) async throws -> [Suppression]
}

extension MailTables {
    /// Moves the outbox item to `state`, its last error `reason`, when its stored state is still
    /// `expecting` (one conditional transaction); false, writing nothing, when it was not.
    @discardableResult
    func move(_ item: inout OutboxItem, to state: OutboxItem.State, reason: String, expecting: OutboxItem.State) async throws -> Bool {
        item.state = state
        item.lastError = reason
        var change = MailChange(tenant: item.tenant)
        change.outbox = [(item, expecting)]
        return try await applyMail(change)
    }
}

extension MailChange {
    /// Rows a driver writes for the change's mail items: id, Message-ID, prospect, direction, review, time.
    static func columns(_ item: MailItem) -> (String, String, String?, String, String, Int64) {
        (item.id, item.messageID, item.prospectID, item.direction.rawValue, item.review.rawValue, StoredTime.millis(item.recordedAt))
    }
}
