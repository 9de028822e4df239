public import Foundation
public import NightshiftCore

/// The builder pack: `[builder]`, the build queue's `spawn_subagent` handler, the `overnight`
/// cycle and the `morning-brief` job, the steps `builder.schedule`, `builder.builds` and
/// `builder.report`, and the brief's build sections.
public struct BuilderPack: Pack {
    public var name: String { "builder" }
    public init() {}

    /// The overnight cycle's steps, in order, with the pack step each runs.
    public static let overnightSteps: [(name: String, step: String)] = [
        ("scan", "health.scan"), ("fix", "health.fix"), ("prebuild", "learning.prebuild"),
        ("schedule", "builder.schedule"), ("builds", "builder.builds"), ("report", "builder.report"),
    ]

    public var configSections: [any ConfigSection.Type] { [BuilderSettings.self] }

    /// Without a catalog entry or a category for it, a spawn waits for the operator. Under git
    /// isolation, committing a task's work on its own branch and merging it (which the operator
    /// asked for with `merge = "ff"`) are autonomous; reverting a merged task
    /// (`nightshift queue rollback`) is the operator's own request.
    public var catalog: [String: Tier] {
        [SpawnSubagentHandler.type: .approval, GitHandler.commitType: .autonomous, GitHandler.mergeType: .autonomous, GitHandler.revertType: .autonomous]
    }

    /// Adds the `overnight` cycle and the `morning-brief` job (names the operator took are left alone).
    public func install(into configuration: inout WorkspaceConfiguration) throws {
        guard let settings = configuration.section(BuilderSettings.self) else { return }
        let zone = configuration.settings.timeZone
        if configuration.job(named: "overnight") == nil {
            let cycle = try Self.overnightCycle(settings: settings, timeZone: zone)
            configuration.cycles.append(cycle)
            configuration.jobs.append(cycle.job)
        }
        if configuration.job(named: "morning-brief") == nil {
            configuration.jobs.append(try Self.briefJob(settings: settings, timeZone: zone))
        }
        // Every window but the overnight cycle's runs its tasks by itself when it opens.
        for window in settings.windows where window.name != "overnight" && !window.days.isEmpty {
            let name = "window-\(window.name)"
            guard configuration.job(named: name) == nil else { continue }
            let length = Duration.seconds(Int64(window.lengthHours * 3600))
            configuration.jobs.append(Job(
                name: name, description: "Runs the \(window.name) window's tasks until it closes (reports/windows/)",
                schedule: try Schedule.cron(parsing: WindowStep.cron(window)), timeZone: zone, action: .step("builder.window-\(window.name)"),
                timeout: length + .seconds(1800), overlap: .skip, missed: .once, grace: length
            ))
        }
        for (name, schedule, step, what) in [
            ("checkin-tonight", settings.tonightCheckin, CheckinStep.Kind.tonight, "Weeknight check-in: quick wins and tonight's plan"),
            ("checkin-weekend", settings.weekendCheckin, CheckinStep.Kind.weekend, "Friday check-in: the top 5 weekend options"),
        ] where configuration.job(named: name) == nil {
            guard let schedule else { continue }
            configuration.jobs.append(Job(
                name: name, description: what + ", to the notifiers", schedule: try Schedule.cron(parsing: schedule), timeZone: zone,
                action: .step(step.stepName), timeout: .seconds(120), overlap: .skip, missed: .skip
            ))
        }
    }

    /// The overnight runner as a cycle: scan problems → auto-fix → pattern pre-builds → schedule
    /// the night's tasks → run and monitor builds until `monitor_until` → completion report. Each
    /// step runs its pack's step in the daemon's process.
    public static func overnightCycle(settings: BuilderSettings, timeZone: TimeZone) throws -> Cycle {
        let job = Job(
            name: "overnight", description: "The builder's night: scan, fix, pre-build, schedule and run queued tasks, report",
            schedule: try Schedule.cron(parsing: settings.overnightSchedule), timeZone: timeZone, action: .cycle("overnight"),
            overlap: .skip, missed: .once, grace: .seconds(4 * 3600)
        )
        // A night lasts from the schedule to monitor_until; the builds step gets all of it.
        let night = Duration.seconds(10 * 3600)
        let steps = overnightSteps.map { name, step in
            CycleStep(
                name: name, action: .step(step),
                budget: name == "builds" ? night : .seconds(300), hardTimeout: name == "builds" ? night + .seconds(1800) : .seconds(1800),
                condensed: name == "report" || name == "schedule" || name == "builds", onFailure: name == "builds" || name == "report" ? .stop : .continue
            )
        }
        return Cycle(name: "overnight", job: job, budget: night, leaseTTL: .seconds(15), steps: steps)
    }

    /// The morning brief at `[builder.overnight] brief` (07:00): the `brief.deliver` step.
    public static func briefJob(settings: BuilderSettings, timeZone: TimeZone) throws -> Job {
        Job(
            name: "morning-brief", description: "Writes reports/brief/YYYY-MM-DD.md and sends it to the notifiers",
            schedule: try Schedule.cron(parsing: settings.briefSchedule), timeZone: timeZone, action: .step("brief.deliver"),
            timeout: .seconds(300), overlap: .skip, missed: .once, grace: .seconds(6 * 3600)
        )
    }

    public func handlers(_ context: PackContext) -> [any ActionHandler] {
        guard let settings = context.configuration.section(BuilderSettings.self) else { return [] }
        return [
            SpawnSubagentHandler(
                store: context.store, settings: settings, configuration: Self.workerConfiguration(context), clock: context.clock, logger: context.logger
            ),
            GitHandler(store: context.store, clock: context.clock),
        ]
    }

    public func steps(_ context: PackContext) -> [any PackStep] {
        guard let settings = context.configuration.section(BuilderSettings.self), let host = context.host as? any BuilderHost else { return [] }
        let timeZone = context.configuration.settings.timeZone
        return [
            ScheduleStep(
                store: context.store, settings: settings, timeZone: timeZone, host: host, reportsDirectory: context.reportsDirectory,
                workspaceName: context.configuration.settings.name ?? (context.root as NSString).lastPathComponent
            ),
            BuildsStep(store: context.store, settings: settings, timeZone: timeZone, configuration: Self.workerConfiguration(context), host: host, logger: context.logger),
            ReportStep(host: host, timeZone: timeZone, directory: "\(context.reportsDirectory)/overnight", journal: context.journal),
            CheckinStep(kind: .tonight, store: context.store, settings: settings, timeZone: timeZone, host: host),
            CheckinStep(kind: .weekend, store: context.store, settings: settings, timeZone: timeZone, host: host),
        ] + settings.windows.filter { $0.name != "overnight" }.map { window -> any PackStep in
            WindowStep(
                window: window, store: context.store, settings: settings, timeZone: timeZone, configuration: Self.workerConfiguration(context),
                host: host, reportsDirectory: context.reportsDirectory, logger: context.logger
            )
        }
    }

    public func briefContributors(_ context: PackContext) -> [any BriefContributor] {
        context.configuration.section(BuilderSettings.self) == nil ? [] : [BuilderBriefContributor()]
    }

    /// Where the pack's workers run agents and write their logs.
    public static func workerConfiguration(_ context: PackContext) -> BuildWorker.Configuration {
        var configuration = BuildWorker.Configuration()
        configuration.workspacePath = context.root
        configuration.logDirectory = context.logsDirectory
        configuration.journal = context.journal
        return configuration
    }
}

/// What the builder pack needs of the application that composes it.
public protocol BuilderHost: Sendable {
    /// Sends `text` to every notifier as an alert of `kind`; one line per notifier that failed,
    /// and one saying so when there is none.
    func notify(_ text: String, job: String, kind: AlertRecord.Kind, at now: Date) async -> [String]
    /// What the operator's context allows the builder at `now`.
    func workLimits(at now: Date) async -> WorkLimits
    /// Disk and memory use, for the resource gate.
    func resourceUsage() -> ResourceUsage?
    /// The overnight report of the night ending at `until`.
    func overnightReport(since: Date?, until: Date) async throws -> OvernightReport
}
