import Foundation
import NightshiftCore

extension StoreConformance {
    /// Run insertion: uniqueness of (job, slot key, attempt) and `recordSlots`' cursor move.
    public static let insertCases: [StoreConformanceCase] = [
        StoreConformanceCase("insertRun: stores the run") { store in
            let run = Fixture.run("r_a", slot: 60)
            try await Fixture.insert(run, into: store)
            try checkRun(try await store.run("r_a"), run)
        },

        StoreConformanceCase("insertRun: refuses a second run for the same job, slot key and attempt") { store in
            let first = Fixture.run("r_a", slot: 60)
            try await Fixture.insert(first, into: store)
            let again = try await store.insertRun(Fixture.run("r_b", slot: 60, state: .failed, createdAt: 61))
            try check(!again, "a second run for the same (job, slot key, attempt) was inserted")
            let ghost = try await store.run("r_b")
            try check(ghost == nil, "the refused run can be read back")
            try checkRun(try await store.run("r_a"), first)
            try checkEqual(try await store.runs(RunQuery()).count, 1, "number of runs")
        },

        StoreConformanceCase("insertRun: refuses a run whose id exists") { store in
            let first = Fixture.run("r_a", slot: 60)
            try await Fixture.insert(first, into: store)
            let again = try await store.insertRun(Fixture.run("r_a", job: "report", slot: 120))
            try check(!again, "a second run with an existing id was inserted")
            try checkRun(try await store.run("r_a"), first)
            try checkEqual(try await store.runs(RunQuery()).count, 1, "number of runs")
        },

        StoreConformanceCase("insertRun: the same slot key with attempt 2 is a new run") { store in
            try await Fixture.insert(Fixture.run("r_a", slot: 60, state: .failed), into: store)
            let retry = Fixture.run("r_b", slot: 60, attempt: 2, trigger: .retry, createdAt: 90)
            let inserted = try await store.insertRun(retry)
            try check(inserted, "attempt 2 of a slot was refused")
            try checkRun(try await store.run("r_b"), retry)
            let third = try await store.insertRun(Fixture.run("r_c", slot: 60, attempt: 2, createdAt: 95))
            try check(!third, "a second attempt 2 of the same slot was inserted")
        },

        StoreConformanceCase("insertRun: the same slot key in another job is a new run") { store in
            try await Fixture.insert(Fixture.run("r_a", job: "backup", slot: 60), into: store)
            let other = Fixture.run("r_b", job: "report", slot: 60)
            let inserted = try await store.insertRun(other)
            try check(inserted, "a run of another job for the same slot key was refused")
        },

        StoreConformanceCase("recordSlots: inserts the runs, returns them in order and moves the cursor") { store in
            try await store.syncJobs(["backup"], at: Fixture.at(0))
            let runs = [
                Fixture.run("r_1", slot: 60),
                Fixture.run("r_2", slot: 120, state: .missed),
                Fixture.run("r_3", slot: 180, trigger: .catchup),
            ]
            let inserted = try await store.recordSlots(job: "backup", runs: runs, cursor: Fixture.at(180))
            try checkIDs(inserted, ["r_1", "r_2", "r_3"], "runs returned by recordSlots")
            for run in runs { try checkRun(try await store.run(run.id), run) }
            try checkDate(try await store.jobState("backup")?.cursor, Fixture.at(180), "cursor")
        },

        StoreConformanceCase("recordSlots: skips runs that exist and returns only the new ones") { store in
            try await store.syncJobs(["backup"], at: Fixture.at(0))
            let existing = Fixture.run("r_old", slot: 60, state: .succeeded)
            try await Fixture.insert(existing, into: store)
            let runs = [Fixture.run("r_1", slot: 60), Fixture.run("r_2", slot: 120)]
            let inserted = try await store.recordSlots(job: "backup", runs: runs, cursor: Fixture.at(120))
            try checkIDs(inserted, ["r_2"], "runs returned by recordSlots")
            try checkRun(try await store.run("r_old"), existing)
            let skipped = try await store.run("r_1")
            try check(skipped == nil, "the duplicate slot's run was stored")
            try checkDate(try await store.jobState("backup")?.cursor, Fixture.at(120), "cursor")
        },

        StoreConformanceCase("recordSlots: a slot listed twice in one call is inserted once") { store in
            try await store.syncJobs(["backup"], at: Fixture.at(0))
            let runs = [Fixture.run("r_1", slot: 60), Fixture.run("r_2", slot: 60)]
            let inserted = try await store.recordSlots(job: "backup", runs: runs, cursor: Fixture.at(60))
            try checkIDs(inserted, ["r_1"], "runs returned by recordSlots")
            try checkEqual(try await store.runs(RunQuery(job: "backup")).count, 1, "number of runs")
        },

        StoreConformanceCase("recordSlots: moves the cursor even when nothing is new") { store in
            try await store.syncJobs(["backup"], at: Fixture.at(0))
            try await Fixture.insert(Fixture.run("r_old", slot: 60), into: store)
            let none = try await store.recordSlots(job: "backup", runs: [Fixture.run("r_1", slot: 60)], cursor: Fixture.at(60))
            try check(none.isEmpty, "recordSlots returned \(none.map(\.id)) for a duplicate slot")
            try checkDate(try await store.jobState("backup")?.cursor, Fixture.at(60), "cursor after duplicates only")
            let empty = try await store.recordSlots(job: "backup", runs: [], cursor: Fixture.at(240))
            try check(empty.isEmpty, "recordSlots with no runs returned runs")
            try checkDate(try await store.jobState("backup")?.cursor, Fixture.at(240), "cursor after no runs")
        },

        StoreConformanceCase("recordSlots: leaves other jobs alone") { store in
            try await store.syncJobs(["backup", "report"], at: Fixture.at(0))
            _ = try await store.recordSlots(job: "backup", runs: [Fixture.run("r_1", slot: 60)], cursor: Fixture.at(60))
            try checkJob(try await store.jobState("report"), JobState(name: "report", cursor: Fixture.at(0)))
            try checkEqual(try await store.runs(RunQuery(job: "report")).count, 0, "runs of the other job")
        },
    ]
}
