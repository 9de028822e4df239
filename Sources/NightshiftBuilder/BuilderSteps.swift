public import Foundation
public import Logging
public import NightshiftCore

/// `builder.schedule`: places the ready tasks that fit tonight's `overnight` window.
struct ScheduleStep: PackStep {
    var name: String { "builder.schedule" }
    var summary: String { "schedule the ready tasks that fit the overnight window" }
    let store: any Store
    let settings: BuilderSettings
    let timeZone: TimeZone
    let host: any BuilderHost
    /// Where `calendar.ics` goes, and the name its feed carries.
    let reportsDirectory: String
    let workspaceName: String

    func run(_ context: StepContext) async -> ActionResult {
        let now = context.now
        do {
            let tasks = try await BuildQueue(store: store, settings: settings).refreshBlocked(at: now)
            let limits = await host.workLimits(at: now)
            let planner = BuildPlanner(windows: settings.windows, timeZone: timeZone, concurrency: min(settings.maxConcurrent, limits.maxConcurrent))
            let plan = planner.plan(tasks, at: now, only: "overnight")
            let stored = try await BuildPlanner.apply(plan, store: store, at: now)
            var lines = stored.map { "scheduled \($0.id) \($0.title) (\(StepText.hours($0.hours)), score \(StepText.number($0.score)))" }
            if stored.isEmpty { lines.append("nothing to schedule tonight: no ready task fits the overnight window") }
            let scheduled = try await BuildQueue(store: store, settings: settings).tasks(in: [.scheduled])
            do {
                let path = try BuildCalendar.write(
                    scheduled, windows: settings.windows, timeZone: timeZone, workspace: workspaceName, at: now, to: reportsDirectory
                )
                lines.append("build sessions written to \(path)")
            } catch {
                lines.append("the build calendar could not be written: \(error.localizedDescription)")
            }
            return StepText.result(lines, ["scheduled": .array(stored.map { .string($0.id) }), "unplaced": .array(plan.unplaced.map { .string($0.id) })])
        } catch {
            return .failure("the queue could not be scheduled: \(error)")
        }
    }
}

/// `builder.builds`: runs and monitors tonight's builds until `monitor_until`.
struct BuildsStep: PackStep {
    var name: String { "builder.builds" }
    var summary: String { "run and monitor tonight's builds until monitor_until" }
    let store: any Store
    let settings: BuilderSettings
    let timeZone: TimeZone
    let configuration: BuildWorker.Configuration
    let host: any BuilderHost
    let logger: Logger

    func run(_ context: StepContext) async -> ActionResult {
        let now = context.now
        let deadline = settings.monitorUntil.next(after: now, in: timeZone) ?? now
        let host = self.host, clock = context.clock
        let worker = BuildWorker(
            store: store, gate: context.gate, settings: settings, clock: clock, owner: ProcessIdentity.current().description,
            configuration: configuration, limits: { await host.workLimits(at: clock.now()) }, resources: { host.resourceUsage() }, logger: logger
        )
        let summary = await worker.work(until: deadline, window: "overnight")
        // Failed tasks are the report's news, not a failed step: the night went on.
        let lines = [
            "running tonight's builds until \(ISO8601.format(deadline, in: timeZone))",
            "started \(summary.started.count), succeeded \(summary.succeeded.count), failed \(summary.failed.count), "
                + "awaiting approval \(summary.parked.count), queued again \(summary.handedBack.count)",
        ]
        let output = lines.joined(separator: "\n") + "\n\(StepOutput.marker)\(summary.json.canonical)\n"
        return ActionResult(succeeded: true, output: output, excerpt: lines[1], cancelled: Task.isCancelled)
    }
}

/// `builder.report`: writes the night's completion report.
struct ReportStep: PackStep {
    var name: String { "builder.report" }
    var summary: String { "write the overnight report (reports/overnight/)" }
    let host: any BuilderHost
    let timeZone: TimeZone
    let directory: String
    /// Where the report's line goes (`journal/YYYY-MM-DD.md`), when the workspace keeps one.
    var journal: Journal? = nil

    func run(_ context: StepContext) async -> ActionResult {
        do {
            let report = try await host.overnightReport(since: nil, until: context.now)
            let paths = try report.write(to: directory, timeZone: timeZone)
            try? journal?.note(
                "overnight report \(report.date): \(report.completed.count) completed, \(report.failed.count) failed, "
                    + "\(OvernightReport.hours(report.hoursShipped)) shipped — \(paths.markdown)",
                at: context.now
            )
            return StepText.result(report.summaryLines + ["report: \(paths.markdown)"], [
                "completed": .integer(Int64(report.completed.count)), "failed": .integer(Int64(report.failed.count)),
                "in_progress": .integer(Int64(report.inProgress.count)), "hours_shipped": .number(report.hoursShipped),
                "report": .string(paths.json),
            ])
        } catch {
            return .failure("the overnight report could not be written: \(error)")
        }
    }
}
