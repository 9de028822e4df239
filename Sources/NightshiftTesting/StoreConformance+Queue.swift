import Foundation
import NightshiftCore

extension StoreConformance {
    /// The pending queue: `dueRuns`, `nextPendingRunTime` and `claimRun`.
    public static let queueCases: [StoreConformanceCase] = [
        StoreConformanceCase("dueRuns: only pending runs whose notBefore has come, oldest first") { store in
            try await Fixture.insert(Fixture.run("r_late", slot: 30), into: store)
            try await Fixture.insert(Fixture.run("r_early", slot: 10), into: store)
            try await Fixture.insert(Fixture.run("r_now", slot: 50), into: store)
            try await Fixture.insert(Fixture.run("r_future", slot: 51), into: store)
            try await Fixture.insert(Fixture.run("r_done", slot: 5, state: .succeeded), into: store)
            try await Fixture.insert(Fixture.run("r_missed", slot: 6, state: .missed), into: store)
            try await Fixture.insertRunning(Fixture.run("r_busy", job: "report", slot: 7), into: store)
            let due = try await store.dueRuns(at: Fixture.at(50), limit: 10)
            try checkIDs(due, ["r_early", "r_late", "r_now"], "dueRuns at t+50")
        },

        StoreConformanceCase("dueRuns: honours the limit") { store in
            for second in [40, 10, 30, 20] {
                try await Fixture.insert(Fixture.run("r_\(second)", slot: Double(second)), into: store)
            }
            try checkIDs(try await store.dueRuns(at: Fixture.at(100), limit: 2), ["r_10", "r_20"], "dueRuns limit 2")
            try checkIDs(try await store.dueRuns(at: Fixture.at(100), limit: 1), ["r_10"], "dueRuns limit 1")
        },

        StoreConformanceCase("dueRuns: runs due at the same instant are ordered by id") { store in
            try await Fixture.insert(Fixture.run("r_c", job: "c", slot: 10), into: store)
            try await Fixture.insert(Fixture.run("r_a", job: "a", slot: 10), into: store)
            try await Fixture.insert(Fixture.run("r_b", job: "b", slot: 10), into: store)
            try checkIDs(try await store.dueRuns(at: Fixture.at(10), limit: 10), ["r_a", "r_b", "r_c"], "dueRuns tie order")
        },

        StoreConformanceCase("dueRuns: a run waits for its notBefore, not its slot") { store in
            try await Fixture.insert(Fixture.run("r_jittered", slot: 0, notBefore: 30), into: store)
            try checkIDs(try await store.dueRuns(at: Fixture.at(29), limit: 10), [], "dueRuns before notBefore")
            try checkIDs(try await store.dueRuns(at: Fixture.at(30), limit: 10), ["r_jittered"], "dueRuns at notBefore")
        },

        StoreConformanceCase("nextPendingRunTime: nil without pending runs") { store in
            let empty = try await store.nextPendingRunTime()
            try check(empty == nil, "nextPendingRunTime of an empty store is not nil")
            try await Fixture.insert(Fixture.run("r_done", slot: 5, state: .succeeded), into: store)
            try await Fixture.insertRunning(Fixture.run("r_busy", slot: 6), into: store)
            let none = try await store.nextPendingRunTime()
            try check(none == nil, "nextPendingRunTime counted a run that is not pending")
        },

        StoreConformanceCase("nextPendingRunTime: the earliest notBefore of the pending runs, future ones included") { store in
            try await Fixture.insert(Fixture.run("r_old_done", slot: 1, state: .failed), into: store)
            try await Fixture.insert(Fixture.run("r_b", slot: 0, notBefore: 700), into: store)
            try await Fixture.insert(Fixture.run("r_a", slot: 600), into: store)
            try checkDate(try await store.nextPendingRunTime(), Fixture.at(600), "nextPendingRunTime")
        },

        StoreConformanceCase("claimRun: moves a pending run to running under the owner") { store in
            var run = Fixture.run("r_a", slot: 10)
            try await Fixture.insert(run, into: store)
            let claimed = try await store.claimRun("r_a", owner: "host:123:boot", at: Fixture.at(12), exclusive: true)
            run.state = .running
            run.owner = "host:123:boot"
            run.startedAt = Fixture.at(12)
            try checkRun(claimed, run)
            try checkRun(try await store.run("r_a"), run)
            try checkIDs(try await store.dueRuns(at: Fixture.at(100), limit: 10), [], "dueRuns after the claim")
            let next = try await store.nextPendingRunTime()
            try check(next == nil, "nextPendingRunTime still counts the claimed run")
        },

        StoreConformanceCase("claimRun: only a pending run can be claimed") { store in
            let unknown = try await store.claimRun("r_ghost", owner: "owner-b", at: Fixture.at(1), exclusive: false)
            try check(unknown == nil, "claimRun of an unknown id returned a run")
            let running = try await Fixture.insertRunning(Fixture.run("r_a", slot: 10), owner: "owner-a", into: store)
            let twice = try await store.claimRun("r_a", owner: "owner-b", at: Fixture.at(20), exclusive: false)
            try check(twice == nil, "a running run was claimed again")
            try checkRun(try await store.run("r_a"), running)
            for state in RunState.allCases where state.isFinal {
                let ended = Fixture.run("r_\(state)", job: "job-\(state)", slot: 10, state: state)
                try await Fixture.insert(ended, into: store)
                let claimed = try await store.claimRun(ended.id, owner: "owner-b", at: Fixture.at(20), exclusive: false)
                try check(claimed == nil, "a \(state) run was claimed")
                try checkRun(try await store.run(ended.id), ended)
            }
        },

        StoreConformanceCase("claimRun: an exclusive claim is refused while another run of the job is running") { store in
            try await Fixture.insertRunning(Fixture.run("r_first", slot: 10), into: store)
            let queued = Fixture.run("r_second", slot: 20)
            try await Fixture.insert(queued, into: store)
            let claimed = try await store.claimRun("r_second", owner: "owner-b", at: Fixture.at(21), exclusive: true)
            try check(claimed == nil, "an exclusive claim succeeded while the job was running")
            try checkRun(try await store.run("r_second"), queued)
        },

        StoreConformanceCase("claimRun: a non-exclusive claim is allowed while another run of the job is running") { store in
            try await Fixture.insertRunning(Fixture.run("r_first", slot: 10), into: store)
            try await Fixture.insert(Fixture.run("r_second", slot: 20), into: store)
            let claimed = try await store.claimRun("r_second", owner: "owner-b", at: Fixture.at(21), exclusive: false)
            try checkEqual(claimed?.state, .running, "state of a non-exclusive claim")
            try checkEqual(claimed?.owner, "owner-b", "owner of a non-exclusive claim")
        },

        StoreConformanceCase("claimRun: an exclusive claim ignores other jobs and runs that are not running") { store in
            try await Fixture.insertRunning(Fixture.run("r_other", job: "report", slot: 10), into: store)
            try await Fixture.insert(Fixture.run("r_failed", slot: 5, state: .failed), into: store)
            try await Fixture.insert(Fixture.run("r_interrupted", slot: 6, state: .interrupted), into: store)
            try await Fixture.insert(Fixture.run("r_queued", slot: 30), into: store)
            try await Fixture.insert(Fixture.run("r_mine", slot: 20), into: store)
            let claimed = try await store.claimRun("r_mine", owner: "owner-b", at: Fixture.at(21), exclusive: true)
            try checkEqual(claimed?.state, .running, "state of an exclusive claim on an idle job")
        },

        StoreConformanceCase("claimRun: an exclusive claim succeeds once the running run has ended") { store in
            try await Fixture.insertRunning(Fixture.run("r_first", slot: 10), owner: "owner-a", into: store)
            try await Fixture.insert(Fixture.run("r_second", slot: 20), into: store)
            let early = try await store.claimRun("r_second", owner: "owner-b", at: Fixture.at(21), exclusive: true)
            try check(early == nil, "an exclusive claim succeeded while the job was running")
            let finished = try await store.finishRun(
                "r_first", owner: "owner-a", outcome: RunOutcome(state: .succeeded, finishedAt: Fixture.at(25))
            )
            try check(finished, "finishRun by the owner returned false")
            let claimed = try await store.claimRun("r_second", owner: "owner-b", at: Fixture.at(26), exclusive: true)
            try checkEqual(claimed?.state, .running, "state of the exclusive claim after the first run ended")
        },
    ]
}
