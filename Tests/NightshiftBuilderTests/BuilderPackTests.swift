import Foundation
import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Builder pack: the overnight cycle and the morning brief")
struct BuilderPackTests {
    static let executable = "/usr/local/bin/nightshift"
    static let workspace = "/srv/workspace"

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
        try BuilderPack.install(into: &configuration, executable: Self.executable, workspace: Self.workspace)

        let cycle = try #require(configuration.cycle(named: "overnight"))
        #expect(cycle.steps.map(\.name) == ["scan", "fix", "prebuild", "schedule", "builds", "report"])
        #expect(BuilderPack.overnightSteps == cycle.steps.map(\.name))
        for step in cycle.steps {
            #expect(step.action == .command(CommandAction(program: .argv([
                Self.executable, "overnight", "step", step.name, "--workspace", Self.workspace,
            ]))))
        }
        #expect(cycle.steps.filter(\.condensed).map(\.name) == ["schedule", "builds", "report"])
        #expect(cycle.steps.filter { $0.onFailure == .stop }.map(\.name) == ["builds", "report"])
        #expect(cycle.timeZone == Zones.newYork)

        let job = try #require(configuration.job(named: "overnight"))
        #expect(job == cycle.job)
        #expect(job.action == .cycle("overnight"))
        #expect(job.schedule == (try Schedule.cron(parsing: "0 23 * * *")))
        #expect(job.timeZone == Zones.newYork)

        let brief = try #require(configuration.job(named: "morning-brief"))
        #expect(brief.action == .command(CommandAction(program: .argv([Self.executable, "brief", "--deliver", "--workspace", Self.workspace]))))
        #expect(brief.schedule == (try Schedule.cron(parsing: "0 7 * * *")))
        #expect(brief.timeZone == Zones.newYork)
        #expect(configuration.jobs.map(\.name) == ["overnight", "morning-brief"])
    }

    @Test("the schedules come from [builder.overnight]")
    func schedules() throws {
        var configuration = try Self.configuration(Self.base + "\n[builder.overnight]\nschedule = \"30 22 * * *\"\nbrief = \"15 6 * * 1-5\"\n")
        try BuilderPack.install(into: &configuration, executable: Self.executable, workspace: Self.workspace)
        #expect(configuration.job(named: "overnight")?.schedule == (try Schedule.cron(parsing: "30 22 * * *")))
        #expect(configuration.job(named: "morning-brief")?.schedule == (try Schedule.cron(parsing: "15 6 * * 1-5")))
    }

    @Test("a job the operator named overnight is left alone, and no cycle is added over it")
    func operatorJob() throws {
        var configuration = try Self.configuration(Self.base + "\n[jobs.overnight]\nschedule = \"0 2 * * *\"\ncommand = [\"backup\"]\n")
        let declared = try #require(configuration.job(named: "overnight"))
        try BuilderPack.install(into: &configuration, executable: Self.executable, workspace: Self.workspace)
        #expect(configuration.jobs.filter { $0.name == "overnight" } == [declared])
        #expect(configuration.cycle(named: "overnight") == nil)
        #expect(configuration.cycles.isEmpty)
        #expect(configuration.job(named: "morning-brief") != nil)
    }

    @Test("a job the operator named morning-brief is left alone")
    func operatorBrief() throws {
        var configuration = try Self.configuration(Self.base + "\n[jobs.morning-brief]\nschedule = \"0 8 * * *\"\ncommand = [\"my-brief\"]\n")
        let declared = try #require(configuration.job(named: "morning-brief"))
        try BuilderPack.install(into: &configuration, executable: Self.executable, workspace: Self.workspace)
        #expect(configuration.jobs.filter { $0.name == "morning-brief" } == [declared])
        #expect(configuration.cycle(named: "overnight") != nil)
    }

    @Test("installing twice adds nothing the second time")
    func idempotent() throws {
        var configuration = try Self.configuration(Self.base)
        try BuilderPack.install(into: &configuration, executable: Self.executable, workspace: Self.workspace)
        let once = (configuration.jobs, configuration.cycles)
        try BuilderPack.install(into: &configuration, executable: Self.executable, workspace: Self.workspace)
        #expect(configuration.jobs == once.0)
        #expect(configuration.cycles == once.1)
    }

    @Test("a workspace without [builder] gets nothing")
    func withoutBuilder() throws {
        var configuration = try Self.configuration("[workspace]\nname = \"home\"\n")
        try BuilderPack.install(into: &configuration, executable: Self.executable, workspace: Self.workspace)
        #expect(configuration.jobs.isEmpty)
        #expect(configuration.cycles.isEmpty)
    }
}
