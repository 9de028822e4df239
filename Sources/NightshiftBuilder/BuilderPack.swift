public import Foundation
public import NightshiftCore

/// What the builder pack adds to a workspace that declares `[builder]`: the `overnight` cycle
/// and the `morning-brief` job, unless the operator declared their own under those names.
public enum BuilderPack {
    /// The overnight cycle's steps, in order. Each runs `nightshift overnight step NAME`.
    public static let overnightSteps = ["scan", "fix", "prebuild", "schedule", "builds", "report"]

    /// The overnight runner as a cycle: scan problems → auto-fix → pattern pre-builds → schedule
    /// the night's tasks → run and monitor builds until `monitor_until` → completion report.
    ///
    /// - Parameter executable: the `nightshift` binary the steps run (this process's own).
    public static func overnightCycle(settings: BuilderSettings, executable: String, workspace: String, timeZone: TimeZone) throws -> Cycle {
        var job = Job(
            name: "overnight", description: "The builder's night: scan, fix, pre-build, schedule and run queued tasks, report",
            schedule: try Schedule.cron(parsing: settings.overnightSchedule), timeZone: timeZone, action: .cycle("overnight"),
            overlap: .skip, missed: .once, grace: .seconds(4 * 3600)
        )
        // A night lasts from the schedule to monitor_until; the builds step gets all of it.
        let night = Duration.seconds(10 * 3600)
        let steps = overnightSteps.map { name in
            CycleStep(
                name: name,
                action: .command(CommandAction(program: .argv([executable, "overnight", "step", name, "--workspace", workspace]))),
                budget: name == "builds" ? night : .seconds(300), hardTimeout: name == "builds" ? night + .seconds(1800) : .seconds(1800),
                condensed: name == "report" || name == "schedule" || name == "builds", onFailure: name == "builds" || name == "report" ? .stop : .continue
            )
        }
        return Cycle(name: "overnight", job: job, budget: night, leaseTTL: .seconds(15), steps: steps)
    }

    /// The morning brief at `[builder.overnight] brief` (07:00): `nightshift brief --deliver`.
    public static func briefJob(settings: BuilderSettings, executable: String, workspace: String, timeZone: TimeZone) throws -> Job {
        Job(
            name: "morning-brief", description: "Writes reports/brief/YYYY-MM-DD.md and sends it to the notifiers",
            schedule: try Schedule.cron(parsing: settings.briefSchedule), timeZone: timeZone,
            action: .command(CommandAction(program: .argv([executable, "brief", "--deliver", "--workspace", workspace]))),
            timeout: .seconds(300), overlap: .skip, missed: .once, grace: .seconds(6 * 3600)
        )
    }

    /// The configuration with the pack's cycle and job added (names the operator took are left alone).
    public static func install(into configuration: inout WorkspaceConfiguration, executable: String, workspace: String) throws {
        guard let settings = configuration.section(BuilderSettings.self) else { return }
        let zone = configuration.settings.timeZone
        if configuration.job(named: "overnight") == nil {
            let cycle = try overnightCycle(settings: settings, executable: executable, workspace: workspace, timeZone: zone)
            configuration.cycles.append(cycle)
            configuration.jobs.append(cycle.job)
        }
        if configuration.job(named: "morning-brief") == nil {
            configuration.jobs.append(try briefJob(settings: settings, executable: executable, workspace: workspace, timeZone: zone))
        }
    }
}
