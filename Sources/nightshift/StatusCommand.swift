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

    func run() async throws {
        let app = try await workspace.load()
        let now = app.clock.now()
        let view = try await StatusView.read(of: app, at: now)
        if output.json { return try Output.json(view) }
        let zone = app.configuration.settings.timeZone
        print("workspace  \(view.workspace)")
        if view.scheduler.running, let nodes = view.nodes {
            print("scheduler  running on \(nodes.filter(\.alive).count) node\(nodes.filter(\.alive).count == 1 ? "" : "s")")
        } else if let nodes = view.nodes {
            print("scheduler  NOT running: no node serves this store\(nodes.isEmpty ? " (nightshift serve)" : " (\(nodes.count) dead, not yet cleaned up)")")
        } else if view.scheduler.running, let instance = view.daemon {
            print("scheduler  running, pid \(instance.pid) since \(Output.time(instance.startedAt, zone)) (heartbeat \(Int(now.timeIntervalSince(instance.heartbeatAt)))s ago)")
        } else if let instance = view.daemon {
            let when = instance.stoppedAt.map { "stopped at \(Output.time($0, zone))" } ?? "last seen \(Output.time(instance.heartbeatAt, zone)) (pid \(instance.pid), died without stopping)"
            print("scheduler  NOT running: \(when)")
        } else {
            print("scheduler  NOT running: never started in this workspace (nightshift serve)")
        }
        for node in view.nodes ?? [] {
            let host = node.host.map { " on \($0)" } ?? ""
            let heartbeat = "heartbeat \(Int(now.timeIntervalSince(node.lastHeartbeat)))s ago"
            print("node       \(node.alive ? "alive" : "DEAD ") pid \(node.pid.map(String.init) ?? "?")\(host) since \(Output.time(node.since, zone)) (\(heartbeat))")
        }
        print("runs       \(view.runningRuns) running, \(view.pendingRuns) pending")
        print(view.failing.isEmpty ? "failing    none" : "failing    \(view.failing.joined(separator: ", "))")
        print(view.approvalsWaiting == 0 ? "approvals  none waiting" : "approvals  \(view.approvalsWaiting) waiting (nightshift approvals list)")
        print("context    \(view.context) (\(view.reading.source)); builds at once: \(view.reading.profile.maxConcurrentBuilds)")
        for problem in view.calendarProblems { print("calendar   left out: \(problem)") }
        if let queue = view.queue {
            let parts = TaskState.allCases.compactMap { state in (queue[state.rawValue] ?? 0) == 0 ? nil : "\(queue[state.rawValue]!) \(state.rawValue)" }
            print("queue      \(parts.isEmpty ? "empty" : parts.joined(separator: ", ")) (nightshift queue list)")
        }
        printGoals(view.goals)
        print("")
        Output.table(
            ["JOB", "NEXT", "LAST RUN", "STATE", "FAILURES"],
            view.jobs.map { job in
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
