public import Foundation
public import NightshiftCore

/// Everything `status` shows, as `--json` prints it: the daemon, the jobs, the counts, the goals,
/// the operator's context and the builder's queue.
public struct StatusView: Encodable, Sendable {
    /// Whether a daemon serves the workspace, and which.
    public struct Scheduler: Encodable, Sendable {
        public var running: Bool
        public var pid: Int32?
        public var host: String?
        public var since: Date?
        public var lastHeartbeat: Date?
        public var stoppedAt: Date?
    }

    public var workspace: String
    public var scheduler: Scheduler
    public var jobs: [JobView]
    /// The jobs whose last runs failed.
    public var failing: [String]
    public var pendingRuns: Int
    public var runningRuns: Int
    /// The active goals, evaluated now.
    public var goals: [GoalView]
    /// Actions waiting in the approval inbox.
    public var approvalsWaiting: Int
    /// The operator's context now.
    public var context: String
    /// Calendars left out of the context because they cannot be read or parsed (`FILE:LINE: problem`).
    public var calendarProblems: [String]
    /// Builder tasks per state, when the workspace has `[builder]`.
    public var queue: [String: Int]?

    /// The daemon's record as last written (serving or not): what the text output says about a
    /// daemon that stopped or died. Not part of the JSON.
    public var daemon: DaemonInstance?
    /// Where the context reading comes from, and how many builds it allows at once. Not part of the JSON.
    public var reading: ContextReading

    enum CodingKeys: String, CodingKey {
        case workspace, scheduler, jobs, failing, pendingRuns, runningRuns, goals, approvalsWaiting, context, calendarProblems, queue
    }

    /// The status of `app` at `now`; every count comes from an aggregate query of the store.
    public static func read(of app: NightshiftApplication, at now: Date) async throws -> StatusView {
        let daemon = try await app.store.daemonInstance()
        let serving = daemon.map { DaemonLease.isServing($0, now: now) } ?? false
        let jobs = try await JobBoard(app).views(at: now)
        let summary = try await StatusSummary.read(of: app, at: now)
        let goals = try await app.store.goals(includeFinished: false).map { GoalView($0, at: now) }
        let reading = await app.contextReading(at: now)
        return StatusView(
            workspace: app.workspace.root,
            scheduler: Scheduler(
                running: serving, pid: daemon?.pid, host: daemon?.host, since: serving ? daemon?.startedAt : nil,
                lastHeartbeat: daemon?.heartbeatAt, stoppedAt: daemon?.stoppedAt
            ),
            jobs: jobs,
            failing: jobs.filter { $0.consecutiveFailures > 0 }.map(\.name),
            pendingRuns: summary.pendingRuns,
            runningRuns: summary.runningRuns,
            goals: goals,
            approvalsWaiting: summary.approvalsWaiting,
            context: reading.context.rawValue,
            calendarProblems: await app.calendarLoad().problems,
            queue: summary.queue,
            daemon: daemon,
            reading: reading
        )
    }
}
