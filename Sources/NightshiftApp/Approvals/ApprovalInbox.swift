public import Foundation
public import NightshiftCore

/// The approval inbox: what waits for the operator, and their answers. The CLI's `approvals`
/// commands call it (and the HTTP API and MCP server will); it decides nothing of its own: the
/// gate expires, approves (executing through the action's handler) and rejects.
public struct ApprovalInbox: Sendable {
    let app: NightshiftApplication
    let gate: PolicyGate

    /// The inbox of `app`, answered through `gate` (by default the application's).
    public init(_ app: NightshiftApplication, gate: PolicyGate? = nil) {
        self.app = app
        self.gate = gate ?? app.gate
    }

    /// The actions waiting for the operator, newest first: awaiting approval (those past their
    /// expiry are expired first) or interrupted while they executed. `all`: every recent action.
    public func list(all: Bool = false, limit: Int = 50) async throws -> [ActionRecord] {
        guard limit > 0 else { throw AppError.usage("--limit must be at least 1") }
        try await gate.expireDue()
        return try await app.store.actions(ActionQuery(statuses: all ? [] : [.awaitingApproval, .interrupted], limit: limit))
    }

    /// One action, whatever its status.
    public func show(_ id: String) async throws -> ActionRecord {
        guard let record = try await app.store.action(id) else { throw AppError.failure("no action \(id); see nightshift approvals list --all") }
        return record
    }

    /// Approves `id` as `by`: it executes now, once, through its type's handler (see
    /// ``PolicyGate/approve(_:by:note:)``). A refusal is a failure naming why.
    public func approve(_ id: String, by: String, note: String?) async throws -> PolicyGate.Outcome {
        do { return try await gate.approve(id, by: by, note: note) } catch let error as PolicyGate.InboxError {
            throw AppError.failure(error.description)
        }
    }

    /// Rejects `id` as `by`: it never executes.
    public func reject(_ id: String, by: String, note: String?) async throws -> ActionRecord {
        do { return try await gate.reject(id, by: by, note: note) } catch let error as PolicyGate.InboxError {
            throw AppError.failure(error.description)
        }
    }
}
