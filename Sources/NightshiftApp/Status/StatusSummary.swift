public import Foundation
public import NightshiftBuilder
public import NightshiftCore

/// The counts `status` shows — runs running and pending, approvals waiting, the builder's tasks
/// per state — each counted by the store with an index, so `status` costs the same on a store of a
/// thousand runs and tasks as on one of a million.
public struct StatusSummary: Sendable, Hashable {
    public var runningRuns: Int
    public var pendingRuns: Int
    /// Actions awaiting approval that have not expired, and interrupted ones (both wait for the operator).
    public var approvalsWaiting: Int
    /// The builder's tasks per state (every state present), when the workspace has `[builder]`.
    public var queue: [String: Int]?

    public init(runningRuns: Int, pendingRuns: Int, approvalsWaiting: Int, queue: [String: Int]?) {
        self.runningRuns = runningRuns
        self.pendingRuns = pendingRuns
        self.approvalsWaiting = approvalsWaiting
        self.queue = queue
    }

    /// The counts of `app`'s store at `now`, the builder's queue when it has `[builder]`.
    public static func read(of app: NightshiftApplication, at now: Date) async throws -> StatusSummary {
        try await read(from: app.store, countsQueue: app.builderSettings != nil, at: now)
    }

    /// The counts in `store` at `now`; the builder's queue only when `countsQueue`.
    public static func read(from store: any Store, countsQueue: Bool, at now: Date) async throws -> StatusSummary {
        let runs = try await store.runCounts(in: [.running, .pending])
        // Waiting for the operator: parked and still approvable, or cut off while executing (issue 12).
        let waiting = try await store.countActions(ActionQuery(statuses: [.awaitingApproval], unexpiredAt: now))
            + store.countActions(ActionQuery(statuses: [.interrupted]))
        let queue = countsQueue ? QueueStats(totals: try await store.taskTotals(queue: QueueTask.builderQueue)).byState : nil
        return StatusSummary(runningRuns: runs[.running] ?? 0, pendingRuns: runs[.pending] ?? 0, approvalsWaiting: waiting, queue: queue)
    }
}
