public import Foundation
public import NightshiftCore

/// A mail the pack drafted (a nurture step) in the outbox (`sales_outbox`), until the send job
/// sends it (`send_email` through the gate) or it is discarded (`nightshift outbox list|show`).
///
/// A send is recorded before and after: `draft` → `sending` (with the `Message-ID` it will carry)
/// → `sent`, or back to `draft` with a retry time after a 4xx, or `failed` after a 5xx. A send
/// found `sending` after a crash is resolved by looking its `Message-ID` up in the Sent folder.
public struct OutboxItem: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        case draft, sending, sent, failed, discarded
    }

    /// Made from the prospect, the sequence and the step: a step is drafted once for a prospect.
    public var id: String
    public var tenant: String
    public var prospectID: String
    public var sequence: String
    /// The step's index in its sequence, from 0.
    public var step: Int
    public var recipient: String
    public var subject: String
    public var body: String
    public var state: State
    public var createdAt: Date
    /// The `Message-ID` it is (or was) sent with, chosen before the first attempt.
    public var messageID: String?
    /// The account it is sent through.
    public var account: String?
    /// When it was sent; when the latest attempt began; how many attempts there were.
    public var sentAt: Date?
    public var attemptedAt: Date?
    public var attempts: Int = 0
    /// Not before this time (after a 4xx).
    public var retryAt: Date?
    /// The server's last answer when it failed or was deferred.
    public var lastError: String?
    /// The `send_email` action that waits for the operator's approval, while one does.
    public var approvalID: String?

    public init(
        id: String, tenant: String, prospectID: String, sequence: String, step: Int, recipient: String, subject: String, body: String,
        state: State = .draft, createdAt: Date
    ) {
        self.id = id
        self.tenant = tenant
        self.prospectID = prospectID
        self.sequence = sequence
        self.step = step
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.state = state
        self.createdAt = createdAt
    }

    /// The id of step `step` of `sequence` for `prospect`.
    public static func id(prospect: String, sequence: String, step: Int, tenant: String) -> String {
        "o_" + SHA256Hex.of("\(tenant)\u{1F}\(prospect)\u{1F}\(sequence)\u{1F}\(step)").prefix(20)
    }

    /// The recipient's domain, for the per-domain cap.
    public var recipientDomain: String { recipient.split(separator: "@").last.map { $0.lowercased() } ?? "" }

    /// As `--json` prints it; times in `zone`.
    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "id": .string(id), "prospect": .string(prospectID), "sequence": .string(sequence), "step": .integer(Int64(step + 1)),
            "to": .string(recipient), "subject": .string(subject), "body": .string(body), "state": .string(state.rawValue),
            "created_at": .string(ISO8601.format(createdAt, in: zone)),
        ].merging(sendMembers { .string(ISO8601.format($0, in: zone)) }) { a, _ in a })
    }

    /// What sending adds, times as `time` writes them.
    private func sendMembers(_ time: (Date) -> JSONValue) -> [String: JSONValue] {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return [
            "message_id": text(messageID), "account": text(account), "sent_at": sentAt.map(time) ?? .null,
            "attempted_at": attemptedAt.map(time) ?? .null, "attempts": .integer(Int64(attempts)), "retry_at": retryAt.map(time) ?? .null,
            "last_error": text(lastError), "approval": text(approvalID),
        ]
    }

    var stored: String {
        JSONValue.object([
            "id": .string(id), "tenant": .string(tenant), "prospect": .string(prospectID), "sequence": .string(sequence),
            "step": .integer(Int64(step)), "to": .string(recipient), "subject": .string(subject), "body": .string(body),
            "state": .string(state.rawValue), "created_at": .integer(StoredTime.millis(createdAt)),
        ].merging(sendMembers { .integer(StoredTime.millis($0)) }) { a, _ in a }).canonical
    }

    init(stored text: String) throws(StoredProspectError) {
        guard let value = try? StrictJSON.parse(text), case .object(let members) = value,
              let id = members["id"]?.stringValue, let tenant = members["tenant"]?.stringValue, let prospect = members["prospect"]?.stringValue,
              let sequence = members["sequence"]?.stringValue, case .integer(let step)? = members["step"], let to = members["to"]?.stringValue,
              let state = members["state"]?.stringValue.flatMap(State.init(rawValue:)), case .integer(let created)? = members["created_at"]
        else { throw StoredProspectError(message: "an outbox item's record lacks a field") }
        self.init(
            id: id, tenant: tenant, prospectID: prospect, sequence: sequence, step: Int(step), recipient: to,
            subject: members["subject"]?.stringValue ?? "", body: members["body"]?.stringValue ?? "", state: state, createdAt: StoredTime.date(created)
        )
        func time(_ key: String) -> Date? { if case .integer(let millis)? = members[key] { StoredTime.date(millis) } else { nil } }
        messageID = members["message_id"]?.stringValue
        account = members["account"]?.stringValue
        sentAt = time("sent_at")
        attemptedAt = time("attempted_at")
        if case .integer(let count)? = members["attempts"] { attempts = Int(count) }
        retryAt = time("retry_at")
        lastError = members["last_error"]?.stringValue
        approvalID = members["approval"]?.stringValue
    }
}

/// `draft_nurture_email`: puts one drafted mail in the outbox (with a `drafted` activity), once.
/// The nurture step proposes it, so the policy sees each recipient; executed by the gate only.
public struct DraftHandler: ActionHandler {
    public static let type = "draft_nurture_email"
    public var types: [String] { [Self.type] }
    let store: any SalesStore

    public init(store: any SalesStore) {
        self.store = store
    }

    /// The proposal for `item`, to `prospect`.
    public static func proposal(for item: OutboxItem, prospect: Prospect) -> ProposedAction {
        ProposedAction(
            type: type,
            attributes: [
                "recipient": .string(item.recipient), "sequence": .string(item.sequence), "step": .integer(Int64(item.step + 1)),
                "prospect": .string(prospect.id), "prospect_state": .string(prospect.state.rawValue),
            ],
            payload: .object([
                "id": .string(item.id), "tenant": .string(item.tenant), "prospect": .string(item.prospectID), "sequence": .string(item.sequence),
                "step": .integer(Int64(item.step)), "to": .string(item.recipient), "subject": .string(item.subject), "body": .string(item.body),
                "created_at": .integer(StoredTime.millis(item.createdAt)),
            ]),
            actor: Actor(.pack, "sales"), tenant: item.tenant.isEmpty ? nil : item.tenant,
            summary: "draft \(item.sequence) step \(item.step + 1) to \(item.recipient): \(item.subject)"
        )
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .object(var members) = action.payload else { return .failure("\(action.id) carries no draft") }
        members["state"] = .string(OutboxItem.State.draft.rawValue)
        guard let item = try? OutboxItem(stored: JSONValue.object(members).canonical) else { return .failure("\(action.id) carries no whole draft") }
        do {
            // Never to a prospect not to be contacted, whatever the proposal said.
            guard let prospect = try await store.prospect(item.prospectID, tenant: item.tenant), prospect.state != .doNotContact else {
                return .failure("\(item.prospectID) may not be contacted (or is gone): no draft")
            }
            let activity = ProspectActivity(
                id: ProspectActivity.stableID(.drafted, item.id), tenant: item.tenant, prospectID: item.prospectID, at: item.createdAt, kind: .drafted,
                actor: ProspectActivity.packActor, summary: "drafted \(item.sequence) step \(item.step + 1): \(item.subject)",
                data: .object(["outbox": .string(item.id)])
            )
            let added = try await store.insertOutboxItem(item, activity: activity)
            return ActionResult(succeeded: true, excerpt: added ? "drafted \(item.id)" : "\(item.id) was drafted already")
        } catch {
            return .failure("the draft could not be stored: \(error)")
        }
    }
}
