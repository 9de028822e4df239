import Foundation
import NightshiftCore

extension StoreConformance {
    /// Cycle runs and step checkpoints: uniqueness, listing, fenced writes and resumption.
    public static let checkpointCases: [StoreConformanceCase] = [
        StoreConformanceCase("insertCycleRun: a second run for the same cycle, tenant, slot and variant is refused and writes nothing") { store in
            let run = CycleFixture.run("c_a")
            try check(try await store.insertCycleRun(run, steps: CycleFixture.steps(of: "c_a")), "first insertCycleRun returned false")
            let twin = CycleFixture.run("c_b")
            let inserted = try await store.insertCycleRun(twin, steps: CycleFixture.steps(of: "c_b"))
            try check(!inserted, "insertCycleRun of the same (cycle, tenant, slot key, variant) returned true")
            try check(try await store.cycleRun("c_b") == nil, "the refused cycle run was written")
            try checkEqual(try await store.steps(of: "c_b").count, 0, "steps of the refused cycle run")
            let sameID = try await store.insertCycleRun(CycleFixture.run("c_a", slot: 999), steps: [])
            try check(!sameID, "insertCycleRun of an existing id returned true")
            for (id, variant, tenant) in [("c_c", CycleVariant.condensed, "acme"), ("c_d", .remainder, "acme"), ("c_e", .full, "globex")] {
                let other = CycleFixture.run(id, tenant: tenant, variant: variant)
                try check(try await store.insertCycleRun(other, steps: []), "insertCycleRun of \(variant)@\(tenant) returned false")
            }
        },

        StoreConformanceCase("cycleRun and steps: every field round-trips") { store in
            let run = CycleRunRecord(
                id: "c_full", cycle: "nightly", tenant: "acme", slot: Fixture.at(3600), slotKey: "manual:c_full",
                trigger: .catchup, variant: .condensed, state: .interrupted, createdAt: Fixture.at(3601),
                startedAt: Fixture.at(3602.5), finishedAt: Fixture.at(3700.25), error: "the daemon died ✗",
                owner: "4242@night-host#d_1", leaseToken: 9_000_000_000
            )
            let steps = [
                StepRecord(
                    cycleRunID: "c_full", index: 1, name: "reflect", state: .failed, attempt: 3,
                    startedAt: Fixture.at(3650), finishedAt: Fixture.at(3660.5), excerpt: "line 1\nline 2 ✓",
                    output: #"{"score": 0.5, "notes": ["a", "b"]}"#, error: "exited with status 2",
                    budgetSeconds: 12.5, overrunSeconds: 0.75, idempotencyKey: "custom-key"
                ),
                StepRecord(cycleRunID: "c_full", index: 0, name: "plan"),
            ]
            try check(try await store.insertCycleRun(run, steps: steps), "insertCycleRun returned false")
            try checkCycleRun(try await store.cycleRun("c_full"), run)
            let stored = try await store.steps(of: "c_full")
            try checkEqual(stored.map(\.index), [0, 1], "step indices, by index")
            try checkStep(stored.first, steps[1])
            try checkStep(stored.last, steps[0])
            try checkEqual(stored.first?.idempotencyKey, "c_full:plan", "default idempotency key")
            try check(try await store.cycleRun("c_ghost") == nil, "cycleRun of an unknown id returned a run")
            try checkEqual(try await store.steps(of: "c_ghost").count, 0, "steps of an unknown id")
        },

        StoreConformanceCase("cycleRuns: filters by cycle, tenant and state, newest first, up to the limit") { store in
            let runs = [
                CycleFixture.run("c_1", cycle: "nightly", tenant: "acme", slot: 10, state: .succeeded),
                CycleFixture.run("c_2", cycle: "nightly", tenant: "globex", slot: 20, state: .failed),
                CycleFixture.run("c_3", cycle: "overnight", tenant: "acme", slot: 30, state: .pending),
                CycleFixture.run("c_4", cycle: "nightly", tenant: "acme", slot: 40, state: .pending),
                CycleFixture.run("c_5", cycle: "nightly", tenant: "", slot: 40, state: .running),
            ]
            for run in runs {
                try check(try await store.insertCycleRun(run, steps: []), "insertCycleRun(\(run.id)) returned false")
            }
            func ids(_ cycle: String?, _ tenant: String?, _ states: Set<RunState>, _ limit: Int = 50) async throws -> [String] {
                try await store.cycleRuns(cycle: cycle, tenant: tenant, states: states, limit: limit).map(\.id)
            }
            try checkEqual(try await ids(nil, nil, []), ["c_5", "c_4", "c_3", "c_2", "c_1"], "all cycle runs")
            try checkEqual(try await ids(nil, nil, [], 2), ["c_5", "c_4"], "limit 2")
            try checkEqual(try await ids("nightly", nil, []), ["c_5", "c_4", "c_2", "c_1"], "cycle nightly")
            try checkEqual(try await ids(nil, "acme", []), ["c_4", "c_3", "c_1"], "tenant acme")
            try checkEqual(try await ids(nil, "", []), ["c_5"], "no tenant")
            try checkEqual(try await ids("nightly", "acme", [.pending, .succeeded]), ["c_4", "c_1"], "nightly@acme pending or succeeded")
            try checkEqual(try await ids(nil, nil, [.interrupted]), [], "interrupted")
        },

        StoreConformanceCase("slotCycleRuns: one slot's runs of one cycle and tenant, every variant, oldest first; none of other slots") { store in
            func run(_ id: String, cycle: String = "nightly", tenant: String = "acme", slot: Double, variant: CycleVariant, created: Double) -> CycleRunRecord {
                var record = CycleFixture.run(id, cycle: cycle, tenant: tenant, slot: slot, variant: variant)
                record.createdAt = Fixture.at(created)
                return record
            }
            let runs = [
                run("c_remainder", slot: 40, variant: .remainder, created: 45),
                run("c_condensed", slot: 40, variant: .condensed, created: 41),
                run("c_full", slot: 40, variant: .full, created: 41),
                run("c_other_slot", slot: 80, variant: .full, created: 80),
                run("c_other_tenant", tenant: "globex", slot: 40, variant: .full, created: 40),
                run("c_other_cycle", cycle: "overnight", slot: 40, variant: .full, created: 40),
            ]
            for record in runs {
                try check(try await store.insertCycleRun(record, steps: []), "insertCycleRun(\(record.id)) returned false")
            }
            let slotKey = runs[0].slotKey
            try checkEqual(
                try await store.slotCycleRuns(cycle: "nightly", tenant: "acme", slotKey: slotKey).map(\.id), ["c_condensed", "c_full", "c_remainder"],
                "the slot's runs, by creation then id"
            )
            try checkEqual(try await store.slotCycleRuns(cycle: "nightly", tenant: "globex", slotKey: slotKey).map(\.id), ["c_other_tenant"], "another tenant's")
            try checkEqual(try await store.slotCycleRuns(cycle: "nightly", tenant: "acme", slotKey: "no-such-slot").count, 0, "an unknown slot")
        },

        StoreConformanceCase("startCycleRun: needs the current lease, records owner and token, keeps the first start") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            var expected = CycleFixture.run("c_a")
            expected.state = .running
            expected.owner = "owner-a"
            expected.leaseToken = fence.token
            expected.startedAt = Fixture.at(1)
            try checkCycleRun(try await store.cycleRun("c_a"), expected)
            let wrongToken = try await store.startCycleRun("c_a", owner: "owner-x", fence: Fence(key: fence.key, token: 99), at: Fixture.at(2))
            try check(!wrongToken, "startCycleRun with a token that was never granted returned true")
            let wrongKey = try await store.startCycleRun("c_a", owner: "owner-x", fence: Fence(key: "other", token: 1), at: Fixture.at(2))
            try check(!wrongKey, "startCycleRun with a key that was never granted returned true")
            let ghost = try await store.startCycleRun("c_ghost", owner: "owner-a", fence: fence, at: Fixture.at(2))
            try check(!ghost, "startCycleRun of an unknown id returned true")
            try checkCycleRun(try await store.cycleRun("c_a"), expected)
            // After expiry another process takes over and restarts the run under its own token.
            let takeover = try granted(
                try await store.acquireLease(fence.key, owner: "owner-b", ttl: 60, at: Fixture.at(61)), "takeover"
            )
            try check(try await store.startCycleRun("c_a", owner: "owner-b", fence: takeover.fence, at: Fixture.at(62)), "takeover restart returned false")
            expected.owner = "owner-b"
            expected.leaseToken = takeover.token
            try checkCycleRun(try await store.cycleRun("c_a"), expected)
        },

        StoreConformanceCase("beginStep and finishStep: a checkpoint records attempt, times and results") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            var step = try unwrap(try await store.beginStep("c_a", index: 0, fence: fence, at: Fixture.at(5)), "beginStep of a pending step")
            var expected = CycleFixture.steps(of: "c_a")[0]
            expected.state = .running
            expected.attempt = 1
            expected.startedAt = Fixture.at(5)
            try checkStep(step, expected)
            let done = try await store.finishStep(
                "c_a", index: 0, state: .succeeded, excerpt: "planned 3 tasks", output: #"{"tasks": 3}"#, error: nil,
                overrunSeconds: 1.5, fence: fence, at: Fixture.at(9)
            )
            try check(done, "finishStep of a running step returned false")
            expected.state = .succeeded
            expected.finishedAt = Fixture.at(9)
            expected.excerpt = "planned 3 tasks"
            expected.output = #"{"tasks": 3}"#
            expected.overrunSeconds = 1.5
            step = try unwrap(try await store.steps(of: "c_a").first, "step 0")
            try checkStep(step, expected)
            let again = try await store.finishStep(
                "c_a", index: 0, state: .failed, excerpt: nil, output: nil, error: "late", overrunSeconds: nil, fence: fence, at: Fixture.at(10)
            )
            try check(!again, "finishStep of a step that is not running returned true")
            let notFinal = try await store.finishStep(
                "c_a", index: 1, state: .running, excerpt: nil, output: nil, error: nil, overrunSeconds: nil, fence: fence, at: Fixture.at(10)
            )
            try check(!notFinal, "finishStep with state running returned true")
            try checkStep(try await store.steps(of: "c_a").first, expected)
        },

        StoreConformanceCase("finishStep thenBegin: ends one step and begins the next in one write") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            _ = try await store.beginStep("c_a", index: 0, fence: fence, at: Fixture.at(5))
            let begun = try unwrap(
                try await store.finishStep(
                    "c_a", index: 0, state: .succeeded, excerpt: "planned", output: #"{"tasks": 3}"#, error: nil, overrunSeconds: 0.5,
                    thenBegin: 1, fence: fence, at: Fixture.at(9)
                ),
                "finishStep thenBegin of a running step and a pending one"
            )
            var expected = CycleFixture.steps(of: "c_a")
            expected[0].state = .succeeded
            expected[0].attempt = 1
            expected[0].startedAt = Fixture.at(5)
            expected[0].finishedAt = Fixture.at(9)
            expected[0].excerpt = "planned"
            expected[0].output = #"{"tasks": 3}"#
            expected[0].overrunSeconds = 0.5
            expected[1].state = .running
            expected[1].attempt = 1
            expected[1].startedAt = Fixture.at(9)
            try checkStep(begun, expected[1])
            let stored = try await store.steps(of: "c_a")
            for index in 0..<3 { try checkStep(stored[index], expected[index]) }
            // The step it began ends (and begins the last) the same way; a failed step may go on too.
            let last = try await store.finishStep(
                "c_a", index: 1, state: .failed, excerpt: nil, output: nil, error: "exit 1", overrunSeconds: nil,
                thenBegin: 2, fence: fence, at: Fixture.at(12)
            )
            try checkEqual(last?.index, 2, "the step begun after a failed one")
            try checkEqual(try await store.steps(of: "c_a").map(\.state), [.succeeded, .failed, .running], "step states")
        },

        StoreConformanceCase("finishStep thenBegin: a stale, expired or released fence changes nothing") { store in
            let old = try await CycleFixture.insertStarted("c_a", in: store)
            _ = try await store.beginStep("c_a", index: 0, fence: old, at: Fixture.at(5))
            let before = try await store.steps(of: "c_a")
            let expired = try await store.finishStep(
                "c_a", index: 0, state: .succeeded, excerpt: nil, output: "{}", error: nil, overrunSeconds: nil, thenBegin: 1, fence: old, at: Fixture.at(60)
            )
            try check(expired == nil, "finishStep thenBegin at the lease's expiry returned a step")
            let current = try granted(try await store.acquireLease(old.key, owner: "owner-b", ttl: 600, at: Fixture.at(100)), "takeover").fence
            let stale = try await store.finishStep(
                "c_a", index: 0, state: .succeeded, excerpt: nil, output: "{}", error: nil, overrunSeconds: nil, thenBegin: 1, fence: old, at: Fixture.at(101)
            )
            try check(stale == nil, "finishStep thenBegin with a stale token returned a step")
            try checkEqual(try await store.steps(of: "c_a"), before, "steps after the stale writes")
            _ = try await store.releaseLease(current.key, token: current.token)
            let released = try await store.finishStep(
                "c_a", index: 0, state: .succeeded, excerpt: nil, output: "{}", error: nil, overrunSeconds: nil, thenBegin: 1, fence: current, at: Fixture.at(102)
            )
            try check(released == nil, "finishStep thenBegin after release returned a step")
            try checkEqual(try await store.steps(of: "c_a"), before, "steps after the released lease's write")
        },

        StoreConformanceCase("finishStep thenBegin: the next step must be pending and the first running, or neither happens") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            _ = try await store.beginStep("c_a", index: 0, fence: fence, at: Fixture.at(5))
            _ = try await store.finishStep("c_a", index: 0, state: .succeeded, excerpt: nil, output: "{}", error: nil, overrunSeconds: nil, fence: fence, at: Fixture.at(6))
            _ = try await store.beginStep("c_a", index: 1, fence: fence, at: Fixture.at(7))
            let before = try await store.steps(of: "c_a")
            func refused(_ index: Int, _ state: StepState, next: Int, _ what: String) async throws {
                let begun = try await store.finishStep(
                    "c_a", index: index, state: state, excerpt: "x", output: nil, error: "y", overrunSeconds: nil, thenBegin: next, fence: fence, at: Fixture.at(8)
                )
                try check(begun == nil, "finishStep thenBegin \(what) returned a step")
                try checkEqual(try await store.steps(of: "c_a"), before, "steps after finishStep thenBegin \(what)")
            }
            try await refused(1, .succeeded, next: 0, "of a succeeded next step")
            try await refused(1, .succeeded, next: 1, "of the step it ends")
            try await refused(1, .succeeded, next: 42, "of an unknown next step")
            try await refused(1, .running, next: 2, "with state running")
            try await refused(1, .pending, next: 2, "with state pending")
            try await refused(2, .succeeded, next: 1, "of a step that is not running")
            // A failed step is not pending: it begins again by beginStep, after the retry's delay.
            _ = try await store.finishStep("c_a", index: 1, state: .failed, excerpt: nil, output: nil, error: "exit 1", overrunSeconds: nil, fence: fence, at: Fixture.at(9))
            _ = try await store.beginStep("c_a", index: 2, fence: fence, at: Fixture.at(10))
            let retry = try await store.finishStep(
                "c_a", index: 2, state: .succeeded, excerpt: nil, output: nil, error: nil, overrunSeconds: nil, thenBegin: 1, fence: fence, at: Fixture.at(11)
            )
            try check(retry == nil, "finishStep thenBegin of a failed next step returned a step")
            try checkEqual(try await store.steps(of: "c_a").map(\.state), [.succeeded, .failed, .running], "step states after the refused retry")
            // In a run that is no longer running the finish alone would go through; with a begin, neither does.
            try check(try await store.insertCycleRun(CycleFixture.run("c_b", cycle: "weekly"), steps: CycleFixture.steps(of: "c_b")), "insert c_b")
            let other = try granted(try await store.acquireLease("cycle:weekly@acme", owner: "owner-a", ttl: 60, at: Fixture.at(0)), "lease of c_b").fence
            try check(try await store.startCycleRun("c_b", owner: "owner-a", fence: other, at: Fixture.at(1)), "start c_b")
            _ = try await store.beginStep("c_b", index: 0, fence: other, at: Fixture.at(2))
            _ = try await store.interruptCycleRuns(ownedBy: "owner-a", reason: "stopped", at: Fixture.at(3))
            let interrupted = try await store.finishStep(
                "c_b", index: 0, state: .succeeded, excerpt: nil, output: nil, error: nil, overrunSeconds: nil, thenBegin: 1, fence: other, at: Fixture.at(4)
            )
            try check(interrupted == nil, "finishStep thenBegin in an interrupted run returned a step")
            try checkEqual(try await store.steps(of: "c_b").map(\.state), [.running, .pending, .pending], "steps of the interrupted run")
        },

        StoreConformanceCase("beginStep: a succeeded step never begins again; a failed one does") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            _ = try await store.beginStep("c_a", index: 0, fence: fence, at: Fixture.at(5))
            _ = try await store.finishStep("c_a", index: 0, state: .succeeded, excerpt: nil, output: "{}", error: nil, overrunSeconds: nil, fence: fence, at: Fixture.at(6))
            let before = try await store.steps(of: "c_a")
            let rerun = try await store.beginStep("c_a", index: 0, fence: fence, at: Fixture.at(7))
            try check(rerun == nil, "beginStep of a succeeded step returned a step")
            try checkEqual(try await store.steps(of: "c_a"), before, "steps after the refused beginStep")
            _ = try await store.beginStep("c_a", index: 1, fence: fence, at: Fixture.at(8))
            _ = try await store.finishStep("c_a", index: 1, state: .failed, excerpt: "boom", output: nil, error: "exit 1", overrunSeconds: nil, fence: fence, at: Fixture.at(9))
            let retry = try unwrap(try await store.beginStep("c_a", index: 1, fence: fence, at: Fixture.at(10)), "beginStep of a failed step")
            try checkEqual(retry.attempt, 2, "attempt of the retried step")
            try checkEqual(retry.error, nil, "error cleared for the new attempt")
            try checkDate(retry.finishedAt, nil, "finishedAt cleared for the new attempt")
            let missing = try await store.beginStep("c_a", index: 42, fence: fence, at: Fixture.at(11))
            try check(missing == nil, "beginStep of an unknown index returned a step")
        },

        StoreConformanceCase("beginStep: a step left running by an interrupted run begins again with attempt + 1 and the same idempotency key") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            let first = try unwrap(try await store.beginStep("c_a", index: 1, fence: fence, at: Fixture.at(5)), "first beginStep")
            let ids = try await store.interruptCycleRuns(ownedBy: "owner-a", reason: "the daemon died", at: Fixture.at(6))
            try checkEqual(ids, ["c_a"], "interrupted ids")
            try checkEqual(try await store.steps(of: "c_a")[1].state, .running, "state of the step after the interrupt")
            let refused = try await store.beginStep("c_a", index: 1, fence: fence, at: Fixture.at(7))
            try check(refused == nil, "beginStep of an interrupted (not restarted) run returned a step")
            let takeover = try granted(try await store.acquireLease(fence.key, owner: "owner-b", ttl: 60, at: Fixture.at(100)), "takeover")
            try check(try await store.startCycleRun("c_a", owner: "owner-b", fence: takeover.fence, at: Fixture.at(101)), "restart returned false")
            let second = try unwrap(try await store.beginStep("c_a", index: 1, fence: takeover.fence, at: Fixture.at(102)), "beginStep after restart")
            try checkEqual(second.attempt, first.attempt + 1, "attempt")
            try checkEqual(second.idempotencyKey, first.idempotencyKey, "idempotency key")
            try checkEqual(second.idempotencyKey, "c_a:act", "idempotency key")
            try checkDate(second.startedAt, Fixture.at(102), "startedAt")
        },

        StoreConformanceCase("fencing: a stale token's step and run writes are refused and change nothing") { store in
            let old = try await CycleFixture.insertStarted("c_a", in: store)
            _ = try await store.beginStep("c_a", index: 0, fence: old, at: Fixture.at(5))
            // The old holder stalls past expiry; a new one takes the lease over.
            let current = try granted(try await store.acquireLease(old.key, owner: "owner-b", ttl: 600, at: Fixture.at(100)), "takeover").fence
            let runBefore = try await store.cycleRun("c_a")
            let stepsBefore = try await store.steps(of: "c_a")
            let finished = try await store.finishStep("c_a", index: 0, state: .succeeded, excerpt: "x", output: "{}", error: nil, overrunSeconds: nil, fence: old, at: Fixture.at(101))
            try check(!finished, "finishStep with a stale token returned true")
            let begun = try await store.beginStep("c_a", index: 1, fence: old, at: Fixture.at(101))
            try check(begun == nil, "beginStep with a stale token returned a step")
            let marked = try await store.markSteps("c_a", indices: [2], state: .skipped, reason: "stale", fence: old, at: Fixture.at(101))
            try check(!marked, "markSteps with a stale token returned true")
            let ended = try await store.finishCycleRun("c_a", state: .succeeded, error: nil, fence: old, at: Fixture.at(101))
            try check(!ended, "finishCycleRun with a stale token returned true")
            let restarted = try await store.startCycleRun("c_a", owner: "owner-a", fence: old, at: Fixture.at(101))
            try check(!restarted, "startCycleRun with a stale token returned true")
            try checkEqual(try await store.cycleRun("c_a"), runBefore, "cycle run after stale writes")
            try checkEqual(try await store.steps(of: "c_a"), stepsBefore, "steps after stale writes")
            // The same writes with the current token go through.
            try check(try await store.startCycleRun("c_a", owner: "owner-b", fence: current, at: Fixture.at(102)), "startCycleRun with the current token")
            try check(try await store.finishCycleRun("c_a", state: .failed, error: "step 0 lost", fence: current, at: Fixture.at(103)), "finishCycleRun with the current token")
        },

        StoreConformanceCase("fencing: writes with an expired or released lease are refused") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            _ = try await store.beginStep("c_a", index: 0, fence: fence, at: Fixture.at(5))
            let expired = try await store.finishStep("c_a", index: 0, state: .succeeded, excerpt: nil, output: nil, error: nil, overrunSeconds: nil, fence: fence, at: Fixture.at(60))
            try check(!expired, "finishStep at the lease's expiry returned true")
            _ = try await store.releaseLease(fence.key, token: fence.token)
            let released = try await store.finishCycleRun("c_a", state: .succeeded, error: nil, fence: fence, at: Fixture.at(10))
            try check(!released, "finishCycleRun after release returned true")
            try checkEqual(try await store.cycleRun("c_a")?.state, .running, "state")
            try checkEqual(try await store.steps(of: "c_a")[0].state, .running, "step state")
        },

        StoreConformanceCase("markSteps: moves only the pending steps named") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            _ = try await store.beginStep("c_a", index: 0, fence: fence, at: Fixture.at(5))
            let marked = try await store.markSteps("c_a", indices: [0, 2], state: .deferred, reason: "not condensed", fence: fence, at: Fixture.at(6))
            try check(marked, "markSteps returned false")
            let steps = try await store.steps(of: "c_a")
            try checkEqual(steps.map(\.state), [.running, .pending, .deferred], "step states")
            try checkEqual(steps[2].error, "not condensed", "reason")
            try checkDate(steps[2].finishedAt, Fixture.at(6), "finishedAt")
            try checkEqual(steps[2].attempt, 0, "attempt of a deferred step")
            let ghost = try await store.markSteps("c_ghost", indices: [0], state: .skipped, reason: nil, fence: fence, at: Fixture.at(7))
            try check(!ghost, "markSteps of an unknown cycle run returned true")
        },

        StoreConformanceCase("finishCycleRun: ends a running run with a final state; others are refused") { store in
            let fence = try await CycleFixture.insertStarted("c_a", in: store)
            let notFinal = try await store.finishCycleRun("c_a", state: .pending, error: nil, fence: fence, at: Fixture.at(8))
            try check(!notFinal, "finishCycleRun with state pending returned true")
            try check(try await store.finishCycleRun("c_a", state: .succeeded, error: nil, fence: fence, at: Fixture.at(9)), "finishCycleRun returned false")
            var expected = CycleFixture.run("c_a")
            expected.state = .succeeded
            expected.owner = "owner-a"
            expected.leaseToken = fence.token
            expected.startedAt = Fixture.at(1)
            expected.finishedAt = Fixture.at(9)
            try checkCycleRun(try await store.cycleRun("c_a"), expected)
            let twice = try await store.finishCycleRun("c_a", state: .failed, error: "again", fence: fence, at: Fixture.at(10))
            try check(!twice, "finishCycleRun of a finished run returned true")
            let restart = try await store.startCycleRun("c_a", owner: "owner-a", fence: fence, at: Fixture.at(11))
            try check(!restart, "startCycleRun of a succeeded run returned true")
            try checkCycleRun(try await store.cycleRun("c_a"), expected)
        },

        StoreConformanceCase("interruptCycleRuns: marks only the owner's running cycle runs, returns their ids") { store in
            _ = try await CycleFixture.insertStarted("c_b", cycle: "nightly", in: store)
            _ = try await CycleFixture.insertStarted("c_a", cycle: "overnight", in: store)
            _ = try await CycleFixture.insertStarted("c_c", cycle: "weekly", owner: "owner-z", in: store)
            try check(try await store.insertCycleRun(CycleFixture.run("c_d", cycle: "monthly"), steps: []), "insert c_d")
            let ids = try await store.interruptCycleRuns(ownedBy: "owner-a", reason: "the daemon died", at: Fixture.at(30))
            try checkEqual(ids, ["c_a", "c_b"], "interrupted ids")
            let a = try unwrap(try await store.cycleRun("c_a"), "c_a")
            try checkEqual(a.state, .interrupted, "c_a.state")
            try checkEqual(a.error, "the daemon died", "c_a.error")
            try checkDate(a.finishedAt, Fixture.at(30), "c_a.finishedAt")
            try checkEqual(a.owner, "owner-a", "c_a.owner")
            try checkEqual(try await store.cycleRun("c_c")?.state, .running, "another owner's run")
            try checkEqual(try await store.cycleRun("c_d")?.state, .pending, "a pending run")
            try checkEqual(try await store.interruptCycleRuns(ownedBy: "owner-a", reason: "again", at: Fixture.at(31)), [], "second interrupt")
        },
    ]
}

/// Cycle runs for the checkpoint cases: three steps `plan`, `act`, `reflect`.
enum CycleFixture {
    static func run(
        _ id: String,
        cycle: String = "nightly",
        tenant: String = "acme",
        slot: Double = 0,
        variant: CycleVariant = .full,
        state: RunState = .pending
    ) -> CycleRunRecord {
        CycleRunRecord(
            id: id, cycle: cycle, tenant: tenant, slot: Fixture.at(slot), trigger: .schedule, variant: variant,
            state: state, createdAt: Fixture.at(slot)
        )
    }

    static func steps(of id: String) -> [StepRecord] {
        ["plan", "act", "reflect"].enumerated().map { index, name in
            StepRecord(cycleRunID: id, index: index, name: name, budgetSeconds: 30)
        }
    }

    /// Inserts a cycle run with three steps, takes its lease (60 s from the epoch) and starts it at 1 s.
    static func insertStarted(
        _ id: String,
        cycle: String = "nightly",
        owner: String = "owner-a",
        in store: any Store,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> Fence {
        let inserted = try await store.insertCycleRun(run(id, cycle: cycle), steps: steps(of: id))
        try check(inserted, "insertCycleRun(\(id)) returned false", file: file, line: line)
        let grant = try await store.acquireLease("cycle:\(cycle)@acme", owner: owner, ttl: 60, at: Fixture.at(0))
        let fence = try StoreConformance.granted(grant, "acquireLease for \(id)", file: file, line: line).fence
        let started = try await store.startCycleRun(id, owner: owner, fence: fence, at: Fixture.at(1))
        try check(started, "startCycleRun(\(id)) returned false", file: file, line: line)
        return fence
    }
}

/// Compares every field of a cycle run read back from the store with the one expected.
func checkCycleRun(_ actual: CycleRunRecord?, _ expected: CycleRunRecord, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "cycle run \(expected.id)", file: file, line: line)
    let name = "cycle run \(expected.id)"
    try checkEqual(actual.id, expected.id, "\(name).id", file: file, line: line)
    try checkEqual(actual.cycle, expected.cycle, "\(name).cycle", file: file, line: line)
    try checkEqual(actual.tenant, expected.tenant, "\(name).tenant", file: file, line: line)
    try checkDate(actual.slot, expected.slot, "\(name).slot", file: file, line: line)
    try checkEqual(actual.slotKey, expected.slotKey, "\(name).slotKey", file: file, line: line)
    try checkEqual(actual.trigger, expected.trigger, "\(name).trigger", file: file, line: line)
    try checkEqual(actual.variant, expected.variant, "\(name).variant", file: file, line: line)
    try checkEqual(actual.state, expected.state, "\(name).state", file: file, line: line)
    try checkDate(actual.createdAt, expected.createdAt, "\(name).createdAt", file: file, line: line)
    try checkDate(actual.startedAt, expected.startedAt, "\(name).startedAt", file: file, line: line)
    try checkDate(actual.finishedAt, expected.finishedAt, "\(name).finishedAt", file: file, line: line)
    try checkEqual(actual.error, expected.error, "\(name).error", file: file, line: line)
    try checkEqual(actual.owner, expected.owner, "\(name).owner", file: file, line: line)
    try checkEqual(actual.leaseToken, expected.leaseToken, "\(name).leaseToken", file: file, line: line)
}

/// Compares every field of a step read back from the store with the one expected.
func checkStep(_ actual: StepRecord?, _ expected: StepRecord, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "step \(expected.index) of \(expected.cycleRunID)", file: file, line: line)
    let name = "step \(expected.cycleRunID)#\(expected.index)"
    try checkEqual(actual.cycleRunID, expected.cycleRunID, "\(name).cycleRunID", file: file, line: line)
    try checkEqual(actual.index, expected.index, "\(name).index", file: file, line: line)
    try checkEqual(actual.name, expected.name, "\(name).name", file: file, line: line)
    try checkEqual(actual.state, expected.state, "\(name).state", file: file, line: line)
    try checkEqual(actual.attempt, expected.attempt, "\(name).attempt", file: file, line: line)
    try checkDate(actual.startedAt, expected.startedAt, "\(name).startedAt", file: file, line: line)
    try checkDate(actual.finishedAt, expected.finishedAt, "\(name).finishedAt", file: file, line: line)
    try checkEqual(actual.excerpt, expected.excerpt, "\(name).excerpt", file: file, line: line)
    try checkEqual(actual.output, expected.output, "\(name).output", file: file, line: line)
    try checkEqual(actual.error, expected.error, "\(name).error", file: file, line: line)
    try checkEqual(actual.budgetSeconds, expected.budgetSeconds, "\(name).budgetSeconds", file: file, line: line)
    try checkEqual(actual.overrunSeconds, expected.overrunSeconds, "\(name).overrunSeconds", file: file, line: line)
    try checkEqual(actual.idempotencyKey, expected.idempotencyKey, "\(name).idempotencyKey", file: file, line: line)
}
