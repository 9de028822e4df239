import Foundation
import NightshiftBuilder
import NightshiftCore
import NightshiftTesting
import Testing

@Suite("Build queue: cancel and retry")
struct BuildQueueCancelRetryTests {
    static let monday = local(2026, 3, 2, 9)

    @Test("cancel stops an unfinished task, with the time and reason, and refuses a finished one")
    func cancel() async throws {
        let clock = TestClock(now: Self.monday)
        let (queue, store) = memoryQueue()
        let task = try await queue.add(.init(title: "Fix", hours: 1, category: "Bug fixes"), at: clock.now())
        clock.advance(by: 600)
        let cancelled = try await queue.cancel(task.id, at: clock.now())
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.finishedAt == clock.now())
        #expect(cancelled.lastError == "cancelled by the operator")

        let again = await #expect(throws: BuildQueue.Failure.self) { try await queue.cancel(task.id, at: clock.now()) }
        #expect(again?.description == "task_1 is cancelled already")

        let done = try await queue.add(.init(title: "Done", hours: 1, category: "Bug fixes"), at: clock.now())
        _ = try await store.force(done.id, to: .succeeded, at: clock.now())
        let finished = await #expect(throws: BuildQueue.Failure.self) { try await queue.cancel(done.id, at: clock.now()) }
        #expect(finished?.description == "task_2 is succeeded already")

        let missing = await #expect(throws: BuildQueue.Failure.self) { try await queue.cancel("task_9", at: clock.now()) }
        #expect(missing?.description == "no task task_9; see nightshift queue list")
    }

    @Test("cancel drops the lease of a running task so its worker stops at the next renewal")
    func cancelRunning() async throws {
        let (queue, store) = memoryQueue()
        let task = try await queue.add(.init(title: "Fix", hours: 1, category: "Bug fixes"), at: Self.monday)
        _ = try await store.claimTask(task.id, from: [.queued], owner: "worker-1", leaseUntil: Self.monday.addingTimeInterval(60), at: Self.monday)
        let cancelled = try await queue.cancel(task.id, at: Self.monday.addingTimeInterval(5))
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.leaseOwner == nil)
        #expect(cancelled.leaseExpiresAt == nil)
        #expect(try await store.renewTask(task.id, owner: "worker-1", leaseUntil: Self.monday.addingTimeInterval(120)) == false)
    }

    @Test("a task of another queue is not the builder's to cancel or retry")
    func otherQueue() async throws {
        let (queue, store) = memoryQueue()
        _ = try await store.insertTask(QueueTask(id: "mail-1", queue: "mail", title: "Send", state: .failed, createdAt: Self.monday))
        let cancel = await #expect(throws: BuildQueue.Failure.self) { try await queue.cancel("mail-1", at: Self.monday) }
        #expect(cancel?.description == "no task mail-1; see nightshift queue list")
        let retry = await #expect(throws: BuildQueue.Failure.self) { try await queue.retry("mail-1", at: Self.monday) }
        #expect(retry?.description == "no task mail-1; see nightshift queue list")
    }

    @Test("retry requeues a failed task: window and action cleared, attempts kept, maxAttempts raised")
    func retryFailed() async throws {
        let clock = TestClock(now: Self.monday)
        let (queue, store) = memoryQueue()
        let task = try await queue.add(.init(title: "Fix", hours: 1, category: "Bug fixes"), at: clock.now())
        _ = try await store.force(task.id, to: .scheduled, at: clock.now()) {
            $0.window = "overnight"
            $0.scheduledFor = local(2026, 3, 2, 23)
            $0.actionID = "act_1"
        }
        clock.advance(to: local(2026, 3, 2, 23))
        _ = try #require(try await store.claimTask(task.id, from: [.scheduled], owner: "w", leaseUntil: clock.now().addingTimeInterval(60), at: clock.now()))
        clock.advance(by: 1800)
        let failed = try #require(try await store.finishTask(task.id, owner: "w", outcome: TaskOutcome(state: .failed, at: clock.now(), error: "the agent exited with status 1")))
        #expect(failed.attempts == 1)
        #expect(failed.finishedAt == clock.now())

        clock.advance(by: 8 * 3600)
        let retried = try await queue.retry(task.id, at: clock.now())
        #expect(retried.state == .queued)
        #expect(retried.attempts == 1)
        #expect(retried.maxAttempts == 1 + 3)
        #expect(retried.window == nil)
        #expect(retried.scheduledFor == nil)
        #expect(retried.actionID == nil)
        #expect(retried.finishedAt == nil)
        #expect(retried.lastError == "retried by the operator after: the agent exited with status 1")
        #expect(retried.updatedAt == clock.now())
        #expect(try await store.task(task.id) == retried)
    }

    @Test("retry of a cancelled task whose dependency is unfinished puts it back blocked")
    func retryCancelledBlocked() async throws {
        let (queue, _) = memoryQueue()
        let dependency = try await queue.add(.init(title: "Schema", hours: 1, category: "Features"), at: Self.monday)
        let task = try await queue.add(.init(title: "API", hours: 1, category: "Features", dependsOn: [dependency.id]), at: Self.monday)
        _ = try await queue.cancel(task.id, at: Self.monday)
        let retried = try await queue.retry(task.id, at: Self.monday)
        #expect(retried.state == .blocked)
        #expect(retried.lastError == "retried by the operator after: cancelled by the operator")
    }

    @Test("a failed task without an error is retried with its state as the reason")
    func retryWithoutError() async throws {
        let (queue, store) = memoryQueue()
        let task = try await queue.add(.init(title: "Fix", hours: 1, category: "Bug fixes"), at: Self.monday)
        _ = try await store.force(task.id, to: .failed, at: Self.monday)
        #expect(try await queue.retry(task.id, at: Self.monday).lastError == "retried by the operator after: failed")
    }

    @Test("only a failed or cancelled task can be retried", arguments: [TaskState.queued, .blocked, .scheduled, .awaitingApproval, .running, .succeeded])
    func retryRefused(state: TaskState) async throws {
        let (queue, store) = memoryQueue()
        let task = try await queue.add(.init(title: "Fix", hours: 1, category: "Bug fixes"), at: Self.monday)
        _ = try await store.force(task.id, to: state, at: Self.monday)
        let error = await #expect(throws: BuildQueue.Failure.self) { try await queue.retry(task.id, at: Self.monday) }
        #expect(error?.description == "task_1 is \(state.rawValue); only a failed or cancelled task can be retried")
    }
}
