import Foundation
import Logging
import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Builder pack: the overnight cycle and the morning brief")
struct BuilderPackTests {
    static func configuration(_ text: String) throws -> WorkspaceConfiguration {
        let (configuration, diagnostics) = ConfigLoader.parse(text, file: "nightshift.toml", sections: [BuilderSettings.self])
        return try #require(configuration, "\(diagnostics)")
    }

    static let base = """
        [workspace]
        time_zone = "America/New_York"

        [builder]
        agent = ["claude", "-p", "{prompt}"]

        """

    @Test("install adds the overnight cycle, its job, and the morning-brief job")
    func install() throws {
        var configuration = try Self.configuration(Self.base)
        try BuilderPack().install(into: &configuration)

        let cycle = try #require(configuration.cycle(named: "overnight"))
        #expect(cycle.steps.map(\.name) == ["scan", "fix", "prebuild", "schedule", "builds", "report"])
        #expect(BuilderPack.overnightSteps.map(\.name) == cycle.steps.map(\.name))
        // Each step runs a pack's step in the daemon's process: nothing re-executes the binary.
        #expect(cycle.steps.map(\.action) == [
            .step("health.scan"), .step("health.fix"), .step("learning.prebuild"), .step("builder.schedule"), .step("builder.builds"),
            .step("builder.report"),
        ])
        #expect(cycle.steps.filter(\.condensed).map(\.name) == ["schedule", "builds", "report"])
        #expect(cycle.steps.filter { $0.onFailure == .stop }.map(\.name) == ["builds", "report"])
        #expect(cycle.timeZone == Zones.newYork)

        let job = try #require(configuration.job(named: "overnight"))
        #expect(job == cycle.job)
        #expect(job.action == .cycle("overnight"))
        #expect(job.schedule == (try Schedule.cron(parsing: "0 23 * * *")))
        #expect(job.timeZone == Zones.newYork)

        let brief = try #require(configuration.job(named: "morning-brief"))
        #expect(brief.action == .step("brief.deliver"))
        #expect(brief.schedule == (try Schedule.cron(parsing: "0 7 * * *")))
        #expect(brief.timeZone == Zones.newYork)
        #expect(configuration.jobs.map(\.name) == [
            "overnight", "morning-brief", "window-quick_win", "window-work_hours", "window-weekend", "checkin-tonight", "checkin-weekend",
        ])
        let workHours = try #require(configuration.job(named: "window-work_hours"))
        let weekdayMornings = try Schedule.cron(parsing: "0 9 * * 1,2,3,4,5")
        #expect(workHours.action == .step("builder.window-work_hours") && workHours.schedule == weekdayMornings)
        let tonight = try #require(configuration.job(named: "checkin-tonight"))
        let tonightSchedule = try Schedule.cron(parsing: "0 19 * * 1-5")
        #expect(tonight.action == .step("builder.checkin_tonight") && tonight.schedule == tonightSchedule)
        let weekend = try #require(configuration.job(named: "checkin-weekend"))
        let weekendSchedule = try Schedule.cron(parsing: "0 18 * * 5")
        #expect(weekend.action == .step("builder.checkin_weekend") && weekend.schedule == weekendSchedule)
    }

    @Test("the schedules come from [builder.overnight]")
    func schedules() throws {
        var configuration = try Self.configuration(Self.base + "\n[builder.overnight]\nschedule = \"30 22 * * *\"\nbrief = \"15 6 * * 1-5\"\n")
        try BuilderPack().install(into: &configuration)
        #expect(configuration.job(named: "overnight")?.schedule == (try Schedule.cron(parsing: "30 22 * * *")))
        #expect(configuration.job(named: "morning-brief")?.schedule == (try Schedule.cron(parsing: "15 6 * * 1-5")))
    }

    @Test("a job the operator named overnight is left alone, and no cycle is added over it")
    func operatorJob() throws {
        var configuration = try Self.configuration(Self.base + "\n[jobs.overnight]\nschedule = \"0 2 * * *\"\ncommand = [\"backup\"]\n")
        let declared = try #require(configuration.job(named: "overnight"))
        try BuilderPack().install(into: &configuration)
        #expect(configuration.jobs.filter { $0.name == "overnight" } == [declared])
        #expect(configuration.cycle(named: "overnight") == nil)
        #expect(configuration.cycles.isEmpty)
        #expect(configuration.job(named: "morning-brief") != nil)
    }

    @Test("a job the operator named morning-brief is left alone")
    func operatorBrief() throws {
        var configuration = try Self.configuration(Self.base + "\n[jobs.morning-brief]\nschedule = \"0 8 * * *\"\ncommand = [\"my-brief\"]\n")
        let declared = try #require(configuration.job(named: "morning-brief"))
        try BuilderPack().install(into: &configuration)
        #expect(configuration.jobs.filter { $0.name == "morning-brief" } == [declared])
        #expect(configuration.cycle(named: "overnight") != nil)
    }

    @Test("the pack's seams: [builder] as its section, its actions' default tiers, its handlers, steps and brief sections only with [builder]")
    func seams() throws {
        let pack = BuilderPack()
        #expect(pack.name == "builder")
        #expect(pack.configSections.map { String(describing: $0) } == ["BuilderSettings"])
        #expect(pack.catalog == [
            "spawn_subagent": .approval, "commit_worktree": .autonomous, "merge_branch": .autonomous, "revert_commit": .autonomous,
        ])
        let policy = Policy(catalog: ["spawn_subagent": .autonomous]).adding(defaults: pack.catalog)
        #expect(policy.catalog["spawn_subagent"] == .autonomous, "the operator's catalog wins over the pack's default")
        #expect(Policy().adding(defaults: pack.catalog).catalog["spawn_subagent"] == .approval)
        let configured = try Self.configuration(Self.base)
        let bare = try Self.configuration("[workspace]\nname = \"home\"\n")
        func context(_ configuration: WorkspaceConfiguration) -> PackContext {
            PackContext(
                store: MemoryStore(), configuration: configuration, root: "/srv/w", logsDirectory: "/srv/w/logs", reportsDirectory: "/srv/w/reports",
                clock: SystemWallClock(), logger: .init(label: "test"), host: "no builder host"
            )
        }
        #expect(pack.handlers(context(configured)).flatMap(\.types) == ["spawn_subagent", "commit_worktree", "merge_branch", "revert_commit"])
        #expect(pack.handlers(context(bare)).isEmpty)
        #expect(pack.briefContributors(context(configured)).count == 1 && pack.briefContributors(context(bare)).isEmpty)
        #expect(pack.steps(context(configured)).isEmpty, "its steps need a host that is a BuilderHost")
    }

    @Test("installing twice adds nothing the second time")
    func idempotent() throws {
        var configuration = try Self.configuration(Self.base)
        try BuilderPack().install(into: &configuration)
        let once = (configuration.jobs, configuration.cycles)
        try BuilderPack().install(into: &configuration)
        #expect(configuration.jobs == once.0)
        #expect(configuration.cycles == once.1)
    }

    @Test("a workspace without [builder] gets nothing")
    func withoutBuilder() throws {
        var configuration = try Self.configuration("[workspace]\nname = \"home\"\n")
        try BuilderPack().install(into: &configuration)
        #expect(configuration.jobs.isEmpty)
        #expect(configuration.cycles.isEmpty)
    }
}
