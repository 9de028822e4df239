import Foundation
import NightshiftCore

extension StoreConformance {
    /// Values come back as they went in: every field, nil versus empty, text, extreme numbers.
    public static let roundTripCases: [StoreConformanceCase] = [
        StoreConformanceCase("round trip: every RunRecord field survives storage") { store in
            let run = RunRecord(
                id: "r_01jd3q5w4z8k2m7n",
                job: "nightly-backup",
                slot: Fixture.at(3600),
                slotKey: "manual:r_01jd3q5w4z8k2m7n",
                trigger: .manual,
                state: .failed,
                attempt: 3,
                createdAt: Fixture.at(3600.123),
                notBefore: Fixture.at(3630.5),
                startedAt: Fixture.at(3631.007),
                finishedAt: Fixture.at(3700.999),
                exitStatus: 137,
                error: "killed after the 60 s timeout",
                excerpt: "Ünïcödé — 夜勤 🌙\nline two\r\n\ttabbed 'single' \"double\" \\ backslash\n\n",
                owner: "nighthost:4242:2025-06-15T15:06:40Z",
                childPID: 98765
            )
            try await Fixture.insert(run, into: store)
            try checkRun(try await store.run(run.id), run)
            try checkRun(try await store.runs(RunQuery()).first, run)
        },

        StoreConformanceCase("round trip: nil optionals stay nil and empty strings stay empty") { store in
            let bare = Fixture.run("r_bare", slot: 10)
            try await Fixture.insert(bare, into: store)
            try checkRun(try await store.run("r_bare"), bare)
            var empty = Fixture.run("r_empty", slot: 20, state: .skipped)
            empty.error = ""
            empty.excerpt = ""
            empty.owner = ""
            empty.exitStatus = 0
            empty.childPID = 0
            try await Fixture.insert(empty, into: store)
            try checkRun(try await store.run("r_empty"), empty)
        },

        StoreConformanceCase("round trip: every state and trigger survives storage") { store in
            var expected: [RunRecord] = []
            for (index, state) in RunState.allCases.enumerated() {
                for (offset, trigger) in RunTrigger.allCases.enumerated() {
                    let slot = Double(index * 100 + offset)
                    expected.append(Fixture.run("r_\(state)_\(trigger)", slot: slot, state: state, trigger: trigger))
                }
            }
            for run in expected { try await Fixture.insert(run, into: store) }
            for run in expected { try checkRun(try await store.run(run.id), run) }
        },

        StoreConformanceCase("round trip: extreme numbers survive storage") { store in
            var run = Fixture.run("r_extreme", slot: 10, attempt: 1_000)
            run.exitStatus = -9
            run.childPID = Int32.max
            try await Fixture.insert(run, into: store)
            try checkRun(try await store.run("r_extreme"), run)
            var other = Fixture.run("r_wide", slot: 20)
            other.exitStatus = Int(Int32.max)
            other.childPID = 1
            try await Fixture.insert(other, into: store)
            try checkRun(try await store.run("r_wide"), other)
        },

        StoreConformanceCase("round trip: dates keep millisecond precision, far from now too") { store in
            // Sub-millisecond parts may be dropped; anything coarser than a millisecond may not.
            let instants: [Date] = [
                Date(timeIntervalSince1970: 1_750_000_000.123_456_7),
                Date(timeIntervalSince1970: 1_750_000_000.999_9),
                Date(timeIntervalSince1970: -86_400.25),
                Date(timeIntervalSince1970: 7_258_118_400.5),
                Date(timeIntervalSince1970: 0),
            ]
            for (index, instant) in instants.enumerated() {
                let run = RunRecord(
                    id: "r_date_\(index)", job: "job-\(index)", slot: instant, trigger: .schedule, state: .succeeded,
                    createdAt: instant, notBefore: instant, startedAt: instant, finishedAt: instant
                )
                try await Fixture.insert(run, into: store)
                try checkRun(try await store.run(run.id), run)
            }
        },

        StoreConformanceCase("round trip: a DaemonInstance with every field set survives storage") { store in
            let instance = DaemonInstance(
                id: "d_01jd3q5w4z8k2m7n", pid: Int32.max, host: "nacht-büro.local",
                startedAt: Fixture.at(0.001), heartbeatAt: Fixture.at(59.999), stoppedAt: Fixture.at(60.5)
            )
            let claimed = try await store.claimDaemon(instance, ifCurrentIs: nil)
            try check(claimed, "claimDaemon on an empty store returned false")
            try checkDaemon(try await store.daemonInstance(), instance)
        },

        StoreConformanceCase("migrate: running it again keeps the data") { store in
            let run = Fixture.run("r_a", slot: 10)
            try await Fixture.insert(run, into: store)
            try await store.syncJobs(["backup"], at: Fixture.at(5))
            try await store.migrate()
            try await store.migrate()
            try checkRun(try await store.run("r_a"), run)
            try checkJob(try await store.jobState("backup"), JobState(name: "backup", cursor: Fixture.at(5)))
        },
    ]
}
