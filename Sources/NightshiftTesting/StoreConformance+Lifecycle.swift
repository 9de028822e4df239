import Foundation
import NightshiftCore

extension StoreConformance {
    /// The end of a run: child pid, `finishRun` fencing and `interruptRun`.
    public static let lifecycleCases: [StoreConformanceCase] = [
        StoreConformanceCase("setChildPID: records and clears the child pid") { store in
            var run = try await Fixture.insertRunning(Fixture.run("r_a", slot: 10), into: store)
            try await store.setChildPID("r_a", 31337)
            run.childPID = 31337
            try checkRun(try await store.run("r_a"), run)
            try await store.setChildPID("r_a", nil)
            run.childPID = nil
            try checkRun(try await store.run("r_a"), run)
            try await store.setChildPID("r_ghost", 1)
            let ghost = try await store.run("r_ghost")
            try check(ghost == nil, "setChildPID of an unknown id created a run")
        },

        StoreConformanceCase("finishRun: the owner ends the run with its outcome and the child pid is cleared") { store in
            var run = try await Fixture.insertRunning(Fixture.run("r_a", slot: 10), owner: "owner-a", startedAt: 11, into: store)
            try await store.setChildPID("r_a", 4000)
            let outcome = RunOutcome(
                state: .failed, finishedAt: Fixture.at(42), exitStatus: 3,
                error: "exited with status 3", excerpt: "disk full\nretrying… ✗"
            )
            let finished = try await store.finishRun("r_a", owner: "owner-a", outcome: outcome)
            try check(finished, "finishRun by the owner returned false")
            run.state = .failed
            run.finishedAt = Fixture.at(42)
            run.exitStatus = 3
            run.error = "exited with status 3"
            run.excerpt = "disk full\nretrying… ✗"
            run.childPID = nil
            try checkRun(try await store.run("r_a"), run)
        },

        StoreConformanceCase("finishRun: another owner is refused and changes nothing") { store in
            let run = try await Fixture.insertRunning(Fixture.run("r_a", slot: 10), owner: "owner-a", into: store)
            let finished = try await store.finishRun(
                "r_a", owner: "owner-b", outcome: RunOutcome(state: .succeeded, finishedAt: Fixture.at(20), exitStatus: 0)
            )
            try check(!finished, "finishRun by a non-owner returned true")
            try checkRun(try await store.run("r_a"), run)
        },

        StoreConformanceCase("finishRun: a run that is not running cannot be finished") { store in
            let outcome = RunOutcome(state: .succeeded, finishedAt: Fixture.at(20), exitStatus: 0)
            let unknown = try await store.finishRun("r_ghost", owner: "owner-a", outcome: outcome)
            try check(!unknown, "finishRun of an unknown id returned true")
            let pending = Fixture.run("r_pending", slot: 10)
            try await Fixture.insert(pending, into: store)
            let early = try await store.finishRun("r_pending", owner: "owner-a", outcome: outcome)
            try check(!early, "finishRun of a pending run returned true")
            try checkRun(try await store.run("r_pending"), pending)

            var run = try await Fixture.insertRunning(Fixture.run("r_a", job: "report", slot: 10), owner: "owner-a", into: store)
            _ = try await store.finishRun("r_a", owner: "owner-a", outcome: outcome)
            run.state = .succeeded
            run.finishedAt = Fixture.at(20)
            run.exitStatus = 0
            let again = try await store.finishRun(
                "r_a", owner: "owner-a", outcome: RunOutcome(state: .failed, finishedAt: Fixture.at(30), error: "late")
            )
            try check(!again, "a finished run was finished again")
            try checkRun(try await store.run("r_a"), run)
        },

        StoreConformanceCase("interruptRun: marks a running run interrupted with the reason, whoever owns it") { store in
            var run = try await Fixture.insertRunning(Fixture.run("r_a", slot: 10), owner: "owner-a", into: store)
            try await store.setChildPID("r_a", 4000)
            let interrupted = try await store.interruptRun("r_a", reason: "the daemon died", at: Fixture.at(50))
            try check(interrupted, "interruptRun of a running run returned false")
            run.state = .interrupted
            run.finishedAt = Fixture.at(50)
            run.error = "the daemon died"
            // The owner and child pid stay, so recovery can say whose run it was and reap the child.
            run.childPID = 4000
            try checkRun(try await store.run("r_a"), run)
        },

        StoreConformanceCase("adoptRun: a new owner takes over a running run from the one named; then only it may finish it") { store in
            var run = try await Fixture.insertRunning(Fixture.run("r_a", slot: 10), owner: "dead-owner", into: store)
            let wrong = try await store.adoptRun("r_a", from: "someone-else", to: "owner-b")
            try check(!wrong, "adoptRun from an owner that does not hold the run returned true")
            try checkRun(try await store.run("r_a"), run)
            let adopted = try await store.adoptRun("r_a", from: "dead-owner", to: "owner-b")
            try check(adopted, "adoptRun from the recorded owner returned false")
            run.owner = "owner-b"
            try checkRun(try await store.run("r_a"), run)
            let twice = try await store.adoptRun("r_a", from: "dead-owner", to: "owner-c")
            try check(!twice, "a second adopter took the run over as well")
            let outcome = RunOutcome(state: .succeeded, finishedAt: Fixture.at(20), exitStatus: 0)
            let byDead = try await store.finishRun("r_a", owner: "dead-owner", outcome: outcome)
            try check(!byDead, "the previous owner could still finish an adopted run")
            let byNew = try await store.finishRun("r_a", owner: "owner-b", outcome: outcome)
            try check(byNew, "the adopter could not finish the run")
            let done = try await store.adoptRun("r_a", from: "owner-b", to: "owner-c")
            try check(!done, "a finished run was adopted")
        },

        StoreConformanceCase("interruptRun: a run that is not running is left alone") { store in
            let unknown = try await store.interruptRun("r_ghost", reason: "gone", at: Fixture.at(1))
            try check(!unknown, "interruptRun of an unknown id returned true")
            let pending = Fixture.run("r_pending", slot: 10)
            try await Fixture.insert(pending, into: store)
            let done = Fixture.run("r_done", job: "report", slot: 10, state: .succeeded)
            try await Fixture.insert(done, into: store)
            for run in [pending, done] {
                let interrupted = try await store.interruptRun(run.id, reason: "gone", at: Fixture.at(20))
                try check(!interrupted, "interruptRun of a \(run.state) run returned true")
                try checkRun(try await store.run(run.id), run)
            }
        },

        StoreConformanceCase("finishRun: the owner of an interrupted run is fenced out") { store in
            try await Fixture.insertRunning(Fixture.run("r_a", slot: 10), owner: "owner-a", into: store)
            _ = try await store.interruptRun("r_a", reason: "lease lost", at: Fixture.at(50))
            let finished = try await store.finishRun(
                "r_a", owner: "owner-a", outcome: RunOutcome(state: .succeeded, finishedAt: Fixture.at(60), exitStatus: 0)
            )
            try check(!finished, "the old owner finished a run someone else interrupted")
            try checkEqual(try await store.run("r_a")?.state, .interrupted, "state")
        },
    ]
}
