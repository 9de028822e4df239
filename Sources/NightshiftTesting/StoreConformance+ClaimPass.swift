import Foundation
import NightshiftCore

extension StoreConformance {
    /// A runner's pass: `claimDueRuns`, `nextPendingRunTime(after:)`, and many `finishRun`s at once.
    public static let claimPassCases: [StoreConformanceCase] = [
        StoreConformanceCase("claimDueRuns: the due runs, oldest first, up to the limit, under the owner") { store in
            for (id, job, second) in [("r_30", "a", 30.0), ("r_10", "b", 10), ("r_20", "c", 20), ("r_40", "d", 40), ("r_later", "e", 90)] {
                try await Fixture.insert(Fixture.run(id, job: job, slot: second), into: store)
            }
            let claimed = try await store.claimDueRuns(at: Fixture.at(50), owner: "owner-a", limit: 3, overlapping: [])
            try checkIDs(claimed, ["r_10", "r_20", "r_30"], "claimed, limit 3")
            var expected = Fixture.run("r_10", job: "b", slot: 10)
            expected.state = .running
            expected.owner = "owner-a"
            expected.startedAt = Fixture.at(50)
            try checkRun(claimed.first, expected)
            try checkRun(try await store.run("r_10"), expected)
            try checkIDs(try await store.dueRuns(at: Fixture.at(50), limit: 10), ["r_40"], "left due")
            let rest = try await store.claimDueRuns(at: Fixture.at(50), owner: "owner-b", limit: 10, overlapping: [])
            try checkIDs(rest, ["r_40"], "second pass")
            try checkEqual(try await store.run("r_later")?.state, .pending, "a run not yet due")
            let none = try await store.claimDueRuns(at: Fixture.at(50), owner: "owner-b", limit: 0, overlapping: [])
            try checkIDs(none, [], "limit 0")
        },

        StoreConformanceCase("claimDueRuns: one run per job that may not overlap, none while the job is running") { store in
            try await Fixture.insertRunning(Fixture.run("r_busy", job: "busy", slot: 1), into: store)
            for index in 0..<3 {
                try await Fixture.insert(Fixture.run("r_busy_\(index)", job: "busy", slot: Double(10 + index)), into: store)
                try await Fixture.insert(Fixture.run("r_solo_\(index)", job: "solo", slot: Double(20 + index)), into: store)
                try await Fixture.insert(Fixture.run("r_many_\(index)", job: "many", slot: Double(30 + index)), into: store)
            }
            let claimed = try await store.claimDueRuns(at: Fixture.at(100), owner: "owner-a", limit: 10, overlapping: ["many"])
            try checkIDs(claimed, ["r_solo_0", "r_many_0", "r_many_1", "r_many_2"], "claimed")
            try checkEqual(try await store.run("r_busy_0")?.state, .pending, "a run of the busy job")
            let again = try await store.claimDueRuns(at: Fixture.at(100), owner: "owner-a", limit: 10, overlapping: ["many"])
            try checkIDs(again, [], "while solo's first run runs")
        },

        StoreConformanceCase("claimDueRuns: reaches past a backlog of a busy job's runs") { store in
            try await Fixture.insertRunning(Fixture.run("r_busy", job: "busy", slot: 1), into: store)
            for index in 0..<100 {
                try await Fixture.insert(Fixture.run(String(format: "r_busy_%03d", index), job: "busy", slot: Double(10 + index)), into: store)
            }
            try await Fixture.insert(Fixture.run("r_other", job: "other", slot: 500), into: store)
            let claimed = try await store.claimDueRuns(at: Fixture.at(1000), owner: "owner-a", limit: 1, overlapping: [])
            try checkIDs(claimed, ["r_other"], "claimed behind 100 waiting runs")
        },

        StoreConformanceCase("claimDueRuns: concurrent passes never claim a run twice nor two runs of a job that may not overlap") { store in
            for index in 0..<40 {
                try await Fixture.insert(Fixture.run(String(format: "r_many_%02d", index), job: "many", slot: Double(index)), into: store)
            }
            for job in 0..<6 {
                for index in 0..<3 {
                    try await Fixture.insert(Fixture.run("r_solo\(job)_\(index)", job: "solo\(job)", slot: Double(index * 7 + job)), into: store)
                }
            }
            let passes = try await withThrowingTaskGroup(of: [RunRecord].self) { group in
                for claimer in 0..<8 {
                    group.addTask {
                        try await store.claimDueRuns(at: Fixture.at(1000), owner: "owner-\(claimer)", limit: 4, overlapping: ["many"])
                    }
                }
                return try await group.reduce(into: [[RunRecord]]()) { $0.append($1) }
            }
            let ids = passes.flatMap { $0.map(\.id) }
            try checkEqual(Set(ids).count, ids.count, "runs claimed more than once")
            let running = try await store.runs(RunQuery(states: [.running], limit: 1000))
            try checkEqual(Set(running.map(\.id)), Set(ids), "running runs against claimed ones")
            for job in 0..<6 {
                try check(running.filter { $0.job == "solo\(job)" }.count <= 1, "two runs of solo\(job) are running")
            }
            for run in running {
                let pass = passes.first { $0.contains { $0.id == run.id } }
                try checkEqual(run.owner, pass?.first?.owner, "owner of \(run.id)")
            }
        },

        StoreConformanceCase("finishRun: concurrent finishes each answer for their own run, with their own outcome") { store in
            for index in 0..<60 {
                try await Fixture.insertRunning(Fixture.run(String(format: "r_%02d", index), job: "job-\(index % 4)", slot: Double(index)), owner: "owner-a", into: store)
            }
            // Every run finished by its owner, the first ten also by an impostor, the first five twice.
            let answers = try await withThrowingTaskGroup(of: (String, String, Bool).self) { group in
                for index in 0..<60 {
                    let id = String(format: "r_%02d", index)
                    let finishes = [("owner-a", 0)] + (index < 10 ? [("owner-b", 1)] : []) + (index < 5 ? [("owner-a", 2)] : [])
                    for (owner, nth) in finishes {
                        group.addTask {
                            let outcome = RunOutcome(
                                state: index % 2 == 0 ? .succeeded : .failed, finishedAt: Fixture.at(Double(100 + index)),
                                exitStatus: index % 2 == 0 ? 0 : index, error: index % 2 == 0 ? nil : "exit \(index)",
                                excerpt: "out \(index) by \(owner) #\(nth)"
                            )
                            return (id, owner, try await store.finishRun(id, owner: owner, outcome: outcome))
                        }
                    }
                }
                return try await group.reduce(into: [(String, String, Bool)]()) { $0.append($1) }
            }
            for index in 0..<60 {
                let id = String(format: "r_%02d", index)
                let mine = answers.filter { $0.0 == id }
                try checkEqual(mine.filter { $0.1 == "owner-b" && $0.2 }.count, 0, "an impostor's finish of \(id) was accepted")
                try checkEqual(mine.filter { $0.1 == "owner-a" && $0.2 }.count, 1, "the owner's finishes of \(id) accepted")
                let run = try await store.run(id)
                try checkEqual(run?.state, index % 2 == 0 ? .succeeded : .failed, "state of \(id)")
                try checkDate(run?.finishedAt, Fixture.at(Double(100 + index)), "finishedAt of \(id)")
                try checkEqual(run?.exitStatus, index % 2 == 0 ? 0 : index, "exit status of \(id)")
                try checkEqual(run?.error, index % 2 == 0 ? nil : "exit \(index)", "error of \(id)")
                try check(run?.excerpt?.hasPrefix("out \(index) by owner-a #") == true, "excerpt of \(id): \(run?.excerpt ?? "nil")")
            }
        },

        StoreConformanceCase("nextPendingRunTime(after:): the earliest pending run coming due later") { store in
            try await Fixture.insert(Fixture.run("r_due", job: "a", slot: 10), into: store)
            try await Fixture.insert(Fixture.run("r_soon", job: "b", slot: 60), into: store)
            try await Fixture.insert(Fixture.run("r_later", job: "c", slot: 90), into: store)
            try await Fixture.insertRunning(Fixture.run("r_busy", job: "d", slot: 70), into: store)
            try checkDate(try await store.nextPendingRunTime(after: Fixture.at(30)), Fixture.at(60), "after t+30")
            try checkDate(try await store.nextPendingRunTime(after: Fixture.at(60)), Fixture.at(90), "after t+60")
            try checkDate(try await store.nextPendingRunTime(after: Fixture.at(90)), nil, "after t+90")
            try checkDate(try await store.nextPendingRunTime(after: nil), Fixture.at(10), "after nil")
        },
    ]
}
