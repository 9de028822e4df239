import Foundation
import NightshiftCore

extension StoreConformance {
    /// Listings: `run(_:)`, `runs(_:)` and `alerts(job:limit:)`.
    public static let queryCases: [StoreConformanceCase] = [
        StoreConformanceCase("run: an unknown id is nil") { store in
            let run = try await store.run("r_ghost")
            try check(run == nil, "run of an unknown id is not nil")
        },

        StoreConformanceCase("runs: newest first by creation time, then by id") { store in
            try await Fixture.insert(Fixture.run("r_mid", job: "a", slot: 20), into: store)
            try await Fixture.insert(Fixture.run("r_old", job: "b", slot: 10), into: store)
            try await Fixture.insert(Fixture.run("r_new", job: "c", slot: 30), into: store)
            try await Fixture.insert(Fixture.run("r_tie_a", job: "d", slot: 1, createdAt: 20), into: store)
            try await Fixture.insert(Fixture.run("r_tie_z", job: "e", slot: 2, createdAt: 20), into: store)
            try checkIDs(
                try await store.runs(RunQuery()),
                ["r_new", "r_tie_z", "r_tie_a", "r_mid", "r_old"],
                "runs order"
            )
        },

        StoreConformanceCase("runs: filters by job") { store in
            try await Fixture.insert(Fixture.run("r_b1", job: "backup", slot: 10), into: store)
            try await Fixture.insert(Fixture.run("r_r1", job: "report", slot: 20), into: store)
            try await Fixture.insert(Fixture.run("r_b2", job: "backup", slot: 30), into: store)
            try checkIDs(try await store.runs(RunQuery(job: "backup")), ["r_b2", "r_b1"], "runs of backup")
            try checkIDs(try await store.runs(RunQuery(job: "ghost")), [], "runs of an unknown job")
        },

        StoreConformanceCase("runs: filters by states; no states means all") { store in
            try await Fixture.insert(Fixture.run("r_ok", slot: 10, state: .succeeded), into: store)
            try await Fixture.insert(Fixture.run("r_bad", slot: 20, state: .failed), into: store)
            try await Fixture.insert(Fixture.run("r_miss", slot: 30, state: .missed), into: store)
            try await Fixture.insert(Fixture.run("r_wait", slot: 40), into: store)
            try checkIDs(
                try await store.runs(RunQuery(states: [.failed, .missed])), ["r_miss", "r_bad"], "failed or missed runs"
            )
            try checkIDs(try await store.runs(RunQuery(states: [.pending])), ["r_wait"], "pending runs")
            try checkIDs(try await store.runs(RunQuery(states: [.running])), [], "running runs")
            try checkEqual(try await store.runs(RunQuery(states: [])).count, 4, "runs with no state filter")
        },

        StoreConformanceCase("runs: honours the limit after filtering") { store in
            for second in 1...6 {
                let job = second.isMultiple(of: 2) ? "backup" : "report"
                try await Fixture.insert(Fixture.run("r_\(second)", job: job, slot: Double(second)), into: store)
            }
            try checkIDs(try await store.runs(RunQuery(limit: 2)), ["r_6", "r_5"], "newest two runs")
            try checkIDs(try await store.runs(RunQuery(job: "report", limit: 2)), ["r_5", "r_3"], "newest two of report")
        },

        StoreConformanceCase("alerts: a fresh store has none") { store in
            let alerts = try await store.alerts(job: nil, limit: 10)
            try check(alerts.isEmpty, "expected no alerts, got \(alerts.count)")
        },

        StoreConformanceCase("alerts: newest first, filtered by job, limited") { store in
            let sent = [("a_1", "backup"), ("a_2", "report"), ("a_3", "backup"), ("a_4", "backup")]
            for (index, (id, job)) in sent.enumerated() {
                try await store.recordAlert(
                    AlertRecord(id: id, job: job, kind: .failing, runID: nil, sentAt: Fixture.at(Double(index) * 60), message: id)
                )
            }
            try checkEqual(try await store.alerts(job: nil, limit: 10).map(\.id), ["a_4", "a_3", "a_2", "a_1"], "all alerts")
            try checkEqual(try await store.alerts(job: "backup", limit: 10).map(\.id), ["a_4", "a_3", "a_1"], "alerts of backup")
            try checkEqual(try await store.alerts(job: "backup", limit: 2).map(\.id), ["a_4", "a_3"], "two alerts of backup")
            try checkEqual(try await store.alerts(job: "ghost", limit: 10).map(\.id), [], "alerts of an unknown job")
        },

        StoreConformanceCase("alerts: every field round-trips") { store in
            let failing = AlertRecord(
                id: "a_fail", job: "backup", kind: .failing, runID: "r_01jd3q5w4z8k2m7n", sentAt: Fixture.at(60.25),
                message: "backup failed 3 times in a row\n— last: « disk full » 💾",
                deliveryErrors: ["email: connection refused", "webhook: HTTP 502"]
            )
            let recovered = AlertRecord(
                id: "a_ok", job: "backup", kind: .recovered, runID: nil, sentAt: Fixture.at(120), message: "backup recovered"
            )
            try await store.recordAlert(failing)
            try await store.recordAlert(recovered)
            let alerts = try await store.alerts(job: "backup", limit: 10)
            try checkEqual(alerts.count, 2, "number of alerts")
            try checkAlert(alerts.first, recovered)
            try checkAlert(alerts.last, failing)
        },
    ]
}
