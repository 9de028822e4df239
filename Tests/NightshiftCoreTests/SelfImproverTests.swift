import Foundation
import NightshiftCore
import Testing

/// Slow, unreliable and manual operations found in synthetic histories on a UTC clock.
@Suite("Self-improver")
struct SelfImproverTests {
    let improver = SelfImprover(timeZone: zone("UTC"))
    /// Tuesday 2026-03-10 12:00 UTC.
    let now = instant("2026-03-10T12:00:00Z")

    /// `hours` hours before ``now``.
    func ago(hours: Double) -> Date { now.addingTimeInterval(-hours * 3_600) }

    /// Timings of `operation`, an hour apart before ``now``, with run ids `PREFIX1`, `PREFIX2` ….
    func timings(_ operation: String, _ milliseconds: [Double], prefix: String) -> [OperationTiming] {
        milliseconds.enumerated().map {
            OperationTiming(operation: operation, milliseconds: $0.element, at: ago(hours: Double(50 - $0.offset)),
                            runID: "\(prefix)\($0.offset + 1)")
        }
    }

    @Test("Nearest-rank percentiles pick exact values")
    func nearestRank() {
        let tenths: [Double] = [7, 3, 10, 1, 9, 5, 2, 8, 6, 4]
        #expect(OperationStats.nearestRank(50, of: tenths) == 5)
        #expect(OperationStats.nearestRank(90, of: tenths) == 9)
        #expect(OperationStats.nearestRank(100, of: tenths) == 10)
        #expect(OperationStats.nearestRank(1, of: tenths) == 1)
        #expect(OperationStats.nearestRank(90, of: [100, 200, 300]) == 300)
        #expect(OperationStats.nearestRank(50, of: [100, 200, 300]) == 200)
        #expect(OperationStats.nearestRank(90, of: (1...12).map(Double.init)) == 11)
        #expect(OperationStats.nearestRank(50, of: (1...12).map(Double.init)) == 6)
        #expect(OperationStats.nearestRank(90, of: []) == nil)
    }

    @Test("Stats per operation, slowest p90 first, failures counted in the window")
    func stats() {
        let backup = timings("backup", [7, 3, 10, 1, 9, 5, 2, 8, 6, 4].map { $0 * 1_000 }, prefix: "b")
        let sync = timings("sync", [300, 100, 200], prefix: "s")
        let future = OperationTiming(operation: "sync", milliseconds: 90_000, at: now.addingTimeInterval(60))
        let failures = [
            OperationFailure(operation: "mail", error: "timeout", at: ago(hours: 30)),
            OperationFailure(operation: "mail", error: "refused", at: ago(hours: 2)),
            OperationFailure(operation: "mail", error: "auth failed", at: ago(hours: 1)),
            OperationFailure(operation: "backup", error: "disk full", at: ago(hours: 48)),
        ]
        let stats = improver.stats(timings: backup + sync + [future], failures: failures, now: now)
        #expect(stats == [
            OperationStats(operation: "backup", count: 10, p50: 5_000, p90: 9_000, max: 10_000,
                           recentFailures: 0, failuresTotal: 1, lastFailure: "disk full"),
            OperationStats(operation: "sync", count: 3, p50: 200, p90: 300, max: 300,
                           recentFailures: 0, failuresTotal: 0, lastFailure: nil),
            OperationStats(operation: "mail", count: 0, p50: nil, p90: nil, max: nil,
                           recentFailures: 2, failuresTotal: 3, lastFailure: "auth failed"),
        ])
    }

    @Test("A p90 over 5 s is slow, with the slowest runs as evidence")
    func slow() throws {
        let improvements = improver.suggestions(
            timings: timings("backup", [6_000, 7_000, 8_000, 9_000], prefix: "b"), failures: [], manualRuns: [], now: now)
        let slow = try #require(improvements.first)
        #expect(improvements.count == 1)
        #expect(slow.id == "slow:backup")
        #expect(slow.kind == .slow)
        #expect(slow.subject == "backup")
        #expect(slow.summary == "backup is slow: p90 9 s over 4 runs, above the 5 s limit")
        #expect(slow.evidence == [
            "p50_ms": .integer(7_000), "p90_ms": .integer(9_000), "max_ms": .integer(9_000), "samples": .integer(4),
            "threshold_ms": .integer(5_000), "run_ids": ["b4", "b3", "b2", "b1"],
        ])
        #expect(slow.proposedSchedule == nil)
    }

    @Test("Too few samples, a p90 of exactly 5 s, or one slow outlier are not slow")
    func notSlow() {
        let history = timings("restore", [9_000, 9_500], prefix: "r")
            + timings("index", [1_000, 5_000, 5_000], prefix: "i")
            + timings("sync", Array(repeating: 1_000, count: 9) + [20_000], prefix: "s")
        #expect(improver.suggestions(timings: history, failures: [], manualRuns: [], now: now).isEmpty)
    }

    @Test("Three failures within 24 hours make an operation unreliable")
    func unreliable() throws {
        let failures = [
            OperationFailure(operation: "backup", error: "disk full", at: ago(hours: 1), runID: "r3"),
            OperationFailure(operation: "backup", error: "timeout", at: ago(hours: 23), runID: "r1"),
            OperationFailure(operation: "backup", error: "timeout", at: ago(hours: 5), runID: "r2"),
        ]
        let improvements = improver.suggestions(timings: [], failures: failures, manualRuns: [], now: now)
        let unreliable = try #require(improvements.first)
        #expect(improvements.count == 1)
        #expect(unreliable.id == "unreliable:backup")
        #expect(unreliable.summary == "backup failed 3 times in the last 24 h; last error: disk full")
        #expect(unreliable.evidence == [
            "failures": 3, "window_hours": 24, "run_ids": ["r1", "r2", "r3"], "last_error": "disk full",
        ])
    }

    @Test("Failures spread over three days, or one just outside the window, are not unreliable")
    func spreadFailures() {
        let spread = [49, 25, 1].map { OperationFailure(operation: "backup", error: "timeout", at: ago(hours: $0)) }
        let edge = [24, 2, 1].map { OperationFailure(operation: "sync", error: "timeout", at: ago(hours: $0)) }
        #expect(improver.suggestions(timings: [], failures: spread + edge, manualRuns: [], now: now).isEmpty)
    }

    @Test("A job run by hand on weekday mornings gets a weekday schedule")
    func automateWeekdays() throws {
        let runs = [
            ("2026-03-02T08:05:00Z", "m1"), ("2026-03-03T07:55:00Z", "m2"), ("2026-03-04T08:00:00Z", "m3"),
            ("2026-03-05T08:10:00Z", "m4"), ("2026-03-09T07:50:00Z", "m5"),
        ].map { ManualRunRecord(job: "report", at: instant($0.0), runID: $0.1) }
        let improvements = improver.suggestions(timings: [], failures: [], manualRuns: runs, now: now)
        let automate = try #require(improvements.first)
        #expect(improvements.count == 1)
        #expect(automate.id == "automate:report")
        #expect(automate.kind == .automate)
        #expect(automate.summary
            == #"report was run by hand 5 times in 14 days, usually around 08:00 on weekdays; schedule it with "0 8 * * 1-5""#)
        #expect(automate.evidence == [
            "runs": 5, "days": 5, "window_days": 14, "run_ids": ["m1", "m2", "m3", "m4", "m5"],
            "typical_time": "08:00", "on_time_runs": 5, "weekdays_only": true,
        ])
        let proposal = try #require(automate.proposedSchedule)
        #expect(proposal.job == "report")
        #expect(proposal.cron.source == "0 8 * * 1-5")
        #expect(proposal.timeZone == "UTC")

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(proposal), as: UTF8.self)
        #expect(json == #"{"cron":"0 8 * * 1-5","job":"report","timeZone":"UTC"}"#)
        #expect(try JSONDecoder().decode(ProposedSchedule.self, from: Data(json.utf8)) == proposal)
    }

    @Test("A weekend run makes the schedule daily; scattered times get no schedule")
    func automateDailyOrNot() throws {
        let daily = ["2026-03-06T08:00:00Z", "2026-03-07T08:20:00Z", "2026-03-09T07:40:00Z"].enumerated()
            .map { ManualRunRecord(job: "report", at: instant($0.element), runID: "d\($0.offset)") }
        let scattered = ["2026-03-06T03:00:00Z", "2026-03-07T11:00:00Z", "2026-03-08T19:00:00Z"].enumerated()
            .map { ManualRunRecord(job: "cleanup", at: instant($0.element), runID: "c\($0.offset)") }
        let improvements = improver.suggestions(timings: [], failures: [], manualRuns: daily + scattered, now: now)
        #expect(improvements.map(\.id) == ["automate:cleanup", "automate:report"])
        #expect(improvements[0].proposedSchedule == nil)
        #expect(improvements[0].summary == "cleanup was run by hand 3 times in 14 days at varying times; consider giving it a schedule")
        #expect(improvements[1].proposedSchedule?.cron.source == "0 8 * * *")
        #expect(improvements[1].evidence["weekdays_only"] == false)
    }

    @Test("Runs on one day count once: three within a minute suggest nothing; with two other days they make one day's evidence")
    func repeatedRunsCountOncePerDay() throws {
        let burst = ["2026-03-09T10:00:05Z", "2026-03-09T10:00:30Z", "2026-03-09T10:00:55Z"].enumerated()
            .map { ManualRunRecord(job: "sync", at: instant($0.element), runID: "b\($0.offset)") }
        #expect(improver.suggestions(timings: [], failures: [], manualRuns: burst, now: now).isEmpty,
                "three runs in one minute are one day's evidence, below the threshold of three days")

        let other = ["2026-03-05T08:00:00Z", "2026-03-06T08:05:00Z"].enumerated()
            .map { ManualRunRecord(job: "sync", at: instant($0.element), runID: "o\($0.offset)") }
        let improvement = try #require(improver.suggestions(timings: [], failures: [], manualRuns: other + burst, now: now).first)
        #expect(improvement.evidence["runs"] == 5 && improvement.evidence["days"] == 3, "\(improvement.evidence)")
        #expect(improvement.summary.hasPrefix("sync was run by hand 5 times on 3 days in 14 days"), "\(improvement.summary)")
        // The day of the burst counts at its first run (10:00), not three times: 08:00 holds two of three days.
        #expect(improvement.proposedSchedule?.cron.source == "0 8 * * 1-5", "\(improvement.summary)")
    }

    @Test("A topic corrected twice within 30 days is a knowledge gap, whatever its case; once, or long ago, is not")
    func knowledgeGaps() throws {
        let corrections = [
            CorrectionRecord(topic: "deploy", text: "staging needs the VPN", at: ago(hours: 24 * 20)),
            CorrectionRecord(topic: "Deploy", text: "use the VPN, not the bastion", at: ago(hours: 2)),
            CorrectionRecord(topic: "billing", text: "invoices go out on the 1st", at: ago(hours: 5)),
            CorrectionRecord(topic: "backups", text: "old", at: ago(hours: 24 * 40)),
            CorrectionRecord(topic: "backups", text: "recent", at: ago(hours: 1)),
        ]
        let runs = ["2026-03-06T08:00:00Z", "2026-03-07T08:20:00Z", "2026-03-09T07:40:00Z"].enumerated()
            .map { ManualRunRecord(job: "report", at: instant($0.element), runID: "d\($0.offset)") }
        let improvements = improver.suggestions(timings: [], failures: [], manualRuns: runs, corrections: corrections, now: now)
        #expect(improvements.map(\.id) == ["knowledge_gap:Deploy", "automate:report"], "a gap before a schedule to adopt")
        let gap = try #require(improvements.first)
        #expect(gap.kind == .knowledgeGap && gap.subject == "Deploy")
        #expect(gap.summary == "Deploy was corrected 2 times in 30 days; write down what is missing (latest: use the VPN, not the bastion)")
        #expect(gap.evidence == ["corrections": 2, "window_days": 30, "texts": ["staging needs the VPN", "use the VPN, not the bastion"]])
    }

    @Test("Fewer manual runs, or runs outside the window, suggest nothing")
    func tooFewManualRuns() {
        let recent = ["2026-03-05T08:00:00Z", "2026-03-09T08:00:00Z"]
        let old = ["2026-02-10T08:00:00Z", "2026-02-11T08:00:00Z", "2026-02-24T11:00:00Z"]
        let runs = (recent + old).map { ManualRunRecord(job: "report", at: instant($0), runID: $0) }
        #expect(improver.suggestions(timings: [], failures: [], manualRuns: runs, now: now).isEmpty)
    }

    @Test("Suggestions are ordered unreliable, slow, automate, then by subject")
    func ordering() {
        let timings = timings("zeta", [6_000, 6_000, 6_000], prefix: "z") + timings("alpha", [8_000, 8_000, 8_000], prefix: "a")
        let failures = [1, 2, 3].map { OperationFailure(operation: "zeta", error: "boom", at: ago(hours: Double($0))) }
        let runs = [1, 2, 3].map { ManualRunRecord(job: "aardvark", at: ago(hours: 24 * Double($0)), runID: "m\($0)") }
        let ids = improver.suggestions(timings: timings, failures: failures, manualRuns: runs, now: now).map(\.id)
        #expect(ids == ["unreliable:zeta", "slow:alpha", "slow:zeta", "automate:aardvark"])
    }
}
