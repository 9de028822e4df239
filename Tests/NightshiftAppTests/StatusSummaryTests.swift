import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore
import Testing

/// The counts `status` shows, made by the store.
@Suite("Status summary")
struct StatusSummaryTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("running and pending runs, approvals still approvable or interrupted, and the builder's tasks per state")
    func counts() async throws {
        let store = MemoryStore(), now = Self.now
        for (index, state) in [RunState.pending, .pending, .running, .succeeded, .failed, .missed].enumerated() {
            let at = now.addingTimeInterval(Double(index - 10) * 60)
            #expect(try await store.insertRun(RunRecord(id: "r_\(index)", job: "backup", slot: at, trigger: .schedule, state: state, createdAt: at)))
        }
        for (id, status, expires) in [
            ("a_waiting", ActionStatus.awaitingApproval, now.addingTimeInterval(3600)), ("a_forever", .awaitingApproval, nil),
            ("a_expired", .awaitingApproval, now), ("a_done", .executed, nil), ("a_cut_off", .interrupted, now.addingTimeInterval(-30)),
        ] as [(String, ActionStatus, Date?)] {
            let record = ActionRecord(
                id: id, action: ProposedAction(type: "send_email", actor: Actor(.job, "nurture")),
                decision: Decision(verdict: .approve, tier: .approval, decidedBy: ["catalog.send_email"], reason: "mail waits"),
                status: status, runID: nil, createdAt: now.addingTimeInterval(-60), expiresAt: expires
            )
            try await store.insertAction(record, audit: AuditEntry(kind: .decision, at: now, actor: "job:nurture", subject: id, data: .object([:])))
        }
        for state in [TaskState.succeeded, .succeeded, .queued, .running] {
            _ = try await store.insertTask(QueueTask(queue: QueueTask.builderQueue, title: "t", state: state, createdAt: now))
        }
        _ = try await store.insertTask(QueueTask(queue: "other", title: "t", state: .queued, createdAt: now))

        let summary = try await StatusSummary.read(from: store, countsQueue: true, at: now)
        #expect(summary.runningRuns == 1)
        #expect(summary.pendingRuns == 2)
        #expect(summary.approvalsWaiting == 3, "two approvable, one interrupted while it executed")
        #expect(summary.queue?.count == TaskState.allCases.count)
        #expect(summary.queue?["succeeded"] == 2)
        #expect(summary.queue?["queued"] == 1)
        #expect(summary.queue?["blocked"] == 0)

        let withoutBuilder = try await StatusSummary.read(from: store, countsQueue: false, at: now)
        #expect(withoutBuilder.queue == nil)
        #expect(withoutBuilder.approvalsWaiting == 3)
    }

    @Test("an empty store counts nothing")
    func empty() async throws {
        let summary = try await StatusSummary.read(from: MemoryStore(), countsQueue: true, at: Self.now)
        #expect(summary == StatusSummary(runningRuns: 0, pendingRuns: 0, approvalsWaiting: 0, queue: Dictionary(
            uniqueKeysWithValues: TaskState.allCases.map { ($0.rawValue, 0) })))
    }
}
