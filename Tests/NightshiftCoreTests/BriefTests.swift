import Foundation
import NightshiftCore
import NightshiftTesting
import Testing

/// The brief builder over one realistic night in a memory store (see ``BriefNight``): which
/// sections it makes, in what order, what they say, and what it leaves out.
@Suite("Brief builder")
struct BriefTests {
    /// Pack sections around the core's: shipped first, queue stats after goals, an empty one left out.
    static let packSections = [
        BriefSection(id: "queue_stats", title: "Queue", rank: BriefSection.Rank.queue, lines: ["3 tasks queued, 1 blocked."]),
        BriefSection(id: "shipped_overnight", title: "Shipped overnight", rank: BriefSection.Rank.shipped, lines: ["Task 42 merged."],
                     items: .array([.object(["task": .integer(42)])])),
        BriefSection(id: "predictions", title: "Predictions", rank: BriefSection.Rank.predictions, lines: []),
    ]

    func nightBrief() async throws -> Brief {
        let night = BriefNight()
        try await night.record()
        return try await night.builder(contributors: [FixedContributor(fixed: Self.packSections)])
            .build(since: BriefNight.since, until: BriefNight.until)
    }

    @Test("core and pack sections interleave by rank; empty ones are left out")
    func sectionOrder() async throws {
        let brief = try await nightBrief()
        #expect(brief.sections.map(\.id) == [
            "shipped_overnight", "failed_runs", "missed_runs", "cycle_overruns", "approvals_waiting", "goals_behind", "queue_stats",
        ])
        #expect(brief.sections.map(\.rank) == brief.sections.map(\.rank).sorted())
        #expect(!brief.isQuiet)
        #expect(brief.workspaceName == "acme-night")
        #expect(brief.generatedAt == BriefNight.until)
        #expect(brief.period == BriefPeriod(since: BriefNight.since, until: BriefNight.until, timeZone: BriefNight.berlin))
    }

    @Test("the summary counts what finished in the period")
    func summary() async throws {
        let brief = try await nightBrief()
        #expect(brief.counts.succeeded == 4)
        #expect(brief.counts.failed == 1)
        #expect(brief.counts.missed == 1)
        #expect(brief.counts.catchUps == 2)
        #expect(brief.counts.cycleRuns == 2)
        #expect(brief.counts.overruns == 2)
        #expect(brief.counts.approvalsWaiting == 2)
        #expect(brief.counts.goalsBehind == 1)
        #expect(brief.summary == "Since 2026-11-20 23:00: 4 runs succeeded, 1 failed, 1 missed, 2 catch-ups; "
            + "2 cycle runs finished, 2 over budget; 2 approvals waiting; 1 goal behind pace.")
    }

    @Test("a failed run says which job, when, and why; runs outside the period are left out")
    func failedRuns() async throws {
        let section = try #require(try await nightBrief().section("failed_runs"))
        #expect(section.title == "Failed runs")
        #expect(section.lines == ["backup failed at 01:24 (exit status 3, run r_backup): rsync exited with status 3: <script>alert(1)</script>."])
        guard case .array(let items) = section.items else { Issue.record("items is not an array"); return }
        #expect(items.count == 1)
        #expect(items[0]["finished_at"] == .string("2026-11-21T01:24:00+01:00"))
        #expect(items[0]["exit_status"] == .integer(3))
    }

    @Test("missed slots, a job catch-up and a cycle catch-up with its missed notice, each once")
    func missedRuns() async throws {
        let section = try #require(try await nightBrief().section("missed_runs"))
        #expect(section.lines == [
            "Nightly cycle missed — running catch-up now. Slot 02:00: condensed run succeeded at 06:05, remainder run succeeded at 06:40.",
            "report missed the 03:00 slot: the slot passed while no scheduler was running; one catch-up ran for the newest missed slot (missed = \"once\").",
            "Catch-up of report for the 04:00 slot: succeeded at 06:03 (run r_report_catchup).",
        ])
        #expect(!section.lines.joined().contains("Catch-up of nightly"))
    }

    @Test("a step over its budget and a caught-up slot over the cycle's budget; yesterday's overrun is left out")
    func overruns() async throws {
        let section = try #require(try await nightBrief().section("cycle_overruns"))
        #expect(section.lines == [
            "nightly step score took 3m00s against its 1m budget (over by 2m00s; slot 02:00, run c_condensed).",
            "nightly cycle for the 02:00 slot took 40m00s (condensed and remainder runs together) against its 30m budget (over by 10m00s).",
        ])
        #expect(!section.lines.joined().contains("c_yesterday"))
    }

    @Test("approvals waiting name type, actor, reason and expiry, with the exact commands; expired and later ones are left out")
    func approvals() async throws {
        let section = try #require(try await nightBrief().section("approvals_waiting"))
        #expect(section.lines.count == 2)
        #expect(section.lines[0] == "send_email for tenant acme, proposed by job:nurture at 01:12, waits for approval: "
            + "send_email needs approval (catalog.send_email); expires 2026-11-22 01:12. "
            + "Approve with nightshift approvals approve a_mail, or reject with nightshift approvals reject a_mail.")
        #expect(section.lines[1].contains("delete_logs, proposed by cycle:nightly at 03:30"))
        #expect(section.lines[1].contains("nightshift approvals approve a_delete"))
        #expect(section.lines[1].contains("nightshift approvals reject a_delete"))
        let text = section.lines.joined()
        #expect(!text.contains("a_expired") && !text.contains("a_future") && !text.contains("a_done"))
        guard case .array(let items) = section.items else { Issue.record("items is not an array"); return }
        #expect(items.map { $0["approve_command"] } == [.string("nightshift approvals approve a_mail"), .string("nightshift approvals approve a_delete")])
        #expect(items[1]["expires_at"] == .string("2026-11-21T15:30:00+01:00"))
    }

    @Test("a goal behind pace with its suggested action; on-track and later goals are left out")
    func goals() async throws {
        let section = try #require(try await nightBrief().section("goals_behind"))
        #expect(section.lines.count == 1)
        let line = try #require(section.lines.first)
        #expect(line.hasPrefix("november-meetings: meetings_booked is 4 of 20 (20%) with 68% of the period gone;"))
        #expect(line.hasSuffix("9 days left. Suggested next action: send_follow_up_email."))
    }

    @Test("a contributor that throws becomes a line of brief_problems, not a failed brief")
    func failingContributor() async throws {
        let night = BriefNight()
        let brief = try await night.builder(contributors: [FixedContributor(fixed: [], failure: "pack store offline")])
            .build(since: BriefNight.since, until: BriefNight.until)
        #expect(brief.sections.map(\.id) == ["brief_problems"])
        #expect(brief.sections[0].lines.count == 1)
        #expect(brief.sections[0].lines[0].hasPrefix("FixedContributor could not add its part:"))
    }

    @Test("an empty store gives a quiet brief with no sections")
    func quiet() async throws {
        let night = BriefNight()
        let brief = try await night.builder().build(since: BriefNight.since, until: BriefNight.until)
        #expect(brief.isQuiet)
        #expect(brief.sections.isEmpty)
        #expect(brief.summary == "Quiet night: nothing ran, nothing waits for you (since 2026-11-20 23:00).")
    }

    @Test("runs that only succeeded still make a quiet brief, which says how many ran")
    func quietWithRuns() async throws {
        let night = BriefNight()
        try await night.run("r_ok", "digest", slot: BriefNight.today("01:00"), state: .succeeded, finished: BriefNight.today("01:02"))
        let brief = try await night.builder().build(since: BriefNight.since, until: BriefNight.until)
        #expect(brief.isQuiet)
        #expect(brief.summary == "Quiet night: 1 run succeeded, nothing failed, nothing waits for you (since 2026-11-20 23:00).")
    }

    @Test("the period's runs are read by period: runs after it, more than the scan limit, push none of them out")
    func runsReadByPeriod() async throws {
        let night = BriefNight()
        try await night.record()
        for index in 0..<30 {
            let later = BriefNight.until.addingTimeInterval(Double(index + 1) * 600)
            try await night.run("r_later_\(index)", "later", slot: later, state: .succeeded, finished: later.addingTimeInterval(60))
        }
        var builder = night.builder()
        builder.configuration.scanLimit = 20
        let brief = try await builder.build(since: BriefNight.since, until: BriefNight.until)
        #expect(brief.counts.succeeded == 4)
        #expect(brief.counts.failed == 1)
        #expect(brief.counts.missed == 1)
        #expect(brief.counts.catchUps == 2)
    }

    @Test("the brief survives a Codable round trip (items compared as canonical JSON: 60.0 reads back as 60)")
    func codable() async throws {
        let brief = try await nightBrief()
        let decoded = try JSONDecoder().decode(Brief.self, from: JSONEncoder().encode(brief))
        #expect(decoded.period == brief.period)
        #expect(decoded.generatedAt == brief.generatedAt)
        #expect(decoded.counts == brief.counts)
        #expect(decoded.sections.map(\.lines) == brief.sections.map(\.lines))
        #expect(BriefRenderer.jsonValue(decoded).canonical == BriefRenderer.jsonValue(brief).canonical)
    }
}
