import Foundation
import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("queue progress: a waiting task says what its spawn is now")
struct TaskProgressTests {
    func spawn(_ status: ActionStatus) -> ActionRecord {
        ActionRecord(
            id: "act_1", action: ProposedAction(type: "spawn_subagent", attributes: [:], payload: .object([:]), actor: Actor(.pack, "builder")),
            decision: Decision(verdict: .approve, tier: .approval, decidedBy: ["categories.New features"], reason: "New features needs the operator"),
            status: status, runID: nil, createdAt: Date(timeIntervalSince1970: 0)
        )
    }

    @Test("only a spawn still in the inbox is offered for approval; an approved, interrupted or rejected one says so", arguments: [
        (ActionStatus.awaitingApproval, "awaiting approval: nightshift approvals approve act_1 (New features needs the operator)"),
        (.approved, "approved (act_1): its agent is starting in the approving process"),
        (.executing, "approved (act_1): its agent is starting in the approving process"),
        (.interrupted, "approved (act_1), but its start was cut off; approve it again: nightshift approvals approve act_1"),
        (.rejected, "spawn rejected (act_1); the worker cancels the task at its next look"),
        (.expired, "spawn expired (act_1); the worker cancels the task at its next look"),
    ])
    func waiting(status: ActionStatus, expected: String) {
        var task = QueueTask(id: "task_1", queue: "builder", title: "Feature", category: "New features", state: .awaitingApproval, createdAt: .distantPast)
        task.lastError = "awaiting approval: nightshift approvals approve act_1 (New features needs the operator)"
        #expect(TaskProgress(task: task, spawn: spawn(status)).waiting == expected)
    }
}
