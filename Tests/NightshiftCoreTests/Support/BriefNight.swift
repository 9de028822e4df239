import Foundation
import NightshiftCore
import NightshiftTesting

/// One realistic night in a memory store, for the brief tests: the period runs from 2026-11-20
/// 23:00 to 2026-11-21 07:00 in Berlin (UTC+1), the daemon was down from 01:30 to 06:00, and a
/// few records fall just outside the period on purpose.
struct BriefNight {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    static let since = instant("2026-11-20T23:00:00+01:00")
    static let until = instant("2026-11-21T07:00:00+01:00")
    /// The nightly cycle's whole budget: 30 minutes.
    static let budgets = ["nightly": 1800.0]

    let store = MemoryStore()
    let clock = TestClock(now: BriefNight.until)

    /// `HH:MM` on 2026-11-21 in Berlin: the morning of the brief.
    static func today(_ time: String) -> Date { instant("2026-11-21T\(time):00+01:00") }
    /// `HH:MM` on 2026-11-20 in Berlin: the evening before.
    static func yesterday(_ time: String) -> Date { instant("2026-11-20T\(time):00+01:00") }

    func builder(contributors: [any BriefContributor] = []) -> BriefBuilder {
        var configuration = BriefBuilder.Configuration()
        configuration.cycleBudgets = Self.budgets
        return BriefBuilder(
            store: store, contributors: contributors, timeZone: Self.berlin, workspaceName: "acme-night", clock: clock,
            configuration: configuration
        )
    }

    /// Fills the store with the night.
    func record() async throws {
        let today = Self.today, yesterday = Self.yesterday
        // Job runs: two digests, a backup that failed (its error carries markup), a report whose
        // 03:00 slot was missed and whose 04:00 slot was caught up at the restart.
        try await run("r_digest_1", "digest", slot: today("00:00"), state: .succeeded, finished: today("00:01"))
        try await run("r_digest_2", "digest", slot: today("01:00"), state: .succeeded, finished: today("01:01"))
        try await run(
            "r_backup", "backup", slot: today("01:10"), state: .failed, finished: today("01:24"), exitStatus: 3,
            error: "rsync exited with status 3: <script>alert(1)</script>"
        )
        try await run(
            "r_report_missed", "report", slot: today("03:00"), state: .missed, created: today("06:00"), finished: today("06:00"),
            error: "missed: the slot passed while no scheduler was running; one catch-up ran for the newest missed slot (missed = \"once\")"
        )
        try await run(
            "r_report_catchup", "report", slot: today("04:00"), trigger: .catchup, state: .succeeded, created: today("06:00"),
            finished: today("06:03")
        )
        // The nightly cycle's 02:00 slot, caught up: its job run and a condensed run and a remainder.
        try await run(
            "r_nightly", "nightly", slot: today("02:00"), trigger: .catchup, state: .succeeded, created: today("06:00"),
            finished: today("06:40")
        )
        try await cycleRun("c_condensed", variant: .condensed, start: today("06:00"), finish: today("06:05"), steps: [
            ("score", 0, 60, today("06:00"), today("06:03")),
            ("notify", 2, nil, today("06:03"), today("06:05")),
        ])
        try await cycleRun("c_remainder", variant: .remainder, start: today("06:05"), finish: today("06:40"), steps: [
            ("import", 1, 3600, today("06:05"), today("06:40")),
        ])

        // Outside the period: failed before it, failed after it, an old cycle run over budget.
        try await run("r_old", "backup", slot: yesterday("21:00"), state: .failed, finished: yesterday("21:05"), error: "old failure")
        try await run("r_late", "digest", slot: today("07:10"), state: .failed, created: today("07:10"), finished: today("07:20"), error: "late failure")
        try await cycleRun("c_yesterday", variant: .full, slot: today("02:00").addingTimeInterval(-86_400), trigger: .schedule,
                           start: yesterday("21:00"), finish: yesterday("22:50"), steps: [("score", 0, 60, yesterday("21:00"), yesterday("22:50"))])

        // Approvals: two waiting, one expired, one proposed after the period, one already approved.
        try await action("a_mail", type: "send_email", actor: Actor(.job, "nurture"), tenant: "acme", created: today("01:12"),
                         expires: today("01:12").addingTimeInterval(86_400), reason: "send_email needs approval (catalog.send_email)")
        try await action("a_delete", type: "delete_logs", actor: Actor(.cycle, "nightly"), created: today("03:30"),
                         expires: today("15:30"), reason: "deleting more than 1 GB needs approval (rules.big_delete)")
        try await action("a_expired", type: "send_email", actor: Actor(.job, "nurture"), created: today("00:30"), expires: today("05:00"), reason: "expired one")
        try await action("a_future", type: "send_email", actor: Actor(.job, "nurture"), created: today("07:30"), expires: nil, reason: "future one")
        try await action("a_done", type: "send_email", actor: Actor(.job, "nurture"), created: today("00:40"), expires: nil, reason: "done", status: .approved)

        // Goals: one behind, one on track, one made after the period.
        try await goal("november-meetings", metric: "meetings_booked", target: 20, value: 4, created: instant("2026-10-31T12:00:00+01:00"))
        try await goal("november-signups", metric: "signups", target: 10, value: 9, created: instant("2026-10-31T12:00:00+01:00"))
        try await goal("late-goal", metric: "calls", target: 100, value: 0, created: today("08:00"))
    }

    func run(
        _ id: String, _ job: String, slot: Date, trigger: RunTrigger = .schedule, state: RunState, created: Date? = nil, finished: Date,
        exitStatus: Int? = nil, error: String? = nil
    ) async throws {
        let started = state == .missed ? nil : slot < finished ? max(slot, created ?? slot) : finished
        let run = RunRecord(
            id: id, job: job, slot: slot, trigger: trigger, state: state, createdAt: created ?? slot, startedAt: started,
            finishedAt: finished, exitStatus: exitStatus, error: error
        )
        guard try await store.insertRun(run) else { throw BriefNightError(what: "run \(id)") }
    }

    /// A finished, succeeded cycle run of `nightly` with succeeded steps (name, index, budget, start, finish).
    func cycleRun(
        _ id: String, variant: CycleVariant, slot: Date = BriefNight.today("02:00"), trigger: RunTrigger = .catchup, start: Date, finish: Date,
        steps: [(String, Int, Double?, Date, Date)]
    ) async throws {
        let run = CycleRunRecord(
            id: id, cycle: "nightly", slot: slot, trigger: trigger, variant: variant, state: .succeeded, createdAt: start,
            startedAt: start, finishedAt: finish
        )
        let records = steps.map { name, index, budget, started, finished in
            let took = finished.timeIntervalSince(started)
            return StepRecord(
                cycleRunID: id, index: index, name: name, state: .succeeded, attempt: 1, startedAt: started, finishedAt: finished,
                budgetSeconds: budget, overrunSeconds: budget.flatMap { took > $0 ? took - $0 : nil }
            )
        }
        guard try await store.insertCycleRun(run, steps: records) else { throw BriefNightError(what: "cycle run \(id)") }
    }

    func action(
        _ id: String, type: String, actor: Actor, tenant: String? = nil, created: Date, expires: Date?, reason: String,
        status: ActionStatus = .awaitingApproval
    ) async throws {
        let proposed = ProposedAction(type: type, payload: .object(["id": .string(id)]), actor: actor, tenant: tenant)
        let decision = Decision(verdict: .approve, tier: .approval, decidedBy: ["catalog.\(type)"], reason: reason)
        let record = ActionRecord(id: id, action: proposed, decision: decision, status: status, runID: nil, createdAt: created, expiresAt: expires)
        try await store.insertAction(record, audit: AuditEntry(kind: .decision, at: created, actor: actor.description, subject: id))
    }

    func goal(_ name: String, metric: String, target: Double, value: Double, created: Date) async throws {
        let goal = try Goal.create(
            name: name, metric: metric, target: target, start: CalendarDay("2026-11-01")!, end: CalendarDay("2026-11-30")!,
            timeZone: Self.berlin, at: created
        )
        guard try await store.insertGoal(goal) else { throw BriefNightError(what: "goal \(name)") }
        _ = try await store.updateGoal(name, value: value, note: nil, at: created)
    }
}

/// A record of the night could not be stored.
struct BriefNightError: Error {
    var what: String
}

/// A test contributor with fixed sections, the way a pack adds its own; it can also fail.
struct FixedContributor: BriefContributor {
    var fixed: [BriefSection]
    var failure: String?

    func sections(for period: BriefPeriod, store: any Store) async throws -> [BriefSection] {
        if let failure { throw BriefNightError(what: failure) }
        return fixed
    }
}
