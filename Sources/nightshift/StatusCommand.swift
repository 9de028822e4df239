import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Is the daemon alive and since when; next fires; last run per job; failing jobs; approvals waiting; goals.",
        discussion: "Exit status 0 whether or not the daemon runs; read `scheduler.running` in --json."
    )

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    struct SchedulerView: Encodable {
        var running: Bool
        var pid: Int32?
        var host: String?
        var since: Date?
        var lastHeartbeat: Date?
        var stoppedAt: Date?
    }

    struct StatusView: Encodable {
        var workspace: String
        var scheduler: SchedulerView
        var jobs: [JobView]
        var failing: [String]
        var pendingRuns: Int
        var runningRuns: Int
        /// The active goals, evaluated now.
        var goals: [GoalView]
        /// Actions waiting in the approval inbox.
        var approvalsWaiting: Int
        /// The operator's context now.
        var context: String
        /// Calendars left out of the context because they cannot be read or parsed (`FILE:LINE: problem`).
        var calendarProblems: [String]
        /// Builder tasks per state, when the workspace has `[builder]`.
        var queue: [String: Int]?
    }

    func run() async throws {
        let app = try await workspace.load()
        let now = Date()
        let (instance, activeGoals) = try await StatusSummary.daemonAndGoals(of: app)
        let serving = instance.map { DaemonLease.isServing($0, now: now) } ?? false
        let jobs = try await JobBoard(app).views()
        let summary = try await StatusSummary.read(of: app, at: now)
        let running = summary.runningRuns, pending = summary.pendingRuns, waiting = summary.approvalsWaiting, queue = summary.queue
        let goals = activeGoals.map { GoalView($0, at: now) }
        let reading = await app.contextReading(at: now)
        let calendarProblems = await app.calendarLoad().problems
        let view = StatusView(
            workspace: app.workspace.root,
            scheduler: SchedulerView(
                running: serving, pid: instance?.pid, host: instance?.host, since: serving ? instance?.startedAt : nil,
                lastHeartbeat: instance?.heartbeatAt, stoppedAt: instance?.stoppedAt
            ),
            jobs: jobs,
            failing: jobs.filter { $0.consecutiveFailures > 0 }.map(\.name),
            pendingRuns: pending,
            runningRuns: running,
            goals: goals,
            approvalsWaiting: waiting,
            context: reading.context.rawValue,
            calendarProblems: calendarProblems,
            queue: queue
        )
        if output.json { return try Output.json(view) }
        let zone = app.configuration.settings.timeZone
        print("workspace  \(view.workspace)")
        if serving, let instance {
            print("scheduler  running, pid \(instance.pid) since \(Output.time(instance.startedAt, zone)) (heartbeat \(Int(now.timeIntervalSince(instance.heartbeatAt)))s ago)")
        } else if let instance {
            let when = instance.stoppedAt.map { "stopped at \(Output.time($0, zone))" } ?? "last seen \(Output.time(instance.heartbeatAt, zone)) (pid \(instance.pid), died without stopping)"
            print("scheduler  NOT running: \(when)")
        } else {
            print("scheduler  NOT running: never started in this workspace (nightshift serve)")
        }
        print("runs       \(running) running, \(pending) pending")
        print(view.failing.isEmpty ? "failing    none" : "failing    \(view.failing.joined(separator: ", "))")
        print(waiting == 0 ? "approvals  none waiting" : "approvals  \(waiting) waiting (nightshift approvals list)")
        print("context    \(reading.context.rawValue) (\(reading.source)); builds at once: \(reading.profile.maxConcurrentBuilds)")
        for problem in calendarProblems { print("calendar   left out: \(problem)") }
        if let queue {
            let parts = TaskState.allCases.compactMap { state in (queue[state.rawValue] ?? 0) == 0 ? nil : "\(queue[state.rawValue]!) \(state.rawValue)" }
            print("queue      \(parts.isEmpty ? "empty" : parts.joined(separator: ", ")) (nightshift queue list)")
        }
        printGoals(goals)
        print("")
        Output.table(
            ["JOB", "NEXT", "LAST RUN", "STATE", "FAILURES"],
            jobs.map { job in
                [
                    job.name + (job.paused ? " (paused)" : ""), Output.time(job.nextFire, zone),
                    job.lastRun.map { Output.time($0.finishedAt ?? $0.createdAt, zone) } ?? "-",
                    job.lastRun?.state ?? "never run", String(job.consecutiveFailures),
                ]
            }
        )
    }

    /// One line per active goal: on track or behind, progress against the pace expected by now.
    private func printGoals(_ goals: [GoalView]) {
        guard !goals.isEmpty else { return print("goals      none active") }
        for (index, goal) in goals.enumerated() {
            let line = "\(goal.name): \(goal.label), \(Goal.formatted(goal.current))/\(Goal.formatted(goal.target)) \(goal.metric) "
                + "(\(Goal.percent(goal.pace)), \(Goal.percent(goal.expected)) expected), \(GoalsCommand.days(goal.daysLeft)) days left"
            print((index == 0 ? "goals      " : "           ") + line)
        }
    }
}
