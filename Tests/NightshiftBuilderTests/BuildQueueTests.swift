import Foundation
import NightshiftBuilder
import NightshiftCore
import NightshiftTesting
import Testing

@Suite("Build queue on a memory store")
struct BuildQueueTests {
    static let monday = local(2026, 3, 2, 9)

    /// A `queue add` request that must be refused, and the exact message.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var request: BuildQueue.NewTask
        var message: String
        var testDescription: String { message }
    }

    static let refusals: [Refusal] = [
        Refusal(request: .init(title: "", hours: 1, category: "Bug fixes"), message: "the title is empty"),
        Refusal(request: .init(title: "  \n", hours: 1, category: "Bug fixes"), message: "the title is empty"),
        Refusal(request: .init(title: "Fix", hours: 0, category: "Bug fixes"), message: "--hours must be above 0 and at most 168, found 0.0"),
        Refusal(request: .init(title: "Fix", hours: -2, category: "Bug fixes"), message: "--hours must be above 0 and at most 168, found -2.0"),
        Refusal(request: .init(title: "Fix", hours: 200, category: "Bug fixes"), message: "--hours must be above 0 and at most 168, found 200.0"),
        Refusal(request: .init(title: "Fix", hours: 1, category: ""), message: "--category is empty"),
        Refusal(request: .init(title: "Fix", hours: 1, category: "Bug fixes", impact: 11), message: "--impact must be between 1 and 10, found 11"),
        Refusal(request: .init(title: "Fix", hours: 1, category: "Bug fixes", impact: 0), message: "--impact must be between 1 and 10, found 0"),
        Refusal(request: .init(title: "Fix", hours: 1, category: "Bug fixes", effort: 12), message: "--effort must be between 1 and 10, found 12"),
        Refusal(
            request: .init(title: "Fix", hours: 1, category: "Bug fixes", dependsOn: ["task_9"]),
            message: "--depends-on task_9: no such task; see nightshift queue list"
        ),
        Refusal(request: .init(id: "existing", title: "Fix", hours: 1, category: "Bug fixes"), message: "a task existing exists already"),
        Refusal(
            request: .init(id: "bad id", title: "Fix", hours: 1, category: "Bug fixes"),
            message: "--id \"bad id\" may use only letters, digits, '-', '_' and '.'"
        ),
        Refusal(
            request: .init(id: "a/b", title: "Fix", hours: 1, category: "Bug fixes"),
            message: "--id \"a/b\" may use only letters, digits, '-', '_' and '.'"
        ),
        Refusal(
            request: .init(id: "", title: "Fix", hours: 1, category: "Bug fixes"),
            message: "--id \"\" may use only letters, digits, '-', '_' and '.'"
        ),
        Refusal(
            request: .init(id: String(repeating: "x", count: 65), title: "Fix", hours: 1, category: "Bug fixes"),
            message: "--id \"\(String(repeating: "x", count: 65))\" may use only letters, digits, '-', '_' and '.'"
        ),
    ]

    @Test("queue add refuses a bad request with a message naming the problem, and stores nothing", arguments: refusals)
    func refused(_ refusal: Refusal) async throws {
        let (queue, _) = memoryQueue()
        _ = try await queue.add(.init(id: "existing", title: "Existing", hours: 1, category: "Bug fixes"), at: Self.monday)
        let error = await #expect(throws: BuildQueue.Failure.self) { try await queue.add(refusal.request, at: Self.monday) }
        #expect(error?.description == refusal.message)
        #expect(try await queue.all().map(\.id) == ["existing"])
    }

    @Test("a task that names itself as a dependency is a self-cycle")
    func selfDependency() async throws {
        let (queue, _) = memoryQueue()
        let error = await #expect(throws: DependencyGraph.CycleError.self) {
            try await queue.add(.init(id: "loop", title: "Loop", hours: 1, category: "Bug fixes", dependsOn: ["loop"]), at: Self.monday)
        }
        #expect(error?.path == ["loop", "loop"])
        // Nothing is stored.
        #expect(try await queue.all().isEmpty)
    }

    @Test("an added task is stored queued with its fields, attributes and the settings' attempts")
    func addStoresTask() async throws {
        var settings = testSettings()
        settings.maxAttempts = 5
        let (queue, store) = memoryQueue(settings: settings)
        let task = try await queue.add(
            .init(title: "  Fix login  ", description: "Users are logged out", hours: 2, category: "Bug fixes", priority: .high, verify: "swift test"),
            at: Self.monday
        )
        #expect(task.id == "task_1")
        #expect(task.queue == "builder")
        #expect(task.title == "Fix login")
        #expect(task.description == "Users are logged out")
        #expect(task.state == .queued)
        #expect(task.maxAttempts == 5)
        #expect(task.attempts == 0)
        #expect(task.createdAt == Self.monday)
        #expect(task.attributes == ["priority": .string("HIGH"), "impact": .integer(8), "effort": .integer(2), "verify": .string("swift test")])
        #expect(task.score == 4)
        #expect(try await store.task("task_1") == task)

        let named = try await queue.add(.init(id: "docs.v2_final-1", title: "Docs", hours: 1, category: "Documentation"), at: Self.monday)
        #expect(named.id == "docs.v2_final-1")
        #expect(try await queue.all().map(\.id) == ["task_1", "docs.v2_final-1"])
    }

    @Test("a task added after an unfinished dependency is blocked; after a succeeded one it is queued")
    func addBlocked() async throws {
        let (queue, store) = memoryQueue()
        let first = try await queue.add(.init(title: "Schema", hours: 1, category: "Features"), at: Self.monday)
        let second = try await queue.add(.init(title: "API", hours: 2, category: "Features", dependsOn: [first.id]), at: Self.monday)
        #expect(second.state == .blocked)
        #expect(second.dependsOn == ["task_1"])

        _ = try await store.force(first.id, to: .succeeded, at: Self.monday)
        let third = try await queue.add(.init(title: "UI", hours: 2, category: "Features", dependsOn: [first.id]), at: Self.monday)
        #expect(third.state == .queued)
        let fourth = try await queue.add(.init(title: "Both", hours: 2, category: "Features", dependsOn: [first.id, second.id]), at: Self.monday)
        #expect(fourth.state == .blocked)
    }

    @Test("refreshBlocked unblocks when the dependency succeeds, and blocks (unscheduling) when it no longer has")
    func refreshBlocked() async throws {
        let clock = TestClock(now: Self.monday)
        let (queue, store) = memoryQueue()
        let dependency = try await queue.add(.init(title: "Schema", hours: 1, category: "Features"), at: clock.now())
        let dependent = try await queue.add(.init(title: "API", hours: 2, category: "Features", dependsOn: [dependency.id]), at: clock.now())
        #expect(dependent.state == .blocked)

        // Nothing changes while the dependency is unfinished.
        #expect(try await queue.refreshBlocked(at: clock.now()).map(\.state) == [.queued, .blocked])

        clock.advance(by: 3600)
        var done = try #require(try await store.task(dependency.id))
        done.state = .succeeded
        done.finishedAt = clock.now()
        #expect(try await store.updateTask(done, expecting: [.queued], at: clock.now()) != nil)
        let after = try await queue.refreshBlocked(at: clock.now())
        #expect(after.map(\.state) == [.succeeded, .queued])
        #expect(try await store.task(dependent.id)?.state == .queued)
        #expect(try await store.task(dependent.id)?.updatedAt == clock.now())

        // Scheduled into a window, then the dependency is reopened: blocked again, out of the window.
        _ = try await store.force(dependent.id, to: .scheduled, at: clock.now()) {
            $0.window = "overnight"
            $0.scheduledFor = local(2026, 3, 2, 23)
        }
        _ = try await store.force(dependency.id, to: .queued, at: clock.now()) { $0.finishedAt = nil }
        clock.advance(by: 60)
        try await queue.refreshBlocked(at: clock.now())
        let blocked = try #require(try await store.task(dependent.id))
        #expect(blocked.state == .blocked)
        #expect(blocked.window == nil)
        #expect(blocked.scheduledFor == nil)
    }

    @Test("refreshBlocked leaves running, parked and finished tasks alone whatever their dependencies")
    func refreshLeavesOthers() async throws {
        let (queue, store) = memoryQueue()
        let open = try await queue.add(.init(title: "Open", hours: 1, category: "Features"), at: Self.monday)
        for state in [TaskState.running, .awaitingApproval, .failed, .cancelled] {
            let task = try await queue.add(.init(title: "\(state)", hours: 1, category: "Features", dependsOn: [open.id]), at: Self.monday)
            _ = try await store.force(task.id, to: state, at: Self.monday)
        }
        // It returns the open tasks; the ended ones stay as they were in the store.
        let states = try await queue.refreshBlocked(at: Self.monday).map(\.state)
        #expect(states == [.queued, .running, .awaitingApproval])
        #expect(try await queue.all().map(\.state) == [.queued, .running, .awaitingApproval, .failed, .cancelled])
    }

    @Test("addDependencies refuses a cycle with its path, through the queue")
    func addDependenciesCycle() async throws {
        let (queue, _) = memoryQueue()
        let one = try await queue.add(.init(title: "One", hours: 1, category: "Features"), at: Self.monday)
        let two = try await queue.add(.init(title: "Two", hours: 1, category: "Features", dependsOn: [one.id]), at: Self.monday)
        let three = try await queue.add(.init(title: "Three", hours: 1, category: "Features", dependsOn: [two.id]), at: Self.monday)

        let error = await #expect(throws: DependencyGraph.CycleError.self) {
            try await queue.addDependencies(one.id, on: [three.id], at: Self.monday)
        }
        #expect(error?.path == ["task_1", "task_3", "task_2", "task_1"])
        #expect(error?.description == "dependencies would form a cycle: task_1 → task_3 → task_2 → task_1; a task cannot wait for itself")

        let selfLoop = await #expect(throws: DependencyGraph.CycleError.self) {
            try await queue.addDependencies(two.id, on: [two.id], at: Self.monday)
        }
        #expect(selfLoop?.path == ["task_2", "task_2"])

        // Nothing was written.
        #expect(try await queue.all().map(\.dependsOn) == [[], ["task_1"], ["task_2"]])
        #expect(try await queue.all().map(\.state) == [.queued, .blocked, .blocked])
    }

    @Test("addDependencies adds to the list and blocks on an unfinished dependency, not on a succeeded one")
    func addDependencies() async throws {
        let (queue, store) = memoryQueue()
        let done = try await queue.add(.init(title: "Done", hours: 1, category: "Features"), at: Self.monday)
        let open = try await queue.add(.init(title: "Open", hours: 1, category: "Features"), at: Self.monday)
        let task = try await queue.add(.init(title: "Task", hours: 1, category: "Features"), at: Self.monday)
        _ = try await store.force(done.id, to: .succeeded, at: Self.monday)

        let afterDone = try await queue.addDependencies(task.id, on: [done.id], at: Self.monday)
        #expect(afterDone.dependsOn == [done.id])
        #expect(afterDone.state == .queued)

        let afterOpen = try await queue.addDependencies(task.id, on: [open.id, done.id], at: Self.monday)
        #expect(afterOpen.dependsOn == [done.id, open.id])
        #expect(afterOpen.state == .blocked)
        #expect(try await store.task(task.id) == afterOpen)
    }

    @Test("addDependencies names a missing task, a missing dependency, and a task no longer waiting")
    func addDependenciesRefused() async throws {
        let (queue, store) = memoryQueue()
        let one = try await queue.add(.init(title: "One", hours: 1, category: "Features"), at: Self.monday)
        let two = try await queue.add(.init(title: "Two", hours: 1, category: "Features"), at: Self.monday)
        _ = try await store.force(two.id, to: .succeeded, at: Self.monday)

        let cases: [(String, [String], String)] = [
            ("task_9", [one.id], "no task task_9; see nightshift queue list"),
            (one.id, ["task_8"], "no task task_8; see nightshift queue list"),
            (two.id, [one.id], "task_2 is succeeded; only a waiting task can get dependencies"),
        ]
        for (id, dependencies, message) in cases {
            let error = await #expect(throws: BuildQueue.Failure.self) { try await queue.addDependencies(id, on: dependencies, at: Self.monday) }
            #expect(error?.description == message)
        }
    }
}
