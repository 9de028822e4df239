import Foundation
import NightshiftCore

extension StoreConformance {
    /// Task queues: `task_N` numbering, listings, compare-and-set updates, leased claims and their
    /// release, and the named state values.
    public static let taskCases: [StoreConformanceCase] = [
        StoreConformanceCase("insertTask: empty ids become task_1, task_2, … in insertion order") { store in
            for expected in ["task_1", "task_2", "task_3"] {
                let inserted = try await insert(taskFixture(title: expected), into: store)
                try checkEqual(inserted.id, expected, "id given to the task titled \(expected)")
            }
            try checkEqual(try await store.tasks(TaskQuery()).map(\.id), ["task_1", "task_2", "task_3"], "stored ids")
            try checkEqual(try await store.task("task_2")?.title, "task_2", "title of task_2")
        },

        StoreConformanceCase("insertTask: an existing id gives nil and writes nothing") { store in
            let first = taskFixture("fix-login", title: "first")
            try check(try await store.insertTask(first) != nil, "insertTask of a new id returned nil")
            let second = try await store.insertTask(taskFixture("fix-login", title: "second", state: .blocked))
            try check(second == nil, "insertTask of an existing id returned a task")
            try checkTask(try await store.task("fix-login"), first)
            try await insert(taskFixture(), into: store)
            let numbered = try await store.insertTask(taskFixture("task_1", title: "operator"))
            try check(numbered == nil, "insertTask of a numbered id in use returned a task")
            try checkEqual(try await store.tasks(TaskQuery()).map(\.title), ["first", "task"], "titles stored")
        },

        StoreConformanceCase("insertTask: numbering skips ids the operator chose; other ids take no number") { store in
            var ids: [String] = []
            for id in ["", "", "task_3", "fix-login", "", "task_6", "task_7", "", ""] {
                ids.append(try await insert(taskFixture(id), into: store).id)
            }
            try checkEqual(ids, ["task_1", "task_2", "task_3", "fix-login", "task_4", "task_6", "task_7", "task_5", "task_8"], "ids given")
            try checkEqual(try await store.tasks(TaskQuery()).map(\.id), ids, "stored ids in insertion order")
        },

        StoreConformanceCase("insertTask: 20 concurrent inserts with empty ids get task_1 … task_20, each once") { store in
            let ids = try await race { index in try await store.insertTask(taskFixture(title: "t\(index)"))?.id }
            try checkEqual(Set(ids), Set((1...contenders).map { "task_\($0)" }), "ids given")
            try checkEqual(ids.count, contenders, "number of inserted tasks")
        },

        StoreConformanceCase("insertTask: every field reads back, nested attributes and dependency order included") { store in
            var full = taskFixture("full", queue: "builder", title: "Fix the login — späť", state: .running)
            full.description = "line one\nline \"two\" \\ three"
            full.category = "bugfix"
            full.hours = 2.5
            full.score = -1.25
            full.dependsOn = ["task_9", "task_2", "a/b"]
            full.attributes = [
                "priority": .integer(2), "impact": .number(0.75), "flag": .bool(true), "none": .null, "text": .string("tab\there ✓"),
                "verify": .object([
                    "argv": .array([.string("swift"), .string("test")]), "timeout": .integer(600), "nested": .object(["x": .array([])]),
                ]),
            ]
            full.window = "night-1"
            full.scheduledFor = Fixture.at(3600.5)
            full.attempts = 2
            full.maxAttempts = 5
            full.leaseOwner = "host:42:boot"
            full.leaseExpiresAt = Fixture.at(900.125)
            full.pid = 4242
            full.actionID = "act_17"
            full.createdAt = Fixture.at(1.001)
            full.updatedAt = Fixture.at(2.002)
            full.startedAt = Fixture.at(3.003)
            full.finishedAt = Fixture.at(4.004)
            full.lastError = "exit status 1"
            full.result = .object([
                "exit": .integer(1), "checks": .array([.bool(false), .number(1.5), .null]), "log": .string("/tmp/x.log"),
            ])
            try checkTask(try await store.insertTask(full), full)
            try checkTask(try await store.task("full"), full)

            let bare = taskFixture("bare", title: "bare")
            try checkTask(try await store.insertTask(bare), bare)
            let stored = try unwrap(try await store.task("bare"), "bare task")
            try checkTask(stored, bare)
            try check(stored.result == nil && stored.window == nil && stored.pid == nil, "nil optionals read back as nil")
            try check(try await store.task("nope") == nil, "task() of an unknown id returned a task")
        },

        StoreConformanceCase("tasks: filtered by queue and states, in insertion order, up to the limit") { store in
            let rows: [(String, String, TaskState)] = [
                ("zeta", "builder", .queued), ("alpha", "builder", .blocked), ("", "builder", .running),
                ("mid", "other", .queued), ("", "builder", .queued), ("beta", "other", .succeeded),
            ]
            for (id, queue, state) in rows {
                try await insert(taskFixture(id, queue: queue, state: state), into: store)
            }
            try checkEqual(try await store.tasks(TaskQuery()).map(\.id), ["zeta", "alpha", "task_1", "mid", "task_2", "beta"], "all tasks")
            try checkEqual(
                try await store.tasks(TaskQuery(queue: "builder")).map(\.id), ["zeta", "alpha", "task_1", "task_2"], "builder tasks"
            )
            try checkEqual(try await store.tasks(TaskQuery(states: [.queued])).map(\.id), ["zeta", "mid", "task_2"], "queued tasks")
            try checkEqual(
                try await store.tasks(TaskQuery(queue: "builder", states: [.queued, .blocked])).map(\.id), ["zeta", "alpha", "task_2"],
                "waiting builder tasks"
            )
            try checkEqual(try await store.tasks(TaskQuery(queue: "builder", limit: 2)).map(\.id), ["zeta", "alpha"], "limit 2")
            try checkEqual(try await store.tasks(TaskQuery(limit: 0)).map(\.id), [], "limit 0")
            try checkEqual(try await store.tasks(TaskQuery(queue: "other", states: [.running])).map(\.id), [], "no match")
            try checkEqual(try await store.tasks(TaskQuery(queue: "Builder")).map(\.id), [], "queue names compare exactly")
        },

        StoreConformanceCase("updateTask: writes the task when its state is expected, setting updatedAt") { store in
            try await insert(taskFixture("t"), into: store)
            var changed = taskFixture("t", title: "renamed", state: .scheduled)
            changed.window = "night-2"
            changed.scheduledFor = Fixture.at(7200)
            changed.score = 9.5
            changed.attributes = ["priority": .integer(1)]
            changed.dependsOn = ["task_4"]
            let updated = try unwrap(try await store.updateTask(changed, expecting: [.queued, .blocked], at: Fixture.at(30)), "updateTask")
            changed.updatedAt = Fixture.at(30)
            try checkTask(updated, changed)
            try checkTask(try await store.task("t"), changed)
        },

        StoreConformanceCase("updateTask: a task in another state, or a missing one, gives nil and writes nothing") { store in
            let original = taskFixture("t")
            try await insert(original, into: store)
            let changed = taskFixture("t", title: "renamed", state: .cancelled)
            let wrongState = try await store.updateTask(changed, expecting: [.blocked, .running], at: Fixture.at(30))
            try check(wrongState == nil, "updateTask of a task in another state returned a task")
            let noState = try await store.updateTask(changed, expecting: [], at: Fixture.at(30))
            try check(noState == nil, "updateTask expecting no state returned a task")
            try checkTask(try await store.task("t"), original)
            let missing = try await store.updateTask(taskFixture("nope"), expecting: [.queued], at: Fixture.at(30))
            try check(missing == nil, "updateTask of a missing task returned a task")
            try checkEqual(try await store.tasks(TaskQuery()).map(\.id), ["t"], "stored ids")
        },

        StoreConformanceCase("claimTask: moves a waiting task to running under the owner, counting each attempt") { store in
            var task = try await insert(taskFixture("t", state: .scheduled), into: store)
            let claimed = try await claim("t", by: "w1", from: [.queued, .scheduled], until: 310, at: 10, in: store)
            task.state = .running
            task.leaseOwner = "w1"
            task.leaseExpiresAt = Fixture.at(310)
            task.attempts = 1
            task.startedAt = Fixture.at(10)
            task.updatedAt = Fixture.at(10)
            try checkTask(claimed, task)
            try checkTask(try await store.task("t"), task)

            _ = try unwrap(try await finish("t", by: "w1", .queued, at: 20, in: store), "hand-back")
            let again = try unwrap(try await claim("t", by: "w2", until: 400, at: 100, in: store), "second claim")
            try checkEqual(again.attempts, 2, "attempts after the second claim")
            try checkEqual(again.leaseOwner, "w2", "owner of the second claim")
            try checkDate(again.startedAt, Fixture.at(100), "startedAt of the second claim")
            try checkDate(again.leaseExpiresAt, Fixture.at(400), "lease of the second claim")
        },

        StoreConformanceCase("claimTask: a task in none of the from states, or a missing one, gives nil and changes nothing") { store in
            let blocked = try await insert(taskFixture("b", state: .blocked), into: store)
            let fromWaiting = try await claim("b", by: "w1", from: [.queued, .scheduled], until: 300, at: 10, in: store)
            try check(fromWaiting == nil, "claim of a blocked task from queued/scheduled")
            try check(try await claim("b", by: "w1", from: [], until: 300, at: 10, in: store) == nil, "claim from no state")
            try checkTask(try await store.task("b"), blocked)

            try await insert(taskFixture("r"), into: store)
            let running = try unwrap(try await claim("r", by: "w1", until: 300, at: 10, in: store), "first claim")
            try check(try await claim("r", by: "w2", until: 900, at: 20, in: store) == nil, "claim of a running task")
            try checkTask(try await store.task("r"), running)
            try check(try await claim("nope", by: "w1", until: 300, at: 10, in: store) == nil, "claim of a missing task")
        },

        StoreConformanceCase("claimTask: of 20 concurrent claims of one task exactly one wins") { store in
            try await insert(taskFixture("t"), into: store)
            let winners = try await race { index in
                try await claim("t", by: "w\(index)", from: TaskState.waiting, until: 300, at: 10, in: store)?.leaseOwner
            }
            try checkEqual(winners.count, 1, "number of successful claims")
            let stored = try unwrap(try await store.task("t"), "claimed task")
            try checkEqual(stored.leaseOwner, winners.first, "owner of the claimed task")
            try checkEqual(stored.attempts, 1, "attempts after one successful claim")
        },

        StoreConformanceCase("claimFirstTask: claims the first candidate, in the list's order, that is in a from state") { store in
            let blocked = try await insert(taskFixture("a", state: .blocked), into: store)
            try await insert(taskFixture("b"), into: store)
            var scheduled = try await insert(taskFixture("c", state: .scheduled), into: store)
            try await insert(taskFixture("d"), into: store)
            let candidates = ["missing", "a", "c", "b", "d"]
            let first = try await store.claimFirstTask(
                of: candidates, from: [.queued, .scheduled], owner: "w1", leaseUntil: Fixture.at(310), at: Fixture.at(10)
            )
            scheduled.state = .running
            scheduled.leaseOwner = "w1"
            scheduled.leaseExpiresAt = Fixture.at(310)
            scheduled.attempts = 1
            scheduled.startedAt = Fixture.at(10)
            scheduled.updatedAt = Fixture.at(10)
            try checkTask(first, scheduled)
            try checkTask(try await store.task("c"), scheduled)
            var order: [String] = []
            while let next = try await store.claimFirstTask(
                of: candidates, from: [.queued, .scheduled], owner: "w2", leaseUntil: Fixture.at(400), at: Fixture.at(20)
            ) {
                try checkEqual(next.leaseOwner, "w2", "owner of \(next.id)")
                try checkEqual(next.attempts, 1, "attempts of \(next.id)")
                order.append(next.id)
                try check(order.count <= 2, "more claims than waiting candidates: \(order)")
            }
            try checkEqual(order, ["b", "d"], "tasks claimed after c, in order")
            try checkTask(try await store.task("a"), blocked)
            try check(
                try await store.claimFirstTask(
                    of: candidates, from: [.blocked], owner: "w3", leaseUntil: Fixture.at(500), at: Fixture.at(30)
                )?.id == "a",
                "claim of the blocked candidate from blocked"
            )
        },

        StoreConformanceCase("claimFirstTask: no candidates, no from state, or none waiting gives nil and changes nothing") { store in
            let queued = try await insert(taskFixture("q"), into: store)
            func claimFirst(_ candidates: [String], from: Set<TaskState>) async throws -> QueueTask? {
                try await store.claimFirstTask(of: candidates, from: from, owner: "w1", leaseUntil: Fixture.at(300), at: Fixture.at(10))
            }
            try check(try await claimFirst([], from: [.queued]) == nil, "no candidates")
            try check(try await claimFirst(["q"], from: []) == nil, "no from state")
            try check(try await claimFirst(["q", "nope"], from: [.scheduled]) == nil, "no candidate in a from state")
            try checkTask(try await store.task("q"), queued)
        },

        StoreConformanceCase("claimFirstTask: 20 concurrent workers given the same 20 tasks each claim a different one") { store in
            let ids = (0..<contenders).map { "t\($0)" }
            for id in ids { try await insert(taskFixture(id), into: store) }
            let claimed = try await race { index in
                try await store.claimFirstTask(of: ids, from: [.queued], owner: "w\(index)", leaseUntil: Fixture.at(300), at: Fixture.at(10))?.id
            }
            try checkEqual(claimed.count, contenders, "claims won")
            try checkEqual(Set(claimed), Set(ids), "tasks claimed")
            for task in try await store.tasks(TaskQuery()) {
                try checkEqual(task.attempts, 1, "attempts of \(task.id)")
                try checkEqual(task.state, .running, "state of \(task.id)")
            }
        },

        StoreConformanceCase("renewTask and setTaskPID: only the owner of the running task may") { store in
            try await insert(taskFixture("t"), into: store)
            _ = try unwrap(try await claim("t", by: "w1", until: 300, at: 10, in: store), "claim")
            try check(!(try await store.renewTask("t", owner: "w2", leaseUntil: Fixture.at(900))), "renewTask by another owner succeeded")
            try check(!(try await store.setTaskPID("t", owner: "w2", pid: 99)), "setTaskPID by another owner succeeded")
            var stored = try unwrap(try await store.task("t"), "task")
            try checkDate(stored.leaseExpiresAt, Fixture.at(300), "lease after another owner's renewal")
            try checkEqual(stored.pid, nil, "pid after another owner's setTaskPID")

            try check(try await store.renewTask("t", owner: "w1", leaseUntil: Fixture.at(600)), "renewTask by the owner returned false")
            try check(try await store.setTaskPID("t", owner: "w1", pid: 4242), "setTaskPID by the owner returned false")
            stored = try unwrap(try await store.task("t"), "task")
            try checkDate(stored.leaseExpiresAt, Fixture.at(600), "lease after the owner's renewal")
            try checkEqual(stored.pid, 4242, "pid after the owner's setTaskPID")
            try checkEqual(stored.leaseOwner, "w1", "owner after renewal")
            try check(try await store.setTaskPID("t", owner: "w1", pid: nil), "clearing the pid returned false")
            try checkEqual(try await store.task("t")?.pid, nil, "pid after clearing it")

            _ = try unwrap(try await finish("t", by: "w1", .succeeded, at: 50, in: store), "finish")
            try check(!(try await store.renewTask("t", owner: "w1", leaseUntil: Fixture.at(900))), "renewTask of a finished task succeeded")
            try check(!(try await store.setTaskPID("t", owner: "w1", pid: 7)), "setTaskPID of a finished task succeeded")
            try check(!(try await store.renewTask("nope", owner: "w1", leaseUntil: Fixture.at(900))), "renewTask of a missing task succeeded")
            try check(!(try await store.setTaskPID("nope", owner: "w1", pid: 7)), "setTaskPID of a missing task succeeded")
        },

        StoreConformanceCase("finishTask: a final outcome sets state, error, result and finishedAt and clears the lease") { store in
            try await insert(taskFixture("t"), into: store)
            var task = try unwrap(try await claim("t", by: "w1", until: 300, at: 10, in: store), "claim")
            try check(try await store.setTaskPID("t", owner: "w1", pid: 4242), "setTaskPID")
            let result = JSONValue.object(["exit": .integer(0), "verified": .bool(true), "log": .string("logs/t.log")])
            let finished = try await finish("t", by: "w1", .failed, at: 60, error: "tests failed", result: result, in: store)
            task.state = .failed
            task.lastError = "tests failed"
            task.result = result
            task.leaseOwner = nil
            task.leaseExpiresAt = nil
            task.pid = nil
            task.updatedAt = Fixture.at(60)
            task.finishedAt = Fixture.at(60)
            try checkTask(finished, task)
            try checkTask(try await store.task("t"), task)

            // A retry that ends without a result keeps the earlier one; its error replaces the old.
            _ = try unwrap(try await claim("t", by: "w2", from: [.failed], until: 400, at: 100, in: store), "retry claim")
            let retried = try unwrap(try await finish("t", by: "w2", .succeeded, at: 120, in: store), "retry finish")
            try checkEqual(retried.state, .succeeded, "state after the retry")
            try checkEqual(retried.lastError, nil, "error after a clean retry")
            try checkEqual(retried.result, result, "result after a retry without one")
            try checkEqual(retried.attempts, 2, "attempts after the retry")
            try checkDate(retried.finishedAt, Fixture.at(120), "finishedAt after the retry")
        },

        StoreConformanceCase("finishTask: a queued hand-back clears the lease and finishedAt and keeps the attempts") { store in
            var task = taskFixture("t", state: .running)
            task.leaseOwner = "w1"
            task.leaseExpiresAt = Fixture.at(300)
            task.pid = 77
            task.attempts = 2
            task.startedAt = Fixture.at(5)
            task.finishedAt = Fixture.at(6)
            task.result = .string("earlier")
            try await insert(task, into: store)
            let handed = try await finish("t", by: "w1", .queued, at: 40, error: "daemon stopping", in: store)
            task.state = .queued
            task.lastError = "daemon stopping"
            task.leaseOwner = nil
            task.leaseExpiresAt = nil
            task.pid = nil
            task.finishedAt = nil
            task.updatedAt = Fixture.at(40)
            try checkTask(handed, task)
            try checkTask(try await store.task("t"), task)
            let again = try unwrap(try await claim("t", by: "w2", until: 400, at: 50, in: store), "claim after hand-back")
            try checkEqual(again.attempts, 3, "attempts after the next claim")
        },

        StoreConformanceCase("finishTask: a worker that does not hold the task gets nil and changes nothing") { store in
            try await insert(taskFixture("t"), into: store)
            let running = try unwrap(try await claim("t", by: "w1", until: 300, at: 10, in: store), "claim")
            try check(try await finish("t", by: "w2", .succeeded, at: 20, in: store) == nil, "finishTask by another owner returned a task")
            try checkTask(try await store.task("t"), running)
            let waiting = try await insert(taskFixture("q"), into: store)
            try check(try await finish("q", by: "w1", .failed, at: 20, in: store) == nil, "finishTask of a queued task returned a task")
            try checkTask(try await store.task("q"), waiting)
            try check(try await finish("nope", by: "w1", .failed, at: 20, in: store) == nil, "finishTask of a missing task returned a task")
        },

        StoreConformanceCase("releaseExpiredTasks: expired running tasks go back to queued, or failed without attempts left") { store in
            // (id, max attempts, lease until, pid); each claimed once at t+1 by w-<id>.
            let leases: [(String, Int, Double, Int32?)] = [("a", 3, 100, 111), ("b", 3, 200, nil), ("c", 1, 50, 333), ("d", 3, 150, nil)]
            for (id, maxAttempts, until, pid) in leases {
                try await insert(taskFixture(id, maxAttempts: maxAttempts), into: store)
                _ = try unwrap(try await claim(id, by: "w-\(id)", until: until, at: 1, in: store), "claim(\(id))")
                if let pid { try check(try await store.setTaskPID(id, owner: "w-\(id)", pid: pid), "setTaskPID(\(id))") }
            }
            let waiting = try await insert(taskFixture("q"), into: store)
            // A finished task with a stale lease time is not running, so it is not released.
            var done = taskFixture("s", state: .succeeded)
            done.leaseExpiresAt = Fixture.at(10)
            done.finishedAt = Fixture.at(20)
            done = try await insert(done, into: store)
            let before = try await store.tasks(TaskQuery())

            // At t+150: a and c expired before now; d expires exactly now and b later, so both stay.
            let released = try await store.releaseExpiredTasks(at: Fixture.at(150))
            try checkEqual(released.map(\.id), ["a", "c"], "released ids, in insertion order")
            try checkTask(released.first, try unwrap(before.first { $0.id == "a" }, "a before"))
            try checkTask(released.last, try unwrap(before.first { $0.id == "c" }, "c before"))
            try checkEqual(released.map(\.leaseOwner), ["w-a", "w-c"], "owners returned")
            try checkEqual(released.map(\.pid), [111, 333], "pids returned")

            let a = try unwrap(try await store.task("a"), "a")
            try checkEqual(a.state, .queued, "a's state")
            try checkEqual(a.lastError, QueueTask.lostClaimError(owner: "w-a", expiredAt: Fixture.at(100), exhausted: false), "a's error")
            try check(a.leaseOwner == nil && a.leaseExpiresAt == nil && a.pid == nil, "a's lease and pid are cleared")
            try checkEqual(a.attempts, 1, "a's attempts")
            try checkDate(a.finishedAt, nil, "a's finishedAt")
            try checkDate(a.updatedAt, Fixture.at(150), "a's updatedAt")
            let c = try unwrap(try await store.task("c"), "c")
            try checkEqual(c.state, .failed, "c's state without attempts left")
            try checkEqual(c.lastError, QueueTask.lostClaimError(owner: "w-c", expiredAt: Fixture.at(50), exhausted: true), "c's error")
            try check(c.leaseOwner == nil && c.leaseExpiresAt == nil && c.pid == nil, "c's lease and pid are cleared")
            try checkDate(c.finishedAt, Fixture.at(150), "c's finishedAt")
            for id in ["b", "d"] {
                try checkTask(try await store.task(id), try unwrap(before.first { $0.id == id }, "\(id) before"))
            }
            try checkTask(try await store.task("q"), waiting)
            try checkTask(try await store.task("s"), done)
            try checkEqual(try await store.releaseExpiredTasks(at: Fixture.at(150)).map(\.id), [], "a second release at the same time")
        },

        StoreConformanceCase("releaseExpiredTasks: the fenced-out owner can no longer renew, set the pid or finish") { store in
            try await insert(taskFixture("t"), into: store)
            _ = try unwrap(try await claim("t", by: "w1", until: 100, at: 1, in: store), "claim")
            try checkEqual(try await store.releaseExpiredTasks(at: Fixture.at(101)).map(\.id), ["t"], "released ids")
            let released = try unwrap(try await store.task("t"), "released task")
            try check(try await finish("t", by: "w1", .succeeded, at: 102, in: store) == nil, "finishTask by the fenced-out owner returned a task")
            try check(!(try await store.renewTask("t", owner: "w1", leaseUntil: Fixture.at(500))), "renewTask by the fenced-out owner succeeded")
            try check(!(try await store.setTaskPID("t", owner: "w1", pid: 5)), "setTaskPID by the fenced-out owner succeeded")
            try checkTask(try await store.task("t"), released)

            _ = try unwrap(try await claim("t", by: "w2", until: 400, at: 110, in: store), "claim by w2")
            let stale = try await finish("t", by: "w1", .succeeded, at: 120, in: store)
            try check(stale == nil, "finishTask by the old owner of a reclaimed task returned a task")
            let finished = try unwrap(try await finish("t", by: "w2", .succeeded, at: 130, in: store), "finishTask by w2")
            try checkEqual(finished.state, .succeeded, "state after w2 finished")
            try checkEqual(finished.attempts, 2, "attempts after two claims")
        },

        StoreConformanceCase("releaseTasks: a dead owner's tasks are released at once, before their lease expires; others stay") { store in
            try await insert(taskFixture("a"), into: store)
            try await insert(taskFixture("b", maxAttempts: 1), into: store)
            try await insert(taskFixture("c"), into: store)
            _ = try unwrap(try await claim("a", by: "dead", until: 500, at: 1, in: store), "claim a")
            _ = try unwrap(try await claim("b", by: "dead", until: 500, at: 1, in: store), "claim b")
            let alive = try unwrap(try await claim("c", by: "alive", until: 500, at: 1, in: store), "claim c")
            let released = try await store.releaseTasks(expiredAt: Fixture.at(10), ownedBy: ["dead", "nobody"])
            try checkEqual(released.map(\.id), ["a", "b"], "released ids")
            let a = try unwrap(try await store.task("a"), "a")
            try checkEqual(a.state, .queued, "a's state")
            try checkEqual(a.lastError, QueueTask.deadOwnerError(owner: "dead", exhausted: false), "a's error")
            try check(a.leaseOwner == nil && a.leaseExpiresAt == nil, "a's lease is cleared")
            try checkEqual(try await store.task("b")?.state, .failed, "b's state without attempts left")
            try checkTask(try await store.task("c"), alive)
        },

        StoreConformanceCase("adoptTask: a new owner takes over a dead owner's running task without counting an attempt") { store in
            try await insert(taskFixture("t"), into: store)
            var running = try unwrap(try await claim("t", by: "dead", until: 100, at: 1, in: store), "claim")
            try check(try await store.adoptTask("t", from: "someone", to: "w2", leaseUntil: Fixture.at(200)) == nil, "adopted from a non-owner")
            let adopted = try unwrap(try await store.adoptTask("t", from: "dead", to: "w2", leaseUntil: Fixture.at(200)), "adoptTask")
            running.leaseOwner = "w2"
            running.leaseExpiresAt = Fixture.at(200)
            try checkTask(adopted, running)
            try checkEqual(adopted.attempts, 1, "attempts after the adoption")
            try check(!(try await store.renewTask("t", owner: "dead", leaseUntil: Fixture.at(300))), "the dead owner could still renew")
            try check(try await finish("t", by: "w2", .succeeded, at: 50, in: store) != nil, "the adopter could not finish the task")
        },

        StoreConformanceCase("stateValue: set, read, overwrite and delete nested JSON values") { store in
            try check(try await store.stateValue("weekend.plan") == nil, "stateValue of an unset key is not nil")
            let plan = JSONValue.object([
                "days": .array([.string("sat"), .string("sun")]), "hours": .number(7.5), "budget": .integer(12),
                "meta": .object(["approved": .bool(false), "note": .null, "by": .string("ops — ü")]),
            ])
            try await store.setStateValue("weekend.plan", plan, at: Fixture.at(1))
            try await store.setStateValue("context", .string("deep work"), at: Fixture.at(2))
            try checkEqual(try await store.stateValue("weekend.plan"), plan, "stored plan")
            let replaced = JSONValue.array([.integer(1), .object(["k": .array([.null, .bool(true)])])])
            try await store.setStateValue("weekend.plan", replaced, at: Fixture.at(3))
            try checkEqual(try await store.stateValue("weekend.plan"), replaced, "overwritten plan")
            try await store.setStateValue("weekend.plan", nil, at: Fixture.at(4))
            try check(try await store.stateValue("weekend.plan") == nil, "stateValue after deleting is not nil")
            try checkEqual(try await store.stateValue("context"), .string("deep work"), "other key after deleting one")
            try await store.setStateValue("never-set", nil, at: Fixture.at(5))
            try check(try await store.stateValue("never-set") == nil, "deleting an unset key created it")
            try await store.setStateValue("null", .null, at: Fixture.at(6))
            try checkEqual(try await store.stateValue("null"), .null, "a JSON null is a value, not a deletion")
        },
    ]
}

/// A task created at the epoch; an empty id asks the store for `task_N`.
func taskFixture(
    _ id: String = "",
    queue: String = "builder",
    title: String = "task",
    state: TaskState = .queued,
    maxAttempts: Int = 3
) -> QueueTask {
    QueueTask(id: id, queue: queue, title: title, state: state, maxAttempts: maxAttempts, createdAt: Fixture.at(0))
}

/// Claims `id` for `owner` at `at` seconds after the epoch, leased until `until` seconds.
func claim(
    _ id: String, by owner: String, from: Set<TaskState> = [.queued], until: Double, at: Double, in store: any Store
) async throws -> QueueTask? {
    try await store.claimTask(id, from: from, owner: owner, leaseUntil: Fixture.at(until), at: Fixture.at(at))
}

/// Ends `owner`'s claim of `id` in `state` at `at` seconds after the epoch.
func finish(
    _ id: String, by owner: String, _ state: TaskState, at: Double, error: String? = nil, result: JSONValue? = nil, in store: any Store
) async throws -> QueueTask? {
    try await store.finishTask(id, owner: owner, outcome: TaskOutcome(state: state, at: Fixture.at(at), error: error, result: result))
}

/// Inserts `task`, failing the case if the store refuses it; returns the task as stored.
@discardableResult
func insert(_ task: QueueTask, into store: any Store, file: String = #fileID, line: Int = #line) async throws -> QueueTask {
    try unwrap(try await store.insertTask(task), "insertTask(\(task.id.isEmpty ? "<empty id>" : task.id))", file: file, line: line)
}

/// Compares every field of a task read back from the store with the one expected.
private func checkTask(_ actual: QueueTask?, _ expected: QueueTask, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "task \(expected.id)", file: file, line: line)
    let name = "task \(expected.id)"
    try checkEqual(actual.id, expected.id, "\(name).id", file: file, line: line)
    try checkEqual(actual.queue, expected.queue, "\(name).queue", file: file, line: line)
    try checkEqual(actual.title, expected.title, "\(name).title", file: file, line: line)
    try checkEqual(actual.description, expected.description, "\(name).description", file: file, line: line)
    try checkEqual(actual.category, expected.category, "\(name).category", file: file, line: line)
    try checkEqual(actual.hours, expected.hours, "\(name).hours", file: file, line: line)
    try checkEqual(actual.score, expected.score, "\(name).score", file: file, line: line)
    try checkEqual(actual.dependsOn, expected.dependsOn, "\(name).dependsOn", file: file, line: line)
    try checkEqual(actual.attributes, expected.attributes, "\(name).attributes", file: file, line: line)
    try checkEqual(actual.state, expected.state, "\(name).state", file: file, line: line)
    try checkEqual(actual.window, expected.window, "\(name).window", file: file, line: line)
    try checkDate(actual.scheduledFor, expected.scheduledFor, "\(name).scheduledFor", file: file, line: line)
    try checkEqual(actual.attempts, expected.attempts, "\(name).attempts", file: file, line: line)
    try checkEqual(actual.maxAttempts, expected.maxAttempts, "\(name).maxAttempts", file: file, line: line)
    try checkEqual(actual.leaseOwner, expected.leaseOwner, "\(name).leaseOwner", file: file, line: line)
    try checkDate(actual.leaseExpiresAt, expected.leaseExpiresAt, "\(name).leaseExpiresAt", file: file, line: line)
    try checkEqual(actual.pid, expected.pid, "\(name).pid", file: file, line: line)
    try checkEqual(actual.actionID, expected.actionID, "\(name).actionID", file: file, line: line)
    try checkDate(actual.createdAt, expected.createdAt, "\(name).createdAt", file: file, line: line)
    try checkDate(actual.updatedAt, expected.updatedAt, "\(name).updatedAt", file: file, line: line)
    try checkDate(actual.startedAt, expected.startedAt, "\(name).startedAt", file: file, line: line)
    try checkDate(actual.finishedAt, expected.finishedAt, "\(name).finishedAt", file: file, line: line)
    try checkEqual(actual.lastError, expected.lastError, "\(name).lastError", file: file, line: line)
    try checkEqual(actual.result, expected.result, "\(name).result", file: file, line: line)
}
