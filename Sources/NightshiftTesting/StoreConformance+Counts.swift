import Foundation
import NightshiftCore

extension StoreConformance {
    /// What keeps reading commands at the cost of their page: counts the store makes itself
    /// (`runCounts`, `taskTotals`, `countActions`) and the filters that read only a page (a run
    /// period, tasks by id or by the span they finished in, actions still approvable).
    public static let countCases: [StoreConformanceCase] = [
        StoreConformanceCase("runCounts: runs per state asked, 0 for a state without runs; they follow claims and finishes") { store in
            try await Fixture.insert(Fixture.run("r_1", slot: 1), into: store)
            try await Fixture.insert(Fixture.run("r_2", slot: 2), into: store)
            try await Fixture.insert(Fixture.run("r_3", slot: 3, state: .succeeded), into: store)
            try await Fixture.insert(Fixture.run("r_4", job: "report", slot: 4, state: .failed), into: store)
            try await Fixture.insertRunning(Fixture.run("r_5", job: "report", slot: 5), into: store)
            try checkEqual(
                try await store.runCounts(in: [.pending, .running, .interrupted]), [.pending: 2, .running: 1, .interrupted: 0], "counts"
            )
            _ = try await store.claimRun("r_1", owner: "owner-a", at: Fixture.at(6), exclusive: false)
            _ = try await store.finishRun("r_5", owner: "owner-a", outcome: RunOutcome(state: .failed, finishedAt: Fixture.at(7)))
            try checkEqual(
                try await store.runCounts(in: [.pending, .running, .failed]), [.pending: 1, .running: 1, .failed: 2], "counts after a claim and a finish"
            )
            try checkEqual(try await store.runCounts(in: []), [:], "counts of no state")
        },

        StoreConformanceCase("runs: a period keeps the runs created or finished in it, its end excluded, newest first") { store in
            // The period is [100, 200).
            try await Fixture.insertRunning(Fixture.run("r_before_finished_in", slot: 10), startedAt: 11, into: store)
            _ = try await store.finishRun("r_before_finished_in", owner: "owner-a", outcome: RunOutcome(state: .succeeded, finishedAt: Fixture.at(150)))
            try await Fixture.insertRunning(Fixture.run("r_before_finished_before", slot: 20), startedAt: 21, into: store)
            _ = try await store.finishRun("r_before_finished_before", owner: "owner-a", outcome: RunOutcome(state: .failed, finishedAt: Fixture.at(99)))
            try await Fixture.insertRunning(Fixture.run("r_before_finished_at_end", slot: 30), startedAt: 31, into: store)
            _ = try await store.finishRun("r_before_finished_at_end", owner: "owner-a", outcome: RunOutcome(state: .failed, finishedAt: Fixture.at(200)))
            try await Fixture.insertRunning(Fixture.run("r_before_running", slot: 40), startedAt: 41, into: store)
            try await Fixture.insert(Fixture.run("r_at_start", slot: 100), into: store)
            try await Fixture.insert(Fixture.run("r_in", job: "report", slot: 120, state: .missed), into: store)
            try await Fixture.insert(Fixture.run("r_at_end", slot: 200), into: store)
            let period = Fixture.at(100)..<Fixture.at(200)
            try checkIDs(
                try await store.runs(RunQuery(period: period)), ["r_in", "r_at_start", "r_before_finished_in"], "runs of the period"
            )
            try checkIDs(try await store.runs(RunQuery(job: "backup", period: period)), ["r_at_start", "r_before_finished_in"], "of backup")
            try checkIDs(try await store.runs(RunQuery(states: [.succeeded, .missed], period: period, limit: 1)), ["r_in"], "by state, limited")
        },

        StoreConformanceCase("tasks: filtered by ids, unknown ones left out, in insertion order") { store in
            for id in ["a", "b", "c", "d"] { try await insert(taskFixture(id), into: store) }
            try await insert(taskFixture("other", queue: "mail"), into: store)
            try checkEqual(try await store.tasks(TaskQuery(ids: ["d", "b", "ghost"])).map(\.id), ["b", "d"], "by ids")
            try checkEqual(try await store.tasks(TaskQuery(queue: "builder", ids: ["a", "other"])).map(\.id), ["a"], "by ids in one queue")
            try checkEqual(try await store.tasks(TaskQuery(states: [.blocked], ids: ["a"])).map(\.id), [], "by ids and state")
            try checkEqual(try await store.tasks(TaskQuery(ids: [])).map(\.id), [], "no ids")
        },

        StoreConformanceCase("tasks: filtered by the span they finished in, both ends included") { store in
            for (id, finishedAt) in [("early", 99.0), ("start", 100), ("middle", 150), ("end", 200), ("late", 201)] {
                try await insert(taskFixture(id), into: store)
                _ = try await claim(id, by: "worker-1", until: 1000, at: 50, in: store)
                _ = try await finish(id, by: "worker-1", id == "middle" ? .failed : .succeeded, at: finishedAt, in: store)
            }
            try await insert(taskFixture("open"), into: store)
            let span = Fixture.at(100)...Fixture.at(200)
            try checkEqual(try await store.tasks(TaskQuery(finished: span)).map(\.id), ["start", "middle", "end"], "finished in the span")
            try checkEqual(try await store.tasks(TaskQuery(states: [.failed], finished: span)).map(\.id), ["middle"], "failed in the span")
            try checkEqual(try await store.tasks(TaskQuery(queue: "mail", finished: span)).map(\.id), [], "of another queue")
        },

        StoreConformanceCase("taskTotals: count and hours per state of one queue follow inserts, updates, claims, finishes and releases") { store in
            for (id, hours) in [("a", 0.1), ("b", 0.2), ("c", 2.5)] {
                var task = taskFixture(id)
                task.hours = hours
                try await insert(task, into: store)
            }
            try await insert(taskFixture("other", queue: "mail"), into: store)
            try checkEqual(try await store.taskTotals(queue: "builder"), [.queued: TaskTotal(count: 3, microHours: 2_800_000)], "after inserts")
            try checkEqual(try await store.taskTotals(queue: "ghost"), [:], "a queue without tasks")

            var blocked = try unwrap(try await store.task("b"), "task b")
            blocked.state = .blocked
            blocked.hours = 0.3
            _ = try await store.updateTask(blocked, expecting: [.queued], at: Fixture.at(1))
            _ = try await claim("a", by: "worker-1", until: 10, at: 2, in: store)
            _ = try await claim("c", by: "worker-1", until: 10, at: 2, in: store)
            _ = try await finish("c", by: "worker-1", .succeeded, at: 3, in: store)
            try checkEqual(
                try await store.taskTotals(queue: "builder"),
                [.blocked: TaskTotal(count: 1, microHours: 300_000), .running: TaskTotal(count: 1, microHours: 100_000),
                 .succeeded: TaskTotal(count: 1, microHours: 2_500_000)],
                "after an update, claims and a finish"
            )
            _ = try await store.releaseTasks(expiredAt: Fixture.at(11), ownedBy: [])
            let totals = try await store.taskTotals(queue: "builder")
            try checkEqual(totals[.queued], TaskTotal(count: 1, microHours: 100_000), "queued after the release")
            try checkEqual(totals[.running], nil, "running after the release")
            try checkEqual(totals[.succeeded]?.hours, 2.5, "hours succeeded")
        },

        StoreConformanceCase("countActions: counts what actions lists, whatever the limit; unexpiredAt keeps the actions still approvable") { store in
            var records = [
                actionFixture("a_1", status: .awaitingApproval, created: 1), actionFixture("a_2", status: .awaitingApproval, created: 2),
                actionFixture("a_3", status: .awaitingApproval, created: 3), actionFixture("a_4", status: .executed, created: 4),
            ]
            records[0].expiresAt = Fixture.at(100)
            records[1].expiresAt = Fixture.at(200)
            for record in records { try await store.insertAction(record, audit: auditFixture(.decision, subject: record.id, at: 1)) }
            try checkEqual(try await store.countActions(ActionQuery(statuses: [.awaitingApproval], limit: 1)), 3, "waiting")
            try checkEqual(try await store.countActions(ActionQuery()), 4, "all")
            let unexpired = ActionQuery(statuses: [.awaitingApproval], unexpiredAt: Fixture.at(100))
            try checkEqual(try await store.countActions(unexpired), 2, "waiting and not expired at 100")
            try checkEqual(try await store.actions(unexpired).map(\.id), ["a_3", "a_2"], "listed waiting and not expired at 100")
            try checkEqual(try await store.countActions(ActionQuery(statuses: [.rejected])), 0, "a status nobody has")
        },
    ]
}
