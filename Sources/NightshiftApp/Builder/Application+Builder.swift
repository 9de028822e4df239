public import Foundation
public import NightshiftBuilder
public import NightshiftCore

extension NightshiftApplication: BuilderHost {
    /// The `[builder]` table, when the workspace has one.
    public var builderSettings: BuilderSettings? { configuration.section(BuilderSettings.self) }

    /// The `[builder]` table, or a usage error saying how to get one.
    public func requireBuilder() throws -> BuilderSettings {
        guard let settings = builderSettings else {
            throw AppError.usage(
                "\(workspace.configPath) has no [builder] table: add one with agent = [\"claude\", \"-p\", \"{prompt}\"] "
                    + "(see docs/BUILDER.md), or start from nightshift init --example builder"
            )
        }
        return settings
    }

    /// The weekend planner of this workspace's builder.
    public func weekendPlanner(_ settings: BuilderSettings) -> WeekendPlanner {
        WeekendPlanner(store: store, settings: settings, timeZone: configuration.settings.timeZone)
    }

    /// The builder's queue.
    public func buildQueue() throws -> BuildQueue {
        BuildQueue(store: store, settings: try requireBuilder(), categories: Array(configuration.policy.categories.keys))
    }


    /// Proposes reverting what the task `id` merged under git isolation (`nightshift queue
    /// rollback`): a `revert_commit` action, executed by the gate when the policy allows it,
    /// parked for the operator otherwise.
    public func rollbackTask(_ id: String) async throws -> PolicyGate.Outcome {
        _ = try requireBuilder()
        guard let task = try await store.task(id) else { throw AppError.failure("no task \(id); see nightshift queue list") }
        switch GitHandler.rollbackProposal(for: task) {
        case .failure(let refusal): throw AppError.failure(refusal.message)
        case .success(let proposal): return try await gate.propose(proposal)
        }
    }

    /// A worker that runs the builder's queue as this process, through ``gate``.
    public func makeBuildWorker(stopAtDeadline: Bool = true) throws -> BuildWorker {
        let settings = try requireBuilder()
        var workerConfiguration = BuilderPack.workerConfiguration(packContext())
        workerConfiguration.stopAtDeadline = stopAtDeadline
        let root = workspace.root, clock = clock
        return BuildWorker(
            store: store, gate: gate, settings: settings, clock: clock, owner: identity.description,
            configuration: workerConfiguration, limits: { [self] in await self.workLimits(at: clock.now()) },
            resources: { SystemResources.usage(path: root) }, logger: logger
        )
    }

    /// The windows' planner with the concurrency the operator's context allows now.
    public func buildPlanner(at now: Date = Date()) async throws -> BuildPlanner {
        let settings = try requireBuilder()
        let limits = await workLimits(at: now)
        return BuildPlanner(windows: settings.windows, timeZone: configuration.settings.timeZone, concurrency: min(settings.maxConcurrent, limits.maxConcurrent))
    }

    /// The overnight report of the night ending at `until`: from the overnight window's last
    /// opening (or `since`) to `until`.
    public func overnightReport(since: Date? = nil, until: Date = Date()) async throws -> OvernightReport {
        let settings = try requireBuilder()
        let zone = configuration.settings.timeZone
        let overnight = settings.windows.first { $0.name == "overnight" } ?? TimeWindow.defaults[1]
        // The last opening that began by `until`: tonight's while the window is open, else the last night's.
        let openings = [until, until.addingTimeInterval(-24 * 3600), until.addingTimeInterval(-7 * 24 * 3600)]
            .compactMap { overnight.opening(at: $0, in: zone)?.start }.filter { $0 <= until }
        let start = since ?? openings.first ?? until.addingTimeInterval(-24 * 3600)
        let tasks = try await BuildQueue.reportTasks(in: store, since: start, until: until)
        var report = OvernightReport(tasks: tasks, since: start, until: until, timeZone: zone)
        report.problemsFixed = try await fixedProblems(from: start, until: until).map { "\($0.key): \($0.summary)" }
        return report
    }

    /// Places the ready tasks into the builder's windows (only `window` when given) at `now` and,
    /// unless `dryRun`, writes the plan: what `queue schedule` and the overnight cycle's schedule step do.
    ///
    /// - Throws: ``AppError/usage(_:)`` for a window the builder does not declare.
    public func scheduleQueue(window: String?, dryRun: Bool, at now: Date) async throws -> BuildPlanner.Plan {
        let settings = try requireBuilder()
        if let window, !settings.windows.contains(where: { $0.name == window }) {
            throw AppError.usage("--window: no window \"\(window)\"; the windows are \(settings.windows.map(\.name).joined(separator: ", "))")
        }
        let queue = try buildQueue()
        let plan = try await buildPlanner(at: now).plan(try await queue.refreshBlocked(at: now), at: now, only: window)
        if !dryRun {
            _ = try await queue.schedule(plan, at: now)
            try await writeBuildCalendar(at: now)
        }
        return plan
    }

    /// Writes `reports/calendar.ics`: the planned build sessions (``BuildCalendar``); returns its path.
    @discardableResult
    public func writeBuildCalendar(at now: Date) async throws -> String {
        let settings = try requireBuilder()
        return try BuildCalendar.write(
            try await buildQueue().tasks(in: [.scheduled]), windows: settings.windows, timeZone: configuration.settings.timeZone,
            workspace: workspaceName, at: now, to: workspace.reportsDirectory
        )
    }

    /// Disk and memory use of this machine.
    public func resourceUsage() -> ResourceUsage? { SystemResources.usage(path: workspace.root) }

    /// Sends `text` to every notifier (recorded as an alert of `kind`).
    public func notify(_ text: String, job: String, kind: AlertRecord.Kind, at now: Date) async -> [String] {
        let alerter = Alerter(store: store, notifiers: makeNotifiers(), logger: logger)
        return await alerter.deliver(AlertMessage(job: job, kind: kind, runID: nil, consecutiveFailures: 0, error: nil, text: text, at: now))
    }

    /// Where overnight reports go.
    public var overnightReportsDirectory: String { "\(workspace.reportsDirectory)/overnight" }
}

/// Disk and memory use of this machine, for the builder's resource gate.
public enum SystemResources {
    /// The use of the file system holding `path` and of memory, in percent; nil if unreadable.
    /// `NIGHTSHIFT_RESOURCE_USAGE=DISK,MEMORY` (percentages) overrides both, so a test can close
    /// the gate without filling a disk.
    public static func usage(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> ResourceUsage? {
        if let forced = environment["NIGHTSHIFT_RESOURCE_USAGE"] {
            let parts = forced.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count == 2 { return ResourceUsage(diskPercent: parts[0], memoryPercent: parts[1]) }
        }
        var stats = statvfs()
        guard statvfs(path, &stats) == 0, stats.f_blocks > 0 else { return nil }
        let total = Double(stats.f_blocks), available = Double(stats.f_bavail)
        let disk = (total - available) / total * 100
        return ResourceUsage(diskPercent: disk, memoryPercent: memoryPercent() ?? 0)
    }

    /// (MemTotal − MemAvailable) / MemTotal from /proc/meminfo.
    static func memoryPercent() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        func value(_ key: String) -> Double? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
        }
        guard let total = value("MemTotal"), total > 0, let available = value("MemAvailable") else { return nil }
        return (total - available) / total * 100
    }
}
