import Foundation
import NightshiftCore

extension StoreConformance {
    /// Job registration, pausing and alert bookkeeping.
    public static let jobCases: [StoreConformanceCase] = [
        StoreConformanceCase("jobs: a fresh store has none") { store in
            let states = try await store.jobStates()
            try check(states.isEmpty, "expected no jobs, got \(states.map(\.name))")
            let unknown = try await store.jobState("backup")
            try check(unknown == nil, "jobState of an undeclared job is not nil")
        },

        StoreConformanceCase("jobs: a new job starts at now, unpaused, not retired, with a clean alert state") { store in
            try await store.syncJobs(["backup"], at: Fixture.at(10))
            let expected = JobState(name: "backup", cursor: Fixture.at(10))
            try checkJob(try await store.jobState("backup"), expected)
            try checkEqual(try await store.jobStates().map(\.name), ["backup"], "jobStates")
        },

        StoreConformanceCase("jobs: a known job keeps its cursor and paused flag") { store in
            try await store.syncJobs(["backup"], at: Fixture.at(0))
            _ = try await store.setPaused("backup", true)
            _ = try await store.recordSlots(job: "backup", runs: [], cursor: Fixture.at(300))
            try await store.syncJobs(["backup", "report"], at: Fixture.at(900))
            try checkJob(try await store.jobState("backup"), JobState(name: "backup", paused: true, cursor: Fixture.at(300)))
            try checkJob(try await store.jobState("report"), JobState(name: "report", cursor: Fixture.at(900)))
        },

        StoreConformanceCase("jobs: undeclared jobs are retired but kept") { store in
            try await store.syncJobs(["backup", "report"], at: Fixture.at(0))
            try await store.syncJobs(["report"], at: Fixture.at(60))
            try checkJob(try await store.jobState("backup"), JobState(name: "backup", cursor: Fixture.at(0), retired: true))
            try checkJob(try await store.jobState("report"), JobState(name: "report", cursor: Fixture.at(0)))
            try checkEqual(try await store.jobStates().map(\.name), ["backup", "report"], "jobStates with a retired job")
        },

        StoreConformanceCase("jobs: a redeclared job is no longer retired and keeps its state") { store in
            try await store.syncJobs(["backup"], at: Fixture.at(0))
            _ = try await store.setPaused("backup", true)
            _ = try await store.recordSlots(job: "backup", runs: [], cursor: Fixture.at(120))
            try await store.syncJobs([], at: Fixture.at(200))
            try await store.syncJobs(["backup"], at: Fixture.at(400))
            try checkJob(try await store.jobState("backup"), JobState(name: "backup", paused: true, cursor: Fixture.at(120)))
        },

        StoreConformanceCase("jobs: syncing no names retires every job") { store in
            try await store.syncJobs(["backup", "report"], at: Fixture.at(0))
            try await store.syncJobs([], at: Fixture.at(60))
            let states = try await store.jobStates()
            try checkEqual(states.map(\.name), ["backup", "report"], "jobStates after retiring all")
            try check(states.allSatisfy(\.retired), "a job declared nowhere is not retired")
        },

        StoreConformanceCase("jobs: a name declared twice in one sync is registered once") { store in
            try await store.syncJobs(["backup", "backup"], at: Fixture.at(0))
            try checkEqual(try await store.jobStates().map(\.name), ["backup"], "jobStates")
        },

        StoreConformanceCase("jobs: jobStates is ordered by name") { store in
            try await store.syncJobs(["zeta", "alpha", "mu", "beta"], at: Fixture.at(0))
            try await store.syncJobs(["zeta", "mu", "beta"], at: Fixture.at(1))
            try checkEqual(try await store.jobStates().map(\.name), ["alpha", "beta", "mu", "zeta"], "jobStates order")
        },

        StoreConformanceCase("jobs: setPaused on an unknown job returns false and creates nothing") { store in
            let paused = try await store.setPaused("ghost", true)
            try check(!paused, "setPaused of an unknown job returned true")
            let state = try await store.jobState("ghost")
            try check(state == nil, "setPaused created a job")
        },

        StoreConformanceCase("jobs: setPaused sets and clears the flag") { store in
            try await store.syncJobs(["backup"], at: Fixture.at(0))
            let paused = try await store.setPaused("backup", true)
            try check(paused, "setPaused(true) of a known job returned false")
            try checkJob(try await store.jobState("backup"), JobState(name: "backup", paused: true, cursor: Fixture.at(0)))
            let resumed = try await store.setPaused("backup", false)
            try check(resumed, "setPaused(false) of a known job returned false")
            try checkJob(try await store.jobState("backup"), JobState(name: "backup", cursor: Fixture.at(0)))
        },

        StoreConformanceCase("jobs: updateAlertState stores every field, nil included") { store in
            try await store.syncJobs(["backup", "report"], at: Fixture.at(0))
            let alerting = AlertState(consecutiveFailures: 3, lastAlertAt: Fixture.at(42.5), alerting: true)
            try await store.updateAlertState("backup", alerting)
            try checkJob(try await store.jobState("backup"), JobState(name: "backup", cursor: Fixture.at(0), alert: alerting))
            try checkJob(try await store.jobState("report"), JobState(name: "report", cursor: Fixture.at(0)))
            try await store.updateAlertState("backup", AlertState())
            try checkJob(try await store.jobState("backup"), JobState(name: "backup", cursor: Fixture.at(0)))
        },

        StoreConformanceCase("jobs: updateAlertState of an unknown job creates nothing") { store in
            try await store.updateAlertState("ghost", AlertState(consecutiveFailures: 1, lastAlertAt: Fixture.at(1), alerting: true))
            let state = try await store.jobState("ghost")
            try check(state == nil, "updateAlertState created a job")
        },
    ]
}
