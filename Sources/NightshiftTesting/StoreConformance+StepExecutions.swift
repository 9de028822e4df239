import Foundation
import NightshiftCore

extension StoreConformance {
    /// The checkpoint that also records the execution of the step's action: one write, the
    /// execution kept even when the checkpoint is refused.
    public static let stepExecutionCases: [StoreConformanceCase] = [
        StoreConformanceCase("finishStep recording: the execution, the finish and the begin of the next step are written together") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            _ = try await store.beginStep("c_a", index: 0, fence: fence, at: Fixture.at(5))
            // Fields the execution does not set keep their values (note, counted_at); the ones it sets change.
            var decided = actionFixture("a_1", runID: "c_a", created: 5)
            decided.note = "from the planner"
            decided.outcome = "waiting"
            try await store.insertAction(decided, audit: auditFixture(.decision, subject: "a_1", at: 5))
            let execution = StepExecutionFixture.execution("a_1", at: 8)
            let checkpoint = try await store.finishStep(
                "c_a", index: 0, state: .succeeded, excerpt: "planned", output: #"{"tasks": 3}"#, error: nil, overrunSeconds: 0.5,
                thenBegin: 1, recording: execution, fence: fence, at: Fixture.at(9)
            )
            var expected = decided
            execution.update.apply(to: &expected)
            try check(checkpoint.executionRecorded, "the execution of an allowed action was not recorded")
            try checkAction(try await store.action("a_1"), expected)
            try check(checkpoint.finished, "the checkpoint of a running step and a pending one was not written")
            var steps = CycleFixture.steps(of: "c_a")
            steps[0].state = .succeeded
            steps[0].attempt = 1
            steps[0].startedAt = Fixture.at(5)
            steps[0].finishedAt = Fixture.at(9)
            steps[0].excerpt = "planned"
            steps[0].output = #"{"tasks": 3}"#
            steps[0].overrunSeconds = 0.5
            steps[1].state = .running
            steps[1].attempt = 1
            steps[1].startedAt = Fixture.at(9)
            try checkStep(checkpoint.begun, steps[1])
            let stored = try await store.steps(of: "c_a")
            for index in 0..<3 { try checkStep(stored[index], steps[index]) }
            let trail = try await store.auditRecords(AuditQuery())
            try checkEqual(trail.map(\.kind), [.decision, .execution], "audit kinds")
            try checkEqual(trail[1].data.canonical, execution.audit.data.canonical, "the execution's audit data")
            try check(AuditChain.verify(trail, head: try await store.auditHead()) == nil, "the chain does not verify")

            // The last step: finished alone.
            try await store.insertAction(actionFixture("a_2", runID: "c_a", created: 9), audit: auditFixture(.decision, subject: "a_2", at: 9))
            let last = try await store.finishStep(
                "c_a", index: 1, state: .failed, excerpt: nil, output: nil, error: "exit 1", overrunSeconds: nil,
                thenBegin: nil, recording: StepExecutionFixture.execution("a_2", at: 10, succeeded: false), fence: fence, at: Fixture.at(10)
            )
            try check(last.finished && last.begun == nil, "the finish alone was not written, or began a step")
            try check(last.executionRecorded, "the second execution was not recorded")
            try checkEqual(try await store.action("a_2")?.status, .failed, "the second action's status")
            try checkEqual(try await store.steps(of: "c_a").map(\.state), [.succeeded, .failed, .pending], "step states")
            try checkEqual(try await store.auditRecords(AuditQuery()).map(\.kind), [.decision, .execution, .decision, .execution], "audit kinds")
        },

        StoreConformanceCase("finishStep recording: a refused checkpoint still records the execution; an unexpected status records none") { store in
            let old = try await CycleFixture.insertStarted("c_a", in: store)
            _ = try await store.beginStep("c_a", index: 0, fence: old, at: Fixture.at(5))
            let before = try await store.steps(of: "c_a")
            for (id, at) in [("a_1", 5.0), ("a_2", 6.0), ("a_3", 7.0)] {
                try await store.insertAction(actionFixture(id, runID: "c_a", created: at), audit: auditFixture(.decision, subject: id, at: at))
            }
            // The lease expired at 60 s: the action was executed all the same.
            let expired = try await store.finishStep(
                "c_a", index: 0, state: .succeeded, excerpt: nil, output: "{}", error: nil, overrunSeconds: nil,
                thenBegin: 1, recording: StepExecutionFixture.execution("a_1", at: 60), fence: old, at: Fixture.at(60)
            )
            try check(!expired.finished && expired.begun == nil, "a checkpoint at the lease's expiry was written")
            try check(expired.executionRecorded, "the execution of a refused checkpoint was not recorded")
            try checkEqual(try await store.action("a_1")?.status, .executed, "the stored action of a refused checkpoint")
            try checkEqual(try await store.steps(of: "c_a"), before, "steps after the expired fence's checkpoint")
            let current = try granted(try await store.acquireLease(old.key, owner: "owner-b", ttl: 600, at: Fixture.at(100)), "takeover").fence
            let stale = try await store.finishStep(
                "c_a", index: 0, state: .succeeded, excerpt: nil, output: "{}", error: nil, overrunSeconds: nil,
                thenBegin: nil, recording: StepExecutionFixture.execution("a_2", at: 101), fence: old, at: Fixture.at(101)
            )
            try check(!stale.finished, "a checkpoint with a stale token was written")
            try checkEqual(try await store.action("a_2")?.status, .executed, "the action of a stale fence's checkpoint")
            try checkEqual(try await store.steps(of: "c_a"), before, "steps after the stale fence's checkpoint")
            // A next step that is not pending: neither the finish nor the begin; the execution is.
            let notPending = try await store.finishStep(
                "c_a", index: 0, state: .succeeded, excerpt: nil, output: "{}", error: nil, overrunSeconds: nil,
                thenBegin: 0, recording: StepExecutionFixture.execution("a_3", at: 102), fence: current, at: Fixture.at(102)
            )
            try check(!notPending.finished && notPending.begun == nil, "a checkpoint beginning a running step was written")
            try checkEqual(try await store.action("a_3")?.status, .executed, "the action of a checkpoint whose begin was refused")
            try checkEqual(try await store.steps(of: "c_a"), before, "steps after the refused begin")
            try checkEqual(try await store.auditRecords(AuditQuery()).count, 6, "audit records: three decisions, three executions")
            // An action no longer in an expected status: nothing for it, the checkpoint all the same.
            let again = try await store.finishStep(
                "c_a", index: 0, state: .succeeded, excerpt: nil, output: "{}", error: nil, overrunSeconds: nil,
                thenBegin: 1, recording: StepExecutionFixture.execution("a_1", at: 103), fence: current, at: Fixture.at(103)
            )
            try check(!again.executionRecorded, "an execution from an unexpected status was recorded")
            try check(again.finished && again.begun?.index == 1, "the checkpoint was not written")
            try checkEqual(try await store.auditRecords(AuditQuery()).count, 6, "audit records after an execution from an unexpected status")
            try checkEqual(try await store.steps(of: "c_a").map(\.state), [.succeeded, .running, .pending], "step states")
            let chain = try await store.auditRecords(AuditQuery())
            try check(AuditChain.verify(chain, head: try await store.auditHead()) == nil, "the chain does not verify")
        },
    ]
}

enum StepExecutionFixture {
    /// The execution of an allowed action, at `at` seconds after the epoch, as the gate records it.
    static func execution(_ id: String, at: Double, succeeded: Bool = true) -> ActionExecution {
        ActionExecution(
            actionID: id, expected: [.allowed],
            update: ActionUpdate(
                status: succeeded ? .executed : .failed, executionRunID: "c_a", outcome: succeeded ? "succeeded" : "exit 1", runSeconds: 1.5
            ),
            audit: AuditEntry(
                kind: .execution, at: Fixture.at(at), actor: "cycle:nightly", subject: id,
                data: .object(["outcome": .string(succeeded ? "succeeded" : "failed"), "run_id": .string("c_a"), "seconds": .number(1.5)])
            )
        )
    }
}
